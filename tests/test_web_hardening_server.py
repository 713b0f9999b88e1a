"""No server version banner: `targets serve` (Werkzeug) and gunicorn, each started for real on
loopback, name neither their version nor Python's, and the app's security headers are there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from benchmarks.loadtest import Settings, gunicorn
from etl.store import Store

ROOT = Path(__file__).resolve().parents[1]
STARTUP_S = 120


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('banner') / 'store.sqlite'}"
    Store(url)
    return url


def headers_of(address: str) -> dict[str, str]:
    with urllib.request.urlopen(address + "/login", timeout=30) as response:
        assert response.status == 200
        return dict(response.headers)


def assert_no_banner(headers: dict[str, str]) -> None:
    server = headers.get("Server", "")
    assert "Werkzeug" not in server and "Python" not in server
    assert not re.search(r"\d", server), server  # no version of anything
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_targets_serve_names_no_versions(url, tmp_path):
    log_path = tmp_path / "serve.log"
    environment = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with log_path.open("w", encoding="utf-8") as log:
        served = subprocess.Popen(
            [sys.executable, "-m", "targets", "--database", url, "serve", "--port", "0"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        address = _address(served, log_path, r"Running on (http://127\.0\.0\.1:\d+)")
        headers = headers_of(address)
        assert headers["Server"] == "jilin-targets"
        assert_no_banner(headers)
    finally:
        served.terminate()
        served.wait(timeout=30)


def test_gunicorn_names_no_versions(url, tmp_path):
    with gunicorn(Settings(database=url, workers=1, threads=1), tmp_path / "g.log") as server:
        headers = headers_of(server.base)
    assert headers["Server"] == "gunicorn"
    assert_no_banner(headers)


def _address(process: subprocess.Popen[bytes], log_path: Path, pattern: str) -> str:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(pattern, log_path.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.2)
    raise AssertionError("the server did not start:\n" + log_path.read_text(encoding="utf-8"))
