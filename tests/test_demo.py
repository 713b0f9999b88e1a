"""The demo-data generator: seeded, plausible, complete, and showing every status."""

import numpy as np
import pandas as pd
import pytest

from etl.demo import COLUMNS, LABEL_EN, LABEL_ZH, generate_demo
from indicators.catalogue import Catalogue
from indicators.evaluate import evaluate
from indicators.regions import RegionRegister, valid_on

YEARS = range(2015, 2021)
JUDGED = {"met", "missed", "on_track", "at_risk", "off_track"}


@pytest.fixture(scope="module")
def demo(catalogue: Catalogue, register: RegionRegister) -> pd.DataFrame:
    return generate_demo(catalogue, register)


@pytest.fixture(scope="module")
def other_seeds(catalogue: Catalogue, register: RegionRegister) -> list[pd.DataFrame]:
    """Ten more draws, for what one series per seed cannot show."""
    return [generate_demo(catalogue, register, seed=seed) for seed in range(10)]


@pytest.fixture(scope="module")
def with_units(demo: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    return demo.merge(catalogue.indicators_frame[["indicator_id", "unit", "min_value",
                                                  "max_value"]], on="indicator_id")


def series(demo: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """region_code x period values of one indicator."""
    rows = demo[demo["indicator_id"] == indicator_id]
    return rows.pivot(index="region_code", columns="period", values="value")


# --- determinism and shape --------------------------------------------------------------------

def test_same_seed_gives_the_identical_frame(demo, catalogue, register):
    pd.testing.assert_frame_equal(generate_demo(catalogue, register, seed=2018), demo)


def test_another_seed_gives_other_values_for_the_same_rows(demo, catalogue, register):
    other = generate_demo(catalogue, register, seed=7)
    pd.testing.assert_frame_equal(other[COLUMNS[:3]], demo[COLUMNS[:3]])
    assert (other["value"] != demo["value"]).mean() > 0.3


def test_columns_types_and_label(demo):
    assert list(demo.columns) == COLUMNS
    assert demo["region_code"].map(type).eq(str).all()
    assert demo["indicator_id"].map(type).eq(str).all()
    assert demo["period"].dtype == np.int64
    assert demo["value"].dtype == np.float64
    assert demo["value"].notna().all()
    assert demo.attrs == {"demo": True, "label": f"{LABEL_ZH} / {LABEL_EN}"}


def test_no_duplicate_keys(demo):
    assert not demo.duplicated(["region_code", "indicator_id", "period"]).any()


# --- which rows -------------------------------------------------------------------------------

def test_exactly_the_applicable_pairs_every_year(demo, catalogue, register):
    pairs = register.memberships.merge(catalogue.targets_frame[["indicator_id", "region_class"]],
                                       on="region_class")
    expected = set()
    for year in YEARS:
        # For this register "held on 31 December" is "held in the year, a changed code's
        # year going to the new code".
        held = pairs[valid_on(pairs, pd.Timestamp(f"{year}-12-31"))]
        expected |= {(code, indicator, year) for code, indicator in
                     zip(held["region_code"], held["indicator_id"], strict=True)}
    actual = set(zip(demo["region_code"], demo["indicator_id"], demo["period"], strict=True))
    assert actual == expected


def test_gongzhuling_under_each_code_only_for_its_years(demo):
    assert set(demo.loc[demo["region_code"] == "220381", "period"]) == set(range(2015, 2020))
    assert set(demo.loc[demo["region_code"] == "220184", "period"]) == {2020}
    old = set(demo.loc[demo["region_code"] == "220381", "indicator_id"])
    assert set(demo.loc[demo["region_code"] == "220184", "indicator_id"]) == old


def test_changchun_has_no_indicator_without_a_target_for_it(demo):
    changchun = set(demo.loc[demo["region_code"] == "220100", "indicator_id"])
    county = set(demo.loc[demo["region_code"] == "220122", "indicator_id"])  # 农安县
    # 县城 / 县级 targets only, or province-wide ones: not Changchun's.
    for indicator in ("model_tcm_clinics_per_county", "relics_township_culture_stations_engaged",
                      "new_urban_green_area", "general_practitioners_trained"):
        assert indicator not in changchun
    assert "model_tcm_clinics_per_county" in county
    # 设市城市 for Changchun, 县城 for the county: both have a waste-treatment target.
    assert "domestic_waste_safe_treatment_rate" in changchun & county
    assert "transit_modal_share" in changchun - county


# --- plausible values -------------------------------------------------------------------------

def test_every_value_within_the_plausible_range(with_units):
    low = with_units["min_value"].fillna(-np.inf)
    high = with_units["max_value"].fillna(np.inf)
    assert with_units["value"].between(low, high).all()


def test_milestones_are_zero_or_one_and_stay_done(with_units):
    done = with_units[with_units["unit"] == "done"].sort_values("period")
    assert set(done["value"]) == {0.0, 1.0}
    steps = done.groupby(["region_code", "indicator_id"])["value"].diff().dropna()
    assert (steps >= 0).all()


def test_counts_are_whole_numbers(with_units):
    counts = with_units.loc[with_units["unit"].isin(["item", "person"]), "value"]
    assert len(counts) and (counts == counts.round()).all()


def test_count_range_values_are_small_integers(demo):
    clinics = series(demo, "model_tcm_clinics_per_county")
    assert set(demo.loc[demo["indicator_id"] == "model_tcm_clinics_per_county", "value"]) <= {
        0.0, 1.0, 2.0, 3.0}
    assert {2.0, 3.0} & set(clinics[2018]) and (clinics[2018] < 2).any()


def test_renovation_shares_add_up_to_at_most_all_of_the_workload(demo):
    renovation = series(demo, "old_compound_renovation_share").dropna(subset=[2018, 2019])
    totals = renovation[[2018, 2019, 2020]].sum(axis=1, min_count=3).dropna()
    assert (totals <= 100 + 1e-9).all()
    assert (totals > 99.99).any() and (totals < 90).any()
    assert (renovation[[2015, 2016, 2017]] == 0).all().all()  # before the plan: none of it


def test_green_area_lands_near_the_three_year_total(other_seeds):
    totals = [series(frame, "new_urban_green_area").loc["220000", [2018, 2019, 2020]].sum()
              for frame in other_seeds]
    # Stagnant or worsening years fall well short; the others land near 2000, both sides.
    assert all(800 < total < 3000 for total in totals)
    assert 1500 < np.median(totals) < 2500
    assert min(totals) < 2000 < max(totals)


def test_green_space_ratio_rises_about_four_tenths_a_year(demo):
    steps = series(demo, "built_up_green_space_ratio").diff(axis=1).loc[:, 2018:2020]
    median = steps.median(axis=1).dropna()
    assert 0.3 < median.median() < 0.6
    assert (median < 0.4).any() and (median > 0.4).any()


def test_standards_are_held_exactly_or_stay_below(other_seeds):
    indicator = "resident_medical_insurance_government_subsidy_per_person"
    subsidy = [series(frame, indicator).loc["220000", 2018] for frame in other_seeds]
    assert max(subsidy) == 490 and min(subsidy) < 490
    assert all(value == round(value) for value in subsidy)


# --- statuses ---------------------------------------------------------------------------------

def test_evaluation_shows_every_status(demo, catalogue, register):
    statuses = {}
    for year in (2019, 2020):
        result = evaluate(demo, catalogue.targets_frame, register.memberships, year)
        statuses[year] = set(result["status"])
    assert statuses[2019] >= JUDGED
    assert statuses[2020] >= {"met", "missed"}
    assert statuses[2019] | statuses[2020] >= JUDGED
