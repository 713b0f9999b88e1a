"""The `targets` argument parser, whose usage errors are said in Chinese and English, and the
argument types and options several commands share."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

# argparse words its own errors in English ("invalid choice", "the following arguments are
# required"); its message names the option and the choices, which read the same in both.
PROBLEMS = [
    ("invalid choice", "取值无效", "invalid value"),
    ("the following arguments are required", "缺少必需参数", "a required argument is missing"),
    ("unrecognized arguments", "无法识别的参数", "arguments not recognised"),
    ("expected one argument", "缺少取值", "a value is missing"),
    ("invalid int value", "应为整数", "an integer is expected"),
    ("not allowed with argument", "两个参数不能同用", "two arguments cannot be combined"),
]


class BilingualParser(argparse.ArgumentParser):
    """An ArgumentParser (and its subcommands' parsers) whose errors start with what went
    wrong in Chinese, then argparse's English message; exit status 2 as argparse's."""

    def error(self, message: str) -> NoReturn:
        zh, en = next(((zh, en) for words, zh, en in PROBLEMS if words in message),
                      ("命令参数有误", "the command's arguments are wrong"))
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{zh}（{message}）\n"
                     f"{self.prog}: error: {en} ({message})\n"
                     f"用法见 / see: {self.prog} --help\n")


def year(text: str) -> int:
    """A year argument (--year, --from, --to), within the years the product reads."""
    if not text.isascii() or not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(
            f"不是 2000–2100 年间的年份 not a year from 2000 to 2100: {text!r}")
    return int(text)


def moment(text: str) -> dt.datetime:
    """A time argument (--as-of): ISO 8601, UTC unless it gives an offset."""
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"不是时间 not a time (use 2019-06-30 or 2019-06-30T12:00): {text!r}") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def add_output(command: argparse.ArgumentParser, formats: list[str]) -> None:
    """--format and -o; the format is settled in main (cli_checks.resolve_format)."""
    command.add_argument("--format", choices=formats, default=None,
                         help=f"default: from -o's extension, else {formats[0]}")
    command.add_argument("-o", "--output", type=Path, help="write to FILE instead of the screen")
    command.set_defaults(formats=formats)
