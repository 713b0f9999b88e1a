"""Indicator page: values against each region's own target, gaps, anticipation, provenance."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import state
from dashboard.components import (
    data_as_of,
    data_table,
    dropdown,
    status_badge,
    target_phrase,
    target_source,
)
from dashboard.figures import gap_figure, trend_figure
from dashboard.i18n import language_of, pick, t
from dashboard.security import refuse
from dashboard.state import ValuesView
from dashboard.text import quote_in_context
from dashboard.values_switch import (
    KEEP_VALUES_JS,
    choose,
    chosen_view,
    register_switch,
    values_control,
)
from etl.export import rounded
from etl.extract import to_csv_bytes
from indicators.catalogue import REGION_CLASS_NAMES, Indicator, RegionClass
from indicators.units import unit_label

dash.register_page(__name__, path_template="/indicator/<indicator_id>", name="指标", order=1)

# source and note: where each value comes from (the load) and what its revision says (a
# published figure's verbatim phrase and doubts), so that a value is never shown without them.
TABLE_COLUMNS = ["region_code", "region", "period", "value", "unit", "target_id", "target_value",
                 "status", "gap", "gap_pct", "document", "clause", "source", "note"]
# Codes, in the table's data but not in the grid shown (region, document and clause name the
# same there); the download is the full extract's rows of the indicator.
DOWNLOAD_ONLY = ("region_code", "target_id")
# Headers whose text key is not the column's own ("note" is a target's note elsewhere).
HEADER_KEYS = {"note": "value_note"}


def layout(indicator_id: str = "", region: str | None = None, year: str | None = None,
           method: str | None = None, lang: str | None = None, values: str | None = None,
           **_: object) -> html.Div:
    language = language_of(lang)
    source = choose(values)
    if indicator_id not in source.indicators.index:
        return html.Div(html.P(t("indicator_not_found", language, id=indicator_id)),
                        id="indicator-page")
    indicator = source.indicators.loc[indicator_id]
    years = source.years()
    latest = source.latest_year(indicator_id=indicator_id)
    chosen_year = int(year) if year and year.isdigit() and int(year) in years else latest
    codes = _regions_of(indicator_id)
    chosen_region = region if region in codes else (codes[0] if codes else None)
    unit = unit_label(indicator["unit"], language)
    region_names = source.region_names(language)
    names = [(code, region_names[code]) for code in codes]
    is_context = indicator_id in source.catalogue.context
    return html.Div([
        html.H1(pick(language, indicator["indicator_zh"], indicator["indicator_en"]),
                className="h3", id="indicator-title"),
        html.P(t("context_note", language), className="alert alert-secondary py-2",
               id="indicator-context-note") if is_context else None,
        html.P(f"{t('unit', language)}: {unit} · {t('theme', language)}: "
               f"{pick(language, indicator['theme_zh'], indicator['theme_en'])}",
               className="text-muted"),
        data_as_of(latest, language, "indicator-data-as-of"),
        values_control("indicator", source.all_values, language),
        _definition(source.reference.catalogue.indicators[indicator_id], language),
        dbc.Row([
            dbc.Col(dropdown("indicator-region", names, chosen_region,
                             t("selected_region", language)), xs=12, md=6),
            dbc.Col(dropdown("indicator-year", [(y, str(y)) for y in years], chosen_year,
                             t("year", language)), xs=6, md=2),
            dbc.Col(dropdown("indicator-method",
                             [("escap", t("method_escap", language)),
                              ("opensdg", t("method_opensdg", language))],
                             method if method in ("escap", "opensdg") else "escap",
                             t("method", language)), xs=6, md=4),
        ], className="g-2 mb-3"),
        dcc.Graph(id="indicator-trend", config={"displaylogo": False}),
        html.Div(id="indicator-region-targets", className="mb-3"),
        # A context indicator has no target, so no gap to show (the callback still fills it).
        dcc.Graph(id="indicator-gap", config={"displaylogo": False},
                  style={"display": "none"} if is_context else None),
        html.H2(t("anticipation_title", language), className="h5 mt-3"),
        html.Div(id="indicator-anticipation"),
        html.H2(t("provenance_title", language), className="h5 mt-4"),
        _provenance(indicator_id, language),
        html.H2(t("table_title", language), className="h5 mt-4"),
        html.Button(t("download_shown", language), id="indicator-download-button",
                    className="btn btn-outline-primary btn-sm mb-2"),
        dcc.Download(id="indicator-download"),
        html.Div(id="indicator-table"),
        html.Div(indicator_id, id="indicator-id", hidden=True),
        html.Div(language, id="indicator-language", hidden=True),
    ], id="indicator-page")


def _known(indicator_id: str) -> None:
    """Refuse with 404 an indicator id that is not in the catalogue (the page sends its own)."""
    if indicator_id not in state.current().indicators.index:
        refuse("not_found", 404)


def _regions_of(indicator_id: str) -> list[str]:
    """Regions with a target of this indicator or a reported value, in register order; not
    the comparison regions (全国), which are drawn as a reference and never highlighted."""
    source = chosen_view()
    status = source.status_of(source.default_year(), indicator_id=indicator_id)
    codes = set(status["region_code"].unique())
    codes |= set(source.series(indicator_id)["region_code"].unique())
    codes -= source.reference.register.comparison
    return [code for code in source.regions.index if code in codes]


@callback(
    Output("indicator-trend", "figure"), Output("indicator-region-targets", "children"),
    Output("indicator-gap", "figure"), Output("indicator-anticipation", "children"),
    Input("indicator-region", "value"), Input("indicator-year", "value"),
    Input("indicator-method", "value"),
    State("indicator-id", "children"), State("indicator-language", "children"),
    State("indicator-values-name", "children"),
)
def update(region: str | None, year: int, method: str, indicator_id: str,
           language: str, values: str | None = None) -> tuple:  # type: ignore[type-arg]
    source = choose(values)
    _known(indicator_id)
    year = int(year)
    indicator = source.indicators.loc[indicator_id]
    rows = source.status_of(year, indicator_id=indicator_id)
    if method == "opensdg":
        rows = rows.assign(status=rows["opensdg_status"])
    names = source.region_names(language)
    own = rows[rows["region_code"] == region]
    series = source.series(indicator_id)
    trend = trend_figure(series, own, region, names, language, indicator["unit"],
                         comparison=source.reference.register.comparison,
                         not_accepted=source.not_accepted(series))
    gaps = rows[rows["deadline_year"] == year]
    gaps = gaps.assign(region=gaps["region_code"].map(names))
    return (trend, _region_targets(own, language),
            gap_figure(gaps, language, indicator["unit"], year),
            _anticipation(rows, names, language))


def _region_targets(own: pd.DataFrame, language: str) -> html.Div:
    # Each status with the year of the value it rests on (a lagged value: met late in 2021).
    badges = [html.Span([f"{target_source(row)} · {t('deadline', language)} {row.deadline} ",
                         status_badge(row.status, language),
                         "" if row.actual_period != row.actual_period else
                         t("value_year", language, year=int(row.actual_period))],
                        className="me-3 d-inline-block")
              for row in own.sort_values("deadline_year").itertuples()]
    return html.Div(badges, className="small")


def _anticipation(rows: pd.DataFrame, names: dict[str, str], language: str) -> object:
    ahead = rows[rows["deadline_year"].gt(rows["as_of_year"])]
    if ahead.empty:
        return html.P("—", className="text-muted")
    frame = ahead.assign(region=ahead["region_code"].map(names),
                         anticipated=ahead["anticipated"].round(2),
                         opensdg_score=ahead["opensdg_score"].round(2),
                         required_yearly_change=ahead["required_yearly_change"].round(2),
                         status_label=ahead["status"].map(lambda s: t(s, language)),
                         source=[target_source(row) for row in ahead.itertuples()])
    return data_table(frame, {
        "region": t("region", language), "source": t("target_source", language),
        "deadline": t("deadline", language), "target_value": t("target_value", language),
        "actual": t("actual", language), "anticipated": t("anticipated", language),
        "required_yearly_change": t("required_change", language),
        "status_label": t("status", language), "opensdg_score": t("opensdg_score", language)},
        "indicator-anticipation-table", height=260)


# Above this many stored values the table lists the chosen region only (the whole indicator
# at national size is 44,000 rows, megabytes to send and more than anyone reads on a page).
TABLE_ROWS = 5_000


def _table_region(indicator_id: str, region: str | None) -> str | None:
    """The region the table is limited to, or None for every region."""
    if region is None or len(chosen_view().series(indicator_id)) <= TABLE_ROWS:
        return None
    return region


def _table(indicator_id: str, language: str, region: str | None = None) -> pd.DataFrame:
    """The numbers behind the charts: every stored value (of `region`, when given) with the
    target due that year, as the charts judge it (from the values and statuses held: the
    extract of the same rows read the store and evaluated them again: docs/benchmarks.md);
    in the all values view, whether each value is accepted (未确认 where not). Kept per
    version of the view: the download asks for the same table."""
    source = chosen_view()
    return source.cached(("indicator-table", indicator_id, language, region),
                         lambda: _made_table(source, indicator_id, language, region)).copy()


def _table_columns(source: ValuesView) -> list[str]:
    return [*TABLE_COLUMNS[:4], "acceptance", *TABLE_COLUMNS[4:]] if source.all_values \
        else TABLE_COLUMNS


def _made_table(source: ValuesView, indicator_id: str, language: str,
                region: str | None) -> pd.DataFrame:
    table = source.due_values(indicator_id, region)
    table["acceptance"] = table["accepted"].map(
        lambda accepted: t("accepted" if accepted else "not_accepted", language))
    table["region"] = table["region_code"].map(source.region_names(language))
    table["unit"] = unit_label(source.indicators.at[indicator_id, "unit"], language)
    table["status"] = table["status"].map(lambda s: t(s, language) if isinstance(s, str) else s)
    # At the indicator's published precision, as in the extract: no float noise.
    table = rounded(table, source.reference.catalogue.decimals,
                    ("value", "target_value", "gap", "gap_pct"))
    sources = source.value_sources(indicator_id, region)[["region_code", "period", "source",
                                                         "note"]]
    table = table.merge(sources, on=["region_code", "period"], how="left")
    return table[_table_columns(source)]


@callback(
    Output("indicator-table", "children"), Input("indicator-region", "value"),
    State("indicator-id", "children"), State("indicator-language", "children"),
    State("indicator-values-name", "children"),
)
def shown_table(region: str | None, indicator_id: str, language: str,
                values: str | None = None) -> object:
    """The table on its own: the charts need not wait for the extract it is made from."""
    _known(indicator_id)
    choose(values)
    return _shown_table(indicator_id, region, language)


def _shown_table(indicator_id: str, region: str | None, language: str) -> object:
    source = chosen_view()
    limited = _table_region(indicator_id, region)
    table = _table(indicator_id, language, limited)
    headers = {column: t(HEADER_KEYS.get(column, column), language)
               for column in _table_columns(source) if column not in DOWNLOAD_ONLY}
    grid = data_table(table, headers, "indicator-data-table")
    if limited is None:
        return grid
    total = len(source.series(indicator_id))
    return html.Div([html.P(t("table_one_region", language, total=total),
                            className="text-muted small", id="indicator-table-note"), grid])


@callback(
    Output("indicator-download", "data"), Input("indicator-download-button", "n_clicks"),
    State("indicator-id", "children"), State("indicator-region", "value"),
    State("indicator-language", "children"), State("indicator-values-name", "children"),
    prevent_initial_call=True,
)
def download(_clicks: int, indicator_id: str, region: str | None,
             language: str, values: str | None = None) -> dict:  # type: ignore[type-arg]
    """The rows of the table shown (every region, or the chosen one where the table is
    limited) as the full extract gives them: its columns, codes and labels, as /downloads
    and `targets export` (etl.dictionary describes them)."""
    _known(indicator_id)
    source = choose(values)
    limited = _table_region(indicator_id, region)
    table = source.export(state.ExportFilters((indicator_id,), (limited,) if limited else (),
                                              None, None))
    return dcc.send_bytes(to_csv_bytes(table), f"{indicator_id}.csv")


def _provenance(indicator_id: str, language: str) -> html.Div:
    source = state.current()
    targets = source.targets[source.targets["indicator_id"] == indicator_id]
    if targets.empty:  # a context indicator: say so rather than show nothing
        return html.Div(html.P(t("no_target_provenance", language), className="text-muted"),
                        id="indicator-provenance")
    cards = []
    for target in targets.itertuples():
        zh, en = REGION_CLASS_NAMES[RegionClass(target.region_class)]
        value = target_phrase(target, language)
        before, quote, after = quote_in_context(source.gazette_text, target.quote_zh)
        cards.append(dbc.Card(dbc.CardBody([
            html.H3(target_source(target), className="h6"),
            html.P(f"{pick(language, zh, en)} · {t('deadline', language)} {target.deadline} · "
                   f"{value}", className="mb-1"),
            html.Blockquote(target.quote_zh, className="quote mb-1", lang="zh"),
            html.P([html.Span(f"{t('context', language)}: ", className="text-muted"),
                    before, html.Mark(quote), after], className="context small mb-1", lang="zh"),
            html.P(f"{t('note', language)}: {target.note}", className="small text-muted mb-0")
            if isinstance(target.note, str) else None,
        ]), className="mb-2 provenance"))
    return html.Div(cards, id="indicator-provenance")


def _definition(indicator: Indicator, language: str) -> html.Div:
    """The names sources print, the statistical definition with its source, and the names of
    other measures not to confuse with this one."""
    parts = []
    if indicator.source_names:
        parts.append(html.P(f"{t('source_names', language)}: {'、'.join(indicator.source_names)}",
                            className="small mb-1", lang="zh"))
    if indicator.definition_zh:
        parts.append(html.P([f"{t('definition', language)}: ",
                             html.Span(indicator.definition_zh, lang="zh"),
                             html.Span(f" ({t('definition_source', language)}: "
                                       f"{indicator.definition_source})",
                                       className="text-muted")], className="small mb-1"))
    else:
        parts.append(html.P(t("no_definition", language), className="small text-muted mb-1"))
    parts += [html.P(f"{t('not_to_confuse', language, name=other.name)}: "
                     f"{pick(language, other.note_zh, other.note_en)}",
                     className="small text-muted mb-1") for other in indicator.not_to_confuse_with]
    return html.Div(parts, id="indicator-definition", className="mb-3")


clientside_callback(
    """
    function(region, year, method, language) {
        const params = new URLSearchParams();
        if (region) params.set('region', region);
        if (year) params.set('year', year);
        if (method && method !== 'escap') params.set('method', method);
        if (language === 'en') params.set('lang', 'en');
    """ + KEEP_VALUES_JS + """
        window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
        return window.dash_clientside.no_update;
    }
    """,
    Output("indicator-language", "title"),
    Input("indicator-region", "value"), Input("indicator-year", "value"),
    Input("indicator-method", "value"), Input("indicator-language", "children"),
)

register_switch("indicator")
