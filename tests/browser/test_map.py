"""The map page in Chromium on the demo data: it renders, its colours are those of `targets
status`, a tap on a region opens that region, and a phone needs no sideways scroll."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard.map_figure import drawn_codes
from indicators.regions import load_regions
from tests.browser.conftest import DESKTOP, PHONE, wait_for_dash
from tests.test_map import expected_colours, status_csv

# The map's traces, read from Plotly's graph div: filled tiles by code, and where a code's
# tile centre is on the screen.
TILES = """() => {
    const graph = document.querySelector('#map-figure .js-plotly-plot');
    return graph.data.filter(trace => trace.fill === 'toself')
        .map(trace => [trace.customdata[0], trace.fillcolor]);
}"""
CENTRE = """(code) => {
    const graph = document.querySelector('#map-figure .js-plotly-plot');
    const tile = graph.data.find(trace => trace.fill === 'toself' && trace.customdata[0] === code);
    const x = (Math.min(...tile.x) + Math.max(...tile.x)) / 2;
    const y = (Math.min(...tile.y) + Math.max(...tile.y)) / 2;
    const xa = graph._fullLayout.xaxis, ya = graph._fullLayout.yaxis;
    const box = graph.getBoundingClientRect();
    return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)];
}"""


def open_map(open_page, path: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    watched = open_page(path, viewport)
    expect(watched.page.locator("#map-figure .main-svg").first).to_be_visible()
    wait_for_dash(watched.page)
    return watched


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("level", ["prefecture", "county"])
def test_the_map_renders_with_its_legend_and_no_sideways_scroll(open_page, level, viewport,
                                                                language):
    path = f"/map?level={level}" + ("&lang=en" if language == "en" else "")
    watched = open_map(open_page, path, viewport)
    page = watched.page
    expect(page.locator("#map-title")).to_have_text("Map" if language == "en" else "地图")
    expect(page.locator("#map-legend-rate")).to_be_visible()
    tiles = dict(page.evaluate(TILES))
    assert len(tiles) == (9 if level == "prefecture" else 60)
    assert "000000" not in tiles and "220000" not in tiles
    graph = page.locator("#map-figure .js-plotly-plot").bounding_box()
    assert graph is not None and graph["width"] <= viewport["width"]
    assert graph["height"] >= 0.9 * min(640, 1.05 * viewport["width"])  # drawn, not folded
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1  # nothing forces sideways scrolling of the page
    page.locator(".map-list summary").click()
    links = page.locator("#map-list-items a")
    expect(links).to_have_count(len(tiles))
    assert all("/region/" in (link.get_attribute("href") or "") for link in links.all())
    assert watched.problems == []


@pytest.mark.parametrize(("year", "level"), [(2019, "prefecture"), (2020, "county")])
def test_the_map_colours_match_targets_status(open_page, server, tmp_path, year, level):
    expected = expected_colours(status_csv(server.database, year, tmp_path),
                                drawn_codes(load_regions(), level, year))
    watched = open_map(open_page, f"/map?year={year}&level={level}", DESKTOP)
    assert dict(watched.page.evaluate(TILES)) == expected


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_tap_on_a_region_opens_its_page_for_the_year_shown(open_page, viewport):
    watched = open_map(open_page, "/map?year=2019", viewport)
    page = watched.page
    x, y = page.evaluate(CENTRE, "220800")
    page.mouse.click(x, y)
    page.wait_for_url("**/region/220800**")
    assert parse_qs(urlparse(page.url).query)["year"] == ["2019"]
    expect(page.locator("#region-title")).to_contain_text("白城市")
    assert watched.problems == []


def test_the_filters_are_kept_in_the_url(open_page):
    watched = open_map(open_page, "/map?year=2019&level=county&lang=en", DESKTOP)
    page = watched.page
    expect(page.locator("#map-level")).to_contain_text("Counties")
    query = parse_qs(urlparse(page.url).query)
    assert query == {"year": ["2019"], "level": ["county"], "lang": ["en"]}
    assert len(page.evaluate(TILES)) == 60
