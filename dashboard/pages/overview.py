"""Overview (总览): counts by status, the region x indicator grid, and each indicator's 达标率."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import data
from dashboard.components import (
    data_table,
    dropdown,
    empty_banner,
    href,
    legend,
    status_counts,
    status_grid,
)
from dashboard.figures import furthest_behind, grid_cells, share_meeting
from dashboard.figures import status_counts as count_statuses
from dashboard.i18n import language_of, pick, t
from indicators.catalogue import REGION_CLASS_NAMES

dash.register_page(__name__, path="/", name="总览", order=0)

FILTERS = ["overview-year", "overview-document", "overview-theme", "overview-class"]


def layout(year: str | None = None, document: str | None = None, theme: str | None = None,
           region_class: str | None = None, lang: str | None = None, **_: object) -> html.Div:
    language = language_of(lang)
    source = data.get()
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
    body = [html.H1(t("overview_title", language), className="h3"), filters]
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
    source = data.get()
    year = int(year)
    status = source.status(year)
    status = _filtered(status, source.targets, document, theme, region_class)
    cells = grid_cells(status, year)
    return (status_counts(count_statuses(cells), language),
            _grid(cells, language, year), _rates(cells, language))


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


def _filtered(status: pd.DataFrame, targets: pd.DataFrame, document: str, theme: str,
              region_class: str) -> pd.DataFrame:
    keep = pd.Series(True, index=status.index)
    if document:
        keep &= status["document"] == document
    if theme:
        keep &= status["theme"] == theme
    if region_class:
        keep &= status["region_class"] == region_class
    return status[keep]


def _grid(cells: pd.DataFrame, language: str, year: int) -> html.Div:
    source = data.get()
    if cells.empty:
        return html.P(t("no_data", language))
    present = set(cells["region_code"])
    regions = [(code, pick(language, row.name_zh, row.name_en))
               for code, row in source.regions.iterrows() if code in present]
    indicator_ids = list(dict.fromkeys(
        source.targets.loc[source.targets["indicator_id"].isin(set(cells["indicator_id"])),
                           "indicator_id"]))
    names = source.indicators
    indicators = [(i, pick(language, names.at[i, "indicator_zh"], names.at[i, "indicator_en"]))
                  for i in indicator_ids]
    return status_grid(cells, regions, indicators, language)


def _rates(cells: pd.DataFrame, language: str) -> object:
    source = data.get()
    rates = share_meeting(cells)
    if rates.empty:
        return html.P(t("no_data", language))
    behind = furthest_behind(cells)
    name_column = "region_zh" if language == "zh" else "region_en"
    behind_names = behind.groupby("indicator_id")[name_column].agg("、".join)
    names = source.indicators
    rates["indicator"] = [pick(language, names.at[i, "indicator_zh"], names.at[i, "indicator_en"])
                          for i in rates["indicator_id"]]
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
