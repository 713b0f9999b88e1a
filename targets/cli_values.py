"""The `--values accepted|all` choice of export, status and brief, said on stderr."""

from __future__ import annotations

import argparse

VALUES_HELP = ("accepted: the accepted values only (default, what leaders see); all: every "
               "current value, drafts and values under review too")


def add_values_option(command: argparse.ArgumentParser) -> None:
    # No default here: an explicit `--values accepted` with `--as-of` is refused, not changed.
    command.add_argument("--values", choices=["accepted", "all"], default=None,
                         help=VALUES_HELP)


def chosen_view(args: argparse.Namespace) -> str:
    """The view the command reads, said on standard error: `--as-of` reads every value as
    written at that moment, so it implies all values."""
    from targets.cli import UserError, say

    if getattr(args, "as_of", None) is not None:
        if args.values == "accepted":
            raise UserError("--as-of 读取当时写入的全部数值，不能与 --values accepted 同用 / "
                            "--as-of reads every value as written at that moment; it cannot "
                            "be combined with --values accepted")
        if args.values is None:
            say("--as-of 读取当时写入的全部数值（含未确认数值），--values 视为 all",
                "--as-of reads every value as written at that moment (including values not "
                "yet accepted): --values taken as all")
        return "all"
    if args.values == "all":
        say("使用全部数值（含未确认数值），状态含其计算",
            "using all values (including values not yet accepted); statuses computed with them")
    else:
        say("使用已确认数值，状态按已确认数值计算",
            "using accepted values; statuses computed from accepted values")
    return str(args.values or "accepted")
