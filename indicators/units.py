"""The one pint registry of the program, read from `units.txt`."""

from __future__ import annotations

import tokenize
from functools import lru_cache
from pathlib import Path

import numpy as np
import pint

from indicators.catalogue_cache import cache_dir
from indicators.paths import UNITS_FILE


def build_registry(cache_folder: Path | None) -> pint.UnitRegistry:
    """pint's default units, then ours (units.txt) on top. Given `cache_folder`, pint keeps
    its defaults there parsed: reading them from text is most of what starting a small command
    costs. The cache is an optimisation only: if pint cannot use it, the defaults are read
    from text as without one."""
    try:
        registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True,
                                     cache_folder=cache_folder)
    except Exception:  # an unusable folder or a damaged file: whatever pint's cache raises
        registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    # units.txt names a prefixed unit (`@alias kilometer = 公里`); pint makes those on first
    # use, and a registry read from its cache has not used it yet.
    registry.parse_units("kilometer")
    registry.load_definitions(str(UNITS_FILE))
    return registry


ureg = build_registry(cache_dir() / "pint")
Quantity = ureg.Quantity


class UnitError(ValueError):
    """A unit is unknown, or cannot be converted to the one required."""


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit expression such as "平方米/人" or "percent"; UnitError if unknown."""
    try:
        return ureg.parse_units(text.strip())
    except (pint.errors.PintError, tokenize.TokenError, AttributeError, TypeError, ValueError,
            AssertionError) as error:  # pint's parser raises all of these on odd text
        raise UnitError(f"unknown unit {text!r}") from error


def is_convertible(source: str, target: str) -> bool:
    try:
        return parse_unit(source).is_compatible_with(parse_unit(target))
    except UnitError:
        return False


@lru_cache(maxsize=1024)
def conversion_factor(source: str, target: str) -> float:
    """The factor f with value[target] = f * value[source]: every unit here is multiplicative."""
    if not is_convertible(source, target):
        raise UnitError(f"cannot convert {source!r} to {target!r}")
    return float(Quantity(1.0, parse_unit(source)).to(parse_unit(target)).magnitude)


def convert(values: np.ndarray | float, source: str, target: str) -> np.ndarray | float:
    """Convert magnitudes from `source` to `target` units."""
    return np.asarray(values, dtype=float) * conversion_factor(source, target) if not np.isscalar(
        values) else float(values) * conversion_factor(source, target)


def unit_label(unit: str, language: str = "zh") -> str:
    """A short label for axes and tables: 平方米/人, %, 公顷 ..."""
    labels = UNIT_LABELS.get(str(parse_unit(unit)))
    if labels is None:
        return f"{parse_unit(unit):~P}"
    return labels[0] if language == "zh" else labels[1]


# English labels in the singular, for exactly one: "1 item", not "1 items".
SINGULAR_EN = {"items": "item", "persons": "person", "working days": "working day",
               "days": "day", "percentage points": "percentage point"}


def quantity_label(value: float, unit: str, language: str = "zh") -> str:
    """The unit's label as it follows a number: unit_label, in the singular for one."""
    label = unit_label(unit, language)
    return SINGULAR_EN.get(label, label) if language == "en" and abs(value) == 1 else label


UNIT_LABELS: dict[str, tuple[str, str]] = {
    "percent": ("%", "%"),
    "percentage_point": ("百分点", "percentage points"),
    "hectare": ("公顷", "ha"),
    "mu": ("亩", "mu"),
    "square_meter": ("平方米", "m²"),
    "square_kilometer": ("平方公里", "km²"),
    "kilometer": ("公里", "km"),
    "square_meter / person": ("平方米/人", "m²/person"),
    "kilometer / square_kilometer": ("公里/平方公里", "km/km²"),
    "yuan": ("元", "yuan"),
    "wan_yuan": ("万元", "10k yuan"),
    "yi_yuan": ("亿元", "100m yuan"),
    "yuan / person": ("元/人", "yuan/person"),
    "yuan_per_hundred_yuan": ("元/百元", "yuan per 100 yuan"),
    "person": ("人", "persons"),
    "wan_person": ("万人", "10k persons"),
    "item / wan_person": ("个/万人", "items/10k persons"),
    "person / wan_person": ("人/万人", "persons/10k persons"),
    "item": ("个", "items"),
    "working_day": ("工作日", "working days"),
    "day": ("天", "days"),
    "done": ("完成(1/0)", "done (1/0)"),
}
