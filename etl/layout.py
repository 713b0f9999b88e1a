"""Recognise a table's layout, long, wide or years-as-columns, and turn it into one row per
reported value."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from etl.bounded import listed_en, listed_zh, refuse_unknown
from etl.names import (
    INDICATOR_CODE_HEADERS,
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
# Only when the file has them: a second region or indicator column (a code beside a name, a
# city beside its county), to be checked against the first; the sheet of a multi-sheet file.
OPTIONAL_COLUMNS = ["region_2", "indicator_2", "sheet"]
PROBLEM_COLUMNS = ["row", "column", "value", "severity", "problem_zh", "problem_en"]
LONG_REQUIRED = ("region", "indicator", "period", "value")
WIDE_REQUIRED = ("region", "period")
YEARS_REQUIRED = ("region", "indicator")
# Roles a file may give once only; region and indicator may come twice (a code and a name).
SINGLE_ROLES = ("period", "value", "unit", "note")
PAIRED_ROLES = ("region", "indicator")
CODE_HEADERS = {"region": REGION_CODE_HEADERS, "indicator": INDICATOR_CODE_HEADERS}
# A year as a column header, for the years-as-columns layout: 2011, 2011年, 2011.0
YEAR_HEADER = re.compile(r"[0-9]{4}(?:\.0+)?(?:年度|年)?")
HINT_ZH = ("长表需要：地区、指标、年份、数值；宽表需要：地区、年份，以及以指标名称为表头的列；"
           "或者：地区、指标，以及以年份为表头的列")
HINT_EN = ("a long table needs region, indicator, period and value; a wide table needs region, "
           "period and one column per indicator, headed by its name; or region, indicator and "
           "one column per year, headed by the year")
FORMULA_ZH = "公式没有计算结果，请在Excel中打开并保存后再上传"
FORMULA_EN = "formula has no computed value; open and save the file in Excel first"
# The severity of a note on a column or row left out because it names an indicator or a region
# the product does not monitor (skip_unknown): it blocks nothing, and is counted with the load.
SKIPPED = "skipped"

# `to_long` leaves these in DataFrame.attrs for `validate`: the header the user wrote for each
# role (to name it in messages), problems found in the header itself and while reading, and
# for a workbook of several sheets, their names in order.
HEADERS_ATTR = "headers"
PROBLEMS_ATTR = "problems"
SHEETS_ATTR = "sheets"


def to_long(raw: RawTable, catalogue: Catalogue, skip_unknown: bool = False) -> pd.DataFrame:
    """One row per reported value: row, column, region, indicator, period, value, unit, note
    (text), and region_2 / indicator_2 when the file has a second such column. Header problems,
    and the rows that could not be read, are in `.attrs["problems"]`; FileRejected when a
    required column is missing. With `skip_unknown`, a wide table's columns that name no known
    indicator are left out, each with a note (severity SKIPPED), rather than refused."""
    headers = [column for column in raw.frame.columns if column != ROW]
    roles = _roles(headers)
    years = [] if roles["period"] or roles["value"] else _year_headers(headers)
    if roles["indicator"] and years:
        _require(YEARS_REQUIRED, roles, headers)
        long, problems, values = _from_years(raw.frame, roles, headers, years)
    elif roles["value"] or roles["indicator"]:
        _require(LONG_REQUIRED, roles, headers)
        long, problems, values = _from_long(raw.frame, roles, headers)
    else:
        _require(WIDE_REQUIRED, roles, headers)
        long, problems, values = _from_wide(raw.frame, roles, headers, IndicatorNames(catalogue),
                                            skip_unknown)
    for problem in problems:
        problem["row"] = raw.header_row
    long, formulas = _without_formulas(long, raw, roles, values)
    problems += formulas + [dict(problem) for problem in raw.problems]
    if long.empty and not problems:
        raise FileRejected("表中没有填写任何数值", "the table has no values filled in")
    long.attrs[HEADERS_ATTR] = _headers(roles)
    long.attrs[PROBLEMS_ATTR] = problems_frame(problems)
    return long


def tables_to_long(tables: list[RawTable], catalogue: Catalogue,
                   skip_unknown: bool = False) -> pd.DataFrame:
    """`to_long` of each table, together. With several (the sheets of a workbook), each row
    has its `sheet`, and each problem of a sheet too (a `sheet` column); a sheet that cannot be
    used rejects the file, naming the sheet."""
    if len(tables) == 1:
        return to_long(tables[0], catalogue, skip_unknown)
    longs, problems, sheet_headers = [], [], []
    for table in tables:
        try:
            long = to_long(table, catalogue, skip_unknown)
        except FileRejected as rejected:
            raise FileRejected(f"工作表“{table.sheet}”：{rejected.problem_zh}",
                               f"sheet '{table.sheet}': {rejected.problem_en}") from rejected
        found = long.attrs[PROBLEMS_ATTR]
        sheet_headers.append(long.attrs[HEADERS_ATTR])
        # File-wide warnings (row None) belong to no sheet.
        found["sheet"] = found["row"].map(lambda row, sheet=table.sheet: None if pd.isna(row)
                                          else sheet).astype(object)
        problems.append(found)
        part = long.assign(sheet=table.sheet)
        part.attrs = {}  # pandas compares the attrs of what it concatenates, and frames fail
        longs.append(part)
    filled = [long for long in longs if not long.empty] or longs[:1]
    combined = pd.concat(filled, ignore_index=True)
    headers: dict[str, str] = {}
    for header in reversed(sheet_headers):  # the first sheet's header names win
        headers.update(header)
    combined.attrs = {HEADERS_ATTR: headers,
                      PROBLEMS_ATTR: pd.concat([p for p in problems if not p.empty]
                                               or problems[:1], ignore_index=True),
                      SHEETS_ATTR: [table.sheet for table in tables]}
    return combined


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
    for role in PAIRED_ROLES:
        # Codes first: a code is unambiguous where a name (通化) may not be.
        roles[role].sort(key=lambda header, role=role: normalise(header)
                         not in CODE_HEADERS[role])
        if len(roles[role]) > 2:
            raise FileRejected(
                f"有多个{ROLE_NAMES[role][0]}列：{listed_zh(roles[role])}；最多保留两列（代码和名称）",
                f"several {ROLE_NAMES[role][1]} columns: {listed_en(roles[role])}; keep at most "
                "two (a code and a name)")
    for role in SINGLE_ROLES:
        if len(roles[role]) > 1:
            raise FileRejected(f"有多个{ROLE_NAMES[role][0]}列：{listed_zh(roles[role])}；"
                               "请只保留一列",
                               f"several {ROLE_NAMES[role][1]} columns: "
                               f"{listed_en(roles[role])}; keep only one")
    return roles


def _headers(roles: dict[str, list[str]]) -> dict[str, str]:
    """The header of each role, and of the second region or indicator column."""
    headers = {role: columns[0] for role, columns in roles.items() if columns}
    for role in PAIRED_ROLES:
        if len(roles[role]) == 2:
            headers[f"{role}_2"] = roles[role][1]
    return headers


def _year_headers(headers: list[str]) -> list[str]:
    return [header for header in headers
            if role_of(header) is None and YEAR_HEADER.fullmatch(normalise(header))]


def _require(required: tuple[str, ...], roles: dict[str, list[str]], headers: list[str]) -> None:
    missing = [role for role in required if not roles[role]]
    if missing:
        raise FileRejected(
            f"缺少必需的列：{'、'.join(ROLE_NAMES[r][0] for r in missing)}。"
            f"找到的表头：{listed_zh(headers)}。{HINT_ZH}",
            f"missing required columns: {', '.join(ROLE_NAMES[r][1] for r in missing)}. "
            f"Headers found: {listed_en(headers)}. {HINT_EN}")


Laid = tuple[pd.DataFrame, list[dict[str, Any]], set[str]]  # long, problems, value headers


def _from_long(frame: pd.DataFrame, roles: dict[str, list[str]], headers: list[str]) -> Laid:
    value_header = roles["value"][0]
    _, header_unit = split_bracketed_unit(value_header)  # "数值(%)"
    values = frame[value_header]
    long = pd.DataFrame({
        "row": frame[ROW], "column": value_header, **_paired(frame, roles, "region"),
        **_paired(frame, roles, "indicator"), "period": frame[roles["period"][0]],
        "value": values, "unit": _with_header_unit(values, _column(frame, roles["unit"]),
                                                   header_unit),
        "note": _column(frame, roles["note"]),
    })
    used = {header for columns in roles.values() for header in columns}
    problems = [_ignored(header) for header in headers if header not in used]
    return _tidy(long), problems, {value_header}


def _from_wide(frame: pd.DataFrame, roles: dict[str, list[str]], headers: list[str],
               names: IndicatorNames, skip_unknown: bool = False) -> Laid:
    used = {header for columns in roles.values() for header in columns}
    base = pd.DataFrame({
        "row": frame[ROW], **_paired(frame, roles, "region"),
        "period": frame[roles["period"][0]], "unit": _column(frame, roles["unit"]),
        "note": _column(frame, roles["note"]),
    })
    if not skip_unknown:
        refuse_unknown([header for header in headers
                        if header not in used and not names.known(header)], "列", "columns")
    parts, problems, melted = [], [], set()
    for header in headers:
        if header in used:
            continue
        if skip_unknown and not names.known(header):
            # No suggestion is looked for: a skipped column costs one lookup, however many.
            problems.append(_skipped_column(header))
            continue
        indicator, unit, problem = _indicator_column(header, names)
        if problem is not None:
            problems.append(problem)
            continue
        melted.add(header)
        parts.append(_melt_column(base, frame[header], header, indicator=indicator,
                                  unit=unit))
    if not melted and not problems:
        raise FileRejected(f"找不到数值列。找到的表头：{listed_zh(headers)}。{HINT_ZH}",
                           f"no value columns found. Headers found: {listed_en(headers)}. "
                           f"{HINT_EN}")
    return _melted(parts), problems, melted


def _from_years(frame: pd.DataFrame, roles: dict[str, list[str]], headers: list[str],
                years: list[str]) -> Laid:
    """Region, indicator, and a column per year (地区, 指标, 2011, 2012 ...)."""
    used = {header for columns in roles.values() for header in columns}
    base = pd.DataFrame({
        "row": frame[ROW], **_paired(frame, roles, "region"),
        **_paired(frame, roles, "indicator"), "unit": _column(frame, roles["unit"]),
        "note": _column(frame, roles["note"]),
    })
    parts = [_melt_column(base, frame[year], year, period=year) for year in years]
    problems = [_ignored(header) for header in headers if header not in used | set(years)]
    return _melted(parts), problems, set(years)


def _melted(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Row by row as the user reads the sheet; within a row, columns left to right."""
    filled = [part for part in parts if not part.empty]
    long = pd.concat(filled) if filled else pd.DataFrame(columns=LONG_COLUMNS)
    return _tidy(long.sort_values("row", kind="stable"))


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


