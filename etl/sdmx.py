"""The extract's values and the catalogue's targets as SDMX-CSV 1.0 (structure: etl.sdmx_structure).

SDMX-CSV 1.0, the CSV of SDMX 2.1 (the SDMX Technical Working Group's SDMX-CSV field guide,
https://github.com/sdmx-twg/sdmx-csv, data-message/docs/sdmx-csv-field-guide.md, release 1.0;
2.0 is the CSV of SDMX 3.0): RFC 4180 CSV (records end in CRLF) with a mandatory header row;
the first column DATAFLOW holds the dataflow as AGENCY:ID(VERSION), then one column per
dimension, OBS_VALUE, and one column per attribute, each named by its component id; codes are
written as their ids (the flavour for data exchange, not the one with labels); an empty cell is
a missing value. UTF-8 without BOM. pysdmx (pysdmx.io.csv.sdmx10) and sdmx1
(sdmx.format.csv.v1) read and write the same layout.

Values (dataflow DF_TARGET_VALUES): the rows of the extract (etl.export, the same filters and
values view, numbers at each indicator's published precision), one per region, indicator and
year: the extract repeats a value once per target due that year, SDMX keys it once. Demo data
says so on every observation (DATA_KIND = DEMO).

Targets (dataflow DF_TARGETS): every target of the catalogue that has a deadline year, keyed
by target, indicator, region class and the year due. A target is set for a class of regions
(indicators.catalogue), so the key names the class, not each region. The few long-term
milestones (deadline "ongoing", 长期) have no year, which SDMX's TIME_PERIOD needs: they are
left out, and `targets_rows` says how many.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from typing import IO

import numpy as np
import pandas as pd

from etl.extract import Chunk
from etl.sdmx_ids import (
    TARGET_ATTRIBUTES,
    TARGET_DIMENSIONS,
    TARGETS_FLOW_REF,
    VALUE_ATTRIBUTES,
    VALUE_DIMENSIONS,
    VALUES_FLOW_REF,
    unit_id,
)
from indicators.reference import Reference

VALUE_HEADER = ["DATAFLOW", *VALUE_DIMENSIONS, "OBS_VALUE", *VALUE_ATTRIBUTES]
TARGET_HEADER = ["DATAFLOW", *TARGET_DIMENSIONS, "OBS_VALUE", *TARGET_ATTRIBUTES]
KEY = ["region_code", "indicator_id", "period"]


def number_text(number: object) -> str:
    """A number as SDMX-CSV writes it: positional, its shortest exact form (0.93, 12, not
    12.0 nor 9.3e-01); empty when missing."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return ""
    value = float(number)  # type: ignore[arg-type]
    if math.isnan(value):
        return ""
    if value.is_integer():
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def _text(cell: object) -> str:
    return "" if cell is None or cell is pd.NA or (isinstance(cell, float)
                                                     and math.isnan(cell)) else str(cell)


def value_rows(extract: pd.DataFrame) -> Iterator[list[str]]:
    """The SDMX-CSV rows of extract rows (etl.export), each region, indicator and year once."""
    once = extract.drop_duplicates(KEY)
    for row in once.itertuples(index=False):
        yield [VALUES_FLOW_REF, str(row.region_code), str(row.indicator_id), str(row.period),
               number_text(row.value), unit_id(str(row.unit)) if _text(row.unit) else "",
               "ACCEPTED" if bool(row.accepted) else "NOT_ACCEPTED",
               "DEMO" if bool(row.is_demo) else "REPORTED", _text(row.source)]


def write_values(chunks: Iterable[Chunk], out: IO[str]) -> tuple[int, bool]:
    """Write the extract's chunks (etl.export.export_chunks) to `out` as SDMX-CSV; the
    observations written and whether any is demo data."""
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 ends records with CRLF
    writer.writerow(VALUE_HEADER)
    written, demo = 0, False
    for chunk in chunks:
        # A chunk holds whole indicators: a key never spans two chunks.
        for row in value_rows(chunk.rows):
            writer.writerow(row)
            written += 1
        demo = demo or bool(chunk.rows["is_demo"].any())
    return written, demo


def values_csv(extract: pd.DataFrame) -> bytes:
    """A whole extract (etl.export.export_table) as SDMX-CSV, for a download."""
    out = io.StringIO()
    write_values([Chunk(extract, len(extract), len(extract))], out)
    return out.getvalue().encode("utf-8")


def targets_rows(reference: Reference) -> tuple[list[list[str]], list[str]]:
    """The SDMX-CSV rows of the catalogue's targets, and the ids of those left out (no
    deadline year)."""
    targets = reference.catalogue.targets_frame
    dated = targets["deadline_year"].notna()
    rows = [[TARGETS_FLOW_REF, str(row.target_id), str(row.indicator_id),
             str(row.region_class), str(int(row.deadline_year)),
             number_text(row.target_value), unit_id(str(row.unit)), str(row.kind),
             number_text(row.target_value_high), _text(row.deadline), _text(row.document),
             _text(row.clause)]
            for row in targets[dated].itertuples(index=False)]
    return rows, [str(target) for target in targets.loc[~dated, "target_id"]]


def write_targets(reference: Reference, out: IO[str]) -> tuple[int, list[str]]:
    """Write the catalogue's targets to `out` as SDMX-CSV; the rows written and the ids of
    the targets left out."""
    rows, left_out = targets_rows(reference)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TARGET_HEADER)
    writer.writerows(rows)
    return len(rows), left_out
