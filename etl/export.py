"""Tidy long extracts for statisticians, from the store, judged by indicators.status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from etl.dictionary import LABEL_COLUMNS, add_labels
from etl.extract import Chunk
from etl.store import GROUP_ROWS, Store
from indicators.catalogue import DEFAULT_DECIMALS
from indicators.codes import text_codes
from indicators.reference import Reference
from indicators.status import evaluated

EXPORT_COLUMNS = [
    "region_code", "region_zh", "region_en", "indicator_id", "indicator_zh", "indicator_en",
    "period", "value", "unit", "value_entered", "unit_entered", "note",
    "target_id", "target_kind", "target_value", "target_value_high", "target_deadline",
    "region_class", "status", "value_judged", "gap", "gap_pct", "opensdg_status",
    "opensdg_score", "document", "clause", "is_demo", "accepted", "revision_id", "loaded_at",
    "loaded_by", "source", *LABEL_COLUMNS,
]
# The extract's types, fixed before the first row: a group where, say, every note is empty
# must write the same column as one with notes (inferred, it would be a column of nulls).
# Times are naive UTC, as the spreadsheet-ready frame has them.
_TEXT, _NUMBER = pa.string(), pa.float64()
EXPORT_SCHEMA = pa.schema([
    (column, _TEXT) for column in EXPORT_COLUMNS[:6]] + [
    ("period", pa.int64()), ("value", _NUMBER), ("unit", _TEXT), ("value_entered", _TEXT),
    ("unit_entered", _TEXT), ("note", _TEXT), ("target_id", _TEXT), ("target_kind", _TEXT),
    ("target_value", _NUMBER), ("target_value_high", _NUMBER), ("target_deadline", _TEXT),
    ("region_class", _TEXT), ("status", _TEXT), ("value_judged", _NUMBER), ("gap", _NUMBER),
    ("gap_pct", _NUMBER),
    ("opensdg_status", _TEXT), ("opensdg_score", _NUMBER), ("document", _TEXT),
    ("clause", _TEXT), ("is_demo", pa.bool_()), ("accepted", pa.bool_()),
    ("revision_id", pa.int64()),
    ("loaded_at", pa.timestamp("us")), ("loaded_by", _TEXT), ("source", _TEXT),
    *((column, _TEXT) for column in LABEL_COLUMNS),
])
# How each number leaves the product (indicators/catalogue/README.md, Precision): a value at
# its indicator's published precision (Catalogue.decimals); a bound, baseline or gap derived
# from the gazette's target at max(those decimals, BOUND_DECIMALS), so that float noise goes
# (41.440000000000005 -> 41.44) but a bound never collapses onto a value that misses it (7.615,
# half of 15.23 working days, stays 7.615, not 8); a share or score at a fixed precision.
VALUE_COLUMNS = ("value", "actual", "value_judged")
BOUND_COLUMNS = ("target_value", "target_value_high", "target_lower", "target_upper",
                 "baseline", "gap", "anticipated", "required_yearly_change")
FIXED_DECIMALS = {"gap_pct": 1, "opensdg_score": 3}
BOUND_DECIMALS = 4
ROUNDED_COLUMNS = (*VALUE_COLUMNS, *BOUND_COLUMNS, *FIXED_DECIMALS)


def places_of(column: str, decimals: int) -> int:
    """The decimals a number of `column` is given to, for an indicator published with
    `decimals`."""
    if column in FIXED_DECIMALS:
        return FIXED_DECIMALS[column]
    if column in BOUND_COLUMNS:
        return max(decimals, BOUND_DECIMALS)
    return decimals


def rounded(frame: pd.DataFrame, decimals: Mapping[str, int],
            columns: Iterable[str] = ROUNDED_COLUMNS) -> pd.DataFrame:
    """`frame` with its numbers in `columns` rounded as places_of says for each row's
    indicator (`indicator_id`, published with `decimals`), so no float noise
    (-0.9300000000000068) reaches a reader. Rounded by numpy on float64: x times 10^d to the
    nearest whole number, ties to even (2.5 -> 2, 0.125 -> 0.12 where the float is exactly
    that tie), then divided by 10^d, which gives the float nearest the d-decimal number,
    written in its short form (-0.93)."""
    present = [column for column in columns if column in frame.columns]
    if frame.empty or not present:
        return frame
    published = frame["indicator_id"].map(decimals).fillna(DEFAULT_DECIMALS).to_numpy(dtype=int)
    result = frame.copy(deep=False)
    for column in present:
        places = np.array([places_of(column, int(place)) for place in range(10)])[
            published.clip(0, 9)]
        numbers = pd.to_numeric(result[column], errors="coerce").to_numpy(dtype=np.float64,
                                                                           copy=True)
        for place in np.unique(places):
            chosen = places == place
            numbers[chosen] = np.round(numbers[chosen], int(place))
        result[column] = numbers
    return result


def export_table(store: Store, reference: Reference, *, indicators: Iterable[str] | None = None,
                 regions: Iterable[str] | None = None, first_period: int | None = None,
                 last_period: int | None = None, as_of: dt.datetime | None = None,
                 view: str = "accepted") -> pd.DataFrame:
    """One row per stored value (and per target due that year): names, unit, the target
    that applies, its status and gap, provenance, whether the value is the accepted one
    (`accepted`) and the revision it comes from. `view`: the accepted values (the default,
    what leaders see) or "all" current values; `as_of` reads every value as written then, so
    it needs view "all" (Store refuses the accepted view as of a moment). The whole extract
    in memory, for the dashboard's downloads; `targets export` streams export_chunks."""
    chunks = [chunk.rows for chunk in export_chunks(
        store, reference, indicators=indicators, regions=regions, first_period=first_period,
        last_period=last_period, as_of=as_of, view=view)]
    if not chunks:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    return pd.concat(chunks, ignore_index=True)


