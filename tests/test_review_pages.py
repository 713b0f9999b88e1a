"""The review workflow as each page shows it, through hand-made requests and page layouts: the
upload preview of a year that is not a draft, who sees /review and its action box, the steps
offered (never on one's own values), a year accepted on loading, the /entry state line after a
return or an unlock, times in UTC, the revert of a locked year, the queue's links."""

from __future__ import annotations

import base64
import json

import pytest

from dashboard import auth
from etl.store import Store
from etl.users import User
from tests.factories import make_rows
from tests.test_dashboard_writes import page_module
from tests.test_no_raw_ids import plain, shown
from tests.test_review_requests import (
    COUNTY,
    SHARE,
    YEAR,
    app,
    client_of,
    item,
    request,
    step,
    submit,
)
from tests.test_web_hardening import dash_request

__all__ = ["app"]  # the fixture, used by name

PLANNER = User(id=1, name="county", role="planner", regions=frozenset({COUNTY}))
REVIEWER = User(id=3, name="changchun", role="reviewer", regions=frozenset({"220100"}))
STATISTICIAN = User(id=5, name="province", role="statistician", regions=frozenset())
LEADER = User(id=7, name="lee", role="leader", regions=frozenset())


def text_of(*components: object) -> str:
    return " ".join(shown(plain(list(components))))


def as_user(app, monkeypatch, user: User | None):
    monkeypatch.setattr(auth, "current_user", lambda: user)
    return app.server.test_request_context("/")


def preview(client, language: str = "en"):
    raw = f"region,indicator,period,value\n{COUNTY},{SHARE},{YEAR},31\n".encode()
    contents = "data:text/csv;base64," + base64.b64encode(raw).decode()
    return dash_request(client, "upload-file.contents",
                        [item("upload-file", "contents", contents),
                         item("upload-skip", "value", False)],
                        [item("upload-file", "filename", "values.csv"),
                         item("upload-language", "children", language)])


def outputs(answer) -> dict:
    assert answer.status_code == 200, answer.text
    return json.loads(answer.text)["response"]


# --- 1. the upload preview --------------------------------------------------------------------

def test_the_upload_preview_of_a_submitted_year_says_so_and_offers_no_confirm(app):
    planner = client_of(app, "county")
    draft = outputs(preview(planner))
    assert draft["upload-confirm"]["disabled"] is False  # the control: a draft loads
    assert "upload-ok" in json.dumps(draft)
    assert "success" in submit(planner).text
    locked = outputs(preview(planner))
    tree = json.dumps(locked["upload-preview"]["children"], ensure_ascii=False)
    assert locked["upload-confirm"]["disabled"] is True
    assert locked["upload-contents"]["data"] is None
    assert "upload-preview-locked" in tree and "upload-ok" not in tree
    said = text_of(locked["upload-preview"]["children"])
    assert "Shuangyang" in said and "submitted by county" in said and COUNTY not in said
    assert "reviewer to return" in said


# --- 2, 3. who sees /review and its action box -------------------------------------------------

def test_review_tells_a_leader_whom_it_is_for_and_a_stranger_to_log_in(app, monkeypatch):
    review = page_module("review")
    with as_user(app, monkeypatch, LEADER):
        leader = review.layout(lang="en")
    with as_user(app, monkeypatch, None):
        stranger = review.layout(lang="zh")
    assert "planners, reviewers, statisticians and admins" in text_of(leader)
    assert "login-prompt-link" not in json.dumps(plain(leader))
    assert "login-prompt-link" in json.dumps(plain(stranger))
    assert "登录" in text_of(stranger) and "填报人员" not in text_of(stranger)


@pytest.mark.parametrize(("user", "hidden"), [(PLANNER, True), (REVIEWER, False),
                                              (STATISTICIAN, False)])
def test_the_action_box_is_shown_only_to_those_who_take_steps(app, monkeypatch, user, hidden):
    with as_user(app, monkeypatch, user):
        page = plain(page_module("review").layout(year=str(YEAR), lang="zh"))
    boxes = []

    def find(node: object) -> None:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "review-actions":
                boxes.append(node["props"])
            for value in node.values():
                find(value)
        elif isinstance(node, list):
            for value in node:
                find(value)
    find(page)
    assert len(boxes) == 1 and bool(boxes[0].get("hidden")) is hidden


def test_nobody_is_offered_to_accept_values_they_wrote(app, monkeypatch):
    from dashboard import state
    from dashboard.review_progress import progress_rows

    source = state.of(app)
    source.store.load(make_rows((COUNTY, "relics_safety_inspections_per_year", YEAR, 3.0)),
                      by="province", source="form", kind="form")
    for action, who in (("submit", "county"), ("approve", "changchun")):
        assert "success" in request(client_of(app, who), action).text
    other = User(id=9, name="other", role="statistician", regions=frozenset())
    assert "accept" in source.review.possible(other, COUNTY, "approved", YEAR)  # the control
    assert "accept" not in source.review.possible(STATISTICIAN, COUNTY, "approved", YEAR)
    assert "return" in source.review.possible(STATISTICIAN, COUNTY, "approved", YEAR)
    rows = progress_rows(source.store, source.reference, source.review, STATISTICIAN, YEAR,
                         "en").set_index("region_code")
    assert rows.at[COUNTY, "actions_text"] == "return" and not rows.at[COUNTY, "queued"]
    # The buttons' callback offers the same: no accept for the statistician who wrote values.
    with as_user(app, monkeypatch, STATISTICIAN):
        hidden = page_module("review").buttons(COUNTY, 0, YEAR)
    assert hidden == [True, False, True, True]  # approve, return, accept, unlock


# --- 4. a year accepted on loading --------------------------------------------------------------

