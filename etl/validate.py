"""Validate reported values: resolve region, indicator, period and unit, then check each row.

Resolution (names, codes, numbers as typed, units) is done once per distinct value. The checks
on resolved rows are two pandera models whose named checks collect every failure lazily; each
check's name picks its bilingual message and its severity (CHECKS).

The jump warning (`no_jump_from_previous`) compares a value with the previous value of the same
region and indicator, from `history` or earlier in the same file. With at least three earlier
values it warns when |change| > max(3 x the median absolute yearly change of the earlier
values x the years elapsed, 50 % of |previous|); with fewer, when |change| > 50 % of
|previous|. A series whose previous value is 0 with fewer than three earlier values, and
milestones (a step 0 -> 1 is their point), are not judged.

The target warning (`not_exactly_on_target`) flags a value equal to the target of an at_least,
at_most or range target of that region's classes, indicator and deadline year: a sign the
target was typed in place of the actual. Not for counts (item, person, working day, done),
which hit whole-number targets honestly, nor for equal targets (the value is prescribed),
cumulative targets (a sum over years) or steps and reductions (not in the indicator's unit).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from etl.bounded import (
    HIDDEN,
    MAX_LISTED,
    SUMMARY,
    omitted,
    refuse_many_cells,
    refuse_unknown,
    split_shown,
)
from etl.layout import (
    HEADERS_ATTR,
    PROBLEM_COLUMNS,
    PROBLEMS_ATTR,
    SHEETS_ATTR,
    problems_frame,
    tables_to_long,
)
from etl.names import IndicatorNames, RegionMatch, RegionNames, normalise, split_bracketed_unit
from etl.read import FileRejected, read_tables
from etl.schema import revision
from etl.values import (
    MAX_MAGNITUDE,
    clean,
    factor_to,
    is_percent,
    is_unit,
    parse_value,
    same_unit,
)
from indicators.catalogue import Catalogue
from indicators.codes import key_codes, text_codes
from indicators.regions import RegionRegister
from indicators.units import UnitError, parse_unit, unit_label

ROW_COLUMNS = ["row", "region_code", "indicator_id", "period", "value", "value_entered",
               "unit_entered", "note"]
KEY = ["region_code", "indicator_id", "period"]
SERIES_KEY = ["series", "period"]  # KEY, with region and indicator numbered: fast to group
FIRST_YEAR = 2000
JUMP_MIN_HISTORY = 3
JUMP_MEDIAN_FACTOR = 3.0
JUMP_RELATIVE = 0.5
TARGET_HIT_KINDS = ("at_least", "at_most", "range")
COUNT_UNITS = ("item", "person", "working_day", "day", "done")
# A cell quoted in a message is cut to this many characters (a 400-digit "number").
SHOWN_CHARS = 30
# The longest value and unit text the store keeps as entered (PostgreSQL refuses longer).
VALUE_CHARS = revision.c.value_entered.type.length
UNIT_CHARS = revision.c.unit_entered.type.length
# Values equal to this many significant digits are the same value ("26" and "26%").
SAME_VALUE_DIGITS = 9
# "2018", "2018年", "2018年度", "2018.0" (a year Excel stored as a number)
PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:\.0+)?(?:年度|年)?$")
# A date stands for its year, as in an XLSX date cell: "2014/12/31", "2013-12-31", "2014年12月31日"
DATE_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:[-/.](?P<month>[0-9]{1,2})[-/.]|年(?P<month_zh>"
                         r"[0-9]{1,2})月)(?P<day>[0-9]{1,2})日?(?:(?:T)?00:00(?::00)?)?$")


@dataclass
class Validation:
    """The rows that may be stored, and every problem found (errors and warnings)."""

    rows: pd.DataFrame
    problems: pd.DataFrame
    strict: bool = False

    @property
    def ok(self) -> bool:
        """No errors; with strict, no warnings either."""
        blocking = ("error", "warning") if self.strict else ("error",)
        return not self.problems["severity"].isin(blocking).any()

    def store_rows(self) -> pd.DataFrame:
        """The rows as Store.load takes them: the user's row number is the source row."""
        return self.rows.rename(columns={"row": "source_row"})


@dataclass(frozen=True)
class _Tables:
    """What validation derives from one catalogue and one register, whatever the file:
    names to resolve, indicator ranges and units, the bounds a value may sit exactly on."""

    indicator_names: IndicatorNames
    region_names: RegionNames
    info: pd.DataFrame
    milestones: frozenset[str]
    bounds: pd.DataFrame  # region_code, indicator_id, period, target_value, target_id

    @classmethod
    def build(cls, catalogue: Catalogue, register: RegionRegister) -> _Tables:
        info = _indicator_info(catalogue)
        return cls(IndicatorNames(catalogue), RegionNames(register), info,
                   frozenset(info.index[info["is_milestone"]]), _bounds(catalogue, register))


class _TablesCache:
    """The _Tables of the catalogue and register last asked for, kept while the same two
    objects are asked for again. Building them takes 0.2-0.5 s at national size, more than
    checking a planner's few values; the app and the CLI load both once per process and
    never change them in place, so their identity says the tables still hold. The objects
    are held (not their ids), so an id cannot be reused by a new catalogue meanwhile."""

    def __init__(self) -> None:
        self._held: tuple[Catalogue, RegionRegister, _Tables] | None = None
        self._lock = threading.Lock()

    def get(self, catalogue: Catalogue, register: RegionRegister) -> _Tables:
        held = self._held
        if held is not None and held[0] is catalogue and held[1] is register:
            return held[2]
        with self._lock:  # two requests at once build the tables once
            held = self._held
            if held is None or held[0] is not catalogue or held[1] is not register:
                held = (catalogue, register, _Tables.build(catalogue, register))
                self._held = held
        return held[2]

    def clear(self) -> None:
        self._held = None


_TABLES = _TablesCache()


@dataclass
class _Context:
    catalogue: Catalogue
    register: RegionRegister
    today: dt.date
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        tables = _TABLES.get(self.catalogue, self.register)
        self.indicator_names = tables.indicator_names
        self.region_names = tables.region_names
        self.info = tables.info
        self.milestones = tables.milestones
        self.bounds = tables.bounds

    def header(self, role: str) -> str:
        return self.headers.get(role, role)


def validate(long: pd.DataFrame, catalogue: Catalogue, register: RegionRegister, *,
             history: pd.DataFrame | None = None, strict: bool = False,
             today: dt.date | None = None) -> Validation:
    """Resolve and check the values of `long` (layout.to_long). `history` holds the stored
    values (region_code, indicator_id, period, value) that the jump warning compares with.
    A file past a limit (etl/bounded.py) gives one problem."""
    try:
        return _validated(long, catalogue, register, history, strict, today)
    except FileRejected as rejected:
        return _rejected(None, rejected, strict)


