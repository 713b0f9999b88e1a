"""Inspect a workbook's zip archive before any XML of it is parsed: size limits and no DTDs."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from etl.read import FileRejected

# A planner's workbook under the 10 MB upload limit holds at most some tens of MB of XML;
# past these, a file is a zip bomb or not a planner's table, and reading it would hold a
# server worker for minutes and gigabytes.
MAX_UNCOMPRESSED_BYTES = 50_000_000  # said "50 MB" to the user
# The parts openpyxl parses whole into a tree (the sheets and shared strings are streamed):
# a tree costs some 100 bytes an element, and these parts are small in any real workbook.
MAX_WHOLE_PART_BYTES = 5_000_000
WHOLE_PARTS = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
               "xl/styles.xml")
MAX_MEMBERS = 1_000
# Sheet XML compresses about 10:1: each row and cell carries its own number, so even a sheet
# of one value repeated, or of empty rows, stays under 12:1. Only a crafted part is squeezed
# 100 times smaller. Small parts may compress further.
MAX_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1_000_000
# A DTD comes before the first element; no part of a real workbook has a prologue this long.
MAX_PROLOGUE_BYTES = 65_536
EXTERNAL_LINKS = "xl/externalLinks/"
DAMAGED_ZH = "文件已损坏或不是Excel工作簿(.xlsx)"
DAMAGED_EN = "the file is damaged or not an Excel workbook (.xlsx)"


class _Prologue(Exception):  # noqa: N818 - control flow: the prologue ended
    """Raised by the expat handlers to stop at the first element or at a DTD."""

    def __init__(self, doctype: bool) -> None:
        super().__init__()
        self.doctype = doctype


@dataclass(frozen=True)
class Archive:
    """What the workbook's zip directory says: each part's size, and whether the workbook
    links to other workbooks (xl/externalLinks/)."""

    sizes: dict[str, int]
    links: bool

    def check_whole_part(self, name: str) -> None:
        """FileRejected when a part openpyxl parses whole is too large to."""
        size = self.sizes.get(name, 0)
        if size > MAX_WHOLE_PART_BYTES:
            shown, limit = _megabytes(size), _megabytes(MAX_WHOLE_PART_BYTES)
            raise FileRejected(f"工作簿的{name}部分有{shown} MB，超过{limit} MB的上限，"
                               "文件可能已损坏；请在Excel中另存后再上传",
                               f"the part {name} of the workbook is {shown} MB, more than the "
                               f"{limit} MB allowed; the file may be damaged: save it again in "
                               "Excel and upload that")


def inspect_archive(path: Path) -> Archive:
    """FileRejected for a workbook past the limits, or one with a DTD (entity declarations:
    the billion laughs, external entities) in any part."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_sizes(members)
            archive_facts = Archive({member.filename: member.file_size for member in members},
                                    any(member.filename.startswith(EXTERNAL_LINKS)
                                        for member in members))
            for name in WHOLE_PARTS:
                archive_facts.check_whole_part(name)
            for member in members:
                _refuse_doctype(archive, member)
    except FileRejected:
        raise
    except Exception as error:  # zipfile raises BadZipFile, OSError, RuntimeError (encrypted) ...
        raise FileRejected(DAMAGED_ZH, DAMAGED_EN) from error
    return archive_facts


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """zipfile never inflates a member past its declared size (and checks its CRC), so the
    declared sizes bound what reading the workbook can cost."""
    if len(members) > MAX_MEMBERS:
        raise FileRejected(f"工作簿的组成部分过多（{len(members):,}个，最多{MAX_MEMBERS:,}个），"
                           "文件可能已损坏；请在Excel中另存后再上传",
                           f"the workbook has too many parts ({len(members):,}, at most "
                           f"{MAX_MEMBERS:,}); it may be damaged: save it again in Excel and "
                           "upload that")
    names = [member.filename for member in members]
    if len(set(names)) < len(names):  # which copy a reader takes is its own choice: rows lost
        twice = next(name for name in names if names.count(name) > 1)
        raise FileRejected(f"{DAMAGED_ZH}：其中的“{twice}”部分出现了两次",
                           f"{DAMAGED_EN}: its part '{twice}' is there twice")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        shown, limit = _megabytes(total), _megabytes(MAX_UNCOMPRESSED_BYTES)
        raise FileRejected(f"工作簿打开后有{shown} MB，超过{limit} MB的上限；请删去不需要的工作表、"
                           "空行和格式，或将数据分成几个文件",
                           f"the workbook expands to {shown} MB when opened, more than the "
                           f"{limit} MB allowed: remove unneeded sheets, empty rows and "
                           "formatting, or split the data into several files")
    for member in members:
        if (member.file_size > RATIO_CHECKED_FROM_BYTES
                and member.file_size > MAX_RATIO * max(member.compress_size, 1)):
            raise FileRejected(f"工作簿的一部分（{member.filename}）压缩比异常"
                               f"（超过{MAX_RATIO}倍），不像正常的Excel文件，已拒绝",
                               f"a part of the workbook ({member.filename}) is compressed more "
                               f"than {MAX_RATIO} times, which no normal Excel file is: refused")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f}".removesuffix(".0")


def _refuse_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Parse the member's prologue with the same parser openpyxl uses (expat), up to its first
    element: a DTD can only come before it. A member that is not XML is left to openpyxl,
    which refuses it if it is a part it needs."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = lambda *_: _stop(doctype=True)
    parser.StartElementHandler = lambda *_: _stop(doctype=False)
    read = 0
    with archive.open(member) as stream:
        while read < MAX_PROLOGUE_BYTES:
            chunk = stream.read(4_096)
            read += len(chunk)
            try:
                parser.Parse(chunk, not chunk)
            except _Prologue as stop:
                if stop.doctype:
                    raise FileRejected(f"工作簿的{member.filename}含有DTD实体声明"
                                       "（Excel不会写入），"
                                       "可能是恶意文件，已拒绝",
                                       f"the workbook has a DTD with entity declarations in "
                                       f"{member.filename}, which Excel never writes: refused "
                                       "as possibly malicious") from None
                return
            except expat.ExpatError:
                return
            if not chunk:
                return
    raise FileRejected(DAMAGED_ZH, DAMAGED_EN)


def _stop(doctype: bool) -> None:
    raise _Prologue(doctype)
