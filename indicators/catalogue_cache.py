"""A validated object kept on disk, keyed by the files it was built from.

Validating the catalogue (every entry through pydantic, every unit through pint, every quote
against the gazette) gives the same result as long as its files and the code that checks them
are unchanged, yet each `targets` command did it again. The result is pickled under a key that
hashes those files; a changed file gives a new key, so a stale result is never read.

The cache is an optimisation only: a missing, read-only or full directory, or a damaged file,
means the object is built as before (and a damaged file replaced when the directory allows).
The directory is the user's own (`TARGETS_CACHE_DIR`, else `$XDG_CACHE_HOME/jilin-targets`,
else `~/.cache/jilin-targets`): pickles are only ever read from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pydantic

T = TypeVar("T")
CACHE_ENV = "TARGETS_CACHE_DIR"


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "jilin-targets"


def cache_key(kind: str, files: Iterable[Path]) -> str:
    """A hash of each file's name and bytes, and of the Python and pydantic versions (a
    pickle of pydantic models is only read back by the versions that wrote it)."""
    digest = hashlib.sha256(f"{kind}\0{sys.version}\0{pydantic.VERSION}\0".encode())
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def cached(kind: str, files: Iterable[Path], build: Callable[[], T], expected: type[T]) -> T:
    """The object `build` returns for these files: from the cache when it holds one for the
    very same files, else built and stored for next time."""
    key = cache_key(kind, files)
    path = cache_dir() / f"{kind}-{key}.pickle"
    found = _read(path, expected)
    if found is not None:
        return found
    value = build()
    _write(path, value)
    return value


def _read(path: Path, expected: type[T]) -> T | None:
    try:
        with path.open("rb") as file:
            value = pickle.load(file)
    except Exception:  # missing, truncated, foreign, or of classes since changed: rebuild
        return None
    return value if isinstance(value, expected) else None


def _write(path: Path, value: object) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a pickle."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError):
        # No cache this time: the caller has its object all the same.
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