def _validated(long: pd.DataFrame, catalogue: Catalogue, register: RegionRegister,
               history: pd.DataFrame | None, strict: bool, today: dt.date | None) -> Validation:
    context = _Context(catalogue, register, today or dt.date.today(),
                       dict(long.attrs.get(HEADERS_ATTR, {})))
    sheets = list(long.attrs.get(SHEETS_ATTR, []))
    frame = long.reset_index(drop=True)
    frame.attrs = {}  # pandas deep-copies attrs on every operation: read once, then drop
    frame.index.name = "uid"  # a wide row gives several values: the row number is not a key
    checked, found = _resolved_and_checked(frame, context)
    problems = _combine([long.attrs.get(PROBLEMS_ATTR), *found,
                         _failures(checked, Reported, context)])
    kept = _kept(checked, problems)
    problems = _combine([problems, _failures(_plausible(kept, history, context), Plausible,
                                             context)])
    return Validation(_rows(kept, problems, strict),
                      _finished(_in_sheets(_shown(problems), frame, sheets)), strict)


def validate_file(path: Path, catalogue: Catalogue, register: RegionRegister,
                  max_cells: int | None = None, name: str | None = None,
                  **options: Any) -> Validation:
    """Read, lay out and validate a file (every sheet with data of a workbook); a rejected file
    becomes one problem (row None) naming it `name` (the uploaded file's own name, when `path`
    is a temporary copy), else its path's. `max_cells` refuses a file of more filled cells."""
    try:
        tables = read_tables(path)
        if max_cells is not None:
            refuse_many_cells(tables, max_cells)
        long = tables_to_long(tables, catalogue)
    except FileRejected as rejected:
        return _rejected(name or path.name, rejected, bool(options.get("strict", False)))
    return validate(long, catalogue, register, **options)


def _rejected(name: str | None, rejected: FileRejected, strict: bool) -> Validation:
    problems = problems_frame([{
        "row": None, "column": None, "value": name, "severity": "error",
        "problem_zh": rejected.problem_zh, "problem_en": rejected.problem_en}])
    return Validation(_empty_rows(), problems, strict)


def _resolved_and_checked(frame: pd.DataFrame, context: _Context,
                          ) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The rows that resolved, with the columns Reported checks, and the problems found on
    the way; the wide frame of resolution steps is dropped here (hundreds of MB nationally)."""
    resolved, found = _resolve(frame, context)
    return _checked(resolved, context), found


# --- resolution, once per distinct value ----------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """What one distinct input resolves to, or the problem with it."""

    result: Any = None
    problem_zh: str | None = None
    problem_en: str | None = None
    severity: str = "error"
    extra: dict[str, Any] = field(default_factory=dict)
    column: str | None = None  # the problem's column, when not the step's own
    shown: str | None = None  # the problem's value, when not the cell's text


# A resolution step gives: the resolved column, extra columns, and the problems found.
Resolved = tuple[pd.Series, dict[str, pd.Series], pd.DataFrame]
RESOLVED_AS = {"period": "period_year", "indicator": "indicator_id", "region": "region_code",
               "value": "value_number"}


def _resolve(frame: pd.DataFrame, context: _Context) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The frame with period, indicator_id, region_code and value resolved (None where not)."""
    resolved = frame.copy()
    problems: dict[str, pd.DataFrame] = {}
    # Period before region: a region's code depends on the year.
    for role, step in (("period", _period), ("indicator", _indicator), ("region", _region),
                       ("value", _value)):
        results, extra, problems[role] = step(resolved, context)
        resolved[RESOLVED_AS[role]] = results
        for name, values in extra.items():
            resolved[name] = values
    # Within a row, problems in the order of the columns: region, indicator, period, value.
    return resolved, [problems[role] for role in ("region", "indicator", "period", "value")]


@dataclass(frozen=True)
class _Distinct:
    """The outcome of each distinct key, and which one each row has."""

    outcomes: list[_Outcome]
    groups: np.ndarray  # per row, the index of its outcome

    def column(self, pick: Callable[[_Outcome], Any]) -> np.ndarray:
        """One value per row, picked from its outcome: picked once per distinct key."""
        picked = np.empty(len(self.outcomes), dtype=object)
        picked[:] = [pick(outcome) for outcome in self.outcomes]
        return picked[self.groups]


def _per_distinct(keys: pd.DataFrame, resolve: Callable[..., _Outcome]) -> _Distinct:
    """`resolve` once per distinct key row (a national file repeats each region and indicator
    tens of thousands of times)."""
    if keys.empty:
        return _Distinct([], np.zeros(0, dtype=int))
    # Numbered in order of first appearance, as groupby(sort=False).ngroup() numbers them;
    # grouping millions of rows by their text took ~0.6 s a call.
    groups = pd.factorize(key_codes(keys))[0]
    _, first = np.unique(groups, return_index=True)
    distinct = keys.iloc[first]
    outcomes = [resolve(*(None if pd.isna(v) else v for v in key))
                for key in distinct.itertuples(index=False)]
    return _Distinct(outcomes, groups)


def _spread(frame: pd.DataFrame, distinct: _Distinct, column: str, text: pd.Series,
            kind: tuple[str, str] | None = None) -> Resolved:
    """Results as a column, extras as columns, and the problems on their rows (past
    MAX_PROBLEMS, counted: `kind` names them, else the column)."""
    results = pd.Series(distinct.column(lambda o: o.result), index=frame.index, dtype=object)
    names = {name for o in distinct.outcomes for name in o.extra}
    extras = {name: pd.Series(distinct.column(lambda o, name=name: o.extra.get(name)),
                              index=frame.index, dtype=object) for name in names}
    failing = np.array([o.problem_zh is not None for o in distinct.outcomes], dtype=bool)
    failed = failing[distinct.groups] if len(failing) else np.zeros(len(frame), dtype=bool)
    positions = np.flatnonzero(failed)
    shown, rest = split_shown(len(positions))
    shown, rest = positions[shown], positions[rest]
    found = [distinct.outcomes[group] for group in distinct.groups[shown]]
    problems = problems_frame([{
        "row": row, "column": o.column or column, "value": value if o.shown is None else o.shown,
        "severity": o.severity, "problem_zh": o.problem_zh, "problem_en": o.problem_en}
        for row, value, o in zip(frame["row"].iloc[shown], text.iloc[shown], found,
                                 strict=True)])
    problems = _with_uid(problems, list(frame.index[shown]))
    if len(rest):
        what_zh, what_en = kind or (f"“{column}”列", f"column '{column}'")
        problems = pd.concat([problems, omitted(
            frame["row"].iloc[rest], frame.index[rest], column,
            _worst(distinct.outcomes[group].severity for group in distinct.groups[rest]),
            what_zh, what_en)], ignore_index=True)
    return results, extras, problems


def _worst(severities: Any) -> str:
    return "error" if "error" in set(severities) else "warning"


def _with_uid(problems: pd.DataFrame, uids: list[int]) -> pd.DataFrame:
    problems["uid"] = pd.Series(uids, index=problems.index, dtype="Int64")
    return problems


def _period(frame: pd.DataFrame, context: _Context) -> Resolved:
    outcomes = _per_distinct(frame[["period"]], _parse_period)
    return _spread(frame, outcomes, context.header("period"), frame["period"])


