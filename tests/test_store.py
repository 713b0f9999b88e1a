"""The store, on SQLite and on a real PostgreSQL server: revisions, all-or-nothing, as-of."""

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.store import ConflictError, Store, StoreWriteError, database_url
from tests.factories import make_rows

SHARE = "transit_modal_share"
ROWS = make_rows(("220100", SHARE, 2018, 26.0), ("220200", SHARE, 2018, 27.5),
                 ("220300", SHARE, 2018, 16.0))


def test_the_head_revision_is_the_latest_migration_script():
    from alembic.script import ScriptDirectory

    from etl.store import _alembic_config

    scripts = ScriptDirectory.from_config(_alembic_config())
    assert Store.head_revision() == scripts.get_current_head()


def test_a_new_store_is_at_the_latest_schema(store):
    assert store.schema_revision() == Store.head_revision()
    assert store.counts() == {"load": 0, "revision": 0, "actual": 0, "accepted": 0}
    assert store.data_version() == 0


def test_load_records_who_when_where_and_row(store):
    before = dt.datetime.now(dt.UTC)
    result = store.load(ROWS, by="planner1", source="cc.csv", source_sha256="ab" * 32)
    assert (result.new, result.changed, result.unchanged) == (3, 0, 0)
    current = store.current()
    assert current["value"].tolist() == [26.0, 27.5, 16.0]
    assert set(current["loaded_by"]) == {"planner1"} and set(current["source"]) == {"cc.csv"}
    assert current["source_row"].tolist() == [2, 3, 4]
    loaded_at = pd.Timestamp(current["loaded_at"].iloc[0])
    loaded_at = loaded_at.tz_localize("UTC") if loaded_at.tzinfo is None else loaded_at
    assert loaded_at >= pd.Timestamp(before) - pd.Timedelta(seconds=1)


def test_loading_the_same_rows_twice_changes_nothing(store):
    store.load(ROWS, by="a", source="x.csv")
    counts, version = store.counts(), store.data_version()
    again = store.load(ROWS, by="a", source="x.csv")
    assert (again.load_id, again.written, again.unchanged) == (None, 0, 3)
    assert store.counts() == counts and store.data_version() == version


def test_a_change_is_a_new_revision_keeping_the_previous_value(store):
    store.load(ROWS, by="a", source="first.csv")
    changed = ROWS.copy()
    changed.loc[0, "value"] = 28.0
    result = store.load(changed, by="b", source="second.csv")
    assert (result.new, result.changed, result.unchanged) == (0, 1, 2)
    history = store.history("220100", SHARE, 2018)
    assert history["value"].tolist() == [28.0, 26.0]
    assert history["previous_value"].iloc[0] == 26.0
    assert history["previous_revision_id"].iloc[0] == history["id"].iloc[1]
    assert history["loaded_by"].tolist() == ["b", "a"]
    assert store.counts()["revision"] == 4 and store.counts()["actual"] == 3


def test_extract_as_of_a_past_moment(store):
    store.load(ROWS, by="a", source="first.csv")
    time.sleep(0.02)
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.02)
    changed = ROWS.copy()
    changed["value"] = changed["value"] + 1
    store.load(changed, by="b", source="second.csv")
    assert store.current(as_of=between)["value"].tolist() == [26.0, 27.5, 16.0]
    assert store.current()["value"].tolist() == [27.0, 28.5, 17.0]
    assert store.current(as_of=dt.datetime(2000, 1, 1)).empty


def test_filters(store):
    store.load(ROWS, by="a", source="x.csv")
    assert store.current(regions=["220200"])["value"].tolist() == [27.5]
    assert store.current(first_period=2019).empty
    assert len(store.current(indicators=[SHARE], last_period=2018)) == 3


