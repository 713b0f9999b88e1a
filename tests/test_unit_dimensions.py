"""Units strictly by dimension: an area is not an area per person, money not money per person,
a count not a count per 10,000 people, a share not percentage points, a length not a length
per area. Compatible units convert with their factor; any other is refused row by row."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.validation import validate, validate_file
from etl.validation.entries import unit
from etl.values import factor_to, total_for
from indicators.catalogue import Indicator
from indicators.units import UnitError, is_convertible, unit_label

# Units a source or a form may give, across every dimension the catalogue's indicators have.
GIVEN = ["公顷", "亩", "平方米", "平方公里", "平方米/人", "公顷/万人", "元", "万元", "元/人",
         "万元/人", "元/百元", "个", "家", "个/万人", "人", "万人", "人次", "人/万人", "%", "‰",
         "百分点", "公里", "公里/平方公里", "工作日", "天", "完成"]
# Each indicator unit of the catalogue (and 个/万人, per 10,000 people), with the units of
# GIVEN that convert to it and their factors. Every other unit of GIVEN is refused.
COMPATIBLE: dict[str, dict[str, float]] = {
    "hectare": {"公顷": 1, "亩": 1 / 15, "平方米": 1e-4, "平方公里": 100},
    "square_meter / person": {"平方米/人": 1, "公顷/万人": 1},
    "yuan / person": {"元/人": 1, "万元/人": 1e4},
    "item": {"个": 1, "家": 1},
    "person": {"人": 1, "万人": 1e4, "人次": 1},
    "percent": {"%": 1, "‰": 0.1, "元/百元": 1, "人/万人": 0.01},
    "percentage_point": {"百分点": 1},
    "kilometer / square_kilometer": {"公里/平方公里": 1},
    "working_day": {"工作日": 1},
    "yuan_per_hundred_yuan": {"元/百元": 1, "%": 1, "‰": 0.1, "人/万人": 0.01},
    "done": {"完成": 1},
    "个/万人": {"个/万人": 1},
}
# One catalogue indicator of each unit.
INDICATOR_OF = {
    "hectare": "new_urban_green_area",
    "square_meter / person": "park_green_space_per_capita",
    "yuan / person": "resident_medical_insurance_government_subsidy_per_person",
    "item": "agri_local_standards_formulated",
    "person": "general_practitioners_trained",
    "percent": "mechanized_sweeping_rate",
    "kilometer / square_kilometer": "road_network_density",
    "working_day": "investment_preconstruction_approval_time_general",
    "yuan_per_hundred_yuan": "consumables_per_hundred_yuan_public_hospital_revenue",
    "done": "relics_coordination_mechanism_established",
}
PAIRS = [(given, target) for target in COMPATIBLE for given in GIVEN]
PER_10K = Indicator(id="clinics_per_10k_people", name_zh="每万人诊所数",
                    name_en="Clinics per 10,000 people", theme="health", unit="个/万人",
                    direction="higher")


def test_the_catalogue_units_are_the_ones_covered(catalogue):
    units = {indicator.unit for indicator in catalogue.indicators.values()}
    assert units == set(INDICATOR_OF)
    assert all(catalogue.indicators[i].unit == u for u, i in INDICATOR_OF.items())


@pytest.mark.parametrize(("given", "target"), PAIRS)
def test_a_unit_converts_with_its_factor_or_is_refused(given, target):
    factors = COMPATIBLE[target]
    if given in factors:
        assert factor_to(given, target) == pytest.approx(factors[given], rel=1e-12)
    else:
        with pytest.raises(UnitError, match="cannot convert"):
            factor_to(given, target)


@pytest.mark.parametrize(("first", "second"), [
    ("公顷", "平方米/人"), ("平方米", "平方米/人"), ("元", "元/人"), ("万元", "元/人"),
    ("个", "个/万人"), ("人", "个/万人"), ("%", "百分点"), ("公里", "公里/平方公里"),
    ("人", "个"), ("元", "个"), ("公顷", "公里"),
])
def test_the_registry_keeps_the_dimensions_apart(first, second):
    assert not is_convertible(first, second) and not is_convertible(second, first)


@pytest.mark.parametrize(("given", "target", "per"), [
    ("公顷", "square_meter / person", "person"), ("平方米", "square_meter / person", "person"),
    ("元", "yuan / person", "person"), ("万元", "yuan / person", "person"),
    ("个", "个/万人", "wan_person"), ("公里", "kilometer / square_kilometer", "square_kilometer"),
    ("%", "percentage_point", None), ("元/人", "yuan / person", None),
    ("人", "yuan / person", None),
])
def test_a_total_for_a_per_something_unit_is_told_apart(given, target, per):
    assert total_for(given, target) == per


def test_per_10000_people_reads_and_labels():
    assert factor_to("个/人", "个/万人") == pytest.approx(1e4)
    assert (unit_label("个/万人", "zh"), unit_label("个/万人", "en")) == (
        "个/万人", "items/10k persons")


@pytest.mark.parametrize("target", list(INDICATOR_OF))
def test_incompatible_units_are_refused_row_by_row_naming_both(check_csv, catalogue, target):
    indicator = catalogue.indicators[INDICATOR_OF[target]]
    refused = [given for given in GIVEN if given not in COMPATIBLE[target]]
    places = [(region, year) for region in ("长春市", "吉林市") for year in range(2012, 2025)]
    lines = [f"{region},{indicator.id},{year},1,{given},"
             for (region, year), given in zip(places, refused, strict=False)]
    assert len(lines) == len(refused)
    validation = check_csv(lines)
    assert validation.rows.empty
    errors = validation.problems[validation.problems["severity"] == "error"]
    assert errors["row"].tolist() == list(range(2, 2 + len(refused)))
    label_zh, label_en = unit_label(target, "zh"), unit_label(target, "en")
    for problem, given in zip(errors.itertuples(), refused, strict=True):
        assert problem.problem_zh.startswith(
            f"单位“{given}”不能换算为本指标的单位“{label_zh}”"), problem.problem_zh
        assert problem.problem_en.startswith(
            f"the unit '{given}' cannot be converted to '{label_en}'"), problem.problem_en


@pytest.mark.parametrize(("target", "given"), [
    (target, given) for target in INDICATOR_OF for given in COMPATIBLE[target]])
def test_compatible_units_are_converted_in_validation(check_csv, catalogue, target, given):
    indicator = catalogue.indicators[INDICATOR_OF[target]]
    number = 1 if target == "done" else 5  # 1 % under a unit column reads as a fraction
    validation = check_csv([f"长春市,{indicator.id},2019,{number},{given},"])
    assert not (validation.problems["severity"] == "error").any(), validation.problems
    assert validation.rows["value"].tolist() == pytest.approx(
        [number * COMPATIBLE[target][given]])
    assert validation.rows["unit_entered"].tolist() == [given]


@pytest.fixture
def check_csv(tmp_path, catalogue, register):
    def run(lines: list[str]):
        path = tmp_path / "upload.csv"
        path.write_text("\n".join(["地区,指标,年份,数值,单位,备注", *lines]) + "\n",
                        encoding="utf-8")
        return validate_file(path, catalogue, register)
    return run


def test_an_area_for_an_area_per_person_indicator_is_the_known_misprint(check_csv):
    # 延吉市's 人均公园绿地面积 "从去年12.69公顷增长到12.71公顷" (ybrd.gov.cn, 2023)
    validation = check_csv(["延吉市,park_green_space_per_capita,2023,12.71,公顷,",
                            "延吉市,park_green_space_per_capita,2022,12.69公顷,,",
                            "延吉市,城市人均公园绿地面积,2021,12.5,平方米,",
                            "延吉市,城市人均公园绿地面积,2020,12.4,平方米/人,"])
    assert validation.rows["value"].tolist() == [12.4]
    errors = validation.problems[validation.problems["severity"] == "error"]
    assert errors["row"].tolist() == [2, 3, 4]
    first = errors.iloc[0]
    assert first["problem_zh"] == (
        "单位“公顷”不能换算为本指标的单位“平方米/人”：城市人均公园绿地面积的单位应为平方米/人；"
        "来源常把它误印为公顷，请核对来源后把单位改为平方米/人")
    assert first["problem_en"].startswith(
        "the unit '公顷' cannot be converted to 'm²/person', the indicator's unit: ")
    assert "sources often misprint it as 公顷" in first["problem_en"]
    assert "change the unit to 平方米/人 (m²/person)" in first["problem_en"]
    assert "来源常把它误印为平方米" in errors.iloc[2]["problem_zh"]


@pytest.mark.parametrize(("given", "indicator_id", "zh", "en"), [
    ("元", "resident_medical_insurance_government_subsidy_per_person",
     "单位“元”不能换算为本指标的单位“元/人”：“元”是总量的单位，本指标按每人计；"
     "若数值已是每人的数，请把单位改为元/人",
     "the unit '元' cannot be converted to 'yuan/person', the indicator's unit: '元' is a unit "
     "of a total, the indicator is per person; if the figure is already per person, change "
     "the unit to 元/人 (yuan/person)"),
    ("公里", "road_network_density",
     "单位“公里”不能换算为本指标的单位“公里/平方公里”：“公里”是总量的单位，本指标按每平方公里计；"
     "若数值已是每平方公里的数，请把单位改为公里/平方公里",
     "the unit '公里' cannot be converted to 'km/km²', the indicator's unit: '公里' is a unit "
     "of a total, the indicator is per km²; if the figure is already per km², change the "
     "unit to 公里/平方公里 (km/km²)"),
    ("%", "road_network_density",
     "单位“%”不能换算为本指标的单位“公里/平方公里”",
     "the unit '%' cannot be converted to 'km/km²', the indicator's unit"),
])
def test_a_total_for_a_per_something_indicator_says_how_to_fix_the_row(
        check_csv, given, indicator_id, zh, en):
    validation = check_csv([f"长春市,{indicator_id},2019,8,{given},"])
    problem = validation.problems.iloc[0]
    assert (problem["severity"], problem["problem_zh"], problem["problem_en"]) == (
        "error", zh, en)


def test_a_count_for_a_per_10000_people_indicator_is_refused():
    found = unit(None, "3", "个", None, PER_10K)
    assert found.result is None
    assert found.problem_zh == ("单位“个”不能换算为本指标的单位“个/万人”：“个”是总量的单位，"
                                "本指标按每万人计；若数值已是每万人的数，请把单位改为个/万人")
    assert "the indicator is per 10k persons" in found.problem_en
    assert unit(None, "3", "个/万人", None, PER_10K).result == 1.0
    assert unit("个/人", "3个/人", None, None, PER_10K).result == pytest.approx(1e4)


def test_the_entry_forms_validation_refuses_an_area_per_person_in_hectares(catalogue,
                                                                           register):
    # The rows as /entry gives them to validate(): the unit in the value, none in a column.
    rows = pd.DataFrame([
        {"row": 1, "column": "value", "region": "220100", "indicator":
         "park_green_space_per_capita", "period": "2019", "value": "13公顷", "unit": None,
         "note": None},
        {"row": 2, "column": "value", "region": "220100", "indicator": "new_urban_green_area",
         "period": "2019", "value": "13公顷", "unit": None, "note": None},
        {"row": 3, "column": "value", "region": "220100", "indicator":
         "resident_medical_insurance_government_subsidy_per_person", "period": "2019",
         "value": "490元", "unit": None, "note": None}])
    result = validate(rows, catalogue, register)
    errors = result.problems[result.problems["severity"] == "error"]
    assert errors["row"].tolist() == [1, 3]
    assert "来源常把它误印为公顷" in errors.iloc[0]["problem_zh"]
    assert "“元”是总量的单位" in errors.iloc[1]["problem_zh"]
    assert result.rows["indicator_id"].tolist() == ["new_urban_green_area"]
    assert result.rows["value"].tolist() == [13.0]
