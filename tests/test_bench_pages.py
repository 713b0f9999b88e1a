"""The page benchmark end to end on a small store: every page's callbacks answer and are timed."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks import pages
from benchmarks.pages import COLUMNS, Call, measure_pages, output_list, payload
from targets.cli import main as targets

PAGES = {"overview", "indicator", "region", "downloads", "history", "entry", "upload"}


@pytest.fixture
def demo_url(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the session key file
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    return url


def test_every_page_has_timed_callbacks(demo_url):
    table = measure_pages(demo_url, repeats=2)
    timed = table[table["n"] > 0]
    assert set(timed["page"]) >= PAGES
    assert (timed["n"] == 2).all()
    assert (timed[["median_ms", "p95_ms", "max_ms", "first_ms", "p95_cpu_ms"]] > 0).all().all()
    assert (timed["median_ms"] <= timed["max_ms"]).all()
    callbacks = set(timed["callback"])
    assert "entry-grid.rowData, entry-history-link.href" in callbacks  # the entry's rows
    assert "entry-message.children, entry-grid.rowData" in callbacks  # and its save
    assert set(timed["variant"]) == {"varied", "same", "after save"}
    cold = table[table["variant"] == "cold"]
    assert len(cold) == 2 and (cold["first_ms"] > 0).all()


def test_the_command_prints_the_table(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TARGETS_SECRET_KEY", "k" * 40)  # main() would set one for good
    asked = {}

    def measured(url: str, repeats: int, warm: bool, progress: object) -> pd.DataFrame:
        asked.update(url=url, repeats=repeats, warm=warm)
        row = ["overview", "overview-nav.href", "varied", 1, 1.0, 1.0, 1.0, 2.0, 0.5]
        return pd.DataFrame([row], columns=COLUMNS)

    monkeypatch.setattr(pages, "measure_pages", measured)
    assert pages.main(["--database", "sqlite:///x", "--repeats", "3", "--no-warm",
                       "-o", str(tmp_path / "pages.csv")]) == 0
    assert asked == {"url": "sqlite:///x", "repeats": 3, "warm": False}
    assert "median_ms" in capsys.readouterr().out
    assert (tmp_path / "pages.csv").read_text().startswith("page,callback,variant,n,")


def test_payload_is_what_the_browser_sends():
    dependency = {"output": "..a.children...b.rowData@12ab..", "inputs": [
        {"id": "x", "property": "value"}, {"id": "grid", "property": "cellClicked"}],
        "state": [{"id": "lang", "property": "children"}]}
    body = payload(dependency, Call({"x.value": 3, "lang.children": "zh"}, ("x.value",)))
    assert output_list(dependency["output"]) == ["a.children", "b.rowData@12ab"]
    assert body["outputs"] == [{"id": "a", "property": "children"},
                               {"id": "b", "property": "rowData@12ab"}]
    # A value never set (no cell clicked yet) is left out, as the browser does.
    assert body["inputs"] == [{"id": "x", "property": "value", "value": 3},
                              {"id": "grid", "property": "cellClicked"}]
    assert body["state"] == [{"id": "lang", "property": "children", "value": "zh"}]
    assert body["changedPropIds"] == ["x.value"]
    single = payload({"output": "a.href", "inputs": [], "state": []}, Call({}))
    assert single["outputs"] == {"id": "a", "property": "href"} and "state" not in single
