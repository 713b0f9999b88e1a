"""Every page in a real headless Chromium against the running app, on demo data."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, quote, urlparse

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.figures import grid_cells, status_counts
from etl.export import EXPORT_COLUMNS
from etl.store import Store
from indicators.reference import Reference
from indicators.status import status_table
from targets.cli import main as targets
from tests.browser.conftest import DESKTOP, PHONE

PAGES = {
    "overview": ("/", "#overview-grid-table .ag-row"),
    "indicator": ("/indicator/transit_modal_share?region=220300&year=2019",
                  "#indicator-trend .main-svg"),
    "region": ("/region/220100", "#region-targets .region-target"),
    "downloads": ("/downloads", "#downloads-button"),
}


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_loads_without_errors_and_shows_the_demo_banner(open_page, name, viewport,
                                                             language):
    path, ready = PAGES[name]
    if language == "en":
        path += ("&" if "?" in path else "?") + "lang=en"
    watched = open_page(path, viewport)
    expect(watched.page.locator(ready).first).to_be_visible()
    expect(watched.page.locator("#demo-banner")).to_be_visible()
    banner = watched.page.locator("#demo-banner").inner_text()
    assert ("Demo data" in banner) if language == "en" else ("演示数据" in banner)
    expect(watched.page.locator("#published-banner")).to_have_count(0)
    watched.page.wait_for_load_state("networkidle")
    assert watched.problems == []
    width = watched.page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1  # nothing forces sideways scrolling of the page


def test_click_on_the_grid_opens_that_indicator_for_that_region(open_page):
    document = quote("吉政办发〔2018〕17号")
    watched = open_page(f"/?year=2019&document={document}&theme=urban_transport")
    page = watched.page
    cell = page.locator('#overview-grid-table .ag-row[row-id="220300"] '
                        '.ag-cell[col-id="transit_modal_share"]').first
    expect(cell).to_be_visible()
    cell.click()
    page.wait_for_url("**/indicator/transit_modal_share**")
    query = parse_qs(urlparse(page.url).query)
    assert query["region"] == ["220300"] and query["year"] == ["2019"]
    expect(page.locator("#indicator-title")).to_have_text("公共交通机动化出行分担率")
    expect(page.locator("#indicator-region")).to_contain_text("四平市")
    assert watched.problems == []


def test_language_switch_changes_the_labels(open_page):
    watched = open_page("/?year=2019")
    page = watched.page
    expect(page.locator("h1")).to_have_text("目标完成情况总览")
    page.locator("#language-switch").click()
    page.wait_for_url("**lang=en**")
    expect(page.locator("h1")).to_have_text("Target overview")
    expect(page.locator("#nav-downloads")).to_have_text("Downloads")
    assert parse_qs(urlparse(page.url).query)["year"] == ["2019"]
    page.locator("#language-switch").click()
    expect(page.locator("h1")).to_have_text("目标完成情况总览")


def test_shared_url_restores_the_filters_and_the_numbers(open_page, server):
    document = "吉政办发〔2018〕17号"
    watched = open_page(f"/?year=2019&document={quote(document)}&theme=urban_transport"
                        "&region_class=other_cities")
    page = watched.page
    expect(page.locator("#overview-year")).to_contain_text("2019")
    expect(page.locator("#overview-document")).to_contain_text(document)
    expect(page.locator("#overview-theme")).to_contain_text("城市交通")
    expect(page.locator("#overview-class")).to_contain_text("其他城市")
    # The same numbers as `targets status` for that year, filtered the same way.
    store = Store(server.database)
    status = status_table(store.values(), Reference.load(), 2019)
    status = status[(status["document"] == document) & (status["theme"] == "urban_transport")
                    & (status["region_class"] == "other_cities")]
    expected = status_counts(grid_cells(status, 2019))
    assert sum(expected.values()) > 0
    for name, count in expected.items():
        expect(page.locator(f"#overview-count-{name}")).to_have_text(str(count))
    # Why `targets status` gives a larger total: it counts targets, the grid pairs.
    expect(page.locator("#overview-pairs-note")).to_contain_text("targets status")
    assert len(status) > sum(expected.values())


def test_changing_a_filter_updates_the_url(open_page):
    watched = open_page("/")
    page = watched.page
    page.locator("#overview-year").click()
    page.get_by_role("option", name="2018").click()
    page.wait_for_function("window.location.search.includes('year=2018')")
    assert "year=2018" in page.url


def test_download_equals_targets_export_for_the_same_filters(open_page, server, tmp_path):
    watched = open_page("/downloads?indicator=transit_modal_share&region=220100&region=220300"
                        "&start=2018&end=2019")
    page = watched.page
    expect(page.locator("#downloads-indicator")).to_contain_text("公共交通机动化出行分担率")
    with page.expect_download() as download:
        page.locator("#downloads-button").click()
    from_page = tmp_path / "page.csv"
    download.value.save_as(from_page)
    from_command = tmp_path / "command.csv"
    assert targets(["--database", server.database, "export", "--indicator", "transit_modal_share",
                    "--region", "220100", "--region", "220300", "--from", "2018", "--to", "2019",
                    "-o", str(from_command)]) == 0
    assert from_page.read_bytes() == from_command.read_bytes()
    table = pd.read_csv(io.BytesIO(from_page.read_bytes()), encoding="utf-8-sig")
    assert set(table["region_code"]) == {220100, 220300} and set(table["period"]) == {2018, 2019}
    assert watched.problems == []


def test_indicator_download_is_the_extract_of_the_rows_shown(open_page):
    watched = open_page("/indicator/park_green_space_per_capita?region=220100&year=2019")
    page = watched.page
    expect(page.locator("#indicator-data-table .ag-row").first).to_be_visible()
    with page.expect_download() as download:
        page.locator("#indicator-download-button").click()
    table = pd.read_csv(download.value.path(), encoding="utf-8-sig", dtype={"region_code": str})
    shown = page.evaluate(
        "() => { const rows = []; const api = dash_ag_grid.getApi('indicator-data-table');"
        " api.forEachNode(n => rows.push(n.data)); return rows; }")
    assert len(table) == len(shown) > 0
    assert table.columns.tolist() == EXPORT_COLUMNS  # the full extract's columns
    assert table["value"].round(6).tolist() == [round(row["value"], 6) for row in shown]
    assert set(table["target_id"].dropna()) == {"jzbf17-09", "jzbf17-19", "jzbf17-34"}


def test_indicator_page_shows_provenance_with_the_clause_in_context(open_page):
    watched = open_page("/indicator/transit_modal_share?region=220100")
    provenance = watched.page.locator("#indicator-provenance")
    expect(provenance).to_contain_text("吉政办发〔2018〕17号 三(一)2")
    expect(provenance).to_contain_text("长春市、吉林市公共交通机动化出行分担率达到26%以上")
    expect(provenance.locator("mark").first).to_be_visible()


def test_indicator_page_shows_the_definition_with_its_source(open_page):
    watched = open_page("/indicator/park_green_space_per_capita")
    definition = watched.page.locator("#indicator-definition")
    expect(definition).to_contain_text("人均公园绿地面积指报告期末城区内平均每人拥有的公园绿地面积")
    expect(definition).to_contain_text("chla.com.cn")
    expect(definition).to_contain_text("统计资料中的名称: 人均公园绿地面积")


def test_region_page_lists_targets_and_unreported_indicators(open_page):
    watched = open_page("/region/220184?year=2020")
    page = watched.page
    expect(page.locator("#region-title")).to_contain_text("公主岭市")
    expect(page.locator("#region-targets .region-target").first).to_be_visible()
    expect(page.locator("#region-missing")).to_be_visible()


def test_indicator_page_offers_the_opensdg_method(open_page, server):
    watched = open_page("/indicator/transit_modal_share?region=220100&year=2019&method=opensdg")
    page = watched.page
    expect(page.locator("#indicator-method")).to_contain_text("Open SDG")
    store = Store(server.database)
    status = status_table(store.values(), Reference.load(), 2019)
    own = status[(status["region_code"] == "220100")
                 & (status["indicator_id"] == "transit_modal_share")]
    labels = {"target_achieved": "已达目标", "substantial": "进展显著", "moderate": "进展一般",
              "limited": "进展有限", "deterioration": "倒退", "not_available": "无法评估"}
    badges = page.locator("#indicator-region-targets")
    for value in own["opensdg_status"]:
        expect(badges).to_contain_text(labels[value])
    assert watched.problems == []
