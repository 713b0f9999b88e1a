"""Recognise a table's layout, long or wide, and turn it into one row per reported value."""

from __future__ import annotations

from typing import Any

import pandas as pd

from etl.names import (
    REGION_CODE_HEADERS,
    ROLE_NAMES,
    IndicatorNames,
    normalise,
    role_of,
    split_bracketed_unit,
)
from etl.read import ROW, FileRejected, RawTable
from etl.values import has_unit, is_unit
from indicators.catalogue import Catalogue

LONG_COLUMNS = ["row", "column", "region", "indicator", "period", "value", "unit", "note"]
PROBLEM_COLUMNS = ["row", "column", "value", "severity", "problem_zh", "problem_en"]
LONG_REQUIRED = ("region", "indicator", "period", "value")
WIDE_REQUIRED = ("region", "period")
# Roles a file may give once only; a file may give region twice (a code and a name column).
SINGLE_ROLES = ("indicator", "period", "value", "unit", "note")
HINT_ZH = "长表需要：地区、指标、年份、数值；宽表需要：地区、年份，以及以指标名称为表头的列"
HINT_EN = ("a long table needs region, indicator, period and value; a wide table needs region, "
           "period and one column per indicator, headed by its name")

# `to_long` leaves these in DataFrame.attrs for `validate`: the header the user wrote for each
# role (to name it in messages), and problems found in the header itself.
HEADERS_ATTR = "headers"
PROBLEMS_ATTR = "problems"


def to_long(raw: RawTable, catalogue: Catalogue) -> pd.DataFrame:
    """One row per reported value: row, column, region, indicator, period, value, unit, note
    (text). Header problems are in `.attrs["problems"]`; FileRejected when a required column is
    missing."""
    headers = [column for column in raw.frame.columns if column != ROW]
    roles = _roles(headers)
    if roles["value"] or roles["indicator"]:
        _require(LONG_REQUIRED, roles, headers)
        long, problems = _from_long(raw.frame, roles, headers)
    else:
        _require(WIDE_REQUIRED, roles, headers)
        long, problems = _from_wide(raw.frame, roles, headers, IndicatorNames(catalogue))
    for problem in problems:
        problem["row"] = raw.header_row
    if long.empty and not problems:
        raise FileRejected("表中没有填写任何数值", "the table has no values filled in")
    long.attrs[HEADERS_ATTR] = {role: columns[0] for role, columns in roles.items() if columns}
    long.attrs[PROBLEMS_ATTR] = problems_frame(problems)
    return long


