"""Tidy long extracts for statisticians, and the status table, from the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from etl.store import Store
from indicators.catalogue import REGION_CLASS_NAMES, Catalogue, RegionClass, load_catalogue
from indicators.evaluate import evaluate
from indicators.methods import opensdg_for_targets
from indicators.regions import RegionRegister, load_regions

EXPORT_COLUMNS = [
    "region_code", "region_zh", "region_en", "indicator_id", "indicator_zh", "indicator_en",
    "period", "value", "unit", "value_entered", "unit_entered", "note",
    "target_id", "target_kind", "target_value", "target_value_high", "target_deadline",
    "region_class", "status", "gap", "gap_pct", "opensdg_status", "opensdg_score",
    "document", "clause", "is_demo", "revision_id", "loaded_at", "loaded_by", "source",
]
STATUS_COLUMNS = [
    "region_code", "region_zh", "region_en", "indicator_id", "indicator_zh", "indicator_en",
    "target_id", "kind", "theme", "direction", "region_class", "region_class_zh", "deadline",
    "deadline_year", "target_value",
    "target_lower", "target_upper", "unit", "actual", "actual_period", "status", "gap",
    "gap_pct", "anticipated", "required_yearly_change", "baseline", "opensdg_status",
    "opensdg_score", "document", "clause", "as_of_year",
]


@dataclass(frozen=True)
class Reference:
    """The catalogue and the region register, loaded once."""

    catalogue: Catalogue
    register: RegionRegister

    @classmethod
    def load(cls) -> Reference:
        return cls(load_catalogue(), load_regions())

    @cached_property
    def region_names(self) -> pd.DataFrame:
        names = self.register.regions[["code", "name_zh", "name_en"]].drop_duplicates("code")
        return names.rename(columns={"code": "region_code", "name_zh": "region_zh",
                                     "name_en": "region_en"})

    @cached_property
    def indicator_names(self) -> pd.DataFrame:
        return self.catalogue.indicators_frame[["indicator_id", "indicator_zh", "indicator_en",
                                                "unit", "theme"]]


def status_table(values: pd.DataFrame, reference: Reference, year: int | None = None,
                 method: str = "escap", *, regions: Collection[str] | None = None,
                 indicators: Collection[str] | None = None) -> pd.DataFrame:
    """Every target for every region it applies to, evaluated as of `year`, with names and
    both progress methods. With method "opensdg", `status` holds Open SDG's status and ours
    moves to `escap_status`. Given `regions` or `indicators`, the rows of those only."""
    result = _evaluated(values, reference, year, regions=regions, indicators=indicators)
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


def _evaluated(values: pd.DataFrame, reference: Reference, year: int | None, *,
               regions: Collection[str] | None = None,
               indicators: Collection[str] | None = None) -> pd.DataFrame:
    """Our evaluation with Open SDG's status and score beside it; given `regions` or
    `indicators`, of the targets of those indicators for those regions only. A target's row
    depends on its own region's series of its own indicator only (see indicators.evaluate),
    so those rows are the same as in the whole evaluation, at a fraction of its cost."""
    targets = reference.catalogue.targets_frame
    memberships = reference.register.memberships
    if indicators is not None:
        targets = targets[targets["indicator_id"].isin(list(indicators))]
    if regions is not None:
        memberships = memberships[memberships["region_code"].isin(list(regions))]
    result = evaluate(values, targets, memberships, year, reference.register.successors)
    opensdg = opensdg_for_targets(values, result)
    return result.merge(opensdg, on=["region_code", "target_id"], how="left")


def export_table(store: Store, reference: Reference, *, indicators: Iterable[str] | None = None,
                 regions: Iterable[str] | None = None, first_period: int | None = None,
                 last_period: int | None = None, as_of: dt.datetime | None = None,
                 ) -> pd.DataFrame:
    """One row per stored value (and per target due that year): names, unit, the target
    that applies, its status and gap, provenance and the revision it comes from."""
    # Status needs each series whole (previous years, baselines): read them once, then keep
    # the extract's years.
    series = store.current(as_of=as_of, indicators=indicators, regions=regions)
    period = series["period"]
    values = series[((first_period is None) | (period >= (first_period or 0)))
                    & ((last_period is None) | (period <= (last_period or 0)))]
    if values.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    # The table keeps the rows of the values read only: so does the evaluation.
    evaluation = _evaluated(series[["region_code", "indicator_id", "period", "value"]],
                            reference, int(series["period"].max()),
                            regions=series["region_code"].unique(),
                            indicators=series["indicator_id"].unique())
    due = evaluation[evaluation["due"]].rename(columns={
        "deadline_year": "period", "kind": "target_kind", "deadline": "target_deadline"})
    targets = reference.catalogue.targets_frame[["target_id", "target_value_high"]]
    due = due.merge(targets, on="target_id")
    due = due[["region_code", "indicator_id", "period", "target_id", "target_kind",
               "target_value", "target_value_high", "target_deadline", "region_class",
               "status", "gap", "gap_pct", "opensdg_status", "opensdg_score", "document",
               "clause"]]
    # The store gives the values ordered by indicator, region and period, and a left merge
    # keeps that order: sorting millions of rows again would only cost time and a copy.
    due = due.sort_values("target_id")
    table = values.merge(due, on=["region_code", "indicator_id", "period"], how="left")
    for names, key in ((reference.region_names, "region_code"),
                       (reference.indicator_names, "indicator_id")):
        names = names.set_index(key)
        for column in names.columns.intersection(EXPORT_COLUMNS):
            table[column] = table[key].map(names[column])
    return table[EXPORT_COLUMNS].reset_index(drop=True)


def region_class_label(region_class: str, language: str = "zh") -> str:
    zh, en = REGION_CLASS_NAMES[RegionClass(region_class)]
    return zh if language == "zh" else en