def _melt_column(base: pd.DataFrame, cells: pd.Series, header: str, *,
                 indicator: str | None = None, period: str | None = None,
                 unit: str | None = None) -> pd.DataFrame:
    """The reported cells of one indicator (or year) column; an empty cell is not reported,
    not an error."""
    reported = cells.notna()
    part = base[reported].assign(column=header, value=cells[reported])
    if indicator is not None:
        part["indicator"] = indicator
    if period is not None:
        part["period"] = period
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


def _paired(frame: pd.DataFrame, roles: dict[str, list[str]], role: str) -> dict[str, pd.Series]:
    """The role's column, and its second column (`region_2`) if the file has two; `validate`
    resolves both and checks that they agree."""
    columns = {role: frame[roles[role][0]]}
    if len(roles[role]) == 2:
        columns[f"{role}_2"] = frame[roles[role][1]]
    return columns


def _column(frame: pd.DataFrame, headers: list[str]) -> pd.Series:
    if headers:
        return frame[headers[0]]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _tidy(long: pd.DataFrame) -> pd.DataFrame:
    columns = LONG_COLUMNS + [column for column in OPTIONAL_COLUMNS if column in long]
    long = long[columns].reset_index(drop=True)
    text = long.drop(columns="row").astype(object)
    text = text.where(text.notna(), None)
    return pd.concat([long[["row"]].astype(int), text], axis=1)


