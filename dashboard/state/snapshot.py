"""The values of one view held once per app: read everything, or apply the changes since a version.

A page takes its rows by their positions by indicator and by region instead of scanning every
value; a write is applied as a change, so a save is seen at once without reading everything
again. Two views (etl.store.VIEWS): "all" holds every current value, versioned by the store's
data version, a write applied from Store.changed_since; "accepted" holds the accepted values
only, versioned by the store's review version (its last review event), an acceptance applied
from Store.accepted_changed_since (accepted values are replaced, never removed).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl import value_snapshot
from etl.store import VIEWS, Store
from etl.value_snapshot import ValueSnapshot

KEY = ["region_code", "indicator_id", "period"]
VALUE_COLUMNS = [*KEY, "value"]
# Beyond this many revisions since the values held, reading everything again is quicker.
FULL_READ_REVISIONS = 200_000


@dataclass(frozen=True)
class Snapshot:
    """The current values at one data version, with the positions of each indicator's rows
    (in region and period order) and of each region's rows (in indicator and period order)."""

    version: int
    generation: int  # full reads so far: statuses of an earlier generation are not patched
    values: pd.DataFrame  # region_code, indicator_id, period, value
    by_indicator: Mapping[str, np.ndarray]
    by_region: Mapping[str, np.ndarray]
    years: tuple[int, ...]
    demo: bool

    def rows(self, index: Mapping[str, np.ndarray], keys: Iterable[str]) -> pd.DataFrame:
        found = [index[key] for key in keys if key in index]
        positions = np.concatenate(found) if found else np.empty(0, dtype=np.intp)
        return self.values.take(positions)

    def year_list(self) -> list[int]:
        """The years with values; this year when there are none (a page offers one)."""
        return list(self.years) if self.years else [dt.date.today().year]


class HeldValues:
    """The snapshot of one store's current values, brought to a version on demand, and the
    regions and indicators each change applied wrote (what a status patch evaluates again)."""

    def __init__(self, store: Store, on_full_read: Callable[[], None], *,
                 view: str = "all") -> None:
        """`on_full_read` drops what was derived from the values before a full read (called
        before the new snapshot is seen by anyone); `view` is "all" or "accepted"."""
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
        self.store = store
        self.view = view
        self._on_full_read = on_full_read
        self._snapshot: Snapshot | None = None
        self._snapshot_lock = threading.Lock()
        # (version, regions written, indicators written) of each change applied
        self._changes: list[tuple[int, frozenset[str], frozenset[str]]] = []
        self._lock = threading.Lock()
        self._saving: threading.Thread | None = None

    def version(self) -> int:
        """The store's version of this view now: its data version (all) or its review
        version (accepted)."""
        return (self.store.data_version() if self.view == "all"
                else self.store.review_version())

    def at(self, version: int) -> tuple[Snapshot, bool]:
        """The values at `version`, and whether everything was read again to get them."""
        held = self._snapshot
        if held is not None and held.version == version:
            return held, False
        with self._snapshot_lock:
            held = self._snapshot
            if held is not None and held.version == version:
                return held, False
            full = (held is None or version < held.version
                    or version - held.version > FULL_READ_REVISIONS)
            fresh = (self._read_everything(version, held) if full
                     else self._read_changes(held, version))
            self._snapshot = fresh
        return fresh, full

    def _read_everything(self, version: int, held: Snapshot | None) -> Snapshot:
        generation = 1 if held is None else held.generation + 1
        with self._lock:
            self._changes.clear()
        self._on_full_read()
        saved = value_snapshot.read(self.store, self.view, version)
        if saved is not None:  # the file of exactly this version: no value read from the store
            return _from_saved(saved, version, generation)
        fresh = _indexed(self.store.values(view=self.view), version, generation,
                         self.store.demo_in_use(view=self.view))
        self._save(fresh)
        return fresh

    def _save(self, snapshot: Snapshot) -> None:
        """Write the values just read as the snapshot file of their version, in a thread of
        its own, so that the next process reads them at once. Values read after the version
        was asked may be newer than it: such a file is never used, since the store, once
        past that version, never holds it again (a store made anew is another store)."""
        def save() -> None:
            try:
                value_snapshot.write(self.store, self.view, snapshot.version, snapshot.values,
                                     snapshot.demo)
            except Exception:  # a snapshot is an aid: the store was read anyway
                value_snapshot.log.exception("value snapshot not written")

        self._saving = threading.Thread(target=save, name="targets-snapshot", daemon=True)
        self._saving.start()

    def wait_saved(self) -> None:
        """Wait for the snapshot file being written, if any (tests, benchmarks)."""
        if self._saving is not None:
            self._saving.join()

    def _read_changes(self, held: Snapshot, version: int) -> Snapshot:
        changes = (self.store.changed_since(held.version) if self.view == "all"
                   else self.store.accepted_changed_since(held.version))
        with self._lock:
            self._changes.append((version, frozenset(changes["region_code"]),
                                  frozenset(changes["indicator_id"])))
        demo = bool(changes["is_demo"].any()) or (
            held.demo and self.store.demo_in_use(view=self.view))
        return _applied(held, changes[VALUE_COLUMNS], version, demo)

    def written(self, after: int, upto: int) -> tuple[frozenset[str], frozenset[str]]:
        """The regions and the indicators written after version `after` up to `upto`."""
        with self._lock:
            changes = [change for change in self._changes if after < change[0] <= upto]
        return (frozenset().union(*[regions for _v, regions, _i in changes]),
                frozenset().union(*[indicators for _v, _r, indicators in changes]))


