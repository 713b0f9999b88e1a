"""The reporting calendar in the store and who has reported what: deadlines and progress.

A year's values of an indicator are due by the date an admin set (`reporting_deadline`), else
by indicators.calendar.default_due. Progress is per region and indicator, for one year:
missing (no value), or the state of the region-year's submission (draft, submitted, approved,
accepted); a value accepted without review (an import: published figures, demo data, values
stored before review existed) counts as accepted while its region-year is a draft. What is
missing or still a draft after its deadline is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from etl.schema import accepted, actual, reporting_deadline, series, submission
from etl.store import Store
from indicators.calendar import default_due

PROGRESS_STATES = ("missing", "draft", "submitted", "approved", "accepted")
NOT_REPORTED = frozenset({"missing", "draft"})


def set_deadline(store: Store, indicator_ids: Iterable[str], period: int, due_on: dt.date,
                 *, by: str) -> int:
    """Set the date the values of `period` of each indicator are due; how many were set."""
    ids = sorted(set(indicator_ids))
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as connection:
        connection.execute(reporting_deadline.delete().where(
            reporting_deadline.c.period == period, reporting_deadline.c.indicator_id.in_(ids)))
        if ids:
            connection.execute(reporting_deadline.insert(), [
                {"indicator_id": i, "period": period, "due_on": due_on, "set_by": by,
                 "set_at": now} for i in ids])
    return len(ids)


def deadlines(store: Store, period: int, indicator_ids: Iterable[str]) -> pd.Series:
    """indicator_id -> the date its values of `period` are due (set, else the default)."""
    ids = list(dict.fromkeys(indicator_ids))
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(reporting_deadline.c.indicator_id,
                                            reporting_deadline.c.due_on)
                                  .where(reporting_deadline.c.period == period)).fetchall()
    set_dates = {indicator: _date(due) for indicator, due in rows}
    default = default_due(period)
    return pd.Series([set_dates.get(i, default) for i in ids], index=pd.Index(ids,
                     name="indicator_id"), dtype=object, name="due_on")


def deadlines_set(store: Store, period: int) -> pd.DataFrame:
    """The dates set for `period` (indicator_id, due_on, set_by, set_at), by indicator."""
    query = sa.select(reporting_deadline.c.indicator_id, reporting_deadline.c.due_on,
                      reporting_deadline.c.set_by, reporting_deadline.c.set_at).where(
        reporting_deadline.c.period == period).order_by(reporting_deadline.c.indicator_id)
    with store.engine.connect() as connection:
        frame = _frame(connection, query, ["indicator_id", "due_on", "set_by", "set_at"])
    frame["due_on"] = frame["due_on"].map(_date)
    return frame


def progress(store: Store, period: int, expected: pd.DataFrame,
             today: dt.date | None = None) -> pd.DataFrame:
    """One row per expected (region_code, indicator_id) of `period`: state (PROGRESS_STATES),
    due_on, overdue; in the order of `expected`."""
    today = today or dt.date.today()
    rows = expected[["region_code", "indicator_id"]].astype(str).reset_index(drop=True)
    with store.engine.connect() as connection:
        current = _frame(connection, sa.select(
            series.c.region_code, series.c.indicator_id, actual.c.revision_id).select_from(
            actual.join(series, series.c.id == actual.c.series_id)).where(
            actual.c.period == period), ["region_code", "indicator_id", "revision_id"])
        taken = _frame(connection, sa.select(
            series.c.region_code, series.c.indicator_id, accepted.c.revision_id).select_from(
            accepted.join(series, series.c.id == accepted.c.series_id)).where(
            accepted.c.period == period), ["region_code", "indicator_id", "accepted_revision"])
        states = _frame(connection, sa.select(submission.c.region_code, submission.c.state)
                        .where(submission.c.period == period), ["region_code", "year_state"])
    merged = (rows.merge(current, how="left", on=["region_code", "indicator_id"])
              .merge(taken, how="left", on=["region_code", "indicator_id"])
              .merge(states, how="left", on="region_code"))
    year_state = merged["year_state"].fillna("draft")
    imported = (year_state == "draft") & (merged["revision_id"] == merged["accepted_revision"])
    state = year_state.where(~imported, "accepted").where(merged["revision_id"].notna(),
                                                          "missing")
    due = deadlines(store, period, rows["indicator_id"].unique())
    rows["state"] = pd.Categorical(state, categories=PROGRESS_STATES)
    rows["due_on"] = rows["indicator_id"].map(due)
    rows["overdue"] = rows["state"].isin(NOT_REPORTED).to_numpy() & (
        rows["due_on"] < today).to_numpy()
    return rows


def progress_by_region(detail: pd.DataFrame) -> pd.DataFrame:
    """progress() counted per region: one column per state, overdue, and the earliest date
    due; regions in the order they come."""
    counts = pd.crosstab(detail["region_code"], detail["state"], dropna=False).reindex(
        columns=list(PROGRESS_STATES), fill_value=0)
    counts["overdue"] = detail.groupby("region_code")["overdue"].sum()
    counts["due_on"] = detail.groupby("region_code")["due_on"].min()
    order = list(dict.fromkeys(detail["region_code"]))
    return counts.reindex(order).rename_axis(None, axis=1).reset_index()


def _frame(connection: sa.Connection, query: sa.Select, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(connection.execute(query).fetchall(), columns=columns)
    return frame.astype({c: "str" for c in columns if c in ("region_code", "indicator_id")})


def _date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
