"""Resolve values and their units to numbers in the indicator's unit, per distinct entry."""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.schema import revision
from etl.validation.context import Context
from etl.validation.distinct import Outcome, Resolved, column_or_none, per_distinct, spread
from etl.values import (
    MAX_MAGNITUDE,
    clean,
    factor_to,
    is_percent,
    is_unit,
    parse_value,
    same_unit,
    total_for,
    unit_of,
)
from indicators.catalogue import Indicator
from indicators.units import UnitError, unit_label

# A cell quoted in a message is cut to this many characters (a 400-digit "number").
SHOWN_CHARS = 30
# The longest value and unit text the store keeps as entered (PostgreSQL refuses longer).
VALUE_CHARS = revision.c.value_entered.type.length
UNIT_CHARS = revision.c.unit_entered.type.length
# A number as a program writes it: no sign but minus, no separators, no unit, no exponent.
PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
# Totals that sources are known to print for a per-something figure, by the dimensions of the
# unit given and of the indicator's unit: an area per person printed as an area (延吉市's
# 人均公园绿地面积 "从去年12.69公顷增长到12.71公顷", a 2023 speech on ybrd.gov.cn).
KNOWN_MISPRINTS = frozenset({
    ("[length] ** 2", "[length] ** 2 / [person]"),  # 公顷 or 平方米 for 平方米/人
})


def values(frame: pd.DataFrame, context: Context) -> Resolved:
    """The value of each row in its indicator's unit, with unit_entered and unit_given."""
    def resolve(text: str | None, unit: str | None, indicator_id: str | None,
                name_unit: str | None) -> Outcome:
        if text is None:
            return Outcome(None, "缺少数值", "missing value")
        if indicator_id is None:
            return Outcome(None)  # the indicator's own problem says it all
        if len(text) > VALUE_CHARS:
            return _too_long(text, VALUE_CHARS, "数值", "value")
        return _parse_entry(text, unit, context.catalogue.indicators[indicator_id],
                            indicator_id in context.milestones, name_unit)

    keys = frame[["value", "unit", "indicator_id"]].assign(
        name_unit=column_or_none(frame, "name_unit"))
    plain = _plain_values(keys, context)
    rest = frame.drop(index=plain.index)
    distinct = per_distinct(keys.drop(index=plain.index), resolve)
    results, extras, problems = spread(rest, distinct, "", rest["value"],
                                       kind=(context.header("value"), context.header("value")))
    placed = problems["uid"].notna()
    problems.loc[placed, "column"] = frame.loc[problems.loc[placed, "uid"].astype(int),
                                               "column"].to_numpy()
    extras = {name: pd.concat([plain[name].astype(object), extras.get(name)]).reindex(frame.index)
              for name in ("unit_entered", "unit_given")}
    results = pd.concat([plain["value_number"].astype(object), results]).reindex(frame.index)
    return results, extras, problems


def unit(cell_unit: str | None, text: str, unit_text: str | None, name_unit: str | None,
         indicator: Indicator) -> Outcome:
    """The unit a value was entered in and its factor to the indicator's unit, or the problem
    with it: the unit typed in the cell (`cell_unit`), else the unit column (or the value
    header), else the one bracketed in the indicator's name, else the indicator's own.
    `unit_given` says whether a small rate (0.26) means what it says: its unit was typed in
    the cell, or is not plain percent (‰, 元/百元). Both the plain and the careful path take
    their units from here, so that a row gives the same whichever path reads it."""
    column_unit = clean(unit_text) if unit_text else None
    longest = max(len(column_unit or ""), len(cell_unit or ""), len(name_unit or ""))
    if longest > UNIT_CHARS:
        return _too_long(max(column_unit or "", cell_unit or "", name_unit or "", key=len),
                         UNIT_CHARS, "单位", "unit")
    if column_unit and not is_unit(column_unit):
        return Outcome(None, f"单位“{unit_text}”无法识别", f"unknown unit '{unit_text}'")
    if cell_unit and column_unit and not same_unit(cell_unit, column_unit):
        return Outcome(None, f"数值“{text}”的单位“{cell_unit}”与单位列的“{unit_text}”不一致",
                       f"the unit '{cell_unit}' of '{text}' disagrees with the unit column "
                       f"'{unit_text}'")
    entered = cell_unit or column_unit or name_unit
    try:
        factor = factor_to(entered or indicator.unit, indicator.unit)
    except UnitError:
        return _unconvertible(str(entered), indicator)
    given = cell_unit is not None or (entered is not None and not is_percent(entered))
    return Outcome(factor, extra={"unit_entered": entered, "unit_given": given})


