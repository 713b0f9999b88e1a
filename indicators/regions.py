"""The region register: Jilin's divisions, their GB/T 2260 codes and region classes, and the
comparison regions (全国) whose values are shown beside Jilin's and never judged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from indicators.catalogue import RegionClass
from indicators.paths import regions_file

LEVELS = ("province", "prefecture", "county", "country")
KINDS = ("province", "prefecture_city", "autonomous_prefecture", "district", "county_city",
         "county", "autonomous_county", "country")
# Levels of regions outside Jilin, loaded for comparison only: no region class, no target.
COMPARISON_LEVELS = ("country",)


class RegisterError(ValueError):
    """The region register is malformed."""


@dataclass(frozen=True)
class RegionRegister:
    """One row per code; a code that changed (公主岭 220381 -> 220184) has two rows."""

    regions: pd.DataFrame

    @cached_property
    def memberships(self) -> pd.DataFrame:
        """One row per (region code, region class), with the code's validity; none for a
        comparison region, which belongs to no class."""
        exploded = self.regions.assign(region_class=self.regions["classes"].str.split()).explode(
            "region_class").dropna(subset=["region_class"])
        return exploded[["code", "region_class", "valid_from", "valid_to"]].rename(
            columns={"code": "region_code"}).reset_index(drop=True)

    @cached_property
    def successors(self) -> dict[str, str]:
        """Replaced code -> the code that replaced it (公主岭 220381 -> 220184): a row whose
        validity ends on the day another row of the same name begins."""
        ended = self.regions.dropna(subset=["valid_to"])
        started = self.regions.dropna(subset=["valid_from"])
        pairs = ended.merge(started, left_on=["name_zh", "valid_to"],
                            right_on=["name_zh", "valid_from"], suffixes=("_old", "_new"))
        return dict(zip(pairs["code_old"], pairs["code_new"], strict=True))

    @cached_property
    def comparison(self) -> frozenset[str]:
        """Codes of the comparison regions (全国): their values are shown, never judged."""
        return frozenset(self.regions.loc[self.regions["level"].isin(COMPARISON_LEVELS),
                                          "code"])

    def at_level(self, level: str, year: int) -> list[str]:
        """Codes of `level` (prefecture, county ...) that held at the end of `year`, in
        register order: a region's peers, whatever code it had that year."""
        rows = self.regions[(self.regions["level"] == level).to_numpy()]
        held = rows[valid_on(rows, pd.Timestamp(year=year, month=12, day=31))]
        return list(dict.fromkeys(held["code"]))

    def members(self, region_class: str, on: dt.date | None = None) -> list[str]:
        """Codes in `region_class`, valid on the date `on` if given."""
        rows = self.memberships[self.memberships["region_class"] == region_class]
        if on is not None:
            rows = rows[valid_on(rows, pd.Timestamp(on))]
        return rows["region_code"].tolist()

    def name(self, code: str, language: str = "zh") -> str:
        column = "name_zh" if language == "zh" else "name_en"
        return str(self.regions.set_index("code").at[code, column])


def valid_on(rows: pd.DataFrame, moment: pd.Timestamp | pd.Series) -> pd.Series:
    """Whether each row's code held at `moment` (valid_from inclusive, valid_to exclusive)."""
    starts_ok = rows["valid_from"].isna() | (rows["valid_from"] <= moment)
    ends_ok = rows["valid_to"].isna() | (rows["valid_to"] > moment)
    return starts_ok & ends_ok


def load_regions(path: Path | None = None) -> RegionRegister:
    path = path or regions_file()
    regions = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in ("valid_from", "valid_to"):
        regions[column] = pd.to_datetime(regions[column].replace("", None), format="%Y-%m-%d")
    _check(regions, path.name)
    return RegionRegister(regions)


def _check(regions: pd.DataFrame, name: str) -> None:
    problems: list[str] = []
    bad_codes = regions.loc[~regions["code"].str.fullmatch(r"[0-9]{6}"), "code"]
    problems += [f"code {code!r} is not six digits" for code in bad_codes]
    problems += [f"code {code} appears twice" for code in
                 regions.loc[regions["code"].duplicated(), "code"]]
    known = set(regions["code"])
    problems += [f"{row.code}: parent {row.parent_code} is not in the register"
                 for row in regions.itertuples()
                 if row.parent_code and row.parent_code not in known]
    problems += [f"{row.code}: unknown level {row.level!r}" for row in regions.itertuples()
                 if row.level not in LEVELS]
    problems += [f"{row.code}: unknown kind {row.kind!r}" for row in regions.itertuples()
                 if row.kind not in KINDS]
    classes = {c.value for c in RegionClass}
    problems += [f"{row.code}: unknown region class {cls!r}" for row in regions.itertuples()
                 for cls in row.classes.split() if cls not in classes]
    problems += [f"{row.code}: a comparison region belongs to no region class (it is never "
                 "judged against Jilin's targets)" for row in regions.itertuples()
                 if row.level in COMPARISON_LEVELS and row.classes.strip()]
    if problems:
        raise RegisterError(f"{name}: " + "; ".join(problems))
