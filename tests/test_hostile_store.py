"""Writes the database refuses: a full disk and over-long text become messages in both
languages, with nothing stored; no traceback from `targets check` or `load`."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
import sqlalchemy as sa

import etl.validation
from etl.store import Store, StoreWriteError
from etl.validation import validate_file
from indicators.catalogue import load_catalogue
from indicators.regions import load_regions
from targets import cli
from tests.test_dashboard_writes import bench, page_module  # noqa: F401 - the fixture

COUNT_INDICATOR = "food_drug_demo_counties_created"  # an item count: 1.0 is plausible


def fill_the_disk(store: Store) -> None:
    """Every connection of the store may not grow the SQLite file: writes fail with
    "database or disk is full", as on a full disk."""
    @sa.event.listens_for(store.engine, "connect")
    def _full(dbapi_connection, _record) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
    store.engine.dispose()


def values(count: int) -> pd.DataFrame:
    return pd.DataFrame({"region_code": "220100", "indicator_id": COUNT_INDICATOR,
                         "period": range(2000, 2000 + count), "value": 1.0,
                         "value_entered": "1" * 90, "note": "说明" * 500})


@pytest.fixture
def sqlite_store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_a_full_disk_is_a_message_in_both_languages_and_nothing_is_stored(sqlite_store):
    fill_the_disk(sqlite_store)
    with pytest.raises(StoreWriteError) as caught:
        sqlite_store.load(values(20), by="planner", source="values.csv")
    assert "disk is full" in caught.value.problem_en
    assert "nothing was written" in caught.value.problem_en
    assert "磁盘已满" in caught.value.problem_zh
    assert sqlite_store.values().empty and sqlite_store.loads().empty


def test_targets_load_on_a_full_disk_says_so_without_a_traceback(tmp_path, monkeypatch,
                                                                  capsys):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    path = tmp_path / "values.csv"
    path.write_text("region,indicator,period,value,note\n" + "".join(
        f"220100,{COUNT_INDICATOR},{year},1,{'说明' * 500}\n" for year in range(2000, 2020)),
        encoding="utf-8")

    class FullStore(Store):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            fill_the_disk(self)

    monkeypatch.setattr(cli, "Store", FullStore)
    assert cli.main(["--database", url, "load", str(path), "--by", "planner"]) == 1
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "disk is full" in err and "Traceback" not in err
    assert Store(url).values().empty


def test_postgresql_disk_full_is_recognised_by_its_sqlstate():
    class DiskFullError(Exception):
        sqlstate = "53100"

    error = sa.exc.OperationalError("INSERT", {}, DiskFullError("could not extend file"))
    assert "disk is full" in StoreWriteError.of(error).problem_en
    other = sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection"))
    message = StoreWriteError.of(other)
    assert "could not write" in message.problem_en and "无法写入" in message.problem_zh
    assert "server closed" not in message.problem_en  # nothing internal shown


def test_any_other_failure_of_a_command_is_a_message_not_a_traceback(tmp_path, monkeypatch,
                                                                     capsys):
    path = tmp_path / "values.csv"
    path.write_text("region,indicator,period,value\n220100,x,2018,1\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(etl.validation, "validate_file", broken)
    monkeypatch.delenv("TARGETS_DEBUG", raising=False)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert cli.main(["--database", url, "check", str(path)]) == 3
    err = capsys.readouterr().err
    assert "unexpected error" in err and "意外错误" in err
    assert "Traceback" not in err and "internal detail" not in err


def check_value(tmp_path, value: str):
    path = tmp_path / "values.csv"
    path.write_text(f"region,indicator,period,value\n220100,{COUNT_INDICATOR},2018,{value}\n",
                    encoding="utf-8")
    return validate_file(path, load_catalogue(), load_regions())


def test_a_value_longer_than_the_store_keeps_is_refused_by_check_naming_row_and_column(
        tmp_path):
    result = check_value(tmp_path, "1." + "0" * 99)  # 101 characters, the number 1
    [problem] = result.problems.to_dict("records")
    assert (problem["row"], problem["column"], problem["severity"]) == (2, "value", "error")
    assert "too long: 101 characters, at most 100" in problem["problem_en"]
    assert "最多100个" in problem["problem_zh"]


def test_a_unit_longer_than_the_store_keeps_is_refused(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("region,indicator,period,value,unit\n"
                    f"220100,{COUNT_INDICATOR},2018,1,{'个' * 51}\n", encoding="utf-8")
    [problem] = validate_file(path, load_catalogue(), load_regions()).problems.to_dict("records")
    assert "unit" in problem["problem_en"] and "at most 50" in problem["problem_en"]


def test_the_longest_value_the_store_keeps_loads_on_both_databases(tmp_path, store):
    result = check_value(tmp_path, "1." + "0" * 98)  # 100 characters
    assert result.ok
    assert store.load(result.store_rows(), by="planner", source="values.csv").new == 1
    assert store.values()["value"].tolist() == [1.0]


def test_an_entry_save_on_a_full_disk_shows_the_message(bench, monkeypatch):  # noqa: F811
    from benchmarks import pages
    from benchmarks.pages import SAVE, Call, Case
    from dashboard import state

    region, year = bench.own[0], state.of(bench.app).years()[-1]
    fill = Case("entry", pages.ENTRY_ROWS, "", lambda i: Call({}), client="planner")
    rows = bench.post(fill, Call({"entry-region.value": region, "entry-year.value": year,
                                  "entry-language.children": "en"}))["entry-grid"]["rowData"]
    row = next(row for row in rows if pages._editable(row))
    row["value"] = f"{row['stored'] * 1.01:.6g}"
    before = state.of(bench.app).store.loads()

    def full(*args, **kwargs):
        # One changed value fits in the file's free pages, so the disk is full by hand here;
        # a real full SQLite file is tested above.
        raise sa.exc.OperationalError("INSERT", {},
                                      sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(state.of(bench.app).store, "_load", full)
    save = Case("entry", SAVE, "", lambda i: Call({}), client="planner",
                expect="entry-not-written")
    answer = bench.post(save, Call({"entry-save.n_clicks": 1, "entry-grid.rowData": rows,
                                    "entry-region.value": region, "entry-year.value": year,
                                    "entry-language.children": "en"}, ("entry-save.n_clicks",)))
    assert "disk is full" in str(answer)
    assert "磁盘已满" not in str(answer)  # the planner's language only
    assert len(state.of(bench.app).store.loads()) == len(before)


def test_an_upload_confirm_on_a_full_disk_shows_the_message(bench, monkeypatch):  # noqa: F811
    from benchmarks.pages import Call, Case
    from dashboard import state
    from tests.test_dashboard_writes import upload

    region, year = bench.own[0], state.of(bench.app).years()[-1]
    latest = state.of(bench.app).region_values(region)
    row = latest[latest["period"] == year].iloc[0]
    file = upload([f"{region},{row.indicator_id},{year},{row.value * 1.001:.6g}"])

    def full(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {},
                                      sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(state.of(bench.app).store, "_load", full)
    assert page_module("upload") is not None
    confirm = Case("upload", ("upload-result.children", "upload-confirm.disabled"), "",
                   lambda i: Call({}), client="planner", expect="upload-not-written")
    answer = bench.post(confirm, Call({"upload-confirm.n_clicks": 1,
                                       "upload-contents.data": file,
                                       "upload-language.children": "zh"},
                                      ("upload-confirm.n_clicks",)))
    assert "磁盘已满" in str(answer)
