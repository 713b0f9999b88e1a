"""Map page: Jilin's prefectures or counties as tiles, coloured by the share of due targets met
or by one indicator's status; a tap on a region opens its page."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components import dropdown, href, legend
from dashboard.figures import STATUS_SYMBOLS
from dashboard.i18n import language_of, pick, t
from dashboard.map_figure import (
    LEVELS,
    NO_TARGET_COLOUR,
    NO_VERDICT_COLOUR,
    drawn_codes,
    region_colours,
    region_map,
)
from dashboard.values_switch import (
    KEEP_VALUES_JS,
    choose,
    chosen_view,
    register_switch,
    values_control,
)

dash.register_page(__name__, path="/map", name="地图", order=7)


def layout(year: str | None = None, level: str | None = None, indicator: str | None = None,
           lang: str | None = None, values: str | None = None, **_: object) -> html.Div:
    language = language_of(lang)
    source = choose(values)
    years = source.years()
    chosen_year = int(year) if year and year.isdigit() and int(year) in years \
        else source.default_year()
    choices = _indicator_choices(language)
    return html.Div([
        html.H1(t("map_title", language), className="h3", id="map-title"),
        html.P(t("map_intro", language), className="text-muted small"),
        dbc.Row([
            dbc.Col(dropdown("map-year", [(y, str(y)) for y in years], chosen_year,
                             t("year", language)), xs=6, md=2),
            dbc.Col(dropdown("map-level", [(name, t(f"map_level_{name}", language))
                                           for name in LEVELS],
                             level if level in LEVELS else "prefecture",
                             t("map_level", language)), xs=6, md=3),
            dbc.Col(dropdown("map-indicator", choices,
                             indicator if indicator in dict(choices) else None,
                             t("map_indicator", language), clearable=True), xs=12, md=7),
        ], className="g-2 mb-2"),
        values_control("map", source.all_values, language),
        html.Div(id="map-legend", className="map-legend"),
        # The graph fills its box (responsive), whose height follows the width on a phone.
        html.Div(dcc.Graph(id="map-figure", className="map-figure", responsive=True,
                           config={"displayModeBar": False, "scrollZoom": False}),
                 className="map-figure-box"),
        html.Details([html.Summary(t("map_list", language)), html.Div(id="map-list")],
                     className="map-list mt-2"),
        dcc.Location(id="map-nav", refresh="callback-nav"),
        html.Div(language, id="map-language", hidden=True),
    ], id="map-page", className="map-page")


def _indicator_choices(language: str) -> list[tuple[object, str]]:
    """Indicators with a target (context indicators have none to colour by)."""
    source = chosen_view()
    context = source.catalogue.context
    names = source.indicators
    return [(indicator_id, pick(language, row["indicator_zh"], row["indicator_en"]))
            for indicator_id, row in names.iterrows() if indicator_id not in context]


@callback(
    Output("map-figure", "figure"), Output("map-legend", "children"),
    Output("map-list", "children"),
    Input("map-year", "value"), Input("map-level", "value"), Input("map-indicator", "value"),
    State("map-language", "children"), State("map-values-name", "children"),
)
def update(year: int, level: str, indicator: str | None, language: str,
           values: str | None = None) -> tuple:  # type: ignore[type-arg]
    source = choose(values)
    year = int(year) if str(year).isdigit() and int(year) in source.years() \
        else source.default_year()
    level = level if level in LEVELS else "prefecture"
    indicator = indicator if indicator in source.indicators.index else None
    status, register, names = source.status(year), source.reference.register, \
        source.region_names(language)
    figure = region_map(status, register, names, language, year, level, indicator)
    rows = region_colours(status, drawn_codes(register, level, year), indicator, year)
    return figure, _legend(indicator, language), _listed(rows, names, year, language)


def _listed(rows: pd.DataFrame, names: dict[str, str], year: int, language: str) -> html.Ul:
    """The map's regions as links, the lowest rate first (no verdict last): what the tiles say,
    for a keyboard, a screen reader, or a phone whose tiles are small."""
    ordered = rows.sort_values(["rate", "code"], na_position="last")
    items = []
    for row in ordered.itertuples():
        rate = t("map_no_verdict", language) if pd.isna(row.rate) \
            else f"{row.rate:.0f}% ({row.met}/{row.due})"
        mark = f" · {STATUS_SYMBOLS[row.status]} {t(row.status, language)}" \
            if isinstance(row.status, str) else ""
        items.append(html.Li([html.A(names[row.code], href=href(
            f"/region/{row.code}", language, year=year)), f" {rate}{mark}"]))
    return html.Ul(items, className="small mb-0", id="map-list-items")


def _legend(indicator: str | None, language: str) -> html.Div:
    if indicator is not None:
        blank = html.Span(className="map-swatch", style={"backgroundColor": NO_TARGET_COLOUR})
        return html.Div([html.P(t("map_legend_status", language), className="small mb-1"),
                         legend(language),
                         html.Span([blank, t("map_no_target", language)], className="small")],
                        id="map-legend-status")
    swatch = html.Span(className="map-swatch", style={"backgroundColor": NO_VERDICT_COLOUR})
    return html.Div([
        html.P(t("map_legend_rate", language), className="small mb-1"),
        html.Span([swatch, "· ", t("map_no_verdict", language)], className="small"),
    ], id="map-legend-rate")


# A tap on a tile opens the region's page, for the year shown, in the same language.
clientside_callback(
    """
    function(click, year, language) {
        const point = click && click.points && click.points[0];
        // A filled tile gives the customdata of all its corners: the same code each.
        const data = point && point.customdata;
        const code = Array.isArray(data) ? data[0] : data;
        if (!code) return window.dash_clientside.no_update;
        const params = new URLSearchParams();
        if (year) params.set('year', year);
        if (language === 'en') params.set('lang', 'en');
    """ + KEEP_VALUES_JS + """
        return '/region/' + encodeURIComponent(code) + '?' + params.toString();
    }
    """,
    Output("map-nav", "href"), Input("map-figure", "clickData"),
    State("map-year", "value"), State("map-language", "children"), prevent_initial_call=True,
)

# Filters live in the URL, so a link restores exactly what was shown.
clientside_callback(
    """
    function(year, level, indicator, language) {
        const params = new URLSearchParams();
        if (year) params.set('year', year);
        if (level && level !== 'prefecture') params.set('level', level);
        if (indicator) params.set('indicator', indicator);
        if (language === 'en') params.set('lang', 'en');
    """ + KEEP_VALUES_JS + """
        const query = params.toString();
        const target = window.location.pathname + (query ? '?' + query : '');
        window.history.replaceState(null, '', target);
        return window.dash_clientside.no_update;
    }
    """,
    Output("map-language", "title"),
    Input("map-year", "value"), Input("map-level", "value"), Input("map-indicator", "value"),
    Input("map-language", "children"),
)

register_switch("map")