def _plain_values(keys: pd.DataFrame, context: Context) -> pd.DataFrame:
    """The rows whose value is a plain number with a usable unit, resolved column-wise:
    what `_parse_entry` gives them, without parsing millions of cells one by one. Every other
    row (units in the cell, 万, 是/否, typos, a unit with a problem) goes through
    `_parse_entry`, which also words the problems."""
    text = keys["value"].astype("str")
    plain = text.str.fullmatch(PLAIN_NUMBER).fillna(False).astype(bool) & \
        keys["indicator_id"].notna() & (text.str.len() <= VALUE_CHARS)
    rows = keys[plain.to_numpy()]
    units = per_distinct(rows[["unit", "indicator_id", "name_unit"]],
                         lambda unit_text, indicator_id, name_unit: _plain_unit(
                             unit_text, context.catalogue.indicators[indicator_id],
                             name_unit))
    factor = units.column(lambda o: o.result).astype(float)
    raw = text[plain].astype(float).to_numpy()
    number = raw * factor
    usable = np.isfinite(number) & (np.abs(raw) < MAX_MAGNITUDE)
    return pd.DataFrame({
        "value_number": number[usable],
        "unit_entered": units.column(lambda o: o.extra.get("unit_entered"))[usable],
        "unit_given": units.column(lambda o: o.extra.get("unit_given"))[usable],
    }, index=rows.index[usable])


def _plain_unit(unit_text: str | None, indicator: Indicator, name_unit: str | None) -> Outcome:
    """For a plain number: its unit, whose result is the factor, or NaN when the unit has a
    problem (`_parse_entry` words it)."""
    found = unit(None, "", unit_text, name_unit, indicator)
    return Outcome(np.nan) if found.problem_zh is not None else found


def _parse_entry(text: str, unit_text: str | None, indicator: Indicator, milestone: bool,
                 name_unit: str | None = None) -> Outcome:
    """A value as typed, in the indicator's unit (its unit as `unit` finds it)."""
    parsed = parse_value(text, milestone)
    if parsed.problem == "not_a_number":
        return _not_a_number(text, milestone)
    if parsed.problem == "scientific":
        return _scientific(text)
    if parsed.problem == "unknown_unit":
        return Outcome(None, f"“{text}”中的单位“{parsed.bad_unit}”无法识别",
                       f"unknown unit '{parsed.bad_unit}' in '{text}'")
    found = unit(parsed.unit, text, unit_text, name_unit, indicator)
    if found.problem_zh is not None:
        return found
    number = float(parsed.number or 0.0) * found.result
    if not np.isfinite(number):
        return _not_a_number(text, milestone)
    return Outcome(number, extra=found.extra)


def _unconvertible(entered: str, indicator: Indicator) -> Outcome:
    """An error naming the unit given and the unit expected. A total given for a per-something
    indicator (公顷 for 平方米/人, 元 for 元/人) says how to fix the row, and a total that sources
    are known to misprint for the per-something figure says so."""
    label_zh, label_en = unit_label(indicator.unit, "zh"), unit_label(indicator.unit, "en")
    zh = f"单位“{entered}”不能换算为本指标的单位“{label_zh}”"
    en = f"the unit '{entered}' cannot be converted to '{label_en}', the indicator's unit"
    per = total_for(entered, indicator.unit)
    if per is None:
        return Outcome(None, zh, en)
    dimensions = (str(unit_of(entered).dimensionality),
                  str(unit_of(indicator.unit).dimensionality))
    if dimensions in KNOWN_MISPRINTS:
        return Outcome(
            None, f"{zh}：{indicator.name_zh}的单位应为{label_zh}；来源常把它误印为{entered}，"
            f"请核对来源后把单位改为{label_zh}",
            f"{en}: {indicator.name_en} is in {label_en}; sources often misprint it as "
            f"{entered}; check the source, then change the unit to {label_zh} ({label_en})")
    per_zh, per_en = unit_label(per, "zh"), label_en.rpartition("/")[2] or unit_label(per, "en")
    return Outcome(
        None, f"{zh}：“{entered}”是总量的单位，本指标按每{per_zh}计；若数值已是每{per_zh}的数，"
        f"请把单位改为{label_zh}",
        f"{en}: '{entered}' is a unit of a total, the indicator is per {per_en}; if the "
        f"figure is already per {per_en}, change the unit to {label_zh} ({label_en})")


def _too_long(text: str, limit: int, what_zh: str, what_en: str) -> Outcome:
    """Longer than the store keeps (the cell is named by the problem's row and column)."""
    shown = text[:SHOWN_CHARS] + "…"
    return Outcome(None, f"{what_zh}“{shown}”过长：有{len(text)}个字符，最多{limit}个",
                   f"{what_en} '{shown}' is too long: {len(text)} characters, at most {limit}")


def _scientific(text: str) -> Outcome:
    plain = float(clean(text))
    if not abs(plain) < MAX_MAGNITUDE:  # 1e308 would be a 309-digit example
        return Outcome(None, f"数值“{text}”过大，不是合理的统计数值",
                       f"'{text}' is too large to be a statistic")
    example = np.format_float_positional(plain, trim="-")
    if len(example) > SHOWN_CHARS:  # 1e-300: no example either
        return Outcome(None, f"“{text}”是科学计数法；请填写普通数字",
                       f"'{text}' is in scientific notation; write a plain number")
    return Outcome(None, f"“{text}”是科学计数法；请填写普通数字，如{example}",
                   f"'{text}' is in scientific notation; write a plain number, such as "
                   f"{example}")


def _not_a_number(text: str, milestone: bool) -> Outcome:
    text = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
    if milestone:
        return Outcome(None, f"“{text}”不是数字；完成情况请填写 是/否 或 1/0",
                       f"'{text}' is not a number; for a milestone write yes/no or 1/0")
    return Outcome(None, f"“{text}”不是数字（未报告的请留空）",
                   f"'{text}' is not a number (leave the cell empty if not reported)")
