"""The malformed requests an independent review found answering 500: each is now a 4xx with a
message in both languages (or, for the entry grid's rows, a message in the page)."""

from __future__ import annotations

import base64
import json

import pytest

from dashboard import upload_checks
from etl.read import MAX_PROBLEMS
from etl.store import Store
from etl.users import UserStore
from tests.test_auth import PASSWORD, login
from tests.test_web_hardening import dash_request
from tests.test_web_hardening_input import (  # noqa: F401  (fixtures used by name)
    CHANGCHUN,
    FILTER_VALUES,
    SHARE,
    boss,
    environment,
    item,
    refused_with_message,
    server,
    url,
)

UPDATE = "/_dash-update-component"


@pytest.fixture
def anonymous(server):  # noqa: F811
    return server.test_client()


def overview_body(client) -> dict:
    """The overview filters' callback request as the browser sends it (no login needed)."""
    spec = next(s for s in client.get("/_dash-dependencies").json
                if s.get("clientside_function") is None
                and s["inputs"][0] == {"id": "overview-year", "property": "value"}
                and s["output"].startswith(".."))
    parts = spec["output"].strip(".").split("...")
    return {"output": spec["output"],
            "outputs": [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True))
                        for p in parts],
            "inputs": [item(i["id"], i["property"], FILTER_VALUES.get(i["id"]))
                       for i in spec["inputs"]],
            "state": [item(s["id"], s["property"],
                           "accepted" if s["id"].endswith("-values-name") else "zh")
                      for s in spec["state"]],
            "changedPropIds": ["overview-year.value"]}


@pytest.mark.parametrize(("key", "value"), [
    ("outputs", None), ("outputs", 5), ("outputs", []), ("outputs", [{}]),
    ("changedPropIds", 5), ("changedPropIds", [{}]), ("changedPropIds", [1]),
])
def test_a_malformed_envelope_is_a_400_without_login(anonymous, key, value):
    body = overview_body(anonymous)
    assert anonymous.post(UPDATE, json=body).status_code == 200  # the same, well formed
    if value is None:
        del body[key]
    else:
        body[key] = value
    refused_with_message(anonymous.post(UPDATE, json=body), 400)


def test_a_body_nested_too_deep_is_a_400(anonymous):
    deep = b'{"output":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = anonymous.post(UPDATE, data=deep, content_type="application/json")
    refused_with_message(answer, 400)


@pytest.mark.parametrize("path", ["/_dash-component-suites/nope/x.js",
                                  "/_dash-component-suites/dash/deps/nope.js",
                                  "/_dash-component-suites/dash/../../etc/passwd"])
def test_an_unknown_component_suite_file_is_a_404(anonymous, path):
    answer = anonymous.get(path)
    refused_with_message(answer, 404)
    assert "registered" not in answer.text  # Dash's list of its packages is not shown


def test_head_of_login_and_logout_is_answered_like_get(server):  # noqa: F811
    client = server.test_client()
    assert client.head("/login").status_code == client.get("/login").status_code == 200
    assert client.head("/logout").status_code == 303  # nobody to log out: home
    assert login(client, "alice").status_code == 303
    assert client.head("/logout").status_code == 200
    assert client.get("/logout").status_code == 200  # still logged in: HEAD only asks


# --- the entry grid's rows -------------------------------------------------------------------

@pytest.fixture
def alice(server):  # noqa: F811
    client = server.test_client()
    assert login(client, "alice").status_code == 303
    return client


def entry_save(client, rows: list[dict], language: str = "en"):
    return dash_request(client, "entry-save.n_clicks", [item("entry-save", "n_clicks", 1)],
                        [item("entry-grid", "rowData", rows),
                         item("entry-region", "value", CHANGCHUN),
                         item("entry-year", "value", 2019),
                         item("entry-language", "children", language)])


@pytest.mark.parametrize("row", [
    {"indicator_id": SHARE, "value": "\ud800"}, {"indicator_id": SHARE, "value": "3",
                                                 "note": "a\udfffb"},
    {"value": "30"}, {"indicator_id": None, "value": "30"}, {"indicator_id": 5, "value": 5},
    {"indicator_id": SHARE, "value": "30", "revision_id": "abc"},
    {"indicator_id": SHARE, "value": "30", "revision_id": -1},
    {"indicator_id": SHARE, "value": ["30"]}, {"indicator_id": SHARE, "value": True},
])
def test_a_malformed_entry_row_is_a_400(alice, url, row):  # noqa: F811
    before = Store(url).counts()
    refused_with_message(entry_save(alice, [row]), 400)
    assert Store(url).counts() == before