def _indexed(values: pd.DataFrame, version: int, generation: int, demo: bool) -> Snapshot:
    frame = values[VALUE_COLUMNS].sort_values(["indicator_id", "region_code", "period"],
                                              ignore_index=True)
    # Positions come ascending: each indicator's rows in region and period order, each
    # region's in indicator and period order.
    return Snapshot(version, generation, frame,
                    frame.groupby("indicator_id", sort=False).indices,
                    frame.groupby("region_code", sort=False).indices,
                    tuple(sorted(int(year) for year in frame["period"].unique())), demo)


def _from_saved(saved: ValueSnapshot, version: int, generation: int) -> Snapshot:
    """The Snapshot of a snapshot file's values, already in indicator, region and period order:
    positions found from the integer codes (runs by indicator; a stable sort by region)
    rather than by grouping millions of texts."""
    codes = saved.indicator_codes
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else \
        np.empty(0, dtype=np.intp)
    ends = np.r_[starts[1:], len(codes)]
    by_indicator = {saved.indicators[codes[start]]: np.arange(start, end, dtype=np.intp)
                    for start, end in zip(starts, ends, strict=True)}
    order = np.argsort(saved.region_codes, kind="stable")
    counts = np.bincount(saved.region_codes, minlength=len(saved.regions))
    by_region = {saved.regions[number]: part for number, part in
                 enumerate(np.split(order, np.cumsum(counts)[:-1])) if len(part)}
    return Snapshot(version, generation, saved.values, by_indicator, by_region, saved.years,
                    saved.demo)


def _applied(held: Snapshot, changes: pd.DataFrame, version: int, demo: bool) -> Snapshot:
    """`held` with `changes` (current values of written keys): changed values replaced in a
    copy of the value column, new keys appended, the positions of both kept in order."""
    if changes.empty:
        return Snapshot(version, held.generation, held.values, held.by_indicator,
                        held.by_region, held.years, demo)
    regions = changes["region_code"].unique()
    existing = held.rows(held.by_region, regions)[KEY].assign(position=lambda f: f.index)
    located = changes.merge(existing, on=KEY, how="left")
    known = located[located["position"].notna()]
    value = held.values["value"].to_numpy(copy=True)
    value[known["position"].astype(int).to_numpy()] = known["value"].to_numpy()
    frame = held.values.assign(value=value)
    added = located.loc[located["position"].isna(), VALUE_COLUMNS]
    by_indicator, by_region = dict(held.by_indicator), dict(held.by_region)
    if not added.empty:
        start = len(frame)
        frame = pd.concat([frame, added.astype(frame.dtypes.to_dict())], ignore_index=True)
        added = added.assign(position=np.arange(start, start + len(added)))
        _insert(by_indicator, frame, added, "indicator_id", ["region_code", "period"])
        _insert(by_region, frame, added, "region_code", ["indicator_id", "period"])
    years = tuple(sorted(set(held.years) | {int(y) for y in added["period"]}))
    return Snapshot(version, held.generation, frame, by_indicator, by_region, years, demo)


def _insert(index: dict[str, np.ndarray], frame: pd.DataFrame, added: pd.DataFrame,
            column: str, order: list[str]) -> None:
    """Add the positions of `added` rows to `index` by `column`, keeping `order` within."""
    for key, rows in added.groupby(column, sort=False):
        positions = np.concatenate([index.get(key, np.empty(0, dtype=np.intp)),
                                    rows["position"].to_numpy()])
        part = frame.take(positions)
        ordered = part.sort_values(order, kind="stable").index.to_numpy()
        index[key] = ordered
