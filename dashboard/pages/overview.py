"""Overview (总览): counts by status, the region x indicator grid, and each indicator's 达标率."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import state
from dashboard.components import (
    data_as_of,
    data_table,
    dropdown,
    empty_banner,
    href,
    legend,
    status_counts,
    status_grid,
)
from dashboard.figures import (
    STATUS_ORDER,
    first_cells,
    furthest_behind,
    grid_order,
    share_meeting,
)
from dashboard.figures import status_counts as count_statuses
from dashboard.i18n import language_of, pick, t
from indicators.catalogue import REGION_CLASS_NAMES
from indicators.statuses import Status

dash.register_page(__name__, path="/", name="总览", order=0)

FILTERS = ["overview-year", "overview-document", "overview-theme", "overview-class"]


def layout(year: str | None = None, document: str | None = None, theme: str | None = None,
           region_class: str | None = None, lang: str | None = None, **_: object) -> html.Div:
    language = language_of(lang)
    source = state.current()
    years = source.years()
    chosen_year = int(year) if year and year.isdigit() and int(year) in years else years[-1]
    documents = [("", t("all", language))] + [(n, n) for n, _title in source.documents()]
    themes = [("", t("all", language))] + [
        (key, pick(language, zh, en)) for key, (zh, en) in source.themes().items()]
    classes = [("", t("all", language))] + [
        (cls.value, pick(language, zh, en)) for cls, (zh, en) in REGION_CLASS_NAMES.items()]
    filters = dbc.Row([
        dbc.Col(dropdown("overview-year", [(y, str(y)) for y in years], chosen_year,
                         t("year", language)), xs=6, md=2),
        dbc.Col(dropdown("overview-document", documents, _valid(document, documents),
                         t("document", language)), xs=6, md=4),
        dbc.Col(dropdown("overview-theme", themes, _valid(theme, themes),
                         t("theme", language)), xs=6, md=3),
        dbc.Col(dropdown("overview-class", classes, _valid(region_class, classes),
                         t("region_class", language)), xs=6, md=3),
    ], className="g-2 mb-3")
    body = [html.H1(t("overview_title", language), className="h3"),
            data_as_of(source.default_year(), language, "overview-data-as-of"), filters]
    if source.values().empty:
        body.insert(1, empty_banner(language))
    body += [
        html.Div(id="overview-counts"),
        html.P(t("overview_counts_note", language), className="text-muted small"),
        html.H2(t("grid_title", language), className="h5"),
        legend(language),
        html.P(t("grid_help", language), className="text-muted small"),
        html.Div(id="overview-grid"),
        dcc.Location(id="overview-nav", refresh="callback-nav"),
        html.H2(t("rate_title", language), className="h5 mt-4"),
        html.Div(id="overview-rates"),
        html.Div(language, id="overview-language", hidden=True),
    ]
    return html.Div(body, id="overview-page")


def _valid(value: str | None, options: list[tuple[str, str]]) -> str:
    return value if value in {key for key, _ in options} else ""


@callback(
    Output("overview-counts", "children"), Output("overview-grid", "children"),
    Output("overview-rates", "children"),
    *[Input(name, "value") for name in FILTERS], State("overview-language", "children"),
)
def update(year: int, document: str, theme: str, region_class: str,
           language: str) -> tuple[object, object, object]:
    year = int(year)
    # The same filters at the same data version give the same answer: kept until a write.
    return state.current().cached(("overview", year, document, theme, region_class, language),
                             lambda: _shown(year, document, theme, region_class, language))


def _shown(year: int, document: str, theme: str, region_class: str,
           language: str) -> tuple[object, object, object]:
    cells = _cells(year, document, theme, region_class)
    return (status_counts(count_statuses(cells), language),
            _grid(cells, language), _rates(cells, language))


# What the grid, counts and rates read of the status table: fewer columns to filter, and
# text as categories, so that filters, counts and groups compare small integers, not text.
CELL_COLUMNS = ["region_code", "indicator_id", "target_id", "status", "gap_pct", "direction",
                "region_zh", "region_en", "document", "theme", "region_class", "_pair"]
CATEGORIES = ["region_code", "indicator_id", "status", "direction", "region_zh", "region_en",
              "document", "theme", "region_class"]


def _cells(year: int, document: str, theme: str, region_class: str) -> pd.DataFrame:
    """grid_cells of the filtered status rows: the rows are sorted once (grid_order), then
    each filter keeps rows in that order (first_cells)."""
    ranked = state.current().cached(("overview-ranked", year), lambda: _ranked(year))
    return first_cells(_filtered(ranked, document, theme, region_class))


def _ranked(year: int) -> pd.DataFrame:
    """The status rows in grid order with this data version's statuses and gaps. The order
    and the other columns hold through writes (a write changes statuses, not rows)."""
    source = state.current()
    status = source.status(year)
    order, fixed = source.lasting(("overview-order", year), lambda: _order(status, year))
    statuses = status["status"].astype("category").cat.set_categories(STATUS_ORDER)
    return fixed.assign(
        status=pd.Categorical.from_codes(statuses.cat.codes.to_numpy()[order], STATUS_ORDER),
        gap_pct=status["gap_pct"].to_numpy()[order])


def _order(status: pd.DataFrame, year: int) -> tuple[np.ndarray, pd.DataFrame]:
    ranked = grid_order(status.assign(_row=np.arange(len(status))), year)
    fixed = ranked[[c for c in CELL_COLUMNS if c not in ("status", "gap_pct")]]
    return ranked["_row"].to_numpy(), fixed.astype(
        {column: "category" for column in CATEGORIES if column != "status"})


@callback(
    Output("overview-nav", "href"), Input("overview-grid-table", "cellClicked"),
    State("overview-year", "value"), State("overview-language", "children"),
    prevent_initial_call=True,
)
def open_cell(cell: dict | None, year: int, language: str) -> str:  # type: ignore[type-arg]
    """A click on a grid cell opens that indicator for that region."""
    if not cell or cell.get("colId") == "region" or not cell.get("value"):
        return dash.no_update  # type: ignore[return-value]
    return href(f"/indicator/{cell['colId']}", language, region=cell["rowId"], year=year)


def _filtered(status: pd.DataFrame, document: str, theme: str,
              region_class: str) -> pd.DataFrame:
    keep = np.ones(len(status), dtype=bool)
    for column, wanted in (("document", document), ("theme", theme),
                           ("region_class", region_class)):
        if wanted:
            keep &= (status[column] == wanted).to_numpy()
    return status if keep.all() else status[keep]


def _grid(cells: pd.DataFrame, language: str) -> object:
    source = state.current()
    if cells.empty:
        return html.P(t(Status.NO_DATA, language))
    present = set(cells["region_code"].unique())
    names = source.region_names(language)
    regions = [(code, name) for code, name in names.items() if code in present]
    shown = set(cells["indicator_id"].unique())
    indicator_ids = list(dict.fromkeys(
        source.targets.loc[source.targets["indicator_id"].isin(shown), "indicator_id"]))
    indicators = source.indicator_names(language)
    return status_grid(cells, regions, [(i, indicators[i]) for i in indicator_ids], language)


def _rates(cells: pd.DataFrame, language: str) -> object:
    source = state.current()
    rates = share_meeting(cells)
    if rates.empty:
        return html.P(t(Status.NO_DATA, language))
    behind = furthest_behind(cells)
    name_column = "region_zh" if language == "zh" else "region_en"
    joined: dict[str, list[str]] = {}  # a few rows per indicator: no grouping machinery
    for indicator_id, name in zip(behind["indicator_id"], behind[name_column], strict=True):
        joined.setdefault(indicator_id, []).append(str(name))
    behind_names = {indicator_id: "、".join(names) for indicator_id, names in joined.items()}
    names = source.indicator_names(language)
    rates["indicator"] = [names[i] for i in rates["indicator_id"]]
    rates["rate"] = rates["rate"].round(1)
    rates["behind"] = rates["indicator_id"].map(behind_names).fillna("")
    rates = rates.sort_values("rate")
    return data_table(rates, {"indicator": t("indicator", language),
                              "rate": f"{t('rate', language)} (%)",
                              "reporting": t("regions_reporting", language),
                              "behind": t("furthest_behind", language)}, "overview-rate-table")


# Filters live in the URL, so a leader can share a link to exactly what they see.
clientside_callback(
    """
    function(year, document, theme, regionClass, language) {
        const params = new URLSearchParams();
        if (year) params.set('year', year);
        if (document) params.set('document', document);
        if (theme) params.set('theme', theme);
        if (regionClass) params.set('region_class', regionClass);
        if (language === 'en') params.set('lang', 'en');
        const query = params.toString();
        const target = window.location.pathname + (query ? '?' + query : '');
        window.history.replaceState(null, '', target);
        return window.dash_clientside.no_update;
    }
    """,
    Output("overview-language", "title"),
    *[Input(name, "value") for name in FILTERS], Input("overview-language", "children"),
)
