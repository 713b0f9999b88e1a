"""The `targets export` and `targets status` commands: the extract of stored values, and every
target for every region evaluated."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pandas as pd

from etl.store import Store
from targets.cli_checks import as_of_note, check_years, existing_store
from targets.cli_parser import add_output, moment, year
from targets.cli_sdmx import export_sdmx
from targets.cli_values import add_values_option, chosen_view

if TYPE_CHECKING:
    from etl.extract import Chunk


def add_extract_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = commands.add_parser("export", help="a tidy long extract of stored values")
    add_output(export, ["csv", "xlsx", "parquet", "json", "sdmx-csv"])
    export.add_argument("--indicator", action="append",
                        help="indicator id, or its Chinese or English name (repeatable)")
    export.add_argument("--region", action="append",
                        help="GB/T 2260 code, or the Chinese or English name (repeatable)")
    export.add_argument("--from", dest="first", type=year, help="first year")
    export.add_argument("--to", dest="last", type=year, help="last year")
    export.add_argument("--as-of", type=moment, help="the values as they stood at this time, "
                        "UTC unless it gives an offset (every value as written then: implies "
                        "--values all)")
    add_values_option(export)
    export.set_defaults(run=_export)

    status = commands.add_parser("status", help="every target for every region, evaluated")
    status.add_argument("--year", type=year, help="evaluation year (default: latest data)")
    status.add_argument("--method", choices=["escap", "opensdg"], default="escap",
                        help="escap: met/missed, or on track/at risk/off track from the "
                             "weighted trend (default); opensdg: Open SDG's growth-rate measure")
    add_values_option(status)
    add_output(status, ["table", "csv", "json"])
    status.set_defaults(run=_status)


def _export(args: argparse.Namespace) -> int:
    from etl.export import EXPORT_SCHEMA, export_chunks
    from etl.extract import BINARY_FORMATS, write_extract_chunks
    from indicators.reference import Reference
    from targets.cli import UserError, progress_bar, say

    if args.format == "sdmx-csv":
        return export_sdmx(args)
    if args.format in BINARY_FORMATS and args.output is None:
        raise UserError(f"{args.format} 格式需要 -o 文件名 / {args.format} needs -o FILE")
    from targets.cli_filters import indicator_ids, region_codes

    check_years(args.first, args.last)
    store = existing_store(args.database)
    view = chosen_view(args)
    reference = Reference.load()
    indicators = indicator_ids(args.indicator, reference)
    regions = region_codes(args.region, reference, args.last)
    if (note := as_of_note(store, args.as_of)) is not None:
        say(*note)
    chunks = export_chunks(store, reference, indicators=indicators,
                           regions=regions, first_period=args.first,
                           last_period=args.last, as_of=args.as_of, view=view)
    tally = Tally()
    with progress_bar("导出 exporting") as progress:
        write_extract_chunks(tally.watch(chunks), EXPORT_SCHEMA, args.format, args.output,
                             progress=progress, filters={
                                 "indicators": args.indicator, "regions": args.region,
                                 "first_period": args.first, "last_period": args.last,
                                 "as_of": args.as_of, "view": view})
    # Known once every chunk has gone by: the extract is never in memory whole.
    if tally.demo:
        say("注意：导出内容含演示数据，并非真实统计",
            "note: the extract holds demo data, not statistics")
    if args.output is not None:
        say(f"已导出 {tally.rows} 行到 {args.output}",
            f"exported {tally.rows} rows to {args.output}")
    elif args.format in ("csv", "json"):
        say("各列含义：targets dictionary", "what each column means: targets dictionary")
    return 0


class Tally:
    """Rows and demo data seen in an extract as its chunks go by to the writer."""

    def __init__(self) -> None:
        self.rows = 0
        self.demo = False

    def watch(self, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
        for chunk in chunks:
            self.rows += len(chunk.rows)
            self.demo = self.demo or bool(chunk.rows["is_demo"].any())
            yield chunk


def _status(args: argparse.Namespace) -> int:
    from etl.export import rounded
    from etl.extract import write_extract
    from indicators.reference import Reference
    from indicators.status import status_table
    from targets.cli import say
    from targets.cli_status_text import (
        COUNT_NOTE,
        latest_year,
        shown_numbers,
        whole_years,
        year_notes,
    )

    store = existing_store(args.database)
    view = chosen_view(args)
    reference = Reference.load()
    values = store.values(view=view)
    table = status_table(values, reference, args.year, args.method)
    table = whole_years(rounded(table, reference.catalogue.decimals))
    say(*(note.format(rows=len(table)) for note in COUNT_NOTE))
    for note in year_notes(table, args.year, latest_year(values)):
        say(*note)
    if view == "all":  # which statuses rest on a value not yet accepted, and may still change
        table = _with_value_accepted(table, store)
    if store.demo_in_use(view=view):
        say("注意：以下为演示数据，并非真实统计", "note: this is demo data, not statistics")
    if args.format == "table":
        counts = table["status"].value_counts()
        # The year of the value judged beside it: published figures lag, so it is often
        # not the year asked for.
        columns = ["region_zh", "target_id", "indicator_zh", "target_value", "actual",
                   "actual_period", "stale", "status", "gap"]
        shown = shown_numbers(table, reference.catalogue.decimals,
                              ("target_value", "actual", "gap"))
        shown = shown[columns + (["value_accepted"] if view == "all" else [])]
        text = "  ".join(f"{status}={count}" for status, count in counts.items()) + "\n" + \
            shown.to_string(index=False) + "\n"
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    write_extract(table, args.format, args.output)
    return 0


def _with_value_accepted(table: pd.DataFrame, store: Store) -> pd.DataFrame:
    """The status table with `value_accepted`: whether the value judged (of actual_period) is
    the accepted one; empty where no value was judged."""
    flags = store.current(view="all")[["region_code", "indicator_id", "period", "accepted"]]
    flags = flags.rename(columns={"period": "actual_period", "accepted": "value_accepted"})
    keyed = table.astype({"actual_period": "Int64"})
    merged = keyed.merge(flags.astype({"actual_period": "Int64"}), how="left",
                         on=["region_code", "indicator_id", "actual_period"])
    merged["value_accepted"] = merged["value_accepted"].astype("boolean")
    return merged
