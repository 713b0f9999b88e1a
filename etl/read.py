"""Read an uploaded spreadsheet (CSV or XLSX) into a table of text cells with row numbers."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from etl.names import role_of

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and encrypted workbooks
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Control characters never found in a text table (tab, CR and LF are).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ROW = "row"

Cell = str | dt.date | None  # a date stays a date until we know whether its column is a period
Rows = list[tuple[int, list[Cell]]]


class FileRejected(Exception):  # noqa: N818 - the name says what happened to the file
    """The whole file cannot be read; the message says why, in Chinese and English."""

    def __init__(self, problem_zh: str, problem_en: str) -> None:
        super().__init__(f"{problem_zh} / {problem_en}")
        self.problem_zh = problem_zh
        self.problem_en = problem_en


@dataclass
class RawTable:
    """The cells of a file as text (None when empty), original headers, and a `row` column:
    the row number the user sees (header row 1 when it is the first line; blank rows count)."""

    frame: pd.DataFrame
    name: str
    sheet: str | None = None
    header_row: int = 1


def read_table(path: Path) -> RawTable:
    """Read a .csv/.txt/.tsv or .xlsx/.xlsm file; FileRejected for a file we cannot use."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FileRejected("不支持旧版Excel(.xls)文件，请在Excel中另存为.xlsx后上传",
                           "legacy Excel .xls files are not supported: save the file as .xlsx "
                           "in Excel and upload that")
    if suffix not in TEXT_SUFFIXES + XLSX_SUFFIXES:
        raise FileRejected(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请上传.csv或.xlsx文件",
                           f"unsupported file type '{path.suffix or 'no extension'}': upload a "
                           ".csv or .xlsx file")
    data = path.read_bytes()
    if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise FileRejected("文件是空的", "the file is empty")
    if suffix in XLSX_SUFFIXES:
        rows, sheet = _xlsx_rows(path, data)
        return _table(rows, path.name, sheet)
    return _table(_text_rows(data), path.name, None)


def _table(rows: Rows, name: str, sheet: str | None) -> RawTable:
    header_at = _header_index(rows)
    header_number, header = rows[header_at]
    data = [(number, cells) for number, cells in rows[header_at + 1:] if _filled(cells)]
    if not data:
        raise FileRejected(f"文件只有表头（第{header_number}行），没有数据行",
                           f"the file has a header (row {header_number}) but no data rows")
    width = max(len(cells) for _, cells in [(header_number, header), *data])
    names = _header_names(header, width)
    periods = {i for i, column in enumerate(names) if role_of(column) == "period"}
    records = [[_finish(cell, i in periods) for i, cell in enumerate(_pad(cells, width))]
               for _, cells in data]
    frame = pd.DataFrame(records, columns=names, dtype=object)
    # A column with neither header nor data is spreadsheet debris, not a column.
    debris = [column for column, cell in zip(names, _pad(header, width), strict=True)
              if cell is None and frame[column].isna().all()]
    frame = frame.drop(columns=debris)
    frame.insert(0, ROW, [number for number, _ in data])
    return RawTable(frame, name, sheet, header_number)


def _header_index(rows: Rows) -> int:
    """The first row with at least two filled cells: a title row above the header is skipped."""
    filled = [i for i, (_, cells) in enumerate(rows) if _filled(cells)]
    if not filled:
        raise FileRejected("文件是空的", "the file is empty")
    wide = [i for i in filled if sum(cell is not None for cell in rows[i][1]) >= 2]
    return wide[0] if wide else filled[0]


def _filled(cells: list[Cell]) -> bool:
    return any(cell is not None for cell in cells)


def _trimmed(cells: list[Cell]) -> list[Cell]:
    """Without trailing empty cells ("a,b,,," from a sheet with formatted empty columns)."""
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _pad(cells: list[Cell], width: int) -> list[Cell]:
    return cells + [None] * (width - len(cells))


def _header_names(header: list[Cell], width: int) -> list[str]:
    names = [str(cell) if cell is not None else f"[{get_column_letter(i + 1)}]"
             for i, cell in enumerate(_pad(header, width))]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name == ROW:
            raise FileRejected("表头不能使用保留名“row”，请改名", "the header 'row' is reserved: "
                               "rename that column")
        if name in seen:
            first, second = get_column_letter(seen[name] + 1), get_column_letter(i + 1)
            raise FileRejected(f"表头“{name}”出现了两次（第{first}列和第{second}列）",
                               f"the header '{name}' appears twice (columns {first} and {second})")
        seen[name] = i
    return names


