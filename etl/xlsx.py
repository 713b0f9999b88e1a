"""Read every sheet of an XLSX workbook into tables, whole or not at all: the archive checked
first, then each sheet streamed cell by cell; values computed elsewhere are warned of."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.xml.constants import SHARED_STRINGS

from etl.read import (
    OLE_MAGIC,
    ZIP_MAGIC,
    FileRejected,
    RawTable,
    Rows,
    _filled,
    _header_name,
    _recognised_header,
    _row_problem,
    _table,
)
from etl.xlsx_archive import DAMAGED_EN, DAMAGED_ZH, Archive, inspect_archive
from etl.xlsx_sheet import Budget, Sheet, SheetReader, Styles, refuse_oversized
from etl.xlsx_strings import read_shared_strings

LINKED_ZH = "该数值是公式“{formula}”上次在别的工作簿或网络服务中算出的结果，可能已过时，请核对"
LINKED_EN = ("this value is what the formula '{formula}' last computed from another workbook or "
             "a web service; it may be out of date: check it")


def xlsx_tables(path: Path, data: bytes) -> list[RawTable]:
    """A table for every sheet whose header names known columns; the other non-empty sheets
    (instructions, notes) are skipped with a warning."""
    if not data.startswith(ZIP_MAGIC):
        raise _not_xlsx(data)
    every = read_sheets(path, inspect_archive(path))
    if not every:  # Excel never saves a workbook without a sheet; its Strict format reads so
        raise FileRejected("工作簿中找不到工作表：它可能是“Strict Open XML”格式；请在Excel中另存为"
                           "“Excel工作簿(.xlsx)”后再上传",
                           "no sheet found in the workbook: it may be in the 'Strict Open XML' "
                           "format; save it in Excel as 'Excel Workbook (.xlsx)' and upload that")
    sheets = [sheet for sheet in every if any(_filled(cells) for _, cells in sheet.rows)]
    if not sheets:
        raise FileRejected("文件是空的：工作簿中没有任何数据",
                           "the file is empty: no sheet has any data")
    data_sheets = [sheet for sheet in sheets if _has_data(sheet.rows)]
    if not data_sheets:
        if len(sheets) == 1:  # the layout says which columns are missing
            return [_table(sheets[0].rows, path.name, sheets[0].title)]
        names_zh = "、".join(f"“{sheet.title}”" for sheet in sheets)
        names_en = ", ".join(f"'{sheet.title}'" for sheet in sheets)
        raise FileRejected(
            f"工作簿中没有数据：工作表{names_zh}都没有可识别的表头（地区、指标、年份、数值等）",
            f"no data in the workbook: none of the sheets {names_en} has a recognisable header "
            "(region, indicator, period, value ...)")
    tables = [_with_hidden_warning(_with_link_warnings(_table(sheet.rows, path.name,
                                                              sheet.title), sheet), sheet)
              for sheet in data_sheets]
    read = {id(sheet) for sheet in data_sheets}  # two sheets may share a title in a crafted file
    skipped = [sheet.title for sheet in sheets if id(sheet) not in read]
    if skipped:
        names_zh = "、".join(f"“{title}”" for title in skipped)
        names_en = ", ".join(f"'{title}'" for title in skipped)
        tables[0].problems.insert(0, _row_problem(
            None, None, "、".join(skipped),
            f"已跳过不像数据表的工作表（没有可识别的表头或数据行）：{names_zh}",
            f"skipped sheets that do not look like data (no recognisable header or no data "
            f"rows): {names_en}", "warning"))
    return tables


def read_sheets(path: Path, archive: Archive) -> list[Sheet]:
    """Every worksheet (chart sheets have no cells). openpyxl reads the workbook's small parts
    (its sheets, their names, the styles); the sheets and the shared strings are streamed
    here: openpyxl's read-only sheets trust the size a sheet declares, and its normal mode
    holds every cell as an object."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns of what it repairs; we refuse instead
        try:
            reader = ExcelReader(path, read_only=True, data_only=True, keep_links=False)
            reader.read_manifest()
            workbook_part = _find_workbook_part(reader.package).PartName[1:]
            archive.check_whole_part(workbook_part)
            archive.check_whole_part(get_rels_path(workbook_part))
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            found = [(sheet.name, rel.target, sheet.state != "visible")
                     for sheet, rel in reader.parser.find_sheets()
                     if "chartsheet" not in rel.Type]
        except FileRejected:
            raise
        except Exception as error:  # openpyxl raises a grab-bag (KeyError, BadZipFile, ...)
            raise FileRejected(DAMAGED_ZH, DAMAGED_EN) from error
    budget = Budget()
    try:
        strings = _shared_strings(reader, budget)
        styles = Styles.of(reader.wb)
        return [replace(_read_sheet(reader, SheetReader(title, strings, styles, archive.links,
                                                        budget), target), hidden=hidden)
                for title, target, hidden in found]
    finally:
        reader.archive.close()


def _shared_strings(reader: ExcelReader, budget: Budget) -> list[str]:
    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    try:
        with reader.archive.open(part.PartName[1:]) as source:
            return read_shared_strings(source, budget)
    except FileRejected:
        raise
    except Exception as error:
        raise FileRejected(DAMAGED_ZH, DAMAGED_EN) from error


def _read_sheet(reader: ExcelReader, sheet: SheetReader, target: str) -> Sheet:
    if target not in reader.valid_files:
        raise FileRejected(f"工作表“{sheet.title}”的内容缺失，文件已损坏；"
                           "请在Excel中打开并另存后再上传",
                           f"the contents of sheet '{sheet.title}' are missing; the file is "
                           "damaged: open it in Excel, save it again and upload that")
    try:
        with reader.archive.open(target) as source:
            refuse_oversized(source, sheet.title, sheet.budget)
        source = reader.archive.open(target)
    except FileRejected:
        raise
    except Exception as error:
        raise FileRejected(DAMAGED_ZH, DAMAGED_EN) from error
    with source:
        return sheet.read(source)


def _with_link_warnings(table: RawTable, sheet: Sheet) -> RawTable:
    """A warning on each value of the table computed from another workbook or the web."""
    if not sheet.linked:
        return table
    header = dict(sheet.rows).get(table.header_row, [])
    rows = set(table.frame["row"])
    for (row, column), formula in sorted(sheet.linked.items()):
        if row in rows:
            table.problems.append(_row_problem(
                row, _header_name(header, column), formula, LINKED_ZH.format(formula=formula),
                LINKED_EN.format(formula=formula), "warning"))
    return table


def _with_hidden_warning(table: RawTable, sheet: Sheet) -> RawTable:
    """A hidden sheet's values are read like any other's; the planner, who may not see that
    sheet in Excel, is told."""
    if sheet.hidden:
        table.problems.insert(0, _row_problem(
            None, None, sheet.title,
            f"工作表“{sheet.title}”在Excel中是隐藏的，其中的数值也会装入；请确认这些数值应当上报",
            f"sheet '{sheet.title}' is hidden in Excel, and its values are read too: check that "
            "they are meant to be reported", "warning"))
    return table


def _has_data(rows: Rows) -> bool:
    header = _recognised_header(rows)
    return header is not None and any(_filled(cells) for _, cells in rows[header + 1:])


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