def _without_formulas(long: pd.DataFrame, raw: RawTable, roles: dict[str, list[str]],
                      values: set[str]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """An error for each formula without a computed value in a column that is used, and the
    long rows without the values it makes unknown: every value of its row when it is in a
    shared column (region, period ...), the value of its own cell otherwise."""
    used = {header for columns in roles.values() for header in columns}
    found = sorted((row, header, formula) for (row, header), formula in raw.formulas.items()
                   if header in used | values)
    if not found:
        return long, []
    problems = [{"row": row, "column": header, "value": formula, "severity": "error",
                 "problem_zh": FORMULA_ZH, "problem_en": FORMULA_EN}
                for row, header, formula in found]
    whole_rows = {row for row, header, _ in found if header in used - values}
    cells = {(row, header) for row, header, _ in found}
    keep = [row not in whole_rows and (row, column) not in cells
            for row, column in zip(long["row"], long["column"], strict=True)]
    return long[keep].reset_index(drop=True), problems


def _unknown_column(header: str, names: IndicatorNames) -> dict[str, Any]:
    base, _ = split_bracketed_unit(header)
    hint_zh, hint_en = names.hint(base)  # after the clauses below, as a further clause
    hint_zh, hint_en = "；" + hint_zh[1:] if hint_zh else "", "; " + hint_en[2:] if hint_en else ""
    return _problem(header, f"未知的列“{header}”：既不是已知列名，也不是指标{hint_zh}",
                    f"unknown column '{header}': neither a known column nor an indicator"
                    f"{hint_en}")


def _skipped_column(header: str) -> dict[str, Any]:
    return _problem(header, f"列“{header}”不是本系统监测的指标，已跳过整列",
                    f"column '{header}' is not an indicator this system monitors; the whole "
                    "column was skipped", SKIPPED)


def _ignored(header: str) -> dict[str, Any]:
    return _problem(header, f"列“{header}”不是已知列名，已忽略",
                    f"column '{header}' is not a known column and was ignored", "warning")


def _problem(header: str, problem_zh: str, problem_en: str,
             severity: str = "error") -> dict[str, Any]:
    return {"row": 1, "column": header, "value": header, "severity": severity,
            "problem_zh": problem_zh, "problem_en": problem_en}
