"""What the one-page briefing says, worked out from status tables: pure text and numbers,
no drawing (dashboard/briefing.py lays it out)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import kind_key, pick, t
from indicators.reference import Reference
from indicators.statuses import Status
from indicators.summary import Tally, changes, furthest_behind, ranks, tally
from indicators.units import quantity_label, unit_label

PROVINCE = "220000"
BEHIND_COUNT = 8
PERCENT_UNITS = frozenset({"percent", "percentage_point"})
LEVEL_KEYS = {"prefecture": "brief_level_prefecture", "county": "brief_level_county"}
NOT_YET_DUE = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)


@dataclass(frozen=True)
class BehindLine:
    """One target furthest behind, in words: no ids, every value with its unit."""

    indicator: str
    actual: str
    target: str
    gap: str
    source: str


@dataclass(frozen=True)
class BriefingContent:
    """Everything the page says, in one language."""

    title: str
    as_of: str | None
    label: str | None
    counts: list[tuple[str, int, Status]]  # (what is counted, how many, the status it is
    # drawn in), in reading order
    not_yet_due: str | None  # the not-yet-due targets by status, one line
    rate: str
    standing: str | None  # rank among peers (regions) or None (the province)
    change: str
    peers: list[tuple[str, str, str]]  # the province: (division, rate, met / with verdict)
    behind: list[BehindLine]
    note: str


def briefing_content(status_now: pd.DataFrame, status_before: pd.DataFrame | None,
                     reference: Reference, region_code: str, year: int, language: str,
                     label: str | None = None, data_as_of: int | None = None,
                     not_accepted: frozenset[tuple[str, int]] | None = None,
                     ) -> BriefingContent:
    """The briefing of one region (or the province, 220000) for `year`, from the whole
    year's status tables of `year` and `year - 1`. `not_accepted`: in the all values view,
    the (indicator, period) of the region's values not yet accepted, each marked, and the
    note says so; None (the accepted values, the default) says nothing."""
    rows = status_now[status_now["region_code"] == region_code]
    counted = tally(rows)
    as_of = data_as_of if data_as_of is not None else _latest_period(rows)
    regions = reference.register.regions.set_index("code")
    name = pick(language, regions.at[region_code, "name_zh"], regions.at[region_code, "name_en"])
    is_province = region_code == PROVINCE
    return BriefingContent(
        title=t("brief_title", language, region=name, year=year),
        as_of=None if as_of is None else t("data_as_of", language, year=as_of),
        label=label,
        counts=_counts(counted, language),
        not_yet_due=_not_yet_due(rows, language),
        rate=_rate(counted, language),
        standing=None if is_province else _standing(status_now, reference, region_code, year,
                                                     language),
        change=_change(rows, status_before, region_code, year, language),
        peers=_peers(status_now, reference, year, language) if is_province else [],
        behind=[_behind_line(row, language, not_accepted or frozenset())
                for _, row in furthest_behind(rows, BEHIND_COUNT).iterrows()],
        note=f"{t('briefing_accepted_values', language)} {t('brief_note', language)}"
        if not_accepted is None
        else f"{t('briefing_all_values', language)} {t('brief_note', language)}")


def _latest_period(rows: pd.DataFrame) -> int | None:
    periods = rows["actual_period"].dropna()
    return int(periods.max()) if len(periods) else None


def _counts(counted: Tally, language: str) -> list[tuple[str, int, Status]]:
    return [(t("brief_count_met", language), counted.met, Status.MET),
            (t(Status.MET_LATE, language), counted.counts[Status.MET_LATE], Status.MET_LATE),
            (t(Status.MISSED, language), counted.counts[Status.MISSED], Status.MISSED),
            (t("brief_count_due_no_data", language), counted.due_without_data, Status.NO_DATA),
            (t("brief_count_not_yet_due", language), counted.not_yet_due, Status.ON_TRACK)]


def _not_yet_due(rows: pd.DataFrame, language: str) -> str | None:
    """The targets not yet due by status: "未到期：进展顺利 3，有风险 1"."""
    later = tally(rows[rows["deadline_year"] > rows["as_of_year"]])
    parts = [f"{t(status, language)} {later.counts[status]}" for status in NOT_YET_DUE
             if later.counts[status]]
    if not parts:
        return None
    return t("brief_not_yet_due", language, parts=t("brief_list_separator", language)
             .join(parts))


def _rate(counted: Tally, language: str) -> str:
    if counted.rate is None:
        return t("brief_rate_none", language)
    return t("brief_rate", language, rate=f"{counted.rate:.0f}%", met=counted.met,
             verdict=counted.due_with_verdict, late=counted.counts[Status.MET_LATE])


def _standing(status_now: pd.DataFrame, reference: Reference, region_code: str, year: int,
              language: str) -> str | None:
    """Its rank among the regions of its register level (prefecture, county) that held at
    the end of the year, as the region page ranks it."""
    register = reference.register
    level = register.regions.set_index("code").at[region_code, "level"]
    if level not in LEVEL_KEYS:
        return None
    peers = register.at_level(level, year)
    ranked = ranks(status_now, peers).set_index("region_code")
    rank = ranked.at[region_code, "rank"]
    if pd.isna(rank):
        return t("brief_rank_none", language)
    return t("brief_rank", language, rank=int(rank), peers=len(peers),
             level=t(LEVEL_KEYS[level], language))


def _change(rows: pd.DataFrame, status_before: pd.DataFrame | None, region_code: str,
            year: int, language: str) -> str:
    if status_before is None or status_before.empty:
        return t("brief_change_none", language, year=year - 1)
    before = status_before[status_before["region_code"] == region_code]
    changed = changes(rows, before)["change"]
    return t("brief_change", language, year=year - 1,
             met=int((changed == "newly_met").sum()),
             missed=int((changed == "newly_missed").sum()))


def _peers(status_now: pd.DataFrame, reference: Reference, year: int,
           language: str) -> list[tuple[str, str, str]]:
    """The nine prefecture-level divisions' rates, best first."""
    regions = reference.register.regions.drop_duplicates("code").set_index("code")
    lines = []
    for row in ranks(status_now, reference.register.at_level("prefecture", year)).itertuples():
        name = pick(language, regions.at[row.region_code, "name_zh"],
                    regions.at[row.region_code, "name_en"])
        rate = "—" if pd.isna(row.rate) else f"{row.rate:.0f}%"
        lines.append((name, rate, f"{row.met} / {row.due_with_verdict}"))
    return lines


