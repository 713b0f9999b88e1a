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


# --- sparse, lagged data: the latest value at or before the evaluation year -------------------

PARK = {"kind": "at_least", "value": 13, "unit": "square_meter / person", "deadline": "2020"}
PARK_INDICATOR = {"unit": "square_meter / person"}


def judge_park(*values, year):
    return judge(PARK, *values, year=year, indicator=PARK_INDICATOR)


def test_a_later_value_that_meets_a_passed_deadline_is_met_late():
    # 长春市 2021 = 13.13 against ">= 13 by 2020", as of 2022: no 2020 value, the latest at or
    # before 2022 is 2021's: 13.13 >= 13, met one year late; gap 13.13 - 13 = 0.13.
    row = judge_park((2021, 13.13), year=2022)
    assert row["status"] == "met_late"
    assert (row["actual"], row["actual_period"]) == (13.13, 2021)
    assert row["actual_period"] - row["deadline_year"] == 1
    assert row["gap"] == pytest.approx(0.13)
    assert not row["stale"] and row["due"]


def test_a_later_value_short_of_a_passed_deadline_is_still_missed_as_of_its_year():
    # Latest at or before 2022: 2022 = 12.5 (2021 = 12.0 is older); 12.5 < 13, gap -0.5.
    row = judge_park((2021, 12.0), (2022, 12.5), year=2022)
    assert (row["status"], row["actual"], row["actual_period"]) == ("missed", 12.5, 2022)
    assert row["gap"] == pytest.approx(-0.5)


def test_the_deadline_value_decides_whatever_later_years_say():
    # 2020 = 12 < 13: missed, even though 2021 = 14 meets it; the row shows 2020's value.
    row = judge_park((2020, 12.0), (2021, 14.0), year=2022)
    assert (row["status"], row["actual"], row["actual_period"]) == ("missed", 12.0, 2020)
    assert not row["stale"]  # a verdict on the deadline's own value is final


def test_a_later_value_after_the_evaluation_year_is_not_seen():
    # As of 2020 the 2021 value is not known yet: no value at the deadline.
    row = judge_park((2021, 13.13), year=2020)
    assert row["status"] == "no_data" and math.isnan(row["actual"])


@pytest.mark.parametrize(("year", "stale"), [(2020, False), (2021, True), (2022, True)])
def test_only_earlier_values_give_no_data_with_the_last_known_value_shown(year, stale):
    # Only 2018 = 12.5 before the 2020 deadline: no_data, 12.5 (2018) shown, no gap judged.
    # Stale when 2018 < year - 2: not as of 2020 (2018 = 2020 - 2), yes as of 2021, 2022.
    row = judge_park((2018, 12.5), year=year)
    assert row["status"] == "no_data"
    assert (row["actual"], row["actual_period"]) == (12.5, 2018)
    assert math.isnan(row["gap"])
    assert row["stale"] == stale


def test_met_late_is_final_and_still_missed_goes_stale():
    # Deadline 2016, 2017 = 14 meets 13 a year late: final, not stale as of 2022.
    late = judge({**PARK, "deadline": "2016"}, (2017, 14.0), year=2022,
                 indicator=PARK_INDICATOR)
    assert (late["status"], late["actual_period"], late["stale"]) == ("met_late", 2017, False)
    # 2017 = 12 still short: "not met as of 2017", and 2017 < 2022 - 2 is stale.
    short = judge({**PARK, "deadline": "2016"}, (2017, 12.0), year=2022,
                  indicator=PARK_INDICATOR)
    assert (short["status"], short["actual_period"], short["stale"]) == ("missed", 2017, True)
    # Met on the deadline's own value long ago: final, not stale.
    met = judge({**PARK, "deadline": "2016"}, (2016, 13.0), year=2022, indicator=PARK_INDICATOR)
    assert (met["status"], met["stale"]) == ("met", False)


def test_at_most_range_and_reduction_can_be_met_late():
    # at_most 30 by 2018, 2019 = 29 <= 30: met late.
    row = judge({"kind": "at_most", "value": 30, "deadline": "2018"}, (2019, 29.0), year=2020,
                indicator={"direction": "lower"})
    assert (row["status"], row["actual_period"]) == ("met_late", 2019)
    # range 80-100 by 2018, 2020 = 101: outside, still missed as of 2020 (gap 101 - 100 = 1).
    row = judge({"kind": "range", "value": 80, "value_high": 100, "deadline": "2018"},
                (2020, 101.0), year=2020)
    assert (row["status"], row["gap"], row["actual_period"]) == ("missed", 1.0, 2020)
    # Halve 2017's 20 by 2018: bound 20 * (1 - 50/100) = 10; 2019 = 9.5 <= 10: met late.
    row = judge({"kind": "reduction_vs_baseline", "value": 50, "baseline_year": 2017,
                 "deadline": "2018", "unit": "percent"}, (2017, 20.0), (2019, 9.5), year=2019,
                indicator={"unit": "working_day", "direction": "lower"})
    assert (row["status"], row["target_value"]) == ("met_late", pytest.approx(10.0))


