"""The overview read as a leader reads it, in Chromium on demo data: the first screen at
1280 x 800 holds the results by document and by prefecture; at 390 px nothing scrolls the page
sideways and a tap on a grid header shows the indicator's full name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, Server, wait_for_dash, with_timeouts

LAPTOP = {"width": 1280, "height": 800}
CITY = "吉政办发〔2018〕17号"


def bottom(page: Page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def test_the_first_screen_holds_the_documents_and_the_prefectures(open_page):
    watched = open_page("/?year=2019", LAPTOP)
    page = watched.page
    documents = page.locator("#overview-by-document .ov-row:not(.ov-head) .ov-name")
    expect(documents).to_have_count(7)
    assert documents.all_inner_texts() == ["食品药品安全", "文物保护", "投资审批", "城市管理",
                                           "医改", "政务大厅", "政务公开"]
    assert documents.nth(3).get_attribute("title") == f"吉林省城市管理效能提升三年行动方案 · {CITY}"
    prefectures = page.locator("#overview-by-prefecture .ov-row:not(.ov-head) .ov-name")
    expect(prefectures).to_have_count(9)
    assert prefectures.first.get_attribute("href") == "/region/220100?year=2019"
    # Both tables end within the first screen, without scrolling.
    assert bottom(page, "#overview-document-row-6") <= LAPTOP["height"]
    assert bottom(page, "#overview-prefecture-row-8") <= LAPTOP["height"]
    expect(page.locator("#overview-explain")).to_contain_text("未到期的目标不算未达标")
    assert watched.problems == []


def test_a_document_row_opens_the_grid_of_that_document(open_page):
    watched = open_page("/?year=2019", LAPTOP)
    page = watched.page
    page.locator("#overview-document-row-3 .ov-name").click()
    page.wait_for_url("**document=**")
    assert parse_qs(urlparse(page.url).query)["document"] == [CITY]
    expect(page.locator("#overview-document")).to_contain_text(f"城市管理 · {CITY}")
    # 26 indicators: the grid shows the first theme (市容环卫), with links to the others.
    expect(page.locator(
        '#overview-grid-table .ag-header-cell[col-id="mechanized_sweeping_rate"]')
    ).to_have_count(1)
    expect(page.locator("#overview-theme-pages a")).to_have_count(5)


def test_no_target_id_or_region_code_is_shown_as_text(open_page):
    watched = open_page(f"/?year=2019&document={quote(CITY)}", LAPTOP)
    page = watched.page
    expect(page.locator("#overview-grid-table .ag-row").first).to_be_visible()
    expect(page.locator("#overview-behind li").first).to_be_visible()
    shown = page.evaluate("document.body.innerText")
    assert not re.search(r"jzb[fh]\d{2}-\d{2}", shown)
    assert not re.search(r"\b22\d{4}\b", shown)
    page.locator("#overview-document").click()
    expect(page.get_by_role("option", name="食品药品安全 · 吉政办发〔2018〕10号")).to_be_visible()


@pytest.fixture
def phone(browser: Browser, server: Server) -> Iterator[Page]:
    """A touch screen 390 px wide."""
    page = browser.new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    with_timeouts(page)
    yield page
    page.close()


def test_on_a_phone_nothing_scrolls_sideways_and_a_tap_shows_the_full_name(phone, server):
    phone.goto(f"{server.url}/?year=2019&theme=urban_transport")
    wait_for_dash(phone)
    expect(phone.locator("#overview-by-prefecture .ov-row").last).to_be_visible()
    header = phone.locator('#overview-grid-table .ag-header-cell[col-id="transit_modal_share"]')
    expect(header).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    header.scroll_into_view_if_needed()
    header.tap()
    expect(phone.locator("#overview-grid-panel")).to_contain_text("公共交通机动化出行分担率")
    expect(phone.locator("#overview-grid-panel a")).to_have_attribute(
        "href", "/indicator/transit_modal_share?year=2019")
    # Cells are large enough for a finger.
    cell = phone.locator('#overview-grid-table .ag-row[row-id="220300"] '
                         '.ag-cell[col-id="transit_modal_share"]').first
    box = cell.bounding_box()
    assert box is not None and box["width"] >= 32 and box["height"] >= 32
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
