import dataclasses
import datetime as dt
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl.validation import Validation, format_problems, validate, validate_file
from etl.validation import context as validate_module
from indicators.regions import RegionRegister
from tests.factories import INDICATOR, make_actuals, make_catalogue

FILES = Path(__file__).parent / "files"
TODAY = dt.date(2025, 6, 1)
HEADER = "地区,指标,年份,数值,单位,备注"
GREEN = "new_urban_green_area"  # hectare, at least 0
RATE = "road_area_ratio"  # percent, 0-100, no target for 2019
SUBSIDY = "resident_medical_insurance_government_subsidy_per_person"  # yuan / person
MILESTONE = "relics_training_course_held"  # done


@pytest.fixture
def check(tmp_path, catalogue, register):
    """Validate CSV lines (after the header HEADER) as an uploaded file."""
    def run(*lines: str, header: str = HEADER, **options) -> Validation:
        path = tmp_path / "upload.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return validate_file(path, catalogue, register, today=TODAY, **options)
    return run


def only_row(validation: Validation) -> dict:
    assert len(validation.rows) == 1, validation.problems
    return validation.rows.iloc[0].to_dict()


def problems(validation: Validation) -> list[tuple]:
    return [(p.row, p.column, p.value, p.severity, p.problem_zh, p.problem_en)
            for p in validation.problems.itertuples()]


# --- messy but valid values ------------------------------------------------------------------

@pytest.mark.parametrize(("indicator", "typed", "unit", "expected", "unit_entered"), [
    (GREEN, "2亩", "", 2 / 15, "亩"),
    (GREEN, "2", "亩", 2 / 15, "亩"),
    (GREEN, "3万", "", 30_000, None),
    (GREEN, "2万亩", "", 20_000 / 15, "亩"),
    (GREEN, "1,200", "", 1200, None),
    (GREEN, "1.5 平方公里", "", 150, "平方公里"),
    (SUBSIDY, "1.5万元/人", "", 15_000, "万元/人"),
    (SUBSIDY, "0.049万元/人", "", 490, "万元/人"),
    (SUBSIDY, "490元/人", "", 490, "元/人"),
    (SUBSIDY, "490", "元/人", 490, "元/人"),
    (RATE, "26%", "", 26, "%"),
    (RATE, "26 %", "", 26, "%"),
    (RATE, "26％", "", 26, "%"),
    (RATE, "１２", "", 12, None),
    (RATE, "12.50", "%", 12.5, "%"),
    ("public_hospital_medical_expense_growth", "-3.5", "", -3.5, None),
    ("public_hospital_medical_expense_growth", "−3.5%", "", -3.5, "%"),
    ("general_practitioners_trained", "1,200人", "", 1200, "人"),
])
def test_messy_values_are_converted_to_the_canonical_unit(check, indicator, typed, unit,
                                                          expected, unit_entered):
    validation = check(f'长春市,{indicator},2019,"{typed}",{unit},')
    row = only_row(validation)
    assert row["value"] == pytest.approx(expected, rel=1e-12)
    assert row["value_entered"] == typed
    assert row["unit_entered"] == unit_entered
    assert validation.ok


@pytest.mark.parametrize(("typed", "expected"), [
    ("是", 1), ("否", 0), ("完成", 1), ("已完成", 1), ("未完成", 0), ("yes", 1), ("No", 0),
    ("done", 1), ("TRUE", 1), ("false", 0), ("1", 1), ("0", 0),
])
def test_milestone_words(check, typed, expected):
    assert only_row(check(f"长春市,{MILESTONE},2019,{typed},,"))["value"] == expected


def test_a_yuan_indicator_takes_wan_yuan(tmp_path, register):
    money = {**INDICATOR, "id": "money", "name_zh": "资金", "unit": "yuan"}
    catalogue = make_catalogue({"indicator": "money", "unit": "yuan"}, indicators=[money])
    path = tmp_path / "m.csv"
    path.write_text(f"{HEADER}\n长春市,资金,2019,1.5万元,,\n", encoding="utf-8")
    assert only_row(validate_file(path, catalogue, register, today=TODAY))["value"] == 15_000


@pytest.mark.parametrize(("typed", "period", "code"), [
    ("长春", "2019", "220100"), ("长春市", "2019", "220100"), ("220100", "2019", "220100"),
    ("２２０１００", "2019", "220100"), (" 长春市 ", "2019", "220100"),
    ("Changchun", "2019", "220100"),
    ("全省", "2019", "220000"), ("吉林省", "2019", "220000"), ("吉林市", "2019", "220200"),
    ("通化县", "2019", "220521"), ("延边", "2019", "222400"), ("延边州", "2019", "222400"),
    ("长白", "2019", "220623"), ("伊通", "2019", "220323"), ("Jilin City", "2019", "220200"),
    ("公主岭", "2018", "220381"), ("公主岭市", "2021", "220184"), ("公主岭", "2020", "220184"),
    ("220381", "2019", "220381"), ("220184", "2021", "220184"),
])
def test_region_by_code_or_name(check, typed, period, code):
    assert only_row(check(f"{typed},{RATE},{period},15,,"))["region_code"] == code


@pytest.mark.parametrize(("typed", "year"), [
    ("2019", 2019), ("2019年", 2019), ("2019.0", 2019), ("２０１９", 2019), ("2019年度", 2019),
])
def test_period_forms(check, typed, year):
    assert only_row(check(f"长春市,{RATE},{typed},15,,"))["period"] == year


def test_indicator_by_name_ignores_width_and_spaces(check):
    row = only_row(check("长春市,药占比（不含中药饮片、国家谈判药品）,2019,25,,"))
    assert row["indicator_id"] == "drug_share_of_public_hospital_revenue"