def test_a_set_standard_raised_later_is_met_late_in_its_better_direction():
    # 吉林省's subsidy "raised to 490 yuan" (equal, 2018); no 2018 value, 2023 = 640 yuan
    # (the 2024 government work report): the standard, raised since, is reached: met late,
    # judged against 490 from below only; gap 640 - 490 = +150.
    subsidy = {"kind": "equal", "value": 490, "unit": "yuan / person", "deadline": "2018"}
    indicator = {"unit": "yuan / person", "direction": "higher"}
    row = judge(subsidy, (2023, 640.0), year=2023, indicator=indicator)
    assert (row["status"], row["actual_period"], row["target_value"]) == ("met_late", 2023, 490)
    assert row["gap"] == pytest.approx(150.0)
    # 480 in 2019 is short of it: still not met as of 2019.
    row = judge(subsidy, (2019, 480.0), year=2019, indicator=indicator)
    assert (row["status"], row["gap"]) == ("missed", pytest.approx(-10.0))
    # The deadline's own value still has to equal the standard: 2018 = 500 is not 490.
    row = judge(subsidy, (2018, 500.0), year=2019, indicator=indicator)
    assert row["status"] == "missed"
    # Where less is better, a later value at or below the standard reaches it.
    fee = {"kind": "equal", "value": 30, "unit": "yuan / person", "deadline": "2018"}
    row = judge(fee, (2020, 25.0), year=2020, indicator={"unit": "yuan / person",
                                                         "direction": "lower"})
    assert row["status"] == "met_late"


def test_previous_year_kinds_are_not_met_late():
    # "Higher than 2017's 49 in 2018": 2019 = 50 compares with 2018 (unknown), another
    # target; with no 2018 value the row has no data and shows nothing.
    row = judge({"kind": "higher_than_previous", "value": None, "deadline": "2018"},
                (2017, 49.0), (2019, 50.0), year=2019)
    assert row["status"] == "no_data" and math.isnan(row["actual"])


def test_cumulative_is_not_met_late_nor_shows_a_partial_sum():
    # Sum from 2018 of 600, -, 1400, 700: undefined from 2019 (the gap), so nothing at the
    # 2020 deadline nor after; the 2018 partial sum 600 is not shown as the total.
    row = judge({"kind": "cumulative", "value": 2000, "period_start": 2018, "unit": "公顷",
                 "deadline": "2020"}, (2018, 600.0), (2020, 1400.0), (2021, 700.0),
                year=2021, indicator={"unit": "hectare"})
    assert row["status"] == "no_data" and math.isnan(row["actual"])


@pytest.mark.parametrize(("values", "status", "period"), [
    ([(2019, 1)], "met_late", 2019),   # nothing at the 2018 deadline, done by 2019
    ([(2017, 1)], "met", 2017),        # done in 2017 stays done: met by 2018
    ([(2017, 0)], "no_data", 2017),    # not done in 2017, nothing since: shown, not judged
])
def test_milestone_on_sparse_reports(values, status, period):
    row = judge({"kind": "milestone", "value": None, "unit": "done", "deadline": "2018-06"},
                *values, year=2019, indicator={"unit": "done"})
    assert (row["status"], row["actual_period"]) == (status, period)


def test_anticipated_value_from_two_years_with_a_gap():
    # 2016 = 10, 2019 = 16 (no 2017, 2018), as of 2022, >= 30 by 2024. Weights by year:
    # 1 (2016), 4 (2019); t_w = (2016 + 4 * 2019) / 5 = 2018.4, v_w = (10 + 64) / 5 = 14.8;
    # slope = (1 * -2.4 * -4.8 + 4 * 0.6 * 1.2) / (1 * 5.76 + 4 * 0.36) = 14.4 / 7.2 = 2,
    # so 2024 -> 14.8 + 2 * 5.6 = 26. Short of 30; share (26 - 16) / (30 - 16) = 0.71 >= 0.5:
    # at_risk. The latest value, 2019, is older than 2022 - 2: stale.
    row = judge({"kind": "at_least", "value": 30, "deadline": "2024"},
                (2016, 10.0), (2019, 16.0), year=2022)
    assert row["anticipated"] == pytest.approx(26.0)
    assert (row["status"], row["actual"], row["actual_period"]) == ("at_risk", 16.0, 2019)
    assert row["stale"]
    fresh = judge({"kind": "at_least", "value": 30, "deadline": "2024"},
                  (2016, 10.0), (2019, 16.0), year=2021)
    assert not fresh["stale"]  # 2019 = 2021 - 2
