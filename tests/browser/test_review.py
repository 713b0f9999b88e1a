"""The whole review path in a real browser, as each role: a county planner enters and submits,
the prefecture's reviewer returns with a comment, the planner corrects and submits again, the
reviewer approves, the province accepts, and the year is then locked on /entry. A leader sees
the value only once it is accepted; with the values switch, before, marked 未确认."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from etl.store import Store
from etl.users import UserStore
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Server,
    served,
    sign_in,
    wait_for_dash,
    with_timeouts,
)
from tests.factories import make_rows

PASSWORD = "correct horse 1"
COUNTY, YEAR = "220112", 2020  # 双阳区, a county-level division of 长春市
INSPECTIONS = "relics_safety_inspections_per_year"  # one of the indicators counties report
CELL = '#entry-grid .ag-row[row-id="{indicator}"] .ag-cell[col-id="{column}"]'
COMMENT = "第一项数值与台账不符，请核实"


@pytest.fixture(scope="module")
def review_server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("review")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    store = Store(url)
    store.load(make_rows(("220100", "transit_modal_share", 2019, 24.0)), by="seed",
               source="seed.csv")
    users = UserStore(store)
    users.add("shuangyang", "planner", PASSWORD, [COUNTY])
    users.add("changchun", "reviewer", PASSWORD, ["220100"])
    users.add("province", "statistician", PASSWORD)
    with served(url, folder / "config") as running:
        yield running


def as_user(browser: Browser, server: Server, name: str, viewport: dict = DESKTOP) -> Page:
    context = browser.new_context(viewport=viewport)
    with_timeouts(context)
    page = context.new_page()
    sign_in(page, server, name, PASSWORD)
    return page


def entry(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/entry?region={COUNTY}&year={YEAR}")
    expect(page.locator("#entry-state")).to_be_visible()
    wait_for_dash(page)


def enter_and_submit(page: Page, server: Server, value: str) -> None:
    entry(page, server)
    cell = page.locator(CELL.format(indicator=INSPECTIONS, column="value"))
    cell.click()
    page.keyboard.type(value)
    page.keyboard.press("Enter")
    wait_for_dash(page)
    page.click("#entry-save")
    expect(page.locator("#entry-saved")).to_be_visible()
    page.click("#entry-submit")
    expect(page.locator("#entry-submitted")).to_be_visible()
    expect(page.locator("#entry-state-read-only")).to_be_visible()
    expect(page.locator("#entry-submit")).to_be_hidden()


def review_step(page: Page, server: Server, action: str, comment: str = "") -> None:
    """On /review: the county is first in the queue; choose it, then take the step."""
    page.goto(f"{server.url}/review?year={YEAR}")
    row = page.locator(f'#review-queue .ag-row[row-id="{COUNTY}"] .ag-cell[col-id="region"]')
    expect(row).to_have_text("双阳区")
    wait_for_dash(page)
    row.click()
    button = page.locator(f"#review-{action}")
    expect(button).to_be_visible()
    if comment:
        page.fill("#review-comment", comment)
    button.click()
    expect(page.locator("#review-acted")).to_be_visible()


def queue_fits(page: Page, server: Server) -> None:
    """A queue of one region is as tall as its row (no empty area), its links in view at
    1280 px; on a phone it is a list of cards with the region, its steps and links."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server.url}/review?year={YEAR}&lang=en")
    grid = page.locator("#review-queue")
    expect(grid.locator(f'.ag-row[row-id="{COUNTY}"]').first).to_be_visible()
    wait_for_dash(page)
    assert grid.bounding_box()["height"] < 150  # a header and one row; 230 before
    links = grid.locator(f'.ag-row[row-id="{COUNTY}"] .ag-cell[col-id="links"] a')
    expect(links).to_have_count(2)
    assert links.last.bounding_box()["x"] + links.last.bounding_box()["width"] < 1280
    phone = as_user(page.context.browser, server, "changchun", PHONE)
    phone.goto(f"{server.url}/review?year={YEAR}")
    cards = phone.locator("#review-queue-cards")
    expect(cards).to_be_visible()
    expect(cards).to_contain_text("双阳区")
    expect(cards).to_contain_text("审核通过")
    expect(cards.locator("a")).to_have_count(2)
    expect(phone.locator("#review-queue")).to_be_hidden()
    phone.context.close()


WIDE = {"width": 2400, "height": 1000}  # every column of the indicator table in view


def leader_sees(browser: Browser, server: Server, *, all_values: bool) -> Page:
    """The indicator page as a leader opens it (no login), of the county and year; returns
    the page once its table has loaded."""
    context = browser.new_context(viewport=WIDE)
    with_timeouts(context)
    page = context.new_page()
    query = f"region={COUNTY}&year={YEAR}" + ("&values=all" if all_values else "")
    page.goto(f"{server.url}/indicator/{INSPECTIONS}?{query}")
    expect(page.locator("#indicator-values-basis")).to_be_visible()
    wait_for_dash(page)
    return page


def value_rows(page: Page, value: str):  # type: ignore[no-untyped-def]
    return page.locator("#indicator-data-table .ag-row", has=page.locator(
        '.ag-cell[col-id="value"]', has_text=value))


def stored(server: Server) -> float:
    current = Store(server.database).current(regions=[COUNTY], indicators=[INSPECTIONS])
    return float(current["value"].iloc[0])


def test_a_year_goes_from_a_county_through_its_prefecture_to_the_province(browser,
                                                                         review_server):
    server = review_server
    planner = as_user(browser, server, "shuangyang")
    expect(planner.locator("#nav-review")).to_be_visible()
    enter_and_submit(planner, server, "4")

    reviewer = as_user(browser, server, "changchun")
    queue_fits(reviewer, server)
    review_step(reviewer, server, "return", COMMENT)

    entry(planner, server)
    expect(planner.locator("#entry-state-returned")).to_contain_text(COMMENT)
    expect(planner.locator("#entry-state-returned")).to_contain_text("changchun")
    enter_and_submit(planner, server, "5")
    assert stored(server) == 5.0
    leader = leader_sees(browser, server, all_values=False)
    expect(leader.locator("#indicator-data-table")).to_be_visible()
    expect(value_rows(leader, "5")).to_have_count(0)  # submitted is not accepted
    leader = leader_sees(browser, server, all_values=True)
    expect(value_rows(leader, "5").locator('.ag-cell[col-id="acceptance"]')).to_have_text(
        "未确认")

    review_step(reviewer, server, "approve")
    statistician = as_user(browser, server, "province")
    review_step(statistician, server, "accept")
    expect(statistician.locator("#review-queue-empty")).to_be_visible()
    leader = leader_sees(browser, server, all_values=False)
    expect(value_rows(leader, "5")).to_have_count(1)  # accepted: shown by default

    entry(planner, server)
    locked = planner.locator("#entry-state-read-only")
    expect(locked).to_contain_text("province")
    expect(locked).to_contain_text("管理员解锁")
    expect(planner.locator("#entry-save")).to_be_hidden()  # a locked year offers no save
    cell = planner.locator(CELL.format(indicator=INSPECTIONS, column="value"))
    cell.dblclick()
    planner.keyboard.type("9")
    planner.keyboard.press("Enter")
    wait_for_dash(planner)
    expect(cell).not_to_have_text("9")  # the grid takes no edit
    assert stored(server) == 5.0

    planner.goto(f"{server.url}/history?region={COUNTY}")
    steps = planner.locator("#history-steps-grid")
    expect(steps).to_contain_text(COMMENT)
    expect(steps).to_contain_text("已确认")
