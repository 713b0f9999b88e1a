"""The overview's drill-down: the region x indicator grid of one document or theme, with short
readable headers (full name on hover and on tap), and each indicator's rate."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from dash import html

from dashboard.components import data_table, href, status_grid
from dashboard.figures import furthest_behind
from dashboard.i18n import t
from dashboard.overview_summary import rate_text, short_name
from indicators.statuses import Status
from indicators.summary import tallies

HEADER_CHARACTERS = 12  # a short name wraps onto up to three lines of a 76 px column
COLUMN_WIDTH = 76
ROW_HEIGHT = 34  # a cell is a target for a finger
# A grid a leader can take in: a document with more indicators is shown a theme at a time.
MAX_COLUMNS = 20


def chosen(targets: pd.DataFrame, document: str, theme: str,
           order: Iterable[str] = ()) -> tuple[str, str]:
    """The document and theme the grid shows: a theme alone, else a document (the first one
    when none is chosen); a document of more than MAX_COLUMNS indicators, its first theme
    (`order`: the catalogue's indicator ids, see document_themes)."""
    if theme:
        return "", theme
    document = document or str(targets["document"].iloc[0])
    themes = document_themes(targets, document, order)
    own = targets[targets["document"] == document]
    if own["indicator_id"].nunique() > MAX_COLUMNS and themes:
        return document, themes[0]
    return document, ""


def document_themes(targets: pd.DataFrame, document: str,
                    order: Iterable[str] = ()) -> list[str]:
    """The themes of a document's targets, in the order of its indicators in `order` (the
    catalogue's indicator ids: each file lists its own in its own order), then as its
    targets first name them."""
    own = targets[targets["document"] == document]
    ranked = {indicator: position for position, indicator in enumerate(order)}
    first = own.assign(_at=own["indicator_id"].map(ranked).fillna(len(ranked)))
    return list(dict.fromkeys(first.sort_values("_at", kind="stable")["theme"]))


def theme_pages(targets: pd.DataFrame, document: str, theme: str,
                themes: dict[str, tuple[str, str]], order: Iterable[str], language: str,
                **query: object) -> object:
    """For a document shown a theme at a time: which theme is shown, and a link to each."""
    links = []
    for key in document_themes(targets, document, order):
        zh, en = themes[key]
        label = zh if language == "zh" else en
        links.append(html.B(label) if key == theme else html.A(label, href=href(
            "/", language, document=document, theme=key, **query)))
    parts: list[object] = [t("ov_theme_pages", language, count=MAX_COLUMNS), " "]
    for link in links:
        parts += [link, " · "]
    return html.P(parts[:-1], className="small text-muted mb-1", id="overview-theme-pages")


def filtered(ranked: pd.DataFrame, document: str, theme: str,
             region_class: str) -> pd.DataFrame:
    """The rows of one document (or one theme) and one region class, in the order kept."""
    keep = np.ones(len(ranked), dtype=bool)
    for column, wanted in (("document", document), ("theme", theme),
                           ("region_class", region_class)):
        if wanted:
            keep &= (ranked[column] == wanted).to_numpy()
    return ranked if keep.all() else ranked[keep]


def drill_grid(cells: pd.DataFrame, regions: list[tuple[str, str]],
               indicators: list[tuple[str, str]], language: str) -> object:
    """status_grid with horizontal wrapped short headers, the full name as the header's
    tooltip, cells large enough to tap, and a header click reported as the grid's eventData
    (the page shows the full name under the grid)."""
    grid = status_grid(cells, regions, indicators, language)
    full = dict(indicators)
    columns = []
    for column in grid.columnDefs:
        column = dict(column)
        if column.get("colId") in full:
            column.update(headerName=short_name(full[column["colId"]], HEADER_CHARACTERS,
                                                language),
                          headerTooltip=full[column["colId"]], width=COLUMN_WIDTH,
                          wrapHeaderText=True, autoHeaderHeight=True,
                          headerClass="ov-grid-header")
        else:
            column.update(width=112, wrapText=True)
        columns.append(column)
    grid.columnDefs = columns
    # suppressTouch: AG Grid's own tap handling swallows the click a tap on a header makes.
    grid.dashGridOptions = {**grid.dashGridOptions, "headerHeight": None,
                            "rowHeight": ROW_HEIGHT, "suppressTouch": True}
    grid.eventListeners = {"columnHeaderClicked": ["setEventData(params.column.colId)"]}
    rows = len(grid.rowData)
    grid.style = {"height": f"{min(640, 110 + (ROW_HEIGHT + 1) * rows)}px", "width": "100%"}
    grid.className = "ag-theme-alpine status-grid ov-grid"
    return grid


def column_panel(indicator_id: str, source: object, year: int, language: str) -> object:
    """The full name of a tapped column, its document and a link to it."""
    indicators = source.indicator_names(language)  # type: ignore[attr-defined]
    if indicator_id not in indicators:
        return None
    targets = source.targets  # type: ignore[attr-defined]
    number = str(targets.loc[targets["indicator_id"] == indicator_id, "document"].iloc[0])
    document = source.catalogue.documents[number].short(language)  # type: ignore[attr-defined]
    return html.Div([
        html.Strong(t("ov_column_panel", language, name=indicators[indicator_id],
                      document=document)),
        " ",
        html.A(t("ov_open_indicator", language),
               href=href(f"/indicator/{indicator_id}", language, year=year)),
    ], className="ov-panel", id="overview-grid-panel-text")


def rates(cells: pd.DataFrame, names: dict[str, str], language: str) -> object:
    """Per indicator of the grid: its rate over the due cells with a verdict, the cells not
    yet due, and the regions furthest behind."""
    if cells.empty:
        return html.P(t(Status.NO_DATA, language))
    counted = tallies(cells, "indicator_id")
    behind = furthest_behind(cells)
    name_column = "region_zh" if language == "zh" else "region_en"
    joined: dict[str, list[str]] = {}
    for indicator_id, name in zip(behind["indicator_id"], behind[name_column], strict=True):
        joined.setdefault(str(indicator_id), []).append(str(name))
    frame = pd.DataFrame({
        "indicator": [names.get(key, key) for key in counted],
        "rate_value": [c.rate if c.rate is not None else np.nan for c in counted.values()],
        "rate": [rate_text(c) for c in counted.values()],
        "not_due": [c.not_yet_due for c in counted.values()],
        "behind": ["、".join(joined.get(key, [])) for key in counted],
    }).sort_values("rate_value", na_position="last")
    return data_table(frame, {"indicator": t("indicator", language),
                              "rate": t("ov_rate_head", language),
                              "not_due": t("ov_not_due_head", language),
                              "behind": t("furthest_behind", language)},
                      "overview-rate-table")
