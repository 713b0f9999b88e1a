"""Damaged and hostile workbooks: each refused with a message in both languages, never a
traceback; fuzzed variants refused or read whole."""

from __future__ import annotations

import base64
import random
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from etl import xlsx, xlsx_sheet
from etl.read import FileRejected, read_tables
from tests import test_dashboard_writes
from tests.test_read_xlsx_shapes import (
    SHEET,
    STRINGS,
    rezipped,
    save,
    with_shared_strings,
    with_sheet,
    workbook_bytes,
)

DOCTYPE_XXE = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM '
               b'"file:///etc/passwd">]>')
LAUGHS = b"".join([b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">',
                   *(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (b"" if i == 1 else b"%d" % (
                       i - 1))) * 10) for i in range(1, 10)), b"]>"])


def replaced(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        assert old in xml, old
        return xml.replace(old, new, 1)
    return change


def with_prologue(prologue: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    """The part with a DTD before its root and the entity used in its first text."""
    def change(xml: bytes) -> bytes:
        xml = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        if b"<t>" in xml:
            return prologue + re.sub(rb"<t>[^<]*</t>", b"<t>" + entity + b"</t>", xml, count=1)
        return prologue + re.sub(rb'<c r="A2" t="s"><v>[^<]*</v>',
                                 b'<c r="A2" t="inlineStr"><is><t>' + entity + b"</t></is>", xml)
    return change


NUMBER_D2 = b'<c r="D2" t="n"><v>15.1</v></c>'
DAMAGED: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    # name: (change of the workbook, part, text the English message must hold)
    "number holding text": (replaced(NUMBER_D2, b'<c r="D2" t="n"><v>12abc</v></c>'), SHEET,
                            "cell D2 is damaged"),
    "number with an underscore": (replaced(NUMBER_D2, b'<c r="D2" t="n"><v>1_5</v></c>'),
                                  SHEET, "cell D2 is damaged"),
    "bad boolean": (replaced(NUMBER_D2, b'<c r="D2" t="b"><v>maybe</v></c>'), SHEET,
                    "cell D2 is damaged"),
    "bad date": (replaced(NUMBER_D2, b'<c r="D2" t="d"><v>2018-13-45x</v></c>'), SHEET,
                 "cell D2 is damaged"),
    "shared string out of range": (replaced(b'<c r="A2" t="s"><v>', b'<c r="A2" t="s"><v>9'),
                                   SHEET, "cell A2 is damaged"),
    "negative shared string": (replaced(b'<c r="A2" t="s"><v>', b'<c r="A2" t="s"><v>-'),
                               SHEET, "cell A2 is damaged"),
    "bad cached type": (replaced(NUMBER_D2, b'<c r="D2" t="x"><v>15.1</v></c>'), SHEET,
                        "cell D2 is damaged"),
    "bad cached formula value": (replaced(NUMBER_D2, b'<c r="D2"><f>A1+1</f><v>#abc</v></c>'),
                                 SHEET, "cell D2 is damaged"),
    "truncated sheet": (lambda xml: xml[:len(xml) * 2 // 3], SHEET, "sheet 'Sheet' is damaged"),
    "xxe in the sheet": (with_prologue(DOCTYPE_XXE, b"&xxe;"), SHEET, "DTD"),
    "billion laughs in the sheet": (with_prologue(LAUGHS, b"&lol9;"), SHEET, "DTD"),
    "billion laughs in the shared strings": (with_prologue(LAUGHS, b"&lol9;"), STRINGS, "DTD"),
    "xxe in the workbook part": (lambda xml: DOCTYPE_XXE + re.sub(rb"^<\?xml[^>]*\?>", b"", xml),
                                 "xl/workbook.xml", "DTD"),
}


def typed_workbook() -> bytes:
    """The plain workbook as Excel writes it: text in a shared string table, numbers typed n."""
    return with_shared_strings(with_sheet(workbook_bytes(), lambda xml: re.sub(
        rb'<c r="([A-Z]+\d+)"><v>', rb'<c r="\1" t="n"><v>', xml)))


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_a_damaged_workbook_is_refused_with_a_message(tmp_path, name):
    change, part, expected = DAMAGED[name]
    path = save(tmp_path, with_sheet(typed_workbook(), change, part))
    with pytest.raises(FileRejected) as caught:
        read_tables(path)
    assert expected in caught.value.problem_en
    assert caught.value.problem_zh and "Traceback" not in str(caught.value)


def test_a_missing_sheet_part_is_refused_naming_the_sheet(tmp_path):
    path = save(tmp_path, rezipped(workbook_bytes(), lambda name, part: None if name == SHEET
                                   else part))
    with pytest.raises(FileRejected) as caught:
        read_tables(path)
    assert caught.value.problem_zh == ("工作表“Sheet”的内容缺失，文件已损坏；"
                                       "请在Excel中打开并另存后再上传")


def test_the_billion_laughs_is_refused_before_any_expansion(tmp_path, monkeypatch):
    path = save(tmp_path, with_sheet(typed_workbook(), with_prologue(LAUGHS, b"&lol9;")))
    # Refused by the archive's inspection, which reads each part's prologue only: neither
    # openpyxl nor the sheet's parser (both would expand the entities) is given the sheet.
    parsed = []
    read_sheets, parse = xlsx.read_sheets, xlsx_sheet.SheetReader._parse
    monkeypatch.setattr(xlsx, "read_sheets",
                        lambda *args: parsed.append("workbook") or read_sheets(*args))
    monkeypatch.setattr(xlsx_sheet.SheetReader, "_parse",
                        lambda self, source: parsed.append("sheet") or parse(self, source))
    with pytest.raises(FileRejected) as caught:
        read_tables(path)
    assert parsed == []
    assert "DTD" in caught.value.problem_en and SHEET in caught.value.problem_en


def test_targets_check_of_a_damaged_workbook_prints_the_message_not_a_traceback(tmp_path):
    change, part, _ = DAMAGED["number holding text"]
    path = save(tmp_path, with_sheet(typed_workbook(), change, part))
    done = subprocess.run([sys.executable, "-m", "targets", "--lang", "en", "check", str(path)],
                          capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode == 1
    assert "cell D2 is damaged" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


# --- fuzz ------------------------------------------------------------------------------------

SEED = 20_260_515
CASES = 600
CELL_TYPES = ["n", "b", "d", "s", "e", "str", "inlineStr", "zz", ""]
JUNK = ["12abc", "-1", "999999", "", "1e999", "nan", "2018-13-45", "TRUE", " ", "1" * 5000,
        "0x1F", "1,5", "&amp;", "<", "]]>"]


def valid_workbooks() -> list[bytes]:
    import datetime as dt

    import openpyxl

    plain = typed_workbook()
    styled = openpyxl.Workbook()
    sheet = styled.active
    sheet.append(["填报单位：长春市"])
    sheet.append(["地区", "年份", "公共交通机动化出行分担率", "备注"])
    sheet.append(["长春市", dt.datetime(2018, 12, 31), 0.26, "=1+1"])
    sheet["C3"].number_format = "0%"
    sheet.append(["吉林市", 2019, 0.265, True])
    styled.create_sheet("说明").append(["说明", "数值请填写实际完成值"])
    import io
    buffer = io.BytesIO()
    styled.save(buffer)
    return [plain, buffer.getvalue()]


def damaged(data: bytes, rng: random.Random) -> tuple[bytes, bool]:
    """A damaged variant, and whether it keeps every row (only a cell's content changed)."""
    kind = rng.randrange(4)
    if kind == 0:
        return data[:rng.randrange(len(data))], False
    if kind == 1:
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        return bytes(flipped), False
    names = zipfile.ZipFile(__import__("io").BytesIO(data)).namelist()
    part = rng.choice(names)
    if kind == 2:
        def broken(xml: bytes) -> bytes:
            if not xml:
                return xml
            xml = bytearray(xml)
            for _ in range(rng.randint(1, 6)):
                at = rng.randrange(len(xml))
                choice = rng.randrange(3)
                if choice == 0:
                    xml[at] = rng.randrange(256)
                elif choice == 1:
                    del xml[at:at + rng.randint(1, 40)]
                else:
                    xml[at:at] = rng.choice([b"<", b">", b"&", b'"', b"<c/>", b"\xff", b"<row>"])
            return bytes(xml)
        return with_sheet(data, broken, part), False

    def retyped(xml: bytes) -> bytes:
        cells = list(re.finditer(rb'<c r="([A-Z]+\d+)"[^>]*>(?:<v>[^<]*</v>)?', xml))
        if not cells:
            return xml
        cell = rng.choice(cells)
        kind, junk = rng.choice(CELL_TYPES), rng.choice(JUNK)
        typed = f' t="{kind}"' if kind else ""
        new = f'<c r="{cell.group(1).decode()}"{typed}><v>{junk}</v>'.encode()
        return xml[:cell.start()] + new + xml[cell.end():]
    return with_sheet(data, retyped), True


def test_fuzzed_workbooks_are_refused_or_read_whole(tmp_path):
    rng = random.Random(SEED)
    sources = valid_workbooks()
    expected_rows = []
    for number, data in enumerate(sources):
        tables = read_tables(save(tmp_path, data, f"valid{number}.xlsx"))
        expected_rows.append([table.frame["row"].tolist() for table in tables])
    outcomes = {"refused": 0, "read": 0}
    for case in range(CASES):
        source = rng.randrange(len(sources))
        variant, rows_kept = damaged(sources[source], rng)
        path = save(tmp_path, variant, f"case{case}.xlsx")
        try:
            tables = read_tables(path)
        except FileRejected as rejected:
            assert rejected.problem_zh and rejected.problem_en, case
            outcomes["refused"] += 1
            continue
        outcomes["read"] += 1
        if rows_kept:
            assert [table.frame["row"].tolist() for table in tables] == expected_rows[source], \
                case
    # Both outcomes occur, so neither check above is vacuous.
    assert outcomes["refused"] > CASES // 4 and outcomes["read"] > CASES // 10, outcomes


# --- through the upload page -----------------------------------------------------------------

bench = test_dashboard_writes.bench  # the app on a demo store, with a planner logged in


def test_the_upload_preview_of_a_damaged_workbook_shows_the_message(bench):
    from benchmarks.pages import Call, Case

    change, part, _ = DAMAGED["number holding text"]
    raw = with_sheet(typed_workbook(), change, part)
    contents = ("data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
                + base64.b64encode(raw).decode())
    preview = Case("upload", ("upload-preview.children", "upload-confirm.disabled",
                              "upload-contents.data", "upload-result.children"), "",
                   lambda i: Call({}), client="planner",
                   expect="sheet 'Sheet': cell D2 is damaged and cannot be read")
    answer = bench.post(preview, Call({"upload-file.contents": contents,
                                       "upload-file.filename": "values.xlsx",
                                       "upload-language.children": "en"},
                                      ("upload-file.contents",)))
    assert "upload-has-errors" in str(answer)
