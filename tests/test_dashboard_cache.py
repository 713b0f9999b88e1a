"""The dashboard's fast paths give what the plain computations give: values held and changed
in place, each year's status patched for the regions written, the overview's grid cells."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3

import numpy as np
import pandas as pd
import pytest

from dashboard.components import STATUS_LETTERS, _grid_rows
from dashboard.figures import first_cells, grid_cells, grid_order
from dashboard.state import DashboardState
from etl.export import export_table, rounded
from etl.store import Store
from indicators.reference import Reference
from indicators.status import status_table
from targets.cli import main as targets
from tests.factories import make_rows

SHARE = "transit_modal_share"
KEY = ["region_code", "indicator_id", "period"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("cache") / "demo.sqlite"
    assert targets(["--database", f"sqlite:///{path}", "demo"]) == 0
    # Everything into the file itself, which each test copies: the store runs in WAL mode,
    # and a load small enough not to trigger SQLite's automatic checkpoint stays in the WAL.
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def store(demo_file, tmp_path) -> Store:
    copy = tmp_path / "store.sqlite"
    shutil.copy(demo_file, copy)
    return Store(f"sqlite:///{copy}")


def by_key(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Sorted by `key`, text (categories, Arrow or numpy) as plain Python objects."""
    text = [column for column, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.CategoricalDtype | pd.StringDtype)
            or pd.api.types.is_object_dtype(dtype)]
    plain = frame.astype(dict.fromkeys(text, object))
    return plain.sort_values(key).reset_index(drop=True)


def test_a_write_is_applied_as_a_change_and_equals_reading_everything(store):
    data = DashboardState(store).view("all")  # a planner's save: among all values
    before = data.status(2019)
    store.load(make_rows(("220100", SHARE, 2019, 35.0), ("220300", SHARE, 2021, 19.0),
                         ("220300", "park_green_space_per_capita", 2019, 0.5)),
               by="planner", source="form", kind="form")
    assert data.snapshot().generation == 1  # applied as a change, not read again
    values = by_key(data.values(), KEY)
    assert values.equals(by_key(store.values()[values.columns], KEY))
    assert data.years()[-1] == 2021  # a new year from a new key
    series = data.series(SHARE)
    assert series.equals(series.sort_values(["region_code", "period"]))
    assert series["value"].tolist() == by_key(
        store.values().query("indicator_id == @SHARE"), ["region_code", "period"])[
        "value"].tolist()
    own = data.region_values("220300")
    assert own.equals(own.sort_values(["indicator_id", "period"]))
    assert len(own) == (store.values()["region_code"] == "220300").sum()

    patched = data.status(2019)
    assert patched is not before
    expected = status_table(store.values(), Reference.load(), 2019)
    assert patched["target_id"].tolist() == before["target_id"].tolist()  # rows keep place
    pd.testing.assert_frame_equal(by_key(patched, ["region_code", "target_id"]),
                                  by_key(expected, ["region_code", "target_id"]),
                                  check_dtype=False)
    changchun = data.status_of(2019, region_code="220100")
    assert set(changchun["region_code"]) == {"220100"}
    written = data.status_of(2019, region_code="220300")  # positions kept through the patch
    assert set(written["region_code"]) == {"220300"}
    assert len(written) == (patched["region_code"] == "220300").sum()
    assert len(data.status_of(2019, indicator_id=SHARE)) == (patched["indicator_id"]
                                                            == SHARE).sum()


def test_an_acceptance_is_applied_to_the_accepted_values_as_a_change(store):
    """A planner's save leaves the accepted values as they were; its acceptance is applied as
    a change (no full read) and the statuses patched equal evaluating the accepted values."""
    from etl.review import Review
    from etl.users import User

    planner = User(1, "siping_planner", "planner", frozenset({"220300"}))
    reviewer = User(2, "siping_reviewer", "reviewer", frozenset({"220300"}))
    statistician = User(3, "province_statistician", "statistician")
    data = DashboardState(store).view()
    before = data.status(2019)
    held = data.values()
    store.load(make_rows(("220300", SHARE, 2019, 19.5)), by=planner.name, source="form",
               kind="form")
    assert data.values() is held and data.status(2019) is before
    review = Review(store, data.reference.register)
    for user, action in ((planner, "submit"), (reviewer, "approve"), (statistician, "accept")):
        review.act(user, action, "220300", 2019, comment="")
    assert data.snapshot().generation == 1  # applied as a change, not read again
    values = by_key(data.values(), KEY)
    assert values.equals(by_key(store.values(view="accepted")[values.columns], KEY))
    patched = data.status(2019)
    expected = status_table(store.values(view="accepted"), Reference.load(), 2019)
    pd.testing.assert_frame_equal(by_key(patched, ["region_code", "target_id"]),
                                  by_key(expected, ["region_code", "target_id"]),
                                  check_dtype=False)
    mine = patched[(patched["region_code"] == "220300") & (patched["indicator_id"] == SHARE)]
    assert (mine["actual"] == 19.5).any()


@pytest.mark.parametrize("view, version_of", [("all", "data_version"),
                                              ("accepted", "review_version")])
def test_the_data_version_is_asked_once_per_request(store, view, version_of):
    data = DashboardState(store).view(view)
    from flask import Flask

    asked = []
    version = getattr(store, version_of)
    setattr(store, version_of, lambda: asked.append(1) or version())
    with Flask(__name__).test_request_context():
        data.values(), data.years(), data.demo_in_use(), data.status(2019), data.series(SHARE)
    assert len(asked) == 1