def test_a_draft_year_accepted_on_loading_says_so(app, store_url):
    from dashboard import state
    from dashboard.review_progress import progress_rows

    Store(store_url).load(make_rows(("220100", SHARE, YEAR, 25.0)), by="publisher",
                          source="published.csv", accept=True)
    source = state.of(app)
    for language, expected in (("zh", "已确认（载入，未经审核）"),
                               ("en", "accepted on loading, not reviewed")):
        rows = progress_rows(source.store, source.reference, source.review, REVIEWER, YEAR,
                             language).set_index("region_code")
        assert rows.at["220100", "state_text"] == expected
        assert rows.at[COUNTY, "state_text"] in ("草稿", "draft")  # its value is no accepted one


# --- 5, 6. /entry's state line, the buttons, times in UTC ---------------------------------------

def entry_review(client):
    """The /entry review-state callback's answer (the grid's shares its inputs)."""
    spec = next(d for d in client.get("/_dash-dependencies").json
                if d["output"].startswith("..entry-review.children"))
    parts = spec["output"].strip(".").split("...")
    body = {"output": spec["output"],
            "outputs": [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
                        for part in parts],
            "inputs": [item("entry-region", "value", COUNTY), item("entry-year", "value", YEAR)],
            "state": [item("entry-language", "children", "zh")],
            "changedPropIds": ["entry-region.value"]}
    return outputs(client.post("/_dash-update-component", json=body))


def test_the_entry_state_line_names_the_last_step_and_its_reason(app):
    planner = client_of(app, "county")
    assert "success" in submit(planner).text
    submitted = entry_review(planner)
    text = json.dumps(submitted, ensure_ascii=False)
    assert text.count("等待审核") == 1 and submitted["entry-save"]["hidden"] is True
    assert "UTC" in text
    assert "success" in step(client_of(app, "changchun"), "return", "请核实台账").text
    returned = json.dumps(entry_review(planner), ensure_ascii=False)
    assert "entry-state-returned" in returned and "已退回：changchun" in returned
    assert "请核实台账" in returned and "草稿：changchun" not in returned
    assert entry_review(planner)["entry-save"]["hidden"] is False
    for action, who in (("submit", "county"), ("approve", "changchun"),
                        ("accept", "province"), ("unlock", "boss")):
        assert "success" in request(client_of(app, who), action, "数值有误，重新报送").text
    unlocked = json.dumps(entry_review(planner), ensure_ascii=False)
    assert "entry-state-unlocked" in unlocked and "解锁：boss" in unlocked
    assert "数值有误，重新报送" in unlocked and " UTC" in unlocked


def test_the_submit_answer_does_not_repeat_waiting_for_review(app):
    answer = outputs(submit(client_of(app, "county")))
    assert json.dumps(answer, ensure_ascii=False).count("waiting for review") == 1


def test_times_are_labelled_utc():
    from dashboard.review_text import rt, when

    assert when("2026-12-05 12:09:30") == "2026-12-05 12:09 UTC"
    assert when(None) == ""
    assert "UTC" in rt("when", "zh") and "UTC" in rt("when", "en")


# --- 5. /history's revert of a locked year ------------------------------------------------------

def revertible(client, app):
    from dashboard import state

    first = int(state.of(app).store.history(COUNTY)["id"].min())
    return outputs(dash_request(client, "history-grid.selectedRows",
                                [item("history-grid", "selectedRows", [{"id": first}])],
                                [item("history-language", "children", "en")]))


def test_the_revert_of_a_value_whose_year_is_not_a_draft_is_disabled_with_the_reason(app):
    planner = client_of(app, "county")
    draft = revertible(planner, app)
    assert draft["history-revert"]["disabled"] is False  # the control
    assert "success" in submit(planner).text
    locked = revertible(planner, app)
    assert locked["history-revert"]["disabled"] is True
    reason = json.dumps(locked["history-revert-reason"])
    assert "history-revert-locked" in reason and "submitted" in reason


# --- 8. the queue's links; /entry for a reviewer ----------------------------------------------

def test_the_queue_links_each_region_to_its_values_and_history(app, monkeypatch):
    assert "success" in submit(client_of(app, "county")).text
    review, entry = page_module("review"), page_module("entry")
    with as_user(app, monkeypatch, REVIEWER):
        queue, _progress, options = review.show(YEAR, 0, "zh")
        page = entry.layout(region=COUNTY, year=str(YEAR), lang="zh")
    grid = next(node for node in _nodes(plain(queue)) if node.get("type") == "AgGrid")
    row = next(r for r in grid["props"]["rowData"] if r["region_code"] == COUNTY)
    assert f"/region/{COUNTY}?year={YEAR}&values=all" in row["links"]
    assert f"/history?region={COUNTY}" in row["links"]
    assert [o["value"] for o in options] == [COUNTY]
    assert "login-prompt-link" not in json.dumps(plain(page))
    assert "只能查看数值" in text_of(page)
    assert f"/region/{COUNTY}?year={YEAR}&values=all" in json.dumps(plain(page))
    with as_user(app, monkeypatch, PLANNER):
        queue, _progress, _options = review.show(YEAR, 0, "zh")
        progress = _progress
    grid = next(node for node in _nodes(plain(progress)) if node.get("type") == "AgGrid")
    row = next(r for r in grid["props"]["rowData"] if r["region_code"] == COUNTY)
    assert f"/entry?region={COUNTY}&year={YEAR}" in row["links"]  # a writer's link


def _nodes(node: object) -> list[dict]:
    found: list[dict] = []
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            found.append(node)
        for value in node.values():
            found += _nodes(value)
    elif isinstance(node, list):
        for value in node:
            found += _nodes(value)
    return found
