"""Figure builders and grid helpers as plain functions."""

import pandas as pd

from dashboard.figures import (
    STATUS_COLOURS,
    furthest_behind,
    gap_figure,
    grid_cells,
    sparkline,
    status_counts,
    trend_figure,
)
from dashboard.text import quote_in_context


def status_rows(*rows):
    columns = ["region_code", "indicator_id", "target_id", "deadline_year", "status", "gap_pct",
               "direction", "region_zh"]
    return pd.DataFrame(list(rows), columns=columns)


def test_trend_figure_highlights_one_region_and_steps_its_targets():
    series = pd.DataFrame({"region_code": ["220100"] * 3 + ["220200"] * 3,
                           "period": [2016, 2017, 2018] * 2, "value": [20, 22, 25, 30, 31, 32]})
    targets = pd.DataFrame({"deadline_year": [2019, 2018], "target_lower": [28.0, 26.0],
                            "target_upper": [float("nan")] * 2})
    figure = trend_figure(series, targets, "220100", {"220100": "长春市", "220200": "吉林市"},
                          "zh", "%")
    lines = {trace.name: trace for trace in figure.data}
    assert lines["长春市"].line.width == 3 and lines["长春市"].showlegend
    assert lines["吉林市"].line.width == 1 and not lines["吉林市"].showlegend
    target = lines["目标"]
    assert target.line.shape == "hv"
    assert list(target.x) == [2018, 2019] and list(target.y) == [26.0, 28.0]  # sorted by year
    assert figure.layout.yaxis.title.text == "数值 (%)"
    assert figure.layout.xaxis.title.text == "年份"


def test_trend_figure_draws_a_band_for_a_range_in_english():
    series = pd.DataFrame({"region_code": ["220100"], "period": [2018], "value": [85.0]})
    targets = pd.DataFrame({"deadline_year": [2018], "target_lower": [80.0],
                            "target_upper": [100.0]})
    figure = trend_figure(series, targets, "220100", {}, "en", "%")
    band = [trace for trace in figure.data if trace.fill == "tonexty"]
    assert len(band) == 1 and list(band[0].y) == [80.0]
    assert figure.layout.title.text == "Actual values against each region's target"


def test_gap_figure_sorts_and_colours_by_status():
    rows = pd.DataFrame({"region": ["甲", "乙", "丙", "丁"], "gap": [2.0, -5.0, 0.5, None],
                         "status": ["met", "missed", "met", "no_data"]})
    figure = gap_figure(rows, "zh", "%", 2019)
    bar = figure.data[0]
    assert list(bar.y) == ["甲", "丙", "乙"]  # drawn bottom-up: the furthest behind on top
    assert list(bar.marker.color) == [STATUS_COLOURS[s] for s in ("met", "met", "missed")]
    assert bar.text[2] == "✗ 未达标"
    assert figure.layout.title.text == "2019年各地区与目标的差距"


def test_sparkline_is_small_and_in_the_status_colour():
    figure = sparkline(pd.DataFrame({"period": [2017, 2018], "value": [1.0, 2.0]}), "at_risk")
    assert figure.layout.height == 48 and figure.data[0].line.color == STATUS_COLOURS["at_risk"]


def test_grid_cells_pick_the_target_due_that_year_else_the_next_else_the_last():
    status = status_rows(
        ("A", "x", "t2018", 2018, "met", 0, "higher", "甲"),
        ("A", "x", "t2019", 2019, "at_risk", -5, "higher", "甲"),
        ("A", "x", "t2020", 2020, "on_track", 0, "higher", "甲"),
        ("A", "y", "y2018", 2018, "missed", -10, "higher", "甲"),
        ("B", "x", "t2020", 2020, "off_track", -20, "higher", "乙"))
    cells = grid_cells(status, 2019).set_index(["region_code", "indicator_id"])
    assert cells.loc[("A", "x"), "target_id"] == "t2019"
    assert cells.loc[("A", "y"), "target_id"] == "y2018"
    assert cells.loc[("B", "x"), "target_id"] == "t2020"
    assert status_counts(cells.reset_index()) == {"met": 0, "met_late": 0, "on_track": 0,
                                                  "at_risk": 1, "off_track": 1, "missed": 1,
                                                  "no_data": 0}


def test_furthest_behind_per_indicator():
    cells = status_rows(
        ("A", "x", "t", 2019, "met", 5, "higher", "甲"),
        ("B", "x", "t", 2019, "on_track", -1, "higher", "乙"),
        ("C", "x", "t", 2019, "missed", -30, "higher", "丙"),
        ("D", "x", "t", 2019, "no_data", None, "higher", "丁"),
        ("E", "x", "t", 2019, "at_risk", -10, "higher", "戊"),
        ("A", "z", "u", 2019, "missed", 40, "lower", "甲"))
    behind = furthest_behind(cells)
    assert behind[behind["indicator_id"] == "x"]["region_zh"].tolist() == ["丙", "戊"]
    assert behind[behind["indicator_id"] == "z"]["region_zh"].tolist() == ["甲"]


def test_furthest_behind_keeps_the_worst_few_per_indicator_worst_first():
    shortfalls = {"A": -5, "B": -40, "C": -12, "D": -25, "E": -1}
    cells = status_rows(
        *[(code, "x", "t", 2019, "off_track", gap, "higher", code)
          for code, gap in shortfalls.items()],
        ("F", "x", "t", 2019, "met", -90, "higher", "F"),  # met: never behind
        ("A", "z", "u", 2019, "missed", 10, "lower", "A"),
        ("B", "z", "u", 2019, "at_risk", 30, "lower", "B"))
    behind = furthest_behind(cells, count=3)
    assert behind[behind["indicator_id"] == "x"]["region_zh"].tolist() == ["B", "D", "C"]
    assert behind[behind["indicator_id"] == "z"]["region_zh"].tolist() == ["B", "A"]
    assert behind["shortfall"].tolist() == sorted(behind["shortfall"])


def test_rates_leave_out_indicators_without_data_and_rows_without_an_indicator():
    cells = status_rows(("A", "x", "t", 2019, "no_data", None, "higher", "甲"),
                        ("A", "y", "u", 2019, "on_track", 1, "higher", "甲"),
                        ("B", None, "v", 2019, "missed", -5, "higher", "乙"))
    assert furthest_behind(cells).empty


def test_quote_in_context_is_cut_at_sentence_ends_across_page_breaks():
    text = "第一句。城市道路达到\n\n80% 以上。第三句很长。"
    before, quote, after = quote_in_context(text, "达到80% 以上")
    assert (before, quote, after) == ("城市道路", "达到80% 以上", "。")
    assert quote_in_context(text, "不存在") == ("", "不存在", "")
