"""Values computed from another workbook or a web service load with a warning to check them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from etl.read import read_table
from etl.validation import validate_file
from indicators.catalogue import load_catalogue
from indicators.regions import load_regions
from tests.test_read_xlsx_shapes import save, with_sheet, workbook_bytes

LINK = "xl/externalLinks/externalLink1.xml"
FORMULAS = {  # cell -> the formula Excel saves beside its value
    b'<c r="D2" t="n"><v>15.1</v></c>': b'<c r="D2"><f>[1]Sheet1!A1</f><v>15.1</v></c>',
    b'<c r="D3" t="n"><v>14.2</v></c>': b'<c r="D3"><f>_xlfn.WEBSERVICE("http://example.org/v")</f>'
                                  b'<v>14.2</v></c>',
    b'<c r="D4" t="n"><v>15.3</v></c>': b'<c r="D4"><f t="shared" ref="D4:D5" si="0">[1]Sheet1!A2'
                                  b'</f><v>15.3</v></c>',
    b'<c r="D5" t="n"><v>14.4</v></c>': b'<c r="D5"><f t="shared" si="0"/><v>14.4</v></c>',
}


def linked_workbook(links: bool = True) -> bytes:
    def formulas(xml: bytes) -> bytes:
        for old, new in FORMULAS.items():
            assert old in xml, old
            xml = xml.replace(old, new)
        return xml
    data = with_sheet(workbook_bytes(), formulas)
    if not links:
        return data
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(LINK, b'<externalLink xmlns="http://schemas.openxmlformats.org/'
                               b'spreadsheetml/2006/main"/>')
    return out.getvalue()


def warnings_of(table) -> list[tuple]:
    return [(problem["row"], problem["column"], problem["value"], problem["severity"])
            for problem in table.problems]


def test_values_from_another_workbook_or_the_web_are_read_with_a_warning(tmp_path):
    table = read_table(save(tmp_path, linked_workbook()))
    assert table.frame["数值"].tolist() == ["15.1", "14.2", "15.3", "14.4"]
    assert warnings_of(table) == [
        (2, "数值", "=[1]Sheet1!A1", "warning"),
        (3, "数值", '=_xlfn.WEBSERVICE("http://example.org/v")', "warning"),
        (4, "数值", "=[1]Sheet1!A2", "warning"),
        (5, "数值", "=[1]Sheet1!A2", "warning")]  # a copy of the shared formula above
    assert table.problems[0]["problem_zh"] == (
        "该数值是公式“=[1]Sheet1!A1”上次在别的工作簿或网络服务中算出的结果，可能已过时，请核对")
    assert table.problems[0]["problem_en"] == (
        "this value is what the formula '=[1]Sheet1!A1' last computed from another workbook or "
        "a web service; it may be out of date: check it")


def test_brackets_without_linked_workbooks_are_no_link(tmp_path):
    table = read_table(save(tmp_path, linked_workbook(links=False)))
    assert [problem["row"] for problem in table.problems] == [3]  # the web service only


def test_the_warning_reaches_the_check_and_the_values_still_load(tmp_path):
    validation = validate_file(save(tmp_path, linked_workbook()), load_catalogue(),
                               load_regions(), today=dt.date(2025, 6, 1))
    assert len(validation.rows) == 4
    warned = validation.problems[validation.problems["severity"] == "warning"]
    assert sorted(warned["row"].dropna().astype(int)) == [2, 3, 4, 5]
    assert (validation.problems["severity"] != "error").all()
