from pathlib import Path

import pandas as pd
import pytest

from etl.layout import LONG_COLUMNS, to_long
from etl.names import role_of, split_bracketed_unit
from etl.read import FileRejected, RawTable, read_table
from indicators.catalogue import load_catalogue

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def raw(headers: list[str], *rows: list[str | None], header_row: int = 1) -> RawTable:
    frame = pd.DataFrame([list(row) for row in rows], columns=headers, dtype=object)
    frame.insert(0, "row", range(header_row + 1, header_row + 1 + len(rows)))
    return RawTable(frame, "test.csv", header_row=header_row)


def rejected(table: RawTable, catalogue) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        to_long(table, catalogue)
    return caught.value


@pytest.mark.parametrize(("header", "role"), [
    ("地区", "region"), ("行政区划代码", "region"), (" Region_Code ", "region"),
    ("市县", "region"), ("Indicator_ID", "indicator"), ("指标名称", "indicator"),
    ("年", "period"), ("ＹＥＡＲ", "period"),
    ("年 度", "period"), ("实际值", "value"), ("数值（%）", "value"), ("单位", "unit"),
    ("说明", "note"), ("指标值", None), ("公共交通机动化出行分担率", None),
])
def test_header_roles(header, role):
    assert role_of(header) == role


@pytest.mark.parametrize(("header", "split"), [
    ("公共交通机动化出行分担率(%)", ("公共交通机动化出行分担率", "%")),
    ("新增城市绿地面积（亩）", ("新增城市绿地面积", "亩")),
    ("新增城市绿地面积【公顷】", ("新增城市绿地面积", "公顷")),
    ("城市人均公园绿地面积", ("城市人均公园绿地面积", None)),
])
def test_bracketed_unit(header, split):
    assert split_bracketed_unit(header) == split


def test_long_layout_with_aliases(catalogue):
    table = raw(["行政区划代码", "指标名称", "年度", "实际值", "单位", "说明"],
                ["220100", "道路面积率", "2018", "15", "%", "初报"],
                ["220200", "road_area_ratio", "2018", None, None, None])
    long = to_long(table, catalogue)
    assert list(long.columns) == LONG_COLUMNS
    assert long.to_dict("records") == [
        {"row": 2, "column": "实际值", "region": "220100", "indicator": "道路面积率",
         "period": "2018", "value": "15", "unit": "%", "note": "初报"},
        # an empty value in the long layout is kept, for validation to call it missing
        {"row": 3, "column": "实际值", "region": "220200", "indicator": "road_area_ratio",
         "period": "2018", "value": None, "unit": None, "note": None},
    ]
    assert long.attrs["headers"] == {"region": "行政区划代码", "indicator": "指标名称",
                                     "period": "年度", "value": "实际值", "unit": "单位",
                                     "note": "说明"}
    assert long.attrs["problems"].empty


def test_long_value_header_unit_yields_to_the_cell(catalogue):
    table = raw(["地区", "指标", "年份", "数值(公顷)"],
                ["长春", "new_urban_green_area", "2018", "3"],
                ["长春", "new_urban_green_area", "2019", "2亩"])
    assert to_long(table, catalogue)["unit"].tolist() == ["公顷", None]


def test_long_layout_ignores_an_unknown_column_with_a_warning(catalogue):
    table = raw(["地区", "指标", "年份", "数值", "填报人"],
                ["长春", "road_area_ratio", "2018", "15", "张三"])
    problems = to_long(table, catalogue).attrs["problems"]
    assert problems.to_dict("records") == [{
        "row": 1, "column": "填报人", "value": "填报人", "severity": "warning",
        "problem_zh": "列“填报人”不是已知列名，已忽略",
        "problem_en": "column '填报人' is not a known column and was ignored"}]


def test_region_code_column_is_preferred_over_name(catalogue):
    table = raw(["地区名称", "地区代码", "指标", "年份", "数值"],
                ["通化", "220500", "road_area_ratio", "2018", "15"],
                ["通化县", None, "road_area_ratio", "2018", "16"])
    assert to_long(table, catalogue)["region"].tolist() == ["220500", "通化县"]