def _behind_line(row: pd.Series, language: str,
                 not_accepted: frozenset[tuple[str, int]]) -> BehindLine:
    actual = _actual(row, language)
    if not pd.isna(row["actual_period"]) and (
            str(row["indicator_id"]), int(row["actual_period"])) in not_accepted:
        actual = f"{actual} ({t('not_accepted', language)})"
    return BehindLine(
        indicator=pick(language, row["indicator_zh"], row["indicator_en"]),
        actual=actual, target=_target(row, language),
        gap=_gap(row, language), source=f"{row['document']} {row['clause']}")


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _actual(row: pd.Series, language: str) -> str:
    if pd.isna(row["actual"]):
        return t(Status.NO_DATA, language)
    if row["kind"] == "milestone":
        return t("brief_done" if row["actual"] >= 1 else "brief_not_done", language)
    value = f"{_number(row['actual'])} {quantity_label(row['actual'], row['unit'], language)}"
    if pd.isna(row["actual_period"]):
        return value
    return t("brief_actual", language, value=value, period=int(row["actual_period"]))


def _target(row: pd.Series, language: str) -> str:
    if row["kind"] == "milestone" and row["deadline"] == "ongoing":
        return _deadline(row, language)
    if row["kind"] == "milestone":
        return t("brief_milestone_target", language, deadline=row["deadline"])
    lower, upper = row["target_lower"], row["target_upper"]
    if not pd.isna(lower) and not pd.isna(upper) and lower != upper:
        amount = f"{_number(lower)}–{_number(upper)}"
    else:
        amount = _number(row["target_value"])
    return t("brief_target", language, kind=t(kind_key(row["kind"]), language), amount=amount,
             unit=unit_label(row["unit"], language), deadline=_deadline(row, language))


def _deadline(row: pd.Series, language: str) -> str:
    """2018-12; an ongoing task is due every year."""
    if row["deadline"] == "ongoing":
        return t("brief_ongoing", language, year=int(row["deadline_year"]))
    return str(row["deadline"])


def _gap(row: pd.Series, language: str) -> str:
    """How far off, worded for people: 落后 29 百分点; for a lower-is-better target a
    positive gap is 超出 (over the ceiling)."""
    gap = row["gap"]
    if row["kind"] == "milestone" or pd.isna(gap) or gap == 0:
        return "—"  # a milestone not done says so as its value
    unit = "percentage_point" if row["unit"] in PERCENT_UNITS else row["unit"]
    if gap > 0:
        key = "brief_gap_over"
    else:
        key = "brief_gap_under" if row["direction"] == "lower" else "brief_gap_behind"
    return t(key, language, amount=_number(abs(gap)), unit=unit_label(unit, language))
