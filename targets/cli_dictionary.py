"""The `targets dictionary` command: the extract's data dictionary, for extracts read from the
screen (`targets export` to standard output carries none)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

FORMATS = ["csv", "json", "datapackage"]
FORMAT_HELP = ("csv: one row a column (as the XLSX's dictionary sheet); json: the same as an "
               "array; datapackage: a Frictionless Data Package descriptor of an extract "
               "saved as targets-export.csv beside it")


def add_dictionary_command(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser(
        "dictionary", help="what each column of `targets export` means (the data dictionary)")
    command.add_argument("--format", choices=FORMATS, default=None,
                         help=FORMAT_HELP + " (default: from -o's extension, else csv)")
    command.add_argument("-o", "--output", type=Path, help="write to FILE instead of the screen")
    command.set_defaults(run=_dictionary)


def dictionary_bytes(file_format: str) -> bytes:
    from etl import dictionary
    from etl.extract import to_csv_bytes

    if file_format == "csv":
        return to_csv_bytes(dictionary.dictionary_frame())
    if file_format == "datapackage":
        described = dictionary.datapackage("targets-export.csv")
    else:
        described = [{"name": column.name, "type": column.type, "zh": column.zh,
                      "en": column.en,
                      "unit": None if column.unit is None
                      else {"zh": column.unit[0], "en": column.unit[1]},
                      "codes": [{"code": code, "zh": zh, "en": en}
                                for code, zh, en in column.codes]}
                     for column in dictionary.columns()]
    return (json.dumps(described, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _dictionary(args: argparse.Namespace) -> int:
    from targets.cli import say
    from targets.cli_checks import chosen_format

    content = dictionary_bytes(chosen_format(args.format, args.output, FORMATS))
    if args.output is None:
        sys.stdout.buffer.write(content)
        return 0
    # Written whole or not at all, like every extract.
    partial = args.output.with_name(args.output.name + ".partial")
    try:
        partial.write_bytes(content)
        partial.replace(args.output)
    finally:  # whatever failed (a folder named by -o), no .partial stays behind
        partial.unlink(missing_ok=True)
    say(f"已写入数据字典 {args.output}", f"wrote the data dictionary to {args.output}")
    return 0
