"""The current values of one view as a file a new process reads at once, written per version.

Reading 2.6 million current values from the store takes 6-9 s (docs/benchmarks.md); the same
values as an uncompressed Arrow IPC file, memory-mapped, take a fraction of a second. A file
holds the values one view held at one version of the store (the data version for "all", the
review version for "accepted"; etl.store.VIEWS), with that version in its name and in its
metadata, and the store's identity (the time of its first load: a store made anew, whose
versions start again, is another store). It is used only when its version equals the store's
version read for the same request, so a write by another process is never hidden by it.

Where (`folder`): beside a SQLite file, in `<file>.snapshots/`; for any other store (PostgreSQL),
in $TARGETS_SNAPSHOT_DIR, else the user's cache (~/.cache/jilin-targets/snapshots/), each in a
folder named by a hash of the store's URL without its password. An in-memory store has none,
nor has any with TARGETS_SNAPSHOT_DIR=off.
Files are written whole (a temporary name in the same folder, fsync, rename); a damaged or
foreign file is ignored and replaced; a folder that cannot be written is logged once and the
store is read as before. Nothing here raises into a request. Removing the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from etl.schema import load
from etl.store import VIEWS, Store

log = logging.getLogger(__name__)

FORMAT = "1"  # the layout of the file: a file of another layout is foreign
COLUMNS = ["region_code", "indicator_id", "period", "value"]
ENVIRONMENT = "TARGETS_SNAPSHOT_DIR"
_warned: set[str] = set()
_warned_lock = threading.Lock()


@dataclass(frozen=True)
class ValueSnapshot:
    """The values of one view at one version, sorted by indicator, region and period, with
    the integer codes of their indicator and region (positions in `indicators`, `regions`,
    both sorted) that a holder indexes by."""

    view: str
    version: int
    demo: bool
    years: tuple[int, ...]
    values: pd.DataFrame  # region_code, indicator_id (text), period, value
    indicator_codes: np.ndarray
    region_codes: np.ndarray
    indicators: np.ndarray
    regions: np.ndarray


def folder(store: Store) -> Path | None:
    """Where `store`'s snapshots live; None for an in-memory store."""
    base = os.environ.get(ENVIRONMENT)
    if base == "off":
        return None
    url = make_url(store.url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file::memory:"):
            return None
        return Path(database).with_name(Path(database).name + ".snapshots")
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    root = Path(base) if base else Path(cache) / "jilin-targets" / "snapshots"
    name = url.render_as_string(hide_password=True)  # the same folder whatever the password
    return root / hashlib.sha256(name.encode()).hexdigest()[:16]


def identity(store: Store) -> str:
    """The time of the store's first load: "" for a store never loaded."""
    with store.engine.connect() as connection:
        first = connection.execute(sa.select(load.c.loaded_at).order_by(load.c.id)
                                   .limit(1)).scalar_one_or_none()
    return "" if first is None else str(first)


def path(place: Path, view: str, version: int) -> Path:
    return place / f"values-{view}-{version}.arrow"


def read(store: Store, view: str, version: int) -> ValueSnapshot | None:
    """The snapshot of `view` at exactly `version` of this store, or None (none, damaged,
    foreign or of another store: the caller reads the store)."""
    place = folder(store)
    if place is None or version <= 0:
        return None
    file = path(place, view, version)
    if not file.exists():
        return None
    try:
        found = _read_file(file)
        if found is None or found[0] != {"view": view, "version": str(version),
                                         "identity": identity(store)}:
            remove(file)  # another store's, or damaged: replaced by the next write
            return None
        return found[1]
    except Exception as error:  # a damaged file must never fail a request
        log.warning("value snapshot %s unreadable, ignored: %s", file, error)
        remove(file)
        return None


def write(store: Store, view: str, version: int, values: pd.DataFrame, demo: bool) -> bool:
    """Write `values` (region_code, indicator_id, period, value) of `view` as read at
    `version`, replacing older snapshots of the view; False if it could not be written."""
    place = folder(store)
    if place is None or version <= 0 or view not in VIEWS:
        return False
    target = path(place, view, version)
    try:
        table = _table(values, view, version, identity(store), demo)
    except Exception as error:
        log.warning("value snapshot of %s not made: %s", view, error)
        return False
    return write_file(place, target, table, f"values-{view}-*.arrow",
                      lambda name: int(name.split("-")[2].split(".")[0]) < version)


def write_file(place: Path, target: Path, table: pa.Table, replaces: str,
               older: Callable[[str], bool]) -> bool:
    """Write `table` as the Arrow IPC file `target` whole (a temporary name in the same
    folder, fsync, rename), then remove the files matching `replaces` whose name is `older`
    (another process may have written a newer one meanwhile); False (said once per folder)
    if the folder cannot be written."""
    temporary = place / f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        place.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as sink:
            with ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, target)
        for old in place.glob(replaces):
            with contextlib.suppress(ValueError, IndexError):
                if old != target and older(old.name):
                    remove(old)
        return True
    except Exception as error:  # an unwritable folder: work as before, say so once
        with _warned_lock:
            if str(place) not in _warned:
                _warned.add(str(place))
                log.warning("snapshots cannot be written to %s (%s): the store is read "
                            "instead", place, error)
        with contextlib.suppress(Exception):
            temporary.unlink(missing_ok=True)
        return False