def test_rows_frame_shape(check):
    validation = check(f"长春市,{RATE},2019,15,,初报")
    assert list(validation.rows.columns) == ["row", "region_code", "indicator_id", "period",
                                             "value", "value_entered", "unit_entered", "note"]
    assert only_row(validation) == {
        "row": 2, "region_code": "220100", "indicator_id": RATE, "period": 2019, "value": 15.0,
        "value_entered": "15", "unit_entered": None, "note": "初报"}
    assert list(validation.problems.columns) == ["row", "column", "value", "severity",
                                                 "problem_zh", "problem_en"]


def test_shipped_long_example(catalogue, register):
    validation = validate_file(FILES / "long_messy.csv", catalogue, register, today=TODAY)
    assert validation.rows[["row", "region_code", "indicator_id", "period"]].values.tolist() == [
        [2, "220100", "transit_modal_share", 2018], [3, "220100", "transit_modal_share", 2019],
        [4, "220200", GREEN, 2018], [5, "220381", GREEN, 2018], [6, "220184", GREEN, 2021],
        [7, "220000", SUBSIDY, 2018], [8, "222400", MILESTONE, 2018]]
    assert validation.rows["value"].tolist() == pytest.approx([26, 27.5, 80, 2 / 15, 3, 490, 1])
    assert validation.ok


def test_xlsx_percent_cell_is_a_percentage_and_a_plain_fraction_is_caught(tmp_path, catalogue,
                                                                         register):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["地区", "年份", "道路面积率", "新增城市绿地面积（亩）"])
    sheet.append(["长春市", dt.datetime(2019, 1, 1), 0.26, 30.0])
    sheet["C2"].number_format = "0%"
    sheet.append(["吉林市", 2019, 0.26, None])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    validation = validate_file(path, catalogue, register, today=TODAY)
    assert validation.rows.to_dict("records") == [
        {"row": 2, "region_code": "220100", "indicator_id": RATE, "period": 2019, "value": 26.0,
         "value_entered": "26%", "unit_entered": "%", "note": None},
        {"row": 2, "region_code": "220100", "indicator_id": GREEN, "period": 2019, "value": 2.0,
         "value_entered": "30", "unit_entered": "亩", "note": None}]
    assert [(p[0], p[1], p[2], p[3]) for p in problems(validation)] == [
        (3, "道路面积率", "0.26", "error")]


def test_names_as_sources_print_them_validate(tmp_path, catalogue, register):
    path = tmp_path / "sources.csv"
    path.write_text(f"{HEADER}\n长春市,人均公园绿地面积,2019,12.5,,\n"
                    "长春市,建成区路网密度,2019,6.1,,\n", encoding="utf-8")
    validation = validate_file(path, catalogue, register, today=TODAY)
    assert validation.rows["indicator_id"].tolist() == [
        "park_green_space_per_capita", "road_network_density"]
    assert problems(validation) == []


def test_gbk_csv_validates(tmp_path, catalogue, register):
    path = tmp_path / "gbk.csv"
    path.write_bytes(f"{HEADER}\r\n公主岭市,新增城市绿地面积,2018,15亩,,\r\n".encode("gb18030"))
    assert only_row(validate_file(path, catalogue, register, today=TODAY)) == {
        "row": 2, "region_code": "220381", "indicator_id": GREEN, "period": 2018, "value": 1.0,
        "value_entered": "15亩", "unit_entered": "亩", "note": None}


def test_shipped_wide_example(catalogue, register):
    validation = validate_file(FILES / "wide.csv", catalogue, register, today=TODAY)
    assert validation.rows[["row", "indicator_id", "value"]].values.tolist() == [
        [2, "transit_modal_share", 27.0], [2, GREEN, 2.0], [2, "park_green_space_per_capita", 12.5],
        [3, GREEN, 2.0], [4, "transit_modal_share", 18.5], [4, "park_green_space_per_capita", 11.0]]
    assert problems(validation) == []


# --- errors: one per kind of bad input, with row, column, value and both messages -----------

