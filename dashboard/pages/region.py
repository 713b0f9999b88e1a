"""Region page: the region's scorecard (counts, rate, rank among peers, change since the
year before, its targets by document), the values it has that no target judges (context
indicators, comparison regions), and what it has not reported."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import scorecard
from dashboard.components import data_as_of, dropdown, href
from dashboard.i18n import language_of, pick, t
from dashboard.security import refuse
from dashboard.state import ValuesView
from dashboard.values_switch import choose, chosen_view, register_switch, values_control
from indicators.units import unit_label

dash.register_page(__name__, path_template="/region/<code>", name="地区", order=2)


def layout(code: str = "", year: str | None = None, lang: str | None = None,
           values: str | None = None, **_: object) -> html.Div:
    language = language_of(lang)
    source = choose(values)
    if code not in source.regions.index:
        return html.Div(html.P(t("region_not_found", language, id=code)), id="region-page")
    region = source.regions.loc[code]
    name = pick(language, region["name_zh"], region["name_en"])
    years = source.years()
    latest = source.latest_year(region_code=code)
    chosen = int(year) if year and year.isdigit() and int(year) in years else latest
    rows = source.status_of(chosen, region_code=code)
    held = source.region_values(code)
    reported = set(held["indicator_id"])
    # Each indicator's series once, not a scan of the region's values per target; in the
    # all values view, whether each value is not the accepted one.
    held = held[["indicator_id", "period", "value"]].assign(
        not_accepted=source.not_accepted(held))
    series = dict(iter(held.groupby("indicator_id", sort=False)))
    # A comparison region (全国) has no target here: its values are a reference only, and
    # nothing is "not reported" by it.
    is_comparison = code in source.reference.register.comparison
    judged = set(rows["indicator_id"])
    unjudged = [indicator_id for indicator_id in series if indicator_id not in judged]
    title = "comparison_region_title" if is_comparison else "scorecard_title"
    return html.Div([
        html.H1(t(title, language, region=name), className="h3", id="region-title"),
        html.P(t("comparison_note", language), className="alert alert-secondary py-2",
               id="region-comparison-note") if is_comparison else None,
        html.P(t("scorecard_year", language, year=chosen), className="text-muted mb-1",
               id="region-subtitle"),
        data_as_of(latest, language, "region-data-as-of"),
        values_control("region", source.all_values, language),
        dcc.Location(id="region-url", refresh=True),
        dbc.Row([dbc.Col(dropdown("region-year", [(y, str(y)) for y in years], chosen,
                                  t("year", language)), xs=6, md=2),
                 dbc.Col(None if is_comparison else _briefing_button(code, chosen, language),
                         xs=6, md=10, className="d-flex align-items-end")], className="mb-3"),
        None if is_comparison else scorecard.summary(code, chosen, rows, language),
        None if is_comparison else html.H2(t("scorecard_by_document", language),
                                           className="h5"),
        None if is_comparison else scorecard.by_document(rows, series, language, chosen),
        *_context_values(unjudged, series, language, code, chosen),
        *([] if is_comparison else [
            html.H2(t("not_reported", language), className="h5 mt-4"),
            _not_reported(rows, reported, language, code, chosen)]),
    ], id="region-page")


def _briefing_button(code: str, year: int, language: str) -> html.Div:
    """The one-page briefing of this region and year, as a PDF to take into a meeting."""
    return html.Div([
        html.Button(t("brief_button", language), id="region-briefing-button",
                    className="btn btn-outline-primary btn-sm"),
        dcc.Download(id="region-briefing-download"),
        dcc.Store(id="region-briefing-target", data={"region": code, "year": year,
                                                      "values": chosen_view().name}),
        html.Div(language, id="region-briefing-language", hidden=True),
    ], id="region-briefing-slot")


@callback(
    Output("region-briefing-download", "data"), Input("region-briefing-button", "n_clicks"),
    State("region-briefing-target", "data"), State("region-briefing-language", "children"),
    prevent_initial_call=True,
)
def briefing(_clicks: int, target: dict, language: str) -> dict:  # type: ignore[type-arg]
    from dashboard.briefing import briefing_pdf
    from dashboard.map_figure import map_png

    source = choose(target.get("values"))
    code, chosen = target["region"], target["year"]
    if code not in source.regions.index or code in source.reference.register.comparison:
        refuse("not_found", 404)
    now = source.status(chosen)
    before = source.status(chosen - 1) if chosen - 1 in source.years() else None
    picture = map_png(now, source.reference.register, source.region_names(language), language,
                      chosen, code)
    values = source.region_values(code)
    pdf = briefing_pdf(now, before, source.reference, code, chosen, language,
                       label=_briefing_label(language),
                       data_as_of=source.latest_year(region_code=code), map_png=picture,
                       not_accepted=_not_accepted_keys(source, values))
    return dcc.send_bytes(pdf, f"briefing-{code}-{chosen}.pdf")


def _not_accepted_keys(source: ValuesView,
                       values: pd.DataFrame) -> frozenset[tuple[str, int]] | None:
    """(indicator, period) of the region's values not accepted, which the briefing marks;
    None in the accepted view."""
    if not source.all_values:
        return None
    flagged = values[source.not_accepted(values)]
    return frozenset(zip(flagged["indicator_id"], flagged["period"].astype(int), strict=True))


def _briefing_label(language: str) -> str | None:
    """Demo data, or published figures, said on the page where they are what it shows."""
    from dashboard.briefing import briefing_label

    source = chosen_view()
    return briefing_label(source.demo_in_use(), source.published_in_use(), language)


def _context_values(indicator_ids: list[str], series: dict[str, pd.DataFrame], language: str,
                    code: str, year: int) -> list[object]:
    """The section of the region's values that no target of its class judges: each
    indicator's latest value with unit and year, and the years loaded (the latest three).
    Nothing when there are none."""
    if not indicator_ids:
        return []
    source = chosen_view()
    items = []
    for indicator_id in indicator_ids:
        indicator = source.indicators.loc[indicator_id]
        unit = unit_label(indicator["unit"], language)
        values = series[indicator_id]
        latest = values.iloc[-1]
        loaded = " · ".join(f"{t('value_year', language, year=int(period))} {value:.4g}"
                            for period, value in zip(values["period"].tail(3),
                                                     values["value"].tail(3), strict=True))
        link = dcc.Link(pick(language, indicator["indicator_zh"], indicator["indicator_en"]),
                        href=href(f"/indicator/{indicator_id}", language, region=code,
                                  year=year))
        items.append(html.Li([
            html.Span(link, className="fw-semibold"), " · ",
            f"{t('latest_value', language)} {latest['value']:.4g} {unit} "
            f"({t('value_year', language, year=int(latest['period']))})",
            html.Div(f"{t('values_loaded', language)}: {loaded}", className="small text-muted"),
        ], className="mb-1 region-context-value"))
    return [html.H2(t("context_values", language), className="h5 mt-4"),
            html.P(t("context_values_help", language), className="small text-muted"),
            html.Ul(items, id="region-context-values")]


def _not_reported(rows: object, reported: set[str], language: str, code: str,
                  year: int) -> html.Div:
    source = chosen_view()
    expected = list(dict.fromkeys(rows["indicator_id"]))  # type: ignore[index]
    missing = [indicator for indicator in expected if indicator not in reported]
    if not missing:
        return html.P(t("all_reported", language), id="region-missing")
    names = source.indicators
    return html.Ul([html.Li(dcc.Link(
        pick(language, names.at[i, "indicator_zh"], names.at[i, "indicator_en"]),
        href=href(f"/indicator/{i}", language, region=code, year=year)))
        for i in missing], id="region-missing")


dash.clientside_callback(
    """
    function(year) {
        const params = new URLSearchParams(window.location.search);
        if (String(params.get('year')) === String(year)) return window.dash_clientside.no_update;
        params.set('year', year);
        return window.location.pathname + '?' + params.toString();
    }
    """,
    dash.Output("region-url", "href"), dash.Input("region-year", "value"),
    prevent_initial_call=True,
)

register_switch("region")
