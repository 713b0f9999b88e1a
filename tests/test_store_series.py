"""The store keyed by series (migration 0009), on SQLite and PostgreSQL: a store of the previous
version upgraded in place gives every value, revision and accepted value it held, value by
value, and a load after the upgrade numbers its revisions and series after the old ones."""

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.store import Store
from tests.factories import make_rows

SHARE = "transit_modal_share"
REGIONS = ["220100", "220112", "220200"]
INDICATORS = [SHARE, "road_area_ratio", "drug_share"]
PERIODS = [2018, 2019]
LOADS = [  # id, when, by, source, kind, demo
    (1, dt.datetime(2019, 1, 1), "a planner", "first.csv", "file", False),
    (2, dt.datetime(2019, 6, 1), "another planner", "form", "form", False),
    (3, dt.datetime(2020, 1, 1), "demo", "etl/demo.py", "demo", True),
]
REVISION = ("id, load_id, region_code, indicator_id, period, value, value_entered, "
            "unit_entered, note, source_row, previous_value, previous_revision_id")
OLD_REVISIONS = f"SELECT {REVISION} FROM revision ORDER BY id"
OLD_ACTUAL = ("SELECT region_code, indicator_id, period, value, revision_id, is_demo FROM actual "
              "ORDER BY region_code, indicator_id, period")
OLD_ACCEPTED = ("SELECT region_code, indicator_id, period, value, revision_id, is_demo, event_id "
                "FROM accepted ORDER BY region_code, indicator_id, period")
NEW_REVISIONS = ("SELECT t.id, t.load_id, s.region_code, s.indicator_id, t.period, t.value, "
                 "t.value_entered, t.unit_entered, t.note, t.source_row, t.previous_value, "
                 "t.previous_revision_id FROM revision t JOIN series s ON s.id = t.series_id "
                 "ORDER BY t.id")
NEW_ACTUAL = ("SELECT s.region_code, s.indicator_id, t.period, t.value, t.revision_id, t.is_demo "
              "FROM actual t JOIN series s ON s.id = t.series_id "
              "ORDER BY s.region_code, s.indicator_id, t.period")
NEW_ACCEPTED = ("SELECT s.region_code, s.indicator_id, t.period, t.value, t.revision_id, "
                "t.is_demo, t.event_id FROM accepted t JOIN series s ON s.id = t.series_id "
                "ORDER BY s.region_code, s.indicator_id, t.period")
OLD_SOURCES = ("SELECT a.region_code, a.period, l.source, r.note, l.kind FROM actual a "
               "JOIN revision r ON r.id = a.revision_id JOIN load l ON l.id = r.load_id "
               "WHERE a.indicator_id = :indicator ORDER BY a.region_code, a.period")


def _revisions() -> list[dict[str, Any]]:
    """Load 1 writes every key, load 2 changes every third, load 3 (demo) adds a year and a
    region, as the previous version's Store.load wrote them."""
    rows: list[dict[str, Any]] = []
    latest: dict[tuple[str, str, int], dict[str, Any]] = {}

    def add(load_id: int, key: tuple[str, str, int], value: float, note: str | None) -> None:
        before = latest.get(key)
        row = {"id": len(rows) + 1, "load_id": load_id, "region_code": key[0],
               "indicator_id": key[1], "period": key[2], "value": value,
               "value_entered": f"{value:g}", "unit_entered": "%" if load_id == 1 else None,
               "note": note, "source_row": len(rows) + 2 if load_id != 2 else None,
               "previous_value": before["value"] if before else None,
               "previous_revision_id": before["id"] if before else None}
        rows.append(row)
        latest[key] = row

    keys = [(r, i, p) for r in REGIONS for i in INDICATORS for p in PERIODS]
    for n, key in enumerate(keys):
        add(1, key, 10.0 + n * 1.25, "《统计公报》：数值" if n % 4 == 0 else None)
    for n, key in enumerate(keys[::3]):
        add(2, key, 50.0 + n, None)
    for key in [("220300", SHARE, 2020), ("220100", SHARE, 2020)]:
        add(3, key, 7.5, "demo")
    return rows


