"""The `targets` command line."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from etl.acceptance import LockedError, locked_message
from etl.store import ConflictError, Store, StoreWriteError, database_url
from indicators.catalogue import CatalogueError
from indicators.regions import RegisterError, load_regions
from targets.cli_brief import add_brief_command
from targets.cli_checks import resolve_format, unreachable
from targets.cli_dictionary import add_dictionary_command
from targets.cli_extracts import add_extract_commands
from targets.cli_parser import BilingualParser, add_output
from targets.cli_published import add_published_command
from targets.cli_review import add_review_commands
from targets.cli_sdmx import add_sdmx_command
from targets.cli_snapshot import add_snapshot_command, write_snapshots_after
from targets.cli_tokens import add_token_commands
from targets.cli_users import add_user_commands
from targets.memory import keep_large_blocks

# Each command imports what it alone needs, when it runs: for a small file, starting the
# program is most of what a command costs, and `catalogue` has no use for the store nor
# `check` for the exporters or the progress bar. The store is imported with the module:
# it is light without Alembic, which it imports only to migrate.
if TYPE_CHECKING:
    from tqdm import tqdm

    from etl.validation import History, Validation

CATALOGUE_COLUMNS = [
    "target_id", "document", "clause", "indicator_id", "indicator_zh", "indicator_en", "theme",
    "region_class", "deadline", "kind", "value", "value_high", "unit", "baseline_year",
    "period_start", "indicator_unit", "direction", "quote_zh", "note",
]
REGION_COLUMNS = ["code", "name_zh", "name_en", "level", "kind", "parent_code", "valid_from",
                  "valid_to", "classes"]
DEMO_USER = "demo"


class UserError(Exception):
    """A problem the user can fix; printed in Chinese and English, exit status 2."""


def say(zh: str, en: str) -> None:
    print(f"{zh} / {en}", file=sys.stderr)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on standard error."""
    from tqdm import tqdm

    bar: tqdm | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=description, unit="行", file=sys.stderr, leave=False,
                       disable=None)
        bar.n = done
        bar.refresh()

    yield update
    if bar is not None:
        bar.close()


# --- reference data ------------------------------------------------------------------------

def _catalogue(args: argparse.Namespace) -> int:
    from etl.extract import write_extract
    from indicators.reference import Reference

    frame = Reference.load().catalogue.targets_frame[CATALOGUE_COLUMNS].copy()
    if args.format == "csv":
        for column in ("value", "value_high"):
            frame[column] = frame[column].map(_plain_number)
    write_extract(frame, args.format, args.output)
    return 0


def _plain_number(number: float | None) -> str:
    """26 rather than 26.0, 0.4 rather than 0.40000000000000002: as the gazette writes it."""
    import numpy as np

    return "" if pd.isna(number) else np.format_float_positional(number, trim="-")


