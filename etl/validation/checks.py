"""Check resolved rows: ranges, milestones, fractions, periods, conflicts and repeats (pandera)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from etl.bounded import MAX_LISTED
from etl.validation.context import Context
from etl.validation.distinct import column_or_none
from etl.validation.resolve import RESOLVED_AS
from etl.validation.rules import Peers, amount, number, problem, sheet_of
from indicators.codes import text_codes

FIRST_YEAR = 2000
SERIES_KEY = ["series", "period"]  # the key, with region and indicator numbered: fast to group
# Values equal to this many significant digits are the same value ("26" and "26%").
SAME_VALUE_DIGITS = 9


# --- messages, each above the check that gives it ----------------------------------------------


def _is_whole_rate(row: Any) -> bool:
    return bool(row.is_percent and row.min_value == 0 and row.max_value == 100)


def _rate_outside(value: str) -> tuple[str, str]:
    return f"比率“{value}”超出0–100%的范围", f"a rate of '{value}' is outside 0-100%"


def _below(row: Any, peers: Peers) -> tuple[str, str]:
    value = row.value_entered
    if _is_whole_rate(row):
        return _rate_outside(value)
    if row.min_value == 0:
        return f"数值“{value}”不能为负数", f"value '{value}' cannot be negative"
    return (f"数值“{value}”低于可能的最小值{amount(row.min_value, row.unit_zh)}",
            f"value '{value}' is below the plausible minimum {amount(row.min_value, row.unit_en)}")


def _above(row: Any, peers: Peers) -> tuple[str, str]:
    value = row.value_entered
    if _is_whole_rate(row):
        return _rate_outside(value)
    return (f"数值“{value}”高于可能的最大值{amount(row.max_value, row.unit_zh)}",
            f"value '{value}' is above the plausible maximum {amount(row.max_value, row.unit_en)}")


def _milestone(row: Any, peers: Peers) -> tuple[str, str]:
    return (f"完成情况应为1（完成）或0（未完成），不能是“{row.value_entered}”",
            f"a milestone is 1 (done) or 0 (not done), not '{row.value_entered}'")


def _fraction(row: Any, peers: Peers) -> tuple[str, str]:
    percent, typed = number(row.value * 100), number(row.value)
    return (f"“{row.value_entered}”像是小数形式的比率；请填写{percent}或{percent}%"
            f"（若确为{typed}%，请写“{typed}%”）",
            f"'{row.value_entered}' looks like a fraction; write {percent} or {percent}% "
            f"(if you mean {typed} percent, write '{typed}%')")


def _period(row: Any, peers: Peers) -> tuple[str, str]:
    text = row.period_entered
    if row.period > row.last_year:
        return (f"年份“{text}”不合理：是未来的年份",
                f"not a plausible period '{text}': it is in the future")
    return (f"年份“{text}”不合理：应为{FIRST_YEAR}年至{row.last_year}年",
            f"not a plausible period '{text}': expected a year from {FIRST_YEAR} to "
            f"{row.last_year}")


def _conflict(row: Any, peers: Peers) -> tuple[str, str]:
    others = [peer for peer in peers.rows[_key(row)] if peer.uid != row.Index][:MAX_LISTED]
    more = peers.counts[_key(row)] - 1 - len(others)
    zh = "、".join(f"{_where_zh(other, row)}为“{other.value_entered}”" for other in others)
    en = ", ".join(f"'{other.value_entered}' in {_where_en(other, row)}" for other in others)
    if more > 0:
        zh, en = f"{zh}，另有{more}行", f"{en} and {more} more rows"
    return (f"同一地区、指标和年份有不同的数值：本行为“{row.value_entered}”，{zh}",
            f"different values for the same region, indicator and period: "
            f"'{row.value_entered}' here, {en}")


def _repeat(row: Any, peers: Peers) -> tuple[str, str]:
    first = peers.rows[_key(row)][0]
    return (f"与{_where_zh(first, row)}重复（数值相同），只保留一次",
            f"repeats {_where_en(first, row)} (same value); kept once")


def _key(row: Any) -> tuple[Any, ...]:
    return (row.region_code, row.indicator_id, row.period)


def _where_zh(other: Any, row: Any) -> str:
    sheet = sheet_of(other)
    if sheet == sheet_of(row):
        return f"本行“{other.column}”列" if other.row == row.row else f"第{other.row}行"
    return f"工作表“{sheet}”第{other.row}行"


def _where_en(other: Any, row: Any) -> str:
    sheet = sheet_of(other)
    if sheet == sheet_of(row):
        return (f"column '{other.column}' of this row" if other.row == row.row
                else f"row {other.row}")
    return f"sheet '{sheet}' row {other.row}"


# --- the checks -------------------------------------------------------------------------------


class Reported(pa.DataFrameModel):
    """Resolved rows and what their checks need; each check says beside it what its failures
    mean (rules.problem). Every check says itself what a missing value means
    (ignore_na=False): pandera's default would test every column of every row for NaN once
    per check."""

    row: Series[int]
    series: Series[int]  # region and indicator as one number: checks group by it
    period: Series[int]
    value: Series[float]
    min_value: Series[float] = pa.Field(nullable=True)
    max_value: Series[float] = pa.Field(nullable=True)
    last_year: Series[int]
    is_percent: Series[bool]
    is_milestone: Series[bool]
    unit_given: Series[bool]

    @problem("error", "数值低于可能的最小值", "value below the plausible minimum", _below)
    @pa.dataframe_check(ignore_na=False)
    def value_not_below_minimum(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return df["is_milestone"] | df["min_value"].isna() | (df["value"] >= df["min_value"])

    @problem("error", "数值高于可能的最大值", "value above the plausible maximum", _above)
    @pa.dataframe_check(ignore_na=False)
    def value_not_above_maximum(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return df["is_milestone"] | df["max_value"].isna() | (df["value"] <= df["max_value"])

    @problem("error", "完成情况不是1或0", "milestone not 1 or 0", _milestone)
    @pa.dataframe_check(ignore_na=False)
    def milestone_done_or_not(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return ~df["is_milestone"] | df["value"].isin([0.0, 1.0])

    @problem("error", "比率像是小数", "rate that looks like a fraction", _fraction)
    @pa.dataframe_check(ignore_na=False)
    def rate_not_a_fraction(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        # 0.26 for a percent indicator, without a unit typed in the cell (a "%" header or unit
        # column does not count: the planner typed the fraction): 26% typed as a fraction.
        return ~(df["is_percent"] & ~df["unit_given"] & (df["value"] > 0) & (df["value"] <= 1))

    @problem("error", "年份不合理", "implausible period", _period, of_period=True)
    @pa.dataframe_check(ignore_na=False)
    def period_plausible(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return (df["period"] >= FIRST_YEAR) & (df["period"] <= df["last_year"])

    @problem("error", "同一地区、指标和年份有不同的数值",
             "different values for the same region, indicator and period", _conflict,
             peers=True)
    @pa.dataframe_check(ignore_na=False)
    def one_value_per_key(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return ~_conflicting(df)

    @problem("warning", "重复的行", "repeated row", _repeat, peers=True)
    @pa.dataframe_check(ignore_na=False)
    def not_repeated(cls, df: pd.DataFrame) -> pd.Series:  # noqa: N805
        return ~(same_value(df).duplicated(keep="first") & ~_conflicting(df))


def same_value(df: pd.DataFrame) -> pd.DataFrame:
    """The key and the value to SAME_VALUE_DIGITS significant digits: float noise is not a
    different value."""
    values = df["value"].to_numpy(dtype=float)
    magnitude = np.floor(np.log10(np.abs(values), out=np.zeros_like(values),
                                  where=values != 0))
    scale = 10.0 ** (SAME_VALUE_DIGITS - 1 - magnitude)
    return df[SERIES_KEY].assign(value=np.round(values * scale) / scale)


def _conflicting(df: pd.DataFrame) -> pd.Series:
    """Rows whose region, indicator and period have more than one value in the file."""
    same = same_value(df)
    repeated = same[same.duplicated(SERIES_KEY, keep=False)]  # few: count values only there
    if repeated.empty:  # most files and every form: even a grouping of nothing has a cost
        return pd.Series(False, index=df.index)
    several = repeated.groupby(SERIES_KEY)["value"].transform("nunique") > 1
    return several.reindex(df.index, fill_value=False)


def checked(resolved: pd.DataFrame, context: Context) -> pd.DataFrame:
    """The fully resolved rows with the columns Reported checks."""
    done = resolved[list(RESOLVED_AS.values())].notna().all(axis=1)
    rows = resolved[done]
    # By integer codes: a lookup and a grouping of millions of texts cost far more.
    codes, indicators = text_codes(rows["indicator_id"])
    info = context.info.loc[indicators].iloc[codes].set_axis(rows.index)
    # A series is a (region, indicator) pair: keyed by the indicator codes just found rather
    # than encoding the indicator column again (every row here has both, none missing).
    regions = text_codes(rows["region_code"])[0]
    series = pd.Series(pd.factorize(regions * (len(indicators) + 1) + codes)[0],
                       index=rows.index)
    return pd.DataFrame({
        "row": rows["row"].astype(int), "column": rows["column"],
        "region_code": rows["region_code"].astype(object),
        "indicator_id": rows["indicator_id"].astype(object), "series": series.astype("int64"),
        "period": rows["period_year"].astype(int), "period_entered": rows["period"],
        "value": rows["value_number"].astype(float), "value_entered": rows["value"],
        "unit_entered": column_or_none(rows, "unit_entered"), "note": rows["note"],
        "min_value": info["min_value"], "max_value": info["max_value"],
        "last_year": context.today.year, "is_percent": info["is_percent"].astype(bool),
        "is_milestone": info["is_milestone"].astype(bool),
        "unit_given": column_or_none(rows, "unit_given").fillna(False).astype(bool),
        "sheet": column_or_none(rows, "sheet"),
    }, index=rows.index)


def kept(checked: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """Rows without errors, each repeated row kept once."""
    errors = problems.loc[problems["severity"] == "error", "uid"].dropna().astype(int)
    kept = checked[~checked.index.isin(set(errors))]
    return kept[~same_value(kept).duplicated(keep="first")]
