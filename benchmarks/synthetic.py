"""Seeded synthetic data at national scale, for the benchmark only: invented, never statistics.

China has about 2,900 county-level divisions; the benchmark asks how the product copes with a
register that size, every one of 60 indicators and 15 years of history. Nothing here describes
a real place. The register is a made-up country (合成省 / 合成市 / 合成县, "Synthetic ...") with
codes that are six digits like GB/T 2260 ones, and the region classes of the Jilin catalogue
drawn at random, so that every target applies somewhere. Values are smooth invented series
inside each indicator's plausible range, in the indicator's canonical unit.

`write_data_dir` writes a data folder (regions.csv and the gazette the catalogue quotes) that
the product reads through `TARGETS_DATA_DIR`; `write_values_csv` writes the long file that
`targets load` reads.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.catalogue import Catalogue
from indicators.paths import gazette_file
from indicators.units import unit_label

SEED = 2026
FIRST_YEAR = 2011


@dataclass(frozen=True)
class Size:
    """How big a synthetic country: provinces x prefectures each x counties each."""

    provinces: int
    prefectures: int
    counties: int
    indicators: int
    years: int

    @property
    def regions(self) -> int:
        return self.provinces * (1 + self.prefectures * (1 + self.counties))

    @property
    def values(self) -> int:
        return self.regions * self.indicators * self.years


# 31 x (1 + 10 x (1 + 8.35)) is not whole; 29 provinces x 10 prefectures x 9 counties gives
# 29 + 290 + 2,610 = 2,929 regions, the nearest whole shape to China's ~2,900.
NATIONAL = Size(provinces=29, prefectures=10, counties=9, indicators=60, years=15)
TINY = Size(provinces=2, prefectures=2, counties=3, indicators=6, years=6)
SIZES = {"national": NATIONAL, "tiny": TINY}

PREFECTURE_CLASSES = ["all_cities_counties", "city", "prefecture_level"]
COUNTY_CLASSES = ["all_cities_counties", "county_level"]


def synthetic_register(size: Size, seed: int = SEED) -> pd.DataFrame:
    """The rows of a regions.csv for a made-up country of `size`."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, str]] = []
    for p in range(size.provinces):
        province = f"{11 + p:02d}0000"
        rows.append(_region(province, f"合成省{p + 1:02d}", f"Synthetic province {p + 1:02d}",
                            "province", "province", "", "province"))
        for f in range(size.prefectures):
            prefecture = f"{11 + p:02d}{f + 1:02d}00"
            big = rng.random() < 0.1
            classes = PREFECTURE_CLASSES + (["changchun_jilin", "cities_over_1m"] if big
                                            else ["other_cities_counties", "other_cities"])
            rows.append(_region(prefecture, f"合成市{p + 1:02d}{f + 1:02d}",
                                f"Synthetic city {p + 1:02d}{f + 1:02d}", "prefecture",
                                "prefecture_city", province, " ".join(classes)))
            for c in range(size.counties):
                code = f"{11 + p:02d}{f + 1:02d}{c + 1:02d}"
                is_city = rng.random() < 0.3
                classes = COUNTY_CLASSES + ["other_cities_counties"] + (
                    ["city", "other_cities"] if is_city else ["county_town"])
                rows.append(_region(code, f"合成县{code}", f"Synthetic county {code}", "county",
                                    "county_city" if is_city else "county", prefecture,
                                    " ".join(classes)))
    return pd.DataFrame(rows)


def _region(code: str, name_zh: str, name_en: str, level: str, kind: str, parent: str,
            classes: str) -> dict[str, str]:
    return {"code": code, "name_zh": name_zh, "name_en": name_en, "level": level, "kind": kind,
            "parent_code": parent, "valid_from": "", "valid_to": "", "classes": classes}


def write_data_dir(folder: Path, size: Size, seed: int = SEED) -> Path:
    """A data folder for TARGETS_DATA_DIR: the synthetic register and the gazette text."""
    (folder / "source").mkdir(parents=True, exist_ok=True)
    synthetic_register(size, seed).to_csv(folder / "regions.csv", index=False)
    shutil.copy(gazette_file(), folder / "source" / gazette_file().name)
    return folder


