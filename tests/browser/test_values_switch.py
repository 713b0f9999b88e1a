"""The values switch in a real headless Chromium: the indicator page hides a draft value by
default, and the switch shows it marked 未确认, keeping `values=all` in the URL and its links."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from etl.store import Store
from tests.browser.conftest import Server, served, wait_for_dash
from tests.factories import make_rows

SHARE = "transit_modal_share"
SIPING = "220300"  # 四平市
WIDE = {"width": 2400, "height": 1000}  # every column of the table in view


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A store of accepted values and one draft (四平市 2020: 17.25)."""
    folder = tmp_path_factory.mktemp("values")
    url = f"sqlite:///{folder / 'values.sqlite'}"
    store = Store(url)
    store.load(make_rows(("220100", SHARE, 2019, 24.0), (SIPING, SHARE, 2019, 15.0),
                         ("220100", SHARE, 2020, 26.0)),
               by="operator", source="published.csv", accept=True)
    store.load(make_rows((SIPING, SHARE, 2020, 17.25)), by="planner", source="form",
               kind="form")
    with served(url, folder / "config") as running:
        yield running


def values_cells(page, text: str):  # type: ignore[no-untyped-def]
    return page.locator('#indicator-data-table .ag-cell[col-id="value"]', has_text=text)


def test_the_switch_shows_the_draft_marked_and_the_default_hides_it(open_page):
    watched = open_page(f"/indicator/{SHARE}?region={SIPING}&year=2020", WIDE)
    page = watched.page
    expect(page.locator("#indicator-values-basis")).to_have_text("状态按已确认数值计算")
    expect(values_cells(page, "15").first).to_be_visible()
    expect(values_cells(page, "17.25")).to_have_count(0)
    expect(page.locator('#indicator-data-table .ag-header-cell[col-id="acceptance"]')
           ).to_have_count(0)

    page.locator("#indicator-values").check()
    page.wait_for_url(re.compile(r".*values=all.*"))
    wait_for_dash(page)
    # The page's own URL sync (run as it opens) keeps the choice beside its filters.
    assert f"region={SIPING}" in page.url and "year=2020" in page.url
    assert "values=all" in page.url
    expect(page.locator("#indicator-values-basis")).to_contain_text("含未确认数值")
    expect(page.locator("#indicator-values")).to_be_checked()
    draft = page.locator("#indicator-data-table .ag-row", has=page.locator(
        '.ag-cell[col-id="value"]', has_text="17.25"))
    expect(draft.locator('.ag-cell[col-id="acceptance"]')).to_have_text("未确认")
    accepted = page.locator("#indicator-data-table .ag-row", has=page.locator(
        '.ag-cell[col-id="value"]', has_text="15"))
    expect(accepted.first.locator('.ag-cell[col-id="acceptance"]')).to_have_text("已确认")
    # The hollow marker of the draft in the chart, named in its legend.
    expect(page.locator("#indicator-trend .legendtext", has_text="未确认")).to_be_visible()
    # The header's links keep it too.
    expect(page.locator("#nav-overview")).to_have_attribute("href", re.compile("values=all"))
    assert watched.problems == []

    page.locator("#indicator-values").uncheck()
    page.wait_for_url(re.compile(r"^(?!.*values=all).*$"))
    wait_for_dash(page)
    expect(values_cells(page, "15").first).to_be_visible()
    expect(values_cells(page, "17.25")).to_have_count(0)