@pytest.mark.parametrize(("line", "expected"), [
    ("长村市,road_area_ratio,2019,15,,",
     ("地区", "长村市", "未知地区“长村市”，是否为“长春市”？",
      "unknown region '长村市'; did you mean 长春市?")),
    ("火星,road_area_ratio,2019,15,,",
     ("地区", "火星", "未知地区“火星”", "unknown region '火星'")),
    ("220101,road_area_ratio,2019,15,,",
     ("地区", "220101", "未知地区代码“220101”，是否为“长春市”？",
      "unknown region code '220101'; did you mean 长春市?")),
    ("229999,road_area_ratio,2019,15,,",
     ("地区", "229999", "未知地区“229999”", "unknown region '229999'")),
    ("通化,road_area_ratio,2019,15,,",
     ("地区", "通化", "地区“通化”不明确，可能是“通化市”或“通化县”；请写全称或代码",
      "ambiguous region '通化': 通化市 or 通化县; write the full name or the "
      "code")),
    ("吉林,road_area_ratio,2019,15,,",
     ("地区", "吉林", "地区“吉林”不明确，可能是“吉林省”或“吉林市”；请写全称或代码",
      "ambiguous region '吉林': 吉林省 or 吉林市; write the full name or the "
      "code")),
    ("220184,road_area_ratio,2018,15,,",
     ("地区", "220184", "地区代码“220184”在2018年不存在，当年公主岭市的代码是220381",
      "region code '220184' did not exist in 2018; 公主岭市 was 220381 then")),
    ("220381,road_area_ratio,2021,15,,",
     ("地区", "220381", "地区代码“220381”在2021年不存在，当年公主岭市的代码是220184",
      "region code '220381' did not exist in 2021; 公主岭市 was 220184 then")),
    (",road_area_ratio,2019,15,,", ("地区", None, "缺少地区", "missing region")),
    ("长春市,道路面积,2019,15,,",
     ("指标", "道路面积", "未知指标“道路面积”，是否为“道路面积率”？",
      "unknown indicator '道路面积'; did you mean 道路面积率?")),
    ("长春市,城市人均公园绿地面基,2019,15,,",
     ("指标", "城市人均公园绿地面基",
      "未知指标“城市人均公园绿地面基”，是否为“城市人均公园绿地面积”？",
      "unknown indicator '城市人均公园绿地面基'; did you mean 城市人均公园绿地面积?")),
    ("长春市,绿化率,2019,42.17,,",
     ("指标", "绿化率",
      "未知指标“绿化率”：“绿化率”不是“建成区绿化覆盖率”，"
      "“绿化率”是房地产等场合的俗称，不是统计指标；来源写“绿化率”时，请核实它指的是绿地率还是绿化覆盖率",
      "unknown indicator '绿化率': 绿化率 is not 建成区绿化覆盖率: "
      "\"绿化率\" is a colloquial (real-estate) term, not a "
      "statistical indicator; where a source prints it, check whether it means the "
      "green-space ratio or the green coverage ratio")),
    ("北京市,road_area_ratio,2019,15,,",
     ("地区", "北京市",
      "“北京市”不是吉林省的地区：只能填报吉林省及其市、县的数值，以及作为对比的全国数值",
      "'北京市' is not a region of Jilin: values are reported for Jilin province and its cities "
      "and counties, and for China as a whole for comparison")),
    ("长春市,,2019,15,,", ("指标", None, "缺少指标", "missing indicator")),
    ("长春市,road_area_ratio,明年,15,,",
     ("年份", "明年", "年份“明年”不合理：应为四位年份，如2018",
      "not a plausible period '明年': expected a year such as 2018")),
    ("长春市,road_area_ratio,2035,15,,",
     ("年份", "2035", "年份“2035”不合理：是未来的年份",
      "not a plausible period '2035': it is in the future")),
    ("长春市,road_area_ratio,1999,15,,",
     ("年份", "1999", "年份“1999”不合理：应为2000年至2025年",
      "not a plausible period '1999': expected a year from 2000 to 2025")),
    ("长春市,road_area_ratio,,15,,", ("年份", None, "缺少年份", "missing period")),
    ("长春市,road_area_ratio,2019,,,", ("数值", None, "缺少数值", "missing value")),
    ("长春市,road_area_ratio,2019,约15,,",
     ("数值", "约15", "“约15”不是数字（未报告的请留空）",
      "'约15' is not a number (leave the cell empty if not reported)")),
    ("长春市,road_area_ratio,2019,—,,",
     ("数值", "—", "“—”不是数字（未报告的请留空）",
      "'—' is not a number (leave the cell empty if not reported)")),
    ("长春市,road_area_ratio,2019,\"1,5\",,",
     ("数值", "1,5", "“1,5”不是数字（未报告的请留空）",
      "'1,5' is not a number (leave the cell empty if not reported)")),
    (f"长春市,{MILESTONE},2019,差不多,,",
     ("数值", "差不多", "“差不多”不是数字；完成情况请填写 是/否 或 1/0",
      "'差不多' is not a number; for a milestone write yes/no or 1/0")),
    ("长春市,road_area_ratio,2019,15公倾,,",
     ("数值", "15公倾", "“15公倾”中的单位“公倾”无法识别", "unknown unit '公倾' in '15公倾'")),
    ("长春市,road_area_ratio,2019,15,成,",
     ("数值", "15", "单位“成”无法识别", "unknown unit '成'")),
    (f"长春市,{GREEN},2019,2亩,公顷,",
     ("数值", "2亩", "数值“2亩”的单位“亩”与单位列的“公顷”不一致",
      "the unit '亩' of '2亩' disagrees with the unit column '公顷'")),
    ("长春市,road_area_ratio,2019,15元,,",
     ("数值", "15元", "单位“元”不能换算为本指标的单位“%”",
      "the unit '元' cannot be converted to '%', the indicator's unit")),
    (f"长春市,{GREEN},2019,15%,,",
     ("数值", "15%", "单位“%”不能换算为本指标的单位“公顷”",
      "the unit '%' cannot be converted to 'ha', the indicator's unit")),
    ("长春市,road_area_ratio,2019,0.4,百分点,",
     ("数值", "0.4", "单位“百分点”不能换算为本指标的单位“%”",
      "the unit '百分点' cannot be converted to '%', the indicator's unit")),
    (f"长春市,{GREEN},2019,-3.5,,",
     ("数值", "-3.5", "数值“-3.5”不能为负数", "value '-3.5' cannot be negative")),
    ("长春市,road_area_ratio,2019,150%,,",
     ("数值", "150%", "比率“150%”超出0–100%的范围", "a rate of '150%' is outside 0-100%")),
    ("长春市,road_area_ratio,2019,-1,,",
     ("数值", "-1", "比率“-1”超出0–100%的范围", "a rate of '-1' is outside 0-100%")),
    ("长春市,public_hospital_medical_expense_growth,2019,-150%,,",
     ("数值", "-150%", "数值“-150%”低于可能的最小值-100%",
      "value '-150%' is below the plausible minimum -100%")),
    ("长春市,road_area_ratio,2019,0.26,,",
     ("数值", "0.26", "“0.26”像是小数形式的比率；请填写26或26%（若确为0.26%，请写“0.26%”）",
      "'0.26' looks like a fraction; write 26 or 26% (if you mean 0.26 percent, write "
      "'0.26%')")),
    (f"长春市,{MILESTONE},2019,0.5,,",
     ("数值", "0.5", "完成情况应为1（完成）或0（未完成），不能是“0.5”",
      "a milestone is 1 (done) or 0 (not done), not '0.5'")),
    # an unbalanced bracket made pint's tokenizer raise
    ("长春市,road_area_ratio,2019,96%）,,",
     ("数值", "96%）", "“96%）”中的单位“%)”无法识别", "unknown unit '%)' in '96%）'")),
    (f"全省,{SUBSIDY},2019,490,（元,",
     ("数值", "490", "单位“（元”无法识别", "unknown unit '（元'")),
    # two numbers in one cell, not 120130 or 12
    ("全省,general_practitioners_trained,2019,120 130,,",
     ("数值", "120 130", "“120 130”不是数字（未报告的请留空）",
      "'120 130' is not a number (leave the cell empty if not reported)")),
    ("全省,general_practitioners_trained,2019,1 2,,",
     ("数值", "1 2", "“1 2”不是数字（未报告的请留空）",
      "'1 2' is not a number (leave the cell empty if not reported)")),
    # infinite, NaN or absurd
    ("全省,general_practitioners_trained,2019," + "9" * 400 + ",,",
     ("数值", "9" * 400, "数值“" + "9" * 30 + "…”过长：有400个字符，最多100个",
      "value '" + "9" * 30 + "…' is too long: 400 characters, at most 100")),
    ("全省,general_practitioners_trained,2019," + "9" * 99 + ",,",
     ("数值", "9" * 99, "“" + "9" * 30 + "…”不是数字（未报告的请留空）",
      "'" + "9" * 30 + "…' is not a number (leave the cell empty if not reported)")),
    ("全省,general_practitioners_trained,2019,nan,,",
     ("数值", "nan", "“nan”不是数字（未报告的请留空）",
      "'nan' is not a number (leave the cell empty if not reported)")),
    ("全省,general_practitioners_trained,2019,inf,,",
     ("数值", "inf", "“inf”不是数字（未报告的请留空）",
      "'inf' is not a number (leave the cell empty if not reported)")),
    ("全省,general_practitioners_trained,2019,1e5,,",
     ("数值", "1e5", "“1e5”是科学计数法；请填写普通数字，如100000",
      "'1e5' is in scientific notation; write a plain number, such as 100000")),
    ("全省,general_practitioners_trained,2019,1.2E+03,,",
     ("数值", "1.2E+03", "“1.2E+03”是科学计数法；请填写普通数字，如1200",
      "'1.2E+03' is in scientific notation; write a plain number, such as 1200")),
    # dimensionless to pint, but no rate: an angle is a typo
    ("长春市,road_area_ratio,2019,26°,,",
     ("数值", "26°", "单位“°”不能换算为本指标的单位“%”",
      "the unit '°' cannot be converted to '%', the indicator's unit")),
    ("长春市,road_area_ratio,2019,26,rad,",
     ("数值", "26", "单位“rad”不能换算为本指标的单位“%”",
      "the unit 'rad' cannot be converted to '%', the indicator's unit")),
    # a fraction under a percent unit it did not type itself
    ("长春市,road_area_ratio,2019,0.965,%,",
     ("数值", "0.965", "“0.965”像是小数形式的比率；请填写96.5或96.5%（若确为0.965%，请写“0.965%”）",
      "'0.965' looks like a fraction; write 96.5 or 96.5% (if you mean 0.965 percent, write "
      "'0.965%')")),
    ("长春市,road_area_ratio,2019,0.965,百分比,",
     ("数值", "0.965", "“0.965”像是小数形式的比率；请填写96.5或96.5%（若确为0.965%，请写“0.965%”）",
      "'0.965' looks like a fraction; write 96.5 or 96.5% (if you mean 0.965 percent, write "
      "'0.965%')")),
    # the addressees without a code
    ("长白山管委会,road_area_ratio,2019,15,,",
     ("地区", "长白山管委会", "“长白山管委会”没有国家标准(GB/T 2260)行政区划代码，不能作为地区填报",
      "'长白山管委会' has no GB/T 2260 region code, so values cannot be reported for it")),
    ("长春新区,road_area_ratio,2019,15,,",
     ("地区", "长春新区", "“长春新区”没有国家标准(GB/T 2260)行政区划代码，不能作为地区填报",
      "'长春新区' has no GB/T 2260 region code, so values cannot be reported for it")),
    ("长春市,road_area_ratio,2019-13-01,15,,",
     ("年份", "2019-13-01", "年份“2019-13-01”不合理：应为四位年份，如2018",
      "not a plausible period '2019-13-01': expected a year such as 2018")),
])
def test_each_bad_input_is_an_error_on_its_row(check, line, expected):
    validation = check(f"吉林市,{RATE},2019,15,,", line)
    assert problems(validation) == [(3, *expected[:2], "error", *expected[2:])]
    assert validation.rows["row"].tolist() == [2]
    assert not validation.ok


