"""Figure builders: pure functions from frames to plotly figures (no Dash, no store)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.i18n import t
from indicators.catalogue import TargetKind
from indicators.statuses import OpenSdgStatus, Status
from indicators.summary import BEHIND_STATUSES
from indicators.units import unit_label

# Okabe-Ito colours, told apart by colour-blind readers too; each status also has a symbol.
# Open SDG's statuses (OpenSdgStatus) take the colours of ours on the same scale.
STATUS_COLOURS: dict[str, str] = {
    Status.MET: "#009E73", Status.MET_LATE: "#0072B2", Status.ON_TRACK: "#56B4E9",
    Status.AT_RISK: "#E69F00", Status.OFF_TRACK: "#D55E00", Status.MISSED: "#882255",
    Status.NO_DATA: "#BBBBBB",
}
STATUS_SYMBOLS: dict[str, str] = {
    Status.MET: "✓", Status.MET_LATE: "☑", Status.ON_TRACK: "↗", Status.AT_RISK: "!",
    Status.OFF_TRACK: "↘", Status.MISSED: "✗", Status.NO_DATA: "·",
}
# Plain strings: they become the categories of the overview's status column.
STATUS_ORDER = [status.value for status in Status]
OPENSDG_ORDER = [status.value for status in OpenSdgStatus]
STATUS_COLOURS.update({opensdg: STATUS_COLOURS[ours] for opensdg, ours in (
    (OpenSdgStatus.TARGET_ACHIEVED, Status.MET), (OpenSdgStatus.SUBSTANTIAL, Status.ON_TRACK),
    (OpenSdgStatus.MODERATE, Status.AT_RISK), (OpenSdgStatus.LIMITED, Status.OFF_TRACK),
    (OpenSdgStatus.DETERIORATION, Status.MISSED), (OpenSdgStatus.NOT_AVAILABLE, Status.NO_DATA))})
STATUS_SYMBOLS.update({
    OpenSdgStatus.TARGET_ACHIEVED: "✓", OpenSdgStatus.SUBSTANTIAL: "↗",
    OpenSdgStatus.MODERATE: "→", OpenSdgStatus.LIMITED: "↘",
    OpenSdgStatus.DETERIORATION: "✗", OpenSdgStatus.NOT_AVAILABLE: "·",
})
# The statuses counted as meeting their target (达标), and as behind it.
BEHIND = BEHIND_STATUSES  # indicators.summary's: one meaning of "behind" everywhere
FONT = "WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif"
# Above this many regions the trend chart draws the others as a band (10th to 90th
# percentile) and their median: thousands of grey lines say nothing and weigh megabytes.
MAX_REGION_LINES = 100
# Above this many bars the gap chart keeps the largest and the smallest gaps.
MAX_GAP_BARS = 120


def _template() -> go.layout.Template:
    """plotly_white cut to what these charts use: the whole of it is deep-copied into every
    figure, which slows every figure and enlarges every answer (docs/benchmarks.md)."""
    white = pio.templates["plotly_white"]
    layout = {key: white.layout[key] for key in (
        "font", "paper_bgcolor", "plot_bgcolor", "colorway", "hovermode", "hoverlabel",
        "title", "xaxis", "yaxis", "annotationdefaults", "shapedefaults")}
    return go.layout.Template(layout=layout, data={"bar": white.data.bar,
                                                   "scatter": white.data.scatter})


pio.templates["targets_white"] = _template()


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0.01}, font={"family": FONT, "size": 13},
        xaxis_title=x_title, yaxis_title=y_title, template="targets_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 50}, legend={"orientation": "h", "y": -0.2},
        hoverlabel={"font_family": FONT},
    )
    return figure


def trend_figure(series: pd.DataFrame, targets: pd.DataFrame, highlight: str | None,
                 names: dict[str, str], language: str, unit: str,
                 comparison: frozenset[str] = frozenset(),
                 not_accepted: np.ndarray | None = None) -> go.Figure:
    """Each region's values over time (the highlighted one bold) against the highlighted
    region's own targets: a step line, or a band for a range. Comparison regions (全国) are
    drawn apart, each as its own dark dashed line that is always in the legend: they are a
    reference, not one of the regions judged, so they are neither grey lines nor part of
    the others' spread, and never highlighted. `not_accepted` (one flag per row of
    `series`, in the all values view) marks the highlighted region's values not yet
    accepted with a hollow marker, 未确认 on hover.

    series: region_code, period, value. targets: deadline_year, target_lower, target_upper
    for the highlighted region (from the status table)."""
    figure = go.Figure()
    if not_accepted is not None and highlight is not None:
        marked = series[np.asarray(not_accepted, dtype=bool)
                        & (series["region_code"] == highlight).to_numpy()]
    else:
        marked = series.iloc[0:0]
    compared = series["region_code"].isin(comparison)
    references, series = series[compared], series[~compared]
    if highlight in comparison:
        highlight = None
    if series["region_code"].nunique() > MAX_REGION_LINES:
        _add_spread(figure, series[series["region_code"] != highlight], language)
        series = series[series["region_code"] == highlight]
    for code, rows in series.groupby("region_code", sort=False):
        bold = code == highlight
        figure.add_trace(go.Scatter(
            x=rows["period"], y=rows["value"], mode="lines+markers" if bold else "lines",
            line_shape="hv" if unit == "done" else "linear",
            name=names.get(code, code), legendrank=1 if bold else 1000,
            line={"width": 3 if bold else 1, "color": "#0072B2" if bold else "#C8C8C8"},
            showlegend=bold, hovertemplate="%{fullData.name}: %{y}<extra>%{x}</extra>",
        ))
    _add_comparison(figure, references, names, language, unit)
    _add_not_accepted(figure, marked, language)
    _add_targets(figure, targets, language)
    figure.update_xaxes(dtick=1)
    if unit == "done":
        figure.update_yaxes(tickvals=[0, 1], ticktext=[t("not_done", language),
                                                       t("done", language)])
    return _layout(figure, t("trend_title", language), t("axis_year", language),
                   f"{t('value', language)} ({unit_label(unit, language)})")


COMPARISON_COLOUR = "#333333"


def _add_not_accepted(figure: go.Figure, rows: pd.DataFrame, language: str) -> None:
    """Values not yet accepted as hollow markers over their line, said on hover too."""
    if rows.empty:
        return
    label = t("not_accepted", language)
    figure.add_trace(go.Scatter(
        x=rows["period"], y=rows["value"], mode="markers", name=label, legendrank=3,
        marker={"symbol": "circle-open", "size": 13, "color": "#D55E00",
                "line": {"width": 2}},
        showlegend=True, hovertemplate=f"%{{y}} ({label})<extra>%{{x}}</extra>"))


def _add_comparison(figure: go.Figure, series: pd.DataFrame, names: dict[str, str],
                    language: str, unit: str) -> None:
    """Each comparison region's values as a dark dashed line with markers, named with a
    suffix saying it is there to compare with (全国（对比）)."""
    for code, rows in series.groupby("region_code", sort=True, observed=True):
        figure.add_trace(go.Scatter(
            x=rows["period"], y=rows["value"], mode="lines+markers",
            line_shape="hv" if unit == "done" else "linear",
            name=f"{names.get(code, code)}{t('comparison_suffix', language)}", legendrank=2,
            line={"width": 2, "color": COMPARISON_COLOUR, "dash": "dash"},
            marker={"symbol": "square", "size": 7, "color": COMPARISON_COLOUR},
            showlegend=True, hovertemplate="%{fullData.name}: %{y}<extra>%{x}</extra>",
        ))


def _add_spread(figure: go.Figure, series: pd.DataFrame, language: str) -> None:
    """The other regions as their median and 10th-90th percentile band, year by year."""
    by_year = series.groupby("period")["value"]
    spread = pd.DataFrame({"low": by_year.quantile(0.1), "median": by_year.median(),
                           "high": by_year.quantile(0.9)})
    years = spread.index.to_list()
    figure.add_trace(go.Scatter(x=years, y=spread["high"], mode="lines", line={"width": 0},
                                showlegend=False, hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=years, y=spread["low"], mode="lines", line={"width": 0}, fill="tonexty",
        fillcolor="rgba(160,160,160,0.25)", name=t("other_regions_band", language),
        hoverinfo="skip", legendrank=900))
    figure.add_trace(go.Scatter(
        x=years, y=spread["median"], mode="lines", line={"width": 1.5, "color": "#999999"},
        name=t("other_regions_median", language), legendrank=901,
        hovertemplate="%{fullData.name}: %{y}<extra>%{x}</extra>"))


def _add_targets(figure: go.Figure, targets: pd.DataFrame, language: str) -> None:
    # A cumulative target bounds a sum over years, not the yearly values drawn here.
    if "kind" in targets:
        targets = targets[targets["kind"] != TargetKind.CUMULATIVE]
    if targets.empty:
        return
    ordered = targets.sort_values("deadline_year")
    lower, upper = ordered["target_lower"], ordered["target_upper"]
    is_range = bool((lower.notna() & upper.notna() & (lower != upper)).any())
    years = ordered["deadline_year"]
    if is_range:
        figure.add_trace(go.Scatter(x=years, y=upper, mode="lines", line_shape="hv",
                                    line={"width": 0}, showlegend=False, hoverinfo="skip"))
        figure.add_trace(go.Scatter(x=years, y=lower, mode="lines", line_shape="hv",
                                    fill="tonexty", fillcolor="rgba(0,158,115,0.18)",
                                    line={"color": "#009E73", "dash": "dash"},
                                    name=t("target", language)))
        return
    bound = lower.fillna(upper)
    figure.add_trace(go.Scatter(
        x=years, y=bound, mode="lines+markers", line_shape="hv", name=t("target", language),
        line={"color": "#009E73", "dash": "dash", "width": 2}, marker={"symbol": "diamond"}))


def gap_figure(rows: pd.DataFrame, language: str, unit: str, year: int) -> go.Figure:
    """The gap to each region's own target, sorted, coloured (and marked) by status.

    rows: region name, gap, status."""
    # Plotly draws the first bar at the bottom: the furthest behind ends up on top.
    ordered = rows.dropna(subset=["gap"]).sort_values("gap", ascending=False)
    shown = len(ordered)
    if shown > MAX_GAP_BARS:  # both ends: which end is behind depends on the direction
        half = MAX_GAP_BARS // 2
        ordered = pd.concat([ordered.head(half), ordered.tail(half)])
    figure = go.Figure(go.Bar(
        x=ordered["gap"], y=ordered["region"], orientation="h",
        marker={"color": [STATUS_COLOURS[s] for s in ordered["status"]]},
        text=[f"{STATUS_SYMBOLS[s]} {t(s, language)}" for s in ordered["status"]],
        # Inside the bar, never past the chart's edge (on a phone "auto" put a short bar's
        # label outside, cut at the right); one too long for its bar is left out, and the
        # status symbol beside the region's name still says it.
        textposition="inside", insidetextanchor="start", cliponaxis=True,
        hovertemplate="%{y}: %{x}<extra></extra>",
    ))
    figure.add_vline(x=0, line={"color": "#444", "width": 1})
    if ordered.empty:
        figure.add_annotation(text=t("no_target_due", language, year=year), showarrow=False,
                              x=0.5, y=0.5, xref="paper", yref="paper")
    if shown > MAX_GAP_BARS:
        figure.add_annotation(text=t("gap_ends", language, shown=MAX_GAP_BARS, total=shown),
                              showarrow=False, x=1, y=1.02, xref="paper", yref="paper",
                              xanchor="right", yanchor="bottom", font={"size": 11})
    height = max(300, 24 * len(ordered) + 100)
    figure.update_layout(
        height=height, uniformtext={"minsize": 9, "mode": "hide"},
        yaxis={"automargin": True, "tickvals": list(ordered["region"]),
               "ticktext": [f"{name} {STATUS_SYMBOLS[s]}"
                            for name, s in zip(ordered["region"], ordered["status"],
                                               strict=True)]})
    return _layout(figure, t("gap_title", language, year=year),
                   # Two lines: at 390 px one line ran past the chart's right edge.
                   f"{t('gap', language)}<br>({gap_unit_label(unit, language)})",
                   t("region", language))


def gap_unit_label(unit: str, language: str) -> str:
    """A difference of two shares is in percentage points, not percent."""
    return unit_label("percentage_point" if unit == "percent" else unit, language)


def sparkline(values: pd.DataFrame, status: str) -> go.Figure:
    """A small trend line without axes, in the status colour."""
    return go.Figure(sparkline_spec(values, status))


def sparkline_spec(values: pd.DataFrame, status: str) -> dict[str, Any]:
    """The sparkline as the plain figure dict dcc.Graph takes: a page shows dozens, and
    building each as a validated go.Figure with a template would make the page slow
    (docs/benchmarks.md)."""
    return {
        "data": [{"type": "scatter", "x": values["period"].tolist(),
                  "y": values["value"].tolist(), "mode": "lines+markers",
                  "line": {"color": STATUS_COLOURS.get(status, "#888"), "width": 2},
                  "marker": {"size": 4}, "hovertemplate": "%{x}: %{y}<extra></extra>"}],
        "layout": {"height": 48, "width": 150, "margin": {"l": 2, "r": 2, "t": 2, "b": 2},
                   "xaxis": {"visible": False}, "yaxis": {"visible": False},
                   "showlegend": False, "template": {},
                   "paper_bgcolor": "white", "plot_bgcolor": "white"},
    }


def furthest_behind(cells: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """Per indicator, the regions whose gap is worst relative to their target."""
    behind = np.flatnonzero(cells["gap_pct"].notna() & cells["indicator_id"].notna()
                            & cells["status"].isin(BEHIND))
    gap = cells["gap_pct"].to_numpy()[behind]
    shortfall = np.where((cells["direction"] == "higher").to_numpy()[behind], gap, -gap)
    order = np.argsort(shortfall)
    # Sorted and cut on arrays; only the few rows kept are taken from the frame.
    indicator = pd.factorize(cells["indicator_id"])[0][behind[order]]
    kept = order[pd.Series(indicator).groupby(indicator).cumcount().to_numpy() < count]
    return cells.take(behind[kept]).assign(shortfall=shortfall[kept])


def grid_cells(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per (region, indicator): the target due in `year`, else the next one due,
    else the last one that was due."""
    if status.empty:
        return status
    return first_cells(grid_order(status, year)).drop(columns="_pair")


def grid_order(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows sorted so that each (region, indicator)'s first row is its cell, with `_pair`
    numbering the pairs. Keeping some rows keeps this order, so a page sorts once a year and
    filters after (first_cells of the kept rows = grid_cells of them)."""
    deadline = status["deadline_year"].to_numpy()
    region = pd.factorize(status["region_code"], sort=True)[0]
    indicator = pd.factorize(status["indicator_id"], sort=True)[0]
    # By region, indicator, then due this year or later before past, nearest first, target
    # id: numpy's lexsort of integer codes (the last key sorts first) is ten times quicker
    # than sorting the text columns.
    order = np.lexsort((pd.factorize(status["target_id"], sort=True)[0],
                        np.abs(deadline - year), deadline < year, indicator, region))
    pair = region[order] * (indicator.max(initial=0) + 1) + indicator[order]
    return status.take(order).assign(_pair=pair)


def first_cells(ranked: pd.DataFrame) -> pd.DataFrame:
    """The first row of each pair of rows in grid_order."""
    pair = ranked["_pair"].to_numpy()
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    return ranked[first]


def status_counts(cells: pd.DataFrame) -> dict[str, int]:
    counts = cells["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUS_ORDER}
