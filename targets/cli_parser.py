"""The `targets` argument parser, whose usage errors are said in Chinese and English."""

from __future__ import annotations

import argparse
import sys
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
