"""Each year's status table of a view as a file per values version, read instead of evaluated.

Evaluating one year for every region of a national store takes about 1.5 s, every year about 21 s
(docs/benchmarks.md), where reading the year's table from an Arrow IPC file takes a few
hundredths of a second. A file holds the status table (indicators.status.status_table, text as
categories) of one view, year and version of the values (the data version for "all", the
review version for "accepted"), and is used only when all of these match: the view, the year,
the version the request read, the store (etl.value_snapshot.identity) and what judged it (the
catalogue, the register and the code of indicators/: `reference_key`). It lives in the values
snapshots' folder (etl.value_snapshot.folder), under the same rules: written whole, damaged or
foreign ignored and removed, an unwritable folder the statuses evaluated as before.
"""

from __future__ import annotations

import hashlib
import threading
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from etl import value_snapshot
from etl.store import Store
from indicators.reference import Reference
from indicators.status import status_table

FORMAT = "1"
CODE = Path(status_table.__code__.co_filename).resolve().parent  # indicators/


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as categories. The status table comes from many merges as chunked Arrow
    text, which takes rows (sorting, filtering) far slower than numbers; and Python strings
    would hold several times the memory of categories at national size."""
    text = [column for column, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype)]
    return frame.astype(dict.fromkeys(text, "category"))


def reference_key(reference: Reference) -> str:
    """A digest of what judges values: the catalogue's targets and indicators, the register
    and its classes, and the code of indicators/ and of this module."""
    digest = hashlib.sha256()
    catalogue, register = reference.catalogue, reference.register
    for frame in (catalogue.targets_frame, catalogue.indicators_frame, register.regions,
                  register.memberships):
        digest.update(repr(list(frame.columns)).encode())
        try:
            digest.update(pd.util.hash_pandas_object(frame).to_numpy().tobytes())
        except TypeError:  # a column of lists or other unhashable cells
            digest.update(frame.to_csv().encode())
    digest.update(repr(sorted(register.successors.items())).encode())
    digest.update(repr(sorted(register.comparison)).encode())
    digest.update(repr(sorted(catalogue.context)).encode())
    for file in sorted([*CODE.rglob("*.py"), *CODE.rglob("*.yaml"), *CODE.rglob("*.txt"),
                        Path(__file__).resolve()]):
        digest.update(file.read_bytes())
    return digest.hexdigest()


class StatusFiles:
    """The status files of one store, reference and view."""

    def __init__(self, store: Store, reference: Reference, view: str) -> None:
        self.store = store
        self.reference = reference
        self.view = view
        self._lock = threading.Lock()

    @cached_property
    def _reference(self) -> str:
        return reference_key(self.reference)

    @property
    def _key(self) -> dict[str, str]:
        # The store's identity asked each time: a store made anew under a running server
        # starts its versions again.
        return {"targets.format": FORMAT, "targets.view": self.view,
                "targets.identity": value_snapshot.identity(self.store),
                "targets.reference": self._reference}

    def _file(self, version: int, year: int) -> Path | None:
        place = value_snapshot.folder(self.store)
        if place is None or version <= 0:
            return None
        return place / f"status-{self.view}-{version}-{year}.arrow"

    def read(self, version: int, year: int) -> pd.DataFrame | None:
        """The status table of `year` at `version`, or None (evaluate it)."""
        try:
            file = self._file(version, year)
            if file is None or not file.exists():
                return None
            with pa.memory_map(str(file), "r") as source:
                table = ipc.open_file(source).read_all()
            metadata = {key.decode(): value.decode()
                        for key, value in (table.schema.metadata or {}).items()}
            wanted = {**self._key, "targets.version": str(version),
                      "targets.year": str(year)}
            if any(metadata.get(key) != value for key, value in wanted.items()):
                value_snapshot.remove(file)  # another store's or reference's: evaluated anew
                return None
            return table.to_pandas()
        except Exception as error:  # a damaged file must never fail a request
            value_snapshot.log.warning("status snapshot of %s unreadable, ignored: %s",
                                       year, error)
            if file is not None:
                value_snapshot.remove(file)
            return None

    def write(self, version: int, year: int, frame: pd.DataFrame) -> bool:
        """Write `year`'s status table of `version`; False if not written. Judged on values
        newer than `version` (read after it was asked), it is never used: the store, once
        past a version, never holds it again."""
        try:
            file = self._file(version, year)
            if file is None:
                return False
            table = pa.Table.from_pandas(frame)
            metadata = {**(table.schema.metadata or {}),
                        **{key.encode(): value.encode() for key, value in self._key.items()},
                        b"targets.version": str(version).encode(),
                        b"targets.year": str(year).encode()}
            table = table.replace_schema_metadata(metadata)
            with self._lock:
                return value_snapshot.write_file(
                    file.parent, file, table, f"status-{self.view}-*-{year}.arrow",
                    lambda name: int(name.split("-")[2]) < version)
        except Exception as error:
            value_snapshot.log.warning("status snapshot of %s not written: %s", year, error)
            return False


def write_years(store: Store, reference: Reference, view: str = "accepted") -> None:
    """Evaluate and write the status of every year with values of `view`, newest first (the
    overview opens on the latest), judged on the values snapshot just written: a server
    started next neither reads the store nor evaluates, for its first page or any year."""
    version = (store.data_version() if view == "all" else store.review_version())
    saved = value_snapshot.read(store, view, version)
    if saved is None:
        return
    files = StatusFiles(store, reference, view)
    for year in reversed(saved.years):
        if files.read(version, year) is None:
            files.write(version, year, compact(status_table(saved.values, reference, year)))
