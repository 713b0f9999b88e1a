"""What `targets status` says besides its rows: each number written at its own rounding, the
years as whole numbers, which year was judged and what its count counts."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from etl.export import places_of
from indicators.catalogue import DEFAULT_DECIMALS

YEAR_COLUMNS = ("deadline_year", "actual_period", "as_of_year")


def whole_years(table: pd.DataFrame) -> pd.DataFrame:
    """The status table with its years as whole numbers (2018, not 2018.0), empty where none."""
    result = table.copy(deep=False)
    for column in YEAR_COLUMNS:
        if column in result.columns:
            result[column] = pd.to_numeric(result[column], errors="coerce").round().astype(
                "Int64")
    return result


def number_text(number: object, places: int, published: int) -> str:
    """`number` as written in the table: with `places` decimals at most and trailing zeros
    dropped, but never fewer than the indicator's `published` decimals (41.40, 7.615, 20)."""
    if number is None or pd.isna(number):  # type: ignore[call-overload]
        return ""
    text = f"{float(number):.{places}f}"
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0").ljust(min(published, places), "0")
        text = f"{whole}.{fraction}" if fraction else whole
    return "0" if text in ("-0", "-0.0") else text


def shown_numbers(table: pd.DataFrame, decimals: Mapping[str, int],
                  columns: tuple[str, ...]) -> pd.DataFrame:
    """`table` with its numbers in `columns` as text, each at its own rounding
    (etl.export.places_of), not one precision for a whole column."""
    result = table.copy(deep=False)
    published = result["indicator_id"].map(decimals).fillna(DEFAULT_DECIMALS).to_numpy(dtype=int)
    for column in columns:
        if column in result.columns:
            result[column] = [number_text(number, places_of(column, int(place)), int(place))
                              for number, place in zip(result[column], published, strict=True)]
    return result


def year_notes(table: pd.DataFrame, asked: int | None, latest: int | None) -> list[tuple[str, str]]:
    """Which year was judged, and a note when it is past the last year with data."""
    judged = table["as_of_year"].dropna() if "as_of_year" in table.columns else pd.Series([])
    year = int(judged.iloc[0]) if len(judged) else asked
    notes = []
    if year is not None:
        notes.append((f"评估年份 {year}" + ("" if asked is not None else "（数据的最近年份）"),
                      f"judged as of {year}" + ("" if asked is not None
                                                else " (the latest year with data)")))
    if asked is not None and latest is not None and asked > latest:
        notes.append((f"注意：{latest} 年以后没有数据", f"note: no data after {latest}"))
    return notes


def latest_year(values: pd.DataFrame) -> int | None:
    periods = values["period"].to_numpy() if len(values) else np.array([])
    return int(periods.max()) if len(periods) else None


# What the count of `targets status` counts, against the overview's two ways of counting.
COUNT_NOTE = (
    "共 {rows} 行：每个目标 × 其适用地区一行，与总览首屏“按文件”的计数相同；"
    "总览下方的逐项表按地区 × 指标计数（每对取一个目标），一个指标可有多个目标，故其总数较少",
    "{rows} rows: one per target × region it applies to, as the overview's first screen counts "
    "by document; the overview's drill-down grid below counts region × indicator pairs (one "
    "target a pair), and an indicator can have several targets, so its total is smaller",
)
