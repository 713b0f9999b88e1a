"""Rows a reader could lose without a word: a quote never closed, data above the header, a
workbook part given twice. Each is an error naming the row, or a refusal; never fewer rows."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from etl.read import FileRejected, read_table
from etl.validation import validate_file
from tests.test_read_xlsx_shapes import rezipped, save, with_sheet, workbook_bytes

HEADER = "地区,指标,年份,数值,备注\n"
ROWS = ["吉林市,公共交通机动化出行分担率,2019,21,\n", "四平市,公共交通机动化出行分担率,2019,22,\n",
        "辽源市,公共交通机动化出行分担率,2019,23,\n"]


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path, catalogue, register) -> list[tuple[int, str]]:
    validation = validate_file(path, catalogue, register)
    assert not validation.ok
    problems = validation.problems
    return [(int(row), text) for row, text in
            zip(problems["row"], problems["problem_en"], strict=True)
            if problems.loc[problems["row"] == row, "severity"].eq("error").any()]


@pytest.mark.parametrize("tail", ["", "见附件\"\n通化市,公共交通机动化出行分担率,2019,24,\n"])
def test_a_quote_never_closed_is_an_error_on_its_row(tmp_path, catalogue, register, tail):
    # The note of row 2 opens a quote; the rows after it were read into that one cell.
    text = (HEADER + "长春市,公共交通机动化出行分担率,2019,27,\"含口袋公园\n" + "".join(ROWS))
    text = text[:-1] + tail if tail else text
    found = errors(written(tmp_path, "q.csv", text), catalogue, register)
    assert [row for row, _ in found] == [2]
    assert "closing quote may be missing" in found[0][1]


def test_a_note_on_two_lines_is_still_one_cell(tmp_path):
    text = HEADER + "长春市,公共交通机动化出行分担率,2019,27,\"含口袋\n公园,另见附件\"\n" + ROWS[0]
    frame = read_table(written(tmp_path, "n.csv", text)).frame
    assert frame["备注"].tolist() == ["含口袋\n公园,另见附件", None]
    assert frame["row"].tolist() == [2, 3]


def test_data_above_the_header_is_an_error_not_a_title(tmp_path, catalogue, register):
    text = ("长春市,公共交通机动化出行分担率,2018,25,\n" + HEADER + "".join(ROWS))
    found = errors(written(tmp_path, "a.csv", text), catalogue, register)
    assert [row for row, _ in found] == [1]
    assert "above the header (row 2) but looks like data" in found[0][1]


def test_titles_above_the_header_are_still_skipped(tmp_path):
    text = ("吉林省2019年城市管理指标\n填报单位：长春市,填报日期：2020年1月,单位：%\n"
            + HEADER + ROWS[0])
    table = read_table(written(tmp_path, "t.csv", text))
    assert table.header_row == 3 and not table.problems
    assert table.frame["row"].tolist() == [4]


def test_a_sheet_sorted_with_its_header_among_the_data_is_refused(tmp_path, catalogue,
                                                                  register):
    workbook = openpyxl.Workbook()
    for row in (["长春市", "公共交通机动化出行分担率", 2019, 20],
                ["吉林市", "公共交通机动化出行分担率", 2019, 21],
                ["地区", "指标", "年份", "数值"],
                ["四平市", "公共交通机动化出行分担率", 2019, 22]):
        workbook.active.append(row)
    path = tmp_path / "sorted.xlsx"
    workbook.save(path)
    assert [row for row, _ in errors(path, catalogue, register)] == [1, 2]


def test_a_workbook_part_given_twice_is_refused(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["地区", "指标", "年份", "数值"])
    workbook.active.append(["长春市", "公共交通机动化出行分担率", 2019, 20])
    saved = io.BytesIO()
    workbook.save(saved)
    source = zipfile.ZipFile(saved)
    path = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(path, "w") as archive, pytest.warns(UserWarning, match="Duplicate"):
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr("xl/worksheets/sheet1.xml", source.read("xl/worksheets/sheet1.xml"))
    with pytest.raises(FileRejected) as caught:
        read_table(path)
    assert "is there twice" in caught.value.problem_en


TRANSITIONAL = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
RELATIONSHIPS = (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                 b"http://purl.oclc.org/ooxml/officeDocument/relationships")


def test_a_sheet_in_the_strict_format_is_refused_not_read_as_empty(tmp_path):
    data = with_sheet(workbook_bytes(), lambda xml: xml.replace(TRANSITIONAL, STRICT))
    with pytest.raises(FileRejected) as caught:
        read_table(save(tmp_path, data))
    assert "Strict Open XML" in caught.value.problem_en
    assert "Sheet" in caught.value.problem_en


def test_a_workbook_in_the_strict_format_is_refused_saying_so(tmp_path):
    def strict(name: str, xml: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return xml
        return xml.replace(TRANSITIONAL, STRICT).replace(*RELATIONSHIPS)

    strict_workbook = rezipped(workbook_bytes(), strict)
    with pytest.raises(FileRejected) as caught:
        read_table(save(tmp_path, strict_workbook))
    assert caught.value.problem_en.startswith("no sheet found in the workbook")


def test_a_hidden_sheets_values_are_read_with_a_warning(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["说明"])
    hidden = workbook.create_sheet("补充")
    hidden.append(["地区", "指标", "年份", "数值"])
    hidden.append(["长春市", "公共交通机动化出行分担率", 2019, 20])
    hidden.sheet_state = "veryHidden"
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.frame["row"].tolist() == [2]
    warned = [problem["problem_en"] for problem in table.problems]
    assert any(text.startswith("sheet '补充' is hidden in Excel") for text in warned)


def test_a_skipped_sheet_is_named_even_when_another_has_its_title(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "数据"
    workbook.active.append(["地区", "指标", "年份", "数值"])
    workbook.active.append(["长春市", "公共交通机动化出行分担率", 2019, 20])
    workbook.create_sheet("其他").append(["备忘", "无关"])
    saved = io.BytesIO()
    workbook.save(saved)
    same_title = rezipped(saved.getvalue(), lambda name, xml: xml.replace(
        'name="其他"'.encode(), 'name="数据"'.encode()) if name == "xl/workbook.xml" else xml)
    table = read_table(save(tmp_path, same_title))
    assert any("skipped sheets" in problem["problem_en"] for problem in table.problems)
