"""pandera schemas of the frames the domain core takes and gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from indicators.codes import key_codes, text_codes
from indicators.statuses import Status

STATUSES = tuple(status.value for status in Status)


class Actuals(pa.DataFrameModel):
    """Actual values, already in each indicator's canonical unit."""

    region_code: Series[str]
    indicator_id: Series[str]
    period: Series[int] = pa.Field(ge=1990, le=2100)
    value: Series[float] = pa.Field(nullable=False)

    class Config:
        coerce = True

    # `[0-9]`, not `\d`: `\d` also accepts full-width digits.
    @pa.check("region_code")
    def region_code_is_six_digits(cls, codes: pd.Series) -> pd.Series:  # noqa: N805
        return _matching(codes, r"[0-9]{6}")

    @pa.check("indicator_id")
    def indicator_id_is_an_identifier(cls, ids: pd.Series) -> pd.Series:  # noqa: N805
        return _matching(ids, r"[a-z][a-z0-9_]*")

    @pa.dataframe_check(ignore_na=False)
    def one_value_per_key(cls, frame):  # noqa: N805 - pandera passes the class
        return ~pd.Series(key_codes(frame[["region_code", "indicator_id", "period"]]),
                          index=frame.index).duplicated()


def _matching(column: pd.Series, pattern: str) -> pd.Series:
    """Whether each value matches `pattern` whole, tested once per distinct value: millions
    of actual values have a few thousand distinct codes."""
    codes, distinct = text_codes(column)
    matches = pd.Series(distinct, dtype=object).astype(str).str.fullmatch(pattern)
    # A missing value (code -1) takes the False appended last.
    return pd.Series(np.append(matches.to_numpy(dtype=bool), False)[codes], index=column.index)


class Evaluation(pa.DataFrameModel):
    """One row per (region, target that applies to it)."""

    region_code: Series[str]
    target_id: Series[str]
    indicator_id: Series[str]
    status: Series[str] = pa.Field(isin=list(STATUSES))
    actual: Series[float] = pa.Field(nullable=True)
    actual_period: Series[float] = pa.Field(nullable=True)
    stale: Series[bool]
    gap: Series[float] = pa.Field(nullable=True)
    gap_pct: Series[float] = pa.Field(nullable=True)
    anticipated: Series[float] = pa.Field(nullable=True)

    class Config:
        coerce = True
