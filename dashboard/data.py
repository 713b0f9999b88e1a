"""The one data-access module of the dashboard: reads the store, never computes a status.

Statuses come from etl.export.status_table (which calls indicators.evaluate); extracts from
etl.export.export_table, the same as `targets export`. Everything is keyed by the store's data
version, so a new entry is seen at once and an unchanged store is not read or evaluated twice.

At national size (2,929 regions x 60 indicators x 15 years: 2.6M values) reading every value
takes 10-40 s and evaluating one year 4-11 s, so:
- the current values are held once per process, with their positions by indicator and by
  region, so a page takes its rows without scanning millions;
- a write is applied as a change: the current values of the keys written since the version
  held are read (Store.changed_since), and each year's status is evaluated again for the
  regions and indicators written only, when that year is next asked for;
- the data version is asked once per request, so one request sees one version throughout;
- a year's status is computed by one thread while others asking for it wait; in the app,
  every year is evaluated in the background after the first read, newest first.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import flask
import numpy as np
import pandas as pd

from etl.export import export_table
from etl.store import Store
from indicators.paths import gazette_file
from indicators.reference import Reference
from indicators.regions import valid_on
from indicators.status import status_table

KEY = ["region_code", "indicator_id", "period"]
VALUE_COLUMNS = [*KEY, "value"]
DUE_COLUMNS = ["region_code", "indicator_id", "deadline_year", "target_id", "target_value",
               "status", "gap", "gap_pct", "document", "clause"]
# Beyond this many revisions since the values held, reading everything again is quicker.
FULL_READ_REVISIONS = 200_000


@dataclass(frozen=True)
class ExportFilters:
    indicators: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    first_period: int | None = None
    last_period: int | None = None


class _VersionedCache:
    """Keeps a few results per store data version; a new version drops the old ones.
    One thread computes a missing result while the others asking for it wait."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.version: int | None = None
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.pending: dict[Any, threading.Lock] = {}
        self.lock = threading.Lock()

    def get(self, version: int, key: Any, compute: Callable[[], Any]) -> Any:
        while True:
            with self.lock:
                if version != self.version:
                    self.items.clear()
                    self.version = version
                if key in self.items:
                    self.items.move_to_end(key)
                    return self.items[key]
                running = self.pending.get(key)
                if running is None:
                    running = self.pending[key] = threading.Lock()
                    running.acquire()
                    break
            with running:  # another thread computes it: wait, then look again
                pass
        try:
            value = compute()
            with self.lock:
                if version == self.version:
                    self.items[key] = value
                    while len(self.items) > self.size:
                        self.items.popitem(last=False)
            return value
        finally:
            with self.lock:
                self.pending.pop(key, None)
            running.release()


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


@dataclass(frozen=True)
class _Status:
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

    def in_place(self, version: int, frame: pd.DataFrame) -> _Status:
        """The status of a later version whose `frame` has the same rows in the same places
        (values replaced only): the positions found so far still hold."""
        status = _Status(version, self.generation, frame)
        for name in ("by_indicator", "by_region"):
            if name in self.__dict__:  # a cached_property once computed
                status.__dict__[name] = self.__dict__[name]
        return status