def write_current(store: Store) -> None:
    """Write the snapshot of each view as the store holds it now (after a load): a server
    started next reads its first page from them. A view that changes while read is left."""
    if folder(store) is None:
        return
    for view in VIEWS:
        try:
            version = _version(store, view)
            if version <= 0 or read_key(store, view, version):
                continue
            values = store.values(view=view)
            demo = store.demo_in_use(view=view)
            if _version(store, view) == version:
                write(store, view, version, values, demo)
            del values  # one view's values held at a time
        except Exception as error:  # the load is done: a snapshot missing only costs time
            log.warning("value snapshot of %s not written: %s", view, error)


def read_key(store: Store, view: str, version: int) -> bool:
    """Whether a snapshot file of `view` at `version` of this store is there (its metadata
    read, not its values)."""
    place = folder(store)
    if place is None:
        return False
    file = path(place, view, version)
    try:
        with pa.memory_map(str(file), "r") as source:
            metadata = ipc.open_file(source).schema.metadata or {}
    except Exception:  # none, or damaged
        return False
    return (metadata.get(b"targets.format") == FORMAT.encode()
            and metadata.get(b"targets.identity", b"").decode() == identity(store))


def _version(store: Store, view: str) -> int:
    return store.data_version() if view == "all" else store.review_version()


def _table(values: pd.DataFrame, view: str, version: int, stamp: str, demo: bool) -> pa.Table:
    frame = values[COLUMNS].sort_values(["indicator_id", "region_code", "period"],
                                        ignore_index=True)
    indicators, indicator_codes = _sorted_codes(frame["indicator_id"])
    regions, region_codes = _sorted_codes(frame["region_code"])
    years = sorted(int(year) for year in pd.unique(frame["period"]))
    metadata = {"targets.format": FORMAT, "targets.view": view,
                "targets.version": str(version), "targets.identity": stamp,
                "targets.demo": "1" if demo else "0",
                "targets.years": ",".join(str(year) for year in years)}
    return pa.table({
        "region_code": _dictionary(region_codes, regions),
        "indicator_id": _dictionary(indicator_codes, indicators),
        "period": pa.array(frame["period"].to_numpy(dtype="int64")),
        "value": pa.array(frame["value"].to_numpy(dtype="float64"), from_pandas=True),
    }).replace_schema_metadata(metadata)


def _dictionary(codes: np.ndarray, texts: np.ndarray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(codes, pa.array(texts, type=pa.string()))


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The distinct texts of `column`, sorted, and each row's position among them (int32)."""
    codes, distinct = pd.factorize(column, sort=True)
    return np.asarray(distinct, dtype=object), codes.astype(np.int32)


def _read_file(file: Path) -> tuple[dict[str, str], ValueSnapshot] | None:
    with pa.memory_map(str(file), "r") as source:
        table = ipc.open_file(source).read_all()
    metadata = {key.decode(): value.decode()
                for key, value in (table.schema.metadata or {}).items()}
    if metadata.get("targets.format") != FORMAT or table.column_names != COLUMNS:
        return None
    regions, region_codes = _decoded(table.column("region_code"))
    indicators, indicator_codes = _decoded(table.column("indicator_id"))
    # Text decoded by Arrow into the frame's own (Arrow-backed) text columns: building them
    # from Python strings took twice as long.
    frame = pa.table({name: pa.chunked_array([chunk.dictionary_decode() for chunk in
                                              table.column(name).chunks])
                      if pa.types.is_dictionary(table.column(name).type)
                      else table.column(name) for name in COLUMNS}).to_pandas()
    frame = frame.astype({"period": "int64", "value": "float64"})
    years = tuple(int(year) for year in metadata.get("targets.years", "").split(",") if year)
    snapshot = ValueSnapshot(metadata.get("targets.view", ""),
                             int(metadata.get("targets.version", "0")),
                             metadata.get("targets.demo") == "1", years, frame,
                             indicator_codes, region_codes, indicators, regions)
    key = {"view": snapshot.view, "version": metadata.get("targets.version", ""),
           "identity": metadata.get("targets.identity", "")}
    return key, snapshot


def _decoded(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """A dictionary column's texts and each row's code into them."""
    if column.num_chunks != 1:
        column = pa.chunked_array([pa.concat_arrays(column.chunks)])
    array = column.chunk(0)
    if not pa.types.is_dictionary(array.type):
        raise ValueError("not a dictionary column")
    texts = np.asarray(array.dictionary.to_pylist(), dtype=object)
    return texts, array.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False)


def remove(file: Path) -> None:
    """Remove `file` if it is there and can be."""
    with contextlib.suppress(OSError):
        file.unlink(missing_ok=True)
