"""Read a workbook's shared string table with expat, within the workbook's element budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any
from xml.parsers import expat

from openpyxl.xml.constants import SHEET_MAIN_NS

from etl.read import FileRejected
from etl.xlsx_sheet import Budget

CHUNK_BYTES = 1 << 16
# Names of elements as expat gives them: namespace, a space, name.
TEXT, PHONETIC, STRING = (f"{SHEET_MAIN_NS} {name}"
                          for name in ("t", "rPh", "si"))


def _stream(source: IO[bytes], start: Callable[[str, dict[str, str]], None],
           end: Callable[[str], None], text: Callable[[str], None]) -> None:
    """Feed the XML to expat; a DTD refused (the archive was checked for one already: this is
    the parser's own guard)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    while chunk := source.read(CHUNK_BYTES):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _no_dtd(*_: Any) -> None:
    raise FileRejected("工作簿含有DTD实体声明（Excel不会写入），可能是恶意文件，已拒绝",
                       "the workbook has a DTD with entity declarations, which Excel never "
                       "writes: refused as possibly malicious")


def read_shared_strings(source: IO[bytes], budget: Budget) -> list[str]:
    """The shared string table: each entry's text without its formatting or phonetic guide,
    as openpyxl reads it."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"text": False, "phonetic": 0}

    def start(name: str, _: dict[str, str]) -> None:
        budget.left -= 1
        if budget.left < 0:
            budget.exceeded()
        if name == TEXT and not state["phonetic"]:
            state["text"] = True
        elif name == PHONETIC:
            state["phonetic"] += 1

    def end(name: str) -> None:
        if name == TEXT:
            state["text"] = False
        elif name == PHONETIC:
            state["phonetic"] -= 1
        elif name == STRING:
            strings.append("".join(parts).replace("x005F_", ""))
            parts.clear()

    def text(data: str) -> None:
        if state["text"]:
            parts.append(data)

    _stream(source, start, end, text)
    return strings
