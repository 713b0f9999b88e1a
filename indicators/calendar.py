"""The reporting calendar's rules: when a year's values are due, and what each region reports.

The gazette sets targets, not reporting dates. Unless an admin sets a date for an indicator and
year (`targets calendar set`, kept in the store), a year's values are due by DEFAULT_DUE of the
following year: this product's default, chosen because annual statistics of a year are
compiled in the first quarter of the next; the province sets its own.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators.reference import Reference
from indicators.regions import valid_on

DEFAULT_DUE = (3, 31)  # month, day of the year after the values' year


def default_due(period: int) -> dt.date:
    """When the values of `period` are due unless a date is set for them."""
    month, day = DEFAULT_DUE
    return dt.date(period + 1, month, day)


def reportable(reference: Reference, period: int) -> pd.DataFrame:
    """Each region (code held at the end of `period`) and indicator it reports for that year:
    the indicators with a target for one of its region classes (region_code, indicator_id, in
    register and catalogue order). Context indicators and comparison regions report nothing."""
    memberships = reference.register.memberships
    held = memberships[valid_on(memberships, pd.Timestamp(year=period, month=12, day=31))]
    targets = reference.catalogue.targets_frame[["region_class", "indicator_id"]]
    pairs = held.merge(targets, on="region_class")[["region_code", "indicator_id"]]
    order = {code: n for n, code in enumerate(reference.register.regions["code"])}
    indicators = {i: n for n, i in enumerate(reference.catalogue.indicators_frame["indicator_id"])}
    pairs = pairs.drop_duplicates().assign(
        _region=lambda f: f["region_code"].map(order),
        _indicator=lambda f: f["indicator_id"].map(indicators))
    return (pairs.sort_values(["_region", "_indicator"])
            .drop(columns=["_region", "_indicator"]).reset_index(drop=True))