def problems_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Problems in the one shape every caller gets."""
    frame = pd.DataFrame(records, columns=PROBLEM_COLUMNS, dtype=object)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _roles(headers: list[str]) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {role: [] for role in ROLE_NAMES}
    for header in headers:
        role = role_of(header)
        if role is not None:
            roles[role].append(header)
    # Codes first: a code is unambiguous where a name (通化) may not be.
    roles["region"].sort(key=lambda header: normalise(header) not in REGION_CODE_HEADERS)
    for role in SINGLE_ROLES:
        if len(roles[role]) > 1:
            found = "、".join(roles[role])
            raise FileRejected(f"有多个{ROLE_NAMES[role][0]}列：{found}；请只保留一列",
                               f"several {ROLE_NAMES[role][1]} columns: {', '.join(roles[role])}; "
                               "keep only one")
    return roles


def _require(required: tuple[str, ...], roles: dict[str, list[str]], headers: list[str]) -> None:
    missing = [role for role in required if not roles[role]]
    if missing:
        raise FileRejected(
            f"缺少必需的列：{'、'.join(ROLE_NAMES[r][0] for r in missing)}。"
            f"找到的表头：{'、'.join(headers)}。{HINT_ZH}",
            f"missing required columns: {', '.join(ROLE_NAMES[r][1] for r in missing)}. "
            f"Headers found: {', '.join(headers)}. {HINT_EN}")


def _from_long(frame: pd.DataFrame, roles: dict[str, list[str]],
               headers: list[str]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    value_header = roles["value"][0]
    _, header_unit = split_bracketed_unit(value_header)  # "数值(%)"
    values = frame[value_header]
    long = pd.DataFrame({
        "row": frame[ROW], "column": value_header, "region": _region(frame, roles["region"]),
        "indicator": frame[roles["indicator"][0]], "period": frame[roles["period"][0]],
        "value": values, "unit": _with_header_unit(values, _column(frame, roles["unit"]),
                                                   header_unit),
        "note": _column(frame, roles["note"]),
    })
    used = {header for columns in roles.values() for header in columns}
    problems = [_ignored(header) for header in headers if header not in used]
    return _tidy(long), problems


def _from_wide(frame: pd.DataFrame, roles: dict[str, list[str]], headers: list[str],
               names: IndicatorNames) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    used = {header for columns in roles.values() for header in columns}
    base = pd.DataFrame({
        "row": frame[ROW], "region": _region(frame, roles["region"]),
        "period": frame[roles["period"][0]], "unit": _column(frame, roles["unit"]),
        "note": _column(frame, roles["note"]),
    })
    parts, problems = [], []
    for header in headers:
        if header in used:
            continue
        indicator, unit, problem = _indicator_column(header, names)
        if problem is not None:
            problems.append(problem)
            continue
        parts.append(_melt_column(base, frame[header], header, indicator, unit))
    if not parts and not problems:
        raise FileRejected(f"找不到数值列。找到的表头：{'、'.join(headers)}。{HINT_ZH}",
                           f"no value columns found. Headers found: {', '.join(headers)}. "
                           f"{HINT_EN}")
    long = pd.concat(parts) if parts else pd.DataFrame(columns=LONG_COLUMNS)
    # Row by row as the user reads the sheet; within a row, columns left to right.
    return _tidy(long.sort_values("row", kind="stable")), problems


def _indicator_column(header: str, names: IndicatorNames
                      ) -> tuple[str | None, str | None, dict[str, Any] | None]:
    """(indicator id, bracketed unit, None), or a problem on the column."""
    indicator = names.find(header)
    if indicator is not None:
        return indicator, None, None
    base, unit = split_bracketed_unit(header)
    indicator = names.find(base) if unit is not None else None
    if indicator is None:
        return None, None, _unknown_column(header, names)
    if not is_unit(unit or ""):
        return None, None, _problem(
            header, f"表头“{header}”中的单位“{unit}”无法识别",
            f"unknown unit '{unit}' in the header '{header}'")
    return indicator, unit, None


def _melt_column(base: pd.DataFrame, cells: pd.Series, header: str, indicator: str | None,
                 unit: str | None) -> pd.DataFrame:
    """The reported cells of one indicator column; an empty cell is not reported, not an error."""
    reported = cells.notna()
    part = base[reported].assign(column=header, indicator=indicator, value=cells[reported])
    part["unit"] = _with_header_unit(part["value"], part["unit"], unit)
    return part


def _with_header_unit(values: pd.Series, units: pd.Series, header_unit: str | None) -> pd.Series:
    """The header's unit applies unless the unit column or the cell itself ("2亩") gives one."""
    if header_unit is None:
        return units
    own = values.map(_memo(has_unit, values)).fillna(False).astype(bool)
    return units.where(units.notna() | own, header_unit)


def _memo(function: Any, values: pd.Series) -> dict[Any, Any]:
    """`function` of each distinct value: files repeat values, and Python calls are slow."""
    return {value: function(value) for value in values.dropna().unique()}


def _region(frame: pd.DataFrame, headers: list[str]) -> pd.Series:
    """The first filled region cell, codes before names."""
    region = frame[headers[0]]
    for header in headers[1:]:
        region = region.where(region.notna(), frame[header])
    return region


def _column(frame: pd.DataFrame, headers: list[str]) -> pd.Series:
    if headers:
        return frame[headers[0]]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _tidy(long: pd.DataFrame) -> pd.DataFrame:
    long = long[LONG_COLUMNS].reset_index(drop=True)
    text = long.drop(columns="row").astype(object)
    text = text.where(text.notna(), None)
    return pd.concat([long[["row"]].astype(int), text], axis=1)


def _unknown_column(header: str, names: IndicatorNames) -> dict[str, Any]:
    base, _ = split_bracketed_unit(header)
    suggestion = names.suggest(base)
    if suggestion is None:
        return _problem(header, f"未知的列“{header}”：既不是已知列名，也不是指标",
                        f"unknown column '{header}': neither a known column nor an indicator")
    name = names.catalogue.indicators[suggestion].name_zh
    return _problem(
        header, f"未知的列“{header}”：既不是已知列名，也不是指标；是否为“{name}”({suggestion})？",
        f"unknown column '{header}': neither a known column nor an indicator; did you mean "
        f"{name} ({suggestion})?")


def _ignored(header: str) -> dict[str, Any]:
    return _problem(header, f"列“{header}”不是已知列名，已忽略",
                    f"column '{header}' is not a known column and was ignored", "warning")


def _problem(header: str, problem_zh: str, problem_en: str,
             severity: str = "error") -> dict[str, Any]:
    return {"row": 1, "column": header, "value": header, "severity": severity,
            "problem_zh": problem_zh, "problem_en": problem_en}
