"""The region scorecard's parts: its counts, rate, rank among peers and change since the year
before, then its targets grouped by document, behind first, each worded for people."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard import wording
from dashboard.components import href, status_badge
from dashboard.figures import sparkline_spec
from dashboard.i18n import pick, t
from dashboard.values_switch import chosen_view
from dashboard.wording import deadline_words, is_milestone, missing
from indicators.statuses import Status
from indicators.summary import Tally, changes, ranks, tally

# Within a document: behind first, then not yet due, then met; no data collapsed at the end.
ORDER = {Status.MISSED: 0, Status.OFF_TRACK: 1, Status.AT_RISK: 2, Status.ON_TRACK: 3,
         Status.MET_LATE: 4, Status.MET: 5, Status.NO_DATA: 6}
NAMED = 5  # targets named in the change since the year before; the others counted
RANKED_LEVELS = {"prefecture": "peers_prefecture", "county": "peers_county"}


# --- the summary at the top -------------------------------------------------------------

def summary(code: str, year: int, rows: pd.DataFrame, language: str) -> html.Div:
    """Counts by status, the rate and what it counts, the rank among peers, the change."""
    counted = tally(rows)
    return html.Div([
        html.Div(_count_cards(counted, language), className="scorecard-counts"),
        html.Div([_rate(counted, language), _rank(code, year, language, counted)],
                 className="scorecard-rate-rank"),
        _change(code, year, rows, language),
    ], id="region-summary", className="scorecard-summary mb-3")


def _count_cards(counted: Tally, language: str) -> list[html.Div]:
    counts = counted.counts
    late = counts[Status.MET_LATE]
    not_due = {status.value: int(n) for status, n in _not_yet_due_counts(counted).items()}
    cards = [
        ("met", "scorecard_met", counted.met,
         t("scorecard_met_late_part", language, count=late) if late else ""),
        ("missed", "scorecard_missed", counts[Status.MISSED], ""),
        ("due-no-data", "scorecard_due_no_data", counted.due_without_data, ""),
        ("not-yet-due", "scorecard_not_yet_due", counted.not_yet_due,
         t("scorecard_not_yet_due_parts", language, **not_due) if counted.not_yet_due else ""),
    ]
    return [html.Div([html.Div(t(label, language), className="count-label"),
                      html.Div(str(value), className="count-value",
                               id=f"region-count-{name}"),
                      html.Div(detail, className="count-detail") if detail else None],
                     className=f"scorecard-count scorecard-{name}")
            for name, label, value, detail in cards]


def _not_yet_due_counts(counted: Tally) -> dict[Status, int]:
    """Targets not yet due by status: every due one has a verdict or no data."""
    due_no_data = counted.due_without_data
    return {Status.ON_TRACK: counted.counts[Status.ON_TRACK],
            Status.AT_RISK: counted.counts[Status.AT_RISK],
            Status.OFF_TRACK: counted.counts[Status.OFF_TRACK],
            Status.NO_DATA: counted.counts[Status.NO_DATA] - due_no_data}


def _rate(counted: Tally, language: str) -> html.Div:
    note = (t("scorecard_rate_note", language, due=counted.due_with_verdict, met=counted.met)
            if counted.rate is not None else t("scorecard_rate_none", language))
    return html.Div([html.Div(t("scorecard_rate", language), className="count-label"),
                     html.Div(wording.rate_words(counted.rate), className="count-value",
                              id="region-rate"),
                     html.Div(note, className="count-detail")], className="scorecard-rate")


def sparse(counted: Tally) -> bool:
    """Whether fewer than half the due targets have a verdict: a rate and a rank on so few
    say little, and the page says so beside them."""
    return counted.due > 0 and counted.due_with_verdict * 2 < counted.due


def _rank(code: str, year: int, language: str, counted: Tally) -> html.Div | None:
    """The region's rank by rate among the regions of its level valid that year."""
    source = chosen_view()
    level = str(source.regions.at[code, "level"])
    if level not in RANKED_LEVELS:
        return None
    table = source.cached(("region-ranks", year, level), lambda: _ranks(year, level))
    mine = table[table["region_code"] == code]
    peers = t(RANKED_LEVELS[level], language)
    if mine.empty or pd.isna(mine["rank"].iloc[0]):
        text = t("scorecard_no_rank", language)
    else:
        text = t("scorecard_rank_value", language, rank=int(mine["rank"].iloc[0]),
                 total=len(table), peers=peers)
    caveat = (html.Div(t("scorecard_sparse", language, count=counted.due_with_verdict,
                         due=counted.due), className="count-detail text-danger",
                       id="region-rank-caveat") if sparse(counted) else None)
    return html.Div([html.Div(t("scorecard_rank", language), className="count-label"),
                     html.Div(text, className="count-value", id="region-rank"), caveat],
                    className="scorecard-rank")


