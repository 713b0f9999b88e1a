"""Small building blocks shared by the pages: links, banners, badges, the status grid."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import dcc, html

from dashboard.figures import STATUS_COLOURS, STATUS_ORDER, STATUS_SYMBOLS
from dashboard.i18n import kind_key, t
from indicators.statuses import Status
from indicators.units import unit_label


def href(path: str, language: str, **params: object) -> str:
    """A link that keeps the language and the values shown (`values=all`, see
    values_switch); empty parameters are left out."""
    from dashboard.values_switch import chosen_param

    query = {key: value for key, value in params.items() if value not in (None, "", [])}
    if language == "en":
        query["lang"] = "en"
    if "values" not in params and (values := chosen_param()):
        query["values"] = values
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def published_banner(language: str) -> html.Div:
    return dbc.Alert(t("published_banner", language), color="info", id="published-banner",
                     className="published-banner mb-3")


def demo_banner(language: str) -> html.Div:
    return dbc.Alert(t("demo_banner", language), color="warning", id="demo-banner",
                     className="demo-banner mb-3")


def empty_banner(language: str) -> html.Div:
    return dbc.Alert(t("no_data_banner", language), color="info", id="no-data-banner")


def data_as_of(year: int, language: str, element_id: str) -> html.P:
    """"Data as of {year}": the latest year with data a page opens on."""
    return html.P(t("data_as_of", language, year=year), id=element_id,
                  className="text-muted small data-as-of")


def status_badge(status: str, language: str) -> html.Span:
    return html.Span(f"{STATUS_SYMBOLS[status]} {t(status, language)}",
                     className=f"status-badge status-{status}",
                     style={"backgroundColor": STATUS_COLOURS[status]})


def status_counts(counts: dict[str, int], language: str) -> dbc.Row:
    cards = [
        dbc.Col(html.Div([
            html.Div(f"{STATUS_SYMBOLS[status]} {t(status, language)}", className="count-label"),
            html.Div(str(counts[status]), className="count-value",
                     id=f"overview-count-{status}"),
        ], className=f"count-card status-{status}"), xs=6, sm=4, lg=True)
        for status in STATUS_ORDER
    ]
    return dbc.Row(cards, className="g-2 mb-3")


def legend(language: str) -> html.Div:
    return html.Div([status_badge(status, language) for status in STATUS_ORDER],
                    className="status-legend mb-2")


# One letter per status in the grid's rows; dashAgGridFunctions.js reads them back (statusAt).
STATUS_LETTERS = {Status.MET: "m", Status.MET_LATE: "l", Status.ON_TRACK: "o",
                  Status.AT_RISK: "r", Status.OFF_TRACK: "f", Status.MISSED: "x",
                  Status.NO_DATA: "n"}


def status_grid(cells: pd.DataFrame, regions: list[tuple[str, str]],
                indicators: list[tuple[str, str]], language: str) -> dag.AgGrid:
    """Regions down, indicators across, each applicable cell coloured and marked by status;
    a click on a cell opens that indicator for that region (see the overview page).

    AG Grid draws only the visible cells: thousands of HTML cells would stall the browser.
    Each row carries its statuses as one letter per column (`s`), read back by the columns'
    valueGetter: at national size (2,929 regions x 60 indicators) a field per cell named by its
    indicator id made each answer many times larger (docs/benchmarks.md)."""
    status_rules = {f"status-{status}": f"params.value === '{status}'" for status in STATUS_ORDER}
    labels = json.dumps({status: t(status, language) for status in STATUS_ORDER},
                        ensure_ascii=False)
    columns = [{"field": "region", "headerName": t("region", language), "pinned": "left",
                "width": 150, "cellClass": "grid-region",
                "headerClass": "grid-region-header"}] + [
        {"colId": indicator_id, "headerName": name, "headerTooltip": name, "width": 44,
         "valueGetter": {"function": f"statusAt(params, {position})"},
         "cellClass": "grid-cell", "cellClassRules": status_rules,
         "valueFormatter": {"function": "statusSymbol(params.value)"},
         "tooltipValueGetter": {"function": f"statusTooltip(params, {labels})"}}
        for position, (indicator_id, name) in enumerate(indicators)]
    rows = _grid_rows(cells, regions, [indicator_id for indicator_id, _name in indicators])
    return dag.AgGrid(
        id="overview-grid-table", rowData=rows, columnDefs=columns,
        getRowId="params.data.region_code",
        defaultColDef={"sortable": False, "resizable": False, "suppressMovable": True},
        dashGridOptions={"headerHeight": 150, "rowHeight": 28, "tooltipShowDelay": 200,
                         "suppressCellFocus": False, "animateRows": False},
        style={"height": f"{min(720, 160 + 29 * len(rows))}px", "width": "100%"},
        className="ag-theme-alpine status-grid")


def _grid_rows(cells: pd.DataFrame, regions: list[tuple[str, str]],
               indicators: list[str]) -> list[dict[str, str]]:
    """One row per region with cells: code, name and a letter per indicator (space: none)."""
    codes = pd.Index([code for code, _name in regions])
    row = _positions(cells["region_code"], codes)
    column = _positions(cells["indicator_id"], pd.Index(indicators))
    found, statuses = pd.factorize(cells["status"])
    letters = np.array([ord(STATUS_LETTERS.get(s, " ")) for s in statuses] + [ord(" ")],
                       dtype=np.uint8)[found]  # a missing status (-1) takes the last: none
    kept = (row >= 0) & (column >= 0)
    grid = np.full((len(codes), max(len(indicators), 1)), ord(" "), dtype=np.uint8)
    grid[row[kept], column[kept]] = letters[kept]
    strings = grid.view(f"S{grid.shape[1]}").ravel()
    present = np.zeros(len(codes), dtype=bool)
    present[row[kept]] = True
    return [{"region_code": code, "region": name, "s": strings[i].decode("ascii")}
            for i, (code, name) in enumerate(regions) if present[i]]


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Where each value is in `index` (-1: not there); a category is looked up once."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        found = np.append(index.get_indexer(values.cat.categories), -1)
        return found[values.cat.codes.to_numpy()]  # a missing value (code -1) takes the -1
    return index.get_indexer(values)


def data_table(frame: pd.DataFrame, columns: dict[str, str], table_id: str,
               height: int = 360) -> dag.AgGrid:
    """A sortable, filterable table of `frame`'s `columns` (id -> header)."""
    return dag.AgGrid(
        id=table_id, rowData=frame[list(columns)].to_dict("records"),
        columnDefs=[{"field": field, "headerName": header} for field, header in columns.items()],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
        columnSize="autoSize", dashGridOptions={"domLayout": "normal"},
        style={"height": f"{height}px", "width": "100%"}, className="ag-theme-alpine")


