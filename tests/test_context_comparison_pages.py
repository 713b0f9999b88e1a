"""Context indicators (no target) and comparison regions (全国) on the pages: shown for
reference, with their source, and never judged, highlighted or counted."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import plotly
import pytest

from dashboard import state
from dashboard.figures import status_counts, trend_figure
from etl.export import EXPORT_COLUMNS
from etl.store import Store
from tests.factories import make_rows
from tests.test_dashboard_writes import page_module

SHARE = "transit_modal_share"
GREEN = "built_up_green_coverage_ratio"  # 建成区绿化覆盖率, a context indicator
CHINA = "000000"
PUBLISHED_SOURCE = "2019年国民经济和社会发展统计公报（国家统计局，2020-02-28）https://example.org/2019"
PUBLISHED_NOTE = "原文：“城市公共交通分担率达到30.1%”（第三节）；存疑：口径未说明"

# Jilin's values, judged against their targets.
JILIN = [("220100", SHARE, 2018, 24.0), ("220100", SHARE, 2019, 26.5),
         ("220200", SHARE, 2018, 21.0), ("220200", SHARE, 2019, 22.0),
         ("220300", SHARE, 2018, 15.0), ("220300", SHARE, 2019, 16.5)]
# Values no target judges: the context indicator for a city and for 全国.
CONTEXT = [("220100", GREEN, 2017, 38.0), ("220100", GREEN, 2018, 39.0),
           ("220100", GREEN, 2019, 40.25), ("220100", GREEN, 2016, 37.0),
           (CHINA, GREEN, 2019, 41.5)]
# 全国's published transit share.
PUBLISHED = [(CHINA, SHARE, 2018, 29.0), (CHINA, SHARE, 2019, 30.1)]


def load_published(store: Store) -> None:
    store.load(make_rows(*PUBLISHED, note=[PUBLISHED_NOTE] * len(PUBLISHED)), by="published",
               source=PUBLISHED_SOURCE, kind="published", is_demo=False, accept=True)


def make_app(tmp_path, monkeypatch, name: str, *, extras: bool = True) -> Any:
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the session key file
    url = f"sqlite:///{tmp_path / f'{name}.sqlite'}"
    store = Store(url)
    store.load(make_rows(*JILIN), by="planner", source="jilin.csv", accept=True)
    if extras:
        store.load(make_rows(*CONTEXT), by="planner", source="context.csv", accept=True)
        load_published(store)
    return create_app(url)


@pytest.fixture
def app(tmp_path, monkeypatch) -> Any:
    return make_app(tmp_path, monkeypatch, "store")


def text(component: Any) -> str:
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder,
                      ensure_ascii=False)


# --- the store ---------------------------------------------------------------------------

def test_value_sources_give_each_current_value_its_load_and_note(store):
    store.load(make_rows(*JILIN[:2]), by="planner", source="jilin.csv")
    load_published(store)
    store.load(make_rows((CHINA, SHARE, 2019, 30.2), note=["改正"]), by="x", source="fix.csv")
    every = store.value_sources(SHARE)
    assert list(every.columns) == ["region_code", "period", "source", "note", "kind"]
    assert list(zip(every["region_code"], every["period"], strict=True)) == [
        (CHINA, 2018), (CHINA, 2019), ("220100", 2018), ("220100", 2019)]
    china = every[every["region_code"] == CHINA].set_index("period")
    assert china.at[2018, "source"] == PUBLISHED_SOURCE and china.at[2018, "kind"] == "published"
    assert china.at[2018, "note"] == PUBLISHED_NOTE
    # The current revision's, not the first one's.
    assert (china.at[2019, "source"], china.at[2019, "note"]) == ("fix.csv", "改正")
    one = store.value_sources(SHARE, "220100")
    assert set(one["region_code"]) == {"220100"} and set(one["kind"]) == {"file"}
    assert store.value_sources(GREEN).empty


# --- the trend figure --------------------------------------------------------------------

def series_of(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([(code, period, value) for code, _i, period, value in rows],
                        columns=["region_code", "period", "value"])


NAMES = {"220100": "长春市", "220200": "吉林市", "220300": "四平市", CHINA: "全国"}
NO_TARGETS = pd.DataFrame(columns=["deadline_year", "target_lower", "target_upper"])


@pytest.mark.parametrize("language, name", [("zh", "全国（对比）"), ("en", "全国 (comparison)")])
def test_the_comparison_region_is_its_own_dark_dashed_line(language, name):
    figure = trend_figure(series_of(JILIN + PUBLISHED), NO_TARGETS, "220100", NAMES, language,
                          "percent", comparison=frozenset({CHINA}))
    compared = [trace for trace in figure.data if trace.name == name]
    assert len(compared) == 1
    trace = compared[0]
    assert list(trace.y) == [29.0, 30.1] and list(trace.x) == [2018, 2019]
    assert trace.line.dash == "dash" and "markers" in trace.mode and trace.showlegend
    assert trace.line.color == "#333333"
    # Not among the grey lines, and not the highlighted one.
    assert all(30.1 not in list(t.y) for t in figure.data if t is not trace)


def test_the_comparison_region_is_never_highlighted():
    figure = trend_figure(series_of(JILIN + PUBLISHED), NO_TARGETS, CHINA, NAMES, "zh",
                          "percent", comparison=frozenset({CHINA}))
    assert not any(trace.line.width == 3 for trace in figure.data)
    assert [trace.name for trace in figure.data if trace.showlegend] == ["全国（对比）"]


def test_the_spread_band_leaves_the_comparison_values_out(monkeypatch):
    from dashboard import figures

    monkeypatch.setattr(figures, "MAX_REGION_LINES", 2)  # three Jilin regions: a band
    figure = trend_figure(series_of(JILIN + PUBLISHED), NO_TARGETS, "220100", NAMES, "zh",
                          "percent", comparison=frozenset({CHINA}))
    band = [trace for trace in figure.data if trace.name == "其他地区（10%–90%分位）"]
    median = [trace for trace in figure.data if trace.name == "其他地区中位数"]
    assert band and median
    # The others are 吉林市 and 四平市 only: 全国 (29, 30.1) would raise the high end.
    others = series_of(JILIN[2:]).groupby("period")["value"]
    assert list(median[0].y) == pytest.approx(list(others.median()))
    high = next(trace for trace in figure.data if trace.showlegend is False
                and trace.fill is None and trace.hoverinfo == "skip")
    assert list(high.y) == pytest.approx(list(others.quantile(0.9)))
    assert any(trace.name == "全国（对比）" for trace in figure.data)


# --- the indicator page ------------------------------------------------------------------

def test_the_region_dropdown_leaves_out_the_comparison_region(app):
    indicator = page_module("indicator")
    with app.server.test_request_context("/"):
        codes = indicator._regions_of(SHARE)
        assert CHINA not in codes and {"220100", "220200", "220300"} <= set(codes)
        # A context indicator: the regions with values, 全国 left out.
        assert indicator._regions_of(GREEN) == ["220100"]


def test_the_trend_callback_draws_the_comparison_line(app):
    indicator = page_module("indicator")
    with app.server.test_request_context("/"):
        trend = indicator.update("220100", 2019, "escap", SHARE, "en")[0]
    names = [trace.name for trace in trend.data]
    assert "China (comparison)" in names and "China" not in names


def test_a_context_indicator_says_so_and_has_no_target(app):
    indicator = page_module("indicator")
    with app.server.test_request_context("/"):
        page = text(indicator.layout(indicator_id=GREEN))
        english = text(indicator.layout(indicator_id=GREEN, lang="en"))
        monitored = text(indicator.layout(indicator_id=SHARE))
    assert "背景指标：没有目标，只作参照，不作评价" in page
    assert "Context indicator: no target; shown for reference and never judged" in english
    assert "本指标没有目标" in page and "indicator-context-note" in page
    assert '"display": "none"' in page  # no gap chart
    assert "背景指标" not in monitored and "本指标没有目标" not in monitored
    assert '"display": "none"' not in monitored


def test_the_table_and_its_download_carry_source_and_note(app):
    indicator = page_module("indicator")
    with app.server.test_request_context("/"):
        shown = indicator._shown_table(SHARE, "220100", "zh")
        table = shown.to_plotly_json()["props"]
        csv = indicator.download(1, SHARE, "220100", "zh")
    rows = pd.DataFrame(table["rowData"])
    headers = {column["field"]: column["headerName"] for column in table["columnDefs"]}
    assert headers["source"] == "来源" and headers["note"] == "备注"
    # Regions by name in the grid shown; codes and target ids only in the download.
    assert "region_code" not in headers and "target_id" not in headers
    china = rows[rows["region"] == "全国"]
    assert set(china["source"]) == {PUBLISHED_SOURCE} and set(china["note"]) == {PUBLISHED_NOTE}
    assert set(rows.loc[rows["region"] == "长春市", "source"]) == {"jilin.csv"}
    import base64

    downloaded = pd.read_csv(io.BytesIO(base64.b64decode(csv["content"])), encoding="utf-8-sig",
                             dtype={"region_code": str})
    assert downloaded.columns.tolist() == EXPORT_COLUMNS  # the full extract's, as /downloads
    published = downloaded[downloaded["region_code"] == CHINA]
    assert list(published["source"]) == [PUBLISHED_SOURCE] * 2
    assert list(published["note"]) == [PUBLISHED_NOTE] * 2


# --- the region page ---------------------------------------------------------------------

def test_the_region_page_lists_its_context_values(app):
    region = page_module("region")
    with app.server.test_request_context("/"):
        page = text(region.layout(code="220100"))
        english = text(region.layout(code="220100", lang="en"))
    assert "背景与对比数值" in page and "Context and comparison values" in english
    # The latest value with its unit label and year, and the latest three years loaded.
    assert "最新值 40.25 % (2019年)" in page
    assert "已有数据: 2017年 38 · 2018年 39 · 2019年 40.25" in page
    assert "2016年 37" not in page
    assert f"/indicator/{GREEN}?region=220100&year=2019" in page
    assert "region-comparison-note" not in page
    # The monitored indicator stays among the targets, not among the context values.
    context = page[page.index("region-context-values"):]
    assert "公共交通机动化出行分担率" not in context


def test_a_region_without_such_values_has_no_section(app):
    region = page_module("region")
    with app.server.test_request_context("/"):
        page = text(region.layout(code="220200"))
    assert "背景与对比数值" not in page and "region-context-values" not in page


def test_the_comparison_region_page(app):
    region = page_module("region")
    with app.server.test_request_context("/"):
        page = text(region.layout(code=CHINA))
        english = text(region.layout(code=CHINA, lang="en"))
    assert "对比地区：数值只作参照，不按吉林省的目标评价" in page
    assert "全国（对比地区）" in page and "各项目标" not in page
    assert "Comparison region: its values are shown for reference" in english
    assert "China (comparison region)" in english
    assert "region-missing" not in page and "未报送的指标" not in page
    assert "最新值 30.1 % (2019年)" in page and "最新值 41.5 % (2019年)" in page
    assert "region-target\"" not in page  # no target card


# --- the overview ------------------------------------------------------------------------

def overview_of(app: Any, year: int) -> tuple[dict[str, int], set[str], set[str]]:
    overview = page_module("overview")
    with app.server.test_request_context("/"):
        cells = overview._cells(year, "", "", "")
    return (status_counts(cells), set(cells["region_code"].astype(str)),
            set(cells["indicator_id"].astype(str)))


def test_the_overview_is_unchanged_by_context_and_comparison_values(tmp_path, monkeypatch):
    plain = make_app(tmp_path, monkeypatch, "plain", extras=False)
    extended = make_app(tmp_path, monkeypatch, "extended")
    assert state.of(extended).store.value_sources(GREEN).shape[0] == len(CONTEXT)
    for year in (2018, 2019):
        counts, regions, indicators = overview_of(extended, year)
        assert (counts, regions, indicators) == overview_of(plain, year)
        assert CHINA not in regions and GREEN not in indicators
        assert sum(counts.values()) > 0


def test_a_planner_can_enter_the_context_indicators_of_a_jilin_region(app):
    with app.server.test_request_context("/"):
        source = state.current()
        rows = source.entry_rows("220100", 2019)
        context = rows[rows["indicator_id"].isin(source.reference.catalogue.context)]
        # After the indicators with a target, with no target of their own; the stored value.
        assert context["indicator_id"].tolist() == [GREEN,
                                                    "park_green_space_service_radius_coverage"]
        assert rows.index[rows["indicator_id"] == GREEN][0] > rows.index[
            rows["indicator_id"] == SHARE][0]
        assert context["target_ids"].tolist() == ["", ""]
        assert context["stored"].iloc[0] == 40.25
        # 全国 is no planner's region to fill in: nothing applies to it.
        assert source.entry_rows(CHINA, 2019).empty