def _ranks(year: int, level: str) -> pd.DataFrame:
    source = chosen_view()
    return ranks(source.status(year), source.reference.register.at_level(level, year))


def _change(code: str, year: int, rows: pd.DataFrame, language: str) -> html.Div:
    source = chosen_view()
    colon = "：" if language == "zh" else ": "
    title = html.Span(t("scorecard_change", language) + colon, className="fw-semibold")
    if year - 1 not in source.years():
        return html.Div([title, t("scorecard_no_previous", language)], id="region-change")
    changed = changes(rows, source.status_of(year - 1, region_code=code))
    parts: list[object] = [title]
    for kind in ("newly_met", "newly_missed"):
        chosen = changed[changed["change"] == kind]
        if chosen.empty:
            continue
        named = "、" if language == "zh" else "; "
        names = [t("scorecard_named", language, name=_name(row, language),
                   deadline=deadline_words(str(row.deadline), language))
                 for row in chosen.itertuples()]
        more = (t("scorecard_and_more", language, count=len(names) - NAMED)
                if len(names) > NAMED else "")
        parts.append(html.Div([
            html.Span(t(f"scorecard_{kind}", language, count=len(chosen)),
                      className=f"scorecard-{kind.replace('_', '-')}"), colon,
            named.join(names[:NAMED]) + more], className="small"))
    if len(parts) == 1:
        parts.append(t("scorecard_no_change", language))
    return html.Div(parts, id="region-change", className="scorecard-change")


# --- the targets by document ------------------------------------------------------------

CARD_COLUMNS = ["region_code", "indicator_id", "indicator_zh", "indicator_en", "target_id",
                "document", "status", "unit", "kind", "direction", "deadline", "deadline_year",
                "as_of_year", "clause", "target_value", "target_lower", "target_upper",
                "actual", "actual_period", "stale", "gap", "anticipated"]


def by_document(rows: pd.DataFrame, series: dict[str, pd.DataFrame], language: str,
                year: int) -> html.Div:
    """A section per document (its title and counts), behind first, no data collapsed."""
    source = chosen_view()
    documents = source.reference.catalogue.documents
    # Only the columns a card reads, as plain values: going row by row through the held
    # table's forty columns, categorical ones among them, cost most of the page.
    used = rows[[column for column in CARD_COLUMNS if column in rows]]
    plain = used.astype({column: object for column, dtype in used.dtypes.items()
                         if isinstance(dtype, pd.CategoricalDtype)})
    ordered = plain.assign(_order=plain["status"].map(ORDER)).sort_values(
        ["_order", "deadline_year", "target_id"], kind="stable")
    sections = []
    for number, document in documents.items():
        mine = ordered[ordered["document"] == number]
        if mine.empty:
            continue
        counted = tally(mine)
        no_data = mine[mine["status"] == Status.NO_DATA]
        shown = mine[mine["status"] != Status.NO_DATA]
        sections.append(html.Section([
            html.H3(pick(language, document.title_zh, document.title_en),
                    className="h6 mb-1 scorecard-document-title"),
            html.Div(t("scorecard_document_counts", language, met=counted.met,
                       missed=counted.counts[Status.MISSED], not_yet_due=counted.not_yet_due,
                       no_data=counted.due_without_data),
                     className="small text-muted mb-2"),
            *[_target(row, series, language, year) for row in shown.itertuples()],
            html.Details([
                html.Summary(t("scorecard_no_data_targets", language, count=len(no_data))),
                *[_target(row, series, language, year) for row in no_data.itertuples()],
            ], className="scorecard-no-data") if len(no_data) else None,
        ], className="scorecard-document mb-4"))
    return html.Div(sections, id="region-targets")


