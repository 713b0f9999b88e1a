"""Sessions that end: parallel login bursts refused past the limit, logout by POST only, and a
cookie from before a logout or a new password refused after it; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.app import create_app
from etl.store import Store
from etl.users import FREE_FAILURES, UserStore
from targets.cli import main as targets
from tests.test_auth import (  # noqa: F401 - environment: an autouse fixture
    PASSWORD,
    component,
    environment,
    header,
    login,
    logout,
)
from tests.test_users import spy_on_password_checks
from tests.test_web_hardening import save

CHANGCHUN = "220100"


@pytest.fixture
def server(store_url):
    UserStore(Store(store_url)).add("alice", "planner", PASSWORD, [CHANGCHUN])
    return create_app(store_url).server


def replayed(server, cookie: str):
    """A new client holding only the captured session cookie."""
    client = server.test_client()
    client.set_cookie("session", cookie)
    return client


def logged_in_as_alice(client) -> bool:
    return "nav-logout" in header(client)


def test_a_cookie_from_before_logout_or_a_new_password_is_refused(server, store_url,
                                                                  monkeypatch):
    client = server.test_client()
    login(client)
    cookie = client.get_cookie("session").value
    assert logged_in_as_alice(replayed(server, cookie))  # the capture works before logout
    shown = header(client)
    assert logout(client, shown).status_code == 303
    assert not logged_in_as_alice(replayed(server, cookie))
    assert save(replayed(server, cookie), "41").status_code == 403  # no write as alice
    assert Store(store_url).counts()["revision"] == 0

    login(client)
    cookie = client.get_cookie("session").value
    monkeypatch.setattr("sys.stdin", io.StringIO("another passphrase\n"))
    assert targets(["--database", store_url, "user", "passwd", "alice",
                    "--password-stdin"]) == 0
    assert not logged_in_as_alice(replayed(server, cookie))
    assert not logged_in_as_alice(client)


def test_get_logout_only_asks_and_a_post_needs_the_token(server):
    client = server.test_client()
    login(client)
    asked = client.get("/logout")
    assert asked.status_code == 200 and 'id="logout-submit"' in asked.text
    assert "确定退出登录吗" in asked.text and "Log out now?" in client.get("/logout?lang=en").text
    assert logged_in_as_alice(client)
    forged = client.post("/logout", data={"csrf": "guessed"})
    assert forged.status_code == 400 and "表单已过期" in forged.text
    assert client.post("/logout").status_code == 400
    assert logged_in_as_alice(client)
    token = re.search(r'name="csrf" value="([^"]+)"', asked.text).group(1)
    assert token == component(json.loads(header(client)), "nav-logout")["value"]
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert not logged_in_as_alice(client)
    assert client.get("/logout").headers["Location"] == "/"  # nothing to ask: home


def burst(server, passwords: list[str], monkeypatch) -> tuple[list[int], list[str]]:
    """Every password posted at once to /login, each by its own client with its own form;
    the answers' status codes, and the passwords whose hash was checked."""
    checked = spy_on_password_checks(monkeypatch)
    forms = []
    for password in passwords:
        client = server.test_client()
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        forms.append((client, {"csrf": token, "name": "alice", "password": password}))
    start = threading.Barrier(len(forms))

    def post(form) -> int:
        start.wait()
        return form[0].post("/login", data=form[1]).status_code

    with ThreadPoolExecutor(len(forms)) as pool:
        return list(pool.map(post, forms)), checked


def test_parallel_wrong_guesses_are_refused_past_the_limit(server, monkeypatch):
    statuses, checked = burst(server, [f"guess {n}" for n in range(40)], monkeypatch)
    assert len(checked) == FREE_FAILURES
    assert statuses.count(429) == 40 - FREE_FAILURES
    assert statuses.count(200) == FREE_FAILURES  # the form again, "wrong name or password"


def test_a_burst_with_the_right_password_gets_no_more_guesses(server, monkeypatch):
    guesses = [f"guess {n}" for n in range(59)]
    statuses, checked = burst(server, [*guesses[:30], PASSWORD, *guesses[30:]], monkeypatch)
    succeeded = statuses.count(303)
    # A success resets the count (its sender knows the password); without one, no guess
    # past FREE_FAILURES is evaluated.
    assert len(checked) <= FREE_FAILURES * (1 + succeeded)
    assert statuses.count(429) >= 60 - len(checked)