def test_a_fraction_with_a_unit_is_not_suspect(check):
    assert only_row(check("长春市,road_area_ratio,2019,0.26%,,"))["value"] == pytest.approx(0.26)
    assert only_row(check("长春市,road_area_ratio,2019,0.5%,%,"))["value"] == pytest.approx(0.5)
    # a unit other than percent says what it means: 5‰ is 0.5%, 0.8元/百元 is 0.8%
    assert only_row(check("长春市,road_area_ratio,2019,5‰,,"))["value"] == pytest.approx(0.5)
    assert only_row(check("长春市,road_area_ratio,2019,0.8,元/百元,"))["value"] == pytest.approx(
        0.8)


def test_a_fraction_under_a_percent_header_is_suspect(tmp_path, catalogue, register):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["地区", "年份", "城市主次干道机械化清扫率（%）"])
    sheet.append(["长春市", 2004, 0.965])
    sheet.append(["吉林市", 2004, 95.1])
    workbook.save(tmp_path / "f.xlsx")
    validation = validate_file(tmp_path / "f.xlsx", catalogue, register, today=TODAY)
    assert problems(validation) == [(
        2, "城市主次干道机械化清扫率（%）", "0.965", "error",
        "“0.965”像是小数形式的比率；请填写96.5或96.5%（若确为0.965%，请写“0.965%”）",
        "'0.965' looks like a fraction; write 96.5 or 96.5% (if you mean 0.965 percent, write "
        "'0.965%')")]
    assert validation.rows["value"].tolist() == [95.1]