def _parse_period(text: str | None) -> _Outcome:
    if text is None:
        return _Outcome(None, "缺少年份", "missing period")
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = PERIOD.match(compact) or _date(compact)
    if match is None:
        return _Outcome(None, f"年份“{text}”不合理：应为四位年份，如2018",
                        f"not a plausible period '{text}': expected a year such as 2018")
    return _Outcome(int(match["year"]))


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


def _indicator(frame: pd.DataFrame, context: _Context) -> Resolved:
    """The indicator of each row. A name may end in a bracketed unit, as a wide header does
    ("新增城市绿地面积（公顷）"): the unit applies to a value that gives none. With two indicator
    columns (a code and a name) both must name the same indicator."""
    names = context.indicator_names
    first, second = context.header("indicator"), context.header("indicator_2")

    def one(text: str, column: str) -> _Outcome:
        found = names.find(text)
        if found is not None:
            return _Outcome(found)
        base, unit = split_bracketed_unit(text)
        found = names.find(base) if unit is not None and is_unit(unit) else None
        if found is not None:
            return _Outcome(found, extra={"name_unit": unit})
        suggestion = names.suggest(base)
        if suggestion is None:
            return _Outcome(None, f"未知指标“{text}”", f"unknown indicator '{text}'",
                            column=column, shown=text)
        name = context.catalogue.indicators[suggestion].name_zh
        return _Outcome(None, f"未知指标“{text}”，是否为“{name}”({suggestion})？",
                        f"unknown indicator '{text}'; did you mean {name} ({suggestion})?",
                        column=column, shown=text)

    def resolve(text: str | None, other: str | None = None) -> _Outcome:
        if text is None and other is None:
            return _Outcome(None, "缺少指标", "missing indicator")
        if text is None or other is None:
            return one(text, first) if text is not None else one(str(other), second)
        mine, theirs = one(text, first), one(other, second)
        if mine.result is None or theirs.result is None:
            return mine if mine.result is None else theirs
        if mine.result == theirs.result:
            return _Outcome(mine.result, extra={**theirs.extra, **mine.extra})
        label = {o.result: context.catalogue.indicators[o.result].name_zh
                 for o in (mine, theirs)}
        return _disagree(text, other, first, second, f"{label[mine.result]} {mine.result}",
                         f"{label[theirs.result]} {theirs.result}")

    keys = frame[["indicator", *(["indicator_2"] if "indicator_2" in frame else [])]]
    _refuse_many_unknown(keys, names.known, "指标", "indicators")
    outcomes = _per_distinct(keys, resolve)
    return _spread(frame, outcomes, first, frame["indicator"])


def _disagree(text: str, other: str, first: str, second: str, meaning: str,
              other_meaning: str) -> _Outcome:
    """Two columns that should name one thing name two."""
    return _Outcome(
        None, f"“{first}”列的“{text}”（{meaning}）与“{second}”列的“{other}”（{other_meaning}）"
        "不一致，请核对",
        f"'{text}' ({meaning}) in column '{first}' and '{other}' ({other_meaning}) in column "
        f"'{second}' disagree; please check", column=second, shown=f"{text} / {other}")


def _region(frame: pd.DataFrame, context: _Context) -> Resolved:
    """The region code of each row. With two region columns (a code and a name, or a city and
    its county) both are resolved: the same region, or the more specific one when the other
    contains it; an error naming both when they disagree."""
    names = context.region_names
    first, second = context.header("region"), context.header("region_2")

    def outcome(match: RegionMatch, column: str, text: str) -> _Outcome:
        return _Outcome(match.code, match.problem_zh, match.problem_en, match.severity,
                        column=column, shown=text)

    def resolve(year: int | None, text: str | None, other: str | None = None) -> _Outcome:
        if text is None and other is None:
            return _Outcome(None, "缺少地区", "missing region")
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
    _refuse_many_unknown(keys.drop(columns="year"), names.known, "地区", "regions")
    return _spread(frame, _per_distinct(keys, resolve), first, frame["region"])


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


def _value(frame: pd.DataFrame, context: _Context) -> Resolved:
    def resolve(text: str | None, unit: str | None, indicator_id: str | None,
                name_unit: str | None) -> _Outcome:
        if text is None:
            return _Outcome(None, "缺少数值", "missing value")
        if indicator_id is None:
            return _Outcome(None)  # the indicator's own problem says it all
        if len(text) > VALUE_CHARS:
            return _too_long(text, VALUE_CHARS, "数值", "value")
        return _parse_entry(text, unit, context.catalogue.indicators[indicator_id].unit,
                            indicator_id in context.milestones, name_unit)

    keys = frame[["value", "unit", "indicator_id"]].assign(
        name_unit=_column_or_none(frame, "name_unit"))
    plain = _plain_values(keys, context)
    rest = frame.drop(index=plain.index)
    distinct = _per_distinct(keys.drop(index=plain.index), resolve)
    results, extras, problems = _spread(rest, distinct, "", rest["value"],
                                        kind=(context.header("value"), context.header("value")))
    placed = problems["uid"].notna()
    problems.loc[placed, "column"] = frame.loc[problems.loc[placed, "uid"].astype(int),
                                               "column"].to_numpy()
    extras = {name: pd.concat([plain[name].astype(object), extras.get(name)]).reindex(frame.index)
              for name in ("unit_entered", "unit_given")}
    results = pd.concat([plain["value_number"].astype(object), results]).reindex(frame.index)
    return results, extras, problems


# A number as a program writes it: no sign but minus, no separators, no unit, no exponent.
PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


def _plain_values(keys: pd.DataFrame, context: _Context) -> pd.DataFrame:
    """The rows whose value is a plain number with a usable unit, resolved column-wise:
    what `_parse_entry` gives them, without parsing millions of cells one by one. Every other
    row (units in the cell, 万, 是/否, typos) goes through `_parse_entry`, which also words
    the problems."""
    text = keys["value"].astype("str")
    plain = text.str.fullmatch(PLAIN_NUMBER).fillna(False).astype(bool) & \
        keys["indicator_id"].notna() & (text.str.len() <= VALUE_CHARS)
    rows = keys[plain.to_numpy()]
    units = _per_distinct(rows[["unit", "indicator_id", "name_unit"]],
                          lambda unit, indicator_id, name_unit: _plain_unit(
                              unit, indicator_id, name_unit, context))
    factor = units.column(lambda o: o.result).astype(float)
    raw = text[plain].astype(float).to_numpy()
    number = raw * factor
    usable = np.isfinite(number) & (np.abs(raw) < MAX_MAGNITUDE)
    return pd.DataFrame({
        "value_number": number[usable],
        "unit_entered": units.column(lambda o: o.extra.get("unit_entered"))[usable],
        "unit_given": units.column(lambda o: o.extra.get("unit_given"))[usable],
    }, index=rows.index[usable])


