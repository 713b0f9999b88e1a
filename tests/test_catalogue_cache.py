"""The validated catalogue is kept on disk, keyed by its files; the cache never makes a load
fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators import catalogue as catalogue_module
from indicators import catalogue_cache
from indicators.catalogue import CatalogueError, load_catalogue
from indicators.catalogue_cache import CACHE_ENV, cache_dir
from indicators.paths import CATALOGUE_DIR, gazette_file


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(directory))
    return directory


@pytest.fixture
def files(tmp_path) -> Path:
    """A copy of the shipped catalogue, to change."""
    return Path(shutil.copytree(CATALOGUE_DIR, tmp_path / "catalogue"))


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """One entry for each time the catalogue is validated."""
    calls: list[int] = []
    validate = catalogue_module.build_catalogue

    def spy(*args, **kwargs):
        calls.append(1)
        return validate(*args, **kwargs)

    monkeypatch.setattr(catalogue_module, "build_catalogue", spy)
    return calls


def pickles(directory: Path) -> list[Path]:
    return sorted(directory.glob("catalogue-*.pickle"))


def test_the_second_load_reads_the_cache_without_validating(cache, builds):
    first = load_catalogue()
    assert len(builds) == 1 and len(pickles(cache)) == 1
    second = load_catalogue()
    assert len(builds) == 1
    assert second.targets == first.targets and second.indicators == first.indicators
    assert second.targets_frame.equals(first.targets_frame)


def test_a_changed_file_changes_the_key(cache, files, builds):
    load_catalogue(files)
    path = sorted(files.glob("jzbf-*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("title_en: ", "title_en: New ", 1),
                    encoding="utf-8")
    changed = load_catalogue(files)
    assert len(builds) == 2 and len(pickles(cache)) == 2
    assert any(document.title_en.startswith("New ") for document in changed.documents.values())


def test_a_changed_gazette_changes_the_key(cache, tmp_path, builds):
    gazette = tmp_path / "gazette.txt"
    gazette.write_text(gazette_file().read_text(encoding="utf-8"), encoding="utf-8")
    load_catalogue(gazette=gazette)
    with gazette.open("a", encoding="utf-8") as file:
        file.write("\n附件。")
    load_catalogue(gazette=gazette)
    assert len(builds) == 2


def test_a_catalogue_with_errors_is_refused_every_time(cache, files):
    path = sorted(files.glob("jzbf-*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("kind: ", "kind: wrong_", 1),
                    encoding="utf-8")
    for _ in range(2):
        with pytest.raises(CatalogueError):
            load_catalogue(files)
    assert pickles(cache) == []


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01.", b"\x80\x05\x95"])
def test_a_damaged_cache_file_is_rebuilt(cache, builds, damage):
    expected = load_catalogue()
    [path] = pickles(cache)
    path.write_bytes(damage)  # empty, foreign, an int, truncated
    assert load_catalogue().targets == expected.targets
    assert len(builds) == 2
    assert load_catalogue().targets == expected.targets  # the rebuilt one is read back
    assert len(builds) == 2


def test_a_refused_write_just_builds(cache, monkeypatch, builds):
    """What a read-only directory does (simulated: the tests may run as root, who may
    write anywhere)."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(catalogue_cache.tempfile, "mkstemp", refuse)
    first = load_catalogue()
    assert load_catalogue().targets == first.targets
    assert len(builds) == 2 and pickles(cache) == []


def test_a_failed_rename_leaves_no_temporary_file(cache, monkeypatch, builds):
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(catalogue_cache.os, "replace", refuse)
    load_catalogue()
    assert list(cache.iterdir()) == []


def test_an_unusable_cache_directory_just_builds(tmp_path, monkeypatch, builds):
    blocker = tmp_path / "a file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    first = load_catalogue()
    assert load_catalogue().targets == first.targets
    assert len(builds) == 2


def test_the_cache_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "jilin-targets"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "jilin-targets"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
