"""Resolve each distinct input once and spread the outcomes, and their problems, over the rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from etl.bounded import omitted, split_shown
from etl.layout import problems_frame
from etl.names import ROLE_NAMES
from etl.validation.report import with_uid
from indicators.codes import key_codes


@dataclass(frozen=True)
class Outcome:
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


@dataclass(frozen=True)
class Distinct:
    """The outcome of each distinct key, and which one each row has."""

    outcomes: list[Outcome]
    groups: np.ndarray  # per row, the index of its outcome

    def column(self, pick: Callable[[Outcome], Any]) -> np.ndarray:
        """One value per row, picked from its outcome: picked once per distinct key."""
        picked = np.empty(len(self.outcomes), dtype=object)
        picked[:] = [pick(outcome) for outcome in self.outcomes]
        return picked[self.groups]


def per_distinct(keys: pd.DataFrame, resolve: Callable[..., Outcome]) -> Distinct:
    """`resolve` once per distinct key row (a national file repeats each region and indicator
    tens of thousands of times)."""
    if keys.empty:
        return Distinct([], np.zeros(0, dtype=int))
    # Numbered in order of first appearance, as groupby(sort=False).ngroup() numbers them;
    # grouping millions of rows by their text costs far more.
    groups = pd.factorize(key_codes(keys))[0]
    _, first = np.unique(groups, return_index=True)
    distinct = keys.iloc[first]
    outcomes = [resolve(*(None if pd.isna(v) else v for v in key))
                for key in distinct.itertuples(index=False)]
    return Distinct(outcomes, groups)


def spread(frame: pd.DataFrame, distinct: Distinct, column: str, text: pd.Series,
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
    problems = with_uid(problems, list(frame.index[shown]))
    if len(rest):
        zh, en = ROLE_NAMES.get(column, (column, column))  # a role: the file had no header
        what_zh, what_en = kind or (f"“{zh}”列", f"column '{en}'")
        problems = pd.concat([problems, omitted(
            frame["row"].iloc[rest], frame.index[rest], column,
            _worst(distinct.outcomes[group].severity for group in distinct.groups[rest]),
            what_zh, what_en)], ignore_index=True)
    return results, extras, problems


def _worst(severities: Iterable[str]) -> str:
    found = set(severities)
    for severity in ("error", "warning"):
        if severity in found:
            return severity
    return found.pop() if len(found) == 1 else "warning"


def column_or_none(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return frame[column]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)
