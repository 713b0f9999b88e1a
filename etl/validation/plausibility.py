"""Warn about plausible-looking mistakes: a jump from the previous value, a value on its target.

The jump warning (`no_jump_from_previous`) compares a value with the previous value of the same
region and indicator, stored (`history`) or earlier in the same file. With at least three earlier
values it warns when |change| > max(3 x the median absolute yearly change of the earlier
values x the years elapsed, 50 % of |previous|); with fewer, when |change| > 50 % of
|previous|. A series whose previous value is 0 with fewer than three earlier values, and
milestones (a step 0 -> 1 is their point), are not judged.

The target warning (`not_exactly_on_target`) flags a value equal to the target of an at_least,
at_most or range target of that region's classes, indicator and deadline year: a sign the
target was typed in place of the actual. Not for counts (item, person, working day, done),
which hit whole-number targets honestly, nor for equal targets (the value is prescribed),
cumulative targets (a sum over years) or steps and reductions (not in the indicator's unit).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from etl.validation.rules import KEY, Peers, amount, number, problem, sheet_of
from indicators.catalogue import Catalogue, TargetKind
from indicators.codes import key_codes
from indicators.regions import RegionRegister

if TYPE_CHECKING:  # context imports this module for `bounds`
    from etl.validation.context import Context

JUMP_MIN_HISTORY = 3
JUMP_MEDIAN_FACTOR = 3.0
JUMP_RELATIVE = 0.5
TARGET_HIT_KINDS = (TargetKind.AT_LEAST, TargetKind.AT_MOST, TargetKind.RANGE)


class History(Protocol):
    """The stored values the jump warning compares with: given the region codes and the
    indicator ids of the series a file holds (after their names are resolved), the current
    values (region_code, indicator_id, period, value) of at least those series. Store's
    `series_values` is one."""

    def __call__(self, region_codes: list[str], indicator_ids: list[str]) -> pd.DataFrame: ...


# --- messages, each above the check that gives it ----------------------------------------------


def _jump(row: Any, peers: Peers) -> tuple[str, str]:
    previous_zh = amount(row.previous_value, row.unit_zh)
    previous_en = amount(row.previous_value, row.unit_en)
    source_zh, source_en = "已存数据", "stored value"
    if not pd.isna(row.previous_row):
        row_number, sheet = int(row.previous_row), row.previous_sheet
        other_sheet = isinstance(sheet, str) and sheet != sheet_of(row)
        source_zh = f"工作表“{sheet}”第{row_number}行" if other_sheet else f"第{row_number}行"
        source_en = f"sheet '{sheet}' row {row_number}" if other_sheet else f"row {row_number}"
    change = row.value - row.previous_value
    sign = "+" if change > 0 else ""
    return (f"数值“{row.value_entered}”与{int(row.previous_period)}年的{previous_zh}（{source_zh}）"
            f"相比变化{sign}{number(change)}，远超通常的变化幅度（{number(row.jump_limit)}）；"
            "请核实",
            f"value '{row.value_entered}' jumps by {sign}{number(change)} from {previous_en} in "
            f"{int(row.previous_period)} ({source_en}), far beyond the usual change "
            f"({number(row.jump_limit)}); please check")


def _on_target(row: Any, peers: Peers) -> tuple[str, str]:
    return (f"数值“{row.value_entered}”恰好等于{row.period}年的目标值"
            f"{amount(row.target_value, row.unit_zh)}；"
            "请确认填写的是实际值而不是目标值",
            f"value '{row.value_entered}' equals the {row.period} target "
            f"{amount(row.target_value, row.unit_en)} exactly; make sure it "
            "is the actual value, not the target")


class Plausible(pa.DataFrameModel):
    """Valid rows beside their previous value and any target they sit exactly on."""

    value: Series[float]
    previous_value: Series[float] = pa.Field(nullable=True)
    jump_limit: Series[float] = pa.Field(nullable=True)
    target_value: Series[float] = pa.Field(nullable=True)

    @problem("warning", "数值变化过大", "jump from the previous value", _jump)
    @pa.dataframe_check(ignore_na=False)
    def no_jump_from_previous(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        change = (df["value"] - df["previous_value"]).abs()
        return df["jump_limit"].isna() | ~(change > df["jump_limit"])

    @problem("warning", "数值恰好等于目标值", "value equal to the target", _on_target)
    @pa.dataframe_check(ignore_na=False)
    def not_exactly_on_target(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return df["target_value"].isna() | ~np.isclose(df["value"], df["target_value"],
                                                       rtol=1e-9, atol=1e-12)


def plausible(kept: pd.DataFrame, history: History | pd.DataFrame | None,
              context: Context) -> pd.DataFrame:
    """The kept rows with the columns Plausible checks."""
    return kept.join(_jumps(kept, history)).join(_targets_hit(kept, context))


# --- the jump check ---------------------------------------------------------------------------


def _jumps(kept: pd.DataFrame, history: History | pd.DataFrame | None) -> pd.DataFrame:
    """previous_value, previous_period, previous_row (and its sheet) and jump_limit for each
    kept row."""
    columns = ["previous_value", "previous_period", "previous_row", "previous_uid", "jump_limit"]
    current = kept.loc[~kept["is_milestone"], ["region_code", "indicator_id", "series", "period",
                                               "value", "row"]].assign(uid=lambda f: f.index)
    series = _series(current, history)
    if series.empty:
        return pd.DataFrame(columns=columns, index=kept.index, dtype=float).assign(
            previous_sheet=None)
    # Sorted by series then period, the previous value of a row is the row above it, unless
    # the row starts its series: shifts of whole columns, no grouping of millions of keys.
    series = series.iloc[np.lexsort((series["period"].to_numpy(),
                                     series["series"].to_numpy()))].reset_index(drop=True)
    ids = series["series"].to_numpy()
    starts = np.r_[True, ids[1:] != ids[:-1]]
    steps = np.arange(len(ids))
    series["earlier"] = steps - np.maximum.accumulate(np.where(starts, steps, 0))
    for column in ("value", "period", "row", "uid"):
        previous = np.r_[np.nan, series[column].to_numpy(float)[:-1]]
        previous[starts] = np.nan
        series[f"previous_{column}"] = previous
    series["yearly_change"] = ((series["value"] - series["previous_value"]).abs()
                               / (series["period"] - series["previous_period"]))
    series["usual"] = _usual_change(series, np.cumsum(starts) - 1)
    series["jump_limit"] = _jump_limit(series)
    mine = series[series["uid"].notna()].set_index("uid")
    mine.index = mine.index.astype(int)
    jumps = mine[columns].astype(float).reindex(kept.index)
    previous = jumps["previous_uid"].dropna().astype(int)
    jumps["previous_sheet"] = pd.Series(kept["sheet"].reindex(previous).to_numpy(),
                                        index=previous.index, dtype=object)
    return jumps


def _series(current: pd.DataFrame, history: History | pd.DataFrame | None) -> pd.DataFrame:
    """The file's values and the stored ones of the same series; the file's win."""
    stored = current.iloc[:0]
    if history is not None and not current.empty:
        values = _asked(history, current)
        if not values.empty:
            stored = _stored_series(current, values)
    series = pd.concat([stored, current], ignore_index=True)
    series["row"] = series["row"].astype(float)
    series["uid"] = series["uid"].astype(float)
    return series


def _asked(history: History | pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The stored values of the file's regions and indicators: only those are asked for (an
    admin's store holds millions of values). A frame of values is taken as it is."""
    if isinstance(history, pd.DataFrame):
        return history
    return history(sorted(current["region_code"].unique()),
                   sorted(current["indicator_id"].unique()))