class DashboardData:
    """What the pages read: values, statuses, names and the gazette text."""

    def __init__(self, store: Store, reference: Reference | None = None, *,
                 warm: bool = False) -> None:
        """With `warm` (the app's), every year is evaluated in the background after the
        first read; a script that reads a few things leaves it off."""
        self.store = store
        self.reference = reference or Reference.load()
        self.warm_in_background = warm
        self._cache = _VersionedCache()
        self._snapshot: Snapshot | None = None
        self._snapshot_lock = threading.Lock()
        # (version, regions written, indicators written) of each change applied
        self._changes: list[tuple[int, frozenset[str], frozenset[str]]] = []
        self._statuses: dict[int, _Status] = {}
        self._status_locks: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()
        self._warming: threading.Thread | None = None
        self._lasting: dict[Any, Any] = {}  # (generation, key) -> a page's lasting result

    def _cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        return self._cache.get(self.snapshot().version, key, compute)

    # --- reference data --------------------------------------------------------------------

    @property
    def catalogue(self):  # type: ignore[no-untyped-def]
        return self.reference.catalogue

    @cached_property
    def targets(self) -> pd.DataFrame:
        return self.reference.catalogue.targets_frame

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return self.reference.catalogue.indicators_frame.set_index("indicator_id", drop=False)

    @cached_property
    def regions(self) -> pd.DataFrame:
        """One row per code, in register order (province, prefectures, counties)."""
        return self.reference.register.regions.drop_duplicates("code").set_index("code",
                                                                                 drop=False)

    def region_names(self, language: str) -> dict[str, str]:
        """Code -> name in `language`, in register order (built once per language)."""
        return self._names[language]

    @cached_property
    def _names(self) -> dict[str, dict[str, str]]:
        return _by_language(self.regions, "name_{language}")

    def indicator_names(self, language: str) -> dict[str, str]:
        """Indicator id -> name in `language`, in catalogue order (built once per language)."""
        return self._indicator_names[language]

    @cached_property
    def _indicator_names(self) -> dict[str, dict[str, str]]:
        return _by_language(self.indicators, "indicator_{language}")

    @cached_property
    def gazette_text(self) -> str:
        return gazette_file().read_text(encoding="utf-8")

    def documents(self) -> list[tuple[str, str]]:
        return [(number, document.title_zh)
                for number, document in self.reference.catalogue.documents.items()]

    def themes(self) -> dict[str, tuple[str, str]]:
        return {key: (theme.zh, theme.en)
                for key, theme in self.reference.catalogue.themes.items()}

    # --- the values held -------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The values at the store's current data version, asked once per request."""
        if not flask.has_request_context():
            return self._snapshot_at(self.store.data_version())
        key = f"targets_snapshot_{id(self)}"
        held = flask.g.get(key)
        if held is None:
            held = self._snapshot_at(self.store.data_version())
            setattr(flask.g, key, held)
        return held

    def _snapshot_at(self, version: int) -> Snapshot:
        held = self._snapshot
        if held is not None and held.version == version:
            return held
        with self._snapshot_lock:
            held = self._snapshot
            if held is not None and held.version == version:
                return held
            full = (held is None or version < held.version
                    or version - held.version > FULL_READ_REVISIONS)
            fresh = (self._read_everything(version, held) if full
                     else self._read_changes(held, version))
            self._snapshot = fresh
        if full:  # after a write, a year is evaluated again only when it is asked for
            self._start_warming()
        return fresh

    def _read_everything(self, version: int, held: Snapshot | None) -> Snapshot:
        generation = 1 if held is None else held.generation + 1
        with self._lock:
            self._changes.clear()
            self._statuses.clear()
            self._lasting.clear()
        return _indexed(self.store.values(), version, generation, self.store.demo_in_use())

    def _read_changes(self, held: Snapshot, version: int) -> Snapshot:
        changes = self.store.changed_since(held.version)
        with self._lock:
            self._changes.append((version, frozenset(changes["region_code"]),
                                  frozenset(changes["indicator_id"])))
        demo = bool(changes["is_demo"].any()) or (held.demo and self.store.demo_in_use())
        return _applied(held, changes[VALUE_COLUMNS], version, demo)

    def _written(self, after: int, upto: int) -> tuple[frozenset[str], frozenset[str]]:
        """The regions and the indicators written after version `after` up to `upto`."""
        with self._lock:
            changes = [change for change in self._changes if after < change[0] <= upto]
        return (frozenset().union(*[regions for _v, regions, _i in changes]),
                frozenset().union(*[indicators for _v, _r, indicators in changes]))

    # --- stored values and statuses --------------------------------------------------------

    def values(self) -> pd.DataFrame:
        return self.snapshot().values

    def years(self) -> list[int]:
        years = self.snapshot().years
        return list(years) if years else [dt.date.today().year]

    def default_year(self) -> int:
        return self.years()[-1]

    def demo_in_use(self) -> bool:
        return self.snapshot().demo

    def status(self, year: int) -> pd.DataFrame:
        """Every target for every region, evaluated as of `year` (see indicators.evaluate)."""
        return self._status(year).frame

    def status_of(self, year: int, *, indicator_id: str | None = None,
                  region_code: str | None = None) -> pd.DataFrame:
        """The rows of status(year) for one indicator or one region, without a scan."""
        held = self._status(year)
        if indicator_id is not None:
            return held.frame.take(held.by_indicator.get(indicator_id, []))
        return held.frame.take(held.by_region.get(region_code or "", []))

    def _status(self, year: int) -> _Status:
        snapshot = self.snapshot()
        held = self._statuses.get(year)
        if _fits(held, snapshot):
            return held  # type: ignore[return-value]
        with self._lock:
            lock = self._status_locks.setdefault(year, threading.Lock())
        with lock:  # one thread evaluates a year; the others wait for its result
            held = self._statuses.get(year)
            if not _fits(held, snapshot):
                held = self._evaluated(held, snapshot, year)
                with self._lock:
                    current = self._statuses.get(year)
                    if current is None or current.version <= held.version:
                        self._statuses[year] = held
        return held

    def _evaluated(self, held: _Status | None, snapshot: Snapshot, year: int) -> _Status:
        if held is None or held.generation != snapshot.generation:
            frame = _compact(status_table(snapshot.values, self.reference, year))
            return _Status(snapshot.version, snapshot.generation, frame)
        regions, indicators = self._written(held.version, snapshot.version)
        return self._patched(held, snapshot, year, regions, indicators)

    def _patched(self, held: _Status, snapshot: Snapshot, year: int,
                 regions: frozenset[str], indicators: frozenset[str]) -> _Status:
        """`held` with the rows of the regions and indicators written evaluated again: a
        target's status depends on its own indicator's values of its region only, and of
        the region it replaced (see indicators.evaluate)."""
        if not regions:
            return held.in_place(snapshot.version, held.frame)
        register = self.reference.register
        successors = register.successors
        codes = set(regions) | {successors[code] for code in regions if code in successors}
        codes |= {old for old, new in successors.items() if new in codes}
        # Evaluating every region takes seconds nationally; the targets of the indicators
        # written for the regions written take about 0.1 s (a fixed cost of evaluate), asked
        # of the whole reference (a part of it made anew would build its tables again).
        values = snapshot.rows(snapshot.by_region, codes)
        fresh = status_table(values[values["indicator_id"].isin(indicators)], self.reference,
                             year, regions=codes, indicators=indicators)
        # The rows of the written regions, found by their positions, not by scanning the
        # whole national table on every patch.
        rows = np.concatenate([held.by_region.get(code, np.empty(0, dtype=np.intp))
                               for code in sorted(codes)])
        replaced = _replaced(held.frame, rows, fresh, indicators)
        if replaced is None:  # rows follow targets and classes, never values: cannot happen
            with self._lock:
                self._lasting.clear()
            frame = _compact(status_table(snapshot.values, self.reference, year))
            return _Status(snapshot.version, snapshot.generation, frame)
        return held.in_place(snapshot.version, replaced)

    def warm(self) -> None:
        """Evaluate every year now, newest first (each once: see _status)."""
        for year in reversed(self.years()):
            self._status(year)

    def _start_warming(self) -> None:
        with self._lock:
            if not self.warm_in_background or (self._warming and self._warming.is_alive()):
                return
            self._warming = threading.Thread(target=self.warm, name="targets-warm",
                                             daemon=True)
            self._warming.start()

    def series(self, indicator_id: str) -> pd.DataFrame:
        """The indicator's values, in region and period order."""
        snapshot = self.snapshot()
        return snapshot.rows(snapshot.by_indicator, [indicator_id])

    def region_values(self, region_code: str) -> pd.DataFrame:
        """The region's values, in indicator and period order."""
        return self.regions_values([region_code])

    def regions_values(self, region_codes: Iterable[str]) -> pd.DataFrame:
        snapshot = self.snapshot()
        return snapshot.rows(snapshot.by_region, region_codes)

    def applicable_targets(self, region_code: str, period: int) -> pd.DataFrame:
        """target_id, indicator_id and deadline_year of the catalogue's targets whose region
        class holds this region in `period`: what a form needs (filtering all forty columns,
        most of them text, took ~10 ms more)."""
        memberships = self.reference.register.memberships
        moment = pd.Timestamp(year=period, month=12, day=31)
        mine = memberships[(memberships["region_code"] == region_code)
                           & valid_on(memberships, moment)]
        targets = self.targets[["target_id", "indicator_id", "deadline_year"]]
        return targets[self.targets["region_class"].isin(set(mine["region_class"]))]

    def entry_rows(self, region_code: str, period: int) -> pd.DataFrame:
        """What a planner fills in: each indicator with a target for the region, its unit,
        the target due in `period`, the stored value and the revision it comes from."""
        targets = self.applicable_targets(region_code, period)
        indicators = pd.unique(targets["indicator_id"])
        due = (targets[targets["deadline_year"] == period]
               .groupby("indicator_id", sort=False)["target_id"].agg(" ".join))
        stored = self.store.region_period(region_code, period).set_index("indicator_id")
        # Whole columns, not a row lookup per indicator: a form's rows took ~25 ms that way.
        rows = self.indicators.loc[indicators, ["indicator_id", "indicator_zh", "indicator_en",
                                                "unit"]].reset_index(drop=True)
        # As objects: an indicator with no target due is "" whatever dtype `due` came with.
        rows["target_ids"] = due.astype(object).reindex(rows["indicator_id"],
                                                        fill_value="").to_numpy()
        rows["stored"] = rows["indicator_id"].map(stored["value"]).astype(float)
        rows["revision_id"] = (rows["indicator_id"].map(stored["revision_id"]).fillna(0)
                               .astype("int64"))
        return rows

    def due_values(self, indicator_id: str, region_code: str | None = None) -> pd.DataFrame:
        """The indicator's stored values (of `region_code`, else of every region) in region
        and period order, each with the targets due in its period (target_id, target_value,
        status, gap, gap_pct, document, clause; a row per target, by target id; empty
        without one) as the latest year's status judges them: what an extract of the
        indicator holds, from the values and statuses held instead of the store and a new
        evaluation. A due target is judged on its deadline year's value whatever the year
        of the status, so the latest year's status holds every due target; an ongoing one is
        judged as of the latest year, as in an extract of the indicator (an extract of one
        region whose values end earlier judges it as of that region's last year)."""
        if region_code is None:
            values = self.series(indicator_id)
            status = self.status_of(self.default_year(), indicator_id=indicator_id)
        else:
            values = self.region_values(region_code)
            values = values[values["indicator_id"] == indicator_id]
            status = self.status_of(self.default_year(), region_code=region_code)
            status = status[status["indicator_id"] == indicator_id]
        due = status.loc[status["deadline_year"] <= status["as_of_year"], DUE_COLUMNS]
        # Plain text, not the categories of the held status: a page maps and shows them.
        text = [column for column, dtype in due.dtypes.items()
                if isinstance(dtype, pd.CategoricalDtype)]
        due = due.astype({**dict.fromkeys(text, object), "deadline_year": "int64"})
        due = due.rename(columns={"deadline_year": "period"}).sort_values("target_id",
                                                                          kind="stable")
        keys = values.astype({column: object for column in ("region_code", "indicator_id")})
        return keys.reset_index(drop=True).merge(due, on=KEY, how="left")

    def export(self, filters: ExportFilters) -> pd.DataFrame:
        """Exactly what `targets export` gives for the same filters."""
        return export_table(self.store, self.reference,
                            indicators=_or_none(filters.indicators),
                            regions=_or_none(filters.regions),
                            first_period=filters.first_period, last_period=filters.last_period)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A page's own result, kept for the current data version."""
        return self._cached(("page", key), compute)

    def lasting(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A page's result that depends on which status rows there are and where, not on
        their values: it holds through writes (a write changes values, and each year's rows
        keep their place) until everything is read again."""
        generation = self.snapshot().generation
        with self._lock:
            found = self._lasting.get((generation, key))
        if found is None:
            found = compute()
            with self._lock:
                self._lasting[(generation, key)] = found
        return found


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as categories. The status table comes from many merges as chunked Arrow
    text, which takes rows (sorting, filtering) a hundred times slower than numbers; and
    Python strings would hold 200 MB a year at national size (categories: 20 MB)."""
    text = [column for column, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype)]
    return frame.astype(dict.fromkeys(text, "category"))


