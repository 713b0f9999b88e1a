"""The series a load's rows belong to: each (region, indicator) pair numbered once, so that the
values' tables key their rows by an integer (etl/schema.py `series`, migration 0009)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from etl.driver_rows import copy_rows, insert_many
from etl.schema import series

PAIR = ["region_code", "indicator_id"]


def with_series(connection: sa.Connection, rows: pd.DataFrame, dialect: str,
                chunk_rows: int) -> pd.DataFrame:
    """The rows with the id of their series (series_id), resolved once for the whole load:
    the known series read (those of the rows' regions and indicators when they are few), the
    missing ones numbered after the highest id and inserted, and the rows mapped in pandas.
    The caller holds the store's write lock, so no other writer numbers series meanwhile."""
    # Each row's pair numbered in order of first appearance, as drop_duplicates keeps them:
    # the rows are mapped by position, not merged on two texts (half the time).
    codes = rows.groupby(PAIR, sort=False, dropna=False).ngroup().to_numpy()
    pairs = rows[PAIR].drop_duplicates()
    query = sa.select(series.c.id, series.c.region_code, series.c.indicator_id)
    regions, indicators = pairs["region_code"].unique(), pairs["indicator_id"].unique()
    if len(regions) <= 500:
        query = query.where(series.c.region_code.in_(regions.tolist()))
    if len(indicators) <= 500:
        query = query.where(series.c.indicator_id.in_(indicators.tolist()))
    known = pd.DataFrame(connection.execute(query).fetchall(),
                         columns=["series_id", *PAIR]).astype({"series_id": "int64"})
    found = pairs.merge(known, on=PAIR, how="left")
    missing = found.loc[found["series_id"].isna(), PAIR]
    if len(missing):
        highest = connection.execute(sa.select(sa.func.coalesce(sa.func.max(series.c.id), 0))
                                     ).scalar_one()
        new = missing.assign(id=np.arange(highest + 1, highest + 1 + len(missing)))[
            ["id", *PAIR]]
        for start in range(0, len(new), chunk_rows):
            chunk = new.iloc[start:start + chunk_rows]
            if dialect == "postgresql":
                copy_rows(connection, "series", chunk)
            else:
                insert_many(connection, "series", chunk)
        found.loc[found["series_id"].isna(), "series_id"] = new["id"].to_numpy()
    mapped = rows.copy(deep=False)
    mapped["series_id"] = found["series_id"].to_numpy("int64")[codes]
    return mapped
