"""Target evaluation on hand-worked cases: every kind, its edges, and the trend."""

import math

import numpy as np
import pandas as pd
import pytest

from indicators.catalogue import load_catalogue
from indicators.evaluate import evaluate
from indicators.regions import load_regions
from indicators.schemas import Evaluation
from tests.factories import INDICATOR, make_actuals, make_catalogue, make_memberships

CC = "220100"
MEMBERS = make_memberships(changchun_jilin=[CC, "220200"], province=["220000"])


def judge(target, *values, year=None, indicator=None):
    """Evaluate one target for Changchun on (period, value) pairs; return its row."""
    catalogue = make_catalogue(target, indicators=[{**INDICATOR, **(indicator or {})}])
    actuals = make_actuals(*[(CC, "share", period, value) for period, value in values])
    result = evaluate(actuals, catalogue.targets_frame, MEMBERS, year)
    Evaluation.validate(result)
    row = result[result["region_code"] == CC]
    assert len(row) == 1
    return row.iloc[0]


# --- due targets: met / missed / no data ------------------------------------------------------

@pytest.mark.parametrize(("value", "status", "gap"), [
    (26.0, "met", 0.0), (30.0, "met", 4.0), (25.9, "missed", -0.1)])
def test_at_least_including_exactly_at_threshold(value, status, gap):
    row = judge({"kind": "at_least", "value": 26, "deadline": "2018-12"}, (2018, value))
    assert (row["status"], row["gap"]) == (status, pytest.approx(gap))
    assert row["gap_pct"] == pytest.approx(100 * gap / 26)


@pytest.mark.parametrize(("value", "status", "gap"), [
    (30.0, "met", 0.0), (29.0, "met", -1.0), (30.5, "missed", 0.5)])
def test_at_most(value, status, gap):
    row = judge({"kind": "at_most", "value": 30, "deadline": "2018"}, (2018, value),
                indicator={"direction": "lower"})
    assert (row["status"], row["gap"]) == (status, pytest.approx(gap))


@pytest.mark.parametrize(("value", "status", "gap"), [(490, "met", 0), (480, "missed", -10),
                                                      (500, "missed", 10)])
def test_equal(value, status, gap):
    row = judge({"kind": "equal", "value": 490, "unit": "yuan / person", "deadline": "2018"},
                (2018, value), indicator={"unit": "元/人"})
    assert (row["status"], row["gap"]) == (status, gap)


@pytest.mark.parametrize(("value", "status", "gap"), [
    (80, "met", 0), (100, "met", 0), (90, "met", 0), (79, "missed", -1), (101, "missed", 1)])
def test_range_both_ends(value, status, gap):
    row = judge({"kind": "range", "value": 80, "value_high": 100, "deadline": "2018"},
                (2018, value))
    assert (row["status"], row["gap"]) == (status, gap)


@pytest.mark.parametrize(("value", "status"), [(2, "met"), (3, "met"), (1, "missed"),
                                               (4, "missed")])
def test_count_range_both_ends(value, status):
    row = judge({"kind": "count_range", "value": 2, "value_high": 3, "unit": "item",
                 "deadline": "2019"}, (2019, value), indicator={"unit": "个"})
    assert row["status"] == status


@pytest.mark.parametrize(("previous", "status"), [(49.0, "met"), (50.0, "missed"),
                                                  (None, "no_data")])
def test_higher_than_previous_including_missing_previous_year(previous, status):
    values = [(2018, 50.0)] + ([(2017, previous)] if previous is not None else [])
    row = judge({"kind": "higher_than_previous", "value": None, "deadline": "2018"}, *values)
    assert row["status"] == status
    if previous is not None:
        assert row["gap"] == pytest.approx(50.0 - previous)


@pytest.mark.parametrize(("previous", "status"), [(51.0, "met"), (50.0, "missed")])
def test_lower_than_previous(previous, status):
    row = judge({"kind": "lower_than_previous", "value": None, "deadline": "2018"},
                (2017, previous), (2018, 50.0), indicator={"direction": "lower"})
    assert row["status"] == status


