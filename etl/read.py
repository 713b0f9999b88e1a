"""Read an uploaded spreadsheet (CSV or XLSX) into tables of text cells with row numbers."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.names import role_of

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# The full-width comma is what a Chinese input method types between fields.
DELIMITERS = (",", ";", "\t", "，")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and encrypted workbooks
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Control characters never found in a text table (tab, CR and LF are).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_CONTROL_BYTES = bytes(b for b in range(256) if not CONTROL.match(chr(b)))
ROW = "row"
# A header is the first row with this many recognised column names (地区, 指标, 年份 ...),
# looked for among this many first rows; a title or "填报单位：…" row above it is skipped.
HEADER_NAMES_NEEDED = 2
HEADER_SCAN_ROWS = 100
# No cell of a planner's table is this long: a note pasted from a report, or a broken quote.
# (A 3000-character explanation is a real note.)
MAX_CELL_CHARS = 10_000
# No planner's table is this wide (a wide layout has one column per indicator): a wider one is
# refused before its cells are looked at, so a header of a million columns costs nothing.
# Shared by the CSV and XLSX readers.
MAX_COLUMNS = 1_000
# Problems of one kind written out; the rest of that kind are counted in one line. No one
# reads past the first thousand, and a table of every problem of a file of conflicting rows
# would be larger than the file.
MAX_PROBLEMS = 1_000
# A cell that reads as a number (a year, a value): a row above the header holding one, and
# about as many filled cells as the header, is data the header would leave out, not a title.
NUMBER_CELL = re.compile(r"\s*[-+]?[\d,，.]+\s*%?\s*")
# Excel's own width: no spreadsheet writes a wider row, even of empty cells.
SPREADSHEET_MAX_COLUMNS = 16_384
CSV_FIELD_LIMIT = 2**31 - 1  # the csv module's own default, 131072, fails the whole file
# GBK bytes that happen to be valid UTF-8 decode to Latin, IPA, Greek or Cyrillic letters
# (U+0080-U+07FF); a Chinese planner's file has none but these common symbols.
UNLIKELY_IN_UTF8 = re.compile(r"(?![°±²³µ·×÷¥£§«»])[\u0080-\u07ff]")
CJK = re.compile(r"[\u3400-\u9fff]")

Rows = list[tuple[int, list["Cell"]]]


@dataclass(frozen=True)
class Formula:
    """A formula cell without a computed (cached) value: a workbook written by a program and
    never opened in Excel."""

    text: str


Cell = str | dt.date | Formula | None  # a date stays a date until its column is known


class FileRejected(Exception):  # noqa: N818 - the name says what happened to the file
    """The whole file cannot be read; the message says why, in Chinese and English."""

    def __init__(self, problem_zh: str, problem_en: str) -> None:
        super().__init__(f"{problem_zh} / {problem_en}")
        self.problem_zh = problem_zh
        self.problem_en = problem_en


@dataclass
class RawTable:
    """The cells of a file (or of one sheet) as text (None when empty), original headers, and a
    `row` column: the row number the user sees (header row 1 when it is the first line; blank
    rows count).

    `problems` are found while reading, as dicts of row, column, value, severity, problem_zh
    and problem_en: rows that could not be read (left out of `frame`) and, with row None,
    warnings about the whole file. `formulas` maps (row, header) of each formula cell without
    a computed value (None in `frame`) to its formula."""

    frame: pd.DataFrame
    name: str
    sheet: str | None = None
    header_row: int = 1
    problems: list[dict[str, Any]] = field(default_factory=list)
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)


def column_letter(number: int) -> str:
    """A spreadsheet's name of column `number` (1 is A, 27 is AA), as the user sees it. Here,
    not openpyxl's: reading a CSV file need not import the workbook library."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_table(path: Path) -> RawTable:
    """The first table of a file (read_tables for every sheet of a workbook)."""
    return read_tables(path)[0]


def read_tables(path: Path) -> list[RawTable]:
    """Read a .csv/.txt/.tsv file, or every sheet with data of an .xlsx/.xlsm workbook;
    FileRejected for a file we cannot use."""
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
        from etl.xlsx import xlsx_tables  # here: etl.xlsx builds on this module

        return xlsx_tables(path, data)
    text, encoding = _decode(data)
    delimiter = _delimiter(text)
    fast = _fast_text_table(data, encoding, text, path.name, delimiter)
    if fast is not None:
        return [fast]
    return [_table(_text_rows(text, delimiter), path.name, None, delimiter)]


