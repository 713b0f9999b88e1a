"""Each year's status table, kept per data version, patched after a write, warmed in the background.

Evaluating a year for every region is the slowest thing a page asks for, so:
- a year's status is computed by one thread while others asking for it wait;
- after a write, each year is evaluated again only for the regions and indicators written,
  when that year is next asked for (a target's status depends on its own indicator's values
  of its region only, and of the region it replaced: see indicators.evaluate);
- in the app, every year is evaluated in the background after a full read, newest first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from dashboard.state.snapshot import Snapshot
from etl.status_snapshot import StatusFiles, compact
from indicators.reference import Reference
from indicators.status import status_table


@dataclass(frozen=True)
class YearStatus:
    """One year's status table as of a data version, with positions by indicator and region."""

    version: int
    generation: int
    frame: pd.DataFrame

    @cached_property
    def by_indicator(self) -> dict[str, np.ndarray]:
        return self.frame.groupby("indicator_id", sort=False).indices

    @cached_property
    def by_region(self) -> dict[str, np.ndarray]:
        return self.frame.groupby("region_code", sort=False).indices

    def in_place(self, version: int, frame: pd.DataFrame) -> YearStatus:
        """The status of a later version whose `frame` has the same rows in the same places
        (values replaced only): the positions found so far still hold."""
        status = YearStatus(version, self.generation, frame)
        for name in ("by_indicator", "by_region"):
            if name in self.__dict__:  # a cached_property once computed
                status.__dict__[name] = self.__dict__[name]
        return status


class StatusCache:
    """The status of each year evaluated so far, for the snapshot `snapshot()` gives."""

    def __init__(self, reference: Reference, snapshot: Callable[[], Snapshot],
                 written: Callable[[int, int], tuple[frozenset[str], frozenset[str]]],
                 on_rows_moved: Callable[[], None], *, warm: bool = False,
                 files: StatusFiles | None = None) -> None:
        """`written(after, upto)` gives the regions and indicators written between two
        versions; `on_rows_moved` drops what depends on where the status rows are; with
        `warm`, `start_warming` evaluates every year in a thread of its own; `files` keeps
        each year evaluated in full as a file, read by the next process instead of
        evaluating (etl/status_snapshot.py)."""
        self.reference = reference
        self._snapshot = snapshot
        self._written = written
        self._on_rows_moved = on_rows_moved
        self.warm_in_background = warm
        self._statuses: dict[int, YearStatus] = {}
        self._year_locks: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()
        self._warming: threading.Thread | None = None
        self._files = files

    def clear(self) -> None:
        with self._lock:
            self._statuses.clear()

    def of(self, year: int) -> YearStatus:
        snapshot = self._snapshot()
        held = self._statuses.get(year)
        if _fits(held, snapshot):
            return held  # type: ignore[return-value]
        with self._lock:
            lock = self._year_locks.setdefault(year, threading.Lock())
        with lock:  # one thread evaluates a year; the others wait for its result
            held = self._statuses.get(year)
            if not _fits(held, snapshot):
                held = self._evaluated(held, snapshot, year)
                with self._lock:
                    current = self._statuses.get(year)
                    if current is None or current.version <= held.version:
                        self._statuses[year] = held
        return held

    def _evaluated(self, held: YearStatus | None, snapshot: Snapshot,
                   year: int) -> YearStatus:
        if held is None or held.generation != snapshot.generation:
            frame = self._files.read(snapshot.version, year) if self._files else None
            if frame is None:
                frame = compact(status_table(snapshot.values, self.reference, year))
                if self._files:
                    self._files.write(snapshot.version, year, frame)
            return YearStatus(snapshot.version, snapshot.generation, frame)
        regions, indicators = self._written(held.version, snapshot.version)
        return self._patched(held, snapshot, year, regions, indicators)

    def _patched(self, held: YearStatus, snapshot: Snapshot, year: int,
                 regions: frozenset[str], indicators: frozenset[str]) -> YearStatus:
        """`held` with the rows of the regions and indicators written evaluated again: a
        target's status depends on its own indicator's values of its region only, and of
        the region it replaced (see indicators.evaluate)."""
        if not regions:
            return held.in_place(snapshot.version, held.frame)
        register = self.reference.register
        successors = register.successors
        codes = set(regions) | {successors[code] for code in regions if code in successors}
        codes |= {old for old, new in successors.items() if new in codes}
        # Only the targets of the indicators written for the regions written, asked of the
        # whole reference (a part of it made anew would build its tables again).
        values = snapshot.rows(snapshot.by_region, codes)
        fresh = status_table(values[values["indicator_id"].isin(indicators)], self.reference,
                             year, regions=codes, indicators=indicators)
        # The rows of the written regions, found by their positions, not by scanning the
        # whole national table on every patch.
        rows = np.concatenate([held.by_region.get(code, np.empty(0, dtype=np.intp))
                               for code in sorted(codes)])
        replaced = _replaced(held.frame, rows, fresh, indicators)
        if replaced is None:  # rows follow targets and classes, never values: cannot happen
            self._on_rows_moved()
            frame = compact(status_table(snapshot.values, self.reference, year))
            return YearStatus(snapshot.version, snapshot.generation, frame)
        return held.in_place(snapshot.version, replaced)

    def warm(self) -> None:
        """Evaluate every year now, newest first (each once: see `of`)."""
        for year in reversed(self._snapshot().year_list()):
            self.of(year)

    def start_warming(self) -> None:
        with self._lock:
            if not self.warm_in_background or (self._warming and self._warming.is_alive()):
                return
            self._warming = threading.Thread(target=self.warm, name="targets-warm",
                                             daemon=True)
            self._warming.start()


