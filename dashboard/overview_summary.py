"""The overview's first screen: the year's result by document and by prefecture, what changed
since the year before and the targets furthest behind, counted by indicators.summary."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.components import href
from dashboard.figures import STATUS_COLOURS, STATUS_SYMBOLS
from dashboard.i18n import t
from indicators.statuses import Status
from indicators.summary import Tally, changes, furthest_behind, tallies, tally
from indicators.units import quantity_label

CHANGES_LISTED = 5  # of each kind
BEHIND_LISTED = 10


def short_name(name: str, limit: int = 12, language: str = "zh") -> str:
    """A name cut to `limit` characters (twice as many in English, whose letters are half as
    wide): before a bracketed aside, else with an ellipsis."""
    limit = 2 * limit if language == "en" else limit
    for bracket in ("（", " ("):
        if bracket in name and name.index(bracket) > 2:
            name = name[:name.index(bracket)]
    return name if len(name) <= limit else name[:limit - 1] + "…"


def segments(counted: Tally) -> list[tuple[str, int]]:
    """The parts of a bar, due first: met on time, met late, missed, due without data, then
    not yet due: on track, at risk, off track, other."""
    late = counted.counts[Status.MET_LATE]
    missed = counted.due_with_verdict - counted.met
    trend = [counted.counts[s] for s in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)]
    return [("met", counted.met - late), ("met_late", late), ("missed", missed),
            ("due_no_data", counted.due_without_data), ("on_track", trend[0]),
            ("at_risk", trend[1]), ("off_track", trend[2]),
            ("not_due_other", max(counted.not_yet_due - sum(trend), 0))]


SEGMENT_COLOURS = {"met": STATUS_COLOURS[Status.MET], "met_late": STATUS_COLOURS[Status.MET_LATE],
                   "missed": STATUS_COLOURS[Status.MISSED], "due_no_data": "#BBBBBB",
                   "on_track": STATUS_COLOURS[Status.ON_TRACK],
                   "at_risk": STATUS_COLOURS[Status.AT_RISK],
                   "off_track": STATUS_COLOURS[Status.OFF_TRACK], "not_due_other": "#E4E4E4"}


def rate_text(counted: Tally) -> str:
    """"80% (8/10)": met over due targets with a verdict; "—" when none has one."""
    if counted.rate is None:
        return "—"
    return f"{counted.rate:.0f}% ({counted.met}/{counted.due_with_verdict})"


def counts_text(counted: Tally, language: str) -> str:
    """The counts with status symbols: due first, then not yet due."""
    late = counted.counts[Status.MET_LATE]
    met = f"{STATUS_SYMBOLS[Status.MET]}{counted.met}"
    if late:
        met += t("ov_of_which_late", language, count=late)
    due = (f"{met} {STATUS_SYMBOLS[Status.MISSED]}{counted.due_with_verdict - counted.met}"
           f" {STATUS_SYMBOLS[Status.NO_DATA]}{counted.due_without_data}")
    if not counted.not_yet_due:  # a year past every deadline: nothing to say of the rest
        return due
    trend = " ".join(f"{STATUS_SYMBOLS[s]}{counted.counts[s]}"
                     for s in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK))
    return t("ov_counts_line", language, due=due, not_due=counted.not_yet_due, trend=trend)


def summary_row(label: str, full: str, link: str, counted: Tally, language: str,
                row_id: str) -> html.Div:
    """One row: the name (a link, the full name on hover), a stacked bar, counts and rate."""
    total = max(sum(n for _key, n in segments(counted)), 1)
    bar = [html.Span(className=f"ov-seg ov-seg-{key}", title=t(f"ov_seg_{key}", language),
                     style={"width": f"{100 * n / total:.2f}%",
                            "backgroundColor": SEGMENT_COLOURS[key]})
           for key, n in segments(counted) if n]
    return html.Div([
        html.A(label, href=link, title=full, className="ov-name"),
        html.Div(bar, className="ov-bar"),
        html.Div(counts_text(counted, language), className="ov-counts"),
        html.Div(rate_text(counted), className="ov-rate",
                 title=t("ov_rate_help", language)),
    ], className="ov-row", id=row_id)


def header_row(first: str, language: str) -> html.Div:
    return html.Div([html.Span(first, className="ov-name"),
                     html.Span(t("ov_bar_head", language), className="ov-bar-head"),
                     html.Span(t("ov_counts_head", language), className="ov-counts"),
                     html.Span(t("ov_rate_head", language), className="ov-rate")],
                    className="ov-row ov-head")


def by_document(status: pd.DataFrame, documents: dict[str, object], year: int,
                language: str) -> html.Div:
    """A row per document, in catalogue order, each linking to the grid of that document."""
    rows = [header_row(t("document", language), language)]
    counts = tallies(status, "document")  # one pass over the year's rows
    for position, (number, document) in enumerate(documents.items()):
        counted = counts.get(number) or tally(status.iloc[:0])
        full = f"{document.title_en if language == 'en' else document.title_zh} · {number}"
        rows.append(summary_row(document.short(language), full,  # type: ignore[attr-defined]
                                href("/", language, year=year, document=number), counted,
                                language, f"overview-document-row-{position}"))
    return html.Div(rows, className="ov-table", id="overview-by-document")


def by_prefecture(status: pd.DataFrame, prefectures: dict[str, str], year: int,
                  language: str) -> html.Div:
    """A row per prefecture-level division (its own targets), each linking to its page."""
    rows = [header_row(t("ov_prefecture", language), language)]
    counts = tallies(status[status["region_code"].isin(list(prefectures))], "region_code")
    for position, (code, name) in enumerate(prefectures.items()):
        counted = counts.get(code) or tally(status.iloc[:0])
        rows.append(summary_row(name, name, href(f"/region/{code}", language, year=year),
                                counted, language, f"overview-prefecture-row-{position}"))
    return html.Div(rows, className="ov-table", id="overview-by-prefecture")


def changed(now: pd.DataFrame, before: pd.DataFrame | None, year: int,
            language: str) -> html.Div:
    """Counts of newly met and newly missed since the year before, and a few of each."""
    if before is None:
        return html.Div(html.P(t("ov_no_previous", language), className="text-muted small"),
                        id="overview-changes")
    # One line per region and indicator: an indicator's several targets often change together.
    found = changes(now, before).drop_duplicates(["region_code", "indicator_id", "change"])
    parts: list[object] = []
    for kind in ("newly_met", "newly_missed"):
        rows = found[found["change"] == kind]
        parts.append(html.H3(t(f"ov_{kind}", language, count=len(rows), before=year - 1),
                             className=f"h6 ov-{kind}"))
        parts.append(html.Ul([_target_item(row, year, language)
                              for row in rows.head(CHANGES_LISTED).itertuples()],
                             className="ov-list"))
    return html.Div(parts, id="overview-changes")


def _target_item(row: object, year: int, language: str) -> html.Li:
    region = getattr(row, "region_en" if language == "en" else "region_zh")
    indicator = str(getattr(row, "indicator_en" if language == "en" else "indicator_zh"))
    link = href(f"/indicator/{row.indicator_id}", language,  # type: ignore[attr-defined]
                region=row.region_code, year=year)  # type: ignore[attr-defined]
    return html.Li(html.A(f"{region} · {short_name(indicator, 16, language)}", href=link,
                          title=indicator))


def behind(status: pd.DataFrame, year: int, language: str) -> html.Div:
    """The ten targets furthest behind, each a link to its indicator for its region."""
    rows = furthest_behind(status, BEHIND_LISTED)
    if rows.empty:
        return html.Div(html.P(t("ov_none_behind", language), className="text-muted small"),
                        id="overview-behind")
    items = []
    for row in rows.itertuples():
        region = getattr(row, "region_en" if language == "en" else "region_zh")
        indicator = str(getattr(row, "indicator_en" if language == "en" else "indicator_zh"))
        link = href(f"/indicator/{row.indicator_id}", language, region=row.region_code,
                    year=year)
        items.append(html.Li([
            html.A(f"{region} · {short_name(indicator, 18, language)}", href=link, title=indicator),
            html.Span(f" {STATUS_SYMBOLS[str(row.status)]} " + behind_phrase(row, language),
                      className="ov-gap")]))
    return html.Div(html.Ol(items, className="ov-list"), id="overview-behind")


def amount(value: object, unit: str, language: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if unit == "done":
        return t("ov_done" if value else "ov_not_done", language)
    return f"{float(value):,.4g} {quantity_label(float(value), unit, language)}".strip()


def behind_phrase(row: object, language: str) -> str:
    """"实际 71 % · 目标 90 % · 落后 19 百分点": the gap worded by direction, percentage
    points for percentages."""
    unit = str(row.unit)  # type: ignore[attr-defined]
    actual = amount(row.actual, unit, language)  # type: ignore[attr-defined]
    target = amount(row.target_value, unit, language)  # type: ignore[attr-defined]
    text = t("ov_actual_target", language, actual=actual, target=target)
    gap = row.gap  # type: ignore[attr-defined]
    if unit == "done" or gap is None or pd.isna(gap):
        return text
    gap_unit = "percentage_point" if unit == "percent" else unit
    key = "ov_over_by" if row.direction == "lower" else "ov_short_by"  # type: ignore[attr-defined]
    return f"{text} · " + t(key, language, amount=amount(abs(float(gap)), gap_unit, language))