@pytest.mark.parametrize(("typed", "unit", "expected", "unit_entered"), [
    ("95", "百分比", 95, "百分比"), ("95百分比", "", 95, "百分比"), ("5‰", "", 0.5, "‰"),
    ("1 200 000", "", 1_200_000, None), ("1 200 000人", "", 1_200_000, None),
])
def test_more_values_as_typed(check, typed, unit, expected, unit_entered):
    indicator = RATE if expected < 100 else "general_practitioners_trained"
    row = only_row(check(f"全省,{indicator},2019,{typed},{unit},"))
    assert row["value"] == pytest.approx(expected)
    assert row["unit_entered"] == (unit_entered or ("人" if "人" in typed else None))


def test_absurd_numbers_print_no_runtime_warning(check):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validation = check("全省,general_practitioners_trained,2019," + "9" * 400 + ",,",
                           "全省,general_practitioners_trained,2018,inf,,")
    assert [p[0] for p in problems(validation)] == [2, 3]
    assert validation.rows.empty


@pytest.mark.parametrize(("typed", "year"), [
    ("2014/12/31", 2014), ("2013-12-31", 2013), ("2014.6.30", 2014), ("2014年12月31日", 2014),
])
def test_a_date_as_period_is_its_year(check, typed, year):
    assert only_row(check(f"长春市,{RATE},{typed},15,,"))["period"] == year


def test_an_indicator_name_with_a_bracketed_unit(check):
    validation = check("吉林市,新增城市绿地面积（亩）,2018,30,,",
                       "吉林市,城市主次干道机械化清扫率(%),2018,96.4,,",
                       "四平市,新增城市绿地面积（亩）,2018,2公顷,,")
    assert validation.rows[["indicator_id", "value", "unit_entered"]].values.tolist() == [
        [GREEN, 2.0, "亩"], ["mechanized_sweeping_rate", 96.4, "%"], [GREEN, 2.0, "公顷"]]
    assert problems(validation) == []


def test_a_code_written_as_a_decimal_number(check):
    validation = check(f"220100.0,{RATE},2018.0,15.5,,", header="region_code,indicator,period,"
                       "value,unit,note")
    assert only_row(validation)["region_code"] == "220100"


def test_all_problems_of_a_row_are_reported(check):
    validation = check("长村市,road_area_ratio,明年,15,,", f"长春市,{GREEN},2019,-1,,",
                       f"长春市,{RATE},2019,150,,")
    assert [(p[0], p[1]) for p in problems(validation)] == [
        (2, "地区"), (2, "年份"), (3, "数值"), (4, "数值")]


def test_two_different_values_for_one_key_are_errors_on_every_row(check):
    validation = check(f"长春市,{RATE},2019,15,,", f"220100,{RATE},2019,16%,,",
                       f"长春,{RATE},2019,17,,")
    assert problems(validation) == [
        (2, "数值", "15", "error",
         "同一地区、指标和年份有不同的数值：本行为“15”，第3行为“16%”、第4行为“17”",
         "different values for the same region, indicator and period: '15' here, '16%' in "
         "row 3, '17' in row 4"),
        (3, "数值", "16%", "error",
         "同一地区、指标和年份有不同的数值：本行为“16%”，第2行为“15”、第4行为“17”",
         "different values for the same region, indicator and period: '16%' here, '15' in "
         "row 2, '17' in row 4"),
        (4, "数值", "17", "error",
         "同一地区、指标和年份有不同的数值：本行为“17”，第2行为“15”、第3行为“16%”",
         "different values for the same region, indicator and period: '17' here, '15' in "
         "row 2, '16%' in row 3"),
    ]
    assert validation.rows.empty


def test_identical_duplicates_are_a_warning_and_kept_once(check):
    validation = check(f"长春市,{GREEN},2019,15,,", f"220100,{GREEN},2019,225亩,,")
    assert problems(validation) == [
        (3, "数值", "225亩", "warning", "与第2行重复（数值相同），只保留一次",
         "repeats row 2 (same value); kept once")]
    assert validation.rows["row"].tolist() == [2]
    assert validation.ok


# --- two region or indicator columns ----------------------------------------------------------

TWO_REGIONS = "区划代码,地区名称,指标,年份,数值"


def test_a_region_code_and_name_that_agree_are_accepted(check):
    validation = check(f"220100,长春市,{RATE},2013,14.4", f"220500,通化,{RATE},2013,12",
                       f",吉林市,{RATE},2013,11", header=TWO_REGIONS)
    assert validation.rows["region_code"].tolist() == ["220100", "220500", "220200"]
    assert problems(validation) == []


def test_a_region_code_and_name_that_disagree_are_an_error_naming_both(check):
    validation = check(f"220100,吉林市,{RATE},2013,14.4", f"220300,四平市,{RATE},2013,11.1",
                       header=TWO_REGIONS)
    assert problems(validation) == [(
        2, "地区名称", "220100 / 吉林市", "error",
        "“区划代码”列的“220100”（长春市）与“地区名称”列的“吉林市”（220200）不一致，请核对",
        "'220100' (长春市) in column '区划代码' and '吉林市' (220200) in column '地区名称' "
        "disagree; please check")]
    assert validation.rows["region_code"].tolist() == ["220300"]


