"""Parse a value as people type it ("1,200", "26 %", "1.5万元", "是") into a number and a unit."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pint

from indicators.units import Quantity, UnitError, parse_unit, ureg

# `[0-9]`, not `\d`: the text is NFKC-normalised first, and `\d` would accept other digits.
NUMBER = re.compile(
    r"^(?P<number>[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<rest>.*)$")
# Spaces as thousands separators, only in a well-formed pattern of at least two groups
# ("1 200 000"): "120 130" or "1 2" are two numbers in one cell, not 120130 or 12.
SPACED_THOUSANDS = re.compile(r"[0-9]{1,3}(?: [0-9]{3}){2,}(?![0-9])")
SCIENTIFIC = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$")
# Beyond this a number is no statistic (a 400-digit cell would otherwise be stored as inf).
MAX_MAGNITUDE = 1e15
MULTIPLIERS = {"万": 1e4, "亿": 1e8}
MILESTONE_WORDS = {
    "是": 1.0, "否": 0.0, "完成": 1.0, "已完成": 1.0, "未完成": 0.0, "yes": 1.0, "no": 0.0,
    "done": 1.0, "true": 1.0, "false": 0.0,
}
# NFKC leaves the mathematical minus alone; people paste it from Word.
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})
# Spellings of a unit that the registry (indicators/units.txt) does not know, as typed alone.
UNIT_ALIASES = {"百分比": "percent"}
# The units a percent indicator takes besides ratios of like quantities ("元/百元"): pint also
# takes degrees and radians as dimensionless, so "26°" (a typo) would become 45.4%.
PERCENT_LIKE = frozenset({"percent", "permille", "yuan_per_hundred_yuan"})


@dataclass(frozen=True)
class Parsed:
    """A typed value: its number (multipliers such as 万 applied) and unit text, or a problem."""

    number: float | None = None
    unit: str | None = None
    problem: str | None = None  # "not_a_number", "scientific" or "unknown_unit"
    bad_unit: str | None = None


def clean(text: str) -> str:
    """NFKC, minus signs unified, without whitespace."""
    return re.sub(r"\s+", "", _normal(text))


def _normal(text: str) -> str:
    """NFKC (a no-break or thin space becomes a space), minus signs unified, runs of
    whitespace as one space, no space after a leading sign."""
    text = unicodedata.normalize("NFKC", text).translate(MINUS_SIGNS)
    return re.sub(r"^([+-]) ", r"\1", re.sub(r"\s+", " ", text).strip())


@lru_cache(maxsize=65536)
def parse_value(text: str, milestone: bool = False) -> Parsed:
    """Parse one cell; `milestone` also accepts 是/否/完成/yes/no/done/true/false."""
    normal = _normal(text)
    compact = normal.replace(" ", "")
    if milestone and compact.casefold() in MILESTONE_WORDS:
        return Parsed(MILESTONE_WORDS[compact.casefold()])
    if SCIENTIFIC.match(compact):
        return Parsed(problem="scientific")
    start = 1 if normal.startswith(("+", "-")) else 0
    spaced = SPACED_THOUSANDS.match(normal, start)
    if spaced is not None:
        normal = normal[:start] + spaced[0].replace(" ", "") + normal[spaced.end():]
    match = NUMBER.match(normal)
    if match is None:
        return Parsed(problem="not_a_number")
    rest = match["rest"].replace(" ", "")
    # "1,2" or "26.5.1" or "120 130": digits or separators after the number are not a unit.
    if re.search(r"[0-9]", rest) or rest.startswith((",", ".")):
        return Parsed(problem="not_a_number")
    number = float(match["number"].replace(",", ""))
    return _with_unit(number, rest)


def _with_unit(number: float, rest: str) -> Parsed:
    if not rest:
        return _finite(number)
    if is_unit(rest):
        return _finite(number, rest)
    # "3万", "2万亩": 万 is a multiplier unless it is part of a unit (万元 is a unit).
    multiplier = MULTIPLIERS.get(rest[0])
    if multiplier is not None:
        unit = rest[1:]
        if not unit:
            return _finite(number * multiplier)
        if is_unit(unit):
            return _finite(number * multiplier, unit)
        return Parsed(problem="unknown_unit", bad_unit=unit)
    return Parsed(problem="unknown_unit", bad_unit=rest)


def _finite(number: float, unit: str | None = None) -> Parsed:
    """Not a number when infinite, NaN or absurdly large."""
    if not math.isfinite(number) or abs(number) >= MAX_MAGNITUDE:
        return Parsed(problem="not_a_number")
    return Parsed(number, unit)


def has_unit(text: str) -> bool:
    """Whether a cell carries its own unit ("2亩", "26%"), so a header's unit yields to it."""
    parsed = parse_value(text)
    return parsed.unit is not None or parsed.problem == "unknown_unit"


