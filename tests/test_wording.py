"""Gaps, values and milestones worded for people, worked by hand."""

from __future__ import annotations

import math

import pytest

from dashboard.wording import (
    gap_words,
    milestone_words,
    number,
    rate_words,
    target_words,
    with_unit,
)

AREA = "square_meter / person"


@pytest.mark.parametrize(("value", "written"), [
    (0.29000000000000004, "0.29"), (2.3900000000000006, "2.39"), (71.0, "71"),
    (-0.0, "0"), (0.00001, "0"), (1.23456, "1.2346"), (12345.5, "12345.5")])
def test_numbers_without_float_noise(value, written):
    assert number(value) == written


def test_higher_is_better_behind_and_ahead():
    assert gap_words(8.55 - 8.84, AREA, "higher", "zh") == "落后 0.29 平方米/人"
    assert gap_words(8.55 - 8.84, AREA, "higher", "en") == "0.29 m²/person behind"
    assert gap_words(0.12, AREA, "higher", "zh") == "超出 0.12 平方米/人"


def test_lower_is_better_reads_the_sign_the_other_way():
    # A ceiling of 1 working day, 1.15 reported: above the ceiling is behind.
    assert gap_words(1.15 - 1, "working_day", "lower", "zh") == "落后 0.15 工作日"
    assert gap_words(-0.5, "working_day", "lower", "en") == "0.5 working days ahead"


def test_a_share_s_gap_is_in_percentage_points():
    assert gap_words(-29.0, "percent", "higher", "zh") == "落后 29 百分点"
    assert gap_words(1.2, "percent", "higher", "en") == "1.2 points ahead"
    assert "%" not in gap_words(1.2, "percent", "higher", "zh")


def test_zero_gap_is_on_target_and_no_gap_is_nothing():
    assert gap_words(0.0, "percent", "higher", "zh") == "达标"
    assert gap_words(1e-9, AREA, "lower", "en") == "on target"
    assert gap_words(math.nan, "percent", "higher", "zh") == ""
    assert "+0" not in gap_words(-0.0, "percent", "higher", "zh")


def test_a_level_target_is_above_or_below_not_ahead():
    assert gap_words(1.0, "person", "higher", "zh", "equal") == "高于目标 1 人"
    assert gap_words(-5.0, "percent", "higher", "en", "range") == "5 points below the target"


def test_milestones_done_and_not_done():
    assert milestone_words(True, 2019.0, "2018-12", "zh") == "已完成（2019年）"
    assert milestone_words(False, 2018.0, "2018-12", "zh") == "未完成（期限 2018-12）"
    assert milestone_words(True, 2019.0, "2018-12", "en") == "done (2019)"
    assert milestone_words(False, 2018.0, "2018-12", "en") == "not done (due 2018-12)"
    assert milestone_words(False, 2020.0, "ongoing", "zh") == "未完成（长期任务）"
    assert with_unit(1.0, "done", "zh") == "已完成" and with_unit(0.0, "done", "en") == "not done"


def test_targets_and_values_with_their_unit():
    assert with_unit(71.0, "percent", "zh") == "71 %"
    assert target_words("at_least", "higher", 11.0, 11.0, math.nan, AREA, "zh") == "≥ 11 平方米/人"
    assert target_words("at_most", "lower", 1.0, math.nan, 1.0, "working_day", "zh") == "≤ 1 工作日"
    assert target_words("range", "higher", 80.0, 80.0, 100.0, "percent", "en") == "80–100 %"
    assert target_words("equal", "higher", 1.0, 1.0, 1.0, "person", "zh") == "= 1 人"
    assert target_words("at_least", "higher", math.nan, math.nan, math.nan, "percent", "zh") == ""


def test_rate():
    assert rate_words(None) == "—" and rate_words(58.06) == "58 %"


def test_one_of_a_counted_unit_is_singular_in_english():
    from dashboard.wording import gap_words, with_unit
    assert with_unit(1.0, "item", "en") == "1 item" and with_unit(2.0, "item", "en") == "2 items"
    assert with_unit(1.0, "item", "zh") == "1 个"
    assert gap_words(-1.0, "item", "higher", "en").startswith("1 item ")
    assert "1 point " in gap_words(-1.0, "percent", "higher", "en") + " "