def test_more_problems_than_listed_are_counted_in_the_message(alice, url):  # noqa: F811
    """Past MAX_PROBLEMS the problems end with a line of no row: shown in the message."""
    before = Store(url).counts()
    rows = [{"indicator_id": SHARE, "value": "not a number", "revision_id": 0}] * (
        MAX_PROBLEMS + 50)
    answer = entry_save(alice, rows)
    assert answer.status_code == 200, answer.text[:300]
    shown = json.dumps(answer.json["response"], ensure_ascii=False)
    assert "entry-notes" in shown and "not listed" in shown and "Nothing saved" in shown
    assert Store(url).counts() == before


def test_too_many_unknown_indicators_are_a_message_not_a_500(alice):
    rows = [{"indicator_id": f"unknown_{n}", "value": "1"} for n in range(300)]
    answer = entry_save(alice, rows, language="zh")
    assert answer.status_code == 200, answer.text[:300]
    assert "entry-notes" in json.dumps(answer.json["response"], ensure_ascii=False)


# --- uploads ---------------------------------------------------------------------------------

def preview(client, filename: str, raw: bytes = b"region,indicator,period,value\n"):
    contents = "data:text/csv;base64," + base64.b64encode(raw).decode()
    return dash_request(client, "upload-file.contents",
                        [item("upload-file", "contents", contents),
                         item("upload-skip", "value", False)],
                        [item("upload-file", "filename", filename),
                         item("upload-language", "children", "en")])


def shown(answer) -> str:
    assert answer.status_code == 200, answer.text[:300]
    return json.dumps(answer.json["response"], ensure_ascii=False)


@pytest.mark.parametrize("filename", ["a." + "x" * 300, "a." + "表" * 200,
                                      "a.xlsx\\..\\..\\x"])
def test_an_odd_file_name_is_a_message_not_a_500(alice, filename):
    assert "unsupported file type" in shown(preview(alice, filename))


@pytest.mark.parametrize("filename", ["a.\x00", "a.x\x00y", "a\x00.csv"])
def test_a_file_name_with_a_nul_byte_is_a_400(alice, filename):
    refused_with_message(preview(alice, filename), 400)
    upload = {"contents": "data:text/csv;base64,", "filename": filename}
    confirm = dash_request(alice, "upload-confirm.n_clicks",
                           [item("upload-confirm", "n_clicks", 1)],
                           [item("upload-contents", "data", upload),
                            item("upload-language", "children", "en")])
    refused_with_message(confirm, 400)


def test_a_long_name_with_a_known_suffix_is_read(alice):
    filename = "规划" * 100 + ".csv"  # 600 bytes of name: a path component may have 255
    assert "upload-ok" in shown(preview(alice, filename, f"地区,指标,年份,数值\n长春市,{SHARE},"
                                                          "2019,30\n".encode()))


def test_a_rejected_file_is_named_by_its_own_name(alice):
    text = shown(preview(alice, "二〇一九年计划.xlsx", b"not a workbook"))
    assert "二〇一九年计划.xlsx" in text and "upload.xlsx" not in text


@pytest.fixture
def lee(server, url):  # noqa: F811
    users = UserStore(Store(url))
    if users.get("lee") is None:
        users.add("lee", "leader", PASSWORD)
    client = server.test_client()
    assert login(client, "lee").status_code == 303
    return client


def test_a_leader_may_not_have_a_file_checked(lee):
    refused_with_message(preview(lee, "values.csv"), 403)


def test_more_checks_at_once_than_allowed_are_told_to_wait(alice, server, monkeypatch):  # noqa: F811
    monkeypatch.setattr(upload_checks, "WAIT_SECONDS", 0.2)
    slots = upload_checks.semaphore(server)
    held = [slots.acquire(timeout=1) for _slot in range(upload_checks.MAX_CHECKS)]
    assert all(held)  # every slot taken, as by two files being checked
    try:
        text = shown(preview(alice, "values.csv", b"region,indicator,period,value\n1,2,3,4\n"))
    finally:
        for _slot in held:
            slots.release()
    assert "upload-busy" in text and "try again shortly" in text
    assert "upload-busy" not in shown(preview(alice, "values.csv", b"a,b\n1,2\n"))


def test_checking_as_typed_counts_the_problems_not_listed(alice):
    rows = [{"indicator_id": SHARE, "value": "not a number"}] * (MAX_PROBLEMS + 50)
    answer = dash_request(alice, "entry-grid.cellValueChanged",
                          [item("entry-grid", "cellValueChanged", {"rowIndex": 0})],
                          [item("entry-grid", "rowData", rows),
                           item("entry-region", "value", CHANGCHUN),
                           item("entry-year", "value", 2019),
                           item("entry-language", "children", "zh")])
    text = shown(answer)
    assert "另有50行有同类问题" in text and "处错误" in text