@pytest.mark.parametrize(("final", "status"), [(31.2, "met"), (31.1, "missed")])
def test_annual_step_in_percentage_points(final, status):
    row = judge({"kind": "annual_step", "value": 0.4, "baseline_year": 2017,
                 "unit": "percentage_point", "deadline": "2020"},
                (2017, 30.0), (2018, 30.4), (2019, 30.8), (2020, final))
    assert row["status"] == status
    assert row["target_value"] == pytest.approx(31.2)
    assert row["baseline"] == 30.0


def test_annual_step_without_baseline_has_no_data():
    row = judge({"kind": "annual_step", "value": 0.4, "baseline_year": 2017,
                 "unit": "percentage_point", "deadline": "2020"}, (2020, 40.0))
    assert row["status"] == "no_data"


@pytest.mark.parametrize(("final", "status"), [(10.0, "met"), (10.5, "missed")])
def test_reduction_against_baseline(final, status):
    row = judge({"kind": "reduction_vs_baseline", "value": 50, "baseline_year": 2017,
                 "deadline": "2018", "unit": "percent"},
                (2017, 20.0), (2018, final),
                indicator={"unit": "working_day", "direction": "lower"})
    assert row["status"] == status
    assert row["target_value"] == pytest.approx(10.0)


@pytest.mark.parametrize(("amounts", "status", "actual"), [
    ([600, 700, 700], "met", 2000), ([600, 700, 699], "missed", 1999),
    ([600, None, 1400], "no_data", math.nan)])
def test_cumulative_over_the_period(amounts, status, actual):
    values = [(year, a) for year, a in zip((2018, 2019, 2020), amounts, strict=True)
              if a is not None]
    row = judge({"kind": "cumulative", "value": 2000, "period_start": 2018, "unit": "公顷",
                 "deadline": "2020-12"}, (2017, 5000.0), *values,
                indicator={"unit": "hectare"})
    assert row["status"] == status
    assert (math.isnan(actual) and math.isnan(row["actual"])) or row["actual"] == actual


def test_cumulative_in_mu_against_hectares():
    row = judge({"kind": "cumulative", "value": 30, "period_start": 2018, "unit": "亩",
                 "deadline": "2019"}, (2018, 1.0), (2019, 1.0), indicator={"unit": "hectare"})
    assert row["target_value"] == pytest.approx(2.0)
    assert row["status"] == "met"


@pytest.mark.parametrize(("value", "status"), [(0, "met"), (1, "missed")])
def test_zero(value, status):
    row = judge({"kind": "zero", "value": None, "unit": "item", "deadline": "2020"},
                (2020, value), indicator={"unit": "item", "direction": "lower"})
    assert row["status"] == status


@pytest.mark.parametrize(("values", "status"), [
    ([(2017, 1), (2018, 1)], "met"),       # done before the deadline stays done
    ([(2017, 1), (2018, 0)], "met"),       # a later 0 does not undo it
    ([(2018, 0)], "missed"),
    ([(2018, 0), (2019, 1)], "missed"),    # done a year late
])
def test_milestone(values, status):
    row = judge({"kind": "milestone", "value": None, "unit": "done", "deadline": "2018-06"},
                *values, year=2019, indicator={"unit": "done"})
    assert row["status"] == status


def test_ongoing_milestone_is_judged_as_of_the_evaluation_year():
    row = judge({"kind": "milestone", "value": None, "unit": "done", "deadline": "ongoing"},
                (2019, 1), year=2019, indicator={"unit": "done"})
    assert row["status"] == "met"


def test_due_target_without_the_deadline_value_has_no_data():
    row = judge({"kind": "at_least", "value": 26, "deadline": "2018"}, (2017, 30.0), year=2019)
    assert row["status"] == "no_data"


# --- targets not yet due: the anticipated value from the weighted trend ------------------------

def test_weighted_trend_gives_recent_years_more_weight():
    # Weights 1, 2, 3: t_w = 2017 1/3, v_w = 13, slope 12 / (10/3) = 3.6, so 2020 -> 22.6;
    # an unweighted fit would give 21.
    row = judge({"kind": "at_least", "value": 30, "deadline": "2020"},
                (2016, 10.0), (2017, 10.0), (2018, 16.0))
    assert row["anticipated"] == pytest.approx(22.6)
    assert row["actual"] == 16.0 and row["due"] == False  # noqa: E712 - numpy bool


