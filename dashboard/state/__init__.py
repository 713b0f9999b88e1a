"""The dashboard's state, one object per app: what every page reads and writes goes through it.

`current()` gives the state of the app serving the request (`install` hangs it on the Flask
app's extensions), so two apps in one process, each on its own store, share nothing. It reads
the store and never computes a status itself: statuses come from indicators.status.status_table
(which calls indicators.evaluate), extracts from etl.export.export_table, the same as `targets
export`. Everything is keyed by the store's data version, so a new entry is seen at once and an
unchanged store is not read or evaluated twice.

Reading every value and evaluating a year for every region are slow at national size (2,929
regions x 60 indicators x 15 years; figures in docs/benchmarks.md), so:
- the current values are held once per app, with their positions by indicator and by region,
  so a page takes its rows without scanning millions (snapshot.py);
- a write is applied as a change: the current values of the keys written since the version
  held are read (Store.changed_since), and each year's status is evaluated again for the
  regions and indicators written only, when that year is next asked for (statuses.py);
- the data version is asked once per request, so one request sees one version throughout;
- a year's status is computed by one thread while others asking for it wait; in the app,
  every year is evaluated in the background after the first read, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import dash
import flask
import pandas as pd

from dashboard.state.caches import LastingCache, Previews, VersionedCache
from dashboard.state.snapshot import KEY, HeldValues, Snapshot
from dashboard.state.statuses import StatusCache, YearStatus
from etl.export import export_table
from etl.review import Review
from etl.store import LoadResult, Store
from indicators.paths import gazette_file
from indicators.reference import Reference
from indicators.regions import valid_on

EXTENSION = "targets_state"  # the key of an app's DashboardState in server.extensions
DUE_COLUMNS = ["region_code", "indicator_id", "deadline_year", "target_id", "target_value",
               "status", "gap", "gap_pct", "document", "clause"]


@dataclass(frozen=True)
class ExportFilters:
    indicators: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    first_period: int | None = None
    last_period: int | None = None


def install(server: flask.Flask, state: DashboardState) -> None:
    """Make `state` the one the app's requests see."""
    server.extensions[EXTENSION] = state


def of(app: dash.Dash | flask.Flask) -> DashboardState:
    """The state of `app` (a Dash app or its Flask server), outside any request too."""
    server = app.server if isinstance(app, dash.Dash) else app
    return server.extensions[EXTENSION]


def current() -> DashboardState:
    """The state of the app serving the current request."""
    return of(flask.current_app)


