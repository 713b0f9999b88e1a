import numpy as np
import pint
import pytest

from indicators.units import (
    Quantity,
    UnitError,
    build_registry,
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


UNIT_TEXTS = ["公顷", "亩", "平方米/人", "公里/平方公里", "km", "m^2", "ha", "万元", "元/百元",
              "百分点", "%", "个", "人次", "工作日", "天", "完成", "square_meter / person"]


def _readings(registry: pint.UnitRegistry) -> list[tuple[str, float]]:
    """Each unit text as the registry reads it, and its size in base units."""
    return [(str(registry.parse_units(text)),
             registry.Quantity(1.0, text).to_base_units().magnitude) for text in UNIT_TEXTS]


def test_a_registry_from_pints_cache_reads_units_as_one_built_from_text(tmp_path):
    first = build_registry(tmp_path / "pint")  # writes pint's cache
    assert any((tmp_path / "pint").iterdir())
    from_cache = build_registry(tmp_path / "pint")
    assert _readings(from_cache) == _readings(build_registry(None)) == _readings(first)


def test_an_unusable_or_damaged_pint_cache_still_gives_the_registry(tmp_path):
    expected = _readings(build_registry(None))
    a_file = tmp_path / "file"
    a_file.write_text("not a folder")
    assert _readings(build_registry(a_file / "pint")) == expected
    build_registry(tmp_path / "pint")
    for path in (tmp_path / "pint").iterdir():
        path.write_bytes(b"\x80\x05\x95 damaged")
    assert _readings(build_registry(tmp_path / "pint")) == expected