def test_stale_expected_revision_is_refused_and_nothing_written(store):
    store.load(ROWS, by="a", source="x.csv")
    seen = int(store.current(regions=["220100"])["revision_id"].iloc[0])
    other = make_rows(("220100", SHARE, 2018, 30.0))
    store.load(other, by="other planner", source="form")
    counts = store.counts()
    mine = make_rows(("220100", SHARE, 2018, 29.0), expected_revision_id=[seen])
    with pytest.raises(ConflictError) as refused:
        store.load(mine, by="me", source="form")
    assert refused.value.rows["previous_value"].tolist() == [30.0]
    assert store.counts() == counts
    assert store.current(regions=["220100"])["value"].tolist() == [30.0]


def test_a_failing_load_writes_nothing(store):
    store.load(ROWS, by="a", source="x.csv")
    counts = store.counts()
    broken = make_rows(("220100", SHARE, 2018, 1.0), ("220400", SHARE, 2018, 2.0))
    broken.loc[1, "region_code"] = "2204000"  # longer than the column allows on PostgreSQL
    broken.loc[1, "indicator_id"] = None  # NOT NULL everywhere
    with pytest.raises(StoreWriteError) as caught:  # a message for a person, and the cause
        store.load(broken, by="b", source="broken.csv")
    assert isinstance(caught.value.__cause__, sa.exc.IntegrityError if store.dialect == "sqlite"
                      else store.engine.dialect.dbapi.Error)
    assert store.counts() == counts
    assert store.current()["value"].tolist() == [26.0, 27.5, 16.0]


def test_after_a_first_load_or_a_failed_one_a_revision_must_name_its_load(store):
    def refused() -> bool:
        try:
            with store.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO revision (load_id, series_id, period, value) "
                    "VALUES (999, 1, 2018, 1.0)"))
        except sa.exc.IntegrityError:
            return True
        return False

    def fail(done: int, _total: int) -> None:
        raise RuntimeError("stopped midway")

    with pytest.raises(RuntimeError):
        store.load(ROWS, by="a", source="first.csv", progress=fail)
    assert refused() and store.counts()["revision"] == 0
    store.load(ROWS, by="a", source="first.csv")
    assert refused() and store.counts()["revision"] == 3


def test_demo_data_is_marked(store):
    store.load(ROWS, by="demo", source="etl/demo.py", kind="demo", is_demo=True)
    assert store.demo_in_use()
    assert store.current()["is_demo"].all()
    real = ROWS.copy()
    real["value"] = real["value"] + 1
    store.load(real, by="planner", source="real.csv")
    assert not store.demo_in_use()


def test_large_load_reports_progress_in_chunks(store):
    rows = make_rows(*[(str(800_000 + n % 60_000), SHARE, 2017 + n // 60_000, float(n))
                       for n in range(120_000)])
    seen: list[tuple[int, int]] = []
    store.load(rows, by="a", source="big.csv", progress=lambda done, total: seen.append(
        (done, total)))
    assert seen[-1] == (120_000, 120_000) and len(seen) >= 3
    assert store.counts()["actual"] == 120_000


def test_existing_store_upgrades_in_place_keeping_its_data(store_url):
    old = Store(store_url, upgrade=False)
    old.upgrade("0001")
    assert old.schema_revision() == "0001"
    with old.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO load (id, loaded_at, loaded_by, source, kind, is_demo, revision_count)"
            " VALUES (1, :at, 'old', 'old.csv', 'file', :demo, 2)"),
            {"at": dt.datetime(2019, 1, 1), "demo": False})
        connection.execute(sa.text(
            "INSERT INTO revision (id, load_id, region_code, indicator_id, period, value)"
            " VALUES (1, 1, '220100', :ind, 2018, 20.0), (2, 1, '220100', :ind, 2018, 21.0)"),
            {"ind": SHARE})
    upgraded = Store(store_url)
    assert upgraded.schema_revision() == Store.head_revision()
    assert upgraded.current()["value"].tolist() == [21.0]
    assert upgraded.counts() == {"load": 1, "revision": 2, "actual": 1, "accepted": 1}


