"""The `targets brief` command: the one-page briefing of a region or the province for a year,
as an A4 PDF or a PNG."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from etl.store import Store
    from indicators.reference import Reference

from targets.cli_values import add_values_option

FORMATS = ("pdf", "png")


def add_brief_command(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `brief` to the `targets` parser; `--database` and `--lang` apply to it."""
    command = subparsers.add_parser(
        "brief", help="a one-page briefing (A4 PDF or PNG) of a region or the province "
                      "for a year: counts, rank, change, the targets furthest behind")
    command.add_argument("--region", required=True,
                         help="GB/T 2260 code or name (220000 or 吉林省: the province)")
    command.add_argument("--year", type=int, required=True, help="evaluation year")
    command.add_argument("-o", "--output", type=Path,
                         help="file to write (default: briefing-CODE-YEAR.pdf or .png)")
    command.add_argument("--format", choices=FORMATS, default=None,
                         help="pdf or png (default: from the file name, else pdf)")
    add_values_option(command)
    command.set_defaults(run=_brief)


def _brief(args: argparse.Namespace) -> int:
    # Imported here: the command line module imports this one to build its parser.
    from dashboard.briefing import CjkFontError, briefing_pdf, briefing_png
    from indicators.reference import Reference
    from targets.cli import UserError, say
    from targets.cli_checks import existing_store
    from targets.cli_values import chosen_view

    reference = Reference.load()
    code = _region_code(args.region, args.year, reference)
    view = chosen_view(args)
    store = existing_store(args.database)
    values = store.current(view=view)
    now, before = _statuses(values, reference, code, args.year)
    chosen = args.format or _format_of(args.output)
    draw = briefing_png if chosen == "png" else briefing_pdf
    try:
        page = draw(now, before, reference, code, args.year, args.lang,
                    label=_label(store, values, args.lang, view),
                    map_png=_map(now, reference, code, args.year, args.lang),
                    not_accepted=_not_accepted(values, code, view))
    except CjkFontError as error:
        raise UserError(str(error)) from error
    output = args.output or Path(f"briefing-{code}-{args.year}.{chosen}")
    output.write_bytes(page)
    say(f"已写入简报 {output}", f"wrote the briefing {output}")
    return 0


def _region_code(text: str, year: int, reference: Reference) -> str:
    """The code a region text stands for in `year`, or a UserError in both languages."""
    from etl.names import RegionNames
    from targets.cli import UserError

    match = RegionNames(reference.register).resolve(text, year)
    if match.code is None:
        raise UserError(f"{match.problem_zh} / {match.problem_en}")
    return match.code


def _statuses(values: pd.DataFrame, reference: Reference, code: str, year: int,
              ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The whole status tables of `year` and the year before (None when that year has no
    data); a UserError when `year` has no data or no target applies to the region."""
    from etl.names import RegionNames
    from indicators.status import status_table
    from targets.cli import UserError

    years = sorted({int(period) for period in values["period"]})
    if year not in years:
        raise UserError(f"{year}年没有数据（有数据的年份：{'、'.join(map(str, years)) or '无'}）"
                        f" / no data for {year} (years with data: "
                        f"{', '.join(map(str, years)) or 'none'})")
    now = status_table(values, reference, year)
    if not (now["region_code"] == code).any():
        name = RegionNames(reference.register).name_of[code]
        raise UserError(f"{name}没有适用的目标，无法生成简报 / no target applies to {name}: "
                        "there is nothing to brief")
    before = status_table(values, reference, year - 1) if year - 1 in years else None
    return now, before


def _map(status: pd.DataFrame, reference: Reference, code: str, year: int,
         language: str) -> bytes | None:
    from dashboard.map_figure import map_png

    regions = reference.region_names
    names = dict(zip(regions["region_code"], regions[f"region_{language}"], strict=True))
    return map_png(status, reference.register, names, language, year, code)


def _label(store: Store, values: pd.DataFrame, language: str, view: str) -> str | None:
    """The demo label when demo data is in use; the published one when the values read
    include published figures; else none."""
    from dashboard.briefing import briefing_label
    from etl.published import KIND

    return briefing_label(store.demo_in_use(view=view),
                          KIND in set(values["source_kind"].astype(str)), language)


def _not_accepted(values: pd.DataFrame, code: str,
                  view: str) -> frozenset[tuple[str, int]] | None:
    """(indicator, period) of the region's values not accepted, which the briefing marks;
    None for the accepted values."""
    if view != "all":
        return None
    mine = values[(values["region_code"] == code) & ~values["accepted"].astype(bool)]
    return frozenset(zip(mine["indicator_id"].astype(str), mine["period"].astype(int),
                         strict=True))


def _format_of(output: Path | None) -> str:
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    return suffix if suffix in FORMATS else "pdf"