def test_a_city_and_its_county_are_the_county(check):
    validation = check(f"长春市,农安县,{RATE},2012,9.1", f"吉林市,永吉县,{RATE},2012,8.7",
                       f"吉林省,通化县,{RATE},2012,8", f"长春市,,{RATE},2012,10",
                       header="城市,地区,指标,年份,数值")
    assert validation.rows["region_code"].tolist() == ["220122", "220221", "220521", "220100"]
    assert problems(validation) == []


def test_a_city_and_a_county_of_another_city_are_an_error(check):
    validation = check(f"长春市,永吉县,{RATE},2012,9.1", header="城市,地区,指标,年份,数值")
    assert problems(validation) == [(
        2, "地区", "长春市 / 永吉县", "error",
        "“城市”列的“长春市”（220100）与“地区”列的“永吉县”（220221）不一致，请核对",
        "'长春市' (220100) in column '城市' and '永吉县' (220221) in column '地区' disagree; "
        "please check")]


def test_an_unknown_name_beside_a_code_is_an_error_in_its_own_column(check):
    validation = check(f"220100,长村市,{RATE},2013,14.4", header=TWO_REGIONS)
    assert problems(validation) == [(
        2, "地区名称", "长村市", "error", "未知地区“长村市”，是否为“长春市”？",
        "unknown region '长村市'; did you mean 长春市?")]


TWO_INDICATORS = "地区,指标代码,指标名称,年份,数值"


def test_an_indicator_code_and_name_that_agree_are_accepted(check):
    validation = check(f"通化市,{RATE},道路面积率,2016,12.2", "白山市,,道路面积率,2016,11.8",
                       header=TWO_INDICATORS)
    assert validation.rows[["region_code", "indicator_id", "value"]].values.tolist() == [
        ["220500", RATE, 12.2], ["220600", RATE, 11.8]]
    assert problems(validation) == []


def test_an_indicator_code_and_name_that_disagree_are_an_error_on_the_row(check):
    validation = check(f"通化市,{RATE},违法建设查处率,2016,12.2",
                       f"白山市,{RATE},道路面积率,2016,11.8", header=TWO_INDICATORS)
    assert problems(validation) == [(
        2, "指标名称", f"{RATE} / 违法建设查处率", "error",
        f"“指标代码”列的“{RATE}”（道路面积率 {RATE}）与“指标名称”列的“违法建设查处率”"
        "（违法建设查处率 illegal_construction_handling_rate）不一致，请核对",
        f"'{RATE}' (道路面积率 {RATE}) in column '指标代码' and '违法建设查处率' (违法建设查处率 "
        "illegal_construction_handling_rate) in column '指标名称' disagree; please check")]
    assert validation.rows["region_code"].tolist() == ["220600"]


# --- rows that could not be read, and workbooks ---------------------------------------------

def test_a_row_with_more_cells_than_the_header_is_an_error_on_that_row(check):
    validation = check("全省,general_practitioners_trained,2013,1,200", "全省,agri_local_standards_"
                       "formulated,2013,35", header="地区,指标,年份,数值")
    assert problems(validation) == [(
        2, None, "全省,general_practitioners_trained,2013,1,200", "error",
        "第2行的单元格比表头多，可能是数值中的逗号未加引号",
        "row 2 has more cells than the header; a comma inside a number may need quotes")]
    assert validation.rows["row"].tolist() == [3]  # 1 is never taken for row 2's value
    assert not validation.ok


def test_an_absurdly_long_note_is_an_error_on_its_row(check):
    validation = check(f'长春市,{RATE},2012,14.2,,"{"长" * 200_000}"')
    assert problems(validation) == [(
        2, "备注", "长" * 20 + "…", "error", "单元格过长：“备注”列有200000个字符，最多10000个",
        "cell too long: column '备注' has 200000 characters, at most 10000")]


def test_a_long_note_is_kept_verbatim(check):
    assert only_row(check(f"长春市,{RATE},2012,14.2,,{'说明' * 1500}"))["note"] == "说明" * 1500


def test_a_formula_without_a_computed_value_is_an_error_on_its_cell(tmp_path, catalogue,
                                                                    register):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["地区", "指标", "年份", "数值"])
    sheet.append(["长春市", "道路面积率", 2008, "#DIV/0!"])
    sheet.append(["吉林市", "道路面积率", 2008, "=1/0"])
    workbook.save(tmp_path / "f.xlsx")
    validation = validate_file(tmp_path / "f.xlsx", catalogue, register, today=TODAY)
    assert problems(validation) == [
        (2, "数值", "#DIV/0!", "error", "“#DIV/0!”不是数字（未报告的请留空）",
         "'#DIV/0!' is not a number (leave the cell empty if not reported)"),
        (3, "数值", "=1/0", "error", "公式没有计算结果，请在Excel中打开并保存后再上传",
         "formula has no computed value; open and save the file in Excel first")]


