"""Unknown ids and malformed callback input get a 4xx with a message, never a 500; an
unhandled error a short message, never a traceback; reverting to the current value says so."""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest

from dashboard import state
from dashboard.callback_input import SHAPES
from etl.store import Store
from etl.users import UserStore
from targets.cli import main as targets
from tests.test_auth import PASSWORD, environment, login  # noqa: F401 - autouse fixture
from tests.test_web_hardening import app_server, dash_request

CHANGCHUN, SHARE = "220100", "transit_modal_share"
FILTER_VALUES = {"overview-year": 2019}  # the overview's other filters may be None


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('input') / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    users = UserStore(Store(url))
    users.add("alice", "planner", PASSWORD, [CHANGCHUN])
    users.add("boss", "admin", PASSWORD)
    return url


@pytest.fixture(scope="module")
def server(url, tmp_path_factory):
    yield from app_server(url, tmp_path_factory)


@pytest.fixture
def boss(server):
    client = server.test_client()
    assert login(client, "boss").status_code == 303
    return client


def item(component: str, prop: str, value) -> dict:
    return {"id": component, "property": prop, "value": value}


def refused_with_message(answer, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json["error"]["zh"] and answer.json["error"]["en"]
    assert "Traceback" not in answer.text and "Error" not in answer.json["message"]


def download(client, file_format):
    return dash_request(client, "downloads-button.n_clicks",
                        [item("downloads-button", "n_clicks", 1)],
                        [item("downloads-indicator", "value", [SHARE]),
                         item("downloads-region", "value", [CHANGCHUN]),
                         item("downloads-from", "value", None),
                         item("downloads-to", "value", None),
                         item("downloads-format", "value", file_format),
                         item("downloads-language", "children", "zh"),
                         item("downloads-values-name", "children", "accepted")])


def indicator_update(client, indicator_id, region=CHANGCHUN, year=2019):
    return dash_request(client, "indicator-method.value",
                        [item("indicator-region", "value", region),
                         item("indicator-year", "value", year),
                         item("indicator-method", "value", "escap")],
                        [item("indicator-id", "children", indicator_id),
                         item("indicator-language", "children", "zh"),
                         item("indicator-values-name", "children", "accepted")])


def template(client, region, year=2019):
    return dash_request(client, "upload-template-button.n_clicks",
                        [item("upload-template-button", "n_clicks", 1)],
                        [item("upload-region", "value", region),
                         item("upload-year", "value", year)])


def entry_save(client, region, year=2019):
    return dash_request(client, "entry-save.n_clicks", [item("entry-save", "n_clicks", 1)],
                        [item("entry-grid", "rowData", [{"indicator_id": SHARE, "value": "30"}]),
                         item("entry-region", "value", region),
                         item("entry-year", "value", year),
                         item("entry-language", "children", "zh")])


# --- the four kinds of request that answered 500 ---------------------------------------------

def test_an_unknown_download_format_is_a_400(boss):
    assert download(boss, "csv").status_code == 200  # the same request, well formed
    for file_format in ("exe", "../../etc/passwd", ""):
        refused_with_message(download(boss, file_format), 400)


def test_an_unknown_indicator_id_is_a_404(boss):
    assert indicator_update(boss, SHARE).status_code == 200
    for indicator_id in ("no_such_indicator", "", "../x"):
        refused_with_message(indicator_update(boss, indicator_id), 404)
    table = dash_request(boss, "indicator-region.value",
                         [item("indicator-region", "value", CHANGCHUN)],
                         [item("indicator-id", "children", "no_such_indicator"),
                          item("indicator-language", "children", "en"),
                          item("indicator-values-name", "children", "all")])
    refused_with_message(table, 404)


def test_an_unknown_template_region_is_a_404(boss):
    assert template(boss, CHANGCHUN).status_code == 200
    refused_with_message(template(boss, "999999"), 404)
    refused_with_message(template(boss, None), 404)


@pytest.mark.parametrize("region", [[CHANGCHUN], [CHANGCHUN, "220200"], {"code": CHANGCHUN}, 7])
def test_a_region_sent_as_a_list_or_object_is_a_400(boss, url, region):
    before = Store(url).counts()
    refused_with_message(entry_save(boss, region), 400)
    refused_with_message(template(boss, region), 400)
    refused_with_message(indicator_update(boss, SHARE, region=region), 400)
    assert Store(url).counts() == before


@pytest.mark.parametrize("year", ["2019", 2019.5, True, -1, 10**30, None])
def test_a_year_that_is_not_a_year_is_a_400(boss, year):
    refused_with_message(indicator_update(boss, SHARE, year=year), 400)
    refused_with_message(template(boss, CHANGCHUN, year=year), 400)


def test_a_request_for_no_callback_or_an_unknown_component_is_a_400(boss):
    for body in ({"output": "nothing.children", "inputs": [], "state": []},
                 {"output": "overview-language.title", "inputs": [], "state": []},  # browser's
                 [1, 2, 3]):
        refused_with_message(boss.post("/_dash-update-component", json=body), 400)
    spoofed = dash_request(boss, "indicator-region.value",
                           [item("indicator-region", "value", CHANGCHUN)],
                           [item("indicator-id", "children", SHARE),
                            item("indicator-language", "children", "zh"),
                            item("secret-component", "value", 1)])
    refused_with_message(spoofed, 400)


def page(client, path: str, search: str):
    return dash_request(client, "_pages_location.pathname",
                        [item("_pages_location", "pathname", path),
                         item("_pages_location", "search", search)], [])


@pytest.mark.parametrize(("path", "search"), [
    ("/", "?year=2019&year=2018"), ("/", "?document=a&document=b"),
    ("/indicator/transit_modal_share", "?year=²"), ("/region/220100", "?year=2019&year=2018"),
    ("/entry", "?region=220100&region=220200"), ("/upload", "?year=²"),
    ("/history", "?indicator=a&indicator=b"), ("/downloads", "?start=²"),
])
def test_a_page_address_its_layout_cannot_take_is_a_400(boss, path, search):
    refused_with_message(page(boss, path, search), 400)


def test_the_downloads_page_takes_lists_and_unknown_ids_are_shown_as_such(boss):
    assert page(boss, "/downloads", "?indicator=a&indicator=b&region=x&region=y"
                ).status_code == 200
    missing = page(boss, "/indicator/no_such_indicator", "?year=2019")
    assert missing.status_code == 200
    assert "未找到指标" in json.dumps(missing.json, ensure_ascii=False)


# --- every callback, fuzzed ------------------------------------------------------------------

VALUES = [None, "", "no_such_id", "../../etc", CHANGCHUN, SHARE, "csv", "zh", "en", "2019",
          "/", "/indicator/x", "?year=2018", -1, 0, 2016, 2019, 2100, 10**20, 1.5, True, [],
          [CHANGCHUN], [SHARE, "x"], ["x", 1], {"a": 1},
          {"colId": SHARE, "rowId": "999999", "value": "x"},
          [{"id": 10**30}], [{"id": 1}], [{"indicator_id": "x", "value": "3"}],
          {"contents": "data:text/csv;base64,!!", "filename": "../a.csv"}]


def crafted(draw: random.Random, component: str, prop: str) -> object:
    """Mostly a value of the shape the component sends (so that the callback runs with it),
    sometimes any value."""
    if component.endswith("-language") and prop == "children":
        return draw.choice(["zh", "en"])
    check = SHAPES.get((component, prop))
    fitting = [value for value in VALUES if check is not None and check(value)]
    if fitting and draw.random() < 0.8:
        return draw.choice(fitting)
    return draw.choice(VALUES)


def test_crafted_values_for_every_callback_never_answer_500(boss):
    """Seeded: each server callback gets 25 requests with values drawn from VALUES."""
    draw = random.Random(20)
    specs = [spec for spec in boss.get("/_dash-dependencies").json
             if spec.get("clientside_function") is None]
    assert len(specs) >= 15
    answers: dict[int, int] = {}
    for spec in specs:
        for _case in range(25):
            def values(items: list[dict]) -> list[dict]:
                return [item(i["id"], i["property"], crafted(draw, i["id"], i["property"]))
                        for i in items]

            first = spec["inputs"][0]
            answer = dash_request(boss, f"{first['id']}.{first['property']}",
                                  values(spec["inputs"]), values(spec["state"]))
            answers[answer.status_code] = answers.get(answer.status_code, 0) + 1
            assert answer.status_code < 500, (spec["output"], answer.text[:300])
            if answer.status_code >= 400:
                refused_with_message(answer, answer.status_code)
    assert answers.get(400, 0) > 0 and answers.get(404, 0) > 0 and answers.get(200, 0) > 100


# --- the safety net --------------------------------------------------------------------------

def test_an_unhandled_error_is_a_short_message_without_a_traceback(boss, server, monkeypatch):
    def broken(_filters):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(state.of(server).view(), "export", broken)
    answer = download(boss, "csv")
    refused_with_message(answer, 500)
    assert "secret internal detail" not in answer.text and "服务器" in answer.json["error"]["zh"]


def test_an_unknown_page_method_is_a_message(boss):
    answer = boss.delete("/login")
    assert answer.status_code == 405 and "不支持" in answer.text and "supported" in answer.text


# --- reverting ---------------------------------------------------------------------------------

def revert(client, revision_id: int, language: str = "zh") -> str:
    answer = dash_request(client, "history-revert.n_clicks",
                          [item("history-revert", "n_clicks", 1)],
                          [item("history-grid", "selectedRows", [{"id": revision_id}]),
                           item("history-language", "children", language)])
    assert answer.status_code == 200, answer.text
    return json.dumps(answer.json["response"], ensure_ascii=False)


def test_reverting_the_current_revision_says_it_is_already_current(boss, url):
    store = Store(url)
    store.load(pd.DataFrame([{"region_code": CHANGCHUN, "indicator_id": SHARE, "period": 2018,
                              "value": 44.0}]), by="test", source="test")
    history = store.history(CHANGCHUN, SHARE, 2018).sort_values("id")
    older, current = int(history["id"].iloc[-2]), int(history["id"].iloc[-1])
    before = len(history)
    shown = revert(boss, current)
    assert "已是当前值" in shown and "history-already-current" in shown
    assert "生成了新版本" not in shown.replace("未生成新版本", "")
    assert "already the current value" in revert(boss, current, "en")
    assert len(store.history(CHANGCHUN, SHARE, 2018)) == before  # nothing made
    shown = revert(boss, older)
    assert "已恢复，生成了新版本" in shown and "history-reverted" in shown
    assert len(store.history(CHANGCHUN, SHARE, 2018)) == before + 1