def export_chunks(store: Store, reference: Reference, *,
                  indicators: Iterable[str] | None = None, regions: Iterable[str] | None = None,
                  first_period: int | None = None, last_period: int | None = None,
                  as_of: dt.datetime | None = None, group_rows: int = GROUP_ROWS,
                  view: str = "accepted") -> Iterator[Chunk]:
    """export_table's rows, a group of whole indicators at a time, in the same order. Exact,
    not an approximation: a target is judged on its own indicator's series (its years,
    regions, predecessors' codes, and the running sums and done flags derived from it), and
    every group is evaluated as of the latest period of the whole selection. The statuses
    are judged on the values of `view` only."""
    groups = store.current_by_indicator(as_of=as_of, indicators=indicators, regions=regions,
                                        group_rows=group_rows, view=view)
    done = 0
    for group in groups:
        done += len(group.values)
        rows = export_rows(group.values, reference, group.latest_period, first_period,
                           last_period)
        if len(rows):
            yield Chunk(rows, done, group.selected)


def export_rows(series: pd.DataFrame, reference: Reference, year: int,
                first_period: int | None = None, last_period: int | None = None,
                ) -> pd.DataFrame:
    """The extract's rows for `series` (Store.current() of whole indicators) evaluated as of
    `year`, keeping the values from `first_period` to `last_period`."""
    # Status needs each series whole (previous years, baselines): evaluate them whole, then
    # keep the extract's years.
    period = series["period"]
    values = series[((first_period is None) | (period >= (first_period or 0)))
                    & ((last_period is None) | (period <= (last_period or 0)))]
    if values.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    due = _due_targets(series, reference, year)
    # The store gives the values ordered by indicator, region and period, and a left merge
    # keeps that order: sorting millions of rows again would only cost time and a copy.
    table = values.merge(due, on=["region_code", "indicator_id", "period"], how="left")
    for names, key in ((reference.region_names, "region_code"),
                       (reference.indicator_names, "indicator_id")):
        # Each distinct code looked up once: a few thousand regions repeat millions of times.
        codes, distinct = text_codes(table[key])
        found = names.set_index(key).reindex(distinct)
        for column in found.columns.intersection(EXPORT_COLUMNS):
            table[column] = found[column].array.take(codes, allow_fill=True)
    return rounded(add_labels(table)[EXPORT_COLUMNS].reset_index(drop=True),
                   reference.catalogue.decimals)


def _due_targets(series: pd.DataFrame, reference: Reference, year: int) -> pd.DataFrame:
    """The targets due in each (region, indicator, period) of `series`, judged, in target
    order. Only the targets of the series' own indicators for the series' own regions: the
    others would be judged on no data and match no value."""
    evaluation = evaluated(series[["region_code", "indicator_id", "period", "value"]],
                            reference, year, regions=series["region_code"].unique(),
                            indicators=series["indicator_id"].unique())
    due = evaluation[evaluation["due"]].rename(columns={
        "deadline_year": "period", "kind": "target_kind", "deadline": "target_deadline",
        "actual": "value_judged"})
    targets = reference.catalogue.targets_frame[["target_id", "target_value_high"]]
    due = due.merge(targets, on="target_id")
    due = due[["region_code", "indicator_id", "period", "target_id", "target_kind",
               "target_value", "target_value_high", "target_deadline", "region_class",
               "status", "value_judged", "gap", "gap_pct", "opensdg_status",
               "opensdg_score", "document", "clause"]]
    return due.sort_values("target_id")
