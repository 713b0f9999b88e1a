"""The SDMX ids the extracts and their structure share (etl.sdmx, etl.sdmx_structure).

Apart from the structure so that writing SDMX-CSV needs no SDMX library. Ids follow the SDMX
2.1 IDType (`[A-Za-z0-9_@$-]+`, the pattern of the SDMX-ML 2.1 schemas). The agency JL_TARGETS
is this product's own, not an official SDMX agency.
"""

from __future__ import annotations

from indicators.units import parse_unit

AGENCY = "JL_TARGETS"
VERSION = "1.0"
VALUES_FLOW = "DF_TARGET_VALUES"
TARGETS_FLOW = "DF_TARGETS"
# SDMX-CSV 1.0's DATAFLOW column names the dataflow as AGENCY:ID(VERSION).
VALUES_FLOW_REF = f"{AGENCY}:{VALUES_FLOW}({VERSION})"
TARGETS_FLOW_REF = f"{AGENCY}:{TARGETS_FLOW}({VERSION})"

# The values dataflow's columns, in order: dimensions, the measure, attributes.
VALUE_DIMENSIONS = ("REGION", "INDICATOR", "TIME_PERIOD")
VALUE_ATTRIBUTES = ("UNIT_MEASURE", "REVIEW_STATUS", "DATA_KIND", "SOURCE")
TARGET_DIMENSIONS = ("TARGET", "INDICATOR", "REGION_CLASS", "TIME_PERIOD")
TARGET_ATTRIBUTES = ("UNIT_MEASURE", "TARGET_KIND", "UPPER_BOUND", "DEADLINE", "DOCUMENT",
                     "CLAUSE")


def unit_id(unit: str) -> str:
    """The SDMX code of a unit of the catalogue: `square_meter / person` -> SQUARE_METER_PER_
    PERSON."""
    return str(parse_unit(unit)).replace(" / ", "_per_").replace(" ", "_").upper()
