"""Workbooks whose sheets declare a wrong size or hold odd cells: every row read, or refused."""

from __future__ import annotations

import datetime as dt
import io
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from etl import xlsx_sheet
from etl.read import MAX_COLUMNS, FileRejected, read_table
from etl.validation import validate_file
from indicators.catalogue import load_catalogue
from indicators.regions import load_regions

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
HEADER = ["地区", "指标", "年份", "数值"]
ROWS = [["长春市", "road_area_ratio", 2016, 15.1], ["吉林市", "road_area_ratio", 2016, 14.2],
        ["长春市", "road_area_ratio", 2017, 15.3], ["吉林市", "road_area_ratio", 2017, 14.4]]


def workbook_bytes(rows: list[list] | None = None) -> bytes:
    """A plain workbook as openpyxl writes it: the header and ROWS."""
    workbook = openpyxl.Workbook()
    for row in [HEADER, *(ROWS if rows is None else rows)]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezipped(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook with each part changed by `change(name, part)` (None drops the part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = change(name, source.read(name))
            if part is not None:
                target.writestr(name, part)
    return out.getvalue()


def with_sheet(data: bytes, change: Callable[[bytes], bytes], part: str = SHEET) -> bytes:
    return rezipped(data, lambda name, xml: change(xml) if name == part else xml)


def save(tmp_path: Path, data: bytes, name: str = "w.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def with_shared_strings(data: bytes) -> bytes:
    """The workbook with its text in a shared string table, as Excel writes it (openpyxl writes
    each text in its cell)."""
    strings: list[bytes] = []

    def shared(cell: re.Match) -> bytes:
        # openpyxl writes Chinese text as is with the standard library's XML writer, as
        # character references (&#38271;) with lxml's (installed with sdmx1): as is here.
        strings.append(re.sub(rb"&#(\d+);", lambda ref: chr(int(ref[1])).encode(),
                              cell.group(2)))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (cell.group(1), len(strings) - 1)

    def change(name: str, part: bytes) -> bytes:
        if name == SHEET:
            return re.sub(rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared,
                          part)
        if name == "[Content_Types].xml":
            return part.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                b'ContentType="application/vnd.openxmlformats-officedocument.'
                                b'spreadsheetml.sharedStrings+xml"/></Types>')
        return part
    data = rezipped(data, change)
    table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    return data if not strings else _added(
        data, STRINGS, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
        b'http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        b"%s</sst>" % (len(strings), len(strings), table))


def _added(data: bytes, name: str, part: bytes) -> bytes:
    out = io.BytesIO()
    out.write(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, part)
    return out.getvalue()


def stale_dimension(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                              xml)


def moved_row(xml: bytes, old: int, new: int) -> bytes:
    """The sheet with row `old` (and its cells' addresses) numbered `new`."""
    def renumber(row: re.Match) -> bytes:
        return re.sub(rb'r="([A-Z]*)%d"' % old, rb'r="\g<1>%d"' % new, row.group(0))
    return re.sub(rb'<row r="%d".*?</row>' % old, renumber, xml)


def values_read(path: Path) -> list[str]:
    return read_table(path).frame["数值"].tolist()


def test_a_stale_dimension_loses_no_row(tmp_path):
    path = save(tmp_path, with_sheet(workbook_bytes(), stale_dimension("A1:F2")))
    assert b'ref="A1:F2"' in zipfile.ZipFile(path).read(SHEET)
    table = read_table(path)
    assert table.frame["row"].tolist() == [2, 3, 4, 5]
    assert table.frame["数值"].tolist() == ["15.1", "14.2", "15.3", "14.4"]


def test_text_in_a_shared_string_table_reads_as_text_in_its_cell(tmp_path):
    shared = save(tmp_path, with_shared_strings(workbook_bytes()), "shared.xlsx")
    assert b't="s"' in zipfile.ZipFile(shared).read(SHEET)
    inline = save(tmp_path, workbook_bytes(), "inline.xlsx")
    assert read_table(shared).frame.equals(read_table(inline).frame)


def test_a_dimension_of_one_cell_is_not_a_header_only_file(tmp_path):
    path = save(tmp_path, with_sheet(workbook_bytes(), stale_dimension("A1")))
    assert values_read(path) == ["15.1", "14.2", "15.3", "14.4"]


def test_an_error_cell_is_read_as_the_error_the_user_sees_and_no_row_is_lost(tmp_path):
    def error_cell(xml: bytes) -> bytes:
        xml = stale_dimension("A1:D2")(xml)
        return re.sub(rb'<c r="D3"[^>]*><v>[^<]*</v></c>', b'<c r="D3" t="e"><v>#DIV/0!</v></c>',
                      xml)
    path = save(tmp_path, with_sheet(workbook_bytes(), error_cell))
    assert values_read(path) == ["15.1", "#DIV/0!", "15.3", "14.4"]


def test_a_far_away_empty_cell_costs_nothing_and_loses_no_row(tmp_path):
    # A formatted but empty cell at the last column of Excel, and a declared size to match.
    def far(xml: bytes) -> bytes:
        xml = stale_dimension("A1:XFD2")(xml)
        return xml.replace(b'</c></row><row r="3"', b'</c><c r="XFD2" s="0"/></row><row r="3"')
    path = save(tmp_path, with_sheet(workbook_bytes(), far))
    assert b'r="XFD2"' in zipfile.ZipFile(path).read(SHEET)
    assert list(read_table(path).frame.columns) == ["row", *HEADER]
    assert values_read(path) == ["15.1", "14.2", "15.3", "14.4"]


def test_a_value_beyond_the_last_allowed_column_refuses_the_file_naming_the_cell(tmp_path):
    def far(xml: bytes) -> bytes:
        return xml.replace(b'</c></row><row r="4"',
                           b'</c><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row><row r="4"')
    with pytest.raises(FileRejected) as caught:
        read_table(save(tmp_path, with_sheet(workbook_bytes(), far)))
    assert "XFD3" in caught.value.problem_zh
    assert caught.value.problem_en == (
        f"sheet 'Sheet': cell XFD3 is beyond column {MAX_COLUMNS:,}; a table has at most "
        f"{MAX_COLUMNS:,} columns: delete the extra columns")


def test_a_row_at_the_bottom_of_the_sheet_is_read_at_the_cost_of_one_row(tmp_path,
                                                                         monkeypatch):
    def last_row(xml: bytes) -> bytes:
        xml = stale_dimension("A1:D2")(xml)
        return moved_row(xml, 5, 1048576)
    path = save(tmp_path, with_sheet(workbook_bytes(), last_row))
    assert b'r="D1048576"' in zipfile.ZipFile(path).read(SHEET)
    # Every row the reader builds (each through _trimmed), and the rows it hands on.
    built, sheets = [], []
    trimmed, read = xlsx_sheet._trimmed, xlsx_sheet.SheetReader.read
    monkeypatch.setattr(xlsx_sheet, "_trimmed", lambda cells: built.append(1) or trimmed(cells))
    monkeypatch.setattr(xlsx_sheet.SheetReader, "read",
                        lambda self, source: sheets.append(read(self, source)) or sheets[-1])
    tracemalloc.start()
    table = read_table(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert table.frame["row"].tolist() == [2, 3, 4, 1048576]
    assert table.frame["数值"].tolist() == ["15.1", "14.2", "15.3", "14.4"]
    # A million empty rows in between would take seconds and hundreds of MB: none is made.
    [sheet] = sheets
    assert [number for number, _ in sheet.rows] == [1, 2, 3, 4, 1048576]
    assert len(built) == 5
    assert peak < 20_000_000


def test_a_row_past_excel_last_row_refuses_the_file(tmp_path):
    def beyond(xml: bytes) -> bytes:
        return moved_row(xml, 5, 1048577)
    with pytest.raises(FileRejected, match="D1048577|A1048577"):
        read_table(save(tmp_path, with_sheet(workbook_bytes(), beyond)))


def test_cells_out_of_order_and_without_addresses_are_each_read_once(tmp_path):
    def shuffled(xml: bytes) -> bytes:
        rows = re.findall(rb'<row r="\d+">.*?</row>', xml)
        unaddressed = [re.sub(rb' r="[A-Z]+\d+"', b"", row) for row in rows]
        body = b"".join([unaddressed[0], *reversed(unaddressed[1:])])
        return re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData>" + body + b"</sheetData>", xml)
    table = read_table(save(tmp_path, with_sheet(workbook_bytes(), shuffled)))
    assert table.frame["row"].tolist() == [2, 3, 4, 5]
    assert table.frame["数值"].tolist() == ["15.1", "14.2", "15.3", "14.4"]


def test_a_cell_given_twice_refuses_the_file(tmp_path):
    def twice(xml: bytes) -> bytes:
        return xml.replace(b'<row r="3">', b'<row r="3"><c r="D3"><v>99</v></c>')
    with pytest.raises(FileRejected, match="D3"):
        read_table(save(tmp_path, with_sheet(workbook_bytes(), twice)))


@pytest.mark.parametrize("ref", ["A1:F2", "A1", "A1:XFD1048576"])
def test_every_value_is_checked_whatever_size_the_sheet_declares(tmp_path, ref):
    path = save(tmp_path, with_sheet(workbook_bytes(), stale_dimension(ref)))
    validation = validate_file(path, load_catalogue(), load_regions(),
                               today=dt.date(2025, 6, 1))
    assert len(validation.rows) == 4
    assert (validation.problems["severity"] != "error").all()


@pytest.mark.parametrize(("stored", "shown"), [
    ("15.1", "15.1"), ("15.10", "15.1"), ("-0", "0"), ("007", "7"), ("1.5E-7", "0.00000015"),
    ("0.30000000000000004", "0.3"), ("123456789012345678", "123456789012345678"),
    ("1234567890.12345678", "1234567890.12346"), ("-0.5", "-0.5"), ("2E3", "2000")])
def test_a_stored_number_reads_as_excel_shows_it(tmp_path, stored, shown):
    path = save(tmp_path, with_sheet(workbook_bytes(), lambda xml: xml.replace(
        b'<c r="D2" t="n"><v>15.1</v></c>', f'<c r="D2" t="n"><v>{stored}</v></c>'.encode())))
    assert values_read(path)[0] == shown


def test_rich_text_reads_as_its_text_without_the_phonetic_guide(tmp_path):
    def rich(name: str, part: bytes) -> bytes:
        if name != STRINGS:
            return part
        return part.replace("<si><t>长春市</t></si>".encode(),
                            "<si><r><rPr><b/></rPr><t>长春</t></r><r><t>市</t></r>"
                            "<rPh sb=\"0\" eb=\"2\"><t>ちょうしゅん</t></rPh></si>".encode(), 1)
    path = save(tmp_path, rezipped(with_shared_strings(workbook_bytes()), rich))
    assert b"<rPh" in zipfile.ZipFile(path).read(STRINGS)
    assert read_table(path).frame["地区"].tolist() == ["长春市", "吉林市", "长春市", "吉林市"]
