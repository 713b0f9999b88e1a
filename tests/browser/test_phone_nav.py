"""On a phone the header is one line with a menu behind a toggler; on a desktop the links show."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

WIDE = {"width": 1280, "height": 800}
LINKS = ("#nav-overview", "#nav-map", "#nav-downloads", "#nav-history", "#language-switch")
HEADER_MAX_PX = 70  # one line: the brand and the toggler (Bootstrap's navbar is ~56 px)
INDICATOR = "/indicator/transit_modal_share?region=220300&year=2019"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_on_a_phone_the_header_is_one_line_and_the_menu_opens_on_tap(open_page, language):
    watched = open_page("/" + ("?lang=en" if language == "en" else ""), PHONE)
    page = watched.page
    toggler = page.locator("#nav-toggler")
    expect(toggler).to_be_visible()
    for link in LINKS:
        expect(page.locator(link)).to_be_hidden()
    assert page.locator(".app-navbar").bounding_box()["height"] <= HEADER_MAX_PX
    toggler.click()
    for link in LINKS:
        expect(page.locator(link)).to_be_visible()
    expect(page.locator("#nav-map")).to_have_text("Map" if language == "en" else "地图")
    toggler.click()
    expect(page.locator("#nav-overview")).to_be_hidden()
    assert watched.problems == []


def test_on_a_desktop_the_links_show_without_the_toggler(open_page):
    watched = open_page("/", WIDE)
    page = watched.page
    expect(page.locator("#nav-toggler")).to_be_hidden()
    for link in LINKS:
        expect(page.locator(link)).to_be_visible()
    assert page.locator(".app-navbar").bounding_box()["height"] <= HEADER_MAX_PX + 20
    assert watched.problems == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_indicator_page_fits_a_phone_and_its_gap_labels_are_not_cut(open_page, language):
    watched = open_page(INDICATOR + ("&lang=en" if language == "en" else ""), PHONE)
    page = watched.page
    expect(page.locator("#indicator-gap .main-svg").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    # Every bar label (status word) ends inside the plot area, and every text of the chart
    # (titles, ticks) inside the chart: none is clipped at an edge.
    found = page.evaluate("""() => {
        const box = element => element.getBoundingClientRect();
        const chart = box(document.querySelector('#indicator-gap .main-svg'));
        const area = box(document.querySelector('#indicator-gap .nsewdrag'));
        // A label too long for its bar is hidden (no box): it is not drawn, so not cut.
        const drawn = selector => [...document.querySelectorAll(selector)].filter(
            text => text.textContent.trim()).map(box).filter(b => b.width > 0);
        const texts = drawn('#indicator-gap text');
        const bars = drawn('#indicator-gap .bartext');
        return {chart: [chart.left, chart.right], area: area.right,
                texts: texts.map(b => [b.left, b.right]), bars: bars.map(b => b.right)};
    }""")
    assert found["bars"], "the gap chart has bar labels"
    assert max(found["bars"]) <= found["area"] + 0.5
    left, right = found["chart"]
    assert all(left - 0.5 <= start and end <= right + 0.5 for start, end in found["texts"])
    assert watched.problems == []