def chosen_indicators(catalogue: Catalogue, size: Size, seed: int = SEED) -> list[str]:
    """`size.indicators` indicators of the catalogue, drawn with the seed, in catalogue order."""
    ids = sorted(catalogue.indicators)
    picked = np.random.default_rng(seed).choice(len(ids), size=size.indicators, replace=False)
    return [ids[i] for i in sorted(picked)]


def synthetic_values(catalogue: Catalogue, register: pd.DataFrame, size: Size,
                     seed: int = SEED) -> pd.DataFrame:
    """One row per (region, indicator, year): region_code, indicator_id, period, value, unit
    (the unit as a planner writes it). Each series starts at a random level inside the
    indicator's plausible range and moves by a steady drift plus a little noise."""
    rng = np.random.default_rng(seed + 1)
    indicators = chosen_indicators(catalogue, size, seed)
    codes = register["code"].to_numpy()
    years = np.arange(FIRST_YEAR, FIRST_YEAR + size.years)
    n_series = len(codes) * len(indicators)
    low, high, milestone, percent = _ranges(catalogue, indicators)
    series_low = np.tile(low, len(codes))
    series_high = np.tile(high, len(codes))
    start = series_low + (series_high - series_low) * rng.uniform(0.2, 0.7, n_series)
    drift = (series_high - series_low) * rng.uniform(-0.01, 0.03, n_series)
    noise = (series_high - series_low)[:, None] * rng.normal(0, 0.005, (n_series, len(years)))
    steps = np.arange(len(years))[None, :]
    floor = series_low + 0.02 * (series_high - series_low)
    values = np.clip(start[:, None] + drift[:, None] * steps + noise,
                     floor[:, None], series_high[:, None]).round(2)
    is_percent = np.tile(percent, len(codes))
    fraction_like = is_percent[:, None] & (values > 0) & (values <= 1)
    values[fraction_like] += 1.0
    done_year = rng.integers(0, len(years), n_series)[:, None]
    is_milestone = np.tile(milestone, len(codes))
    values[is_milestone] = (steps >= done_year).astype(float)[is_milestone]
    units = [_unit_text(catalogue, i) for i in indicators]
    return pd.DataFrame({
        "region_code": np.repeat(codes, len(indicators) * len(years)),
        "indicator_id": np.tile(np.repeat(indicators, len(years)), len(codes)),
        "period": np.tile(years, n_series),
        "value": values.ravel(),
        "unit": np.tile(np.repeat(units, len(years)), len(codes)),
    })


def _ranges(catalogue: Catalogue, indicators: list[str]) -> tuple[np.ndarray, ...]:
    """Each indicator's plausible low and high, a high taken from its targets when unbounded."""
    targets = catalogue.targets_frame
    lows, highs, milestones, percents = [], [], [], []
    for indicator_id in indicators:
        low, high = catalogue.indicators[indicator_id].plausible_range
        if high is None:
            stated = targets.loc[targets["indicator_id"] == indicator_id, "value"].dropna()
            high = 2 * float(stated.max()) if len(stated) and stated.max() > 0 else 100.0
        lows.append(low or 0.0)
        highs.append(high)
        unit = catalogue.indicators[indicator_id].unit
        milestones.append(unit == "done")
        # A share of 0-1 % reads as a fraction typed for a percentage (0.98 for 98 %), which
        # validation rightly questions; planners' real small shares are rare.
        percents.append(unit == "percent")
    return np.array(lows), np.array(highs), np.array(milestones), np.array(percents)


def _unit_text(catalogue: Catalogue, indicator_id: str) -> str:
    unit = catalogue.indicators[indicator_id].unit
    return "" if unit == "done" else unit_label(unit, "zh")


def write_values_csv(path: Path, catalogue: Catalogue, register: pd.DataFrame, size: Size,
                     seed: int = SEED) -> int:
    """The long CSV a planner's office could upload (UTF-8); returns the number of values."""
    frame = synthetic_values(catalogue, register, size, seed)
    frame.to_csv(path, index=False)
    return len(frame)