KILLER = textwrap.dedent("""
    import os, signal, sys
    from etl.store import Store
    from tests.factories import make_rows
    rows = make_rows(*[(str(800_000 + n % 60_000), "transit_modal_share", 2017 + n // 60_000, 1.0)
                       for n in range(120_000)])
    def die(done, total):
        os.kill(os.getpid(), signal.SIGKILL)  # killed midway, after the first chunk
    Store(sys.argv[1]).load(rows, by="doomed", source="big.csv", progress=die)
""")


def test_a_load_killed_midway_leaves_the_store_as_it_was(store_url):
    store = Store(store_url)
    store.load(ROWS, by="a", source="x.csv")
    counts = store.counts()
    store.engine.dispose()
    done = subprocess.run([sys.executable, "-c", KILLER, store_url], capture_output=True,
                          cwd=os.getcwd(), timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    after = Store(store_url)
    assert after.counts() == counts
    assert after.current()["value"].tolist() == [26.0, 27.5, 16.0]


def test_database_url_prefers_the_option_then_the_environment(monkeypatch):
    monkeypatch.setenv("TARGETS_DATABASE_URL", "postgresql+psycopg://x@127.0.0.1/y")
    assert database_url() == "postgresql+psycopg://x@127.0.0.1/y"
    assert database_url("sqlite:///z.sqlite") == "sqlite:///z.sqlite"
    monkeypatch.delenv("TARGETS_DATABASE_URL")
    assert database_url().startswith("sqlite:///") and database_url().endswith("targets.sqlite")


def test_revert_is_a_new_revision_with_the_old_value(store):
    store.load(ROWS, by="a", source="first.csv")
    changed = ROWS.copy()
    changed.loc[0, "value"] = 99.0
    store.load(changed, by="b", source="second.csv")
    first_revision = int(store.history("220100", SHARE, 2018)["id"].iloc[-1])
    result = store.revert(first_revision, by="admin")
    assert result.changed == 1
    history = store.history("220100", SHARE, 2018)
    assert history["value"].tolist() == [26.0, 99.0, 26.0]
    assert history["source"].iloc[0] == f"revision {first_revision}"
    assert history["source_kind"].iloc[0] == "revert"
    assert history["loaded_by"].iloc[0] == "admin"
    with pytest.raises(KeyError):
        store.revert(10_000, by="admin")


def test_entered_texts_come_back_exactly_as_written(store):
    texts = ['1,5', 'say "26"\nthen stop', "公主岭，约 26%", "", None]
    rows = make_rows(*[("220100", SHARE, 2014 + n, 20.0 + n) for n in range(len(texts))])
    rows["value_entered"] = texts
    rows["note"] = list(reversed(texts))
    store.load(rows, by="a", source="texts.csv")
    history = store.history("220100", SHARE).sort_values("period")
    assert history["value_entered"].tolist() == texts
    assert history["note"].tolist() == list(reversed(texts))


def test_changed_since_gives_each_written_key_once_with_its_current_value(store):
    store.load(ROWS, by="a", source="first.csv")
    version = store.data_version()
    assert store.changed_since(version).empty
    store.load(make_rows(("220100", SHARE, 2018, 28.0), ("220400", SHARE, 2019, 5.0)),
               by="b", source="second.csv")
    store.load(make_rows(("220100", SHARE, 2018, 29.0)), by="demo", source="demo",
               kind="demo", is_demo=True)
    changed = store.changed_since(version).sort_values(["region_code", "period"])
    assert changed.to_dict("records") == [
        {"region_code": "220100", "indicator_id": SHARE, "period": 2018, "value": 29.0,
         "is_demo": True},
        {"region_code": "220400", "indicator_id": SHARE, "period": 2019, "value": 5.0,
         "is_demo": False}]
    everything = store.changed_since(0)
    assert len(everything) == 4 and not everything.duplicated(
        ["region_code", "indicator_id", "period"]).any()
    assert store.changed_since(store.data_version()).empty


def test_values_come_indicator_by_indicator_as_evaluation_takes_them(store):
    store.load(make_rows(("220200", SHARE, 2019, 1.0), ("220100", SHARE, 2019, 2.0),
                         ("220100", "road_area_ratio", 2018, 3.0), ("220100", SHARE, 2018, 4.0)),
               by="a", source="region-by-region.csv")
    values = store.values()
    assert values[["indicator_id", "region_code", "period"]].values.tolist() == [
        ["road_area_ratio", "220100", 2018], [SHARE, "220100", 2018], [SHARE, "220100", 2019],
        [SHARE, "220200", 2019]]


def test_region_period_gives_the_current_values_with_their_revisions(store):
    store.load(ROWS, by="a", source="first.csv")
    store.load(make_rows(("220100", SHARE, 2019, 30.0), ("220100", "road_area_ratio", 2018, 9.0),
                         ("220100", SHARE, 2018, 27.0)), by="b", source="second.csv")
    found = store.region_period("220100", 2018)
    current = store.current(regions=["220100"], first_period=2018, last_period=2018)
    assert found["indicator_id"].tolist() == ["road_area_ratio", SHARE]
    assert found["value"].tolist() == [9.0, 27.0]
    assert found.set_index("indicator_id")["revision_id"].to_dict() == current.set_index(
        "indicator_id")["revision_id"].to_dict()
    assert store.region_period("220300", 2019).empty


def test_a_store_at_0003_finds_its_series_by_indicator_and_region(store_url):
    Store(store_url, upgrade=False).upgrade("0003")
    upgraded = Store(store_url)
    assert upgraded.schema_revision() == Store.head_revision()
    inspector = sa.inspect(upgraded.engine)
    assert [constraint["column_names"] for constraint in inspector.get_unique_constraints(
        "series")] == [["indicator_id", "region_code"]]
    assert inspector.get_pk_constraint("actual")["constrained_columns"] == ["series_id",
                                                                           "period"]


def test_series_values_gives_the_current_values_of_those_regions_and_indicators(store):
    store.load(ROWS, by="a", source="first.csv")
    store.load(make_rows(("220100", SHARE, 2019, 30.0), ("220100", "road_area_ratio", 2018, 9.0),
                         ("220100", SHARE, 2018, 27.0)), by="b", source="second.csv")
    found = store.series_values(["220100", "220300"], [SHARE])
    assert found.values.tolist() == [["220100", SHARE, 2018, 27.0], ["220100", SHARE, 2019, 30.0],
                                     ["220300", SHARE, 2018, 16.0]]
    assert store.series_values(["220400"], [SHARE]).empty
    assert store.series_values([], []).empty


def test_a_load_records_how_many_columns_and_rows_were_skipped(store):
    store.load(ROWS, by="a", source="yearbook.csv", skipped=4)
    store.load(make_rows(("220100", SHARE, 2019, 25.0)), by="a", source="x.csv")
    assert store.loads()["skipped"].tolist() == [4, 0]


def test_a_store_at_0005_gains_the_skipped_count_keeping_its_loads(store_url):
    old = Store(store_url, upgrade=False)
    old.upgrade("0005_session_generation")
    with old.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO load (loaded_at, loaded_by, source, kind, is_demo, revision_count)"
            " VALUES (:at, 'old', 'old.csv', 'file', :demo, 0)"),
            {"at": dt.datetime(2019, 1, 1), "demo": False})
    old.engine.dispose()
    upgraded = Store(store_url)
    assert upgraded.schema_revision() == Store.head_revision()
    assert upgraded.loads()["skipped"].tolist() == [0]
    upgraded.load(ROWS, by="b", source="yearbook.csv", skipped=3)
    assert upgraded.loads()["skipped"].tolist() == [0, 3]


def test_latest_period_is_the_regions_latest_year_with_any_current_value(store):
    store.load(ROWS, by="a", source="first.csv")
    store.load(make_rows(("220100", SHARE, 2021, 30.0)), by="b", source="form", kind="form")
    assert store.latest_period("220100") == 2021
    assert store.latest_period("220300") == 2018
    assert store.latest_period("220400") is None
