"""Context indicators and comparison regions in a real headless Chromium: the app on a store
that holds 全国's published values and a context indicator's, beside Jilin's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from etl.store import Store
from tests.browser.conftest import Server, served
from tests.factories import make_rows

SHARE = "transit_modal_share"
GREEN = "built_up_green_coverage_ratio"
SOURCE = "2019年统计公报（国家统计局，2020-02-28）"
NOTE = "原文：“公共交通分担率30.1%”（第三节）"
WIDE = {"width": 2400, "height": 1000}  # every column of the table in view (AG Grid draws
# only the columns in view)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Overrides the demo server of conftest for this module's tests: a store of a few
    values, with a published figure of 全国 and a context indicator's values."""
    folder = tmp_path_factory.mktemp("context")
    url = f"sqlite:///{folder / 'context.sqlite'}"
    store = Store(url)
    store.load(make_rows(("220100", SHARE, 2018, 24.0), ("220100", SHARE, 2019, 26.5),
                         ("220200", SHARE, 2019, 22.0), ("220100", GREEN, 2019, 40.2)),
               by="planner", source="jilin.csv", accept=True)
    store.load(make_rows(("000000", SHARE, 2018, 29.0), ("000000", SHARE, 2019, 30.1),
                         ("000000", GREEN, 2019, 41.5), note=[NOTE] * 3),
               by="published", source=SOURCE, kind="published", is_demo=False, accept=True)
    with served(url, folder / "config") as running:
        yield running


def test_the_indicator_page_draws_china_for_comparison_and_shows_sources(open_page):
    watched = open_page(f"/indicator/{SHARE}?region=220100&year=2019", WIDE)
    page = watched.page
    expect(page.locator("#indicator-trend .legendtext", has_text="全国（对比）")).to_be_visible()
    # A store of published figures says so on every page, and where their sources are.
    expect(page.locator("#published-banner")).to_contain_text("已发布数据")
    expect(page.locator("#demo-banner")).to_have_count(0)
    expect(page.locator("#indicator-region")).not_to_contain_text("全国")
    expect(page.locator("#indicator-context-note")).to_have_count(0)
    source = page.locator('#indicator-data-table .ag-cell[col-id="source"]', has_text=SOURCE)
    expect(source.first).to_be_visible()
    expect(page.locator('#indicator-data-table .ag-cell[col-id="note"]',
                        has_text=NOTE).first).to_be_visible()
    expect(page.locator('#indicator-data-table .ag-header-cell[col-id="source"]')
           ).to_contain_text("来源")
    assert watched.problems == []


def test_a_context_indicator_shows_its_note(open_page):
    watched = open_page(f"/indicator/{GREEN}")
    page = watched.page
    expect(page.locator("#indicator-title")).to_have_text("建成区绿化覆盖率")
    expect(page.locator("#indicator-context-note")).to_have_text(
        "背景指标：没有目标，只作参照，不作评价")
    expect(page.locator("#indicator-provenance")).to_contain_text("本指标没有目标")
    expect(page.locator("#indicator-gap")).to_be_hidden()
    assert watched.problems == []


def test_the_comparison_region_page_says_it_is_not_judged(open_page):
    watched = open_page("/region/000000?lang=en")
    page = watched.page
    expect(page.locator("#region-comparison-note")).to_have_text(
        "Comparison region: its values are shown for reference and never judged against "
        "Jilin's targets")
    expect(page.locator("#region-context-values .region-context-value")).to_have_count(2)
    expect(page.locator("#region-missing")).to_have_count(0)
    assert watched.problems == []
