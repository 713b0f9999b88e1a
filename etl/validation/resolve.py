"""Resolve periods, indicators and regions (names and codes as typed) to ids, per distinct value."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

import pandas as pd

from etl.bounded import refuse_unknown
from etl.layout import SKIPPED
from etl.names import RegionMatch, RegionNames, normalise, split_bracketed_unit
from etl.validation.context import Context
from etl.validation.distinct import Outcome, Resolved, per_distinct, spread
from etl.validation.entries import values
from etl.values import is_unit

RESOLVED_AS = {"period": "period_year", "indicator": "indicator_id", "region": "region_code",
               "value": "value_number"}
# "2018", "2018年", "2018年度", "2018.0" (a year Excel stored as a number)
PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:\.0+)?(?:年度|年)?$")
# A date stands for its year, as in an XLSX date cell: "2014/12/31", "2013-12-31", "2014年12月31日"
DATE_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:[-/.](?P<month>[0-9]{1,2})[-/.]|年(?P<month_zh>"
                         r"[0-9]{1,2})月)(?P<day>[0-9]{1,2})日?(?:(?:T)?00:00(?::00)?)?$")


def resolve(frame: pd.DataFrame, context: Context) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The frame with period, indicator_id, region_code and value resolved (None where not)."""
    resolved = frame.copy()
    problems: dict[str, pd.DataFrame] = {}
    # Period before region: a region's code depends on the year.
    for role, step in (("period", _period), ("indicator", _indicator), ("region", _region),
                       ("value", values)):
        results, extra, problems[role] = step(resolved, context)
        resolved[RESOLVED_AS[role]] = results
        for name, column in extra.items():
            resolved[name] = column
    # Within a row, problems in the order of the columns: region, indicator, period, value.
    return resolved, [problems[role] for role in ("region", "indicator", "period", "value")]


# --- periods ----------------------------------------------------------------------------------


def _period(frame: pd.DataFrame, context: Context) -> Resolved:
    outcomes = per_distinct(frame[["period"]], _parse_period)
    return spread(frame, outcomes, context.header("period"), frame["period"])


def _parse_period(text: str | None) -> Outcome:
    if text is None:
        return Outcome(None, "缺少年份", "missing period")
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = PERIOD.match(compact) or _date(compact)
    if match is None:
        return Outcome(None, f"年份“{text}”不合理：应为四位年份，如2018",
                       f"not a plausible period '{text}': expected a year such as 2018")
    return Outcome(int(match["year"]))


def _date(text: str) -> re.Match[str] | None:
    """A real calendar date such as 2014/12/31, whose year is the period."""
    match = DATE_PERIOD.match(text)
    if match is None:
        return None
    try:
        dt.date(int(match["year"]), int(match["month"] or match["month_zh"]), int(match["day"]))
    except ValueError:
        return None
    return match


# --- indicators -------------------------------------------------------------------------------


def _indicator(frame: pd.DataFrame, context: Context) -> Resolved:
    """The indicator of each row. A name may end in a bracketed unit, as a wide header does
    ("新增城市绿地面积（公顷）"): the unit applies to a value that gives none. With two indicator
    columns (a code and a name) both must name the same indicator."""
    names = context.indicator_names
    first, second = context.header("indicator"), context.header("indicator_2")

    def one(text: str, column: str, skip: bool = context.skip_unknown) -> Outcome:
        found = names.find(text)
        if found is not None:
            return Outcome(found)
        base, unit = split_bracketed_unit(text)
        found = names.find(base) if unit is not None and is_unit(unit) else None
        if found is not None:
            return Outcome(found, extra={"name_unit": unit})
        if skip and not names.known(text):
            # No suggestion is looked for: a skipped name costs one lookup, however many.
            return Outcome(None, f"未知指标“{text}”（不是本系统监测的指标），已跳过该行",
                           f"unknown indicator '{text}' (not one this system monitors); the "
                           "row was skipped", SKIPPED, column=column, shown=text)
        hint_zh, hint_en = names.hint(base)  # a spelling variant, or a name not to confuse
        return Outcome(None, f"未知指标“{text}”{hint_zh}", f"unknown indicator '{text}'{hint_en}",
                       column=column, shown=text)

    def resolve(text: str | None, other: str | None = None) -> Outcome:
        if text is None and other is None:
            return Outcome(None, "缺少指标", "missing indicator")
        if text is None or other is None:
            return one(text, first) if text is not None else one(str(other), second)
        mine, theirs = one(text, first), one(other, second)
        if SKIPPED in (mine.severity, theirs.severity) and (mine.result or theirs.result):
            # A row skipped only when it names no known indicator at all: one unknown beside
            # a known one is an error, as without skipping.
            mine, theirs = one(text, first, skip=False), one(other, second, skip=False)
        if mine.result is None or theirs.result is None:
            return mine if mine.result is None else theirs
        if mine.result == theirs.result:
            return Outcome(mine.result, extra={**theirs.extra, **mine.extra})
        label = {o.result: context.catalogue.indicators[o.result].name_zh
                 for o in (mine, theirs)}
        return _disagree(text, other, first, second, f"{label[mine.result]} {mine.result}",
                         f"{label[theirs.result]} {theirs.result}")

    keys = frame[["indicator", *(["indicator_2"] if "indicator_2" in frame else [])]]
    if not context.skip_unknown:
        _refuse_many_unknown(keys, names.known, "指标", "indicators")
    outcomes = per_distinct(keys, resolve)
    return spread(frame, outcomes, first, frame["indicator"])


