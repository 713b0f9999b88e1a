"""The `targets` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from etl.extract import WRITERS, write_extract
from indicators.catalogue import CatalogueError, load_catalogue
from indicators.regions import RegisterError, load_regions

CATALOGUE_COLUMNS = [
    "target_id", "document", "clause", "indicator_id", "indicator_zh", "indicator_en", "theme",
    "region_class", "deadline", "kind", "value", "value_high", "unit", "baseline_year",
    "period_start", "indicator_unit", "direction", "quote_zh", "note",
]
REGION_COLUMNS = ["code", "name_zh", "name_en", "level", "kind", "parent_code", "valid_from",
                  "valid_to", "classes"]


def _catalogue(args: argparse.Namespace) -> int:
    frame = load_catalogue().targets_frame[CATALOGUE_COLUMNS].copy()
    if args.format == "csv":
        for column in ("value", "value_high"):
            frame[column] = frame[column].map(_plain_number)
    write_extract(frame, args.format, args.output)
    return 0


def _plain_number(number: float | None) -> str:
    """26 rather than 26.0, 0.4 rather than 0.40000000000000002: as the gazette writes it."""
    return "" if pd.isna(number) else np.format_float_positional(number, trim="-")


def _regions(args: argparse.Namespace) -> int:
    frame = load_regions().regions[REGION_COLUMNS].copy()
    for column in ("valid_from", "valid_to"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    write_extract(frame, args.format, args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="targets",
        description="Monitor the targets of the Jilin gazette 2018 No. 11 "
                    "(吉林省人民政府公报2018年第11期目标监测).")
    commands = parser.add_subparsers(dest="command", required=True)

    catalogue = commands.add_parser("catalogue", help="print the target table, one row per target")
    _add_extract_options(catalogue)
    catalogue.set_defaults(run=_catalogue)

    regions = commands.add_parser("regions", help="print the region register")
    _add_extract_options(regions)
    regions.set_defaults(run=_regions)
    return parser


def _add_extract_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=sorted(WRITERS), default="csv")
    command.add_argument("-o", "--output", type=Path, help="write to FILE instead of the screen")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (CatalogueError, RegisterError) as error:
        print(f"错误 error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
