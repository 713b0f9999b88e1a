"""The status table: every target for every region it applies to, judged, with names and
both progress methods (ours and Open SDG's) side by side."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from indicators.catalogue import REGION_CLASS_NAMES
from indicators.evaluate import evaluate
from indicators.methods import opensdg_for_targets
from indicators.reference import Reference

STATUS_COLUMNS = [
    "region_code", "region_zh", "region_en", "indicator_id", "indicator_zh", "indicator_en",
    "target_id", "kind", "theme", "direction", "region_class", "region_class_zh", "deadline",
    "deadline_year", "target_value",
    "target_lower", "target_upper", "unit", "actual", "actual_period", "stale", "status", "gap",
    "gap_pct", "anticipated", "required_yearly_change", "baseline", "opensdg_status",
    "opensdg_score", "document", "clause", "as_of_year",
]



def status_table(values: pd.DataFrame, reference: Reference, year: int | None = None,
                 method: str = "escap", *, regions: Collection[str] | None = None,
                 indicators: Collection[str] | None = None) -> pd.DataFrame:
    """Every target for every region it applies to, evaluated as of `year` on `values`, the
    store's current values (or some of them), with names and both progress methods. With
    method "opensdg", `status` holds Open SDG's status and ours moves to `escap_status`.
    Given `regions` or `indicators`, the rows of those only."""
    result = evaluated(values, reference, year, regions=regions, indicators=indicators)
    result = result.merge(reference.region_names, on="region_code", how="left")
    names = reference.catalogue.targets_frame[["target_id", "indicator_zh", "indicator_en",
                                                "theme"]]
    result = result.merge(names, on="target_id", how="left")
    result["region_class_zh"] = result["region_class"].map(
        {cls.value: zh for cls, (zh, _en) in REGION_CLASS_NAMES.items()})
    table = result[STATUS_COLUMNS]
    if method == "opensdg":
        table = table.rename(columns={"status": "escap_status", "opensdg_status": "status"})
    return table


def evaluated(values: pd.DataFrame, reference: Reference, year: int | None, *,
               regions: Collection[str] | None = None,
               indicators: Collection[str] | None = None) -> pd.DataFrame:
    """Our evaluation with Open SDG's status and score beside it; given `regions` or
    `indicators`, of the targets of those indicators for those regions only. A target's row
    depends on its own region's series of its own indicator only (see indicators.evaluate),
    so those rows are the same as in the whole evaluation, at a fraction of its cost. The
    values come from the store, whose table keeps their keys unique and their types: not
    checked again."""
    targets = reference.catalogue.targets_frame
    memberships = reference.register.memberships
    if indicators is not None:
        targets = targets[targets["indicator_id"].isin(list(indicators))]
    if regions is not None:
        memberships = memberships[memberships["region_code"].isin(list(regions))]
    result = evaluate(values, targets, memberships, year, reference.register.successors,
                      checked=True)
    opensdg = opensdg_for_targets(values, result)
    return result.merge(opensdg, on=["region_code", "target_id"], how="left")