def _regions(args: argparse.Namespace) -> int:
    from etl.extract import write_extract
    from indicators.reference import Reference

    frame = Reference.load().register.regions[REGION_COLUMNS].copy()
    for column in ("valid_from", "valid_to"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    write_extract(frame, args.format, args.output)
    return 0


# --- actual values -------------------------------------------------------------------------

def _history_for_checks(url: str) -> History | None:
    """The stored values of the file's series for the jump warning, read without creating or
    upgrading anything."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    store = Store(url, upgrade=False)
    return store.series_values if store.schema_revision() == Store.head_revision() else None


def _validate(args: argparse.Namespace, history: History | None) -> Validation:
    from etl.validation import format_problems, validate_file
    from indicators.reference import Reference

    reference = Reference.load()
    if not args.file.exists():
        raise UserError(f"找不到文件 {args.file} / file not found: {args.file}")
    validation = validate_file(args.file, reference.catalogue, reference.register,
                               history=history, strict=args.strict,
                               skip_unknown=args.skip_unknown)
    if not validation.problems.empty:
        print(format_problems(validation.problems, args.lang))
    if validation.skipped:
        say(*validation.skipped_text())
    return validation


def _refused(validation: Validation) -> None:
    if (validation.problems["severity"] == "error").any():
        say("文件有错误，未写入任何数据", "the file has errors; nothing was written")
    else:
        say("文件有警告（--strict 视警告为错误），未写入任何数据",
            "the file has warnings, which --strict treats as errors; nothing was written")


def _check(args: argparse.Namespace) -> int:
    validation = _validate(args, _history_for_checks(database_url(args.database)))
    if not validation.ok:
        _refused(validation)
        return 1
    say(f"检查通过：{len(validation.rows)} 个数值可以装入",
        f"check passed: {len(validation.rows)} values can be loaded")
    return 0


def _load(args: argparse.Namespace) -> int:
    from etl.schema import load as load_table

    longest = load_table.c.loaded_by.type.length
    if len(args.by) > longest:
        raise UserError(f"--by 的名字过长（最多{longest}个字符） / the --by name is too long "
                        f"(at most {longest} characters)")
    store = Store(args.database)
    validation = _validate(args, store.series_values)
    if not validation.ok:
        _refused(validation)
        return 1
    digest = hashlib.sha256(args.file.read_bytes()).hexdigest()
    with progress_bar("写入 writing") as progress:
        result = store.load(validation.store_rows(), by=args.by, source=args.file.name,
                            source_sha256=digest, progress=progress,
                            skipped=validation.skipped, accept=args.accepted)
    skipped_zh = f"；已跳过 {validation.skipped} 行/列" if validation.skipped else ""
    skipped_en = f"; {validation.skipped} rows/columns skipped" if validation.skipped else ""
    say(f"已装入：新增 {result.new}，修改 {result.changed}，未变 {result.unchanged}{skipped_zh}",
        f"loaded: {result.new} new, {result.changed} changed, {result.unchanged} unchanged"
        f"{skipped_en}")
    if args.accepted and result.load_id is not None:
        say("数值已随载入视为已确认（未经审核）", "the values are accepted with the load "
            "(without review)")
    del validation  # the file's rows: the snapshots read the values back in their room
    write_snapshots_after(store, result.new + result.changed + result.unchanged)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from etl.demo import generate_demo
    from indicators.reference import Reference

    store = Store(args.database)
    loads = store.loads()
    if not loads.empty and not loads["is_demo"].all():
        raise UserError("此数据库已有真实数据，演示数据请装入单独的数据库（--database）"
                        " / this store holds real data; load demo data into a store of its own"
                        " (--database)")
    reference = Reference.load()
    rows = generate_demo(reference.catalogue, reference.register, seed=args.seed)
    with progress_bar("写入演示数据 writing demo data") as progress:
        result = store.load(rows, by=DEMO_USER, source=f"etl/demo.py seed={args.seed}",
                            kind="demo", is_demo=True, progress=progress, accept=True)
    say(f"已装入演示数据（非真实统计）：新增 {result.new}，修改 {result.changed}",
        f"loaded demo data (not statistics): {result.new} new, {result.changed} changed")
    write_snapshots_after(store, result.new + result.changed + result.unchanged)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from dashboard.app import create_app, serve

    app = create_app(args.database)
    say(f"仪表板：http://{args.host}:{args.port}/", f"dashboard: http://{args.host}:{args.port}/")
    serve(app, args.host, args.port, debug=args.debug)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = BilingualParser(
        prog="targets",
        description="吉林省人民政府公报2018年第11期目标监测 / Monitor the targets of the Jilin "
                    "gazette 2018 No. 11.")
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: "
                        "TARGETS_DATABASE_URL, else data/targets.sqlite)")
    parser.add_argument("--lang", choices=["zh", "en"],
                        default=os.environ.get("TARGETS_LANG", "zh"),
                        help="language of messages and tables (default zh)")
    commands = parser.add_subparsers(dest="command", required=True)

    catalogue = commands.add_parser("catalogue", help="the target table, one row per target")
    add_output(catalogue, ["csv", "json"])
    catalogue.set_defaults(run=_catalogue)

    regions = commands.add_parser("regions", help="the region register")
    add_output(regions, ["csv", "json"])
    regions.set_defaults(run=_regions)

    for name, run, helptext in (("check", _check, "validate a file only; write nothing"),
                                ("load", _load, "validate and load a file, all or nothing")):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("file", type=Path)
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")
        command.add_argument("--skip-unknown", action="store_true",
                             help="skip the columns of unknown indicators and the rows of "
                                  "unknown regions (each listed with its reason) and check or "
                                  "load the rest; an error in a known row still refuses the "
                                  "file")
        if name == "load":
            command.add_argument("--by", required=True, help="who is loading (recorded)")
            command.add_argument("--accepted", action="store_true",
                                 help="accept the values without review: only for an "
                                      "operator loading an official, already published file")
        command.set_defaults(run=run)

    demo = commands.add_parser("demo", help="load seeded demo data (marked as demo)")
    demo.add_argument("--seed", type=int, default=2018)
    demo.set_defaults(run=_demo)
    add_published_command(commands)
    add_brief_command(commands)

    serve = commands.add_parser("serve", help="run the dashboard for local use")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true", help="Dash's debug mode (reloads)")
    serve.set_defaults(run=_serve)

    add_extract_commands(commands)
    add_user_commands(commands)
    add_review_commands(commands)
    add_dictionary_command(commands)
    add_token_commands(commands)
    add_sdmx_command(commands)
    add_snapshot_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    keep_large_blocks()
    args = build_parser().parse_args(argv)
    try:
        resolve_format(args)
        return int(args.run(args))
    except BrokenPipeError:
        # `targets status | head`: the reader has gone; nothing is wrong.
        sys.stderr.close()
        return 0
    except Exception as error:  # a person sees a message, never a traceback
        status = _told(error)
        if status is not None:
            return status
        if (problem := unreachable(error, args.database)) is not None:
            say(*problem)
            return 2
        if os.environ.get("TARGETS_DEBUG"):
            raise
        say("意外错误，命令已停止（装入时未写入任何数据）；请将命令和文件发给管理员"
            "（设置 TARGETS_DEBUG=1 可显示详细信息）",
            "unexpected error: the command stopped (a load writes nothing then); send the "
            "command and the file to the administrator (TARGETS_DEBUG=1 shows the details)")
        return 3


def _told(error: Exception) -> int | None:
    """The exit status of a failure the user can act on, once its message is out; None for
    any other failure."""
    if isinstance(error, (CatalogueError, RegisterError, UserError)):
        print(f"错误 error: {error}", file=sys.stderr)
        return 2
    if isinstance(error, ConflictError):
        print(f"冲突 conflict: {error}", file=sys.stderr)
        return 1
    if isinstance(error, StoreWriteError):
        say(error.problem_zh, error.problem_en)
        return 1
    if isinstance(error, OSError) and error.filename:
        # `-o` to a folder that does not exist or may not be written, a file that vanished.
        # An extract is written as NAME.partial first (never half-written under its name):
        # the person asked for NAME.
        filename = str(error.filename).removesuffix(".partial")
        say(f"无法读写文件 {filename}（{error.strerror}）",
            f"cannot read or write the file {filename} ({error.strerror})")
        return 2
    if isinstance(error, LockedError):
        names = load_regions().regions.drop_duplicates("code").set_index("code")
        say(locked_message(error, names["name_zh"].to_dict(), "zh"),
            locked_message(error, names["name_en"].to_dict(), "en"))
        return 1
    return None


if __name__ == "__main__":
    sys.exit(main())
