"""Progress methods beside our own status: Open SDG's growth-rate measure for each target."""

from __future__ import annotations

import pandas as pd

from indicators.opensdg import progress

METHODS = ("escap", "opensdg")
# Shares have a natural ceiling: Open SDG scales the no-target thresholds near it.
PERCENT_LIMIT = 100.0


def opensdg_for_targets(actuals: pd.DataFrame, evaluation: pd.DataFrame) -> pd.DataFrame:
    """Open SDG status and score of each (region, target) row of `evaluation`
    (indicators.evaluate output): the region's series of the target's indicator up to the
    evaluation year, measured from 2015 (or its first later year) against the target value
    at the deadline year. Targets without a fixed value (higher than last year, a step) are
    measured against Open SDG's fixed growth rates."""
    pairs = evaluation[["region_code", "target_id", "indicator_id", "target_value", "kind",
                        "deadline_year", "direction", "unit", "as_of_year"]].copy()
    pairs["series_id"] = pairs["region_code"] + "|" + pairs["target_id"]
    relative = pairs["kind"].isin(["higher_than_previous", "lower_than_previous",
                                   "annual_step", "cumulative"])
    year = int(pairs["as_of_year"].max()) if len(pairs) else 0
    values = actuals[actuals["period"] <= year].merge(
        pairs[["series_id", "region_code", "indicator_id"]], on=["region_code", "indicator_id"])
    settings = pd.DataFrame({
        "series_id": pairs["series_id"],
        "target": pairs["target_value"].where(~relative),
        "target_year": pairs["deadline_year"],
        "direction": pairs["direction"],
        "limit": pd.Series(PERCENT_LIMIT, index=pairs.index).where(
            (pairs["unit"] == "percent") & (pairs["direction"] == "higher")),
    })
    result = progress(values.rename(columns={"period": "year"})[["series_id", "year", "value"]],
                      settings)
    return pd.DataFrame({"region_code": pairs["region_code"].to_numpy(),
                         "target_id": pairs["target_id"].to_numpy(),
                         "opensdg_status": result["status"].to_numpy(),
                         "opensdg_score": result["score"].to_numpy()})
