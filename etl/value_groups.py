"""Current values streamed in indicator order, regrouped into groups of whole indicators
(Store.current_by_indicator): memory holds a group, not the whole store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

LOAD_COLUMNS = {"is_demo": "is_demo", "loaded_at": "loaded_at", "loaded_by": "loaded_by",
                "source": "source", "kind": "source_kind"}


@dataclass(frozen=True)
class ValueGroup:
    """Current values of whole indicators, as current() gives them, with two figures of the
    whole selection the group belongs to."""

    values: pd.DataFrame
    latest_period: int  # the latest period of the whole selection
    selected: int  # values in the whole selection


def whole_indicators(batches: Iterator[pd.DataFrame], loads: pd.DataFrame,
                      group_rows: int) -> Iterator[ValueGroup]:
    """Batches in indicator order regrouped into groups of whole indicators, each cut where
    the first indicator to end after `group_rows` values ends; each group's load columns
    taken from `loads` (a few rows) rather than joined to every value in the query."""
    pending: list[pd.DataFrame] = []
    held = 0
    open_indicator = None  # the indicator of the last row held: it may go on in the next batch
    for batch in batches:
        ids = batch["indicator_id"].to_numpy()
        # Where an indicator begins in the batch; everything held before such a row is whole.
        starts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
        if ids[0] != open_indicator:
            starts = np.r_[0, starts]
        taken = 0
        for start in starts:
            if held + start - taken >= max(group_rows, 1):
                pending.append(batch.iloc[taken:start])
                yield _group(pending, loads)
                pending, held, taken = [], 0, int(start)
        pending.append(batch.iloc[taken:])
        held += len(batch) - taken
        open_indicator = ids[-1]
    if held:
        yield _group(pending, loads)


def _group(batches: list[pd.DataFrame], loads: pd.DataFrame) -> ValueGroup:
    values = pd.concat(batches, ignore_index=True)
    first = values.iloc[0]
    latest, selected = int(first["latest_period"]), int(first["selected"])
    provenance = loads.loc[values["load_id"], list(LOAD_COLUMNS)].rename(columns=LOAD_COLUMNS)
    values = values.drop(columns=["load_id", "latest_period", "selected"])
    for column in provenance.columns:
        values[column] = provenance[column].array  # .array keeps a time zone; numpy would not
    return ValueGroup(values, latest, selected)
