"""The worst files (CSV and XLSX) under the upload limit, checked: `python -m benchmarks.hostile`.

Generates, seeded, the hostile and worst-case files of docs/benchmarks.md ("Hostile and
worst-case files"), each at most `--megabytes` (10, the upload limit), and checks each twice,
each time in a process of its own, measuring its wall time and peak RSS from the kernel's
accounting of that process (os.wait4): by `targets check` (no limit on a file's cells: an
administrator loads national files), and as the upload page checks it (validate_file with the
upload's cell limit). Both include starting Python and loading the catalogue (about 2 s and
210 MB), which a running server has done already. Prints a table; the goal is every upload
checked within 10 s and 500 MB, or refused within 2 s.

`--megabytes 0.05` runs the same code on small files in seconds (the test suite does).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEED = 20
UPLOAD_LIMIT_MB = 10.0
GOAL_SECONDS, GOAL_MB, REFUSE_SECONDS = 10.0, 500.0, 2.0


@dataclass(frozen=True)
class Measure:
    seconds: float  # the process's wall time
    peak_mb: float
    verdict: str  # "passed", "errors" (problems listed), "refused" (the whole file), "traceback"
    checking: float | None = None  # the seconds of validate_file alone, as in a server


CHECKING = "seconds checking: "


@dataclass(frozen=True)
class Outcome:
    name: str
    size_bytes: int
    cli: Measure
    upload: Measure


def million_columns(limit: int) -> bytes:
    """A header of as many columns as fit (10^6 at 10 MB), then one row."""
    cells, size, i = ["地区", "指标"], 0, 0
    while size < limit - 100:
        cells.append(f"c{i}")
        size += len(cells[-1]) + 1
        i += 1
    return (",".join(cells) + "\n220100,x\n").encode()


def unknown_indicators(limit: int, count: int = 10_000) -> bytes:
    """`count` distinct unknown indicator names, one row each (long layout)."""
    lines = ["地区,指标,年份,数值"]
    lines += [f"长春市,未知的指标名称第{i}号,2018,1" for i in range(count)]
    return _cut("\n".join(lines) + "\n", limit).encode()


def unknown_columns(limit: int, count: int = 10_000) -> bytes:
    """A wide header of `count` unknown columns (79 KB at 10,000)."""
    header = ",".join(["地区", "年份", *(f"未知列{i}" for i in range(count))])
    return _cut(header + "\n长春市,2018\n", limit).encode()


def conflicting_duplicates(limit: int) -> bytes:
    """As many rows as fit (about 850k at 10 MB, GBK as Chinese Excel writes it), all of one
    region, indicator and year, with values that disagree: every row an error."""
    chance = random.Random(SEED)
    rows = ["地区,年份,transit_modal_share"]
    size = 0
    while size < limit:
        rows.append(f"长春,2018,{chance.randint(2, 9)}")
        size += 12
    return "\n".join(rows).encode("gbk")[:limit]


def wide_repeated(limit: int) -> bytes:
    """The wide layout, one column per indicator, rows of one-digit values repeated to fill
    the file: the most values a file of this size carries (5 million at 10 MB)."""
    from indicators.catalogue import load_catalogue  # here: see `measured`

    ids = list(load_catalogue().indicators)
    header = ",".join(["region", "period", *ids])
    row = ",".join(["220100", "2018", *("1" for _ in ids)])
    count = max(1, (limit - len(header) - 1) // (len(row) + 1))
    return ("\n".join([header, *([row] * count)]) + "\n").encode()


def largest_valid(limit: int) -> bytes:
    """Every region, indicator and year once with a plausible value, in the long layout, with
    a note to fill the file: the most values a valid file of this size carries."""
    import pandas as pd  # here: the measuring process stays small (see `check`)

    from indicators.catalogue import load_catalogue
    from indicators.regions import load_regions, valid_on

    catalogue, register = load_catalogue(), load_regions()
    chance = random.Random(SEED)
    lines = ["region,indicator,period,value,note"]
    size = len(lines[0])
    regions = register.regions
    for year in range(2000, 2026):
        codes = regions.loc[valid_on(regions, pd.Timestamp(year=year, month=12, day=31)),
                            "code"]
        for code in codes:
            for indicator in catalogue.indicators.values():
                low, high = indicator.plausible_range
                value = _plausible(chance, indicator.unit, low, high)
                note = f"填报说明{chance.randint(0, 99)}"
                lines.append(f"{code},{indicator.id},{year},{value},{note}")
                size += len(lines[-1].encode()) + 1
                if size > limit:
                    return "\n".join(lines[:-1]).encode() + b"\n"
    # Fewer keys than the limit holds: each note longer, to the same size.
    text = "\n".join(lines) + "\n"
    pad = (limit - len(text.encode())) // (len(lines) - 1)
    return "\n".join([lines[0], *(line + "x" * pad for line in lines[1:])]).encode() + b"\n"


def _plausible(chance: random.Random, unit: str, low: float | None, high: float | None) -> str:
    if unit == "done":
        return str(chance.randint(0, 1))
    low = 0.0 if low is None else low
    high = low + 1000.0 if high is None else high
    return f"{chance.uniform(low + 0.25 * (high - low), low + 0.5 * (high - low)):.1f}"


def workbook_bomb(limit: int) -> bytes:
    """A workbook whose one sheet is empty rows, expanding to a hundred times the size limit
    (1 GiB at 10 MB; at least 2 MiB, where the reader's limit on compression ratio applies),
    compressed about a thousand times."""
    import zipfile  # here, like the other makers' imports

    expanded = min(2**30, max(2 * 2**20, 100 * limit))
    rows = b"<row/>" * 100_000
    sink = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook([])), "r") as source, \
            zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != SHEET:
                bomb.writestr(info.filename, source.read(info.filename))
                continue
            with bomb.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')
                for _ in range(expanded // len(rows)):
                    sheet.write(rows)
                sheet.write(b"</sheetData></worksheet>")
    return sink.getvalue()


def largest_workbook(limit: int) -> bytes:
    """As many rows as the workbook reader accepts (109,000 at 10 MB: a row of two text and two
    number cells, as openpyxl writes them, is 11 XML elements of its budget), all of one region,
    indicator and year with values that disagree: every row an error, the dearest workbook to
    check."""
    from etl.xlsx_sheet import MAX_ELEMENTS, MAX_GRID_CELLS

    chance = random.Random(SEED)
    count = min(MAX_GRID_CELLS // 4 - 1, MAX_ELEMENTS // 11 - 100, limit // 24)
    return _workbook([["长春", "transit_modal_share", 2018, chance.randint(2, 9)]
                      for _ in range(count)])


SHEET = "xl/worksheets/sheet1.xml"


def _workbook(rows: list[list[object]]) -> bytes:
    """A workbook of the long layout's header and `rows`, written as Excel would store them."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["地区", "指标", "年份", "数值"])
    for row in rows:
        sheet.append(row)
    sink = io.BytesIO()
    workbook.save(sink)
    return sink.getvalue()


def _cut(text: str, limit: int) -> str:
    """Whole lines of `text` within `limit` bytes."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[:limit].decode(errors="ignore").rpartition("\n")[0] + "\n"


FILES: dict[str, Callable[[int], bytes]] = {
    "10^6-column header": million_columns,
    "10,000 unknown indicator names": unknown_indicators,
    "10,000 unknown columns": unknown_columns,
    "conflicting duplicate rows": conflicting_duplicates,
    "wide layout, 60 values a row, repeated": wide_repeated,
    "largest valid long-layout file": largest_valid,
    "workbook expanding 100 x (1 GiB of sheet XML)": workbook_bomb,
    "largest workbook read: conflicting rows to the element budget": largest_workbook,
}
WORKBOOKS = frozenset({workbook_bomb, largest_workbook})


def suffix(name: str) -> str:
    """The file name ending of the file called `name` in FILES."""
    return ".xlsx" if FILES[name] in WORKBOOKS else ".csv"


def check(path: Path, name: str) -> Outcome:
    """`path` checked by `targets check` and as an upload, on a store that does not exist (no
    history to compare with)."""
    cli = measured([sys.executable, "-m", "targets", "--lang", "en", "check", str(path)], path)
    upload = measured([sys.executable, "-m", "benchmarks.hostile", "--as-upload", str(path)],
                      path)
    return Outcome(name, path.stat().st_size, cli, upload)


def measured(command: list[str], path: Path) -> Measure:
    """`command` in a process of its own, timed and measured by the kernel. A child's peak RSS
    starts from its parent's RSS when it was forked, so this process imports neither pandas
    nor the catalogue (benchmarks.__main__.measured's module would) and files are written by
    another child."""
    environment = {**os.environ, "TARGETS_DATABASE_URL": f"sqlite:///{path.parent}/none.sqlite"}
    output = path.with_suffix(".out")
    started = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   env=environment)
        # wait4 reaps this child and gives its own peak RSS (kilobytes on Linux).
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    text = output.read_text(errors="replace")
    checking = [float(line.removeprefix(CHECKING)) for line in text.splitlines()
                if line.startswith(CHECKING)]
    return Measure(seconds, usage.ru_maxrss / 1024, _verdict(code, text),
                   checking[0] if checking else None)


def as_upload(path: Path) -> int:
    """Check `path` as the upload page does; print its problems' count, or its refusal."""
    from etl.bounded import MAX_UPLOAD_CELLS
    from etl.validation import validate_file
    from indicators.catalogue import load_catalogue
    from indicators.regions import load_regions

    catalogue, register = load_catalogue(), load_regions()
    started = time.perf_counter()
    validation = validate_file(path, catalogue, register, max_cells=MAX_UPLOAD_CELLS)
    print(f"{CHECKING}{time.perf_counter() - started:.2f}")
    problems = validation.problems
    if len(problems) == 1 and problems["row"].isna().all():
        print(problems.iloc[0]["problem_en"])
    else:
        print("\n".join(["problems:", *problems["problem_en"].head(5)]))
    return 0 if validation.ok else 1


def _verdict(status: int, output: str) -> str:
    if status == 0:
        return "passed"
    if "Traceback" in output:
        return "traceback"
    lines = [line for line in output.splitlines()
             if line.strip() and not line.startswith(CHECKING)]
    return "refused" if len(lines) <= 3 else "errors"


def run(megabytes: float, directory: Path) -> list[Outcome]:
    outcomes = []
    for i, name in enumerate(FILES):
        path = directory / f"hostile_{i}{suffix(name)}"
        subprocess.run([sys.executable, "-m", "benchmarks.hostile", "--write", str(i),
                        str(path), "--megabytes", str(megabytes)], check=True)
        outcomes.append(check(path, name))
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    lines = ["| file | size | `targets check` | time | peak RSS | as an upload | time "
             "(checking alone) | peak RSS |", "|---|---:|---|---:|---:|---|---:|---:|"]
    lines += [f"| {o.name} | {o.size_bytes / 2**20:.1f} MiB | {_cells(o.cli)} | "
              f"{_cells(o.upload)} |" for o in outcomes]
    return "\n".join(lines)


def _cells(measure: Measure) -> str:
    alone = f" ({measure.checking:.1f} s)" if measure.checking is not None else ""
    return f"{measure.verdict} | {measure.seconds:.1f} s{alone} | {measure.peak_mb:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=UPLOAD_LIMIT_MB)
    parser.add_argument("--write", nargs=2, metavar=("NUMBER", "PATH"),
                        help="only write file NUMBER (from 0, in the table's order) to PATH")
    parser.add_argument("--as-upload", type=Path, metavar="PATH",
                        help="only check PATH as the upload page does")
    args = parser.parse_args(argv)
    if args.as_upload:
        return as_upload(args.as_upload)
    if args.write:
        make = list(FILES.values())[int(args.write[0])]
        Path(args.write[1]).write_bytes(make(int(args.megabytes * 1024 * 1024)))
        return 0
    with tempfile.TemporaryDirectory() as directory:
        print(table(run(args.megabytes, Path(directory))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