def _fits(held: _Status | None, snapshot: Snapshot) -> bool:
    """A status of this snapshot's version, or of a later one (another request saw a newer
    version first): either is as new as this request may ask."""
    return (held is not None and held.generation == snapshot.generation
            and held.version >= snapshot.version)


# --- values: read, indexed, changed ------------------------------------------------------------

def _indexed(values: pd.DataFrame, version: int, generation: int, demo: bool) -> Snapshot:
    frame = values[VALUE_COLUMNS].sort_values(["indicator_id", "region_code", "period"],
                                              ignore_index=True)
    # Positions come ascending: each indicator's rows in region and period order, each
    # region's in indicator and period order.
    return Snapshot(version, generation, frame,
                    frame.groupby("indicator_id", sort=False).indices,
                    frame.groupby("region_code", sort=False).indices,
                    tuple(sorted(int(year) for year in frame["period"].unique())), demo)


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


def _by_language(frame: pd.DataFrame, column: str) -> dict[str, dict[str, str]]:
    """Index -> the `column` (with {language}) of each language, in the frame's order."""
    return {language: dict(zip(frame.index, frame[column.format(language=language)],
                               strict=True)) for language in ("zh", "en")}


def _or_none(items: Iterable[str]) -> list[str] | None:
    listed = list(items)
    return listed or None


_data: DashboardData | None = None


def configure(data: DashboardData) -> None:
    global _data
    _data = data


def get() -> DashboardData:
    if _data is None:
        raise RuntimeError("dashboard.data.configure() has not been called")
    return _data
