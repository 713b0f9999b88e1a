"""`targets export` streamed a group of whole indicators at a time: the same bytes as the
extract built whole in memory, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.demo import generate_demo
from etl.dictionary import add_labels
from etl.export import EXPORT_COLUMNS, EXPORT_SCHEMA, export_chunks, export_table, rounded
from etl.extract import Chunk, write_csv, write_csv_chunks, write_extract_chunks
from etl.store import Store
from indicators.evaluate import evaluate
from indicators.methods import opensdg_for_targets
from indicators.reference import Reference
from targets.cli import main

GREEN = "new_urban_green_area"  # cumulative targets: a running sum from 2018
SHARE = "transit_modal_share"
# A few indicators, one of each kind of target and the region whose code changed (公主岭,
# 220381 then 220184: the new code's series continues the old one's).
INDICATORS = [GREEN, SHARE, "relics_coordination_mechanism_established",
              "built_up_green_space_ratio", "gov_openness_business_startup_time",
              "primary_care_share_of_outpatient_emergency_visits",
              "food_drug_provincial_emergency_drills", "urban_dry_toilets",
              "domestic_waste_safe_treatment_rate"]


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.load()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def revised(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            reference: Reference) -> Store:
    """Demo values of several indicators, then two loads revising some of them: new values
    with notes (one a formula), and values under 公主岭's old code, which its successor
    inherits. Built once per database: the tests only read it."""
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path_factory.mktemp('stream') / 'store.sqlite'}")
    else:
        store = Store(request.getfixturevalue("postgres").create_database())
    demo = generate_demo(reference.catalogue, reference.register, seed=7)
    demo = demo[demo["indicator_id"].isin(INDICATORS)].reset_index(drop=True)
    store.load(demo, by="demo", source="demo", kind="demo", is_demo=True, accept=True)
    changed = demo[demo["indicator_id"].isin([GREEN, SHARE])].head(40).copy()
    changed["value"] = changed["value"] * 1.1 + 1
    changed["note"] = ["=1+1" if n == 3 else f"修订 {n}" if n % 2 else None
                       for n in range(len(changed))]
    store.load(changed, by="planner", source="revision.csv")
    old_code = demo[(demo["region_code"] == "220381") & (demo["period"] == 2019)].copy()
    old_code["value"] = old_code["value"] + 2
    store.load(old_code, by="planner", source="gongzhuling.csv")
    return store


def whole_extract(store: Store, reference: Reference, first: int | None = None,
                  last: int | None = None, as_of: dt.datetime | None = None,
                  view: str = "all") -> pd.DataFrame:
    """The extract built the way it was before streaming: every current value (of `view`)
    read at once, every target evaluated on them together, then merged."""
    series = store.current(as_of=as_of, view=view)
    period = series["period"]
    values = series[(period >= (first or 0)) & (period <= (last or 9999))]
    actuals = series[["region_code", "indicator_id", "period", "value"]]
    targets = reference.catalogue.targets_frame
    evaluation = evaluate(actuals, targets, reference.register.memberships,
                          int(period.max()), reference.register.successors)
    evaluation = evaluation.merge(opensdg_for_targets(actuals, evaluation),
                                  on=["region_code", "target_id"], how="left")
    due = evaluation[evaluation["due"]].rename(columns={
        "deadline_year": "period", "kind": "target_kind", "deadline": "target_deadline",
        "actual": "value_judged"})
    due = due.merge(targets[["target_id", "target_value_high"]], on="target_id")
    due = due[["region_code", "indicator_id", "period", "target_id", "target_kind",
               "target_value", "target_value_high", "target_deadline", "region_class",
               "status", "value_judged", "gap", "gap_pct", "opensdg_status", "opensdg_score",
               "document", "clause"]].sort_values("target_id")
    table = values.merge(due, on=["region_code", "indicator_id", "period"], how="left")
    table = table.merge(reference.region_names, on="region_code", how="left")
    table = table.merge(reference.indicator_names.drop(columns="theme"), on="indicator_id",
                        how="left")
    # At each indicator's published precision, as the extract gives it.
    return rounded(add_labels(table)[EXPORT_COLUMNS].reset_index(drop=True),
                   reference.catalogue.decimals)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


def streamed_bytes(chunks: Iterator[Chunk]) -> bytes:
    buffer = io.BytesIO()
    write_csv_chunks(chunks, EXPORT_SCHEMA, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("group_rows", [1, 700, 10**9])
def test_streamed_csv_is_the_whole_extract_byte_for_byte(revised, reference, group_rows):
    # Every current value: the revisions are not accepted (the `accepted` column says so).
    chunks = list(export_chunks(revised, reference, group_rows=group_rows, view="all"))
    expected = whole_extract(revised, reference)
    assert expected["target_id"].notna().sum() > 100 and expected["note"].notna().any()
    assert {"cumulative", "milestone", "annual_step", "zero"} <= set(expected["target_kind"])
    if group_rows == 1:  # one indicator per chunk: the split is really exercised
        assert len(chunks) == expected["indicator_id"].nunique()
    assert streamed_bytes(iter(chunks)) == csv_bytes(expected)
    assert [chunk.done for chunk in chunks][-1] == chunks[0].total == len(revised.current())


def test_years_and_as_of_give_the_same_rows_as_the_whole_extract(revised, reference):
    streamed = export_table(revised, reference, first_period=2018, last_period=2019, view="all")
    assert csv_bytes(streamed) == csv_bytes(whole_extract(revised, reference, 2018, 2019))
    assert not streamed["accepted"].all() and streamed["accepted"].any()
    accepted = export_table(revised, reference, first_period=2018, last_period=2019)
    assert csv_bytes(accepted) == csv_bytes(whole_extract(revised, reference, 2018, 2019,
                                                          view="accepted"))
    assert accepted["accepted"].all() and set(accepted["source"]) == {"demo"}
    moment = revised.loads()["loaded_at"].iloc[0]
    then = pd.concat([chunk.rows for chunk in export_chunks(revised, reference, as_of=moment,
                                                           group_rows=1, view="all")])
    assert csv_bytes(then) == csv_bytes(whole_extract(revised, reference, as_of=moment))
    assert set(then["source"]) == {"demo"}


def test_the_command_writes_the_whole_extract(revised, reference, tmp_path, capsys):
    output = tmp_path / "extract.csv"
    assert main(["--database", revised.url, "export", "-o", str(output), "--values",
                 "all"]) == 0
    assert output.read_bytes() == csv_bytes(whole_extract(revised, reference))
    assert not output.with_name("extract.csv.partial").exists()
    rows = len(whole_extract(revised, reference))
    assert f"exported {rows} rows" in capsys.readouterr().err


def test_groups_are_whole_indicators_in_the_store_order(revised):
    whole = revised.current()
    for group_rows, batch_rows in ((1, 7), (300, 13), (300, 50_000)):
        groups = list(revised.current_by_indicator(group_rows=group_rows,
                                                   batch_rows=batch_rows))
        pd.testing.assert_frame_equal(pd.concat([g.values for g in groups], ignore_index=True),
                                      whole)
        seen = [set(g.values["indicator_id"]) for g in groups]
        assert sum(len(ids) for ids in seen) == whole["indicator_id"].nunique()
        assert {g.latest_period for g in groups} == {whole["period"].max()}


def test_a_chunk_of_empty_columns_keeps_the_schema(tmp_path):
    first = pd.DataFrame({column: [None, None] for column in EXPORT_COLUMNS})
    first[["period", "value", "revision_id"]] = [[2018, 1.5, 1], [2019, 2.0, 2]]
    first["is_demo"] = False
    first["loaded_at"] = pd.Timestamp("2026-11-28 08:00:00.123456")
    first["target_value"] = float("nan")  # floats of NaN where the schema says a number
    first["note"] = float("nan")  # ... and where it says text
    second = first.assign(note=["=1+1", "备注"], target_id=["t-01", None], target_value=[3.0, None])
    output = tmp_path / "x.csv"
    write_extract_chunks([Chunk(first, 2, 4), Chunk(second, 4, 4)], EXPORT_SCHEMA, "csv", output)
    lines = output.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 5 and lines[0].split(",")[11] == '"note"'
    assert [line.split(",")[11] for line in lines[1:]] == ["", "", "\"'=1+1\"", '"备注"']
    assert output.read_bytes() == csv_bytes(pd.concat([first, second], ignore_index=True)
                                            .astype({"note": object, "target_id": object}))


def test_a_failed_stream_leaves_no_file(tmp_path):
    output = tmp_path / "x.csv"
    frame = pd.DataFrame({column: [None] for column in EXPORT_COLUMNS})

    def failing() -> Iterator[Chunk]:
        yield Chunk(frame, 1, 2)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        write_extract_chunks(failing(), EXPORT_SCHEMA, "csv", output)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_selection_writes_the_header(revised, reference, tmp_path):
    output = tmp_path / "x.csv"
    # A known region and years without values (an unknown region is an error).
    assert revised.current()["period"].max() < 2090
    assert main(["--database", revised.url, "export", "--region", "220100", "--from", "2090",
                 "-o", str(output)]) == 0
    assert output.read_bytes() == csv_bytes(pd.DataFrame(columns=EXPORT_COLUMNS))
    assert export_table(revised, reference, regions=["999999"]).columns.tolist() \
        == EXPORT_COLUMNS


def test_current_values_are_found_by_indicator(store_url: str):
    store = Store(store_url)
    inspector = sa.inspect(store.engine)
    # The series of an indicator by the series' unique index, their values by actual's key.
    assert {"name": "uq_series_indicator_region",
            "column_names": ["indicator_id", "region_code"]} in [
        {"name": index["name"], "column_names": index["column_names"]}
        for index in inspector.get_unique_constraints("series")]
    assert inspector.get_pk_constraint("actual")["constrained_columns"] == ["series_id",
                                                                           "period"]


def test_other_formats_hold_the_same_rows(revised, tmp_path: Path):
    output = tmp_path / "x.parquet"
    assert main(["--database", revised.url, "export", "--format", "parquet", "-o",
                 str(output)]) == 0
    assert len(pd.read_parquet(output)) == len(export_table(revised, Reference.load()))
