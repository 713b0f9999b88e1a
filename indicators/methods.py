"""Progress methods beside our own status: Open SDG's growth-rate measure for each target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalogue import TargetKind
from indicators.codes import text_codes
from indicators.opensdg import DEFAULT_BASE_YEAR, Ends, progress_from_ends, series_ends

METHODS = ("escap", "opensdg")
# Shares have a natural ceiling: Open SDG scales the no-target thresholds near it.
PERCENT_LIMIT = 100.0
# Kinds without a fixed value at the deadline: measured against Open SDG's growth rates.
RELATIVE_KINDS = frozenset({TargetKind.HIGHER_THAN_PREVIOUS, TargetKind.LOWER_THAN_PREVIOUS,
                            TargetKind.ANNUAL_STEP, TargetKind.CUMULATIVE})


def opensdg_for_targets(actuals: pd.DataFrame, evaluation: pd.DataFrame) -> pd.DataFrame:
    """Open SDG status and score of each (region, target) row of `evaluation`
    (indicators.evaluate output): the region's series of the target's indicator up to the
    evaluation year, measured from 2015 (or its first later year) against the target value
    at the deadline year. Targets without a fixed value (higher than last year, a step) are
    measured against Open SDG's fixed growth rates."""
    pairs = evaluation[["region_code", "target_id", "indicator_id", "target_value", "kind",
                        "deadline_year", "direction", "unit", "as_of_year"]]
    relative = pairs["kind"].isin(RELATIVE_KINDS)
    year = int(pairs["as_of_year"].max()) if len(pairs) else 0
    settings = pd.DataFrame({
        "series_id": np.arange(len(pairs)),
        "target": pairs["target_value"].where(~relative).to_numpy(),
        "target_year": pairs["deadline_year"].to_numpy(),
        "direction": pairs["direction"].to_numpy(),
        "limit": np.where((pairs["unit"] == "percent") & (pairs["direction"] == "higher"),
                          PERCENT_LIMIT, np.nan),
    })
    result = progress_from_ends(settings, _ends_by_target(actuals[actuals["period"] <= year],
                                                          pairs))
    return pd.DataFrame({"region_code": pairs["region_code"].to_numpy(),
                         "target_id": pairs["target_id"].to_numpy(),
                         "opensdg_status": result["status"].to_numpy(),
                         "opensdg_score": result["score"].to_numpy()})


def _ends_by_target(actuals: pd.DataFrame, pairs: pd.DataFrame) -> Ends:
    """The ends of each target's series (its region's values of its indicator). Targets of
    one indicator share the series, so its ends are found once per (region, indicator),
    numbered, instead of copying the values once per target."""
    region_code, regions = text_codes(actuals["region_code"])
    indicator_code, indicators = text_codes(actuals["indicator_id"])
    values = pd.DataFrame({
        "series_id": indicator_code.astype(np.int64) * len(regions) + region_code,
        "year": actuals["period"].to_numpy(), "value": actuals["value"].to_numpy()})
    region = pd.Index(regions).get_indexer(pairs["region_code"])
    indicator = pd.Index(indicators).get_indexer(pairs["indicator_id"])
    wanted = np.where((region >= 0) & (indicator >= 0), indicator * len(regions) + region, -1)
    ids = pd.Index(np.unique(wanted[wanted >= 0]))
    ends = series_ends(values, ids, np.full(len(ids), float(DEFAULT_BASE_YEAR)))
    position = ids.get_indexer(wanted)  # -1 (no values) takes the NaN appended last
    return tuple(np.append(end, np.nan)[position] for end in ends)  # type: ignore[return-value]
