"""Downloads page: filters, then the same extract as `targets export` in CSV, XLSX, Parquet or
SDMX-CSV."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import state
from dashboard.components import dropdown
from dashboard.i18n import language_of, pick, t
from dashboard.security import refuse
from dashboard.values_switch import KEEP_VALUES_JS, choose, register_switch, values_control
from etl.extract import WRITERS
from etl.sdmx import values_csv

dash.register_page(__name__, path="/downloads", name="数据下载", order=3)

# The XLSX carries the data dictionary as a sheet; the ZIP, the CSV with its Data Package
# descriptor (datapackage.json: the dictionary as a Table Schema, etl.dictionary).
FORMATS = [("csv", "CSV (Excel)"), ("zip", "CSV + datapackage.json (ZIP)"), ("xlsx", "XLSX"),
           ("parquet", "Parquet"), ("sdmx-csv", "SDMX-CSV 1.0")]


def layout(indicator: str | list[str] | None = None, region: str | list[str] | None = None,
           start: str | None = None, end: str | None = None, format: str | None = None,
           lang: str | None = None, values: str | None = None, **_: object) -> html.Div:
    language = language_of(lang)
    source = choose(values)
    indicators = [(row.indicator_id, pick(language, row.indicator_zh, row.indicator_en))
                  for row in source.indicators.itertuples()]
    regions = list(source.region_names(language).items())
    years = [(y, str(y)) for y in source.years()]
    return html.Div([
        html.H1(t("downloads_title", language), className="h3"),
        html.P(t("downloads_help", language), className="text-muted"),
        values_control("downloads", source.all_values, language),
        dbc.Row([
            dbc.Col(dropdown("downloads-indicator", indicators, _listed(indicator),
                             t("indicator", language), clearable=True, multi=True), md=6),
            dbc.Col(dropdown("downloads-region", regions, _listed(region), t("region", language),
                             clearable=True, multi=True), md=6),
            dbc.Col(dropdown("downloads-from", years, _year(start), t("from_year", language),
                             clearable=True), xs=6, md=2),
            dbc.Col(dropdown("downloads-to", years, _year(end), t("to_year", language),
                             clearable=True), xs=6, md=2),
            dbc.Col(dropdown("downloads-format", FORMATS,
                             format if format in dict(FORMATS) else "csv",
                             t("format", language)), xs=6, md=2),
        ], className="g-2 mb-3"),
        html.Button(t("download", language), id="downloads-button", className="btn btn-primary"),
        html.Span(id="downloads-summary", className="ms-3 text-muted"),
        dcc.Download(id="downloads-file"),
        html.Div(language, id="downloads-language", hidden=True),
    ], id="downloads-page")


def _listed(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@callback(
    Output("downloads-file", "data"), Output("downloads-summary", "children"),
    Input("downloads-button", "n_clicks"),
    State("downloads-indicator", "value"), State("downloads-region", "value"),
    State("downloads-from", "value"), State("downloads-to", "value"),
    State("downloads-format", "value"), State("downloads-language", "children"),
    State("downloads-values-name", "children"), prevent_initial_call=True,
)
def download(_clicks: int, indicators: list[str] | None, regions: list[str] | None,
             first: int | None, last: int | None, file_format: str,
             language: str, values: str | None = None) -> tuple[dict, str]:  # type: ignore[type-arg]
    """The extract of the values shown (accepted, or all with an `accepted` column)."""
    if file_format not in dict(FORMATS):
        refuse("bad_request")
    filters = state.ExportFilters(tuple(indicators or ()), tuple(regions or ()), first, last)
    source = choose(values)
    table = source.export(filters)
    table.attrs["filters"] = {"indicators": filters.indicators, "regions": filters.regions,
                              "first_period": first, "last_period": last,
                              "view": source.name}
    rows = f"{len(table)} " + ("行" if language == "zh" else "rows")
    if file_format == "sdmx-csv":
        # One observation per region, indicator and year; the structure: `targets sdmx
        # structure` (etl.sdmx_structure).
        return dcc.send_bytes(values_csv(table), "targets-export-sdmx.csv"), rows
    payload = WRITERS[file_format](table)
    return dcc.send_bytes(payload, f"targets-export.{file_format}"), rows


clientside_callback(
    """
    function(indicators, regions, start, end, format, language) {
        const params = new URLSearchParams();
        (indicators || []).forEach(v => params.append('indicator', v));
        (regions || []).forEach(v => params.append('region', v));
        if (start) params.set('start', start);
        if (end) params.set('end', end);
        if (format && format !== 'csv') params.set('format', format);
        if (language === 'en') params.set('lang', 'en');
    """ + KEEP_VALUES_JS + """
        const query = params.toString();
        const target = window.location.pathname + (query ? '?' + query : '');
        window.history.replaceState(null, '', target);
        return window.dash_clientside.no_update;
    }
    """,
    Output("downloads-language", "title"),
    Input("downloads-indicator", "value"), Input("downloads-region", "value"),
    Input("downloads-from", "value"), Input("downloads-to", "value"),
    Input("downloads-format", "value"), Input("downloads-language", "children"),
)

register_switch("downloads")
