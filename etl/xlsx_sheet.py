"""Stream a worksheet's XML, reading each cell by its own address whatever size the sheet
declares: a far-away cell costs no more than a near one, and no element is kept once read."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.workbook import Workbook
from openpyxl.xml.constants import SHEET_MAIN_NS

from etl.read import MAX_COLUMNS, Cell, FileRejected, Formula, Rows, _trimmed, number_text

# Names of elements as ElementTree gives them.
ROW, CELL, VALUE, FORMULA, INLINE, TEXT, RUN = (f"{{{SHEET_MAIN_NS}}}{name}"
                                                for name in ("row", "c", "v", "f", "is", "t", "r"))
SHEET_NAMESPACE = f"{{{SHEET_MAIN_NS}}}"
MAX_ROW = 1_048_576  # Excel's last row: a cell past it is not from a spreadsheet
# Rows with data times the widest of them: the cells of the table built from the sheet, text
# cells included. Jilin's whole decade in the long layout (71 regions x 122 indicators x 10
# years = 86,620 rows, with unit and note columns) is 520,000; reading costs some
# microseconds a cell, and checking more.
MAX_GRID_CELLS = 600_000
# XML elements read in a workbook's sheets and shared strings (a filled cell is two or three):
# what bounds the time of reading, whatever the XML holds besides cells, so it is set for the
# upload goal (checked within 10 s; docs/benchmarks.md). Jilin's whole decade as Excel saves
# it (shared strings, unit and note columns: 13 elements a row) is some 1,130,000.
MAX_ELEMENTS = 1_200_000
# Elements of one row held at once: a row with data up to MAX_COLUMNS has a few thousand, and
# Excel has no more than 16,384 cells in a row; past this, a row is crafted to fill memory.
MAX_ROW_ELEMENTS = 50_000
CHUNK_BYTES = 1 << 16
CELL_TYPES = frozenset({"b", "d", "e", "inlineStr", "n", "s", "str"})  # ST_CellType
# A number as Excel stores it that reads back the same with 15 significant digits (what
# number_text gives): most cells, taken as they are without a float's round trip.
PLAIN_NUMBER = re.compile(r"-?(?:[1-9]\d{0,14}|0)(?:\.\d*[1-9])?")
COLUMNS = {get_column_letter(i): i for i in range(1, 16_385)}
DIGITS = "0123456789"
# A formula using a value from another workbook ([1]Sheet1!A1, the 1 pointing into
# xl/externalLinks/) or fetched from the web: its cached value was computed elsewhere.
EXTERNAL_REFERENCE = re.compile(r"\[\d+\]")
WEB_FUNCTION = re.compile(r"\bWEBSERVICE\s*\(", re.IGNORECASE)


@dataclass
class Budget:
    """The elements a workbook may still have read; shared by its sheets and counted down in
    the parsing loops themselves (a call per element would cost as much as the reading)."""

    left: int = MAX_ELEMENTS

    def exceeded(self) -> None:
        raise FileRejected(f"工作簿内容过多（超过{MAX_ELEMENTS:,}个XML元素），"
                           "请删去不需要的工作表、空行和格式，或将数据分成几个文件",
                           f"the workbook holds too much (more than {MAX_ELEMENTS:,} XML "
                           "elements): remove unneeded sheets, empty rows and formatting, or "
                           "split the data into several files")


@dataclass
class Sheet:
    """A sheet's rows (numbered as in Excel, blank ones left out) and, by (row, column index
    from 0), the formula of each value computed from another workbook or a web service."""

    title: str
    rows: Rows
    linked: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False  # hidden or "very hidden" in Excel


@dataclass
class Styles:
    """What a cell's style says about its value: a date, a duration, a percentage."""

    epoch: dt.datetime
    dates: set[int]
    durations: set[int]
    percent: set[int]

    @classmethod
    def of(cls, workbook: Workbook) -> Styles:
        return cls(workbook.epoch, set(workbook._date_formats),
                   set(workbook._timedelta_formats), _percent_styles(workbook))

    @property
    def special(self) -> set[str]:
        """The style ids, as a cell gives them, of the styles that change a number."""
        return {str(style) for style in self.dates | self.percent}


