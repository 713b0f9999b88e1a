"""Planners enter and upload values in a real browser; hand-made requests are refused."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect
from werkzeug.serving import make_server

from dashboard.app import create_app
from etl.store import Store
from etl.users import UserStore
from targets.cli import main as targets
from tests.browser.conftest import DESKTOP, Server, sign_in, wait_for_dash, with_timeouts

PASSWORD = "correct horse 1"
SHARE = "transit_modal_share"
CELL = '#entry-grid .ag-row[row-id="{indicator}"] .ag-cell[col-id="{column}"]'


@pytest.fixture(scope="module")
def planner_server(tmp_path_factory, monkeypatch_module) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("planner")
    monkeypatch_module.setenv("XDG_CONFIG_HOME", str(folder / "config"))
    url = f"sqlite:///{folder / 'store.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    users = UserStore(Store(url))
    users.add("planner1", "planner", PASSWORD, ["220100"])
    users.add("planner2", "planner", PASSWORD, ["220100"])
    users.add("planner3", "planner", PASSWORD, ["220200"])
    users.add("leader1", "leader", PASSWORD)
    http = make_server("127.0.0.1", 0, create_app(url).server, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield Server(f"http://127.0.0.1:{http.server_port}", url)
    http.shutdown()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def logged_in(browser: Browser, server: Server, name: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    with_timeouts(context)
    page = context.new_page()
    sign_in(page, server, name, PASSWORD)
    return context, page


def type_value(page: Page, indicator: str, text: str) -> None:
    cell = page.locator(CELL.format(indicator=indicator, column="value"))
    expect(cell).to_be_visible()
    wait_for_dash(page)  # the grid is not re-rendered under the click
    cell.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_for_dash(page)  # the edit's callbacks have run before anything reads the grid


def stored(server: Server, region: str, indicator: str, period: int) -> float | None:
    current = Store(server.database).current(regions=[region], indicators=[indicator],
                                             first_period=period, last_period=period)
    return None if current.empty else float(current["value"].iloc[0])


def test_planner_saves_a_value_and_a_leader_sees_it_at_once(browser, planner_server):
    context, page = logged_in(browser, planner_server, "planner1")
    page.goto(f"{planner_server.url}/entry?region=220100&year=2019")
    type_value(page, SHARE, "33.5%")
    page.click("#entry-save")
    expect(page.locator("#entry-saved")).to_be_visible()
    assert stored(planner_server, "220100", SHARE, 2019) == 33.5
    history = Store(planner_server.database).history("220100", SHARE, 2019)
    assert (history["loaded_by"].iloc[0], history["source"].iloc[0]) == ("planner1", "form")
    context.close()

    # Not yet accepted: a leader sees it at once among all values, marked 未确认.
    leader, view = logged_in(browser, planner_server, "leader1")
    view.goto(f"{planner_server.url}/indicator/{SHARE}?region=220100&year=2019&values=all")
    expect(view.locator("#indicator-data-table .ag-row").first).to_be_visible()
    shown = view.evaluate(
        "() => { const rows = []; dash_ag_grid.getApi('indicator-data-table')"
        ".forEachNode(n => rows.push(n.data)); return rows; }")
    mine = [row for row in shown if row["region"] == "长春市" and row["period"] == 2019]
    assert [(row["value"], row["acceptance"]) for row in mine] == [(33.5, "未确认")]
    leader.close()


def test_a_value_with_an_error_shows_its_message_and_cannot_be_saved(browser, planner_server):
    before = Store(planner_server.database).counts()
    context, page = logged_in(browser, planner_server, "planner1")
    page.goto(f"{planner_server.url}/entry?region=220100&year=2019")
    type_value(page, SHARE, "很多")
    problem = page.locator(CELL.format(indicator=SHARE, column="problem"))
    expect(problem).to_contain_text("很多")
    expect(page.locator(CELL.format(indicator=SHARE, column="value"))).to_have_class(
        re.compile("entry-error"))
    page.click("#entry-save")
    expect(page.locator("#entry-message")).to_contain_text("未保存")
    assert Store(planner_server.database).counts() == before
    context.close()


def test_the_second_of_two_planners_editing_one_value_is_told(browser, planner_server):
    first, page1 = logged_in(browser, planner_server, "planner1")
    second, page2 = logged_in(browser, planner_server, "planner2")
    for page in (page1, page2):
        page.goto(f"{planner_server.url}/entry?region=220100&year=2018")
        expect(page.locator(CELL.format(indicator=SHARE, column="value"))).to_be_visible()
    type_value(page1, SHARE, "31")
    page1.click("#entry-save")
    expect(page1.locator("#entry-saved")).to_be_visible()
    type_value(page2, SHARE, "32")
    page2.click("#entry-save")
    expect(page2.locator("#entry-conflict")).to_be_visible()
    assert stored(planner_server, "220100", SHARE, 2018) == 31.0
    expect(page2.locator(CELL.format(indicator=SHARE, column="stored"))).to_have_text("31")
    first.close()
    second.close()


def test_upload_preview_shows_errors_then_a_clean_file_loads(browser, planner_server, tmp_path):
    context, page = logged_in(browser, planner_server, "planner1")
    page.goto(f"{planner_server.url}/upload")
    bad = tmp_path / "bad.csv"
    bad.write_text("地区,指标,年份,数值\n长春市,transit_modal_share,2017,0.26\n"
                   "吉林市,transit_modal_share,2017,20\n", encoding="utf-8")
    before = Store(planner_server.database).counts()
    page.set_input_files("#upload-file input[type=file]", str(bad))
    expect(page.locator("#upload-has-errors")).to_be_visible()
    expect(page.locator("#upload-problems")).to_contain_text("0.26")
    expect(page.locator("#upload-problems")).to_contain_text("吉林市")  # not planner1's region
    expect(page.locator("#upload-confirm")).to_be_disabled()
    good = tmp_path / "good.csv"
    good.write_text("地区,指标,年份,数值,单位\n长春市,transit_modal_share,2017,26.5,%\n",
                    encoding="utf-8")
    page.set_input_files("#upload-file input[type=file]", str(good))
    expect(page.locator("#upload-ok")).to_be_visible()
    assert Store(planner_server.database).counts() == before  # nothing before confirming
    page.click("#upload-confirm")
    expect(page.locator("#upload-loaded")).to_be_visible()
    assert stored(planner_server, "220100", SHARE, 2017) == 26.5
    context.close()


# --- hand-made requests ----------------------------------------------------------------------

def save_request(server: Server, session: requests.Session, region: str,
                 value: str, revision_id: int | None = None) -> requests.Response:
    """The save callback's request, as the browser would send it, made by hand."""
    dependencies = session.get(f"{server.url}/_dash-dependencies").json()
    spec = next(d for d in dependencies
                if any(i["id"] == "entry-save" for i in d["inputs"]))
    outputs = [dict(zip(("id", "property"), part.split(".", 1), strict=True))
               for part in spec["output"].strip(".").split("...")]
    row = {"indicator_id": SHARE, "value": value, "note": None, "revision_id": revision_id}
    body = {
        "output": spec["output"], "outputs": outputs,
        "inputs": [{"id": "entry-save", "property": "n_clicks", "value": 1}],
        "state": [{"id": "entry-grid", "property": "rowData", "value": [row]},
                  {"id": "entry-region", "property": "value", "value": region},
                  {"id": "entry-year", "property": "value", "value": 2016},
                  {"id": "entry-language", "property": "children", "value": "zh"}],
        "changedPropIds": ["entry-save.n_clicks"],
    }
    return session.post(f"{server.url}/_dash-update-component", json=body)


