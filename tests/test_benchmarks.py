"""The national benchmark's code, run end to end on a toy country (`--size tiny`), and the
synthetic data it measures on. The national run itself is not a test: `python -m benchmarks`."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.__main__ import main
from benchmarks.report import markdown
from benchmarks.synthetic import NATIONAL, TINY, synthetic_register, synthetic_values
from etl.store import Store
from etl.validation import validate
from indicators.catalogue import load_catalogue
from indicators.regions import RegionRegister, load_regions


def test_the_national_size_is_about_china(tmp_path):
    assert 2_800 <= NATIONAL.regions <= 3_000
    assert NATIONAL.indicators == 60 and NATIONAL.years == 15
    assert 2_500_000 <= NATIONAL.values <= 2_700_000


def test_the_synthetic_register_is_a_valid_register(tmp_path):
    path = tmp_path / "regions.csv"
    synthetic_register(TINY).to_csv(path, index=False)
    register = load_regions(path)  # the product's own checks: codes, parents, classes
    assert len(register.regions) == TINY.regions
    assert register.regions["name_zh"].str.startswith("合成").all()  # never a real place


def test_synthetic_values_are_seeded_and_pass_validation():
    catalogue = load_catalogue()
    register = synthetic_register(TINY)
    first = synthetic_values(catalogue, register, TINY)
    assert first.equals(synthetic_values(catalogue, register, TINY))
    assert not first.equals(synthetic_values(catalogue, register, TINY, seed=7))
    assert len(first) == TINY.values
    long = pd.DataFrame({"row": range(2, len(first) + 2), "column": "value",
                         "region": first["region_code"], "indicator": first["indicator_id"],
                         "period": first["period"].astype(str),
                         "value": first["value"].astype(str), "unit": first["unit"],
                         "note": None})
    typed = register.assign(valid_from=pd.NaT, valid_to=pd.NaT)
    checked = validate(long, catalogue, RegionRegister(typed))
    errors = checked.problems[checked.problems["severity"] == "error"]
    assert errors.empty, errors.to_string()
    assert len(checked.rows) == TINY.values


@pytest.mark.parametrize("databases", [["sqlite"]])
def test_a_tiny_benchmark_runs_every_step(tmp_path, databases, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    results = main(["--size", "tiny", "--databases", *databases, "--repeats", "2",
                    "--folder", str(tmp_path), "--json", str(tmp_path / "figures.json")])
    figures = results["databases"]["sqlite"]
    assert results["read_csv"]["rows"] == TINY.values
    assert figures["load"]["seconds"] > 0 and figures["load"]["peak_rss_mb"] > 10
    assert figures["store_floor"]["rows"] == TINY.values
    floor = Store(f"sqlite:///{tmp_path / 'tiny' / 'floor.sqlite'}").counts()
    assert floor["revision"] == floor["actual"] == floor["accepted"] == TINY.values
    assert figures["snapshot"]["seconds"] > 0
    assert figures["evaluate"]["values"] == TINY.values
    assert figures["evaluate"]["evaluations"] > 0 and figures["evaluate"]["warm_seconds"] > 0
    assert figures["to_csv"]["rows"] >= TINY.values
    assert figures["export"]["bytes"] > 0
    timed = [row for row in figures["pages"]["callbacks"] if row["n"] > 0]
    assert {row["page"] for row in timed} >= {"overview", "indicator", "region", "downloads"}
    starts = figures["first_request"]
    assert not starts["no_snapshot"]["snapshot_present"]
    assert starts["after_load"]["snapshot_present"] and starts["again"]["snapshot_present"]
    assert all(start["first_request_ms"] > 0 and start["every_year_ms"] > 0
               and start["years"] == TINY.years for start in starts.values())
    assert (tmp_path / "figures.json").exists()
    report = capsys.readouterr().out
    assert "targets load, end to end" in report
    assert "| sqlite | targets load against the bare driver |" in report
    assert "| sqlite | targets load with its snapshots |" in report


def test_the_report_marks_a_missed_target():
    results = {
        "size": {"regions": 1, "indicators": 1, "years": 1, "values": 1, "seed": 1},
        "read_csv": {"seconds": 1.0},
        "targets": {"load_ratio": 5.0, "evaluate_seconds": 2.0, "callback_p95_ms": 250.0,
                    "export_ratio": 1.0, "peak_rss_mb": 2048.0},
        "databases": {"sqlite": {
            "load": {"seconds": 6.0, "peak_rss_mb": 100.0},
            "store_floor": {"seconds": 2.5, "rows": 1},
            "evaluate": {"seconds": 1.0, "warm_seconds": 0.5, "evaluations": 5,
                         "peak_rss_mb": 100.0},
            "pages": {"peak_rss_mb": 100.0, "callbacks": [
                {"page": "overview", "callback": "grid", "variant": "varied", "n": 3,
                 "median_ms": 100.0, "p95_ms": 300.0, "first_ms": 400.0}]},
            "export": {"seconds": 2.0, "peak_rss_mb": 100.0},
            "to_csv": {"seconds": 3.0, "write_extract_seconds": 1.0, "rows": 1},
        }},
    }
    report = markdown(results)
    assert "6.0 s = 6.0 x read_csv | <= 5 x | **missed**" in report
    assert "2.5 s = 2.5 x read_csv | (reference) |  |" in report
    assert "1.00 s (5 evaluations; the process's next ones 0.50 s) | <= 2 s | met" in report
    assert "| grid | varied | 3 | 100 | 300 | 400 | **missed** |" in report
    assert "first overview request" not in report  # a run before the figure was measured


def test_the_report_judges_a_new_process_with_snapshots_only():
    start = {"snapshot_present": True, "app_ms": 900.0, "first_request_ms": 200.0,
             "every_year_ms": 23000.0, "years": 15, "peak_rss_mb": 1500.0}
    results = {
        "size": {"regions": 1, "indicators": 1, "years": 1, "values": 1, "seed": 1},
        "read_csv": {"seconds": 1.0},
        "targets": {"load_ratio": 5.0, "evaluate_seconds": 2.0, "callback_p95_ms": 250.0,
                    "export_ratio": 1.0, "peak_rss_mb": 2048.0, "first_request_seconds": 1.5,
                    "every_year_seconds": 5.0},
        "databases": {"sqlite": {
            "load": {"seconds": 6.0, "peak_rss_mb": 100.0},
            "store_floor": {"seconds": 2.5, "rows": 1},
            "evaluate": {"seconds": 1.0, "warm_seconds": 0.5, "evaluations": 5,
                         "peak_rss_mb": 100.0},
            "pages": {"peak_rss_mb": 100.0, "callbacks": []},
            "export": {"seconds": 2.0, "peak_rss_mb": 100.0},
            "to_csv": {"seconds": 3.0, "write_extract_seconds": 1.0, "rows": 1},
            "first_request": {"no_snapshot": {**start, "first_request_ms": 7500.0},
                              "after_load": start,
                              "again": {**start, "every_year_ms": 500.0}},
        }},
    }
    report = markdown(results)
    assert ("| sqlite | new process without snapshots: first overview request | 7.50 s | "
            "(reference) |  |") in report
    assert ("| sqlite | new process after the load: first overview request | 0.20 s | "
            "<= 1.5 s | met |") in report
    assert ("| sqlite | new process after the load: every year's status | 23.00 s | "
            "<= 5 s | **missed** |") in report
    assert ("| sqlite | new process again (every year's status written): every year's status "
            "| 0.50 s | <= 5 s | met |") in report
