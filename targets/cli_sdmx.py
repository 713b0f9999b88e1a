"""The SDMX commands: `export --format sdmx-csv` (values), `sdmx structure` and `sdmx targets`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def add_sdmx_command(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `sdmx structure` and `sdmx targets` to the `targets` parser."""
    command = subparsers.add_parser(
        "sdmx", help="SDMX: the structure (SDMX-ML 2.1) and the targets (SDMX-CSV 1.0); the "
                     "values: export --format sdmx-csv")
    commands = command.add_subparsers(dest="sdmx_command", required=True)
    structure = commands.add_parser(
        "structure", help="codelists, concepts, data structure definitions and dataflows of "
                          "the values and the targets, as SDMX-ML 2.1")
    structure.add_argument("-o", "--output", type=Path, help="write to FILE instead of the "
                           "screen")
    structure.set_defaults(run=_structure)
    targets = commands.add_parser("targets", help="the catalogue's targets as SDMX-CSV 1.0 "
                                  "(dataflow JL_TARGETS:DF_TARGETS)")
    targets.add_argument("-o", "--output", type=Path, help="write to FILE instead of the "
                         "screen")
    targets.set_defaults(run=_targets)


@contextmanager
def _text_out(path: Path | None) -> Iterator[IO[str]]:
    """The file `path` (UTF-8, no BOM, newlines as the writer gives them), else the screen."""
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        yield out


def _structure(args: argparse.Namespace) -> int:
    from etl.sdmx_structure import structure_xml
    from indicators.reference import Reference
    from targets.cli import say

    document = structure_xml(Reference.load())
    if args.output is None:
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return 0
    args.output.write_bytes(document)
    say(f"已写入 SDMX 结构 {args.output}（机构 JL_TARGETS 为本产品自定，非官方机构）",
        f"wrote the SDMX structure {args.output} (agency JL_TARGETS is this product's own, "
        "not an official agency)")
    return 0


def _targets(args: argparse.Namespace) -> int:
    from etl.sdmx import write_targets
    from indicators.reference import Reference
    from targets.cli import say

    with _text_out(args.output) as out:
        written, left_out = write_targets(Reference.load(), out)
    if left_out:
        say(f"未含 {len(left_out)} 个无到期年份的长期目标（{'、'.join(left_out)}）：SDMX 的 "
            "TIME_PERIOD 需要年份",
            f"left out {len(left_out)} long-term targets without a deadline year "
            f"({', '.join(left_out)}): SDMX's TIME_PERIOD needs a year")
    if args.output is not None:
        say(f"已导出 {written} 个目标到 {args.output}",
            f"exported {written} targets to {args.output}")
    return 0


def export_sdmx(args: argparse.Namespace) -> int:
    """`targets export --format sdmx-csv`: the extract's values as SDMX-CSV 1.0, with the
    same filters and values view as the other formats."""
    from etl.export import export_chunks
    from etl.sdmx import write_values
    from etl.store import Store
    from indicators.reference import Reference
    from targets.cli import say
    from targets.cli_filters import indicator_ids, region_codes
    from targets.cli_values import chosen_view

    view = chosen_view(args)
    reference = Reference.load()
    indicators = indicator_ids(args.indicator, reference)
    regions = region_codes(args.region, reference, args.last)
    store = Store(args.database)
    chunks = export_chunks(store, reference, indicators=indicators, regions=regions,
                           first_period=args.first, last_period=args.last,
                           as_of=args.as_of, view=view)
    with _text_out(args.output) as out:
        written, demo = write_values(chunks, out)
    if demo:
        say("注意：导出内容含演示数据，并非真实统计（SDMX 属性 DATA_KIND = DEMO）",
            "note: the extract holds demo data, not statistics (SDMX attribute DATA_KIND = "
            "DEMO)")
    if args.output is not None:
        say(f"已导出 {written} 个观测值到 {args.output}（结构：targets sdmx structure）",
            f"exported {written} observations to {args.output} (structure: targets sdmx "
            "structure)")
    return 0
