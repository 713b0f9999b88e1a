import codecs
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from etl.read import FileRejected, number_text, read_table, read_tables

FILES = Path(__file__).parent / "files"
CSV_TEXT = "地区,指标,年份,数值\n长春市,transit_modal_share,2018,26%\n吉林市,道路面积率,2019,\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def records(path: Path) -> list[dict]:
    return read_table(path).frame.to_dict("records")


def rejected(path: Path) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        read_table(path)
    return caught.value


# --- CSV -------------------------------------------------------------------------------------

def test_utf8_csv_is_text_with_row_numbers_and_none_for_empty(tmp_path):
    table = read_table(write(tmp_path, "a.csv", CSV_TEXT.encode("utf-8")))
    assert table.name == "a.csv"
    assert list(table.frame.columns) == ["row", "地区", "指标", "年份", "数值"]
    assert records(tmp_path / "a.csv") == [
        {"row": 2, "地区": "长春市", "指标": "transit_modal_share", "年份": "2018", "数值": "26%"},
        {"row": 3, "地区": "吉林市", "指标": "道路面积率", "年份": "2019", "数值": None},
    ]


def test_bom_is_not_part_of_the_first_header(tmp_path):
    path = write(tmp_path, "bom.csv", codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"))
    assert list(read_table(path).frame.columns)[1] == "地区"


def test_gbk_csv_as_chinese_excel_writes_it(tmp_path):
    path = write(tmp_path, "gbk.csv", CSV_TEXT.replace("\n", "\r\n").encode("gb18030"))
    assert records(path)[1] == {"row": 3, "地区": "吉林市", "指标": "道路面积率", "年份": "2019",
                                "数值": None}


def test_utf16_text_as_excel_unicode_text_writes_it(tmp_path):
    path = write(tmp_path, "u.txt", CSV_TEXT.replace(",", "\t").encode("utf-16"))
    assert records(path)[0]["地区"] == "长春市"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = write(tmp_path, "d.csv", CSV_TEXT.replace(",", delimiter).encode("utf-8"))
    assert records(path)[0]["数值"] == "26%"


def test_quoted_thousands_stay_one_cell(tmp_path):
    path = write(tmp_path, "q.csv", '地区,数值\n长春市,"1,200"\n'.encode())
    assert records(path) == [{"row": 2, "地区": "长春市", "数值": "1,200"}]


def test_blank_rows_are_skipped_but_counted(tmp_path):
    text = "\n地区,数值\n\n长春市,1\n,\n吉林市,2\n"
    table = read_table(write(tmp_path, "b.csv", text.encode()))
    assert table.header_row == 2
    assert table.frame["row"].tolist() == [4, 6]


def test_a_title_row_above_the_header_is_skipped(tmp_path):
    text = "2018年城市管理指标\n地区,年份,数值\n长春市,2018,1\n"
    table = read_table(write(tmp_path, "t.csv", text.encode()))
    assert table.header_row == 2
    assert records(tmp_path / "t.csv") == [{"row": 3, "地区": "长春市", "年份": "2018",
                                            "数值": "1"}]


def test_empty_columns_without_a_header_are_dropped(tmp_path):
    path = write(tmp_path, "e.csv", "地区,,数值,,\n长春市,,1,,\n".encode())
    assert records(path) == [{"row": 2, "地区": "长春市", "数值": "1"}]


def test_xlsx_cells_beyond_the_header_get_a_column_letter(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["地区", "数值"])
    workbook.active.append(["长春市", 1, "多余"])
    workbook.save(tmp_path / "x.xlsx")
    assert list(read_table(tmp_path / "x.xlsx").frame.columns) == ["row", "地区", "数值", "[C]"]


def test_a_csv_row_with_more_cells_than_the_header_is_an_error_on_that_row(tmp_path):
    # An unquoted 1,200 splits the value: the row is not read, so 1 is never stored.
    text = ("地区,指标,年份,数值\n全省,培训全科医生人数,2013,1,200\n"
            "全省,制定农业地方标准数量,2013,35\n")
    table = read_table(write(tmp_path, "m.csv", text.encode()))
    assert list(table.frame.columns) == ["row", "地区", "指标", "年份", "数值"]
    assert table.frame["row"].tolist() == [3]
    assert table.problems == [{
        "row": 2, "column": None, "value": "全省,培训全科医生人数,2013,1,200", "severity": "error",
        "problem_zh": "第2行的单元格比表头多，可能是数值中的逗号未加引号",
        "problem_en": "row 2 has more cells than the header; a comma inside a number may need "
                      "quotes"}]


def test_every_row_too_wide_leaves_an_empty_table_not_a_header_only_file(tmp_path):
    text = "地区,年份,道路面积率\n长春市,2007,13,14,15\n"
    table = read_table(write(tmp_path, "w.csv", text.encode()))
    assert table.frame.empty
    assert [problem["row"] for problem in table.problems] == [2]


def test_a_field_beyond_the_csv_module_limit_is_an_error_on_its_row(tmp_path):
    note = "长" * 200_000
    text = f'地区,指标,年份,数值,备注\n长春市,道路面积率,2012,14.2,"{note}"\n'
    table = read_table(write(tmp_path, "h.csv", text.encode()))
    assert table.frame.empty
    assert table.problems == [{
        "row": 2, "column": "备注", "value": "长" * 20 + "…", "severity": "error",
        "problem_zh": "单元格过长：“备注”列有200000个字符，最多10000个",
        "problem_en": "cell too long: column '备注' has 200000 characters, at most 10000"}]


def test_a_long_note_is_read_whole(tmp_path):
    note = "说明" * 1500
    path = write(tmp_path, "n.csv", f"地区,数值,备注\n长春市,1,{note}\n".encode())
    assert records(path)[0]["备注"] == note


def test_full_width_comma_separates_fields(tmp_path):
    text = "地区，指标，年份，数值\n长春市，道路面积率，2005，14\n"
    path = write(tmp_path, "f.csv", text.encode())
    assert records(path) == [{"row": 2, "地区": "长春市", "指标": "道路面积率", "年份": "2005",
                              "数值": "14"}]


def test_title_line_before_a_semicolon_header(tmp_path):
    text = "吉林省2015年指标完成情况\n地区;指标;年份;数值\n松原市;道路面积率;2015;10.5\n"
    table = read_table(write(tmp_path, "t.csv", text.encode()))
    assert table.header_row == 2
    assert table.frame.to_dict("records") == [
        {"row": 3, "地区": "松原市", "指标": "道路面积率", "年份": "2015", "数值": "10.5"}]


def test_gbk_bytes_that_are_also_valid_utf8_are_read_as_gbk(tmp_path):
    # 全省 in GBK is C8 AB CA A1: as UTF-8 that is "ȫʡ".
    text = "region,indicator,period,value\r\n全省,general_practitioners_trained,2015,900\r\n"
    assert text.encode("gbk").decode("utf-8").count("ȫʡ") == 1
    assert records(write(tmp_path, "g.csv", text.encode("gbk")))[0]["region"] == "全省"


def test_utf8_with_latin_letters_and_chinese_stays_utf8(tmp_path):
    text = "地区,数值,备注\n长春市,1,Café °C\n"
    assert records(write(tmp_path, "u.csv", text.encode()))[0]["备注"] == "Café °C"


def test_the_shipped_example_reads(tmp_path):
    table = read_table(FILES / "long_messy.csv")
    assert table.frame["row"].tolist()[:3] == [2, 3, 4]


# --- XLSX ------------------------------------------------------------------------------------

def make_xlsx(path: Path, empty_first_sheet: bool = False) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if empty_first_sheet:
        sheet.title = "说明"
        sheet = workbook.create_sheet("数据")
    sheet.append(["2018年城市管理指标"])
    sheet.append([])
    sheet.append(["地区", "年份", "公共交通机动化出行分担率", "新增城市绿地面积（公顷）", "备注"])
    sheet.append(["长春市", dt.datetime(2018, 12, 31), 0.26, 26.0, dt.datetime(2018, 6, 30)])
    sheet["C4"].number_format = "0%"
    sheet.append([])
    sheet.append(["吉林市", 2019, 0.265, 0.1 + 0.2, True])
    sheet["C6"].number_format = "0.0%"
    workbook.save(path)
    return path


def test_xlsx_cells_are_text_as_the_user_sees_them(tmp_path):
    table = read_table(make_xlsx(tmp_path / "w.xlsx"))
    assert table.sheet == "Sheet"
    assert table.header_row == 3
    assert table.frame.to_dict("records") == [
        {"row": 4, "地区": "长春市", "年份": "2018", "公共交通机动化出行分担率": "26%",
         "新增城市绿地面积（公顷）": "26", "备注": "2018-06-30"},
        {"row": 6, "地区": "吉林市", "年份": "2019", "公共交通机动化出行分担率": "26.5%",
         "新增城市绿地面积（公顷）": "0.3", "备注": "TRUE"},
    ]


def test_xlsx_first_sheet_with_data_is_read(tmp_path):
    table = read_table(make_xlsx(tmp_path / "w.xlsm", empty_first_sheet=True))
    assert table.sheet == "数据"
    assert len(table.frame) == 2
    assert table.problems == []  # an empty sheet is not worth a warning


def test_xlsx_title_cells_above_the_header_are_skipped(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["填报单位：长春市", None, "填报日期：2019-01-10", None])
    sheet.append([])
    sheet.append(["地区", "指标", "年份", "数值"])
    sheet.append(["长春市", "道路面积率", 2016, 15.1])
    workbook.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx")
    assert table.header_row == 3
    assert table.frame.to_dict("records") == [
        {"row": 4, "地区": "长春市", "指标": "道路面积率", "年份": "2016", "数值": "15.1"}]


def two_sheets(path: Path, instructions: bool = True) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["说明", "1. 数值请填写实际完成值"])
    if not instructions:
        workbook.active.append(["2. 年份填写四位数字"])
        workbook.create_sheet("备用").append(["空白模板"])
        workbook.save(path)
        return path
    for year, value in ((2017, 88), (2018, 90.5)):
        sheet = workbook.create_sheet(f"{year}年")
        sheet.append(["地区", "指标", "年份", "数值"])
        sheet.append(["白山市", "生活垃圾无害化处理率", year, value])
    workbook.save(path)
    return path


