"""The tile map of Jilin: one square per region, coloured by its share of due targets met or by
one indicator's status; a pure figure builder (no Dash, no store), fit for static export.

The tiles are an equal-area layout by approximate geography (data/geo/jilin_tiles.csv, the
reasoning in data/README.md), not boundaries: every region gets the same room, so the seven
urban districts of 长春 can be read and tapped as well as 敦化.
"""

from __future__ import annotations

import logging
from functools import cache
from itertools import pairwise

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import FONT, STATUS_COLOURS, STATUS_SYMBOLS, grid_cells
from dashboard.i18n import t
from indicators.paths import data_dir
from indicators.regions import RegionRegister, valid_on
from indicators.statuses import Status
from indicators.summary import tallies, tally

LEVELS = ("prefecture", "county")
NO_VERDICT_COLOUR = STATUS_COLOURS[Status.NO_DATA]
# The rate scale: Okabe-Ito vermillion (none met) through yellow to bluish green (all met).
RATE_SCALE = [(0.0, "#D55E00"), (0.5, "#F0E442"), (1.0, "#009E73")]
# Endings left off on a tile, longest first (names are not cut below two characters).
SUFFIXES = ("朝鲜族自治州", "尔罗斯蒙古族自治县", "朝鲜族自治县", "满族自治县", "市", "县", "区",
            " Korean Autonomous Prefecture", " Mongol Autonomous County",
            " Korean Autonomous County", " Manchu Autonomous County", " District", " County",
            " City")
NO_TARGET_COLOUR = "#F2F2F2"  # with an indicator: the region has no target of it
TILE = 0.92  # a tile's side, in grid units: the rest is the gap between tiles


BRIEFING_SIZE = (900, 600)  # pixels of the map a briefing shows, about its 72 mm band's shape


def map_png(status: pd.DataFrame, register: RegionRegister, names: dict[str, str],
            language: str, year: int, region_code: str) -> bytes | None:
    """The map for a region's briefing (its level's map: the prefectures, or the county-level
    divisions for one of those), as a PNG through plotly's static export (Chromium); None
    when it cannot be drawn, so that a briefing is never refused for want of its map."""
    levels = register.regions.drop_duplicates("code").set_index("code")["level"]
    level = "county" if levels.get(region_code) == "county" else "prefecture"
    figure = region_map(status, register, names, language, year, level)
    width, height = BRIEFING_SIZE
    try:
        return figure.to_image(format="png", width=width, height=height)
    except Exception as error:  # kaleido's errors (no Chromium, a timeout) have no common base
        logging.getLogger(__name__).warning("briefing map not drawn: %s", error)
        return None


@cache
def tiles() -> pd.DataFrame:
    """The tile layout: code, name_zh, level, col, row (row 0 at the top)."""
    return pd.read_csv(data_dir() / "geo" / "jilin_tiles.csv",
                       dtype={"code": str, "col": int, "row": int})


def drawn_codes(register: RegionRegister, level: str, year: int) -> list[str]:
    """The codes drawn at `level` in `year`: tiles whose code was valid on 1 July of that year
    (公主岭 is 220381 before 2020-06-19, 220184 after), never a comparison region."""
    layout = tiles()[tiles()["level"] == level]
    regions = register.regions[register.regions["code"].isin(layout["code"])]
    valid = regions[valid_on(regions, pd.Timestamp(year=year, month=7, day=1))]
    return [code for code in layout["code"] if code in set(valid["code"])
            and code not in register.comparison]


def region_colours(status: pd.DataFrame, codes: list[str], indicator_id: str | None,
                   year: int) -> pd.DataFrame:
    """Per drawn code: met, due_with_verdict, rate (None without a verdict) and, with an
    indicator, status (its target due in `year`, else the next, else the last one due: the
    overview grid's cell), None where the region has no target of it."""
    rows = status[status["region_code"].isin(codes)]
    statuses: dict[str, str] = {}
    if indicator_id is not None:
        rows = grid_cells(rows[rows["indicator_id"] == indicator_id], year)
        statuses = dict(zip(rows["region_code"].astype(str), rows["status"].astype(str),
                            strict=True))
    counted = tallies(rows, "region_code")  # every region counted in one pass
    none = tally(rows.iloc[:0])
    records = [{"code": code, "met": counted.get(code, none).met,
                "due": counted.get(code, none).due_with_verdict,
                "rate": counted.get(code, none).rate, "status": statuses.get(code)}
               for code in codes]
    return pd.DataFrame.from_records(
        records, columns=["code", "met", "due", "rate", "status"]).astype({"rate": float})


def region_map(status: pd.DataFrame, register: RegionRegister, names: dict[str, str],
               language: str, year: int, level: str = "prefecture",
               indicator_id: str | None = None) -> go.Figure:
    """The map: each region of `level` a tile, coloured by the share of its due targets met
    (grey: no verdict) or, given `indicator_id`, by that indicator's status; customdata is
    the region code. `status` holds rows of indicators.status.status_table for `year`."""
    codes = drawn_codes(register, level, year)
    coloured = region_colours(status, codes, indicator_id, year).set_index("code")
    place = tiles().set_index(["level", "code"]).loc[level]
    figure = go.Figure()
    for code in codes:
        row = coloured.loc[code]
        col, line = int(place.at[code, "col"]), int(place.at[code, "row"])
        figure.add_trace(_tile(code, col, line, _colour(row, indicator_id),
                               _hover(names[code], row, indicator_id, language)))
    _labels(figure, codes, coloured, place, names, indicator_id,
            12 if level == "prefecture" else 9 if language == "zh" else 8)
    if indicator_id is None:
        figure.add_trace(_scale(language))
    return _frame(figure, place.loc[codes], level)


