"""Validate a long frame or a file: resolve, check, then warn, in that order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from etl.bounded import refuse_many_cells
from etl.layout import HEADERS_ATTR, PROBLEMS_ATTR, SHEETS_ATTR, tables_to_long
from etl.read import FileRejected, read_tables
from etl.validation import report
from etl.validation.checks import Reported, checked, kept
from etl.validation.context import Context
from etl.validation.plausibility import History, Plausible, plausible
from etl.validation.report import Validation, combine
from etl.validation.resolve import resolve
from etl.validation.rules import failures
from indicators.catalogue import Catalogue
from indicators.regions import RegionRegister


def validate(long: pd.DataFrame, catalogue: Catalogue, register: RegionRegister, *,
             history: History | pd.DataFrame | None = None, strict: bool = False,
             today: dt.date | None = None, skip_unknown: bool = False) -> Validation:
    """Resolve and check the values of `long` (layout.to_long). `history` gives the stored
    values the jump warning compares with: asked for the regions and indicators of the file's
    series once they are resolved (a History, such as Store.series_values), or a frame of
    values (region_code, indicator_id, period, value). A file past a limit (etl/bounded.py)
    gives one problem. With `skip_unknown`, the rows of regions and indicators the product does
    not know are left out, each with a note (severity "skipped", blocking nothing), instead of
    errors; any other problem of such a row is dropped with it."""
    try:
        return _validated(long, catalogue, register, history, strict, today, skip_unknown)
    except FileRejected as rejected:
        return report.rejected(None, rejected, strict)


def _validated(long: pd.DataFrame, catalogue: Catalogue, register: RegionRegister,
               history: History | pd.DataFrame | None, strict: bool,
               today: dt.date | None, skip_unknown: bool) -> Validation:
    context = Context(catalogue, register, today or dt.date.today(),
                      dict(long.attrs.get(HEADERS_ATTR, {})), skip_unknown)
    sheets = list(long.attrs.get(SHEETS_ATTR, []))
    frame = long.reset_index(drop=True)
    frame.attrs = {}  # pandas deep-copies attrs on every operation: read once, then drop
    frame.index.name = "uid"  # a wide row gives several values: the row number is not a key
    rows, found = _resolved_and_checked(frame, context)
    problems = combine([long.attrs.get(PROBLEMS_ATTR), *found,
                        failures(rows, Reported, context)])
    problems, skipped = report.skipping(problems, frame)
    valid = kept(rows, problems)
    problems = combine([problems, failures(plausible(valid, history, context), Plausible,
                                           context)])
    return Validation(report.rows(valid, problems, strict),
                      report.finished(problems, frame, sheets), strict, *skipped)


def _resolved_and_checked(frame: pd.DataFrame, context: Context,
                          ) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The rows that resolved, with the columns Reported checks, and the problems found on
    the way; the wide frame of resolution steps is dropped here (hundreds of MB nationally)."""
    resolved, found = resolve(frame, context)
    return checked(resolved, context), found


def validate_file(path: Path, catalogue: Catalogue, register: RegionRegister,
                  max_cells: int | None = None, name: str | None = None,
                  skip_unknown: bool = False, **options: Any) -> Validation:
    """Read, lay out and validate a file (every sheet with data of a workbook); a rejected file
    becomes one problem (row None) naming it `name` (the uploaded file's own name, when `path`
    is a temporary copy), else its path's. `max_cells` refuses a file of more filled cells;
    `skip_unknown` leaves out the columns and rows of unknown indicators and regions (see
    `validate`)."""
    try:
        tables = read_tables(path)
        if max_cells is not None:
            refuse_many_cells(tables, max_cells)
        long = tables_to_long(tables, catalogue, skip_unknown)
    except FileRejected as rejected:
        return report.rejected(name or path.name, rejected, bool(options.get("strict", False)))
    return validate(long, catalogue, register, skip_unknown=skip_unknown, **options)