def dropdown(component_id: str, options: list[tuple[object, str]], value: object,
             label: str, clearable: bool = False, multi: bool = False) -> html.Div:
    return html.Div([
        html.Label(label, htmlFor=component_id, className="form-label"),
        dcc.Dropdown(id=component_id, value=value, clearable=clearable, multi=multi,
                     options=[{"label": text, "value": key} for key, text in options]),
    ], className="filter")


def login_prompt(language: str, next_path: str, page_id: str) -> html.Div:
    """What a page that needs a writer shows to anyone else."""
    return html.Div([
        html.H1(t("login_needed", language), className="h4"),
        html.A(t("login_link", language), href=f"/login?next={next_path}"
               + ("&lang=en" if language == "en" else ""), className="btn btn-primary",
               id="login-prompt-link"),
    ], id=page_id)


def target_phrase(target: object, language: str) -> str:
    """A target as a reader says it: "不低于 26 %", "区间 80–100 %", "按期完成"."""
    kind = t(kind_key(target.kind), language)  # type: ignore[attr-defined]
    value, high = target.value, target.value_high  # type: ignore[attr-defined]
    unit = unit_label(target.unit, language)  # type: ignore[attr-defined]
    if pd.isna(value):
        return f"{target.deadline} {kind}"  # type: ignore[attr-defined]
    amount = f"{value:g}–{high:g}" if not pd.isna(high) else f"{value:g}"
    return f"{target.deadline} {kind} {amount} {unit}"  # type: ignore[attr-defined]


def target_source(target: object) -> str:
    """A target named as people cite it, by its document and clause ("吉政办发〔2018〕17号
    三(一)2"), not by its id; the deadline says which of a clause's targets is meant."""
    return f"{target.document} {target.clause}"  # type: ignore[attr-defined]


def writer_choices(user: object, language: str, region: str | None, year: str | None,
                   ) -> tuple[list[tuple[str, str]], str | None, list[int], int]:
    """The regions a user may write (named), the one chosen, the years offered and the one
    chosen: the entry and upload pages offer the same."""
    from dashboard import state

    source = state.current()
    regions = [(code, name) for code, name in source.region_names(language).items()
               if user.can_write(code)]  # type: ignore[attr-defined]
    chosen = region if region in dict(regions) else (regions[0][0] if regions else None)
    years = list(range(2015, dt.date.today().year + 1))
    # A writer's year: the latest with a value of the region, accepted or not (their drafts
    # too), asked of the store: holding all values for it would hold the store twice.
    latest = source.store.latest_period(chosen) if chosen else None
    period = int(year) if year and year.isdigit() and int(year) in years else (
        latest if latest in years else source.default_year())
    return regions, chosen, years, period