def test_every_sheet_with_data_is_read_and_the_others_named_in_a_warning(tmp_path):
    tables = read_tables(two_sheets(tmp_path / "s.xlsx"))
    assert [(table.sheet, table.header_row) for table in tables] == [("2017年", 1), ("2018年", 1)]
    assert [table.frame["数值"].tolist() for table in tables] == [["88"], ["90.5"]]
    assert tables[0].problems == [{
        "row": None, "column": None, "value": "填表说明", "severity": "warning",
        "problem_zh": "已跳过不像数据表的工作表（没有可识别的表头或数据行）：“填表说明”",
        "problem_en": "skipped sheets that do not look like data (no recognisable header or no "
                      "data rows): '填表说明'"}]
    assert tables[1].problems == []


def test_a_workbook_without_a_data_sheet_names_its_sheets(tmp_path):
    error = rejected(two_sheets(tmp_path / "n.xlsx", instructions=False))
    assert error.problem_zh == ("工作簿中没有数据：工作表“填表说明”、“备用”都没有可识别的表头"
                                "（地区、指标、年份、数值等）")
    assert error.problem_en == ("no data in the workbook: none of the sheets '填表说明', '备用' "
                                "has a recognisable header (region, indicator, period, value ...)")


def test_a_formula_without_a_computed_value_is_recorded_not_read_as_empty(tmp_path):
    workbook = openpyxl.Workbook()  # openpyxl writes formulas without their values, as here
    sheet = workbook.active
    sheet.append(["地区", "年份", "道路面积率", "违法建设查处率"])
    sheet.append(["长春市", 2008, "=10+4", 90])
    sheet.append(["吉林市", 2008, 13, None])
    workbook.save(tmp_path / "f.xlsx")
    table = read_table(tmp_path / "f.xlsx")
    assert table.formulas == {(2, "道路面积率"): "=10+4"}
    assert table.frame["道路面积率"].tolist() == [None, "13"]