def workbook_of_sheets(path: Path, **sheets: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["说明", "1. 数值请填写实际完成值"])
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_every_sheet_is_read_and_problems_name_their_sheet(tmp_path, catalogue, register):
    header = ["地区", "指标", "年份", "数值"]
    path = workbook_of_sheets(
        tmp_path / "s.xlsx",
        sheet_2017=[header, ["白山市", "生活垃圾无害化处理率", 2017, 88],
                    ["白山市", "道路面积率", 2018, 12]],
        sheet_2018=[header, ["白山市", "生活垃圾无害化处理率", 2018, 90.5],
                    ["长村", "道路面积率", 2018, 14], ["白山市", "道路面积率", 2018, 13]])
    validation = validate_file(path, catalogue, register, today=TODAY)
    assert problems(validation) == [
        (pd.NA, None, "填表说明", "warning",
         "已跳过不像数据表的工作表（没有可识别的表头或数据行）：“填表说明”",
         "skipped sheets that do not look like data (no recognisable header or no data "
         "rows): '填表说明'"),
        (3, "数值", "12", "error",
         "工作表“sheet_2017”第3行：同一地区、指标和年份有不同的数值：本行为“12”，"
         "工作表“sheet_2018”第4行为“13”",
         "sheet 'sheet_2017' row 3: different values for the same region, indicator and "
         "period: '12' here, '13' in sheet 'sheet_2018' row 4"),
        (3, "地区", "长村", "error",
         "工作表“sheet_2018”第3行：未知地区“长村”，是否为“长春市”？",
         "sheet 'sheet_2018' row 3: unknown region '长村'; did you mean 长春市?"),
        (4, "数值", "13", "error",
         "工作表“sheet_2018”第4行：同一地区、指标和年份有不同的数值：本行为“13”，"
         "工作表“sheet_2017”第3行为“12”",
         "sheet 'sheet_2018' row 4: different values for the same region, indicator and "
         "period: '13' here, '12' in sheet 'sheet_2017' row 3")]
    assert validation.rows[["row", "period", "value"]].values.tolist() == [
        [2, 2017, 88.0], [2, 2018, 90.5]]


def test_sheets_of_one_workbook_load_together(tmp_path, catalogue, register):
    header = ["地区", "指标", "年份", "数值"]
    path = workbook_of_sheets(tmp_path / "s.xlsx",
                              a=[header, ["白山市", "生活垃圾无害化处理率", 2017, 88]],
                              b=[header, ["白山市", "生活垃圾无害化处理率", 2018, 90.5]])
    validation = validate_file(path, catalogue, register, today=TODAY)
    assert validation.ok
    assert validation.rows["value"].tolist() == [88.0, 90.5]


def test_a_code_retired_during_the_year_is_recorded_under_the_new_one(check):
    validation = check(f"220381,{RATE},2020,14,,")
    assert only_row(validation)["region_code"] == "220184"
    assert problems(validation) == [(
        2, "地区", "220381", "warning",
        "地区代码“220381”已于2020-06-19停用，2020年的数值记入新代码220184（公主岭市）",
        "region code '220381' was retired on 2020-06-19; the 2020 value is recorded under the "
        "new code 220184 (公主岭市)")]


# --- warnings --------------------------------------------------------------------------------

def history(*values: float, start: int = 2014) -> pd.DataFrame:
    return make_actuals(*[("220100", GREEN, start + i, v) for i, v in enumerate(values)])


def test_jump_beyond_the_usual_change_is_a_warning(check):
    # earlier yearly changes 2, 2, 2, 2: the limit is max(3 x 2, 50% of 108) = 54
    steady = history(100, 102, 104, 106, 108)
    assert check(f"长春市,{GREEN},2019,162,,", history=steady).problems.empty
    validation = check(f"长春市,{GREEN},2019,163,,", history=steady)
    assert problems(validation) == [(
        2, "数值", "163", "warning",
        "数值“163”与2018年的108公顷（已存数据）相比变化+55，远超通常的变化幅度（54）；请核实",
        "value '163' jumps by +55 from 108 ha in 2018 (stored value), far beyond the usual "
        "change (54); please check")]
    assert validation.rows["value"].tolist() == [163.0]


def test_jump_limit_with_a_volatile_history(check):
    # yearly changes 40, 40, 40: 3 x 40 = 120 beats 50% of 220 = 110
    volatile = history(100, 140, 180, 220, start=2015)
    assert check(f"长春市,{GREEN},2019,335,,", history=volatile).problems.empty
    validation = check(f"长春市,{GREEN},2019,345,,", history=volatile)
    assert problems(validation) == [(
        2, "数值", "345", "warning",
        "数值“345”与2018年的220公顷（已存数据）相比变化+125，远超通常的变化幅度（120）；请核实",
        "value '345' jumps by +125 from 220 ha in 2018 (stored value), far beyond the usual "
        "change (120); please check")]
    assert validation.ok
    assert not check(f"长春市,{GREEN},2019,345,,", history=volatile, strict=True).ok


def test_jump_with_a_short_history_is_judged_relatively(check):
    short = history(100, start=2018)
    assert check(f"长春市,{GREEN},2019,149,,", history=short).problems.empty
    assert problems(check(f"长春市,{GREEN},2019,40,,", history=short))[0][5] == (
        "value '40' jumps by -60 from 100 ha in 2018 (stored value), far beyond the usual "
        "change (50); please check")


def test_jump_from_an_earlier_row_of_the_same_file(check):
    validation = check(f"长春市,{GREEN},2018,100,,", f"长春市,{GREEN},2019,300,,")
    assert problems(validation) == [(
        3, "数值", "300", "warning",
        "数值“300”与2018年的100公顷（第2行）相比变化+200，远超通常的变化幅度（50）；请核实",
        "value '300' jumps by +200 from 100 ha in 2018 (row 2), far beyond the usual change "
        "(50); please check")]
    assert validation.rows["row"].tolist() == [2, 3]


def test_the_file_supersedes_the_history_for_the_same_period(check):
    stored = history(100, start=2018)
    assert check(f"长春市,{GREEN},2018,300,,", f"长春市,{GREEN},2019,310,,",
                 history=stored).problems.empty