@pytest.mark.parametrize(("values", "status"), [
    ([(2016, 20.0), (2017, 25.0), (2018, 28.0)], "on_track"),
    ([(2016, 20.0), (2017, 22.0), (2018, 24.0)], "at_risk"),     # anticipates 28: 2/3 of the way
    ([(2016, 20.0), (2017, 21.0), (2018, 22.0)], "off_track"),   # anticipates 24: 1/4 of the way
    ([(2016, 24.0), (2017, 23.0), (2018, 22.0)], "off_track"),   # going the wrong way
    ([(2016, 40.0), (2017, 35.0), (2018, 31.0)], "at_risk"),     # met now, trend leaves it
    ([(2018, 35.0)], "on_track"),                                # met now, no trend yet
    ([(2018, 25.0)], "at_risk"),                                 # not met, no trend yet
])
def test_status_before_the_deadline(values, status):
    row = judge({"kind": "at_least", "value": 30, "deadline": "2020"}, *values)
    assert row["status"] == status


def test_required_yearly_change():
    row = judge({"kind": "at_least", "value": 30, "deadline": "2020"},
                (2017, 20.0), (2018, 24.0))
    assert row["required_yearly_change"] == pytest.approx(3.0)


def test_no_data_before_the_deadline():
    catalogue = make_catalogue({"kind": "at_least", "value": 30, "deadline": "2020"})
    result = evaluate(make_actuals(), catalogue.targets_frame, MEMBERS, 2018)
    assert set(result["status"]) == {"no_data"}
    assert set(result["region_code"]) == {CC, "220200"}


def test_data_after_the_evaluation_year_is_ignored():
    row = judge({"kind": "at_least", "value": 30, "deadline": "2020"},
                (2017, 20.0), (2018, 24.0), (2020, 50.0), year=2018)
    assert row["status"] != "met" and not row["due"]
    assert row["actual"] == 24.0


# --- regions and the shipped catalogue ----------------------------------------------------------

def test_each_region_gets_its_own_class_target():
    catalogue = load_catalogue()
    register = load_regions()
    transit = catalogue.targets_frame
    transit = transit[(transit["indicator_id"] == "transit_modal_share")
                      & (transit["deadline"] == "2018-12")]
    actuals = make_actuals(("220100", "transit_modal_share", 2018, 26.0),
                           ("220300", "transit_modal_share", 2018, 16.0),
                           ("220381", "transit_modal_share", 2018, 15.0))
    result = evaluate(actuals, transit, register.memberships, 2018).set_index("region_code")
    assert result.loc["220100", "target_value"] == 26 and result.loc["220100", "status"] == "met"
    assert result.loc["220300", "target_value"] == 16 and result.loc["220300", "status"] == "met"
    assert result.loc["220381", "status"] == "missed"
    assert "220122" not in result.index        # 农安县 is a county, not a city
    assert "220184" not in result.index        # 公主岭's new code did not hold in 2018


def test_gongzhuling_new_code_applies_in_2020():
    catalogue = load_catalogue()
    frame = catalogue.targets_frame
    due_2020 = frame[(frame["indicator_id"] == "transit_modal_share")
                     & (frame["deadline"] == "2020-12")]
    result = evaluate(make_actuals(), due_2020, load_regions().memberships, 2020)
    assert "220184" in set(result["region_code"]) and "220381" not in set(result["region_code"])


def test_duplicate_actuals_are_refused():
    catalogue = make_catalogue()
    actuals = make_actuals((CC, "share", 2018, 1.0), (CC, "share", 2018, 2.0))
    with pytest.raises(Exception, match="one_value_per_key"):
        evaluate(actuals, catalogue.targets_frame, MEMBERS, 2018)


def test_whole_catalogue_evaluates_with_every_status_valid():
    catalogue = load_catalogue()
    register = load_regions()
    actuals = pd.DataFrame({"region_code": ["220100"], "indicator_id": ["transit_modal_share"],
                            "period": [2018], "value": [27.0]})
    result = evaluate(actuals, catalogue.targets_frame, register.memberships, 2018)
    Evaluation.validate(result)
    assert set(result["target_id"]) == {t.id for t in catalogue.targets}