def test_wide_layout_melts_one_row_per_reported_value(catalogue):
    long = to_long(read_table(FILES / "wide.csv"), catalogue)
    assert long.to_dict("records") == [
        {"row": 2, "column": "公共交通机动化出行分担率(%)", "region": "长春市",
         "indicator": "transit_modal_share", "period": "2018", "value": "27", "unit": "%",
         "note": None},
        {"row": 2, "column": "新增城市绿地面积（亩）", "region": "长春市",
         "indicator": "new_urban_green_area", "period": "2018", "value": "30", "unit": "亩",
         "note": None},
        {"row": 2, "column": "城市人均公园绿地面积", "region": "长春市",
         "indicator": "park_green_space_per_capita", "period": "2018", "value": "12.5",
         "unit": None, "note": None},
        # the cell's own unit wins over the header's
        {"row": 3, "column": "新增城市绿地面积（亩）", "region": "吉林市",
         "indicator": "new_urban_green_area", "period": "2018", "value": "2公顷", "unit": None,
         "note": "只报绿地"},
        {"row": 4, "column": "公共交通机动化出行分担率(%)", "region": "四平市",
         "indicator": "transit_modal_share", "period": "2019", "value": "18.5", "unit": "%",
         "note": None},
        {"row": 4, "column": "城市人均公园绿地面积", "region": "四平市",
         "indicator": "park_green_space_per_capita", "period": "2019", "value": "11",
         "unit": None, "note": None},
    ]
    assert long.attrs["headers"] == {"region": "地区", "period": "年份", "note": "备注"}


def test_wide_header_may_be_an_indicator_id(catalogue):
    table = raw(["region", "year", "road_area_ratio"], ["长春", "2018", "15"])
    assert to_long(table, catalogue)["indicator"].tolist() == ["road_area_ratio"]


def test_wide_unknown_header_is_an_error_on_its_column_with_a_suggestion(catalogue):
    table = raw(["地区", "年份", "公共交通机动化出行分担", "道路面积率"],
                ["长春", "2018", "26", "15"], header_row=2)
    long = to_long(table, catalogue)
    assert long["indicator"].tolist() == ["road_area_ratio"]
    assert long.attrs["problems"].to_dict("records") == [{
        "row": 2, "column": "公共交通机动化出行分担", "value": "公共交通机动化出行分担",
        "severity": "error",
        "problem_zh": "未知的列“公共交通机动化出行分担”：既不是已知列名，也不是指标；"
                      "是否为“公共交通机动化出行分担率”(transit_modal_share)？",
        "problem_en": "unknown column '公共交通机动化出行分担': neither a known column nor an "
                      "indicator; did you mean 公共交通机动化出行分担率 (transit_modal_share)?"}]


def test_wide_header_with_an_unknown_unit(catalogue):
    table = raw(["地区", "年份", "道路面积率(成)"], ["长春", "2018", "1.5"])
    problem = to_long(table, catalogue).attrs["problems"].iloc[0]
    assert (problem["row"], problem["column"]) == (1, "道路面积率(成)")
    assert problem["problem_zh"] == "表头“道路面积率(成)”中的单位“成”无法识别"
    assert problem["problem_en"] == "unknown unit '成' in the header '道路面积率(成)'"


def test_missing_required_long_columns(catalogue):
    error = rejected(raw(["地区", "指标", "数值"], ["长春", "road_area_ratio", "15"]), catalogue)
    assert error.problem_zh == (
        "缺少必需的列：年份。找到的表头：地区、指标、数值。长表需要：地区、指标、年份、数值；"
        "宽表需要：地区、年份，以及以指标名称为表头的列")
    assert error.problem_en == (
        "missing required columns: period. Headers found: 地区, 指标, 数值. a long table needs "
        "region, indicator, period and value; a wide table needs region, period and one column "
        "per indicator, headed by its name")


def test_missing_required_wide_columns(catalogue):
    error = rejected(raw(["名称", "道路面积率"], ["长春", "15"]), catalogue)
    assert error.problem_zh.startswith("缺少必需的列：地区、年份。找到的表头：名称、道路面积率。")
    assert error.problem_en.startswith("missing required columns: region, period. Headers "
                                       "found: 名称, 道路面积率.")


def test_two_period_columns_are_ambiguous(catalogue):
    error = rejected(raw(["地区", "年份", "年度", "道路面积率"], ["长春", "2018", "2018", "15"]),
                     catalogue)
    assert error.problem_zh == "有多个年份列：年份、年度；请只保留一列"
    assert error.problem_en == "several period columns: 年份, 年度; keep only one"


def test_wide_table_with_nothing_filled_in(catalogue):
    error = rejected(raw(["地区", "年份", "道路面积率"], ["长春", "2018", None]), catalogue)
    assert (error.problem_zh, error.problem_en) == (
        "表中没有填写任何数值", "the table has no values filled in")


def test_wide_table_without_indicator_columns(catalogue):
    error = rejected(raw(["地区", "年份", "备注"], ["长春", "2018", "x"]), catalogue)
    assert error.problem_en.startswith("no value columns found. Headers found: 地区, 年份, 备注.")
