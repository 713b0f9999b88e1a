"""One view of the values (accepted, or all current ones): its values, statuses and caches.

A page reads either the accepted values (the default: what leaders see) or every current value
(drafts and values under review too, those not accepted marked). Each view holds its own
snapshot (snapshot.HeldValues), its own status of each year (statuses.StatusCache) and its own
caches, so the two never mix; reference data and writes stay on the DashboardState, which a
view hands anything else it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import flask
import numpy as np
import pandas as pd

from dashboard.state.caches import LastingCache, VersionedCache
from dashboard.state.snapshot import KEY, HeldValues, Snapshot
from dashboard.state.statuses import StatusCache, YearStatus
from etl.export import export_table
from etl.status_snapshot import StatusFiles

if TYPE_CHECKING:
    from dashboard.state import DashboardState, ExportFilters

ACCEPTED, ALL = "accepted", "all"
DUE_COLUMNS = ["region_code", "indicator_id", "deadline_year", "target_id", "target_value",
               "status", "gap", "gap_pct", "document", "clause"]


def view_name(values: str | None) -> str:
    """The view a page's `values` URL parameter names: "all", else the accepted values."""
    return ALL if values == ALL else ACCEPTED


class ValuesView:
    """The values of one view, their statuses and what the pages build from them."""

    def __init__(self, state: DashboardState, name: str, *, warm: bool = False) -> None:
        self.state = state
        self.name = name
        self._cache = VersionedCache()
        self._lasting = LastingCache()
        self._values = HeldValues(state.store, on_full_read=self._forget_derived, view=name)
        self._statuses = StatusCache(state.reference, self.snapshot, self._values.written,
                                     on_rows_moved=self._lasting.clear, warm=warm,
                                     files=StatusFiles(state.store, state.reference, name))

    def __getattr__(self, name: str) -> Any:
        # Reference data, names, the review and writes: the state's, the same for every view.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.state, name)

    @property
    def all_values(self) -> bool:
        """Whether this view shows every current value (those not accepted marked)."""
        return self.name == ALL

    def _forget_derived(self) -> None:
        self._statuses.clear()
        self._lasting.clear()

    # --- the values held -------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The values at the store's current version of this view, asked once per request."""
        if not flask.has_request_context():
            return self._snapshot_at(self._values.version())
        key = f"targets_snapshot_{id(self)}"
        held = flask.g.get(key)
        if held is None:
            held = self._snapshot_at(self._values.version())
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

    def version(self) -> Any:
        """What a page's result of this view is kept by: the version of its values, and in
        the all view the accepted values' too (an acceptance changes what is marked)."""
        if not self.all_values:
            return self.snapshot().version
        return (self.snapshot().version, self.state.view(ACCEPTED).snapshot().version)

    def demo_in_use(self) -> bool:
        return self.snapshot().demo

    def published_in_use(self) -> bool:
        """Whether the store holds published figures (targets published): then every page
        says so, and where their sources are shown."""
        from etl.published import KIND

        return bool(self._cache.get(self.version(), ("published-in-use",),
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

    def not_accepted(self, rows: pd.DataFrame) -> np.ndarray:
        """For each of `rows` (region_code, indicator_id, period, value), whether its value is
        not the accepted one (none accepted for its key, or another): always false in the
        accepted view. Compared with the accepted view's values of the rows' regions only."""
        if not self.all_values or rows.empty:
            return np.zeros(len(rows), dtype=bool)
        accepted = self.state.view(ACCEPTED).regions_values(pd.unique(rows["region_code"]))
        found = rows[KEY].merge(accepted[[*KEY, "value"]], on=KEY, how="left")["value"]
        return (found.isna() | (found.to_numpy() != rows["value"].to_numpy())).to_numpy()

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

    def due_values(self, indicator_id: str, region_code: str | None = None) -> pd.DataFrame:
        """The indicator's values held (of `region_code`, else of every region) in region
        and period order, each with the targets due in its period (target_id, target_value,
        status, gap, gap_pct, document, clause; a row per target, by target id; empty
        without one) as the latest year's status judges them: what an extract of the
        indicator holds, from the values and statuses held instead of the store and a new
        evaluation. A due target with a value of its deadline year (the only value it is
        put beside) is judged on that value whatever the year of the status, so the latest
        year's status holds every due target; an ongoing one is judged as of the latest year,
        as in an extract of the indicator (an extract of one region whose values end earlier
        judges it as of that region's last year). In the all view, `accepted` says whether
        each value is the accepted one."""
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
        keys = keys.reset_index(drop=True).assign(accepted=~self.not_accepted(values))
        return keys.merge(due, on=KEY, how="left")

    def value_sources(self, indicator_id: str, region_code: str | None = None) -> pd.DataFrame:
        """Where each value of the indicator comes from (region_code, period, source, note,
        kind; see Store.value_sources): read once per version, since the values held carry
        no provenance."""
        return self._cache.get(self.version(),
                               ("value-sources", indicator_id, region_code),
                               lambda: self.store.value_sources(indicator_id, region_code,
                                                                view=self.name))

    def export(self, filters: ExportFilters) -> pd.DataFrame:
        """Exactly what `targets export --values` of this view gives for the same filters."""
        return export_table(self.store, self.reference,
                            indicators=_or_none(filters.indicators),
                            regions=_or_none(filters.regions),
                            first_period=filters.first_period, last_period=filters.last_period,
                            view=self.name)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A page's own result, kept for the current version of this view."""
        return self._cache.get(self.version(), ("page", key), compute)

    def lasting(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A page's result that depends on which status rows there are and where, not on
        their values: it holds through writes (a write changes values, and each year's rows
        keep their place) until everything is read again."""
        return self._lasting.get(self.snapshot().generation, key, compute)


def _or_none(items: Iterable[str]) -> list[str] | None:
    listed = list(items)
    return listed or None