def _table(rows: Rows, name: str, sheet: str | None, delimiter: str | None = None) -> RawTable:
    """The table below the header; `delimiter` for a text file, whose rows may not have more
    cells than the header (an unquoted "1,200" splits a value in two)."""
    header_at = _header_index(rows)
    header_number, header = rows[header_at]
    _check_header_cells(header_number, header)
    data: Rows = []
    problems = _data_above_header(rows, header_at)
    unlisted = 0
    for number, cells in rows[header_at + 1:]:
        if not _filled(cells):
            continue
        problem = _unreadable(number, cells, header, delimiter)
        if problem is None:
            data.append((number, cells))
        elif len(problems) < MAX_PROBLEMS:
            problems.append(problem)
        else:
            unlisted += 1
    if unlisted:
        problems.append(_row_problem(None, None, None,
                                     f"另有{unlisted}行无法读取，未逐一列出",
                                     f"{unlisted} more rows could not be read and are not listed"))
    if not data and not problems:
        raise FileRejected(f"文件只有表头（第{header_number}行），没有数据行",
                           f"the file has a header (row {header_number}) but no data rows")
    width = max(len(cells) for _, cells in [(header_number, header), *data])
    names = _header_names(header, width)
    periods = {i for i, column in enumerate(names) if role_of(column) == "period"}
    formulas: dict[tuple[int, str], str] = {}
    records = []
    for number, cells in data:
        for i, cell in enumerate(cells):
            if isinstance(cell, Formula):
                formulas[(number, names[i])] = cell.text
        records.append([_finish(cell, i in periods) for i, cell in enumerate(_pad(cells, width))])
    frame = pd.DataFrame(records, columns=names, dtype=object)
    # A column with neither header nor data is spreadsheet debris, not a column.
    debris = [column for column, cell in zip(names, _pad(header, width), strict=True)
              if cell is None and frame[column].isna().all()]
    frame = frame.drop(columns=debris)
    frame.insert(0, ROW, pd.Series([number for number, _ in data], dtype=int))
    return RawTable(frame, name, sheet, header_number, problems, formulas)


def _data_above_header(rows: Rows, header_at: int) -> list[dict[str, Any]]:
    """An error for each row above the header that looks like data (a number in it, and about
    as many filled cells as the header): a title is left out, a value never silently. Such a
    row is there when a sort in Excel moved the header down among the data."""
    header_number, header = rows[header_at]
    needed = max(3, sum(cell is not None for cell in header) - 1)
    problems = []
    for number, cells in rows[:header_at]:
        filled = [cell for cell in cells if cell is not None]
        if len(filled) >= needed and any(isinstance(cell, str) and NUMBER_CELL.fullmatch(cell)
                                         for cell in filled):
            shown = "、".join(str(cell) for cell in filled[:6])
            problems.append(_row_problem(
                number, None, shown,
                f"第{number}行在表头（第{header_number}行）上方，却像是数据行：表头上方的行不会"
                "被读取。请把表头移到所有数据的上方",
                f"row {number} is above the header (row {header_number}) but looks like data: "
                "rows above the header are not read. Move the header above all the data"))
    return problems


def _unreadable(number: int, cells: list[Cell], header: list[Cell],
                delimiter: str | None) -> dict[str, Any] | None:
    """The problem that keeps a data row out of the table, if any."""
    if delimiter is not None and len(cells) > len(header):
        shown = delimiter.join("" if cell is None else str(cell) for cell in cells)
        return _row_problem(number, None, shown,
                            f"第{number}行的单元格比表头多，可能是数值中的逗号未加引号",
                            f"row {number} has more cells than the header; a comma inside a "
                            "number may need quotes")
    if delimiter is not None:
        swallowed = _swallowed_rows(number, cells, header, delimiter)
        if swallowed is not None:
            return swallowed
    for i, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            column = _header_name(header, i)
            return _row_problem(
                number, column, cell[:20] + "…",
                f"单元格过长：“{column}”列有{len(cell)}个字符，最多{MAX_CELL_CHARS}个",
                f"cell too long: column '{column}' has {len(cell)} characters, at most "
                f"{MAX_CELL_CHARS}")
    return None


def _swallowed_rows(number: int, cells: list[Cell], header: list[Cell],
                    delimiter: str) -> dict[str, Any] | None:
    """A quoted cell spanning lines that look like rows of the table (as many separators as
    a row has, nearly): a closing quote is missing, and the rows after it were read into it."""
    needed = max(2, len(header) - 2)
    for i, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        lines = cell.splitlines()[1:]
        if any(line.count(delimiter) >= needed for line in lines):
            column = _header_name(header, i)
            return _row_problem(
                number, column, cell[:20] + "…",
                f"“{column}”列的单元格以引号开始，跨越了{len(lines) + 1}行，其中像是数据行："
                "可能缺少结束引号，之后的行被读进了这个单元格。请检查引号",
                f"the cell in column '{column}' opens a quote and spans {len(lines) + 1} lines "
                "that look like rows of data: a closing quote may be missing, and the rows "
                "after it were read into this cell. Check the quotes")
    return None