def _plain_unit(unit_text: str | None, indicator_id: str, name_unit: str | None,
                context: _Context) -> _Outcome:
    """For a plain number: the factor to the indicator's unit, or NaN when `_parse_entry`
    must look at the row (an unknown or unconvertible unit)."""
    column_unit = clean(unit_text) if unit_text else None
    if column_unit and not is_unit(column_unit):
        return _Outcome(np.nan)
    entered = column_unit or name_unit
    if entered and len(entered) > UNIT_CHARS:
        return _Outcome(np.nan)
    indicator_unit = context.catalogue.indicators[indicator_id].unit
    try:
        factor = factor_to(entered or indicator_unit, indicator_unit)
    except UnitError:
        return _Outcome(np.nan)
    given = entered is not None and not is_percent(entered)
    return _Outcome(factor, extra={"unit_entered": entered, "unit_given": given})


def _parse_entry(text: str, unit_text: str | None, indicator_unit: str, milestone: bool,
                 name_unit: str | None = None) -> _Outcome:
    """A value as typed, in the indicator's unit; the unit from the cell, else the unit column
    (or the value header), else the one bracketed in the indicator's name, else the indicator's
    own. `unit_given` says whether a small rate (0.26) means what it says: its unit was typed
    in the cell, or is not plain percent (‰, 元/百元)."""
    parsed = parse_value(text, milestone)
    if parsed.problem == "not_a_number":
        return _not_a_number(text, milestone)
    if parsed.problem == "scientific":
        return _scientific(text)
    if parsed.problem == "unknown_unit":
        return _Outcome(None, f"“{text}”中的单位“{parsed.bad_unit}”无法识别",
                        f"unknown unit '{parsed.bad_unit}' in '{text}'")
    column_unit = clean(unit_text) if unit_text else None
    longest = max(len(column_unit or ""), len(parsed.unit or ""), len(name_unit or ""))
    if longest > UNIT_CHARS:
        return _too_long(max(column_unit or "", parsed.unit or "", name_unit or "", key=len),
                         UNIT_CHARS, "单位", "unit")
    if column_unit and not is_unit(column_unit):
        return _Outcome(None, f"单位“{unit_text}”无法识别", f"unknown unit '{unit_text}'")
    if parsed.unit and column_unit and not same_unit(parsed.unit, column_unit):
        return _Outcome(None, f"数值“{text}”的单位“{parsed.unit}”与单位列的“{unit_text}”不一致",
                        f"the unit '{parsed.unit}' of '{text}' disagrees with the unit column "
                        f"'{unit_text}'")
    entered = parsed.unit or column_unit or name_unit
    try:
        factor = factor_to(entered or indicator_unit, indicator_unit)
    except UnitError:
        label_zh, label_en = unit_label(indicator_unit, "zh"), unit_label(indicator_unit, "en")
        return _Outcome(None, f"单位“{entered}”不能换算为本指标的单位“{label_zh}”",
                        f"the unit '{entered}' cannot be converted to '{label_en}', the "
                        "indicator's unit")
    number = float(parsed.number or 0.0) * factor
    if not np.isfinite(number):
        return _not_a_number(text, milestone)
    given = parsed.unit is not None or (entered is not None and not is_percent(entered))
    return _Outcome(number, extra={"unit_entered": entered, "unit_given": given})


def _too_long(text: str, limit: int, what_zh: str, what_en: str) -> _Outcome:
    """Longer than the store keeps (the cell is named by the problem's row and column)."""
    shown = text[:SHOWN_CHARS] + "…"
    return _Outcome(None, f"{what_zh}“{shown}”过长：有{len(text)}个字符，最多{limit}个",
                    f"{what_en} '{shown}' is too long: {len(text)} characters, at most {limit}")


def _scientific(text: str) -> _Outcome:
    plain = float(clean(text))
    if not abs(plain) < MAX_MAGNITUDE:  # 1e308 would be a 309-digit example
        return _Outcome(None, f"数值“{text}”过大，不是合理的统计数值",
                        f"'{text}' is too large to be a statistic")
    example = _plain(plain)
    if len(example) > SHOWN_CHARS:  # 1e-300: no example either
        return _Outcome(None, f"“{text}”是科学计数法；请填写普通数字",
                        f"'{text}' is in scientific notation; write a plain number")
    return _Outcome(None, f"“{text}”是科学计数法；请填写普通数字，如{example}",
                    f"'{text}' is in scientific notation; write a plain number, such as "
                    f"{example}")


def _plain(number: float) -> str:
    return np.format_float_positional(number, trim="-")


def _not_a_number(text: str, milestone: bool) -> _Outcome:
    text = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
    if milestone:
        return _Outcome(None, f"“{text}”不是数字；完成情况请填写 是/否 或 1/0",
                        f"'{text}' is not a number; for a milestone write yes/no or 1/0")
    return _Outcome(None, f"“{text}”不是数字（未报告的请留空）",
                    f"'{text}' is not a number (leave the cell empty if not reported)")


# --- checks on resolved rows ----------------------------------------------------------------


