"""The values snapshot file (etl/value_snapshot.py): used only at the store's exact version, by
the same store; damaged, foreign or unwritable is the store read as before; written by the
commands that load, so a new server reads no value from the store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.state import ACCEPTED, ALL, DashboardState
from dashboard.state.snapshot import HeldValues, _from_saved, _indexed
from etl import value_snapshot
from etl.status_snapshot import StatusFiles
from etl.store import Store
from indicators.reference import Reference
from targets import cli_snapshot
from targets.cli import main as targets
from tests.factories import make_rows

FILES = Path(__file__).parent / "files"
SHARE = "transit_modal_share"
ROWS = [("220100", SHARE, 2018, 25.0), ("220100", SHARE, 2019, 27.5),
        ("220200", SHARE, 2018, 20.0), ("220100", "new_urban_jobs", 2019, 30.0)]


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def loaded(url: str, rows=ROWS, *, accept: bool = True) -> Store:
    store = Store(url)
    store.load(make_rows(*rows), by="loader", source="x.csv", accept=accept)
    return store


def held(store: Store, view: str = ALL) -> HeldValues:
    return HeldValues(store, on_full_read=lambda: None, view=view)


def read_now(store: Store, view: str = ALL):
    values = held(store, view)
    snapshot, _full = values.at(values.version())
    values.wait_saved()
    return snapshot


def no_values_read(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("values read from the store")

    monkeypatch.setattr(Store, "values", refuse)


def test_round_trip_keeps_values_positions_years_and_demo(url):
    store = loaded(url)
    values = store.values()
    version = store.data_version()
    assert value_snapshot.write(store, ALL, version, values, True)
    saved = value_snapshot.read(store, ALL, version)
    assert saved is not None and saved.demo and saved.years == (2018, 2019)
    fresh, expected = _from_saved(saved, version, 1), _indexed(values, version, 1, True)
    pd.testing.assert_frame_equal(fresh.values, expected.values)
    for name in ("by_indicator", "by_region"):
        mine, theirs = getattr(fresh, name), getattr(expected, name)
        assert mine.keys() == theirs.keys()
        assert all(np.array_equal(mine[key], theirs[key]) for key in theirs)


def test_a_snapshot_of_another_version_is_not_used(url, monkeypatch):
    store = loaded(url)
    version = store.data_version()
    value_snapshot.write(store, ALL, version, store.values(), False)
    assert value_snapshot.read(store, ALL, version + 1) is None
    # A file named for the store's version whose contents are of another: foreign, removed.
    place = value_snapshot.folder(store)
    assert place is not None
    file = value_snapshot.path(place, ALL, version)
    file.rename(value_snapshot.path(place, ALL, version + 1))
    assert value_snapshot.read(store, ALL, version + 1) is None
    assert not value_snapshot.path(place, ALL, version + 1).exists()


def test_a_store_made_anew_at_the_same_version_does_not_use_the_old_one(tmp_path, url):
    store = loaded(url)
    version = store.data_version()
    value_snapshot.write(store, ALL, version, store.values(), False)
    store.engine.dispose()
    (tmp_path / "store.sqlite").unlink()
    again = loaded(url, [(code, indicator, period, value + 1)
                         for code, indicator, period, value in ROWS])
    assert again.data_version() == version
    assert value_snapshot.read(again, ALL, version) is None
    snapshot = read_now(again)
    assert sorted(snapshot.values["value"]) == sorted(value + 1 for *_k, value in ROWS)


def test_a_damaged_file_is_ignored_and_replaced(url):
    store = loaded(url)
    place = value_snapshot.folder(store)
    assert place is not None
    place.mkdir()
    file = value_snapshot.path(place, ALL, store.data_version())
    file.write_bytes(b"ARROW1 not really")
    snapshot = read_now(store)
    assert len(snapshot.values) == len(ROWS)
    assert value_snapshot.read(store, ALL, store.data_version()) is not None


def test_an_unwritable_folder_works_without(url):
    store = loaded(url)
    place = value_snapshot.folder(store)
    assert place is not None
    place.write_text("a file where the folder would be")
    assert not value_snapshot.write(store, ALL, store.data_version(), store.values(), False)
    snapshot = read_now(store)
    assert len(snapshot.values) == len(ROWS)
    assert place.is_file()


def test_an_in_memory_store_has_no_snapshots_and_postgresql_its_own_folder(monkeypatch,
                                                                           tmp_path):
    assert value_snapshot.folder(Store("sqlite://")) is None
    monkeypatch.setenv(value_snapshot.ENVIRONMENT, str(tmp_path))

    class Remote:
        url = "postgresql+psycopg://reader:secret@db.example/targets"

    place = value_snapshot.folder(Remote())  # type: ignore[arg-type]
    assert place is not None and place.parent == tmp_path
    Remote.url = "postgresql+psycopg://reader:other@db.example/targets"
    assert value_snapshot.folder(Remote()) == place  # the password is not part of its name
    monkeypatch.setenv(value_snapshot.ENVIRONMENT, "off")
    assert value_snapshot.folder(Remote()) is None
    assert value_snapshot.folder(Store(f"sqlite:///{tmp_path / 'x.sqlite'}")) is None


def test_a_write_by_another_process_is_seen_and_the_old_snapshot_not_used(url, monkeypatch):
    loaded(url)
    value_snapshot.write_current(Store(url))
    state = DashboardState(Store(url))
    before = state.view(ALL).values()
    assert len(before) == len(ROWS)
    # Another process: another Store object on the same database writes a value.
    Store(url).load(make_rows(("220100", SHARE, 2020, 31.0)), by="other", source="y.csv")
    after = state.view(ALL).values()
    assert len(after) == len(ROWS) + 1 and 31.0 in set(after["value"])
    # A new process reads the store (the snapshot is of the version before), not the file.
    fresh = DashboardState(Store(url)).view(ALL).values()
    assert 31.0 in set(fresh["value"])


@pytest.mark.parametrize("command", ["demo", "load"])
def test_the_loading_commands_write_both_views(tmp_path, url, command):
    arguments = (["demo"] if command == "demo" else
                 ["load", str(FILES / "long_messy.csv"), "--by", "planner", "--accepted"])
    assert targets(["--database", url, *arguments]) == 0
    store = Store(url)
    for view, version in ((ALL, store.data_version()), (ACCEPTED, store.review_version())):
        saved = value_snapshot.read(store, view, version)
        assert saved is not None
        pd.testing.assert_frame_equal(saved.values, store.values(view=view))


def test_a_new_state_on_a_snapshot_reads_no_values_and_gives_the_same_pages(url, monkeypatch):
    assert targets(["--database", url, "demo"]) == 0
    reference = Reference.load()
    expected = DashboardState(Store(url), reference)
    year = expected.default_year()
    wanted = {view: (expected.view(view).values(), expected.view(view).status(year))
              for view in (ACCEPTED, ALL)}
    no_values_read(monkeypatch)
    state = DashboardState(Store(url), reference)
    assert state.default_year() == year
    for view, (values, status) in wanted.items():
        pd.testing.assert_frame_equal(state.view(view).values(), values)
        pd.testing.assert_frame_equal(state.view(view).status(year), status)
        assert state.view(view).demo_in_use()


def test_statuses_are_read_from_their_files_at_the_same_version_only(url, monkeypatch):
    assert targets(["--database", url, "demo"]) == 0
    reference = Reference.load()
    monkeypatch.setenv(value_snapshot.ENVIRONMENT, "off")  # evaluated, not read
    expected = DashboardState(Store(url), reference)
    years = expected.years()
    wanted = {year: expected.status(year) for year in years}
    monkeypatch.delenv(value_snapshot.ENVIRONMENT)

    def refuse(*_args, **_kwargs):
        raise AssertionError("evaluated")

    monkeypatch.setattr("dashboard.state.statuses.status_table", refuse)
    state = DashboardState(Store(url), reference)
    for year in years:
        pd.testing.assert_frame_equal(state.status(year), wanted[year])
    # Another version: the files are not used (here, evaluating is refused, so it fails).
    Store(url).load(make_rows(("220100", SHARE, years[-1], 99.0)), by="other",
                    source="z.csv", accept=True)
    with pytest.raises(AssertionError, match="evaluated"):
        DashboardState(Store(url), reference).status(years[-1])


def test_the_loading_commands_write_every_years_status(url, monkeypatch):
    assert targets(["--database", url, "demo"]) == 0

    def refuse(*_args, **_kwargs):
        raise AssertionError("evaluated")

    no_values_read(monkeypatch)
    monkeypatch.setattr("dashboard.state.statuses.status_table", refuse)
    state = DashboardState(Store(url))
    assert len(state.years()) > 1
    assert all(len(state.status(year)) > 0 for year in state.years())


def test_a_status_file_of_another_reference_is_not_used(url):
    assert targets(["--database", url, "demo"]) == 0
    store = Store(url)
    reference = Reference.load()
    files = StatusFiles(store, reference, ACCEPTED)
    version, year = store.review_version(), DashboardState(store, reference).default_year()
    assert files.read(version, year) is not None
    other = StatusFiles(store, reference, ACCEPTED)
    other.__dict__["_reference"] = "another catalogue"
    assert other.read(version, year) is None


def test_a_large_load_writes_them_in_a_process_of_its_own(url, monkeypatch):
    monkeypatch.setattr(cli_snapshot, "SEPARATE_PROCESS_VALUES", 1)
    started = []
    run = cli_snapshot.subprocess.run
    monkeypatch.setattr(cli_snapshot.subprocess, "run",
                        lambda command, **options: started.append(command) or run(command,
                                                                                 **options))
    assert targets(["--database", url, "load", str(FILES / "long_messy.csv"), "--by", "p",
                    "--accepted"]) == 0
    assert started and started[0][-1] == "snapshot" and url not in " ".join(started[0])
    store = Store(url)
    assert value_snapshot.read(store, ACCEPTED, store.review_version()) is not None


def test_with_snapshots_off_a_large_load_starts_no_process_and_writes_none(url, monkeypatch):
    """TARGETS_SNAPSHOT_DIR=off (how the benchmark times what storing costs): the load neither
    writes snapshots nor starts a process to find out it may not."""
    monkeypatch.setattr(cli_snapshot, "SEPARATE_PROCESS_VALUES", 1)
    monkeypatch.setenv("TARGETS_SNAPSHOT_DIR", "off")
    started = []
    monkeypatch.setattr(cli_snapshot.subprocess, "run",
                        lambda command, **options: started.append(command))
    assert targets(["--database", url, "load", str(FILES / "long_messy.csv"), "--by", "p",
                    "--accepted"]) == 0
    assert started == []
    monkeypatch.delenv("TARGETS_SNAPSHOT_DIR")
    store = Store(url)
    assert value_snapshot.read(store, ACCEPTED, store.review_version()) is None


def test_the_snapshot_command_writes_them_for_a_store_changed_otherwise(url):
    loaded(url)
    store = Store(url)
    assert value_snapshot.read(store, ALL, store.data_version()) is None
    assert targets(["--database", url, "snapshot"]) == 0
    assert value_snapshot.read(store, ALL, store.data_version()) is not None
    assert value_snapshot.read(store, ACCEPTED, store.review_version()) is not None


def test_a_new_snapshot_replaces_older_ones_only(url):
    store = loaded(url)
    version, values = store.data_version(), store.values()
    for written in (version - 1, version + 1, version):
        value_snapshot.write(store, ALL, written, values, False)
    place = value_snapshot.folder(store)
    assert place is not None
    assert sorted(file.name for file in place.glob("values-all-*.arrow")) == sorted(
        [f"values-all-{version}.arrow", f"values-all-{version + 1}.arrow"])