def _disagree(text: str, other: str, first: str, second: str, meaning: str,
              other_meaning: str) -> Outcome:
    """Two columns that should name one thing name two."""
    return Outcome(
        None, f"“{first}”列的“{text}”（{meaning}）与“{second}”列的“{other}”（{other_meaning}）"
        "不一致，请核对",
        f"'{text}' ({meaning}) in column '{first}' and '{other}' ({other_meaning}) in column "
        f"'{second}' disagree; please check", column=second, shown=f"{text} / {other}")


# --- regions ----------------------------------------------------------------------------------


def _region(frame: pd.DataFrame, context: Context) -> Resolved:
    """The region code of each row. With two region columns (a code and a name, or a city and
    its county) both are resolved: the same region, or the more specific one when the other
    contains it; an error naming both when they disagree."""
    names = context.region_names
    first, second = context.header("region"), context.header("region_2")

    def outcome(match: RegionMatch, column: str, text: str) -> Outcome:
        return Outcome(match.code, match.problem_zh, match.problem_en, match.severity,
                       column=column, shown=text)

    def skipped(text: str | None, other: str | None) -> Outcome | None:
        """With skip_unknown, the row of a region the register does not know (全国, another
        province): no suggestion is looked for. A row that names a known region in its other
        region column is not skipped: an unknown name beside it is an error as without
        skipping."""
        given = [(column, name) for column, name in ((first, text), (second, other))
                 if name is not None]
        if not given or any(names.known(name) for _, name in given):
            return None
        column, name = given[0]
        return Outcome(None, f"未知地区“{name}”（不是本系统监测的地区），已跳过该行",
                       f"unknown region '{name}' (not one this system monitors); the row was "
                       "skipped", SKIPPED, column=column, shown=name)

    def resolve(year: int | None, text: str | None, other: str | None = None) -> Outcome:
        if text is None and other is None:
            return Outcome(None, "缺少地区", "missing region")
        if context.skip_unknown and (skip := skipped(text, other)) is not None:
            return skip
        if text is None or other is None:
            if text is not None:
                return outcome(names.resolve(text, year), first, text)
            return outcome(names.resolve(str(other), year), second, str(other))
        mine, theirs = names.resolve(text, year), names.resolve(other, year)
        both = names.reconcile(mine, theirs)
        if both is not None:
            return outcome(both, *((first, text) if both is mine else (second, other)))
        if mine.code is None:
            return outcome(mine, first, text)
        if theirs.code is None:
            return outcome(theirs, second, other)
        return _disagree(text, other, first, second, _region_label(text, mine, names),
                         _region_label(other, theirs, names))

    keys = pd.DataFrame({"year": frame["period_year"], "region": frame["region"]})
    if "region_2" in frame:
        keys["region_2"] = frame["region_2"]
    if not context.skip_unknown:
        _refuse_many_unknown(keys.drop(columns="year"), names.known, "地区", "regions")
    return spread(frame, per_distinct(keys, resolve), first, frame["region"])


def _refuse_many_unknown(columns: pd.DataFrame, known: Callable[[str], bool], what_zh: str,
                         what_en: str) -> None:
    """FileRejected past MAX_UNKNOWN_NAMES distinct unknown names, before any is looked up
    for a suggestion."""
    texts = pd.unique(columns.to_numpy(dtype=object).ravel())
    refuse_unknown([text for text in texts if isinstance(text, str) and not known(text)],
                   what_zh, what_en)


def _region_label(text: str, match: RegionMatch, names: RegionNames) -> str:
    """What a region text resolved to: the name of a code, the code of a name."""
    code = str(match.code)
    return names.name_of[code] if normalise(text).startswith(code) else code
