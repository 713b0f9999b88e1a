"""Two apps in one process, each on its own store, share no state: every page and callback
sees the values, statuses, history and caches of its own app, whichever app was made last."""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks import pages
from benchmarks.pages import PASSWORD, PLANNER, SAVE, Bench, Call, Case
from dashboard import state
from etl.store import Store
from etl.users import UserStore
from targets.cli import main as targets
from tests.factories import make_rows
from tests.test_dashboard_writes import upload

SHARE = "transit_modal_share"
CHANGCHUN = "220100"
SMALL_LOADER = "small-loader"


@pytest.fixture
def apps(tmp_path, monkeypatch) -> tuple[Bench, Bench]:
    """An app on the demo store, then one on a store of a single value."""
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the session key file
    demo = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert targets(["--database", demo, "demo"]) == 0
    small = f"sqlite:///{tmp_path / 'small.sqlite'}"
    Store(small).load(make_rows((CHANGCHUN, SHARE, 2018, 25.0)), by=SMALL_LOADER,
                      source="small.csv", accept=True)
    benches = []
    for url in (demo, small):
        UserStore(Store(url)).add(PLANNER, "planner", PASSWORD, [CHANGCHUN])
        app = create_app(url)
        client = app.server.test_client()
        dependencies = client.get("/_dash-dependencies", base_url=pages.BASE_URL).get_json()
        benches.append(Bench(app, {"reader": client, "planner": pages._logged_in(app)},
                             dependencies))
    return benches[0], benches[1]


def header(bench: Bench) -> str:
    case = Case("app", ("app-header.children",), "", lambda i: Call({}))
    answer = bench.post(case, Call({"url.href": "https://localhost/"}, ("url.href",)))
    return json.dumps(answer, ensure_ascii=False)


def history(bench: Bench) -> list[dict[str, Any]]:
    case = Case("history", ("history-table.children",), "", lambda i: Call({}))
    answer = bench.post(case, Call({"history-region.value": CHANGCHUN,
                                    "history-indicator.value": SHARE,
                                    "history-language.children": "en"},
                                   ("history-region.value",)))
    return answer["history-table"]["children"]["props"]["rowData"]


def test_each_app_has_a_state_of_its_own(apps):
    demo, small = apps
    first, second = state.of(demo.app), state.of(small.app)
    assert first is not second and state.of(demo.app.server) is first
    assert first.store is not second.store and first.previews is not second.previews
    assert first.demo_in_use() and not second.demo_in_use()
    assert second.years() == [2018] and len(first.years()) > 1
    assert len(second.values()) == 1 and len(first.values()) > 1


def test_each_apps_pages_see_their_own_values_and_history(apps):
    demo, small = apps
    assert "demo-banner" in header(demo)  # the app made first still sees its own store
    assert "demo-banner" not in header(small)
    assert {row["loaded_by"] for row in history(small)} == {SMALL_LOADER}
    demo_history = history(demo)
    assert demo_history and SMALL_LOADER not in {row["loaded_by"] for row in demo_history}


def test_a_save_through_one_app_is_seen_by_that_app_alone(apps):
    demo, small = apps
    before = history(demo)
    demo_values = state.of(demo.app).region_values(CHANGCHUN)
    fill = Case("entry", pages.ENTRY_ROWS, "", lambda i: Call({}), client="planner")
    form = Call({"entry-region.value": CHANGCHUN, "entry-year.value": 2018,
                 "entry-language.children": "en"})
    rows = small.post(fill, form)["entry-grid"]["rowData"]
    row = next(row for row in rows if row["indicator_id"] == SHARE)
    assert row["stored"] == 25.0
    row["value"] = "26"
    save = Case("entry", SAVE, "", lambda i: Call({}), client="planner", expect="entry-saved")
    small.post(save, Call({"entry-save.n_clicks": 1, "entry-grid.rowData": rows,
                           "entry-region.value": CHANGCHUN, "entry-year.value": 2018,
                           "entry-language.children": "en"}, ("entry-save.n_clicks",)))
    assert len(history(small)) == 2
    # A draft: among all values at once, the accepted ones unchanged until it is accepted.
    assert state.of(small.app).view("all").values()["value"].tolist() == [26.0]
    assert state.of(small.app).values()["value"].tolist() == [25.0]
    assert history(demo) == before
    assert state.of(demo.app).region_values(CHANGCHUN).equals(demo_values)
    refilled = demo.post(fill, form)["entry-grid"]["rowData"]
    assert next(r for r in refilled if r["indicator_id"] == SHARE)["stored"] != 26.0


def test_an_upload_preview_is_kept_by_its_own_app(apps):
    demo, small = apps
    file = upload([f"{CHANGCHUN},{SHARE},2018,27"])
    preview = Case("upload", ("upload-preview.children", "upload-confirm.disabled",
                              "upload-contents.data", "upload-result.children"), "",
                   lambda i: Call({}), client="planner", expect="upload-ok")
    small.post(preview, Call({"upload-file.contents": file["contents"],
                              "upload-file.filename": file["filename"],
                              "upload-language.children": "en"}, ("upload-file.contents",)))
    assert len(state.of(small.app).previews.items) == 1
    assert not state.of(demo.app).previews.items
