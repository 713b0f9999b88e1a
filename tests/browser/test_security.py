"""The security headers in a real Chromium: Dash, plotly and AG Grid work under the policy,
nothing violates it, and the logout button ends the session."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from etl.store import Store
from etl.users import UserStore
from tests.browser.conftest import DESKTOP, Server, sign_in, with_timeouts

PASSWORD = "correct horse 1"
PAGES = [
    ("/", "#overview-grid-table .ag-row"),
    ("/indicator/transit_modal_share?region=220300&year=2019", "#indicator-trend .main-svg"),
    ("/indicator/transit_modal_share?region=220300&year=2019", "#indicator-gap .main-svg"),
    ("/entry?region=220100&year=2019", "#entry-grid .ag-row"),
    ("/downloads", "#downloads-button"),
]
# Every violation of the page's policy, as the document reports it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def planner(server: Server) -> str:
    users = UserStore(Store(server.database))
    if users.get("csp-planner") is None:
        users.add("csp-planner", "planner", PASSWORD, ["220100"])
    return "csp-planner"


def log_in(browser: Browser, server: Server, name: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport=DESKTOP)
    with_timeouts(context)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, server, name, PASSWORD)
    return page, problems


def test_pages_work_under_the_policy_and_violate_nothing(browser, server, planner):
    page, problems = log_in(browser, server, planner)
    for path, ready in PAGES:
        response = page.goto(server.url + path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self' 'sha256-" in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], path
    assert problems == []
    page.context.close()


def test_the_logout_button_ends_the_session(browser, server, planner):
    page, problems = log_in(browser, server, planner)
    page.goto(f"{server.url}/entry?region=220100&year=2019")
    expect(page.locator("#entry-grid .ag-row").first).to_be_visible()
    page.click("#nav-logout")
    expect(page.locator("#nav-login")).to_be_visible()
    page.goto(f"{server.url}/entry?region=220100&year=2019")
    expect(page.locator("#login-prompt-link")).to_be_visible()
    assert page.evaluate("window.__violations") == [] and problems == []
    page.context.close()