class SheetReader:
    """Reads one sheet's XML; FileRejected naming the sheet and the cell or row that cannot
    be read."""

    def __init__(self, title: str, strings: list[str], styles: Styles, links: bool,
                 budget: Budget) -> None:
        self.title, self.styles, self.links = title, styles, links
        self.shown = [_text(text) for text in strings]  # a blank text is an empty cell
        self.special = styles.special
        self.budget = budget
        self.cells: dict[int, dict[int, Cell]] = {}
        self.linked: dict[tuple[int, int], str] = {}
        self.shared_formulas: dict[str, str] = {}  # si -> the text, given in its first cell
        self.widest = 0
        self.row = 0  # the row being read

    def read(self, source: IO[bytes]) -> Sheet:
        try:
            self._parse(source)
        except FileRejected:
            raise
        except Exception as error:  # broken XML, a row number that is not one ...
            where_zh = f"（第{self.row}行附近）" if self.row else ""
            where_en = f" (near row {self.row})" if self.row else ""
            raise FileRejected(f"工作表“{self.title}”已损坏，无法读取{where_zh}；"
                               "请在Excel中打开并另存后再上传",
                               f"sheet '{self.title}' is damaged and cannot be read{where_en}: "
                               "open it in Excel, save it again and upload that") from error
        rows = [(number, _trimmed([cells.get(column) for column in range(1, max(cells) + 1)]))
                for number, cells in sorted(self.cells.items())]
        return Sheet(self.title, rows, self.linked)

    def _parse(self, source: IO[bytes]) -> None:
        """Each row is read when it ends, then dropped with whatever came before it at the top
        of the tree, so that memory holds the cells read, not the XML. Every element counts
        against the budget (here, in the loop: a call per element would double the time)."""
        pull = ET.XMLPullParser(events=("start", "end"))
        top: list[Any] = [None, None, None]  # the open elements at depths 1 and 2
        depth = held = 0
        left = self.budget.left
        while chunk := source.read(CHUNK_BYTES):
            pull.feed(chunk)
            for event, element in pull.read_events():
                if event == "start":
                    depth += 1
                    held += 1
                    left -= 1
                    if depth <= 2:
                        top[depth] = element
                        if depth == 1 and not element.tag.startswith(SHEET_NAMESPACE):
                            raise self._foreign_namespace()
                    elif held > MAX_ROW_ELEMENTS:
                        raise self._crafted_row()
                    continue
                if element.tag == ROW:
                    self._read_row(element)
                if depth <= 3 and depth > 1:
                    top[depth - 1].clear()
                    held = depth - 1
                depth -= 1
            if left < 0:
                self.budget.exceeded()
        pull.close()
        self.budget.left = left

    def _foreign_namespace(self) -> FileRejected:
        """A sheet in another namespace (Excel's "Strict Open XML" format) has rows this reader
        would not see: refused, not read as empty."""
        return FileRejected(f"工作表“{self.title}”不是常规的.xlsx格式（可能是“Strict Open XML”），"
                            "无法读取；请在Excel中另存为“Excel工作簿(.xlsx)”后再上传",
                            f"sheet '{self.title}' is not in the ordinary .xlsx format (it may "
                            "be 'Strict Open XML') and cannot be read: save it in Excel as "
                            "'Excel Workbook (.xlsx)' and upload that")

    def _crafted_row(self) -> FileRejected:
        return FileRejected(f"工作表“{self.title}”第{self.row + 1}行附近的内容过多，"
                            "不像Excel保存的文件，已拒绝",
                            f"sheet '{self.title}' has far more content near row "
                            f"{self.row + 1} than Excel ever writes in a row: refused")

    def _read_row(self, element: ET.Element) -> None:
        """The common cells (a number or a shared string, with an address, in their row) take
        the short way, inline: this runs for every cell of the workbook."""
        declared = element.get("r")
        row = self.row = int(declared) if declared is not None else self.row + 1
        shown, special, plain = self.shown, self.special, PLAIN_NUMBER.fullmatch
        row_cells, widest = self.cells.get(row), self.widest
        column, last = 0, None  # the last cell's address, read only when one without follows
        for cell in element:
            address = cell.get("r")
            if address is None:
                if last is not None:
                    column, last = self._position(last)[1], None
                column += 1
            else:
                last = address
            if not len(cell):
                continue  # an empty (formatted) cell
            value = cell.findtext(VALUE)
            kind = cell.get("t")
            if address is None:
                at_row, at_column = row, column
            else:
                letters = address.rstrip(DIGITS)
                at_column = COLUMNS.get(letters, 0)
                if at_column and letters != address:
                    at_row = int(address[len(letters):])
                else:
                    at_row, at_column = self._position(address)
            try:
                if value and kind == "s":
                    found = shown[_index(value, len(shown))]
                elif value and (kind is None or kind == "n"):
                    style = cell.get("s")
                    found = value if ((style is None or style not in special) and plain(value)
                                      and value != "-0"
                                      and len(value.lstrip("-0.").replace(".", "")) <= 15) \
                        else self._number(value, style)
                else:
                    found = self._value(kind or "n", value or None, cell)
            except Exception as error:
                raise self._rejected_cell(address or _address((at_row, at_column)),
                                          value) from error
            if len(cell) > 1 or not value:
                formula = cell.find(FORMULA)
                if formula is not None:
                    found = self._with_formula(found, formula, value, kind, (at_row, at_column))
            if found is None:
                continue
            if at_row == row and row_cells is not None and at_column <= widest \
                    and at_column not in row_cells:
                row_cells[at_column] = found
            else:  # a new row or column, or a cell given twice: checked
                self._keep(at_row, at_column, found)
                row_cells, widest = self.cells.get(row), self.widest

    def _position(self, address: str) -> tuple[int, int]:
        letters = address.rstrip(DIGITS)
        column = COLUMNS.get(letters)
        if column is None or len(letters) == len(address):
            try:
                return coordinate_to_tuple(address)
            except Exception as error:
                raise self._rejected_cell(address, None) from error
        return int(address[len(letters):]), column

    def _value(self, kind: str, value: str | None, cell: ET.Element) -> Cell:
        """A cell of another type than a number or a shared string, as openpyxl reads it."""
        if kind == "inlineStr":
            inline = cell.find(INLINE)
            if inline is None:
                return None
            runs = [run.findtext(TEXT) or "" for run in inline.iterfind(RUN)]
            return _text((inline.findtext(TEXT) or "") + "".join(runs))
        if kind not in CELL_TYPES:
            raise ValueError(f"unknown cell type {kind}")
        if value is None:
            return None
        if kind == "s":
            return self.shown[_index(value, len(self.shown))]
        if kind == "n":
            return self._number(value, cell.get("s"))
        if kind == "b":
            return "TRUE" if int(value) else "FALSE"
        if kind == "d":
            return _date(from_ISO8601(value))
        return _text(value)  # e (an error, as Excel shows it) and str (a formula's text)

    def _number(self, value: str, style_id: str | None) -> Cell:
        style = int(style_id) if style_id else 0
        if style in self.styles.dates:
            number = _cast_number(value)
            try:
                return _date(from_excel(number, self.styles.epoch,
                                        timedelta=style in self.styles.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date serial outside Excel's dates
        if style in self.styles.percent:
            # A cell shown as 26% holds 0.26: write what the user sees, so no fraction slips by.
            return number_text(_cast_number(value) * 100) + "%"
        return number_text(_cast_number(value))

    def _with_formula(self, found: Cell, formula: ET.Element, value: str | None,
                      kind: str | None, at: tuple[int, int]) -> Cell:
        """A formula without a computed value as a Formula; a value computed from another
        workbook or the web recorded in `linked`."""
        text = formula.text or ""
        if value is None or (not value and kind != "str"):
            return Formula("=" + text) if found is None else found
        shared = formula.get("si") if formula.get("t") == "shared" else None
        if shared is not None and not text:  # a copy of a shared formula: its first cell's
            text = self.shared_formulas.get(shared, "")
        elif shared is not None:
            self.shared_formulas[shared] = text
        if (self.links and EXTERNAL_REFERENCE.search(text)) or WEB_FUNCTION.search(text):
            self.linked[(at[0], at[1] - 1)] = "=" + text
        return found

    def _keep(self, row: int, column: int, value: Cell) -> None:
        where = f"{get_column_letter(min(column, 18_278))}{row}"
        if not 1 <= row <= MAX_ROW:
            raise FileRejected(f"工作表“{self.title}”的单元格{where}不在Excel的行号范围内，"
                               "文件已损坏",
                               f"sheet '{self.title}': cell {where} is outside Excel's rows; "
                               "the file is damaged")
        if column > MAX_COLUMNS:
            raise FileRejected(f"工作表“{self.title}”的单元格{where}超出了第{MAX_COLUMNS:,}列；"
                               f"表格最多{MAX_COLUMNS:,}列，请删去多余的列",
                               f"sheet '{self.title}': cell {where} is beyond column "
                               f"{MAX_COLUMNS:,}; a table has at most {MAX_COLUMNS:,} columns: "
                               "delete the extra columns")
        cells = self.cells.get(row)
        if cells is None:
            cells = self.cells[row] = {}
            if len(self.cells) * self.widest > MAX_GRID_CELLS:
                self._refuse_size()
        elif column in cells:
            raise FileRejected(f"工作表“{self.title}”的单元格{where}出现了两次，文件已损坏",
                               f"sheet '{self.title}': cell {where} appears twice; the file is "
                               "damaged")
        cells[column] = value
        if column > self.widest:
            self.widest = column
            if len(self.cells) * self.widest > MAX_GRID_CELLS:
                self._refuse_size()

    def _refuse_size(self) -> None:
        rows = len(self.cells)
        raise FileRejected(
                f"工作表“{self.title}”太大：到第{self.row:,}行已有{rows:,}行数据、{self.widest:,}列，"
                f"超过{MAX_GRID_CELLS:,}个单元格的上限；请将数据分成几个文件",
                f"sheet '{self.title}' is too large: by row {self.row:,} it has {rows:,} rows "
                f"of data and {self.widest:,} columns, more than the {MAX_GRID_CELLS:,} cells "
                "allowed: split the data into several files")

    def _rejected_cell(self, where: str, value: str | None) -> FileRejected:
        held = (value or "")[:30]
        return FileRejected(f"工作表“{self.title}”的单元格{where}已损坏，无法读取（内容“{held}”）；"
                            "请在Excel中检查该单元格并另存后再上传",
                            f"sheet '{self.title}': cell {where} is damaged and cannot be read "
                            f"(it holds '{held}'): check that cell in Excel, save the file "
                            "again and upload that")


def _index(value: str, size: int) -> int:
    index = int(value)
    if not 0 <= index < size:
        raise IndexError(f"shared string {index} of {size}")
    return index


def _address(at: tuple[int, int]) -> str:
    return f"{get_column_letter(at[1])}{at[0]}"


def refuse_oversized(source: IO[bytes], title: str, budget: Budget) -> None:
    """FileRejected, before the sheet is parsed, when its XML holds more values (<v>, <is>)
    than MAX_GRID_CELLS allows or more elements than the budget has left: counting bytes
    takes a tenth of the time parsing would before SheetReader refuses the same sheet."""
    values = elements = 0
    previous = b""
    while chunk := source.read(1 << 20):
        values += _count(previous, chunk, b"<v>") + _count(previous, chunk, b"<is>")
        elements += (chunk.count(b"<") - _count(previous, chunk, b"</")
                     - _count(previous, chunk, b"<?"))
        previous = chunk
    if values > MAX_GRID_CELLS:
        raise FileRejected(f"工作表“{title}”约有{values:,}个填写的单元格，超过{MAX_GRID_CELLS:,}个"
                           "单元格的上限；请将数据分成几个文件",
                           f"sheet '{title}' has some {values:,} filled cells, more than the "
                           f"{MAX_GRID_CELLS:,} cells allowed: split the data into several files")
    if elements > budget.left:
        budget.exceeded()


def _count(previous: bytes, chunk: bytes, token: bytes) -> int:
    """The token's occurrences in the chunk, one that began in the previous chunk included:
    the end of the previous one kept is too short to hold a whole one counted already."""
    return (previous[len(previous) - len(token) + 1:] + chunk).count(token)


def _cast_number(value: str) -> int | float:
    """As openpyxl: a number with a point or an exponent is a float, else an int. Python reads
    "2_0" as 20, which no spreadsheet stores: refused as damaged."""
    if "_" in value:
        raise ValueError(f"not a stored number: {value!r}")
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


def _text(value: str) -> str | None:
    return value if value.strip() else None


def _date(value: Any) -> Cell:
    """A date stays a date until its column is known; a time of day or a duration is text."""
    if isinstance(value, dt.date):
        return value
    return value.isoformat() if isinstance(value, dt.time) else str(value)


def _percent_styles(workbook: Workbook) -> set[int]:
    """The style ids whose number format shows a percentage."""
    found = set()
    for style_id, style in enumerate(workbook._cell_styles):
        format_id = style.numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            code = BUILTIN_FORMATS.get(format_id, "General")
        elif format_id - BUILTIN_FORMATS_MAX_SIZE < len(workbook._number_formats):
            code = workbook._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]
        else:
            continue
        if "%" in (code or ""):
            found.add(style_id)
    return found