def _name(row: Any, language: str) -> str:
    return pick(language, str(row.indicator_zh), str(row.indicator_en))


def _target(row: Any, series: dict[str, pd.DataFrame], language: str,
            year: int) -> html.Div:
    values = series.get(str(row.indicator_id))
    link = dcc.Link(_name(row, language), href=href(
        f"/indicator/{row.indicator_id}", language, region=row.region_code, year=year))
    trend = (dcc.Graph(figure=sparkline_spec(values, str(row.status)),
                       config={"staticPlot": True}, className="sparkline")
             if values is not None and len(values) > 1 and not is_milestone(str(row.unit))
             else None)
    # A milestone not done names its deadline in its words already.
    done_words = is_milestone(str(row.unit)) and row.actual == row.actual and row.actual < 1
    deadline = (t("word_ongoing", language) if str(row.deadline) == "ongoing"
                else t("scorecard_deadline", language, deadline=str(row.deadline)))
    where = " · ".join(([] if done_words else [deadline])
                       + [t("scorecard_clause", language, clause=row.clause)])
    mark = (html.Span(t("not_accepted", language), className="not-accepted-mark ms-1")
            if _not_accepted(values, row.actual_period) else None)
    return html.Div([
        html.Div([html.Div([status_badge(str(row.status), language), " ",
                            html.Span(link, className="fw-semibold")]),
                  html.Div([html.Span(facts(row, language), className="region-target-facts"),
                            mark,
                            html.Span(where, className="small text-muted region-target-where")],
                           className="region-target-line")],
                 className="region-target-text"),
        html.Div(trend, className="region-target-trend") if trend else None,
    ], className=f"region-target status-{row.status}")


def _not_accepted(values: pd.DataFrame | None, period: object) -> bool:
    """Whether the value a status rests on (its year's, in the all values view) is not the
    accepted one: the region page marks its values with `not_accepted`."""
    if values is None or "not_accepted" not in values or missing(period):
        return False
    return bool(values.loc[values["period"] == period, "not_accepted"].any())


def facts(row: Any, language: str) -> str:
    """Target, actual (with its year) and gap of a status row, worded: "目标 ≥ 100 % · 实际
    71 %（2018年） · 落后 29 百分点"; a milestone as "已完成（2019年）"."""
    unit, actual = str(row.unit), row.actual
    if is_milestone(unit):
        if missing(actual):
            return ""
        return wording.milestone_words(actual >= 1, row.actual_period, str(row.deadline),
                                       language)
    parts = []
    target = wording.target_words(str(row.kind), str(row.direction), row.target_value,
                                  row.target_lower, row.target_upper, unit, language)
    if target:
        parts.append(t("scorecard_target", language, value=target))
    if not missing(actual):
        value = wording.with_unit(actual, unit, language)
        actual_text = t("scorecard_actual", language, value=value, year=int(row.actual_period))
        parts.append(actual_text + (f" · {t('stale', language)}" if row.stale else ""))
    gap = wording.gap_words(row.gap, unit, str(row.direction), language, str(row.kind))
    if gap:
        parts.append(gap)
    if not missing(row.anticipated):
        anticipated = wording.with_unit(row.anticipated, unit, language)
        parts.append(f"{t('anticipated', language)} {anticipated}")
    return " · ".join(parts)
