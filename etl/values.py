"""Parse a value as people type it ("1,200", "26 %", "1.5万元", "是") into a number and a unit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from indicators.units import UnitError, conversion_factor, is_convertible, parse_unit

# `[0-9]`, not `\d`: the text is NFKC-normalised first, and `\d` would accept other digits.
NUMBER = re.compile(
    r"^(?P<number>[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<rest>.*)$")
MULTIPLIERS = {"万": 1e4, "亿": 1e8}
MILESTONE_WORDS = {
    "是": 1.0, "否": 0.0, "完成": 1.0, "已完成": 1.0, "未完成": 0.0, "yes": 1.0, "no": 0.0,
    "done": 1.0, "true": 1.0, "false": 0.0,
}
# NFKC leaves the mathematical minus alone; people paste it from Word.
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})


@dataclass(frozen=True)
class Parsed:
    """A typed value: its number (multipliers such as 万 applied) and unit text, or a problem."""

    number: float | None = None
    unit: str | None = None
    problem: str | None = None  # "not_a_number" or "unknown_unit"
    bad_unit: str | None = None


def clean(text: str) -> str:
    """NFKC, minus signs unified, without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(MINUS_SIGNS))


@lru_cache(maxsize=65536)
def parse_value(text: str, milestone: bool = False) -> Parsed:
    """Parse one cell; `milestone` also accepts 是/否/完成/yes/no/done/true/false."""
    cleaned = clean(text)
    if milestone and cleaned.casefold() in MILESTONE_WORDS:
        return Parsed(MILESTONE_WORDS[cleaned.casefold()])
    match = NUMBER.match(cleaned)
    if match is None:
        return Parsed(problem="not_a_number")
    rest = match["rest"]
    # "1,2" or "26.5.1" or "1e5": digits or separators after the number are not a unit.
    if re.search(r"[0-9]", rest) or rest.startswith((",", ".")):
        return Parsed(problem="not_a_number")
    number = float(match["number"].replace(",", ""))
    return _with_unit(number, rest)


def _with_unit(number: float, rest: str) -> Parsed:
    if not rest:
        return Parsed(number)
    if is_unit(rest):
        return Parsed(number, rest)
    # "3万", "2万亩": 万 is a multiplier unless it is part of a unit (万元 is a unit).
    multiplier = MULTIPLIERS.get(rest[0])
    if multiplier is not None:
        unit = rest[1:]
        if not unit:
            return Parsed(number * multiplier)
        if is_unit(unit):
            return Parsed(number * multiplier, unit)
        return Parsed(problem="unknown_unit", bad_unit=unit)
    return Parsed(problem="unknown_unit", bad_unit=rest)


def has_unit(text: str) -> bool:
    """Whether a cell carries its own unit ("2亩", "26%"), so a header's unit yields to it."""
    parsed = parse_value(text)
    return parsed.unit is not None or parsed.problem == "unknown_unit"


@lru_cache(maxsize=4096)
def is_unit(text: str) -> bool:
    try:
        parse_unit(text)
    except UnitError:
        return False
    return bool(text.strip())


def same_unit(first: str, second: str) -> bool:
    return parse_unit(first) == parse_unit(second)


@lru_cache(maxsize=4096)
def factor_to(unit: str, indicator_unit: str) -> float:
    """The factor from `unit` to `indicator_unit`; UnitError if they cannot convert.

    A per-person (or per-anything) indicator also takes its numerator alone: "490元" in a
    元/人 column means 490 元/人, as people write it."""
    if is_convertible(unit, indicator_unit):
        return conversion_factor(unit, indicator_unit)
    numerator, slash, denominator = str(parse_unit(indicator_unit)).partition(" / ")
    if slash and is_convertible(unit, numerator):
        return conversion_factor(f"({unit}) / ({denominator})", indicator_unit)
    raise UnitError(f"cannot convert {unit!r} to {indicator_unit!r}")
