"""Read one worksheet's cells by their own addresses, streaming its XML, whatever size it
declares: every cell present is read, and a far-away cell costs no more than a near one."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from etl.read import MAX_COLUMNS, Cell, FileRejected, Formula, Rows, _trimmed, number_text

ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
VALUE_TAG = f"{{{SHEET_MAIN_NS}}}v"
FORMULA_TAG = f"{{{SHEET_MAIN_NS}}}f"
MAX_ROW = 1_048_576  # Excel's last row: a row past it is not from a spreadsheet
# Rows with data times the widest of them: the cells of the table built from the sheet, text
# cells included; a planner's table for a province is some hundred thousand.
MAX_GRID_CELLS = 2_000_000
# Elements of one row held at once (Excel has at most 16,384 cells in a row, each a few
# elements): past this, a row is crafted to fill memory.
MAX_ROW_ELEMENTS = 200_000
CHUNK_BYTES = 1 << 16
# A formula using a value from another workbook ([1]Sheet1!A1, the 1 pointing into
# xl/externalLinks/) or fetched from the web: its cached value was computed elsewhere.
EXTERNAL_REFERENCE = re.compile(r"\[\d+\]")
WEB_FUNCTION = re.compile(r"\bWEBSERVICE\s*\(", re.IGNORECASE)
CELL_TYPES = frozenset({"b", "d", "e", "inlineStr", "n", "s", "str"})  # ST_CellType


@dataclass
class Sheet:
    """A sheet's rows (numbered as in Excel, blank ones left out) and, by (row, column index
    from 0), the formula of each value computed from another workbook or a web service."""

    title: str
    rows: Rows
    linked: dict[tuple[int, int], str] = field(default_factory=dict)


class SheetReader:
    """Reads one sheet's XML; FileRejected naming the sheet and the cell or row that cannot
    be read."""

    def __init__(self, workbook: Workbook, shared_strings: list[str], title: str,
                 links: bool) -> None:
        self.title, self.links = title, links
        self.strings = shared_strings
        self.parser = WorkSheetParser(None, shared_strings, data_only=True,
                                      epoch=workbook.epoch, date_formats=workbook._date_formats,
                                      timedelta_formats=workbook._timedelta_formats)
        self.percent = percent_styles(workbook)
        self.cells: dict[int, dict[int, Cell]] = {}
        self.linked: dict[tuple[int, int], str] = {}
        self.linked_shared: set[str | None] = set()
        self.widest = 0
        self.row = 0  # the row being read, for a message

    def read(self, source: IO[bytes]) -> Sheet:
        try:
            self._parse(source)
        except FileRejected:
            raise
        except Exception as error:  # a broken XML, a row number that is not one ...
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
        """Each row is read as soon as it ends and dropped from the tree with whatever came
        before it, so that memory holds the cells read, not the XML."""
        pull = ET.XMLPullParser(events=("start", "end"))
        path: list[ET.Element] = []
        held = 0
        while chunk := source.read(CHUNK_BYTES):
            pull.feed(chunk)
            for event, element in pull.read_events():
                if event == "start":
                    path.append(element)
                    held += 1
                    if held > MAX_ROW_ELEMENTS:
                        raise self._rejected_row()
                    continue
                path.pop()
                if element.tag == ROW_TAG:
                    self._read_row(element)
                if len(path) <= 2 and path:  # a child of the root or of sheetData
                    path[-1].remove(element)
                    held = len(path)
        pull.close()

    def _rejected_row(self) -> FileRejected:
        return FileRejected(f"工作表“{self.title}”第{self.row + 1}行附近的内容过多，"
                            "不像Excel保存的文件，已拒绝",
                            f"sheet '{self.title}' has far more content near row {self.row + 1} "
                            "than Excel ever writes in a row: refused")

    def _read_row(self, element: ET.Element) -> None:
        declared = element.get("r")
        self.row = int(declared) if declared is not None else self.row + 1
        self.parser.row_counter, self.parser.col_counter = self.row, 0
        for cell in element:
            self._read_cell(cell)

    def _read_cell(self, element: ET.Element) -> None:
        try:
            kind = element.get("t", "n")
            if kind not in CELL_TYPES:
                raise ValueError(f"unknown cell type {kind}")
            if kind == "s" and int(element.findtext(VALUE_TAG) or 0) < 0:
                raise IndexError("negative shared string index")
            cell = self.parser.parse_cell(element)
            value = cell_value(cell["value"], cell["style_id"] in self.percent)
        except Exception as error:
            raise self._rejected_cell(element) from error
        row, column = cell["row"], cell["column"]
        formula = element.find(FORMULA_TAG)
        if formula is not None:
            value = self._with_formula(element, formula, value, (row, column - 1))
        if value is None:
            return
        self._keep(row, column, value, element)

    def _with_formula(self, element: ET.Element, formula: ET.Element, value: Cell,
                      at: tuple[int, int]) -> Cell:
        """A formula without a computed value as a Formula; a computed value from another
        workbook or the web recorded in `linked`."""
        cached = element.find(VALUE_TAG)
        text = formula.text or ""
        if cached is None or (not cached.text and element.get("t") != "str"):
            return Formula("=" + text) if value is None else value
        shared = formula.get("si") if formula.get("t") == "shared" else None
        if ((self.links and EXTERNAL_REFERENCE.search(text)) or WEB_FUNCTION.search(text)
                or (shared is not None and not text and shared in self.linked_shared)):
            self.linked[at] = "=" + text if text else "=…"
            if shared is not None and text:
                self.linked_shared.add(shared)
        return value

    def _keep(self, row: int, column: int, value: Cell, element: ET.Element) -> None:
        where = f"{get_column_letter(min(column, 18_278))}{row}"
        if not 1 <= row <= MAX_ROW:
            raise FileRejected(f"工作表“{self.title}”的单元格{element.get('r')}"
                               "不在Excel的行号范围内，文件已损坏",
                               f"sheet '{self.title}': cell {element.get('r')} is outside "
                               "Excel's rows; the file is damaged")
        if column > MAX_COLUMNS:
            raise FileRejected(f"工作表“{self.title}”的单元格{where}超出了第{MAX_COLUMNS:,}列；"
                               f"表格最多{MAX_COLUMNS:,}列，请删去多余的列",
                               f"sheet '{self.title}': cell {where} is beyond column "
                               f"{MAX_COLUMNS:,}; a table has at most {MAX_COLUMNS:,} columns: "
                               "delete the extra columns")
        cells = self.cells.setdefault(row, {})
        if column in cells:
            raise FileRejected(f"工作表“{self.title}”的单元格{where}出现了两次，文件已损坏",
                               f"sheet '{self.title}': cell {where} appears twice; the file is "
                               "damaged")
        cells[column] = value
        self.widest = max(self.widest, column)
        if len(self.cells) * self.widest > MAX_GRID_CELLS:
            raise FileRejected(
                f"工作表“{self.title}”太大：到第{row:,}行已有{len(self.cells):,}行、{self.widest:,}列，"
                f"超过{MAX_GRID_CELLS:,}个单元格的上限；请将数据分成几个文件",
                f"sheet '{self.title}' is too large: by row {row:,} it has {len(self.cells):,} "
                f"rows of {self.widest:,} columns, more than the {MAX_GRID_CELLS:,} cells "
                "allowed: split the data into several files")

    def _rejected_cell(self, element: ET.Element) -> FileRejected:
        where = element.get("r") or f"{get_column_letter(self.parser.col_counter + 1)}{self.row}"
        held = (element.findtext(VALUE_TAG) or "")[:30]
        return FileRejected(f"工作表“{self.title}”的单元格{where}已损坏，无法读取（内容“{held}”）；"
                            "请在Excel中检查该单元格并另存后再上传",
                            f"sheet '{self.title}': cell {where} is damaged and cannot be read "
                            f"(it holds '{held}'): check that cell in Excel, save the file "
                            "again and upload that")


def percent_styles(workbook: Workbook) -> set[int]:
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


def cell_value(value: Any, percent: bool) -> Cell:
    """A cell's value as the user sees it: text, or a date until its column is known."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        # A cell shown as 26% holds 0.26: write what the user sees, so no fraction slips by.
        return number_text(value * 100) + "%" if percent else number_text(value)
    text = str(value)
    return text if text.strip() else None
