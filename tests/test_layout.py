from pathlib import Path

import pandas as pd
import pytest

from etl.layout import LONG_COLUMNS, tables_to_long, to_long
from etl.names import role_of, split_bracketed_unit
from etl.read import FileRejected, RawTable, read_table

FILES = Path(__file__).parent / "files"


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


def test_a_region_code_and_a_region_name_column_are_both_kept_code_first(catalogue):
    table = raw(["地区名称", "地区代码", "指标", "年份", "数值"],
                ["通化", "220500", "road_area_ratio", "2018", "15"],
                ["通化县", None, "road_area_ratio", "2018", "16"])
    long = to_long(table, catalogue)
    # validate resolves both and checks that they agree
    assert long["region"].tolist() == ["220500", None]
    assert long["region_2"].tolist() == ["通化", "通化县"]
    assert long.attrs["headers"]["region"] == "地区代码"
    assert long.attrs["headers"]["region_2"] == "地区名称"


def test_an_indicator_code_and_name_column_are_both_kept(catalogue):
    table = raw(["地区", "指标名称", "指标代码", "年份", "数值"],
                ["通化市", "道路面积率", "road_area_ratio", "2016", "12.2"])
    long = to_long(table, catalogue)
    assert (long["indicator"].tolist(), long["indicator_2"].tolist()) == (
        ["road_area_ratio"], ["道路面积率"])
    assert long.attrs["headers"]["indicator"] == "指标代码"
    assert long.attrs["problems"].empty


def test_three_region_columns_are_refused(catalogue):
    table = raw(["城市", "市县", "地区", "指标", "年份", "数值"],
                ["长春市", "农安县", "农安县", "road_area_ratio", "2018", "15"])
    error = rejected(table, catalogue)
    assert error.problem_zh == "有多个地区列：城市、市县、地区；最多保留两列（代码和名称）"
    assert error.problem_en == ("several region columns: 城市, 市县, 地区; keep at most two "
                                "(a code and a name)")


def test_years_as_columns_are_melted(catalogue):
    table = raw(["地区", "指标", "2011", "2012年", "2013", "填报人"],
                ["四平市", "道路面积率", "10.1", None, "10.9", "张三"])
    long = to_long(table, catalogue)
    assert long.to_dict("records") == [
        {"row": 2, "column": "2011", "region": "四平市", "indicator": "道路面积率",
         "period": "2011", "value": "10.1", "unit": None, "note": None},
        {"row": 2, "column": "2013", "region": "四平市", "indicator": "道路面积率",
         "period": "2013", "value": "10.9", "unit": None, "note": None}]
    assert long.attrs["problems"]["column"].tolist() == ["填报人"]


def test_rows_the_reader_could_not_read_are_problems_on_their_rows(catalogue, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("地区,年份,道路面积率\n长春市,2007,13,14,15\n吉林市,2007,12\n",
                    encoding="utf-8")
    long = to_long(read_table(path), catalogue)
    assert long["row"].tolist() == [3]
    assert long.attrs["problems"][["row", "column", "severity", "problem_en"]].to_dict(
        "records") == [{"row": 2, "column": None, "severity": "error",
                        "problem_en": "row 2 has more cells than the header; a comma inside a "
                                      "number may need quotes"}]


def formula_table() -> RawTable:
    table = raw(["地区", "年份", "道路面积率", "违法建设查处率"],
                ["长春市", "2008", None, "90"], [None, "2008", "13", "12"],
                ["四平市", "2008", "11", None])
    table.formulas = {(2, "道路面积率"): "=10+4", (3, "地区"): "=A2", (4, "违法建设查处率"): "=B3"}
    return table


def test_a_formula_without_a_value_is_an_error_on_its_cell(catalogue):
    long = to_long(formula_table(), catalogue)
    # Row 3's region is unknown, so none of its values is taken; row 2 keeps its other value.
    assert long[["row", "column", "value"]].values.tolist() == [
        [2, "违法建设查处率", "90"], [4, "道路面积率", "11"]]
    assert long.attrs["problems"].to_dict("records") == [
        {"row": row, "column": column, "value": formula, "severity": "error",
         "problem_zh": "公式没有计算结果，请在Excel中打开并保存后再上传",
         "problem_en": "formula has no computed value; open and save the file in Excel first"}
        for row, column, formula in [(2, "道路面积率", "=10+4"), (3, "地区", "=A2"),
                                     (4, "违法建设查处率", "=B3")]]


def test_sheets_are_laid_out_together_each_row_with_its_sheet(catalogue):
    first = raw(["地区", "指标", "年份", "数值", "填报人"],
                ["白山市", "道路面积率", "2017", "12", "张"])
    second = raw(["地区", "指标", "年份", "数值"], ["白山市", "道路面积率", "2018", "13"],
                 ["通化市", "道路面积率", "2018", "14"])
    first.sheet, second.sheet = "2017年", "2018年"
    long = tables_to_long([first, second], catalogue)
    assert long[["sheet", "row", "value"]].values.tolist() == [
        ["2017年", 2, "12"], ["2018年", 2, "13"], ["2018年", 3, "14"]]
    assert long.attrs["sheets"] == ["2017年", "2018年"]
    assert long.attrs["problems"][["sheet", "row", "column"]].values.tolist() == [
        ["2017年", 1, "填报人"]]


def test_a_sheet_without_the_required_columns_rejects_the_file_naming_it(catalogue):
    first = raw(["地区", "指标", "年份", "数值"], ["白山市", "道路面积率", "2017", "12"])
    second = raw(["地区", "指标", "数值"], ["白山市", "道路面积率", "13"])
    first.sheet, second.sheet = "2017年", "2018年"
    with pytest.raises(FileRejected) as caught:
        tables_to_long([first, second], catalogue)
    assert caught.value.problem_zh.startswith("工作表“2018年”：缺少必需的列：年份。")
    assert caught.value.problem_en.startswith("sheet '2018年': missing required columns: period.")


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
                      "是否为“公共交通机动化出行分担率”？",
        "problem_en": "unknown column '公共交通机动化出行分担': neither a known column nor an "
                      "indicator; did you mean 公共交通机动化出行分担率?"}]


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
        "宽表需要：地区、年份，以及以指标名称为表头的列；或者：地区、指标，以及以年份为表头的列")
    assert error.problem_en == (
        "missing required columns: period. Headers found: 地区, 指标, 数值. a long table needs "
        "region, indicator, period and value; a wide table needs region, period and one column "
        "per indicator, headed by its name; or region, indicator and one column per year, "
        "headed by the year")


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


def test_wide_header_of_a_measure_easily_confused_is_refused_with_why(catalogue):
    table = raw(["地区", "年份", "绿化率", "建成区绿地率", "建成区绿化覆盖率"],
                ["长春", "2018", "42.17", "37.17", "42.17"])
    long = to_long(table, catalogue)
    assert long["indicator"].tolist() == ["built_up_green_space_ratio",
                                          "built_up_green_coverage_ratio"]
    problem = long.attrs["problems"].iloc[0]
    assert problem["problem_zh"].startswith(
        "未知的列“绿化率”：既不是已知列名，也不是指标；“绿化率”不是“建成区绿化覆盖率”")
    assert "是否为" not in problem["problem_zh"]
    assert problem["problem_en"].startswith(
        "unknown column '绿化率': neither a known column nor an indicator; "
        "绿化率 is not 建成区绿化覆盖率: ")
