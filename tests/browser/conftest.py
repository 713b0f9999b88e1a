"""Browser tests: the real app on loopback, driven by Debian's headless Chromium (Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
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


@dataclass
class Server:
    url: str
    database: str


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    return url


@pytest.fixture(scope="session")
def server(demo_database: str) -> Iterator[Server]:
    app = create_app(demo_database)
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{http.server_port}", demo_database)
    http.shutdown()


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
        opened.append(page)
        watched = Watched(page)
        page.on("console", lambda message: watched.problems.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: watched.problems.append(str(error)))
        page.on("response", lambda response: watched.problems.append(
            f"{response.status} {response.url}") if response.status >= 400 else None)
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        return watched

    yield open_
    for page in opened:
        page.close()
