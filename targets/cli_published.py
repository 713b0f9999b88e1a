"""The `targets published` command: load the real published figures of data/published/."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_published_command(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `published` to the `targets` parser; `--database` applies to it."""
    command = subparsers.add_parser(
        "published", help="load the real published figures shipped in data/published/ (one "
                          "load per source, marked as published, never as demo)")
    command.add_argument("--dir", type=Path, default=None,
                         help="a folder with values.csv and sources.csv (default: "
                              "data/published)")
    command.set_defaults(run=_published)


def _published(args: argparse.Namespace) -> int:
    # Imported here: the command line module imports this one to build its parser.
    from etl.published import KIND, LOADED_BY, PublishedError, check_published, read_published
    from etl.store import Store
    from etl.validation import format_problems
    from indicators.reference import Reference
    from targets.cli import UserError, progress_bar, say
    from targets.cli_snapshot import write_snapshots_after

    try:
        figures = read_published(args.dir)
    except PublishedError as error:
        raise UserError(f"已发布数据文件有误 / the published-figures files are malformed:\n"
                        f"{error}") from error
    store = Store(args.database)
    if store.demo_in_use():
        raise UserError("此数据库装有演示数据，已发布数据请装入单独的数据库（--database）"
                        " / this store holds demo data; load published figures into a store "
                        "of their own (--database)")
    reference = Reference.load()
    checks = check_published(figures, reference.catalogue, reference.register,
                             store.series_values)
    for check in checks:
        if not check.validation.problems.empty:
            print(f"{check.source.source_id} {check.source.title}")
            print(format_problems(check.validation.problems, args.lang))
    if not all(check.validation.ok for check in checks):
        say("已发布数据有错误，未写入任何数据", "the published figures have errors; nothing was "
            "written")
        return 1
    new = changed = 0
    with progress_bar("写入已发布数据 writing published figures") as progress:
        for check in checks:
            result = store.load(
                check.validation.store_rows(), by=LOADED_BY, source=check.source.citation,
                source_sha256=figures.sha256, kind=KIND, progress=progress, accept=True)
            new, changed = new + result.new, changed + result.changed
    say(f"已装入已发布数据（{len(checks)} 个来源）：新增 {new}，修改 {changed}",
        f"loaded published figures ({len(checks)} sources): {new} new, {changed} changed")
    write_snapshots_after(store, new + changed)  # a server started next reads them
    return 0
