"""Workbooks past the limits are refused before the work, without doing it and without the
memory it would take."""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from etl import xlsx_sheet
from etl.read import FileRejected, read_tables
from etl.xlsx_archive import MAX_MEMBERS, MAX_UNCOMPRESSED_BYTES
from etl.xlsx_sheet import MAX_ELEMENTS
from tests.test_read_xlsx_shapes import SHEET, rezipped, save, with_sheet, workbook_bytes

MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@dataclass
class Work:
    """What reading a workbook did before it was refused."""

    inflated: dict[str, int] = field(default_factory=dict)  # bytes read, by part of the zip
    fed: int = 0  # bytes of a sheet's XML given to the sheet's parser
    parsed: int = 0  # sheets given to the sheet's parser


def refused(path: Path, monkeypatch: pytest.MonkeyPatch,
            megabytes: float = 20) -> tuple[FileRejected, Work]:
    """The refusal, checked to come within the memory given, and the work done before it."""
    work = Work()
    read, parse = zipfile.ZipExtFile.read, xlsx_sheet.SheetReader._parse

    def counted_read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        work.inflated.setdefault(self.name, 0)
        data = read(self, n)
        work.inflated[self.name] += len(data)
        return data

    class Fed:
        def __init__(self, source: IO[bytes]) -> None:
            self.source = source

        def read(self, n: int = -1) -> bytes:
            data = self.source.read(n)
            work.fed += len(data)
            return data

    def counted_parse(self: xlsx_sheet.SheetReader, source: IO[bytes]) -> None:
        work.parsed += 1
        return parse(self, Fed(source))

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted_read)
    monkeypatch.setattr(xlsx_sheet.SheetReader, "_parse", counted_parse)
    tracemalloc.start()
    try:
        with pytest.raises(FileRejected) as caught:
            read_tables(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1_000_000, peak
    return caught.value, work


def bomb(tmp_path: Path, megabytes: int) -> Path:
    """A workbook whose sheet is `megabytes` MB of empty rows, deflated to a fraction of 1 MB."""
    block = b"<row/>" * (1_000_000 // 6)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name in source.namelist():
            if name != SHEET:
                target.writestr(name, source.read(name))
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(MAIN + b"<sheetData>")
            for _ in range(megabytes):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return save(tmp_path, out.getvalue(), "bomb.xlsx")


def test_a_zip_bomb_is_refused_at_once_by_its_directory(tmp_path, monkeypatch):
    path = bomb(tmp_path, 150)
    assert path.stat().st_size < 1_500_000
    error, work = refused(path, monkeypatch, megabytes=5)
    assert work.inflated == {}  # refused by the zip's directory: no part is inflated
    assert error.problem_en.startswith("the workbook expands to 150 MB when opened, more than "
                                       "the 50 MB allowed")
    assert error.problem_zh.startswith("工作簿打开后有150 MB，超过50 MB的上限")


def test_a_part_compressed_beyond_any_real_workbook_is_refused(tmp_path, monkeypatch):
    error, work = refused(bomb(tmp_path, 5), monkeypatch, megabytes=5)
    assert work.inflated == {}  # refused by the zip's directory: no part is inflated
    assert error.problem_en == ("a part of the workbook (xl/worksheets/sheet1.xml) is compressed "
                                "more than 100 times, which no normal Excel file is: refused")


def test_a_workbook_of_too_many_parts_is_refused(tmp_path, monkeypatch):
    out = io.BytesIO(workbook_bytes())
    with zipfile.ZipFile(out, "a") as archive:
        for number in range(MAX_MEMBERS):
            archive.writestr(f"xl/media/image{number}.png", b"")
    error, work = refused(save(tmp_path, out.getvalue()), monkeypatch)
    assert work.inflated == {}  # refused by the zip's directory: no part is inflated
    assert error.problem_en.startswith(f"the workbook has too many parts ({MAX_MEMBERS + 9:,}, "
                                       f"at most {MAX_MEMBERS:,})")


def test_a_large_part_parsed_whole_is_refused(tmp_path, monkeypatch):
    rng = random.Random(5)
    padding = b"<!-- %s -->" % rng.randbytes(3_000_000).hex().encode()
    data = rezipped(workbook_bytes(), lambda name, part: part + padding
                    if name == "xl/styles.xml" else part)
    error, work = refused(save(tmp_path, data), monkeypatch)
    assert work.inflated == {}  # refused by the zip's directory: no part is inflated
    assert error.problem_en.startswith("the part xl/styles.xml of the workbook is 6 MB, more "
                                       "than the 5 MB allowed")


def test_the_sizes_allowed_are_in_the_directory_not_trusted_beyond(tmp_path, monkeypatch):
    # A directory that claims a small size for a large part: zipfile stops at the claim and
    # the CRC fails, so the sheet is refused as damaged, not read past its claim.
    data = bytearray(with_sheet(workbook_bytes(), lambda xml: xml.replace(
        b"<sheetData>", b"<sheetData>" + b" " * 1_000_000)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(SHEET)
    central = data.rfind(b"PK\x01\x02", 0, len(data))
    while data[central + 46:central + 46 + len(SHEET)] != SHEET.encode():
        central = data.rfind(b"PK\x01\x02", 0, central)
    data[central + 24:central + 28] = (1_000).to_bytes(4, "little")  # uncompressed size
    assert info.file_size > MAX_UNCOMPRESSED_BYTES // 100
    error, work = refused(save(tmp_path, bytes(data)), monkeypatch)
    assert "damaged" in error.problem_en
    assert work.inflated[SHEET] <= 1_000 and work.parsed == 0


def test_a_sheet_past_the_cells_allowed_is_refused_saying_so(tmp_path, monkeypatch):
    # 21 values, but a note far to the right makes the table 5 rows of 6 columns.
    path = save(tmp_path, with_sheet(workbook_bytes(), lambda xml: xml.replace(
        b'</c></row><row r="4"', b'</c><c r="F3" t="inlineStr"><is><t>x</t></is></c></row>'
                                 b'<row r="4"')))
    monkeypatch.setattr(xlsx_sheet, "MAX_GRID_CELLS", 21)
    with pytest.raises(FileRejected) as caught:
        read_tables(path)
    assert caught.value.problem_en == (
        "sheet 'Sheet' is too large: by row 4 it has 4 rows of data and 6 columns, more than "
        "the 21 cells allowed: split the data into several files")
    monkeypatch.setattr(xlsx_sheet, "MAX_GRID_CELLS", 30)
    assert len(read_tables(path)[0].frame) == 4


def test_a_workbook_past_the_elements_allowed_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_sheet.Budget, "__init__", lambda self: setattr(self, "left", 30))
    with pytest.raises(FileRejected, match=f"more than {MAX_ELEMENTS:,} XML elements"):
        read_tables(save(tmp_path, workbook_bytes()))


def numbered(element: bytes, count: int) -> bytes:
    """Elements told apart by a number, as a real sheet's are: not compressed past belief."""
    return b"".join(element % number for number in range(count))


def test_a_row_of_more_cells_than_excel_has_is_refused_without_holding_them(tmp_path,
                                                                            monkeypatch):
    crafted = with_sheet(workbook_bytes(), lambda xml: xml.replace(
        b'<row r="3">', b'<row r="3">' + numbered(b"<c n=\"%d\"/>", 200_000)))
    path = save(tmp_path, crafted)
    error, work = refused(path, monkeypatch, megabytes=30)
    assert "than Excel ever writes in a row" in error.problem_en
    # Refused as the row passes MAX_ROW_ELEMENTS, a quarter of the way through it: the
    # parser is not given the rest of the sheet.
    assert work.fed < zipfile.ZipFile(path).getinfo(SHEET).file_size // 2, work.fed


def test_elements_outside_the_rows_are_not_held(tmp_path):
    crafted = with_sheet(workbook_bytes(), lambda xml: xml.replace(
        b"<sheetData>", numbered(b"<x n=\"%d\"/>", 150_000) + b"<sheetData>"))
    tracemalloc.start()
    try:
        table = read_tables(save(tmp_path, crafted))[0]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(table.frame) == 4
    assert peak < 15_000_000, peak  # held, these elements would take some 40 MB


def test_a_sheet_of_far_more_values_than_allowed_is_refused_before_it_is_parsed(tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setattr(xlsx_sheet, "MAX_GRID_CELLS", 19)  # the workbook has 20 values
    parsed = []
    monkeypatch.setattr(xlsx_sheet.SheetReader, "_parse", lambda self, source: parsed.append(1))
    with pytest.raises(FileRejected) as caught:
        read_tables(save(tmp_path, workbook_bytes()))
    assert caught.value.problem_en == ("sheet 'Sheet' has some 20 filled cells, more than the "
                                       "19 cells allowed: split the data into several files")
    assert parsed == []


def test_a_sheet_of_more_elements_than_the_budget_is_refused_before_it_is_parsed(tmp_path,
                                                                               monkeypatch):
    crafted = with_sheet(workbook_bytes(), lambda xml: xml.replace(
        b"<sheetData>", numbered(b"<x n=\"%d\"/>", MAX_ELEMENTS + 1) + b"<sheetData>"))
    parsed = []
    monkeypatch.setattr(xlsx_sheet.SheetReader, "_parse", lambda self, source: parsed.append(1))
    with pytest.raises(FileRejected, match=f"more than {MAX_ELEMENTS:,} XML elements"):
        read_tables(save(tmp_path, crafted))
    assert parsed == []  # counted by refuse_oversized, not found by parsing


@pytest.mark.parametrize("at", [-3, -2, -1, 0])
def test_values_are_counted_once_whatever_chunk_they_fall_in(monkeypatch, at):
    monkeypatch.setattr(xlsx_sheet, "MAX_GRID_CELLS", 2)
    chunk = 1 << 20
    data = b" " * (chunk + at) + b"<v>1</v>" + b" " * 10 + b"<is><t>x</t></is>"
    xlsx_sheet.refuse_oversized(io.BytesIO(data), "Sheet", xlsx_sheet.Budget())  # two values
    monkeypatch.setattr(xlsx_sheet, "MAX_GRID_CELLS", 1)
    with pytest.raises(FileRejected, match="some 2 filled cells"):
        xlsx_sheet.refuse_oversized(io.BytesIO(data), "Sheet", xlsx_sheet.Budget())
