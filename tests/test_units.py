import numpy as np
import pint
import pytest

from indicators.units import (
    Quantity,
    UnitError,
    conversion_factor,
    convert,
    is_convertible,
    parse_unit,
    unit_label,
)


@pytest.mark.parametrize(("amount", "source", "target", "expected"), [
    (15, "亩", "公顷", 1.0),
    (30, "mu", "hectare", 2.0),
    (1, "公顷", "平方米", 10_000),
    (1, "平方公里", "公顷", 100),
    (1.5, "万元", "元", 15_000),
    (2, "亿元", "万元", 20_000),
    (20, "元/百元", "percent", 20),
    (26, "%", "percent", 26),
    (8, "公里/平方公里", "kilometer / square_kilometer", 8),
    (11, "平方米/人", "square_meter / person", 11),
    (3, "家", "个", 3),
])
def test_conversions(amount, source, target, expected):
    assert convert(amount, source, target) == pytest.approx(expected)


def test_mu_is_an_area_not_pints_milli_atomic_mass_unit():
    assert Quantity(1, "mu").check("[length]**2")
    assert Quantity(1, "mu").to("square_meter").magnitude == pytest.approx(10_000 / 15)


def test_percent_and_percentage_points_do_not_mix():
    assert not is_convertible("percent", "percentage_point")
    with pytest.raises(pint.DimensionalityError):
        Quantity(26, "percent") + Quantity(0.4, "百分点")
    assert Quantity(0.4, "个百分点").to("percentage_point").magnitude == pytest.approx(0.4)


def test_incompatible_units_raise_unit_error():
    with pytest.raises(UnitError, match="cannot convert"):
        conversion_factor("公顷", "元")
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit("斤斤")
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit("%)")  # pint's tokenizer raises TokenError on an unbalanced bracket


def test_vector_conversion_keeps_shape():
    assert np.allclose(convert(np.array([15.0, 30.0]), "亩", "公顷"), [1.0, 2.0])


@pytest.mark.parametrize(("unit", "zh", "en"), [
    ("square_meter / person", "平方米/人", "m²/person"),
    ("percent", "%", "%"),
    ("working_day", "工作日", "working days"),
])
def test_unit_labels(unit, zh, en):
    assert unit_label(unit, "zh") == zh
    assert unit_label(unit, "en") == en
