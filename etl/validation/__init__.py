"""Validate reported values: resolve region, indicator, period and unit, then check each row.

resolve (periods, indicators, regions) and entries (values and units) resolve each distinct
input once (distinct); checks (errors and repeats) and plausibility (the jump and on-target
warnings) are pandera models whose checks carry their own severity and messages (rules);
report assembles the Validation and words it for a terminal; context holds what a catalogue
and a register give every validation; pipeline runs the steps in order.
"""

from etl.validation.pipeline import validate, validate_file
from etl.validation.plausibility import History
from etl.validation.report import Validation, format_problems

__all__ = ["History", "Validation", "format_problems", "validate", "validate_file"]