class DashboardState:
    """What the pages read and write: values, statuses, names, the gazette text, the store's
    history and writes."""

    def __init__(self, store: Store, reference: Reference | None = None, *,
                 warm: bool = False) -> None:
        """With `warm` (the app's), every year is evaluated in the background after the
        first read; a script that reads a few things leaves it off."""
        self.store = store
        self.reference = reference or Reference.load()
        self.previews = Previews()  # the upload page's checked files, for their confirm
        self._cache = VersionedCache()
        self._lasting = LastingCache()
        self._values = HeldValues(store, on_full_read=self._forget_derived)
        self._statuses = StatusCache(self.reference, self.snapshot, self._values.written,
                                     on_rows_moved=self._lasting.clear, warm=warm)

    def _forget_derived(self) -> None:
        self._statuses.clear()
        self._lasting.clear()

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
        fresh, full = self._values.at(version)
        if full:  # after a write, a year is evaluated again only when it is asked for
            self._statuses.start_warming()
        return fresh

    def values(self) -> pd.DataFrame:
        return self.snapshot().values

    def years(self) -> list[int]:
        return self.snapshot().year_list()

    def default_year(self) -> int:
        """The latest year with data (not the calendar year: published figures come a year
        or two late); this year when there are no values. Pages open on it."""
        return self.years()[-1]

    def latest_year(self, *, region_code: str | None = None,
                    indicator_id: str | None = None) -> int:
        """The latest year with data of one region or one indicator (the page of that region
        or indicator opens on it); default_year() when it has none."""
        snapshot = self.snapshot()
        if region_code is not None:
            periods = snapshot.rows(snapshot.by_region, [region_code])["period"]
        else:
            periods = snapshot.rows(snapshot.by_indicator, [indicator_id or ""])["period"]
        return int(periods.max()) if len(periods) else self.default_year()

    def demo_in_use(self) -> bool:
        return self.snapshot().demo

    def published_in_use(self) -> bool:
        """Whether the store holds published figures (targets published): then every page
        says so, and where their sources are shown."""
        from etl.published import KIND

        return bool(self._cache.get(self.snapshot().version, ("published-in-use",),
                                    lambda: (self.store.loads()["kind"] == KIND).any()))

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

    # --- statuses --------------------------------------------------------------------------

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

    def _status(self, year: int) -> YearStatus:
        return self._statuses.of(year)

    def warm(self) -> None:
        """Evaluate every year now, newest first (each once)."""
        self._statuses.warm()

    # --- what the pages build from them ----------------------------------------------------

    def applicable_targets(self, region_code: str, period: int) -> pd.DataFrame:
        """target_id, indicator_id and deadline_year of the catalogue's targets whose region
        class holds this region in `period`: what a form needs (filtering all forty columns,
        most of them text, is slower)."""
        memberships = self.reference.register.memberships
        moment = pd.Timestamp(year=period, month=12, day=31)
        mine = memberships[(memberships["region_code"] == region_code)
                           & valid_on(memberships, moment)]
        targets = self.targets[["target_id", "indicator_id", "deadline_year"]]
        return targets[self.targets["region_class"].isin(set(mine["region_class"]))]

    def entry_rows(self, region_code: str, period: int) -> pd.DataFrame:
        """What a planner fills in: each indicator with a target for the region, then the
        context indicators (no target: published beside them, for any Jilin region), with its
        unit, the target due in `period`, the stored value and the revision it comes from."""
        targets = self.applicable_targets(region_code, period)
        indicators = list(pd.unique(targets["indicator_id"]))
        if region_code not in self.reference.register.comparison:
            context = self.reference.catalogue.context
            indicators += [i for i in self.indicators.index if i in context]
        due = (targets[targets["deadline_year"] == period]
               .groupby("indicator_id", sort=False)["target_id"].agg(" ".join))
        stored = self.store.region_period(region_code, period).set_index("indicator_id")
        # Whole columns, not a row lookup per indicator (slower for a form's rows).
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
        evaluation. A due target with a value of its deadline year (the only value it is
        put beside) is judged on that value whatever the year of the status, so the latest
        year's status holds every due target; an ongoing one is
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

    def value_sources(self, indicator_id: str, region_code: str | None = None) -> pd.DataFrame:
        """Where each current value of the indicator comes from (region_code, period, source,
        note, kind; see Store.value_sources): read once per data version, since the values
        held carry no provenance."""
        return self._cache.get(self.snapshot().version,
                               ("value-sources", indicator_id, region_code),
                               lambda: self.store.value_sources(indicator_id, region_code))

    def export(self, filters: ExportFilters) -> pd.DataFrame:
        """Exactly what `targets export` gives for the same filters."""
        return export_table(self.store, self.reference,
                            indicators=_or_none(filters.indicators),
                            regions=_or_none(filters.regions),
                            first_period=filters.first_period, last_period=filters.last_period)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A page's own result, kept for the current data version."""
        return self._cache.get(self.snapshot().version, ("page", key), compute)

    def lasting(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A page's result that depends on which status rows there are and where, not on
        their values: it holds through writes (a write changes values, and each year's rows
        keep their place) until everything is read again."""
        return self._lasting.get(self.snapshot().generation, key, compute)

    # --- the store's history and writes ----------------------------------------------------

    @cached_property
    def review(self) -> Review:
        """The review workflow (etl/review.py): submissions, their steps, who may take them."""
        return Review(self.store, self.reference.register)

    def stored_values(self, regions: Iterable[str], indicators: Iterable[str]) -> pd.DataFrame:
        """The stored values of the series of `regions` and `indicators` (validation's
        history), read from the store now (not the values held, which are a save behind right
        after a save)."""
        return self.store.series_values(regions, indicators)

    def history(self, region_code: str | None = None,
                indicator_id: str | None = None) -> pd.DataFrame:
        """Every revision of the region's values (of one indicator, or of all)."""
        return self.store.history(region_code, indicator_id)

    def revision(self, revision_id: int) -> pd.DataFrame:
        """The one revision `revision_id` (empty if there is none)."""
        return self.store.history_of_revision(revision_id)

    def revert(self, revision_id: int, *, by: str) -> LoadResult:
        """Make the value of `revision_id` current again, as a new revision."""
        return self.store.revert(revision_id, by=by)

    def load(self, rows: pd.DataFrame, *, by: str, source: str,
             source_sha256: str | None = None, skipped: int = 0) -> LoadResult:
        """Store an uploaded file's validated rows in one transaction, or nothing; `skipped`
        columns and rows of unknown indicators and regions are recorded with the load."""
        return self.store.load(rows, by=by, source=source, source_sha256=source_sha256,
                               skipped=skipped)

    def save_entries(self, rows: pd.DataFrame, *, by: str, source: str) -> LoadResult:
        """Store the values typed in a form in one transaction, or nothing."""
        return self.store.load(rows, by=by, source=source, kind="form")


def _by_language(frame: pd.DataFrame, column: str) -> dict[str, dict[str, str]]:
    """Index -> the `column` (with {language}) of each language, in the frame's order."""
    return {language: dict(zip(frame.index, frame[column.format(language=language)],
                               strict=True)) for language in ("zh", "en")}


def _or_none(items: Iterable[str]) -> list[str] | None:
    listed = list(items)
    return listed or None
