"""Every review step through the real app, on SQLite and PostgreSQL: hand-made callback requests
logged out, as the wrong role and for another region are refused and change nothing, the right
user's goes through; entry, upload and revert of a year that is not a draft are refused with a
message naming the region, who and when, and write nothing."""

from __future__ import annotations

import base64

import pytest

from dashboard.app import create_app
from etl.review import COMMENT_LIMIT
from etl.store import Store
from etl.users import UserStore
from tests.factories import make_rows
from tests.test_auth import PASSWORD, login
from tests.test_web_hardening import dash_request

SHARE = "transit_modal_share"
COUNTY, YEAR = "220112", 2020  # 双阳区, a county-level division of 长春市 (220100)
STEPS = ("approve", "return", "accept", "unlock")
USERS = {"county": ("planner", [COUNTY]), "other_planner": ("planner", ["220202"]),
         "changchun": ("reviewer", ["220100"]), "jilin": ("reviewer", ["220200"]),
         "province": ("statistician", []), "boss": ("admin", []), "lee": ("leader", [])}
# Who must be refused each step on COUNTY's year (None: logged out): the wrong roles and the
# people of another region (a reviewer of 吉林市 approving a county of 长春市).
REFUSED = {"submit": [None, "changchun", "lee", "other_planner"],
           "approve": [None, "county", "province", "lee", "jilin"],
           "return": [None, "county", "lee", "jilin"],
           "accept": [None, "changchun", "county", "boss", "jilin"],
           "unlock": [None, "province", "changchun", "county", "jilin"]}


def item(component: str, prop: str, value: object) -> dict:
    return {"id": component, "property": prop, "value": value}