def _stored_series(current: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The stored values of the file's series (numbered as in the file) whose keys the file
    does not give again, each key once (the last). Found by integer keys: a planner's save
    checks a few values against a few hundred stored ones, and merges of text cost more."""
    keys = ["region_code", "indicator_id"]
    # Only the file's series: the history may hold every pair of their regions and
    # indicators, or, given as a frame, every stored value.
    history = history[history["indicator_id"].isin(current["indicator_id"].unique())
                      & history["region_code"].isin(current["region_code"].unique())]
    if history.empty:  # the columns in the order of the rows found below
        return current.iloc[:0][["region_code", "indicator_id", "period", "value", "series",
                                 "row", "uid"]]
    # Numbered together in the history's text type (Arrow's dictionary encoding, where
    # Python strings would be hashed one by one).
    both = pd.concat([current[keys].astype(history[keys].dtypes.to_dict()), history[keys]],
                     ignore_index=True)
    pair = pd.factorize(key_codes(both))[0]
    numbered = np.full(pair.max() + 1, -1, dtype=np.int64)
    numbered[pair[:len(current)]] = current["series"].to_numpy(dtype=np.int64)
    series = numbered[pair[len(current):]]
    period = history["period"].to_numpy(dtype=np.int64)
    periods = current["period"].to_numpy(dtype=np.int64)
    first = min(period.min(), periods.min())
    span = max(period.max(), periods.max()) - first + 1
    key = series * span + (period - first)
    given = current["series"].to_numpy(dtype=np.int64) * span + (periods - first)
    kept = np.flatnonzero((series >= 0) & ~np.isin(key, given)
                          & ~pd.Series(key).duplicated(keep="last").to_numpy())
    stored = history.iloc[kept]
    return pd.DataFrame({
        "region_code": stored["region_code"].to_numpy(dtype=object),
        "indicator_id": stored["indicator_id"].to_numpy(dtype=object),
        "period": period[kept], "value": stored["value"].to_numpy(dtype=float),
        "series": series[kept], "row": np.nan, "uid": np.nan})


def _usual_change(series: pd.DataFrame, group: np.ndarray) -> np.ndarray:
    """For each value, the median absolute yearly change among the values before it in its
    series (`series` sorted by series then period; `group` numbers the series 0, 1, ...)."""
    earlier = series["earlier"].to_numpy()
    changes = np.full((group[-1] + 1, earlier.max() + 1), np.nan)
    changes[group, earlier] = series["yearly_change"].to_numpy(float)
    medians = np.full((changes.shape[1], changes.shape[0]), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a series with no change yet: NaN
        for position in range(2, changes.shape[1]):
            medians[position] = np.nanmedian(changes[:, :position], axis=1)
    return medians[earlier, group]


def _jump_limit(series: pd.DataFrame) -> pd.Series:
    relative = JUMP_RELATIVE * series["previous_value"].abs()
    years = series["period"] - series["previous_period"]
    robust = np.maximum(JUMP_MEDIAN_FACTOR * series["usual"] * years, relative)
    limit = relative.where(series["earlier"] < JUMP_MIN_HISTORY, robust)
    # From 0, a relative change means nothing; with a history the median still judges it.
    unjudged = (series["earlier"] < JUMP_MIN_HISTORY) & (series["previous_value"] == 0)
    return limit.mask(unjudged)


# --- the on-target check ----------------------------------------------------------------------


def bounds(catalogue: Catalogue, register: RegionRegister) -> pd.DataFrame:
    """Every value a region's at_least, at_most or range target names, by region, indicator
    and deadline year (region_code, indicator_id, period, target_value, target_id)."""
    targets = catalogue.targets_frame
    targets = targets[targets["kind"].isin(TARGET_HIT_KINDS)]
    found = pd.concat([
        targets[["target_id", "indicator_id", "region_class", "deadline_year", column]].rename(
            columns={column: "target_value"}) for column in ("target_value", "target_value_high")])
    found = found.dropna(subset=["target_value", "deadline_year"]).astype(
        {"target_value": float})
    found = found.merge(register.memberships[["region_code", "region_class"]])
    found["period"] = found["deadline_year"].astype(int)
    return found[[*KEY, "target_value", "target_id"]].reset_index(drop=True)


def _targets_hit(kept: pd.DataFrame, context: Context) -> pd.DataFrame:
    """target_value and target_id of a target each kept row sits exactly on, if any."""
    columns = ["target_value", "target_id"]
    hittable = context.bounds
    # Only rows of an indicator and year some target names can hit one: a small share.
    rows = kept[kept["period"].isin(hittable["period"].unique())
                & kept["indicator_id"].isin(hittable["indicator_id"].unique())]
    rows = rows.join(context.info[["is_count"]], on="indicator_id")
    rows = rows.loc[~rows["is_count"], [*KEY, "value"]].reset_index()
    hits = rows.merge(hittable, on=KEY)
    hits = hits[np.isclose(hits["value"], hits["target_value"], rtol=1e-9, atol=1e-12)]
    hits = hits.drop_duplicates("uid").set_index("uid")
    return hits[columns].reindex(kept.index)