def _finish(cell: Cell, period: bool) -> str | None:
    """Dates become text now that we know their column: a period column keeps the year."""
    if isinstance(cell, dt.date):
        if period:
            return str(cell.year)
        if isinstance(cell, dt.datetime) and cell.time() == dt.time():
            return cell.date().isoformat()
        return cell.isoformat()
    return cell


# --- CSV and other delimited text -----------------------------------------------------------


def _text_rows(data: bytes) -> Rows:
    text = _decode(data)
    delimiter = _delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileRejected(f"无法读取CSV文件：{error}", f"cannot read the CSV file: {error}") \
            from error
    # A record is a spreadsheet row: a quoted cell spanning lines is still one row.
    return [(number, _trimmed([_text_cell(cell) for cell in record]))
            for number, record in enumerate(records, start=1)]


def _decode(data: bytes) -> str:
    _reject_binary(data)
    text = _decoded(data)
    # NUL and other control characters: binary content that happened to decode.
    if CONTROL.search(text):
        raise FileRejected("文件含有二进制内容，不是CSV文本文件",
                           "the file contains binary data: it is not a CSV text file")
    return text


def _decoded(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith(UTF16_BOMS):  # Excel's "Unicode text" (.txt)
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")  # GB18030 is a superset of the GBK Excel writes
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("无法识别文件编码，请将文件另存为UTF-8或GBK编码的CSV",
                       "cannot decode the file: save it as CSV in UTF-8 or GBK encoding")


def _reject_binary(data: bytes) -> None:
    if data.startswith(ZIP_MAGIC):
        raise FileRejected("这不是CSV文本文件，而像是Excel工作簿(.xlsx)；请使用.xlsx扩展名上传",
                           "this is not a CSV text file but looks like an Excel workbook (.xlsx): "
                           "upload it with the .xlsx extension")
    if data.startswith(OLE_MAGIC):
        raise FileRejected("这不是CSV文本文件，而像是旧版Excel(.xls)文件；请在Excel中另存为.xlsx",
                           "this is not a CSV text file but looks like a legacy Excel .xls file: "
                           "save it as .xlsx in Excel")


def _delimiter(text: str) -> str:
    """The separator used most in the first non-blank line (the header), comma by default."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _text_cell(cell: str) -> str | None:
    return cell if cell.strip() else None


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx_rows(path: Path, data: bytes) -> tuple[Rows, str]:
    if not data.startswith(ZIP_MAGIC):
        raise _not_xlsx(data)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a grab-bag (KeyError, BadZipFile, ...)
        raise FileRejected("文件已损坏或不是Excel工作簿(.xlsx)",
                           "the file is damaged or not an Excel workbook (.xlsx)") from error
    try:
        for sheet in workbook.worksheets:
            rows = list(_sheet_rows(sheet))
            if any(_filled(cells) for _, cells in rows):
                return rows, sheet.title
    finally:
        workbook.close()
    raise FileRejected("文件是空的：工作簿中没有任何数据",
                       "the file is empty: no sheet has any data")


def _not_xlsx(data: bytes) -> FileRejected:
    if data.startswith(OLE_MAGIC):
        return FileRejected("这是旧版Excel(.xls)文件或加密的工作簿；请在Excel中另存为不加密的.xlsx",
                            "this is a legacy Excel .xls file or an encrypted workbook: save it "
                            "as an unencrypted .xlsx in Excel")
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        try:
            data[:4096].decode("gb18030")
        except UnicodeDecodeError:
            return FileRejected("这不是Excel工作簿(.xlsx)文件",
                                "this is not an Excel workbook (.xlsx)")
    return FileRejected("这不是Excel工作簿，而是文本(CSV)文件；请改用.csv扩展名，"
                        "或在Excel中另存为.xlsx",
                        "this is not an Excel workbook but a text (CSV) file: give it the .csv "
                        "extension, or save it as .xlsx in Excel")


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Cell]]]:
    # read_only iter_rows fills gaps with empty rows, so counting gives the row number.
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, _trimmed([_xlsx_cell(cell) for cell in cells])


def _xlsx_cell(cell: Any) -> Cell:
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date | dt.time):
        return value if isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, int | float):
        # A cell shown as 26% holds 0.26: write what the user sees, so no fraction slips by.
        if "%" in (cell.number_format or ""):
            return number_text(value * 100) + "%"
        return number_text(value)
    text = str(value)
    return text if text.strip() else None


def number_text(number: float) -> str:
    """26 rather than 26.0, 0.3 rather than 0.30000000000000004: 15 significant digits, as
    Excel shows, and never in scientific notation."""
    if isinstance(number, int) or float(number).is_integer():
        return str(int(number))
    return np.format_float_positional(float(number), precision=15, unique=False,
                                      fractional=False, trim="-")