@pytest.fixture
def app(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("TARGETS_SECRET_KEY", "TARGETS_LOGIN_REQUIRED_TO_READ"):
        monkeypatch.delenv(name, raising=False)
    store = Store(store_url)
    users = UserStore(store)
    for name, (role, regions) in USERS.items():
        users.add(name, role, PASSWORD, regions)
    for value in (20.0, 21.0):  # two revisions: a revert has one to go back to
        store.load(make_rows((COUNTY, SHARE, YEAR, value)), by="county", source="form",
                   kind="form")
    return create_app(store_url)


def client_of(app, name: str | None):
    client = app.server.test_client()
    if name is not None:
        assert login(client, name).status_code == 303
    return client


def submit(client):
    return dash_request(client, "entry-submit.n_clicks", [item("entry-submit", "n_clicks", 1)],
                        [item("entry-region", "value", COUNTY), item("entry-year", "value", YEAR),
                         item("entry-language", "children", "en")])


def step(client, action: str, comment: str = "", region: str = COUNTY):
    return dash_request(client, f"review-{action}.n_clicks",
                        [item(f"review-{a}", "n_clicks", 1 if a == action else None)
                         for a in STEPS],
                        [item("review-region", "value", region),
                         item("review-year", "value", YEAR),
                         item("review-comment", "value", comment),
                         item("review-done", "data", 0),
                         item("review-language", "children", "en")])


def request(client, action: str, comment: str = ""):
    return submit(client) if action == "submit" else step(client, action, comment)


def recorded(app) -> tuple[str, int, dict[str, int]]:
    """The submission's state, its number of steps, and the store's row counts."""
    from dashboard import state

    review = state.of(app).review
    return (review.submission(COUNTY, YEAR).state, len(review.events(COUNTY, YEAR)),
            review.store.counts())


def refused(answer, marker: str) -> None:
    assert answer.status_code in (200, 403), answer.text
    if answer.status_code == 200:
        assert marker in answer.text and "danger" in answer.text, answer.text


def test_every_step_is_refused_to_the_wrong_people_and_taken_by_the_right_one(app):
    path = [("submit", "county", "submitted"), ("return", "changchun", "draft"),
            ("submit", "county", "submitted"), ("approve", "changchun", "approved"),
            ("accept", "province", "accepted"), ("unlock", "boss", "draft")]
    for action, right, after in path:
        comment = "请核实" if action in ("return", "unlock") else ""
        before = recorded(app)
        for wrong in REFUSED[action]:
            marker = "entry-refused" if action == "submit" else "review-refused"
            refused(request(client_of(app, wrong), action, comment), marker)
            assert recorded(app) == before, (action, wrong)
        answer = request(client_of(app, right), action, comment)  # the positive control
        assert answer.status_code == 200 and "success" in answer.text, answer.text
        state, steps, _counts = recorded(app)
        assert (state, steps) == (after, before[1] + 1), action


def test_a_return_or_unlock_without_a_reason_or_with_too_long_a_one_is_refused(app):
    assert "success" in submit(client_of(app, "county")).text
    reviewer = client_of(app, "changchun")
    before = recorded(app)
    for comment in ("", "   ", "长" * (COMMENT_LIMIT + 1)):
        refused(step(reviewer, "return", comment), "review-refused")
        assert recorded(app) == before
    assert "success" in step(reviewer, "return", "长" * COMMENT_LIMIT).text


def test_an_unknown_region_is_refused_and_changes_nothing(app):
    before = recorded(app)
    refused(step(client_of(app, "boss"), "unlock", "x", region="999999"), "review-refused")
    assert recorded(app) == before


# --- writes to a year that is not a draft ----------------------------------------------------

def save(client, app):
    """The planner's save of a value, expecting the revision the page would show."""
    from dashboard import state

    current = state.of(app).store.current(regions=[COUNTY], indicators=[SHARE])
    row = {"indicator_id": SHARE, "value": "30", "note": None,
           "revision_id": int(current["revision_id"].iloc[0])}
    return dash_request(client, "entry-save.n_clicks", [item("entry-save", "n_clicks", 1)],
                        [item("entry-grid", "rowData", [row]),
                         item("entry-region", "value", COUNTY), item("entry-year", "value", YEAR),
                         item("entry-language", "children", "en")])


def confirm(client):
    raw = f"region,indicator,period,value\n{COUNTY},{SHARE},{YEAR},31\n".encode()
    upload = {"contents": "data:text/csv;base64," + base64.b64encode(raw).decode(),
              "filename": "values.csv"}
    return dash_request(client, "upload-confirm.n_clicks",
                        [item("upload-confirm", "n_clicks", 1)],
                        [item("upload-contents", "data", upload),
                         item("upload-language", "children", "en")])


def revert(client, app):
    from dashboard import state

    first = int(state.of(app).store.history(COUNTY)["id"].min())
    return dash_request(client, "history-revert.n_clicks",
                        [item("history-revert", "n_clicks", 1)],
                        [item("history-grid", "selectedRows", [{"id": first}]),
                         item("history-language", "children", "en")])


@pytest.mark.parametrize("steps", [[("submit", "county")],
                                   [("submit", "county"), ("approve", "changchun"),
                                    ("accept", "province")]])
def test_entry_upload_and_revert_of_a_year_not_in_draft_are_refused_by_name(app, steps):
    for action, who in steps:
        assert "success" in request(client_of(app, who), action).text
    last = steps[-1][1]
    planner = client_of(app, "county")
    before = recorded(app)
    for write, marker in ((save(planner, app), "entry-locked"), (confirm(planner), "upload-locked"),
                          (revert(planner, app), "history-locked")):
        assert write.status_code == 200, write.text
        text = write.text
        assert marker in text and "Shuangyang" in text and COUNTY not in text, text
        assert last in text and str(YEAR) in text, text
        assert ("admin to unlock" if len(steps) > 1 else "reviewer to return") in text
        assert recorded(app) == before
    # The positive control: returned to a draft, the same save is written.
    if len(steps) == 1:
        assert "success" in step(client_of(app, "changchun"), "return", "改一下").text
        saved = save(planner, app).text
        assert "entry-saved" in saved, saved
        assert recorded(app)[2]["revision"] == before[2]["revision"] + 1
