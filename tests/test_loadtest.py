"""The load test (benchmarks/loadtest.py): a tiny run of all its code against the app under
gunicorn, and its store check, shown to fail when the store and the acknowledgements differ.

The full run (50 users, 60 s) is not part of the tests: `python -m benchmarks.loadtest`.
The simulated users run in a process of their own (locust patches the standard library for
gevent on import); nothing here imports locust.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.loadtest import (
    MAX_SAVES_PER_KEY,
    LoadTestError,
    check_store,
    check_store_is_a_test_copy,
    value_plan,
)
from etl.store import Store
from targets.cli import main as targets
from tests.factories import make_rows

ROOT = Path(__file__).resolve().parents[1]
SHARE = "transit_modal_share"
PLANNER = "loadtest-planner-220100"


# --- a tiny run ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('loadtest') / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    return url


def test_a_tiny_run_reports_and_the_store_holds_exactly_the_acknowledged_saves(
        demo_store: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    # Short think times and a stale save every second save, so that 5 s see saves and
    # perhaps a refused stale one; one worker boots faster than two.
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.loadtest", "--database", demo_store, "--users", "4",
         "--planners", "2", "--seconds", "5", "--wait", "0.2", "0.6", "--stale-every", "2",
         "--workers", "1", "--threads", "2", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["requests"] > 0
    assert report["error_rate"] == 0, report["errors"]
    assert report["p95_ms"] > 0
    assert report["saves"]["acknowledged"] > 0
    assert report["check"]["passed"]
    assert report["check"]["revisions_during_run"] == report["saves"]["acknowledged"]
    assert report["server_log"]["tracebacks"] == 0
    names = {entry["name"] for entry in report["by_name"]}
    assert {"/login [POST]", "/entry", "/_dash-layout", "callback app-header",
            "callback _pages_content+_pages_store", "callback entry-message+entry-grid"} <= names
    assert "requests" in completed.stdout and "store check PASSED" in completed.stdout


# --- the store check ---------------------------------------------------------------------------

def acknowledged(value: float, indicator: str = SHARE, user: str = PLANNER) -> dict[str, Any]:
    return {"user": user, "region_code": "220100", "indicator_id": indicator, "period": 2018,
            "value": value, "text": f"{value:.10g}"}


def save(store: Store, value: float, by: str = PLANNER) -> None:
    store.load(make_rows(("220100", SHARE, 2018, value)), by=by, source="form", kind="form")


@pytest.fixture
def run_store(store: Store) -> tuple[Store, int, list[dict[str, Any]]]:
    """Demo values, then two saves acknowledged during a "run" that began after them."""
    store.load(make_rows(("220100", SHARE, 2018, 26.0), ("220200", SHARE, 2018, 27.0)),
               by="demo", source="demo", kind="demo", is_demo=True)
    baseline = store.data_version()
    for value in (26.5, 26.6):
        save(store, value)
    return store, baseline, [acknowledged(26.5), acknowledged(26.6)]


def test_the_check_passes_when_the_store_holds_exactly_the_acknowledged_saves(run_store):
    store, baseline, acks = run_store
    check = check_store(store, baseline, acks)
    assert check.passed
    assert (check.acknowledged, check.revisions_during_run) == (2, 2)


def test_the_check_fails_on_a_write_that_was_never_acknowledged(run_store):
    store, baseline, acks = run_store
    save(store, 26.7)
    check = check_store(store, baseline, acks)
    assert not check.passed
    assert [item["value"] for item in check.extra] == ["26.7"] and not check.missing
    assert check.wrong_current == [{"region_code": "220100", "indicator_id": SHARE,
                                    "period": 2018, "acknowledged_last": "26.6",
                                    "current": "26.7"}]


def test_the_check_fails_when_an_acknowledged_save_is_not_in_the_store(run_store):
    store, baseline, acks = run_store
    check = check_store(store, baseline, [*acks, acknowledged(26.8)])
    assert not check.passed
    assert [item["value"] for item in check.missing] == ["26.8"] and not check.extra


def test_the_check_fails_on_a_write_by_someone_else_during_the_run(run_store):
    store, baseline, acks = run_store
    save(store, 26.6, by="someone-else")  # same value: a different writer is still extra
    save(store, 26.9, by="someone-else")
    check = check_store(store, baseline, acks)
    assert not check.passed
    assert {item["user"] for item in check.extra} == {"someone-else"}


def test_the_check_fails_when_the_current_value_is_not_the_last_acknowledged(run_store):
    store, baseline, acks = run_store
    check = check_store(store, baseline, list(reversed(acks)))
    assert not check.passed and not check.extra and not check.missing
    assert check.wrong_current[0]["acknowledged_last"] == "26.5"


def test_a_write_acknowledged_twice_but_stored_once_is_missing(run_store):
    store, baseline, acks = run_store
    check = check_store(store, baseline, [*acks, acknowledged(26.6)])
    assert [(item["value"], item["times"]) for item in check.missing] == [("26.6", 1)]


# --- preparing ----------------------------------------------------------------------------------

def test_a_store_with_loads_by_real_users_is_refused(store: Store):
    with pytest.raises(LoadTestError, match="holds no data"):
        check_store_is_a_test_copy(store)
    store.load(make_rows(("220100", SHARE, 2018, 26.0)), by="demo", source="demo",
               kind="demo", is_demo=True)
    save(store, 26.5)  # an earlier load test's planner
    check_store_is_a_test_copy(store)
    save(store, 27.0, by="planner1")
    with pytest.raises(LoadTestError, match="planner1"):
        check_store_is_a_test_copy(store)


@pytest.mark.parametrize(("start", "low", "high"), [
    (71.75, 0.0, 100.0), (98.38, 0.0, 100.0), (7.6, 0.0, None), (1234.5, 0.0, None)])
def test_planned_values_stay_in_range_and_never_repeat(start, low, high):
    plan = value_plan(start, low, high)
    assert plan is not None
    values = [plan["start"] + n * plan["step"] for n in (1, MAX_SAVES_PER_KEY)]
    assert all(low <= value <= (high if high is not None else float("inf")) for value in values)
    assert f"{values[0]:.10g}" != f"{start:.10g}"
    assert len({f"{plan['start'] + n * plan['step']:.10g}" for n in range(1, 2001)}) == 2000


@pytest.mark.parametrize(("start", "low", "high"), [(None, 0, 100), (0.5, 0, 100), (3, 0, 5)])
def test_values_too_small_or_without_room_are_not_planned(start, low, high):
    assert value_plan(start, low, high) is None