@lru_cache(maxsize=4096)
def unit_of(text: str) -> pint.Unit:
    """The unit `text` stands for; UnitError for anything pint cannot parse, whatever pint
    raises on the way (an unbalanced bracket in "%)" raises tokenize.TokenError)."""
    text = text.strip()
    text = UNIT_ALIASES.get(text, text)
    try:
        return parse_unit(text)
    except UnitError:
        raise
    except Exception as error:  # pint's tokenizer and evaluator raise a grab-bag
        raise UnitError(f"unknown unit {text!r}") from error


@lru_cache(maxsize=4096)
def is_unit(text: str) -> bool:
    try:
        unit_of(text)
    except UnitError:
        return False
    return bool(text.strip())


def same_unit(first: str, second: str) -> bool:
    return unit_of(first) == unit_of(second)


def is_percent(unit: str) -> bool:
    return str(unit_of(unit)) == "percent"


@lru_cache(maxsize=4096)
def factor_to(unit: str, indicator_unit: str) -> float:
    """The factor from `unit` to `indicator_unit`; UnitError if they cannot convert.

    Strictly by dimension: an area is not an area per person, money not money per person, a
    count not a count per 10,000 people, a length not a length per area (`total_for` tells
    such a total apart, for the message). A percent indicator takes only percent, ‰ and
    ratios of like quantities (元/百元), never an angle."""
    source, target = unit_of(unit), unit_of(indicator_unit)
    if str(target) == "percent" and not _percent_like(source):
        raise UnitError(f"cannot convert {unit!r} to {indicator_unit!r}")
    if source.is_compatible_with(target):
        return _factor(source, target)
    raise UnitError(f"cannot convert {unit!r} to {indicator_unit!r}")


@lru_cache(maxsize=4096)
def total_for(unit: str, indicator_unit: str) -> str | None:
    """The denominator of `indicator_unit` ("person", "square_kilometer") when `unit` is the
    unit of its numerator alone: a total (公顷, 元, 个, 公里) given for a per-something
    indicator (平方米/人, 元/人, 个/万人, 公里/平方公里). None otherwise."""
    try:
        source, target = unit_of(unit), unit_of(indicator_unit)
    except UnitError:
        return None
    numerator, slash, denominator = str(target).partition(" / ")
    if slash and not source.is_compatible_with(target) and \
            source.is_compatible_with(unit_of(numerator)):
        return denominator
    return None


def _factor(source: pint.Unit, target: pint.Unit) -> float:
    try:
        return float(Quantity(1.0, source).to(target).magnitude)
    except pint.errors.PintError as error:
        raise UnitError(f"cannot convert {source} to {target}") from error


def _percent_like(unit: pint.Unit) -> bool:
    """Percent, ‰, 元每百元, or a ratio of dimensioned units (元/百元); not "1" nor °."""
    names = dict(unit._units)  # pint has no public view of a unit's parts
    return bool(names) and all(name in PERCENT_LIKE or ureg.get_dimensionality(name)
                               for name in names)