def test_flat_series_exactly_on_its_bound_before_the_deadline():
    # A step target in the same frame makes the bounds nullable floats; 0/0 must not crash.
    catalogue = load_catalogue()
    register = load_regions()
    actuals = make_actuals(("220100", "park_500m_coverage", 2018, 100.0),
                           ("220100", "park_500m_coverage", 2019, 100.0))
    result = evaluate(actuals, catalogue.targets_frame, register.memberships, 2019)
    row = result[(result["region_code"] == "220100")
                 & (result["indicator_id"] == "park_500m_coverage")]
    assert row["status"].tolist() == ["on_track"]


def test_new_code_continues_the_replaced_codes_history():
    catalogue = load_catalogue()
    register = load_regions()
    frame = catalogue.targets_frame
    step = frame[frame["kind"] == "annual_step"]
    actuals = make_actuals(("220381", "built_up_green_space_ratio", 2017, 30.0),
                           ("220381", "built_up_green_space_ratio", 2019, 30.8),
                           ("220184", "built_up_green_space_ratio", 2020, 31.2))
    without = evaluate(actuals, step, register.memberships, 2020).set_index("region_code")
    assert without.loc["220184", "status"] == "no_data"
    joined = evaluate(actuals, step, register.memberships, 2020,
                      successors=register.successors).set_index("region_code")
    assert joined.loc["220184", "status"] == "met"
    assert joined.loc["220184", "baseline"] == 30.0
    assert register.successors == {"220381": "220184"}


def test_successor_keeps_its_own_value_where_both_codes_report_a_year():
    register = load_regions()
    step = load_catalogue().targets_frame
    step = step[step["kind"] == "annual_step"]
    actuals = make_actuals(("220381", "built_up_green_space_ratio", 2017, 30.0),
                           ("220381", "built_up_green_space_ratio", 2020, 10.0),
                           ("220184", "built_up_green_space_ratio", 2020, 31.2))
    joined = evaluate(actuals, step, register.memberships, 2020,
                      successors=register.successors).set_index("region_code")
    assert joined.loc["220184", "actual"] == 31.2
    assert joined.loc["220184", "baseline"] == 30.0


def demo_actuals(seed: int) -> pd.DataFrame:
    """The demo generator's values with about a sixth dropped, so series have gaps."""
    from etl.demo import generate_demo

    catalogue, register = load_catalogue(), load_regions()
    values = generate_demo(catalogue, register, seed=seed)
    values = values[["region_code", "indicator_id", "period", "value"]]
    rng = np.random.default_rng(seed)
    return values[rng.random(len(values)) > 0.15].reset_index(drop=True)


@pytest.mark.parametrize("year", [2016, 2019, 2021])
def test_order_of_the_values_does_not_matter(year):
    register, targets = load_regions(), load_catalogue().targets_frame
    actuals = demo_actuals(7)
    shuffled = actuals.sample(frac=1.0, random_state=3)
    in_order = evaluate(actuals, targets, register.memberships, year, register.successors)
    in_disorder = evaluate(shuffled, targets, register.memberships, year, register.successors)
    pd.testing.assert_frame_equal(in_order, in_disorder)
    assert in_order["status"].nunique() >= 3  # a real mix, not all no_data


def test_checked_values_give_the_same_result_without_the_schema_check():
    register, targets = load_regions(), load_catalogue().targets_frame
    actuals = demo_actuals(11)
    checked = evaluate(actuals, targets, register.memberships, 2020, register.successors,
                       checked=True)
    unchecked = evaluate(actuals, targets, register.memberships, 2020, register.successors)
    pd.testing.assert_frame_equal(checked, unchecked)
    duplicated = pd.concat([actuals, actuals.head(1)], ignore_index=True)
    with pytest.raises(Exception, match="one_value_per_key"):
        evaluate(duplicated, targets, register.memberships, 2020)
    # Values the caller says are checked are not checked again: the duplicate gets through.
    evaluate(duplicated, targets, register.memberships, 2020, checked=True)
