"""Browser tests: the real app on loopback, driven by Debian's headless Chromium (Playwright)."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import make_server

from dashboard.app import create_app
from targets.cli import main as targets

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}

# How long any wait may last: every expect(...) assertion, click, navigation and wait_for_*.
# Set once, here, generously: on a machine busy with other work a page that takes 0.5 s alone
# can take 10 s or more; a test that passes never waits longer than the page needs.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)

# The Dash app is ready when its renderer has a store, the layout is in the document and no
# callback is requested, pending or loading (what dash.testing's wait_for_callbacks checks).
DASH_READY = """() => {
    const store = window.store;
    const root = document.getElementById('react-entry-point');
    if (!store || !window.dash_clientside || !root || !root.childElementCount) return false;
    const state = store.getState();
    if (state.isLoading) return false;
    const callbacks = Object.assign({}, state.callbacks);
    delete callbacks.stored;
    delete callbacks.completed;
    return Object.values(callbacks).every(list => !list || list.length === 0)
        && !document.querySelector('[data-dash-is-loading="true"]');
}"""


def with_timeouts(context: BrowserContext | Page) -> None:
    """The same generous limit for a context's (or a page's) actions and navigations."""
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)


def sign_in(page: Page, server: Server, name: str, password: str) -> None:
    """Log in through the login form and wait until it has taken the page elsewhere."""
    page.goto(f"{server.url}/login")
    page.fill("#login-name", name)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def wait_for_dash(page: Page) -> None:
    """Waits until the Dash app on `page` has rendered and settled (no callback outstanding)."""
    page.wait_for_function(DASH_READY, polling=100)


@dataclass
class Server:
    url: str
    database: str


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    return url


@contextmanager
def served(database: str, config: Path) -> Iterator[Server]:
    """The real app on the store `database`, served on a free port until the block ends."""
    with pytest.MonkeyPatch.context() as patch:
        # The app's secret key file goes to a temporary folder, not ~/.config.
        patch.setenv("XDG_CONFIG_HOME", str(config))
        app = create_app(database)
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{http.server_port}", database)
    http.shutdown()


@pytest.fixture(scope="session")
def server(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with served(demo_database, tmp_path_factory.mktemp("config")) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page with every console error and failed response it produced."""

    page: Page
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Browser, server: Server) -> Iterator:  # type: ignore[type-arg]
    opened: list[Page] = []

    def open_(path: str, viewport: dict[str, int] | None = None) -> Watched:
        page = browser.new_page(viewport=viewport or DESKTOP, accept_downloads=True)
        with_timeouts(page)
        opened.append(page)
        watched = Watched(page)
        page.on("console", lambda message: watched.problems.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: watched.problems.append(str(error)))
        page.on("response", lambda response: watched.problems.append(
            f"{response.status} {response.url}") if response.status >= 400 else None)
        page.goto(server.url + path)
        wait_for_dash(page)
        return watched

    yield open_
    for page in opened:
        page.close()