def _check_header_cells(number: int, header: list[Cell]) -> None:
    """A header cell is a column name: one past MAX_CELL_CHARS refuses the file."""
    for i, cell in enumerate(header):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            letter = column_letter(i + 1)
            raise FileRejected(
                f"表头（第{number}行）第{letter}列过长：有{len(cell)}个字符，最多{MAX_CELL_CHARS}个",
                f"the header (row {number}) is too long in column {letter}: {len(cell)} "
                f"characters, at most {MAX_CELL_CHARS}")


def _check_width(number: int, cells: list[str]) -> None:
    """Refuse a row wider than MAX_COLUMNS filled columns (or SPREADSHEET_MAX_COLUMNS cells
    at all) before anything is done with its cells."""
    width = len(cells)
    if width <= MAX_COLUMNS:
        return
    if width <= SPREADSHEET_MAX_COLUMNS:
        while width > MAX_COLUMNS and not cells[width - 1].strip():
            width -= 1  # trailing empty cells: formatted but unused spreadsheet columns
        if width <= MAX_COLUMNS:
            return
    raise FileRejected(f"第{number}行有{width}列，超过上限{MAX_COLUMNS}列",
                       f"row {number} has {width} columns, more than the limit of {MAX_COLUMNS}")


def _row_problem(row: int | None, column: str | None, value: str | None, problem_zh: str,
                 problem_en: str, severity: str = "error") -> dict[str, Any]:
    return {"row": row, "column": column, "value": value, "severity": severity,
            "problem_zh": problem_zh, "problem_en": problem_en}


def _header_index(rows: Rows) -> int:
    """The first row naming at least two known columns (a title row, or "填报单位：…  填报日期：…"
    above the header is skipped); failing that, the first row with two filled cells."""
    recognised = _recognised_header(rows)
    if recognised is not None:
        return recognised
    filled = [i for i, (_, cells) in enumerate(rows) if _filled(cells)]
    if not filled:
        raise FileRejected("文件是空的", "the file is empty")
    wide = [i for i in filled if sum(cell is not None for cell in rows[i][1]) >= 2]
    return wide[0] if wide else filled[0]


def _recognised_header(rows: Rows) -> int | None:
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        if _known_names(cells) >= HEADER_NAMES_NEEDED:
            return i
    return None


def _known_names(cells: list[Any]) -> int:
    return sum(isinstance(cell, str) and role_of(cell) is not None for cell in cells)


def _filled(cells: list[Cell]) -> bool:
    return any(cell is not None for cell in cells)


def _trimmed(cells: list[Cell]) -> list[Cell]:
    """Without trailing empty cells ("a,b,,," from a sheet with formatted empty columns)."""
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _pad(cells: list[Cell], width: int) -> list[Cell]:
    return cells + [None] * (width - len(cells))


def _header_name(header: list[Cell], i: int) -> str:
    cell = header[i] if i < len(header) else None
    if cell is None:
        return f"[{column_letter(i + 1)}]"
    return cell.text if isinstance(cell, Formula) else str(cell)


