"""pandera schemas of the frames the domain core takes and gives."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

STATUSES = ("met", "missed", "on_track", "at_risk", "off_track", "no_data")


class Actuals(pa.DataFrameModel):
    """Actual values, already in each indicator's canonical unit."""

    # `[0-9]`, not `\d`: `\d` also accepts full-width digits.
    region_code: Series[str] = pa.Field(str_matches=r"^[0-9]{6}$")
    indicator_id: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    period: Series[int] = pa.Field(ge=1990, le=2100)
    value: Series[float] = pa.Field(nullable=False)

    class Config:
        coerce = True

    @pa.dataframe_check
    def one_value_per_key(cls, frame):  # noqa: N805 - pandera passes the class
        return ~frame.duplicated(["region_code", "indicator_id", "period"])


class Evaluation(pa.DataFrameModel):
    """One row per (region, target that applies to it)."""

    region_code: Series[str]
    target_id: Series[str]
    indicator_id: Series[str]
    status: Series[str] = pa.Field(isin=list(STATUSES))
    actual: Series[float] = pa.Field(nullable=True)
    gap: Series[float] = pa.Field(nullable=True)
    gap_pct: Series[float] = pa.Field(nullable=True)
    anticipated: Series[float] = pa.Field(nullable=True)

    class Config:
        coerce = True
