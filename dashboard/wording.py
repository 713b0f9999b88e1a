"""Targets, values and gaps worded for people: numbers without float noise, each with its
unit, a gap as 落后 / 超出 in the target's own direction (百分点 for a share's gap), a
milestone as 已完成 / 未完成. Pure functions of a status row's fields, for every page and
the briefing."""

from __future__ import annotations

import math

from dashboard.i18n import t
from indicators.units import SINGULAR_EN, parse_unit, quantity_label, unit_label

MILESTONE_UNIT = "done"
DECIMALS = 4  # at most this many decimals: a value's own precision, without float noise
# Kinds whose target is a level to hold (a range or an exact standard): a gap either way
# is off the target, neither ahead nor behind.
LEVEL_KINDS = frozenset({"range", "count_range", "equal"})


def missing(value: object) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float) -> str:
    """A value as written: 0.29000000000000004 -> "0.29", 71.0 -> "71", -0.0 -> "0"."""
    rounded = round(float(value), DECIMALS)
    text = f"{rounded:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def is_milestone(unit: str) -> bool:
    return str(parse_unit(unit)) == MILESTONE_UNIT


def with_unit(value: float, unit: str, language: str) -> str:
    """"71 %", "8.55 平方米/人"; a milestone's 1/0 as 完成 / 未完成."""
    if is_milestone(unit):
        return t("word_done" if value >= 1 else "word_not_done", language)
    return f"{number(value)} {quantity_label(value, unit, language)}"


def gap_unit(unit: str, language: str) -> str:
    """A difference of two shares is in percentage points (百分点; "points" in an English
    sentence), not percent."""
    if str(parse_unit(unit)) != "percent":
        return unit_label(unit, language)
    return "points" if language == "en" else unit_label("percentage_point", language)


def gap_words(gap: float | None, unit: str, direction: str, language: str,
              kind: str = "") -> str:
    """The gap (actual − target) for people: "落后 0.29 平方米/人", "超出 1.2 百分点";
    for a lower-is-better target a value above the ceiling is 落后; for a range or an exact
    standard, 高于 / 低于目标. Empty without a gap; 达标 when there is none."""
    if missing(gap):
        return ""
    amount = number(abs(float(gap)))  # type: ignore[arg-type]
    if amount == "0":
        return t("word_on_target", language)
    label = gap_unit(unit, language)
    if language == "en" and amount == "1":
        label = SINGULAR_EN.get(label, label.removesuffix("s") if label == "points" else label)
    text = f"{amount} {label}"
    if kind in LEVEL_KINDS:
        key = "word_above_target" if gap > 0 else "word_below_target"  # type: ignore[operator]
    else:
        ahead = (gap > 0) == (direction != "lower")  # type: ignore[operator]
        key = "word_ahead" if ahead else "word_behind"
    return t(key, language, amount=text)


def milestone_words(done: bool, actual_period: float | None, deadline: str,
                    language: str) -> str:
    """"已完成（2019年）" / "未完成（期限 2018-12）"."""
    if done and not missing(actual_period):
        return t("word_done_in", language, year=int(actual_period))  # type: ignore[arg-type]
    if done:
        return t("word_done", language)
    if deadline == "ongoing":
        return t("word_not_done_ongoing", language)
    return t("word_not_done_by", language, deadline=deadline)


def deadline_words(deadline: str, language: str) -> str:
    """"2018-12"; an ongoing target as 长期 / ongoing."""
    return t("word_ongoing", language) if deadline == "ongoing" else deadline


def target_words(kind: str, direction: str, value: float | None, lower: float | None,
                 upper: float | None, unit: str, language: str) -> str:
    """The target's bound with its unit: "≥ 100 %", "≤ 1 工作日", "80–100 %", "= 1 人"."""
    if kind in ("range", "count_range") and not missing(lower) and not missing(upper):
        return f"{number(lower)}–{number(upper)} {unit_label(unit, language)}"  # type: ignore[arg-type]
    if missing(value):
        return ""
    sign = "=" if kind == "equal" else ("≤" if direction == "lower" else "≥")
    return f"{sign} {with_unit(value, unit, language)}"  # type: ignore[arg-type]


def rate_words(rate: float | None) -> str:
    """A rate in %, rounded to a whole number; "—" when there is none."""
    return "—" if rate is None else f"{rate:.0f} %"