def test_a_formula_with_its_computed_value_is_the_value(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["地区", "年份", "道路面积率", "备注"])
    workbook.active.append(["长春市", 2008, "=10+4", '=IF(1,"")'])
    workbook.save(tmp_path / "f.xlsx")
    # As Excel saves it: the value beside the formula, and "" for a formula giving no text.
    with zipfile.ZipFile(tmp_path / "f.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # openpyxl writes the empty value <v /> with the standard library's XML writer, <v></v>
    # with lxml's (installed with sdmx1).
    parts[sheet] = re.sub(rb"<f>10\+4</f>(?:<v ?/>|<v></v>)", b"<f>10+4</f><v>14</v>",
                          parts[sheet]).replace(b'<c r="D2">', b'<c r="D2" t="str">')
    assert b"<v>14</v>" in parts[sheet]
    with zipfile.ZipFile(tmp_path / "cached.xlsx", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    table = read_table(tmp_path / "cached.xlsx")
    assert table.formulas == {}
    assert table.frame.to_dict("records") == [
        {"row": 2, "地区": "长春市", "年份": "2008", "道路面积率": "14", "备注": None}]


@pytest.mark.parametrize(("number", "text"), [
    (26.0, "26"), (26, "26"), (0.1 + 0.2, "0.3"), (0.26 * 100, "26"), (1.5e-7, "0.00000015"),
    (-3.5, "-3.5"), (123456789012.5, "123456789012.5"),
])
def test_number_text_has_no_spurious_digits(number, text):
    assert number_text(number) == text


# --- rejected files --------------------------------------------------------------------------

def test_empty_file(tmp_path):
    error = rejected(write(tmp_path, "e.csv", b""))
    assert (error.problem_zh, error.problem_en) == ("文件是空的", "the file is empty")
    assert str(error) == "文件是空的 / the file is empty"


def test_file_of_blank_lines_and_bom_is_empty(tmp_path):
    error = rejected(write(tmp_path, "e.csv", codecs.BOM_UTF8 + b"\r\n \r\n"))
    assert error.problem_en == "the file is empty"


def test_header_only(tmp_path):
    error = rejected(write(tmp_path, "h.csv", "地区,年份,数值\n\n".encode()))
    assert error.problem_zh == "文件只有表头（第1行），没有数据行"
    assert error.problem_en == "the file has a header (row 1) but no data rows"


def test_empty_workbook(tmp_path):
    path = tmp_path / "e.xlsx"
    openpyxl.Workbook().save(path)
    error = rejected(path)
    assert (error.problem_zh, error.problem_en) == (
        "文件是空的：工作簿中没有任何数据", "the file is empty: no sheet has any data")


def test_xlsx_that_is_really_csv(tmp_path):
    error = rejected(write(tmp_path, "fake.xlsx", CSV_TEXT.encode("gb18030")))
    assert error.problem_zh == ("这不是Excel工作簿，而是文本(CSV)文件；请改用.csv扩展名，"
                                "或在Excel中另存为.xlsx")
    assert error.problem_en == ("this is not an Excel workbook but a text (CSV) file: give it "
                                "the .csv extension, or save it as .xlsx in Excel")


def test_xlsx_that_is_a_zip_but_not_a_workbook(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    error = rejected(path)
    assert error.problem_zh == "文件已损坏或不是Excel工作簿(.xlsx)"
    assert error.problem_en == "the file is damaged or not an Excel workbook (.xlsx)"


def test_xlsx_that_is_binary(tmp_path):
    error = rejected(write(tmp_path, "b.xlsx", bytes([0xFF, 0xFE, 0x00, 0x81]) * 100))
    assert (error.problem_zh, error.problem_en) == (
        "这不是Excel工作簿(.xlsx)文件", "this is not an Excel workbook (.xlsx)")


def test_legacy_workbook_named_xlsx(tmp_path):
    error = rejected(write(tmp_path, "old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))
    assert error.problem_zh == ("这是旧版Excel(.xls)文件或加密的工作簿；"
                                "请在Excel中另存为不加密的.xlsx")
    assert error.problem_en == ("this is a legacy Excel .xls file or an encrypted workbook: save "
                                "it as an unencrypted .xlsx in Excel")


def test_legacy_xls_extension(tmp_path):
    error = rejected(write(tmp_path, "old.xls", b"anything"))
    assert error.problem_zh == "不支持旧版Excel(.xls)文件，请在Excel中另存为.xlsx后上传"
    assert error.problem_en == ("legacy Excel .xls files are not supported: save the file as "
                                ".xlsx in Excel and upload that")


@pytest.mark.parametrize(("name", "shown_zh", "shown_en"), [
    ("data.pdf", ".pdf", ".pdf"), ("data", "无扩展名", "no extension"),
])
def test_unsupported_extension(tmp_path, name, shown_zh, shown_en):
    error = rejected(write(tmp_path, name, b"a,b\n1,2\n"))
    assert error.problem_zh == f"不支持的文件类型“{shown_zh}”，请上传.csv或.xlsx文件"
    assert error.problem_en == f"unsupported file type '{shown_en}': upload a .csv or .xlsx file"


def test_csv_with_nul_bytes(tmp_path):
    error = rejected(write(tmp_path, "n.csv", b"a,b\n1,\x002\n"))
    assert error.problem_zh == "文件含有二进制内容，不是CSV文本文件"
    assert error.problem_en == "the file contains binary data: it is not a CSV text file"


def test_csv_that_is_a_workbook(tmp_path):
    workbook = make_xlsx(tmp_path / "w.xlsx")
    error = rejected(write(tmp_path, "w.csv", workbook.read_bytes()))
    assert error.problem_zh == "这不是CSV文本文件，而像是Excel工作簿(.xlsx)；请使用.xlsx扩展名上传"
    assert error.problem_en == ("this is not a CSV text file but looks like an Excel workbook "
                                "(.xlsx): upload it with the .xlsx extension")


def test_csv_that_is_a_legacy_workbook(tmp_path):
    error = rejected(write(tmp_path, "old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 10))
    assert error.problem_en == ("this is not a CSV text file but looks like a legacy Excel .xls "
                                "file: save it as .xlsx in Excel")


def test_csv_that_cannot_be_decoded(tmp_path):
    error = rejected(write(tmp_path, "u.csv", b"a,b\n\xff\xff,1\n"))
    assert error.problem_zh == "无法识别文件编码，请将文件另存为UTF-8或GBK编码的CSV"
    assert error.problem_en == "cannot decode the file: save it as CSV in UTF-8 or GBK encoding"


def test_duplicate_header(tmp_path):
    error = rejected(write(tmp_path, "d.csv", "地区,数值,数值\n长春,1,2\n".encode()))
    assert error.problem_zh == "表头“数值”出现了两次（第B列和第C列）"
    assert error.problem_en == "the header '数值' appears twice (columns B and C)"


def test_column_letters_are_the_spreadsheets_names():
    from openpyxl.utils import get_column_letter

    from etl.read import column_letter

    assert [column_letter(n) for n in (1, 26, 27, 52, 703, 16384)] == [
        "A", "Z", "AA", "AZ", "AAA", "XFD"]
    assert all(column_letter(n) == get_column_letter(n) for n in range(1, 16385))
