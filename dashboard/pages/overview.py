"""Overview (总览): the year's result by document and by prefecture, what changed, the targets
furthest behind, then the region x indicator grid of one document or theme for drill-down."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import overview_grid, overview_summary
from dashboard.components import (
    data_as_of,
    dropdown,
    empty_banner,
    href,
    legend,
    status_counts,
)
from dashboard.figures import STATUS_ORDER, first_cells, grid_order
from dashboard.figures import status_counts as count_statuses
from dashboard.i18n import language_of, pick, t
from dashboard.values_switch import (
    KEEP_VALUES_JS,
    choose,
    chosen_view,
    register_switch,
    values_control,
)
from indicators.catalogue import REGION_CLASS_NAMES
from indicators.statuses import Status
from indicators.summary import tally

dash.register_page(__name__, path="/", name="总览", order=0)

FILTERS = ["overview-year", "overview-document", "overview-theme", "overview-class"]


def layout(year: str | None = None, document: str | None = None, theme: str | None = None,
           region_class: str | None = None, lang: str | None = None, values: str | None = None,
           **_: object) -> html.Div:
    language = language_of(lang)
    source = choose(values)
    years = source.years()
    chosen_year = int(year) if year and year.isdigit() and int(year) in years else years[-1]
    documents = [(number, f"{entry.short(language)} · {number}")
                 for number, entry in source.catalogue.documents.items()]
    themes = _themes(source, language)
    classes = [("", t("all", language))] + [
        (cls.value, pick(language, zh, en)) for cls, (zh, en) in REGION_CLASS_NAMES.items()]
    chosen_theme = _valid(theme, themes)
    chosen_document = _valid(document, documents) or (
        "" if chosen_theme else documents[0][0] if documents else "")
    body = [html.H1(t("overview_title", language), className="h3"),
            dbc.Row([
                dbc.Col(dropdown("overview-year", [(y, str(y)) for y in years], chosen_year,
                                 t("year", language)), xs=6, md=2),
                dbc.Col(data_as_of(source.default_year(), language, "overview-data-as-of"),
                        xs=6, md=10, className="align-self-end"),
            ], className="g-2 mb-2"),
            values_control("overview", source.all_values, language),
            html.P(t("ov_explain", language), className="small ov-explain",
                   id="overview-explain"),
            dcc.Loading(html.Div(id="overview-summary"), type="dot")]
    if source.values().empty:
        body.insert(1, empty_banner(language))
    filters = dbc.Row([
        dbc.Col(dropdown("overview-document", documents,
                         chosen_document, t("document", language)),
                xs=12, md=5),
        dbc.Col(dropdown("overview-theme", [("", t("ov_all_themes", language)), *themes],
                         chosen_theme, t("theme", language)), xs=12, md=4),
        dbc.Col(dropdown("overview-class", classes, _valid(region_class, classes),
                         t("region_class", language)), xs=12, md=3),
    ], className="g-2 mb-2")
    body += [
        html.H2(t("ov_grid_title", language), className="h5 mt-4", id="overview-grid-title"),
        filters,
        legend(language),
        html.P(t("ov_grid_help", language), className="text-muted small"),
        html.Div(id="overview-grid", className="ov-grid-box"),
        html.Div(id="overview-grid-panel", className="mt-2"),
        dcc.Location(id="overview-nav", refresh="callback-nav"),
        html.P(t("ov_grid_counts_note", language), className="text-muted small mt-3"),
        html.Div(id="overview-counts"),
        html.H2(t("rate_title", language), className="h5 mt-4"),
        html.Div(id="overview-rates"),
        html.Div(language, id="overview-language", hidden=True),
    ]
    return html.Div(body, id="overview-page")


def _themes(source: object, language: str) -> list[tuple[str, str]]:
    """The themes of the documents' targets, each after its document's short title."""
    targets = source.targets  # type: ignore[attr-defined]
    names = source.themes()  # type: ignore[attr-defined]
    documents = source.catalogue.documents  # type: ignore[attr-defined]
    pairs = targets[["theme", "document"]].drop_duplicates("theme")
    return [(theme, f"{documents[number].short(language)} · {pick(language, *names[theme])}")
            for theme, number in zip(pairs["theme"], pairs["document"], strict=True)
            if theme in names and number in documents]


def _valid(value: str | None, options: list[tuple[str, str]]) -> str:
    return value if value in {key for key, _ in options} else ""


@callback(Output("overview-summary", "children"), Input("overview-year", "value"),
          State("overview-language", "children"), State("overview-values-name", "children"))
def summary(year: int, language: str, values: str | None = None) -> object:
    """The first screen for the year: kept until a write, like the grid."""
    year = int(year)
    return choose(values).cached(("overview-summary", year, language),
                                  lambda: _summary(year, language))


def _summary(year: int, language: str) -> object:
    source = chosen_view()
    # Comparison regions (全国) have no status rows: no region class, so no target applies.
    now = source.status(year)
    before = source.status(year - 1) if year - 1 in source.years() else None
    regions = source.regions
    level = set(regions.index[(regions["level"] == "prefecture").to_numpy()])
    prefectures = {code: name for code, name in source.region_names(language).items()
                   if code in level}
    # Side by side on a wide screen, so that a leader sees all four at once: by document, by
    # prefecture, then what changed and what is furthest behind; one under another on a phone.
    return html.Div(dbc.Row([
        dbc.Col([html.H2(t("ov_by_document", language), className="h5"),
                 overview_summary.by_document(now, source.catalogue.documents, year,
                                              language)], lg=6, xl=4),
        dbc.Col([html.H2(t("ov_by_prefecture", language), className="h5"),
                 overview_summary.by_prefecture(now, prefectures, year, language),
                 html.P(t("ov_prefecture_note", language), className="text-muted small")],
                lg=6, xl=4),
        dbc.Col([html.H2(t("ov_changes_title", language), className="h5"),
                 overview_summary.changed(now, before, year, language),
                 html.H2(t("ov_behind_title", language), className="h5"),
                 overview_summary.behind(now, year, language)], lg=12, xl=4),
    ], className="g-3"), id="overview-summary-blocks")


@callback(
    Output("overview-counts", "children"), Output("overview-grid", "children"),
    Output("overview-rates", "children"),
    *[Input(name, "value") for name in FILTERS], State("overview-language", "children"),
    State("overview-values-name", "children"),
)
def update(year: int, document: str, theme: str, region_class: str,
           language: str, values: str | None = None) -> tuple[object, object, object]:
    year = int(year)
    source = choose(values)
    document, theme = overview_grid.chosen(source.targets, document or "", theme or "",
                                           source.indicators.index)
    # The same filters at the same data version give the same answer: kept until a write.
    return chosen_view().cached(("overview", year, document, theme, region_class, language),
                             lambda: _shown(year, document, theme, region_class, language))


def _shown(year: int, document: str, theme: str, region_class: str,
           language: str) -> tuple[object, object, object]:
    source = chosen_view()
    cells = _cells(year, document, theme, region_class)
    names = source.indicator_names(language)
    grid = _grid(cells, language)
    if document and theme:  # a wide document, a theme at a time (overview_grid.chosen)
        grid = html.Div([overview_grid.theme_pages(
            source.targets, document, theme, source.themes(), source.indicators.index,
            language, year=year,
            region_class=region_class or None), grid])
    return (_counts(cells, language), grid, overview_grid.rates(cells, names, language))


def _counts(cells: pd.DataFrame, language: str) -> object:
    """The grid's cells by status, and how many are due and not yet due."""
    counted = tally(cells) if len(cells) else None
    line = html.P([t("ov_due", language, count=counted.due if counted else 0), " · ",
                   t("ov_not_yet_due", language, count=counted.not_yet_due if counted else 0)],
                  className="small mb-1", id="overview-due-line",
                  title=t("ov_pairs_note", language))
    note = html.P(t("ov_pairs_note", language), className="text-muted small mb-1",
                  id="overview-pairs-note")
    return html.Div([line, status_counts(count_statuses(cells), language), note])


