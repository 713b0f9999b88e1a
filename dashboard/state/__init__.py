"""The dashboard's state, one object per app: what every page reads and writes goes through it.

`current()` gives the state of the app serving the request (`install` hangs it on the Flask
app's extensions), so two apps in one process, each on its own store, share nothing. It reads
the store and never computes a status itself: statuses come from indicators.status.status_table
(which calls indicators.evaluate), extracts from etl.export.export_table, the same as `targets
export`. Everything is keyed by the store's data version, so a new entry is seen at once and an
unchanged store is not read or evaluated twice.

Pages read one of two views of the values (views.py, `view(name)`): the accepted values (the
default: what leaders see), keyed by the store's review version, or every current value (the
URL's `values=all`), keyed by its data version; each holds its own values and statuses.

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

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import dash
import flask
import pandas as pd

from dashboard.state.caches import Previews
from dashboard.state.views import ACCEPTED, ALL, ValuesView, view_name
from etl.review import Review
from etl.store import LoadResult, Store
from indicators.paths import gazette_file
from indicators.reference import Reference
from indicators.regions import valid_on

EXTENSION = "targets_state"  # the key of an app's DashboardState in server.extensions
# What DashboardState reads from its default view (the accepted values) when no view is named.
DEFAULT_VIEW_READS = frozenset({
    "snapshot", "values", "years", "default_year", "latest_year", "demo_in_use",
    "published_in_use", "series", "region_values", "regions_values", "status", "status_of", "warm",
    "due_values", "value_sources", "export", "cached", "lasting", "not_accepted"})
__all__ = ["ACCEPTED", "ALL", "DashboardState", "ExportFilters", "ValuesView", "current",
           "install", "of", "view_name"]


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
        # The accepted values are the default, what leaders read: every year of them is
        # evaluated in the background. All values (the switch) are held once asked for and a
        # year evaluated when it is asked for: warming both would hold every year twice.
        self._views = {ACCEPTED: ValuesView(self, ACCEPTED, warm=warm),
                       ALL: ValuesView(self, ALL)}

    def view(self, name: str = ACCEPTED) -> ValuesView:
        """The values of view `name` (etl.store.VIEWS): "accepted" (the default, what leaders
        see) or "all" (every current value, drafts and values under review too)."""
        if name not in self._views:
            raise ValueError(f"view must be one of {tuple(self._views)}, not {name!r}")
        return self._views[name]

    def __getattr__(self, name: str) -> Any:
        # What a page reads of the values (snapshot, series, status, cached ...) without
        # naming a view: the default view's.
        if name in DEFAULT_VIEW_READS:
            return getattr(self.view(), name)
        raise AttributeError(name)

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
