"""Screenshots of the overview and an indicator page for the README, made from demo data."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from dashboard.app import create_app
from targets.cli import main as targets

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SHOTS = {
    "overview.png": ("/?year=2019", "#overview-behind li"),
    "region.png": ("/region/220100?year=2019", "#region-summary"),
    "map.png": ("/map?year=2019", "#map-figure .main-svg"),
    "indicator.png": ("/indicator/transit_modal_share?region=220300&year=2019",
                      "#indicator-trend .main-svg"),
}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/demo.sqlite"
        targets(["--database", database, "demo"])
        http = make_server("127.0.0.1", 0, create_app(database).server, threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, (path, ready) in SHOTS.items():
                page = browser.new_page(viewport={"width": 1280, "height": 1100})
                page.goto(f"http://127.0.0.1:{http.server_port}{path}")
                page.wait_for_selector(ready, timeout=30_000)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUTPUT / name))
                print(OUTPUT / name)
            browser.close()
        http.shutdown()


if __name__ == "__main__":
    main()
