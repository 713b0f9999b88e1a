"""The entry page's save through the real app: checked once, stored as the grid held it."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from benchmarks import pages
from benchmarks.pages import SAVE, Bench, Call, Case
from dashboard import data
from etl.cli import main as targets


@pytest.fixture
def bench(tmp_path, monkeypatch) -> Bench:
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the session key file
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    app = create_app(url)
    client = app.server.test_client()
    dependencies = client.get("/_dash-dependencies", base_url=pages.BASE_URL).get_json()
    bench = Bench(app, {"reader": client}, dependencies)
    source = data.get()
    bench.own = pages._planner(source.store, source.regions,
                               source.values()["region_code"].value_counts())
    bench.clients["planner"] = pages._logged_in(app)
    return bench


def entry_module() -> Any:
    return next(module for name, module in sys.modules.items() if name.endswith("pages.entry"))


def test_a_save_checks_once_and_stores_what_the_grid_holds(bench, monkeypatch):
    region, year = bench.own[0], data.get().years()[-1]
    fill = Case("entry", pages.ENTRY_ROWS, "", lambda i: Call({}), client="planner")
    rows = bench.post(fill, Call({"entry-region.value": region, "entry-year.value": year,
                                  "entry-language.children": "en"}))["entry-grid"]["rowData"]
    editable = [row for row in rows if pages._editable(row)][:2]
    for row, factor in zip(editable, (1.01, 0.99), strict=True):
        row["value"] = f"{row['stored'] * factor:.6g}"
    module = entry_module()
    validated = []
    validate = module.validate
    monkeypatch.setattr(module, "validate", lambda *a, **k: validated.append(1) or validate(
        *a, **k))
    save = Case("entry", SAVE, "", lambda i: Call({}), client="planner", expect="entry-saved")
    bench.post(save, Call({"entry-save.n_clicks": 1, "entry-grid.rowData": rows,
                           "entry-region.value": region, "entry-year.value": year,
                           "entry-language.children": "en"}, ("entry-save.n_clicks",)))
    assert validated == [1]
    stored = data.get().store.current(indicators=[row["indicator_id"] for row in editable],
                                      regions=[region], first_period=year, last_period=year)
    stored = stored.set_index("indicator_id")
    for row in editable:
        assert stored.at[row["indicator_id"], "value"] == pytest.approx(float(row["value"]))
        assert stored.at[row["indicator_id"], "source_kind"] == "form"
        assert stored.at[row["indicator_id"], "revision_id"] > row["revision_id"]
    assert sorted(stored["source_row"]) == [1, 2]