def _tile(code: str, col: int, line: int, colour: str, hover: str) -> go.Scatter:
    """One filled square, hoverable and clickable over its whole area."""
    x0, y0, side = col - TILE / 2, -line - TILE / 2, TILE
    return go.Scatter(
        x=[x0, x0 + side, x0 + side, x0, x0], y=[y0, y0, y0 + side, y0 + side, y0],
        fill="toself", fillcolor=colour, mode="lines", line={"color": "#FFFFFF", "width": 1}
        if colour != NO_TARGET_COLOUR else {"color": "#BBBBBB", "width": 1},
        hoveron="fills", hoverinfo="text", text=hover, customdata=[code] * 5,
        showlegend=False)


def _colour(row: pd.Series, indicator_id: str | None) -> str:
    if indicator_id is not None:
        return STATUS_COLOURS[row["status"]] if _has(row["status"]) else NO_TARGET_COLOUR
    if pd.isna(row["rate"]):
        return NO_VERDICT_COLOUR
    return rate_colour(row["rate"] / 100)


def ink(colour: str) -> str:
    """Black or white text, whichever contrasts more with `colour` (WCAG relative luminance:
    the two contrasts are equal at about 0.18)."""
    linear = [(c / 12.92) if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#111111" if luminance > 0.18 else "#FFFFFF"


def _has(status: object) -> bool:
    """Whether a region has a status (not None or NaN: no target of the indicator)."""
    return isinstance(status, str) and status != ""


def rate_colour(share: float) -> str:
    """The colour of `share` (0..1) on RATE_SCALE, interpolated."""
    for (low, start), (high, end) in pairwise(RATE_SCALE):
        if share <= high:
            weight = (share - low) / (high - low)
            rgb = [round(int(start[i:i + 2], 16) * (1 - weight) + int(end[i:i + 2], 16) * weight)
                   for i in (1, 3, 5)]
            return "#" + "".join(f"{value:02X}" for value in rgb)
    return RATE_SCALE[-1][1]


def _hover(name: str, row: pd.Series, indicator_id: str | None, language: str) -> str:
    """Name, the rate as "n/m" (and %), and with an indicator its status."""
    if pd.isna(row["rate"]):
        rate = t("map_no_verdict", language)
    else:
        rate = f"{row['met']}/{row['due']} ({row['rate']:.0f}%)"
    lines = [f"<b>{name}</b>", f"{t('map_rate', language)}: {rate}"]
    if indicator_id is not None:
        status = row["status"]
        lines.append(f"{STATUS_SYMBOLS[status]} {t(status, language)}" if _has(status)
                     else t("map_no_target", language))
    return "<br>".join(lines)


def _labels(figure: go.Figure, codes: list[str], coloured: pd.DataFrame, place: pd.DataFrame,
            names: dict[str, str], indicator_id: str | None, size: int) -> None:
    """The region's short name on its tile, and the status symbol or the rate below it."""
    marks, inks = [], []
    for code in codes:
        inks.append(ink(_colour(coloured.loc[code], indicator_id)))
        row = coloured.loc[code]
        if indicator_id is not None:
            marks.append(STATUS_SYMBOLS[row["status"]] if _has(row["status"]) else "")
        else:
            marks.append("·" if pd.isna(row["rate"]) else f"{row['rate']:.0f}%")
    short = [_short(names[code]) for code in codes]
    figure.add_trace(go.Scatter(
        x=place.loc[codes, "col"], y=-place.loc[codes, "row"],
        text=[f"{name}<br>{mark}" for name, mark in zip(short, marks, strict=True)],
        mode="text", textfont={"size": size, "color": inks},
        hoverinfo="skip", customdata=codes, showlegend=False))


def _short(name: str) -> str:
    """A name that fits a tile (the full name is in the hover): 延边朝鲜族自治州 -> 延边,
    前郭尔罗斯蒙古族自治县 -> 前郭, 南关区 -> 南关; Nanguan District -> Nanguan."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _scale(language: str) -> go.Scatter:
    """An invisible trace that carries the rate colour bar (0-100 %)."""
    return go.Scatter(
        x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
        marker={"color": [0], "cmin": 0, "cmax": 100, "colorscale": RATE_SCALE,
                "showscale": True, "colorbar": {
                    "title": {"text": t("map_rate_scale", language), "side": "top"},
                    "orientation": "h", "thickness": 10, "len": 0.9, "x": 0.5, "y": -0.02,
                    "xanchor": "center", "yanchor": "top", "ticksuffix": "%"}})


def _frame(figure: go.Figure, place: pd.DataFrame, level: str) -> go.Figure:
    """Square tiles, no axes, the whole layout in view, no zoom to lose it."""
    cols, rows = place["col"], place["row"]
    figure.update_layout(
        font={"family": FONT}, margin={"l": 4, "r": 4, "t": 4, "b": 4},
        plot_bgcolor="white", paper_bgcolor="white", dragmode=False, hovermode="closest",
        height=440 if level == "prefecture" else 560,
        xaxis={"visible": False, "range": [cols.min() - 0.6, cols.max() + 0.6],
               "fixedrange": True},
        yaxis={"visible": False, "range": [-rows.max() - 0.6, -rows.min() + 0.6],
               "fixedrange": True, "scaleanchor": "x", "scaleratio": 1})
    return figure