def _fits(held: YearStatus | None, snapshot: Snapshot) -> bool:
    """A status of this snapshot's version, or of a later one (another request saw a newer
    version first): either is as new as this request may ask."""
    return (held is not None and held.generation == snapshot.generation
            and held.version >= snapshot.version)


def _replaced(frame: pd.DataFrame, rows: np.ndarray, fresh: pd.DataFrame,
              indicators: frozenset[str]) -> pd.DataFrame | None:
    """`frame` with those of its `rows` (positions) of `indicators` replaced by `fresh`,
    each in its place; None if `fresh` has other rows than those."""
    mine = rows[frame["indicator_id"].iloc[rows].isin(indicators).to_numpy()]
    if len(fresh) != len(mine):
        return None
    # A save writes a few rows: a dict finds them quicker than an index built for them.
    held = frame.take(mine)
    place = dict(zip(zip(held["region_code"], held["target_id"], strict=True), mine,
                     strict=True))
    positions = np.fromiter((place.get(key, -1) for key in zip(
        fresh["region_code"], fresh["target_id"], strict=True)), dtype=np.intp,
        count=len(fresh))
    if len(place) != len(mine) or (positions < 0).any():
        return None
    # Names, classes, deadlines do not change with values: only the columns that differ
    # are copied. One comparison of all columns at once, not a pass per column; missing
    # values are never compared (pd.NA == x is neither true nor false).
    before = frame.take(positions).to_numpy(dtype=object)
    after = fresh[frame.columns].to_numpy(dtype=object)
    missing_before, missing_after = pd.isna(before), pd.isna(after)
    equal = np.equal(before, after, out=np.zeros(before.shape, dtype=bool),
                     where=~(missing_before | missing_after))
    same = (equal | (missing_before & missing_after)).all(axis=0)
    patched = frame.copy(deep=False)  # each differing column is replaced by a patched copy
    for number in np.flatnonzero(~same):
        column = frame.columns[number]
        patched.isetitem(number, _put(frame[column], positions, fresh[column]))
    return patched


def _put(column: pd.Series, positions: np.ndarray, values: pd.Series) -> pd.Series:
    """A copy of `column` with `values` at `positions`."""
    patched = column.copy()
    if isinstance(patched.dtype, pd.CategoricalDtype):
        new = set(values.dropna()) - set(patched.cat.categories)
        patched = patched.cat.add_categories(sorted(new)) if new else patched
    patched.iloc[positions] = values.to_numpy(dtype=object if isinstance(
        values.dtype, pd.CategoricalDtype) else None)
    return patched
