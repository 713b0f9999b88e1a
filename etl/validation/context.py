"""What validation derives from a catalogue and a register, kept with the catalogue object."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

import pandas as pd

from etl.names import IndicatorNames, RegionNames
from etl.validation.plausibility import bounds
from indicators.catalogue import Catalogue
from indicators.regions import RegionRegister
from indicators.units import parse_unit, unit_label

# Counts hit whole-number targets honestly: a count on its target is no warning.
COUNT_UNITS = ("item", "person", "working_day", "day", "done")


@dataclass(frozen=True)
class Tables:
    """What validation derives from one catalogue and one register, whatever the file:
    names to resolve, indicator ranges and units, the bounds a value may sit exactly on."""

    indicator_names: IndicatorNames
    region_names: RegionNames
    info: pd.DataFrame
    milestones: frozenset[str]
    bounds: pd.DataFrame  # region_code, indicator_id, period, target_value, target_id

    @classmethod
    def build(cls, catalogue: Catalogue, register: RegionRegister) -> Tables:
        info = indicator_info(catalogue)
        return cls(IndicatorNames(catalogue), RegionNames(register), info,
                   frozenset(info.index[info["is_milestone"]]), bounds(catalogue, register))


# The tables are held by the catalogue object itself, in its instance dictionary as its own
# cached properties are, with the register they were built for. Building them costs more than
# checking a planner's few values, so they are kept between calls; held by the catalogue, they
# live exactly as long as it does, every catalogue has its own (no process-wide slot that two
# catalogues would evict each other from), and nothing can pair them with a later object that
# happens to reuse an id. A catalogue is frozen and never changed in place (nor is a register):
# the same objects mean the same tables.
_HELD = "_validation_tables"
_LOCK = "_validation_tables_lock"


def tables_for(catalogue: Catalogue, register: RegionRegister) -> Tables:
    """The tables of this catalogue and register, built once while both objects are reused."""
    held = vars(catalogue).get(_HELD)
    if held is not None and held[0] is register:
        return held[1]
    # Two requests at once build the tables once; setdefault keeps the first lock made.
    with vars(catalogue).setdefault(_LOCK, threading.Lock()):
        held = vars(catalogue).get(_HELD)
        if held is None or held[0] is not register:
            held = (register, Tables.build(catalogue, register))
            vars(catalogue)[_HELD] = held
    return held[1]


def forget(catalogue: Catalogue) -> None:
    """Drop the tables the catalogue holds: the next validation builds them again."""
    vars(catalogue).pop(_HELD, None)


@dataclass
class Context:
    """One validation's catalogue, register, date and the headers the user wrote."""

    catalogue: Catalogue
    register: RegionRegister
    today: dt.date
    headers: dict[str, str] = field(default_factory=dict)
    # Rows of regions and indicators the product does not know are skipped (noted, severity
    # "skipped") rather than refused.
    skip_unknown: bool = False

    def __post_init__(self) -> None:
        tables = tables_for(self.catalogue, self.register)
        self.indicator_names = tables.indicator_names
        self.region_names = tables.region_names
        self.info = tables.info
        self.milestones = tables.milestones
        self.bounds = tables.bounds

    def header(self, role: str) -> str:
        return self.headers.get(role, role)


def indicator_info(catalogue: Catalogue) -> pd.DataFrame:
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
