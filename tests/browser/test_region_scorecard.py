"""The region scorecard in a real headless Chromium on demo data, at 1280 and 390 px: the
summary first, targets by document, no data folded away, no sideways scroll on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl.store import Store
from indicators.reference import Reference
from indicators.status import status_table
from indicators.summary import tally

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Screenshots for a person to read; outside the repository.
SHOTS = Path(os.environ.get("REGION_SHOTS", "/tmp/region-shots"))


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_scorecard_of_changchun(open_page, server, viewport, language):
    suffix = "?lang=en" if language == "en" else ""
    watched = open_page(f"/region/220100{suffix}", viewport)
    page = watched.page
    summary = page.locator("#region-summary")
    expect(summary).to_be_visible()
    # The counts are those of the status table of the year shown.
    values = Store(server.database).values()
    year = int(values.loc[values["region_code"] == "220100", "period"].max())
    status = status_table(values, Reference.load(), year, regions=["220100"])
    counted = tally(status)
    assert counted.met + counted.counts["missed"] > 0
    expect(page.locator("#region-count-met")).to_have_text(str(counted.met))
    expect(page.locator("#region-count-missed")).to_have_text(
        str(counted.counts["missed"]))
    expect(page.locator("#region-rank")).to_contain_text("/ 9" if language == "zh" else "of 9")
    # The summary comes before the first target; the no-data targets are folded.
    summary_top = summary.bounding_box()["y"]
    first = page.locator("#region-targets .region-target").first
    expect(first).to_be_visible()
    assert summary_top < first.bounding_box()["y"]
    for folded in page.locator("#region-targets details").all():
        assert folded.get_attribute("open") is None
    body = page.locator("#region-page").inner_text()
    assert "jzbf" not in body and "jzbh" not in body and "220100" not in body
    page.wait_for_load_state("networkidle")
    assert watched.problems == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1  # no sideways scrolling
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = f"region-220100-{language}-{viewport['width']}.png"
    page.screenshot(path=str(SHOTS / name), full_page=True)