def test_only_the_same_regions_stored_series_is_compared_with(check):
    steady = history(100, 102, 104, 106, 108)
    others = make_actuals(("220200", GREEN, 2018, 163.0), ("220100", RATE, 2018, 163.0))
    validation = check(f"长春市,{GREEN},2019,163,,", history=pd.concat([steady, others]))
    assert "2018年的108公顷" in problems(validation)[0][4]


def test_no_jump_is_judged_from_zero_or_for_milestones(check):
    assert check(f"长春市,{GREEN},2019,300,,", history=history(0, start=2018)).problems.empty
    assert check(f"长春市,{MILESTONE},2018,0,,", f"长春市,{MILESTONE},2019,1,,").problems.empty


def test_a_value_exactly_on_its_target_is_a_warning(check):
    validation = check("长春市,transit_modal_share,2018,26%,,")
    assert problems(validation) == [(
        2, "数值", "26%", "warning",
        "数值“26%”恰好等于2018年的目标值26%；请确认填写的是实际值而不是目标值",
        "value '26%' equals the 2018 target 26% exactly; make sure it is the actual "
        "value, not the target")]
    assert validation.ok
    strict = check("长春市,transit_modal_share,2018,26%,,", strict=True)
    assert not strict.ok
    assert strict.rows.empty


def test_a_target_of_another_class_or_year_is_no_warning(check):
    # 26% is the 2018 target of 长春市、吉林市, not of 四平市, nor of 2019
    assert check("四平市,transit_modal_share,2018,26,,",
                 "长春市,transit_modal_share,2019,26,,").problems.empty


def test_a_count_on_its_target_is_no_warning(check):
    assert check("吉林省,general_practitioners_trained,2018,550,,").problems.empty


# --- tables kept per catalogue and register ----------------------------------------------------

def test_tables_are_built_once_for_the_same_catalogue_and_register(check, catalogue,
                                                                  monkeypatch):
    built = []
    build = validate_module.Tables.build
    monkeypatch.setattr(validate_module.Tables, "build", classmethod(
        lambda cls, catalogue, register: built.append(1) or build(catalogue, register)))
    validate_module.forget(catalogue)
    check("长春市,transit_modal_share,2018,26%,,")
    check("四平市,transit_modal_share,2019,27,,")
    assert built == [1]


ON_TARGET = "equals the 2018 target 26%"  # the warning on jzbf17-04 (its id is not shown)


def test_a_new_catalogue_or_register_object_drops_the_tables(tmp_path, catalogue, register):
    path = tmp_path / "upload.csv"
    path.write_text(f"{HEADER}\n长春市,transit_modal_share,2018,26%,,\n", encoding="utf-8")

    def warned(catalogue, register) -> list[str]:
        found = validate_file(path, catalogue, register, today=TODAY).problems
        return found["problem_en"].tolist()

    assert any(ON_TARGET in problem for problem in warned(catalogue, register))
    # The same catalogue's content in a new object, less the target the value sits on.
    other = dataclasses.replace(catalogue, targets=[
        target for target in catalogue.targets if target.id != "jzbf17-04"])
    assert warned(other, register) == []
    assert any(ON_TARGET in problem for problem in warned(catalogue, register))
    without_changchun = RegionRegister(register.regions[register.regions["code"] != "220100"])
    assert any("长春市" in problem for problem in warned(catalogue, without_changchun))
    assert any(ON_TARGET in problem for problem in warned(catalogue, register))


# --- file level and formatting ---------------------------------------------------------------

def test_a_rejected_file_is_one_problem_without_a_row(tmp_path, catalogue, register):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    validation = validate_file(path, catalogue, register)
    assert problems(validation) == [
        (pd.NA, None, "empty.csv", "error", "文件是空的", "the file is empty")]
    assert validation.rows.empty
    assert list(validation.rows.columns) == ["row", "region_code", "indicator_id", "period",
                                             "value", "value_entered", "unit_entered", "note"]
    assert not validation.ok


def test_layout_problems_reach_the_validation(tmp_path, catalogue, register):
    path = tmp_path / "wide.csv"
    path.write_text("地区,年份,道路面积,道路面积率\n长春市,2019,15,16\n", encoding="utf-8")
    validation = validate_file(path, catalogue, register, today=TODAY)
    assert problems(validation)[0][:4] == (1, "道路面积", "道路面积", "error")
    assert validation.rows["value"].tolist() == [16.0]
    assert not validation.ok


def test_validate_takes_a_plain_long_frame(catalogue, register):
    long = pd.DataFrame([{"row": 5, "column": "v", "region": "长春", "indicator": RATE,
                          "period": "2019", "value": "abc", "unit": None, "note": None}])
    validation = validate(long, catalogue, register, today=TODAY)
    assert problems(validation) == [(5, "v", "abc", "error", "“abc”不是数字（未报告的请留空）",
                                     "'abc' is not a number (leave the cell empty if not "
                                     "reported)")]


def test_format_problems_is_a_table_sorted_by_row(check):
    validation = check(f"长春市,{RATE},2019,150,,", "长村市,road_area_ratio,2019,15,,")
    assert format_problems(validation.problems).splitlines() == [
        "行  列    值      级别  问题",
        "2   数值  150     错误  比率“150”超出0–100%的范围",
        "3   地区  长村市  错误  未知地区“长村市”，是否为“长春市”？",
    ]
    assert format_problems(validation.problems, "en").splitlines()[1] == (
        "2    数值    150     error     a rate of '150' is outside 0-100%")


def test_format_problems_puts_file_problems_first_and_says_when_there_are_none(check):
    assert format_problems(check(f"长春市,{RATE},2019,15,,").problems) == "没有发现问题。"
    assert format_problems(check(f"长春市,{RATE},2019,15,,").problems, "en") == (
        "No problems found.")