def _header_names(header: list[Cell], width: int) -> list[str]:
    names = [_header_name(header, i) for i in range(width)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name == ROW:
            raise FileRejected("表头不能使用保留名“row”，请改名", "the header 'row' is reserved: "
                               "rename that column")
        if name in seen:
            first, second = column_letter(seen[name] + 1), column_letter(i + 1)
            raise FileRejected(f"表头“{name}”出现了两次（第{first}列和第{second}列）",
                               f"the header '{name}' appears twice (columns {first} and {second})")
        seen[name] = i
    return names


def _finish(cell: Cell, period: bool) -> str | None:
    """Dates become text now that we know their column: a period column keeps the year. A
    formula without a computed value is empty here; `RawTable.formulas` has it."""
    if isinstance(cell, Formula):
        return None
    if isinstance(cell, dt.date):
        if period:
            return str(cell.year)
        if isinstance(cell, dt.datetime) and cell.time() == dt.time():
            return cell.date().isoformat()
        return cell.isoformat()
    return cell


# --- CSV and other delimited text -----------------------------------------------------------


def _text_rows(text: str, delimiter: str, limit: int | None = None) -> Rows:
    """The first `limit` records (all when None) as rows; a record is a spreadsheet row: a
    quoted cell spanning lines is still one row. A row too wide refuses the file."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    rows: Rows = []
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(itertools.islice(records, limit), start=1):
            _check_width(number, record)
            rows.append((number, _trimmed([_text_cell(cell) for cell in record])))
    except csv.Error as error:
        raise FileRejected(f"无法读取CSV文件（第{records.line_num}行）：{error}",
                           f"cannot read the CSV file (line {records.line_num}): {error}") \
            from error
    return rows


def _fast_text_table(data: bytes, encoding: str, text: str, name: str,
                     delimiter: str) -> RawTable | None:
    """The same table as `_table(_text_rows(...))`, parsed by pandas' C reader column by
    column instead of cell by cell (a national file has millions of cells). None when the file
    needs the careful path: a title above the header that spans lines, a row wider than the
    header, or an over-long cell; that path then says what is wrong."""
    head_rows = _text_rows(_head(text), delimiter, HEADER_SCAN_ROWS)
    if not any(_filled(cells) for _, cells in head_rows):
        return None
    header_at = _header_index(head_rows)
    lines = list(itertools.islice(io.StringIO(_head(text), newline=""), header_at + 1))
    if _text_rows("".join(lines), delimiter) != head_rows[:header_at + 1]:
        return None  # a quoted cell above the header spans lines: records are not lines
    try:
        # Python strings straight from the parser (object), empty cells as NaN: an Arrow
        # string column would be converted back to Python strings for resolution anyway.
        # From the bytes: a StringIO of a national file's text would hold 4 bytes a character.
        cells = pd.read_csv(io.BytesIO(data), encoding=encoding, sep=delimiter, header=None,
                            skiprows=header_at, dtype=object, keep_default_na=False,
                            na_values=[""], skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, ValueError):
        return None
    if cells.shape[1] > MAX_COLUMNS:
        return None  # the careful path names the row
    measured = [_measured(column) for _, column in cells.items()]
    if any(spans_lines for _, spans_lines in measured):
        return None  # the careful path checks for a missing closing quote
    lengths = np.column_stack([column_lengths for column_lengths, _ in measured])
    if lengths.max(initial=0) > MAX_CELL_CHARS:
        return None
    filled = lengths > 0
    table = _fast_frame(cells.where(filled, None), filled, name, header_number=header_at + 1)
    table.problems = _data_above_header(head_rows, header_at)
    return table


def _measured(column: pd.Series) -> tuple[np.ndarray, bool]:
    """Per cell, its length, or 0 when it is empty or only whitespace (None for `_text_cell`);
    and whether any cell spans lines. By Arrow's string kernels: a Python call per cell costs
    seconds per column."""
    text = pa.array(column.to_numpy(), type=pa.string(), from_pandas=True)
    blank = pc.fill_null(pc.utf8_is_space(text), True).to_numpy(zero_copy_only=False)
    lengths = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    return np.where(blank, 0, lengths).astype(np.int64), _any_line_break(text)


def _any_line_break(text: pa.Array | pa.ChunkedArray) -> bool:
    """Whether any cell holds a line break: one search of the bytes of all cells together (in
    UTF-8, bytes 0x0A and 0x0D are only ever \\n and \\r), not two string kernels a cell."""
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        _, offsets, data = chunk.buffers()
        if data is None or len(chunk) == 0:
            continue
        bounds = np.frombuffer(offsets, dtype=np.int32)[[chunk.offset, chunk.offset + len(chunk)]]
        cells = data.to_pybytes()[bounds[0]:bounds[1]]
        if b"\n" in cells or b"\r" in cells:
            return True
    return False


def _fast_frame(cells: pd.DataFrame, filled: np.ndarray, name: str,
                header_number: int) -> RawTable:
    header = _trimmed(list(cells.iloc[0]))
    rows = filled[1:].any(axis=1)
    data = cells.iloc[1:][rows]
    if data.empty:
        raise FileRejected(f"文件只有表头（第{header_number}行），没有数据行",
                           f"the file has a header (row {header_number}) but no data rows")
    used = set(np.flatnonzero(filled[1:][rows].any(axis=0)).tolist())
    width = max(len(header), max(used, default=-1) + 1)
    names = _header_names(header, width)
    frame = data.iloc[:, :width].set_axis(names, axis=1)
    debris = [column for i, (column, cell) in enumerate(zip(names, _pad(header, width),
                                                            strict=True))
              if cell is None and i not in used]
    frame = frame.drop(columns=debris)
    # The row numbers put first by concat, not inserted: a frame of a wide file comes in one
    # block per column, and pandas warns of an insert into it.
    numbers = pd.DataFrame({ROW: (frame.index.to_numpy() + header_number).astype(int)})
    frame = pd.concat([numbers, frame.reset_index(drop=True)], axis=1)
    return RawTable(frame, name, None, header_number)


def _decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the encoding it was read with."""
    _reject_binary(data)
    text, encoding = _decoded(data)
    # NUL and other control characters: binary content that happened to decode. In UTF-8 and
    # GB18030 those bytes stand only for themselves, so the bytes are checked (at memory speed;
    # a regex over a national file's text takes seconds); UTF-16 text is checked as text.
    binary = (CONTROL.search(text) is not None if data.startswith(UTF16_BOMS)
              else bool(data.translate(None, NOT_CONTROL_BYTES)))
    if binary:
        raise FileRejected("文件含有二进制内容，不是CSV文本文件",
                           "the file contains binary data: it is not a CSV text file")
    return text, encoding


def _decoded(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith(UTF16_BOMS):  # Excel's "Unicode text" (.txt)
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")  # GB18030 is a superset of the GBK Excel writes
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            return _unless_gbk(data, text)
        if encoding == "gb18030":
            _reject_western(text)
        return text, encoding
    raise FileRejected("无法识别文件编码，请将文件另存为UTF-8或GBK编码的CSV",
                       "cannot decode the file: save it as CSV in UTF-8 or GBK encoding")


def _unless_gbk(data: bytes, text: str) -> tuple[str, str]:
    """A short GBK file may also be valid UTF-8: 全省 in GBK (C8 AB CA A1) reads as "ȫʡ". When
    the UTF-8 reading has letters from U+0080-U+07FF and no Chinese at all, while the GB18030
    reading has Chinese and none of those letters, the file is GBK. A real UTF-8 file with
    Chinese in it is never taken for GBK."""
    if data.isascii() or CJK.search(text) or not UNLIKELY_IN_UTF8.search(text):
        return text, "utf-8"
    try:
        gbk = data.decode("gb18030")
    except UnicodeDecodeError:
        return text, "utf-8"
    if CJK.search(gbk) and not UNLIKELY_IN_UTF8.search(gbk):
        return gbk, "gb18030"
    return text, "utf-8"


def _reject_western(text: str) -> None:
    """A file from a Western Windows (cp1252: "é" is the byte E9) is no valid UTF-8 and may
    still decode as GB18030, into rare characters. A Chinese planner's file has common ones
    (GB2312); one with none of those among its non-ASCII characters is refused, not garbled."""
    foreign = {char for char in set(text) if not char.isascii()}
    if foreign and not any(_in_gb2312(char) for char in foreign):
        raise FileRejected("文件编码无法识别（像是西文Windows编码，如cp1252）："
                           "请在Excel中另存为“CSV UTF-8”后上传",
                           "the file's encoding is not UTF-8 or GBK (it looks like a Western "
                           "Windows encoding such as cp1252): save it as 'CSV UTF-8' in Excel "
                           "and upload that")


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


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
    """The separator of the header: the first line that, split by one of DELIMITERS, names at
    least two known columns (a title line above it has none). Failing that, the separator used
    most in the first non-blank line, comma by default."""
    lines = list(itertools.islice((line for line in io.StringIO(_head(text)) if line.strip()),
                                  HEADER_SCAN_ROWS))
    for line in lines:
        # Only the cells a table may have: a header of a million cells is refused later.
        known = {delimiter: _known_names([cell.strip().strip('"')
                                          for cell in line.split(delimiter, MAX_COLUMNS)])
                 for delimiter in DELIMITERS}
        best = max(DELIMITERS, key=lambda delimiter: known[delimiter])
        if known[best] >= HEADER_NAMES_NEEDED:
            return best
    first = lines[0] if lines else ""
    counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS[:3]}
    best = max(DELIMITERS[:3], key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _head(text: str) -> str:
    """The start of the text, enough for the lines a header is looked for in: a copy of the
    whole of a national file costs a second each time."""
    end = 0
    for _ in range(HEADER_SCAN_ROWS + 1):
        end = text.find("\n", end) + 1
        if end == 0:
            return text
    return text[:end]


def _text_cell(cell: str) -> str | None:
    return cell if cell.strip() else None


# --- XLSX ------------------------------------------------------------------------------------


def number_text(number: float) -> str:
    """26 rather than 26.0, 0.3 rather than 0.30000000000000004: 15 significant digits, as
    Excel shows, and never in scientific notation."""
    if isinstance(number, int) or float(number).is_integer():
        return str(int(number))
    return np.format_float_positional(float(number), precision=15, unique=False,
                                      fractional=False, trim="-")