def _old_store(url: str) -> Store:
    """A store at 0008 holding three loads, their revisions, current and accepted values and
    review events, written in the previous version's tables."""
    old = Store(url, upgrade=False)
    old.upgrade("0008_api_token")
    revisions = _revisions()
    demo = {load[0]: load[5] for load in LOADS}
    current: dict[tuple[str, str, int], dict[str, Any]] = {}
    for row in revisions:
        current[(row["region_code"], row["indicator_id"], row["period"])] = row
    with old.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO load (id, loaded_at, loaded_by, source, kind, is_demo, revision_count)"
            " VALUES (:id, :at, :by, :source, :kind, :demo, 0)"),
            [dict(zip(("id", "at", "by", "source", "kind", "demo"), load, strict=True))
             for load in LOADS])
        connection.execute(sa.text(f"INSERT INTO revision ({REVISION}) VALUES (:"
                                   + ", :".join(REVISION.split(", ")) + ")"), revisions)
        connection.execute(sa.text(
            "INSERT INTO actual (region_code, indicator_id, period, value, revision_id, "
            "is_demo) VALUES (:region_code, :indicator_id, :period, :value, :id, :demo)"),
            [{**row, "demo": demo[row["load_id"]]} for row in current.values()])
        connection.execute(sa.text(
            "INSERT INTO submission_event (id, region_code, period, action, from_state, "
            "to_state, actor, happened_at) VALUES (1, '220100', 2018, 'import', 'draft', "
            "'draft', 'm', :at), (2, '220200', 2019, 'accept', 'approved', 'accepted', 's', "
            ":at)"), {"at": dt.datetime(2019, 7, 1)})
        connection.execute(sa.text(
            "INSERT INTO submission (region_code, period, state, changed_at, changed_by) "
            "VALUES ('220200', 2019, 'accepted', :at, 's')"), {"at": dt.datetime(2019, 7, 1)})
        # 220100's 2018 values as load 1 gave them (accepted before load 2 changed some).
        first = [row for row in revisions if row["load_id"] == 1]
        taken = [{**row, "event": 1} for row in first
                 if row["region_code"] == "220100" and row["period"] == 2018]
        taken += [{**row, "event": 2} for row in current.values()
                  if row["region_code"] == "220200" and row["period"] == 2019]
        connection.execute(sa.text(
            "INSERT INTO accepted (region_code, indicator_id, period, value, revision_id, "
            "is_demo, event_id) VALUES (:region_code, :indicator_id, :period, :value, :id, "
            ":demo, :event)"), [{**row, "demo": False} for row in taken])
        if old.dialect == "postgresql":  # where the previous version's writes left them
            for table in ("load", "submission_event"):
                connection.execute(sa.text(
                    f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    return old


def _rows(engine: sa.Engine, query: str, **parameters: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(_plain(value) for value in row)
                for row in connection.execute(sa.text(query), parameters)]


def _plain(value: Any) -> Any:
    """None for a missing value, whatever the driver or pandas give for it; booleans as such."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _frame_rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    return [tuple(_plain(value) for value in row)
            for row in frame[columns].astype(object).itertuples(index=False, name=None)]


@pytest.fixture
def upgraded(store_url: str) -> tuple[Store, dict[str, Any]]:
    old = _old_store(store_url)
    before = {"revision": _rows(old.engine, OLD_REVISIONS),
              "actual": _rows(old.engine, OLD_ACTUAL),
              "accepted": _rows(old.engine, OLD_ACCEPTED),
              "sources": {i: _rows(old.engine, OLD_SOURCES, indicator=i) for i in INDICATORS}}
    old.engine.dispose()
    store = Store(store_url)
    assert store.schema_revision() == Store.head_revision() == "0009_series"
    return store, before


def test_an_upgraded_store_holds_the_same_rows_value_by_value(upgraded):
    store, before = upgraded
    assert len(before["revision"]) == 18 + 6 + 2 and len(before["accepted"]) == 3 + 3
    assert _rows(store.engine, NEW_REVISIONS) == before["revision"]
    assert _rows(store.engine, NEW_ACTUAL) == before["actual"]
    assert _rows(store.engine, NEW_ACCEPTED) == before["accepted"]
    with store.engine.connect() as connection:
        pairs = connection.execute(sa.text("SELECT count(*) FROM series")).scalar_one()
    assert pairs == len(REGIONS) * len(INDICATORS) + 1  # and 220300's one series


def test_an_upgraded_store_reads_as_before(upgraded):
    store, before = upgraded
    history = store.history()
    assert _frame_rows(history, REVISION.split(", ")) == before["revision"][::-1]
    accepted_revisions = {row[4] for row in before["accepted"]}
    current = store.current().sort_values(["region_code", "indicator_id", "period"])
    assert _frame_rows(current, ["region_code", "indicator_id", "period", "value",
                                 "revision_id", "is_demo"]) == [
        (*row[:5], bool(row[5])) for row in before["actual"]]
    assert current["accepted"].tolist() == [row[4] in accepted_revisions
                                            for row in before["actual"]]
    taken = store.current(view="accepted").sort_values(["region_code", "indicator_id",
                                                        "period"])
    assert _frame_rows(taken, ["region_code", "indicator_id", "period", "value",
                               "revision_id"]) == [row[:5] for row in before["accepted"]]
    for indicator in INDICATORS:
        assert _frame_rows(store.value_sources(indicator), [
            "region_code", "period", "source", "note", "kind"]) == before["sources"][indicator]
    as_of = store.current(as_of=dt.datetime(2019, 3, 1))
    assert sorted(as_of["revision_id"]) == [row[0] for row in before["revision"]
                                            if row[1] == 1]


def test_a_load_after_the_upgrade_numbers_its_revisions_and_series_after_the_old_ones(upgraded):
    store, before = upgraded
    highest = before["revision"][-1][0]
    with store.engine.connect() as connection:
        old_series = connection.execute(sa.text("SELECT max(id) FROM series")).scalar_one()
    result = store.load(make_rows(("220100", SHARE, 2018, 99.0), ("220400", SHARE, 2018, 5.0)),
                        by="after", source="after.csv")
    assert (result.new, result.changed) == (1, 1)
    written = store.history().head(2).sort_values("id")
    assert written["id"].tolist() == [highest + 1, highest + 2]
    assert written["previous_revision_id"].tolist()[0] == next(
        row[4] for row in before["actual"] if row[:3] == ("220100", SHARE, 2018))
    with store.engine.connect() as connection:
        new_series = connection.execute(sa.text(
            "SELECT id FROM series WHERE region_code = '220400'")).scalar_one()
    assert new_series == old_series + 1
    current = store.current(regions=["220100", "220400"], indicators=[SHARE],
                            first_period=2018, last_period=2018)
    assert current["value"].tolist() == [99.0, 5.0]


def test_a_downgrade_to_0008_gives_back_the_previous_tables(upgraded):
    from alembic import command

    from etl.store import _alembic_config

    store, before = upgraded
    config = _alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_api_token")
    assert store.schema_revision() == "0008_api_token"
    assert _rows(store.engine, OLD_REVISIONS) == before["revision"]
    assert _rows(store.engine, OLD_ACTUAL) == before["actual"]
    assert _rows(store.engine, OLD_ACCEPTED) == before["accepted"]
    with store.engine.connect() as connection:
        assert not sa.inspect(connection).has_table("series")