# What the grid, counts and rates read of the status table: fewer columns to filter, and
# text as categories, so that filters, counts and groups compare small integers, not text.
CELL_COLUMNS = ["region_code", "indicator_id", "target_id", "status", "gap_pct", "direction",
                "region_zh", "region_en", "document", "theme", "region_class", "deadline_year",
                "as_of_year", "_pair"]
CATEGORIES = ["region_code", "indicator_id", "status", "direction", "region_zh", "region_en",
              "document", "theme", "region_class"]


def _cells(year: int, document: str, theme: str, region_class: str) -> pd.DataFrame:
    """grid_cells of the filtered status rows: the rows are sorted once (grid_order), then
    each filter keeps rows in that order (first_cells)."""
    ranked = chosen_view().cached(("overview-ranked", year), lambda: _ranked(year))
    return first_cells(overview_grid.filtered(ranked, document, theme, region_class))


def _ranked(year: int) -> pd.DataFrame:
    """The status rows in grid order with this data version's statuses and gaps. The order
    and the other columns hold through writes (a write changes statuses, not rows)."""
    source = chosen_view()
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
    State("overview-values-name", "children"), prevent_initial_call=True,
)
def open_cell(cell: dict | None, year: int, language: str,
              values: str | None = None) -> str:  # type: ignore[type-arg]
    """A click on a grid cell opens that indicator for that region."""
    choose(values)
    if not cell or cell.get("colId") == "region" or not cell.get("value"):
        return dash.no_update  # type: ignore[return-value]
    return href(f"/indicator/{cell['colId']}", language, region=cell["rowId"], year=year)


def _grid(cells: pd.DataFrame, language: str) -> object:
    source = chosen_view()
    if cells.empty:
        return html.P(t(Status.NO_DATA, language))
    present = set(cells["region_code"].unique())
    names = source.region_names(language)
    regions = [(code, name) for code, name in names.items() if code in present]
    shown = set(cells["indicator_id"].unique())
    indicator_ids = list(dict.fromkeys(
        source.targets.loc[source.targets["indicator_id"].isin(shown), "indicator_id"]))
    indicators = source.indicator_names(language)
    return overview_grid.drill_grid(cells, regions, [(i, indicators[i]) for i in indicator_ids],
                                    language)


@callback(
    Output("overview-grid-panel", "children"), Input("overview-grid-table", "eventData"),
    State("overview-year", "value"), State("overview-language", "children"),
    State("overview-values-name", "children"), prevent_initial_call=True,
)
def show_column(event: dict | None, year: int, language: str,
                values: str | None = None) -> object:  # type: ignore[type-arg]
    """A tap (or click) on a column header shows the indicator's full name under the grid."""
    if not event or not isinstance(event.get("data"), str):
        return dash.no_update
    return overview_grid.column_panel(event["data"], choose(values), int(year), language)


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
    """ + KEEP_VALUES_JS + """
        const query = params.toString();
        const target = window.location.pathname + (query ? '?' + query : '');
        window.history.replaceState(null, '', target);
        return window.dash_clientside.no_update;
    }
    """,
    Output("overview-language", "title"),
    *[Input(name, "value") for name in FILTERS], Input("overview-language", "children"),
)

register_switch("overview")