def session_for(server: Server, name: str | None) -> requests.Session:
    """A scripted client holding the session cookie of `name` (or none)."""
    session = requests.Session()
    if name is not None:
        form = session.get(f"{server.url}/login")
        _keep_cookies(session, form)
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        answer = session.post(f"{server.url}/login", allow_redirects=False, data={
            "csrf": token, "name": name, "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        _keep_cookies(session, answer)
    return session


def _keep_cookies(session: requests.Session, response: requests.Response) -> None:
    # The cookies are Secure: a browser sends them to 127.0.0.1, a script over plain http
    # must be told to.
    for cookie in response.cookies:
        session.cookies.set(cookie.name, cookie.value)


@pytest.mark.parametrize(("who", "region"), [(None, "220100"), ("leader1", "220100"),
                                             ("planner3", "220100")],
                         ids=["no-login", "leader", "other-region"])
def test_hand_made_save_requests_are_refused_and_write_nothing(planner_server, who, region):
    before = Store(planner_server.database).counts()
    answer = save_request(planner_server, session_for(planner_server, who), region, "44")
    assert answer.status_code in (401, 403)
    assert Store(planner_server.database).counts() == before


def test_the_same_hand_made_request_from_the_regions_planner_is_accepted(planner_server):
    # Proves the refusals above are refusals, not malformed requests.
    current = Store(planner_server.database).current(regions=["220100"], indicators=[SHARE],
                                                     first_period=2016, last_period=2016)
    answer = save_request(planner_server, session_for(planner_server, "planner1"), "220100",
                          "27", int(current["revision_id"].iloc[0]))
    assert answer.status_code == 200, answer.text
    assert "已保存" in answer.json()["response"]["entry-message"]["children"]["props"]["children"]
    assert stored(planner_server, "220100", SHARE, 2016) == 27.0