def test_grid_cells_from_the_order_equal_sorting_the_filtered_rows(store):
    status = status_table(store.values(), Reference.load(), 2019)

    def plain(rows: pd.DataFrame, year: int) -> pd.DataFrame:
        ranked = rows.assign(_later=rows["deadline_year"] < year,
                             _distance=(rows["deadline_year"] - year).abs())
        ranked = ranked.sort_values(["region_code", "indicator_id", "_later", "_distance",
                                     "target_id"])
        return ranked.drop_duplicates(["region_code", "indicator_id"])[status.columns]

    ordered = grid_order(status, 2019)
    for keep in (status["region_class"] == "other_cities",
                 status["document"] == status["document"].iloc[0],
                 pd.Series(True, index=status.index)):
        fast = first_cells(ordered[keep.reindex(ordered.index).to_numpy()])
        assert fast[status.columns].equals(plain(status[keep], 2019))
    assert grid_cells(status, 2019).equals(plain(status, 2019))


def test_grid_rows_carry_one_letter_per_indicator():
    cells = pd.DataFrame({"region_code": ["A", "A", "B"], "indicator_id": ["x", "z", "y"],
                          "status": ["met", "no_data", "missed"]})
    rows = _grid_rows(cells, [("A", "甲"), ("B", "乙"), ("C", "丙")], ["x", "y", "z"])
    letters = {status: letter for status, letter in STATUS_LETTERS.items()}
    assert rows == [{"region_code": "A", "region": "甲", "s": f"{letters['met']} n"},
                    {"region_code": "B", "region": "乙", "s": f" {letters['missed']} "}]


DUE = ["region_code", "indicator_id", "period", "value", "target_id", "target_value", "status",
       "gap", "gap_pct", "document", "clause"]


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """DUE columns, text as objects and missing as None, numbers as floats, rows renumbered."""
    frame = frame[DUE].reset_index(drop=True)
    numbers = ["period", "value", "target_value", "gap", "gap_pct"]
    text = frame.drop(columns=numbers).astype(object)
    return pd.concat([text.where(text.notna(), None), frame[numbers].astype(float)],
                     axis=1)[DUE]


def test_due_values_are_the_rows_of_an_extract(store):
    """As `targets export --indicator` gives them. (An extract of one region whose values end
    before the others' judges an ongoing target as of its own last year, the indicator's
    extract and the charts as of the latest year: the table follows the latter.)"""
    data = DashboardState(store)
    reference = Reference.load()
    values = store.values()
    # An indicator of each kind of target (milestones, running sums, steps, ...) and one
    # with an ongoing target (judged as of the year of the status).
    targets = reference.catalogue.targets_frame
    targets = targets[targets["indicator_id"].isin(set(values["indicator_id"]))]
    chosen = [*targets.drop_duplicates("kind")["indicator_id"],
              targets.loc[targets["deadline"] == "ongoing", "indicator_id"].iloc[0]]
    checked = 0
    for indicator in dict.fromkeys(chosen):
        extract = export_table(store, reference, indicators=[indicator])
        ends = values[values["indicator_id"] == indicator].groupby("region_code")["period"].max()
        for region in [None, ends.index[0], ends.index[-1], ends.idxmin()]:
            shown = data.due_values(indicator, region)
            expected = extract if region is None else extract[extract["region_code"] == region]
            # The extract at each indicator's published precision, the values held whole.
            pd.testing.assert_frame_equal(plain(rounded(shown, reference.catalogue.decimals)),
                                          plain(expected), check_dtype=False)
            checked += shown["target_id"].notna().sum()
    assert checked > 100  # many values with a target due, not only empty target columns


def test_a_patch_evaluates_the_written_regions_and_indicators_only(store, monkeypatch):
    from dashboard.state import statuses as data_module

    data = DashboardState(store).view("all")  # a planner's save: among all values
    before = data.status(2019)
    asked = []
    evaluate = data_module.status_table

    def spy(values, reference, year, *args, **narrowed):  # type: ignore[no-untyped-def]
        asked.append((reference, narrowed, set(values["indicator_id"])))
        return evaluate(values, reference, year, *args, **narrowed)

    monkeypatch.setattr(data_module, "status_table", spy)
    store.load(make_rows(("220300", SHARE, 2019, 19.0)), by="planner", source="form",
               kind="form")
    patched = data.status(2019)
    assert len(asked) == 1  # patched in place: no evaluation of everything after it
    reference, narrowed, indicators = asked[0]
    assert reference is data.reference  # its tables are built once, not for every patch
    assert set(narrowed["indicators"]) == indicators == {SHARE}
    assert "220300" in narrowed["regions"] and len(narrowed["regions"]) < 5
    changed = (patched["region_code"] == "220300") & (patched["indicator_id"] == SHARE)
    assert patched["target_id"].tolist() == before["target_id"].tolist()
    assert (patched.loc[changed, "actual"] == 19.0).any()


def test_a_patch_compares_missing_values_and_refuses_repeated_rows():
    from dashboard.state.statuses import _replaced

    frame = pd.DataFrame({"region_code": ["A", "B", "C"], "target_id": ["t", "t", "t"],
                          "indicator_id": ["x", "x", "x"],
                          "actual": pd.array([1, pd.NA, pd.NA], dtype="Int64"),
                          "status": ["met", "no_data", "no_data"]})
    fresh = frame.iloc[[1, 2]].assign(actual=pd.array([2, pd.NA], dtype="Int64"),
                                      status=["met", "no_data"])
    patched = _replaced(frame, np.array([1, 2]), fresh, frozenset({"x"}))
    assert patched["actual"].tolist()[:2] == [1, 2] and pd.isna(patched["actual"].iloc[2])
    assert patched["status"].tolist() == ["met", "met", "no_data"]
    repeated = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    assert _replaced(repeated, np.array([1, 3]), fresh.iloc[[0, 0]],
                     frozenset({"x"})) is None  # a key twice: evaluated again, not guessed
