"""Run a pandera model's named checks and word each failed row as a problem of the check's own."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd
import pandera.pandas as pa

from etl.bounded import MAX_LISTED, omitted, split_shown
from etl.layout import problems_frame
from etl.validation.report import combine, with_uid

if TYPE_CHECKING:  # context imports plausibility, which imports this module
    from etl.validation.context import Context

KEY = ["region_code", "indicator_id", "period"]


@dataclass(frozen=True)
class Peers:
    """The first rows (MAX_LISTED + 1) sharing each failed row's region, indicator and period,
    in file order, and how many share it in all."""

    rows: dict[tuple[Any, ...], list[Any]]
    counts: dict[tuple[Any, ...], int]


Message = Callable[[Any, Peers], tuple[str, str]]
Check = TypeVar("Check")


@dataclass(frozen=True)
class Rule:
    """What a failed check means: its severity, what its problems are (for the line counting
    those not listed) and the message of a failed row."""

    severity: str
    kind_zh: str
    kind_en: str
    message: Message
    peers: bool = False  # the message names the other rows of the same key
    of_period: bool = False  # the problem is the period's (its column, its text)


def problem(severity: str, kind_zh: str, kind_en: str, message: Message,
            **options: bool) -> Callable[[Check], Check]:
    """Put on a pandera check (above @pa.dataframe_check): what its failures mean, kept on
    the check itself."""
    def mark(check: Check) -> Check:
        check.__problem__ = Rule(severity, kind_zh, kind_en, message, **options)  # type: ignore[attr-defined]
        return check
    return mark


def failures(frame: pd.DataFrame, model: type[pa.DataFrameModel],
             context: Context) -> pd.DataFrame:
    """Every failed check of `model` on `frame`, as problems with their messages. pandera
    checks the columns and their types; each named check's own function says which rows fail.
    (pandera's failure cases cost a Python call per failing row and one string of them all:
    a file of many conflicting rows took seconds and gigabytes to report, where a mask costs
    nothing.)"""
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
            rule = inspect.getattr_static(model, check.name).__problem__
            found.append(_messages(frame, rule, pd.Series(failed), context))
    return combine(found) if found else problems_frame([])


@functools.cache
def _columns_only(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The model's columns and types, without its checks."""
    schema = model.to_schema()
    return pa.DataFrameSchema(schema.columns, name=schema.name)


def _messages(frame: pd.DataFrame, rule: Rule, uids: pd.Series,
              context: Context) -> pd.DataFrame:
    every = np.sort(uids.astype(int).to_numpy())  # file order: uids number the rows in order
    shown, rest = split_shown(len(every))
    failed = frame.loc[every[shown]].join(context.info[["unit_zh", "unit_en"]],
                                          on="indicator_id")
    peers = _peers(frame, failed) if rule.peers else Peers({}, {})
    texts = [rule.message(row, peers) for row in failed.itertuples()]
    column = failed["column"]
    if rule.of_period:
        column = pd.Series(context.header("period"), index=failed.index)
    problems = problems_frame([{
        "row": row.row, "column": col,
        "value": str(row.period_entered if rule.of_period else row.value_entered),
        "severity": rule.severity, "problem_zh": zh, "problem_en": en}
        for row, col, (zh, en) in zip(failed.itertuples(), column, texts, strict=True)])
    problems = with_uid(problems, list(failed.index))
    if len(rest):
        hidden = every[rest]
        column_shown = column.iloc[0] if len(column) else None
        problems = pd.concat([problems, omitted(frame.loc[hidden, "row"], hidden, column_shown,
                                                rule.severity, rule.kind_zh, rule.kind_en)],
                             ignore_index=True)
    return problems


def _peers(frame: pd.DataFrame, failed: pd.DataFrame) -> Peers:
    keys = failed[KEY].drop_duplicates()
    same = frame.reset_index().merge(keys, on=KEY).sort_values("uid")
    groups = same.groupby(KEY)
    counts = groups.size()
    first = same[groups.cumcount().to_numpy() <= MAX_LISTED]
    return Peers({key: list(group.itertuples(index=False))
                  for key, group in first.groupby(KEY)},
                 {key: int(count) for key, count in counts.items()})


# --- wording shared by the messages -----------------------------------------------------------


def number(value: float) -> str:
    """At most six significant digits, never in scientific notation."""
    return np.format_float_positional(float(f"{value:.6g}"), trim="-")


def amount(value: float, unit: str) -> str:
    """26%, 2公顷, 2 ha: Chinese and % take no space before the unit."""
    space = "" if unit in ("%", "") or not unit.isascii() else " "
    return f"{number(value)}{space}{unit}"


def sheet_of(row: Any) -> str | None:
    """The sheet of a row of a workbook read sheet by sheet; None for a single table."""
    sheet = getattr(row, "sheet", None)
    return sheet if isinstance(sheet, str) else None