class Reported(pa.DataFrameModel):
    """Resolved rows and what their checks need; each check's name picks its message. Every
    check says itself what a missing value means (ignore_na=False): pandera's default would
    test every column of every row for NaN once per check."""

    row: Series[int]
    series: Series[int]  # region and indicator as one number: checks group by it
    period: Series[int]
    value: Series[float]
    min_value: Series[float] = pa.Field(nullable=True)
    max_value: Series[float] = pa.Field(nullable=True)
    last_year: Series[int]
    is_percent: Series[bool]
    is_milestone: Series[bool]
    unit_given: Series[bool]

    @pa.dataframe_check(ignore_na=False)
    def value_not_below_minimum(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return df["is_milestone"] | df["min_value"].isna() | (df["value"] >= df["min_value"])

    @pa.dataframe_check(ignore_na=False)
    def value_not_above_maximum(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return df["is_milestone"] | df["max_value"].isna() | (df["value"] <= df["max_value"])

    @pa.dataframe_check(ignore_na=False)
    def milestone_done_or_not(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return ~df["is_milestone"] | df["value"].isin([0.0, 1.0])

    @pa.dataframe_check(ignore_na=False)
    def rate_not_a_fraction(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        # 0.26 for a percent indicator, without a unit typed in the cell (a "%" header or unit
        # column does not count: the planner typed the fraction): 26% typed as a fraction.
        return ~(df["is_percent"] & ~df["unit_given"] & (df["value"] > 0) & (df["value"] <= 1))

    @pa.dataframe_check(ignore_na=False)
    def period_plausible(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return (df["period"] >= FIRST_YEAR) & (df["period"] <= df["last_year"])

    @pa.dataframe_check(ignore_na=False)
    def one_value_per_key(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return ~_conflicting(df)

    @pa.dataframe_check(ignore_na=False)
    def not_repeated(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return ~(_same_value(df).duplicated(keep="first") & ~_conflicting(df))


class Plausible(pa.DataFrameModel):
    """Valid rows beside their previous value and any target they sit exactly on."""

    value: Series[float]
    previous_value: Series[float] = pa.Field(nullable=True)
    jump_limit: Series[float] = pa.Field(nullable=True)
    target_value: Series[float] = pa.Field(nullable=True)

    @pa.dataframe_check(ignore_na=False)
    def no_jump_from_previous(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        change = (df["value"] - df["previous_value"]).abs()
        return df["jump_limit"].isna() | ~(change > df["jump_limit"])

    @pa.dataframe_check(ignore_na=False)
    def not_exactly_on_target(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return df["target_value"].isna() | ~np.isclose(df["value"], df["target_value"],
                                                       rtol=1e-9, atol=1e-12)


def _same_value(df: pd.DataFrame) -> pd.DataFrame:
    """The key and the value to SAME_VALUE_DIGITS significant digits: float noise is not a
    different value."""
    values = df["value"].to_numpy(dtype=float)
    magnitude = np.floor(np.log10(np.abs(values), out=np.zeros_like(values),
                                  where=values != 0))
    scale = 10.0 ** (SAME_VALUE_DIGITS - 1 - magnitude)
    return df[SERIES_KEY].assign(value=np.round(values * scale) / scale)


def _conflicting(df: pd.DataFrame) -> pd.Series:
    """Rows whose region, indicator and period have more than one value in the file."""
    same = _same_value(df)
    repeated = same[same.duplicated(SERIES_KEY, keep=False)]  # few: count values only there
    if repeated.empty:  # most files and every form: a grouping of nothing still took ~5 ms
        return pd.Series(False, index=df.index)
    several = repeated.groupby(SERIES_KEY)["value"].transform("nunique") > 1
    return several.reindex(df.index, fill_value=False)


def _indicator_info(catalogue: Catalogue) -> pd.DataFrame:
    rows = []
    for indicator in catalogue.indicators.values():
        unit = str(parse_unit(indicator.unit))
        low, high = indicator.plausible_range
        rows.append({"indicator_id": indicator.id, "min_value": low, "max_value": high,
                     "is_percent": unit == "percent", "is_milestone": unit == "done",
                     "is_count": unit in COUNT_UNITS,
                     "unit_zh": unit_label(indicator.unit, "zh"),
                     "unit_en": unit_label(indicator.unit, "en")})
    frame = pd.DataFrame(rows).set_index("indicator_id")
    return frame.astype({"min_value": float, "max_value": float})


def _checked(resolved: pd.DataFrame, context: _Context) -> pd.DataFrame:
    """The fully resolved rows with the columns Reported checks."""
    done = resolved[list(RESOLVED_AS.values())].notna().all(axis=1)
    rows = resolved[done]
    # By integer codes: a lookup and a grouping of millions of texts took about a second.
    codes, indicators = text_codes(rows["indicator_id"])
    info = context.info.loc[indicators].iloc[codes].set_axis(rows.index)
    series = pd.Series(pd.factorize(key_codes(rows[["region_code", "indicator_id"]]))[0],
                       index=rows.index)
    return pd.DataFrame({
        "row": rows["row"].astype(int), "column": rows["column"],
        "region_code": rows["region_code"].astype(object),
        "indicator_id": rows["indicator_id"].astype(object), "series": series.astype("int64"),
        "period": rows["period_year"].astype(int), "period_entered": rows["period"],
        "value": rows["value_number"].astype(float), "value_entered": rows["value"],
        "unit_entered": _column_or_none(rows, "unit_entered"), "note": rows["note"],
        "min_value": info["min_value"], "max_value": info["max_value"],
        "last_year": context.today.year, "is_percent": info["is_percent"].astype(bool),
        "is_milestone": info["is_milestone"].astype(bool),
        "unit_given": _column_or_none(rows, "unit_given").fillna(False).astype(bool),
        "sheet": _column_or_none(rows, "sheet"),
    }, index=rows.index)


def _column_or_none(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return frame[column]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _failures(frame: pd.DataFrame, model: type[pa.DataFrameModel],
              context: _Context) -> pd.DataFrame:
    """Every failed check of `model` on `frame`, as problems with their messages. pandera
    checks the columns and their types; each named check's own function says which rows fail.
    (pandera's failure cases cost a Python call per failing row and one string of them all:
    874k conflicting rows took 13 s and gigabytes to report, where a mask costs nothing.)"""
    schema = model.to_schema()
    # Only the model's columns, checked in place: pandera copies the frame it is given, and a
    # national file's text columns cost seconds to copy. A wrong column or dtype raises: a bug
    # here, not a problem in the file.
    checked = frame[list(schema.columns)]
    _columns_only(model).validate(checked, inplace=True)
    found = []
    for check in schema.checks:
        # A missing result fails, as pandera's ignore_na=False would have it.
        passed = getattr(model, check.name)(checked).fillna(False)
        failed = checked.index[~passed.to_numpy(dtype=bool)]
        if len(failed):
            found.append(_messages(frame, check.name, pd.Series(failed), context))
    return _combine(found) if found else problems_frame([])


@functools.cache
def _columns_only(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The model's columns and types, without its checks."""
    schema = model.to_schema()
    return pa.DataFrameSchema(schema.columns, name=schema.name)


def _messages(frame: pd.DataFrame, check: str, uids: pd.Series,
              context: _Context) -> pd.DataFrame:
    severity, message = CHECKS[check]
    every = np.sort(uids.astype(int).to_numpy())  # file order: uids number the rows in order
    shown, rest = split_shown(len(every))
    failed = frame.loc[every[shown]].join(context.info[["unit_zh", "unit_en"]],
                                          on="indicator_id")
    peers = _peers(frame, failed) if check in PEER_CHECKS else Peers({}, {})
    texts = [message(row, peers) for row in failed.itertuples()]
    column = failed["column"]
    if check == "period_plausible":
        column = pd.Series(context.header("period"), index=failed.index)
    problems = problems_frame([{
        "row": row.row, "column": col, "value": _offending(check, row), "severity": severity,
        "problem_zh": zh, "problem_en": en}
        for row, col, (zh, en) in zip(failed.itertuples(), column, texts, strict=True)])
    problems = _with_uid(problems, list(failed.index))
    if len(rest):
        hidden = every[rest]
        column_shown = column.iloc[0] if len(column) else None
        problems = pd.concat([problems, omitted(frame.loc[hidden, "row"], hidden, column_shown,
                                                severity, *KINDS[check])], ignore_index=True)
    return problems


@dataclass(frozen=True)
class Peers:
    """The first rows (MAX_LISTED + 1) sharing each failed row's region, indicator and period,
    in file order, and how many share it in all."""

    rows: dict[tuple[Any, ...], list[Any]]
    counts: dict[tuple[Any, ...], int]


def _peers(frame: pd.DataFrame, failed: pd.DataFrame) -> Peers:
    keys = failed[KEY].drop_duplicates()
    same = frame.reset_index().merge(keys, on=KEY).sort_values("uid")
    groups = same.groupby(KEY)
    counts = groups.size()
    first = same[groups.cumcount().to_numpy() <= MAX_LISTED]
    return Peers({key: list(group.itertuples(index=False))
                  for key, group in first.groupby(KEY)},
                 {key: int(count) for key, count in counts.items()})


def _offending(check: str, row: Any) -> str:
    return str(row.period_entered if check == "period_plausible" else row.value_entered)


# --- messages, by check name ----------------------------------------------------------------

PEER_CHECKS = ("one_value_per_key", "not_repeated")


def _number(number: float) -> str:
    """At most six significant digits, never in scientific notation."""
    return np.format_float_positional(float(f"{number:.6g}"), trim="-")


def _amount(number: float, unit: str) -> str:
    """26%, 2公顷, 2 ha: Chinese and % take no space before the unit."""
    space = "" if unit in ("%", "") or not unit.isascii() else " "
    return f"{_number(number)}{space}{unit}"


def _is_whole_rate(row: Any) -> bool:
    return bool(row.is_percent and row.min_value == 0 and row.max_value == 100)


def _below(row: Any, peers: Peers) -> tuple[str, str]:
    value = row.value_entered
    if _is_whole_rate(row):
        return _rate_outside(value)
    if row.min_value == 0:
        return f"数值“{value}”不能为负数", f"value '{value}' cannot be negative"
    return (f"数值“{value}”低于可能的最小值{_amount(row.min_value, row.unit_zh)}",
            f"value '{value}' is below the plausible minimum {_amount(row.min_value, row.unit_en)}")


def _above(row: Any, peers: Peers) -> tuple[str, str]:
    value = row.value_entered
    if _is_whole_rate(row):
        return _rate_outside(value)
    return (f"数值“{value}”高于可能的最大值{_amount(row.max_value, row.unit_zh)}",
            f"value '{value}' is above the plausible maximum {_amount(row.max_value, row.unit_en)}")


def _rate_outside(value: str) -> tuple[str, str]:
    return f"比率“{value}”超出0–100%的范围", f"a rate of '{value}' is outside 0-100%"


def _milestone(row: Any, peers: Peers) -> tuple[str, str]:
    return (f"完成情况应为1（完成）或0（未完成），不能是“{row.value_entered}”",
            f"a milestone is 1 (done) or 0 (not done), not '{row.value_entered}'")


def _fraction(row: Any, peers: Peers) -> tuple[str, str]:
    percent, typed = _number(row.value * 100), _number(row.value)
    return (f"“{row.value_entered}”像是小数形式的比率；请填写{percent}或{percent}%"
            f"（若确为{typed}%，请写“{typed}%”）",
            f"'{row.value_entered}' looks like a fraction; write {percent} or {percent}% "
            f"(if you mean {typed} percent, write '{typed}%')")


def _period_message(row: Any, peers: Peers) -> tuple[str, str]:
    text = row.period_entered
    if row.period > row.last_year:
        return (f"年份“{text}”不合理：是未来的年份",
                f"not a plausible period '{text}': it is in the future")
    return (f"年份“{text}”不合理：应为{FIRST_YEAR}年至{row.last_year}年",
            f"not a plausible period '{text}': expected a year from {FIRST_YEAR} to "
            f"{row.last_year}")


def _conflict(row: Any, peers: Peers) -> tuple[str, str]:
    others = [peer for peer in peers.rows[_key(row)] if peer.uid != row.Index][:MAX_LISTED]
    more = peers.counts[_key(row)] - 1 - len(others)
    zh = "、".join(f"{_where_zh(other, row)}为“{other.value_entered}”" for other in others)
    en = ", ".join(f"'{other.value_entered}' in {_where_en(other, row)}" for other in others)
    if more > 0:
        zh, en = f"{zh}，另有{more}行", f"{en} and {more} more rows"
    return (f"同一地区、指标和年份有不同的数值：本行为“{row.value_entered}”，{zh}",
            f"different values for the same region, indicator and period: "
            f"'{row.value_entered}' here, {en}")


def _key(row: Any) -> tuple[Any, ...]:
    return (row.region_code, row.indicator_id, row.period)


def _where_zh(other: Any, row: Any) -> str:
    sheet = _sheet_of(other)
    if sheet == _sheet_of(row):
        return f"本行“{other.column}”列" if other.row == row.row else f"第{other.row}行"
    return f"工作表“{sheet}”第{other.row}行"


def _where_en(other: Any, row: Any) -> str:
    sheet = _sheet_of(other)
    if sheet == _sheet_of(row):
        return (f"column '{other.column}' of this row" if other.row == row.row
                else f"row {other.row}")
    return f"sheet '{sheet}' row {other.row}"


def _sheet_of(row: Any) -> str | None:
    """The sheet of a row of a workbook read sheet by sheet; None for a single table."""
    sheet = getattr(row, "sheet", None)
    return sheet if isinstance(sheet, str) else None


def _repeat(row: Any, peers: Peers) -> tuple[str, str]:
    first = peers.rows[_key(row)][0]
    return (f"与{_where_zh(first, row)}重复（数值相同），只保留一次",
            f"repeats {_where_en(first, row)} (same value); kept once")


def _jump(row: Any, peers: Peers) -> tuple[str, str]:
    previous_zh = _amount(row.previous_value, row.unit_zh)
    previous_en = _amount(row.previous_value, row.unit_en)
    source_zh, source_en = "已存数据", "stored value"
    if not pd.isna(row.previous_row):
        number, sheet = int(row.previous_row), row.previous_sheet
        other_sheet = isinstance(sheet, str) and sheet != _sheet_of(row)
        source_zh = f"工作表“{sheet}”第{number}行" if other_sheet else f"第{number}行"
        source_en = f"sheet '{sheet}' row {number}" if other_sheet else f"row {number}"
    change = row.value - row.previous_value
    sign = "+" if change > 0 else ""
    return (f"数值“{row.value_entered}”与{int(row.previous_period)}年的{previous_zh}（{source_zh}）"
            f"相比变化{sign}{_number(change)}，远超通常的变化幅度（{_number(row.jump_limit)}）；"
            "请核实",
            f"value '{row.value_entered}' jumps by {sign}{_number(change)} from {previous_en} in "
            f"{int(row.previous_period)} ({source_en}), far beyond the usual change "
            f"({_number(row.jump_limit)}); please check")


def _on_target(row: Any, peers: Peers) -> tuple[str, str]:
    return (f"数值“{row.value_entered}”恰好等于{row.period}年的目标值"
            f"{_amount(row.target_value, row.unit_zh)}（{row.target_id}）；"
            "请确认填写的是实际值而不是目标值",
            f"value '{row.value_entered}' equals the {row.period} target "
            f"{_amount(row.target_value, row.unit_en)} ({row.target_id}) exactly; make sure it "
            "is the actual value, not the target")


Message = Callable[[Any, Peers], tuple[str, str]]
CHECKS: dict[str, tuple[str, Message]] = {
    "value_not_below_minimum": ("error", _below),
    "value_not_above_maximum": ("error", _above),
    "milestone_done_or_not": ("error", _milestone),
    "rate_not_a_fraction": ("error", _fraction),
    "period_plausible": ("error", _period_message),
    "one_value_per_key": ("error", _conflict),
    "not_repeated": ("warning", _repeat),
    "no_jump_from_previous": ("warning", _jump),
    "not_exactly_on_target": ("warning", _on_target),
}

# What each check's problems are, for the line counting those not listed.
KINDS: dict[str, tuple[str, str]] = {
    "value_not_below_minimum": ("数值低于可能的最小值", "value below the plausible minimum"),
    "value_not_above_maximum": ("数值高于可能的最大值", "value above the plausible maximum"),
    "milestone_done_or_not": ("完成情况不是1或0", "milestone not 1 or 0"),
    "rate_not_a_fraction": ("比率像是小数", "rate that looks like a fraction"),
    "period_plausible": ("年份不合理", "implausible period"),
    "one_value_per_key": ("同一地区、指标和年份有不同的数值",
                          "different values for the same region, indicator and period"),
    "not_repeated": ("重复的行", "repeated row"),
    "no_jump_from_previous": ("数值变化过大", "jump from the previous value"),
    "not_exactly_on_target": ("数值恰好等于目标值", "value equal to the target"),
}


# --- warnings on the valid rows -------------------------------------------------------------


def _kept(checked: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """Rows without errors, each repeated row kept once."""
    errors = problems.loc[problems["severity"] == "error", "uid"].dropna().astype(int)
    kept = checked[~checked.index.isin(set(errors))]
    return kept[~_same_value(kept).duplicated(keep="first")]


def _plausible(kept: pd.DataFrame, history: pd.DataFrame | None,
               context: _Context) -> pd.DataFrame:
    """The kept rows with the columns Plausible checks."""
    return kept.join(_jumps(kept, history)).join(_targets_hit(kept, context))


def _jumps(kept: pd.DataFrame, history: pd.DataFrame | None) -> pd.DataFrame:
    """previous_value, previous_period, previous_row (and its sheet) and jump_limit for each
    kept row."""
    columns = ["previous_value", "previous_period", "previous_row", "previous_uid", "jump_limit"]
    current = kept.loc[~kept["is_milestone"], ["region_code", "indicator_id", "series", "period",
                                               "value", "row"]].assign(uid=lambda f: f.index)
    series = _series(current, history)
    if series.empty:
        return pd.DataFrame(columns=columns, index=kept.index, dtype=float).assign(
            previous_sheet=None)
    # Sorted by series then period, the previous value of a row is the row above it, unless
    # the row starts its series: shifts of whole columns, no grouping of millions of keys.
    series = series.iloc[np.lexsort((series["period"].to_numpy(),
                                     series["series"].to_numpy()))].reset_index(drop=True)
    ids = series["series"].to_numpy()
    starts = np.r_[True, ids[1:] != ids[:-1]]
    steps = np.arange(len(ids))
    series["earlier"] = steps - np.maximum.accumulate(np.where(starts, steps, 0))
    for column in ("value", "period", "row", "uid"):
        previous = np.r_[np.nan, series[column].to_numpy(float)[:-1]]
        previous[starts] = np.nan
        series[f"previous_{column}"] = previous
    series["yearly_change"] = ((series["value"] - series["previous_value"]).abs()
                               / (series["period"] - series["previous_period"]))
    series["usual"] = _usual_change(series, np.cumsum(starts) - 1)
    series["jump_limit"] = _jump_limit(series)
    mine = series[series["uid"].notna()].set_index("uid")
    mine.index = mine.index.astype(int)
    jumps = mine[columns].astype(float).reindex(kept.index)
    previous = jumps["previous_uid"].dropna().astype(int)
    jumps["previous_sheet"] = pd.Series(kept["sheet"].reindex(previous).to_numpy(),
                                        index=previous.index, dtype=object)
    return jumps


def _series(current: pd.DataFrame, history: pd.DataFrame | None) -> pd.DataFrame:
    """The file's values and the stored ones of the same series; the file's win."""
    stored = current.iloc[:0]
    if history is not None and not history.empty and not current.empty:
        stored = _stored_series(current, history)
    series = pd.concat([stored, current], ignore_index=True)
    series["row"] = series["row"].astype(float)
    series["uid"] = series["uid"].astype(float)
    return series


def _stored_series(current: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The stored values of the file's series (numbered as in the file) whose keys the file
    does not give again, each key once (the last). Found by integer keys: a planner's save
    checks a few values against a few hundred stored ones, and merges of text cost more."""
    keys = ["region_code", "indicator_id"]
    # Only the file's regions and indicators: an admin's history holds millions of values.
    history = history[history["indicator_id"].isin(current["indicator_id"].unique())
                      & history["region_code"].isin(current["region_code"].unique())]
    if history.empty:  # the columns in the order of the rows found below
        return current.iloc[:0][["region_code", "indicator_id", "period", "value", "series",
                                 "row", "uid"]]
    # Numbered together in the history's text type (Arrow's dictionary encoding, where
    # Python strings would be hashed one by one).
    both = pd.concat([current[keys].astype(history[keys].dtypes.to_dict()), history[keys]],
                     ignore_index=True)
    pair = pd.factorize(key_codes(both))[0]
    numbered = np.full(pair.max() + 1, -1, dtype=np.int64)
    numbered[pair[:len(current)]] = current["series"].to_numpy(dtype=np.int64)
    series = numbered[pair[len(current):]]
    period = history["period"].to_numpy(dtype=np.int64)
    periods = current["period"].to_numpy(dtype=np.int64)
    first = min(period.min(), periods.min())
    span = max(period.max(), periods.max()) - first + 1
    key = series * span + (period - first)
    given = current["series"].to_numpy(dtype=np.int64) * span + (periods - first)
    kept = np.flatnonzero((series >= 0) & ~np.isin(key, given)
                          & ~pd.Series(key).duplicated(keep="last").to_numpy())
    stored = history.iloc[kept]
    return pd.DataFrame({
        "region_code": stored["region_code"].to_numpy(dtype=object),
        "indicator_id": stored["indicator_id"].to_numpy(dtype=object),
        "period": period[kept], "value": stored["value"].to_numpy(dtype=float),
        "series": series[kept], "row": np.nan, "uid": np.nan})


def _usual_change(series: pd.DataFrame, group: np.ndarray) -> np.ndarray:
    """For each value, the median absolute yearly change among the values before it in its
    series (`series` sorted by series then period; `group` numbers the series 0, 1, ...)."""
    earlier = series["earlier"].to_numpy()
    changes = np.full((group[-1] + 1, earlier.max() + 1), np.nan)
    changes[group, earlier] = series["yearly_change"].to_numpy(float)
    medians = np.full((changes.shape[1], changes.shape[0]), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a series with no change yet: NaN
        for position in range(2, changes.shape[1]):
            medians[position] = np.nanmedian(changes[:, :position], axis=1)
    return medians[earlier, group]


def _jump_limit(series: pd.DataFrame) -> pd.Series:
    relative = JUMP_RELATIVE * series["previous_value"].abs()
    years = series["period"] - series["previous_period"]
    robust = np.maximum(JUMP_MEDIAN_FACTOR * series["usual"] * years, relative)
    limit = relative.where(series["earlier"] < JUMP_MIN_HISTORY, robust)
    # From 0, a relative change means nothing; with a history the median still judges it.
    unjudged = (series["earlier"] < JUMP_MIN_HISTORY) & (series["previous_value"] == 0)
    return limit.mask(unjudged)


def _bounds(catalogue: Catalogue, register: RegionRegister) -> pd.DataFrame:
    """Every value a region's at_least, at_most or range target names, by region, indicator
    and deadline year (region_code, indicator_id, period, target_value, target_id)."""
    targets = catalogue.targets_frame
    targets = targets[targets["kind"].isin(TARGET_HIT_KINDS)]
    bounds = pd.concat([
        targets[["target_id", "indicator_id", "region_class", "deadline_year", column]].rename(
            columns={column: "target_value"}) for column in ("target_value", "target_value_high")])
    bounds = bounds.dropna(subset=["target_value", "deadline_year"]).astype(
        {"target_value": float})
    bounds = bounds.merge(register.memberships[["region_code", "region_class"]])
    bounds["period"] = bounds["deadline_year"].astype(int)
    return bounds[[*KEY, "target_value", "target_id"]].reset_index(drop=True)


def _targets_hit(kept: pd.DataFrame, context: _Context) -> pd.DataFrame:
    """target_value and target_id of a target each kept row sits exactly on, if any."""
    columns = ["target_value", "target_id"]
    bounds = context.bounds
    # Only rows of an indicator and year some target names can hit one: a small share.
    rows = kept[kept["period"].isin(bounds["period"].unique())
                & kept["indicator_id"].isin(bounds["indicator_id"].unique())]
    rows = rows.join(context.info[["is_count"]], on="indicator_id")
    rows = rows.loc[~rows["is_count"], [*KEY, "value"]].reset_index()
    hits = rows.merge(bounds, on=KEY)
    hits = hits[np.isclose(hits["value"], hits["target_value"], rtol=1e-9, atol=1e-12)]
    hits = hits.drop_duplicates("uid").set_index("uid")
    return hits[columns].reindex(kept.index)


# --- assembling the result ------------------------------------------------------------------


def _combine(parts: list[pd.DataFrame | None]) -> pd.DataFrame:
    frames = [part for part in parts if part is not None and not part.empty]
    if not frames:
        empty = problems_frame([])
        empty["uid"] = pd.Series(dtype="Int64")
        return empty
    combined = pd.concat(frames, ignore_index=True)
    if "uid" not in combined:
        combined["uid"] = pd.NA
    combined["uid"] = combined["uid"].astype("Int64")
    combined["row"] = combined["row"].astype("Int64")
    return combined


def _rows(kept: pd.DataFrame, problems: pd.DataFrame, strict: bool) -> pd.DataFrame:
    if strict:
        warned = problems.loc[problems["severity"] == "warning", "uid"].dropna().astype(int)
        kept = kept[~kept.index.isin(set(warned))]
    rows = kept.reset_index(drop=True)[ROW_COLUMNS].copy()
    return rows.astype({"row": int, "period": int, "value": float})


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype=int), "region_code": pd.Series(dtype=object),
                         "indicator_id": pd.Series(dtype=object),
                         "period": pd.Series(dtype=int), "value": pd.Series(dtype=float),
                         "value_entered": pd.Series(dtype=object),
                         "unit_entered": pd.Series(dtype=object),
                         "note": pd.Series(dtype=object)})


def _in_sheets(problems: pd.DataFrame, frame: pd.DataFrame, sheets: list[str]) -> pd.DataFrame:
    """For a workbook read sheet by sheet, each problem of a row begins with its sheet and row
    (工作表“2018年”第3行：…), and problems go sheet by sheet (`_sheet`, for `_finished`)."""
    if not sheets or problems.empty:
        return problems
    own = problems["sheet"] if "sheet" in problems else pd.Series(None, index=problems.index)
    uids = problems["uid"].dropna().astype(int)
    by_row = pd.Series(frame["sheet"].reindex(uids).to_numpy(), index=uids.index, dtype=object)
    sheet = own.astype(object).where(own.notna(), by_row.reindex(problems.index))
    named = sheet.notna() & problems["row"].notna()
    rows = problems["row"].astype(object)
    zh = [f"工作表“{s}”第{r}行：" if n else "" for s, r, n in zip(sheet, rows, named, strict=True)]
    en = [f"sheet '{s}' row {r}: " if n else "" for s, r, n in zip(sheet, rows, named,
                                                                     strict=True)]
    order = {name: i for i, name in enumerate(sheets)}
    return problems.assign(problem_zh=zh + problems["problem_zh"],
                           problem_en=en + problems["problem_en"],
                           _sheet=[order.get(s, -1) if n else -1 for s, n in zip(sheet, named,
                                                                               strict=True)])


def _shown(problems: pd.DataFrame) -> pd.DataFrame:
    """Without the problems kept only to exclude their rows (bounded.omitted)."""
    if HIDDEN not in problems:
        return problems
    return problems[~problems[HIDDEN].eq(True)]


def _finished(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems sorted by sheet and row (whole-file ones first, the counts of those not listed
    last), in PROBLEM_COLUMNS."""
    sheet = problems.get("_sheet", 0)
    last = problems[SUMMARY].eq(True) if SUMMARY in problems else False
    ordered = problems.assign(_order=problems["row"].fillna(0), _sheet=sheet,
                              _last=last).sort_values(["_last", "_sheet", "_order"],
                                                      kind="stable")
    return ordered[PROBLEM_COLUMNS].reset_index(drop=True)


# --- for the terminal -----------------------------------------------------------------------


def format_problems(problems: pd.DataFrame, language: str = "zh") -> str:
    """A plain-text table (row, column, value, severity, message) in the order of `problems`
    (Validation.problems is sorted by sheet and row), whole-file problems first."""
    zh = language == "zh"
    if problems.empty:
        return "没有发现问题。" if zh else "No problems found."
    header = ["行", "列", "值", "级别", "问题"] if zh else ["row", "column", "value", "severity",
                                                      "problem"]
    severity = {"error": "错误", "warning": "警告"} if zh else {"error": "error",
                                                           "warning": "warning"}
    lines = [[("" if pd.isna(row.row) else str(row.row)), _cell(row.column), _cell(row.value),
              severity.get(row.severity, row.severity),
              row.problem_zh if zh else row.problem_en]
             for row in _file_first(problems).itertuples()]
    widths = [max(_width(line[i]) for line in [header, *lines]) for i in range(4)]
    return "\n".join(_line(line, widths) for line in [header, *lines])


def _file_first(problems: pd.DataFrame) -> pd.DataFrame:
    return problems.assign(_row=problems["row"].notna()).sort_values("_row", kind="stable")


def _cell(text: Any, limit: int = 24) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    text = str(text).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths,
                                                                         strict=False)]
    return "  ".join([*padded, cells[-1]]).rstrip()

