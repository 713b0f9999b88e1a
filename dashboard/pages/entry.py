"""Entry page: a planner types a region-year's values, checked as typed, and submits them."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, html
from flask import abort

from dashboard import auth, state
from dashboard.components import dropdown, href, login_prompt, target_phrase, writer_choices
from dashboard.i18n import language_of, pick, t
from dashboard.review_text import rt
from dashboard.review_view import locked_alert, page_notice, read_only_message, state_panel
from etl.acceptance import LockedError
from etl.review import ReviewRefused
from etl.store import ConflictError, StoreWriteError
from etl.validation import Validation, validate
from indicators.units import unit_label

dash.register_page(__name__, path="/entry", name="数据填报", order=4)

FORM_SOURCE = "form"


def layout(region: str | None = None, year: str | None = None, lang: str | None = None,
           **_: object) -> html.Div:
    language = language_of(lang)
    user = auth.current_user()
    if user is None:
        return login_prompt(language, "/entry", "entry-page")
    if not user.enters_values:  # a reviewer, statistician or leader reads values elsewhere
        return _read_elsewhere(region, year, language)
    names, chosen, years, period = writer_choices(user, language, region, year)
    return html.Div([
        html.H1(t("entry_title", language), className="h3"),
        html.P(t("entry_help", language), className="text-muted"),
        dbc.Row([
            dbc.Col(dropdown("entry-region", names, chosen, t("region", language)), xs=12, md=5),
            dbc.Col(dropdown("entry-year", [(y, str(y)) for y in years], period,
                             t("period", language)), xs=6, md=2),
            dbc.Col(html.Div([
                html.A(t("upload_link", language), href=href("/upload", language),
                       className="btn btn-link"),
                html.A(t("history_link", language), id="entry-history-link",
                       href=href("/history", language, region=chosen), className="btn btn-link"),
            ], className="pt-4"), xs=6, md=5),
        ], className="g-2 mb-2"),
        html.Div(id="entry-review"),
        dag.AgGrid(id="entry-grid", rowData=[], columnDefs=_columns(language),
                   getRowId="params.data.indicator_id",
                   defaultColDef={"resizable": True, "wrapText": True, "autoHeight": True},
                   dashGridOptions={"singleClickEdit": True, "stopEditingWhenCellsLoseFocus": True,
                                    "tooltipShowDelay": 0},
                   style={"height": "60vh", "width": "100%"}, className="ag-theme-alpine"),
        html.Div([
            html.Button(t("save", language), id="entry-save", className="btn btn-primary mt-2"),
            html.Button(rt("submit", language), id="entry-submit", hidden=True,
                        className="btn btn-outline-primary mt-2 ms-2"),
            html.Span(id="entry-summary", className="ms-3"),
        ]),
        html.Div(id="entry-message", className="mt-2", role="status"),
        html.Div(language, id="entry-language", hidden=True),
    ], id="entry-page")


def _read_elsewhere(region: str | None, year: str | None, language: str) -> html.Div:
    """For a logged-in reader (a reviewer, a statistician, a leader): where the region's
    values are, including those not accepted yet, and its history."""
    links = [html.A(t("history_link", language), href=href("/history", language, region=region),
                    className="btn btn-link ps-0 me-3", id="entry-notice-history")]
    if region in state.current().region_names(language):
        links.insert(0, html.A(rt("open_region", language), id="entry-notice-region",
                               href=href(f"/region/{region}", language, year=year,
                                         values="all"), className="btn btn-link ps-0 me-3"))
    return html.Div([page_notice(rt("entry_not_for_role", language), "entry-notice"),
                     html.Div(links)], id="entry-page")


def _columns(language: str, editable: bool = True) -> list[dict[str, Any]]:
    problem = {"entry-error": "params.data.severity === 'error'",
               "entry-warning": "params.data.severity === 'warning'"}
    return [
        {"field": "indicator", "headerName": t("indicator", language), "flex": 3,
         "minWidth": 200},
        {"field": "unit_label", "headerName": t("unit", language), "width": 110},
        {"field": "target", "headerName": t("target", language), "flex": 2, "minWidth": 140},
        {"field": "stored", "headerName": t("stored_value", language), "width": 120},
        {"field": "value", "headerName": t("new_value", language), "editable": editable,
         "width": 130, "cellClassRules": problem, "tooltipField": "problem",
         "cellClass": "entry-editable" if editable else ""},
        {"field": "note", "headerName": t("value_note", language), "editable": editable,
         "flex": 2, "minWidth": 140, "cellClass": "entry-editable" if editable else ""},
        {"field": "problem", "headerName": t("problem", language), "flex": 3, "minWidth": 220,
         "cellClassRules": problem},
    ]


ReviewOutputs = tuple[Any, list[dict[str, Any]], bool, bool]


@callback(
    Output("entry-grid", "rowData"), Output("entry-history-link", "href"),
    Input("entry-region", "value"), Input("entry-year", "value"),
    State("entry-language", "children"),
)
def fill(region: str | None, year: int, language: str) -> tuple[list[dict[str, Any]], str]:
    """The indicators of the chosen region and year, with their targets and stored values."""
    user = auth.current_user()
    if region is None or user is None or not user.can_write(region):
        return [], href("/history", language)
    return _rows(region, int(year), language), href("/history", language, region=region)


@callback(
    Output("entry-review", "children"), Output("entry-grid", "columnDefs"),
    Output("entry-save", "hidden"), Output("entry-submit", "hidden"),
    Input("entry-region", "value"), Input("entry-year", "value"),
    State("entry-language", "children"),
)
def review_state(region: str | None, year: int, language: str) -> ReviewOutputs:
    """The year's review state; a year that is not a draft is read-only."""
    user = auth.current_user()
    if region is None or user is None or not user.can_write(region):
        return None, _columns(language), True, True
    return _review(region, int(year), language)


def _review(region: str, period: int, language: str) -> ReviewOutputs:
    """The state panel, the grid's columns, whether the save and submit buttons are hidden: a
    year that is not a draft is read-only (the panel says why)."""
    review = state.current().review
    draft = read_only_message(review.submission(region, period), language) is None
    may_submit = review.refusal(auth.current_user(), "submit", region, period) is None
    return (state_panel(review, region, period, language, "entry-state"),
            _columns(language, editable=draft), not draft, not (draft and may_submit))


@callback(
    Output("entry-message", "children", allow_duplicate=True),
    Output("entry-review", "children", allow_duplicate=True),
    Output("entry-grid", "columnDefs", allow_duplicate=True),
    Output("entry-save", "hidden", allow_duplicate=True),
    Output("entry-submit", "hidden", allow_duplicate=True),
    Input("entry-submit", "n_clicks"),
    State("entry-region", "value"), State("entry-year", "value"),
    State("entry-language", "children"),
    prevent_initial_call=True,
)
def submit(_clicks: int, region: str | None, year: int, language: str) -> tuple[Any, ...]:
    """报送: the region-year goes to its reviewer; the server checks who may (etl.review)."""
    period = int(year)
    try:
        state.current().review.act(auth.current_user(), "submit", str(region or ""), period)
    except ReviewRefused as refused:
        return (dbc.Alert(refused.message(language), color="danger", id="entry-refused"),
                dash.no_update, dash.no_update, dash.no_update, dash.no_update)
    return (dbc.Alert(rt("submitted_done", language), color="success", id="entry-submitted"),
            *_review(str(region), period, language))


def _rows(region: str, period: int, language: str) -> list[dict[str, Any]]:
    source = state.current()
    rows = source.entry_rows(region, period)
    due = set(" ".join(rows["target_ids"]).split())
    targets = source.targets[["target_id", "kind", "value", "value_high", "unit", "deadline"]]
    phrases = {target.target_id: target_phrase(target, language)
               for target in targets[targets["target_id"].isin(due)].itertuples()}
    records = []
    for row in rows.itertuples():
        records.append({
            "indicator_id": row.indicator_id,
            "indicator": pick(language, row.indicator_zh, row.indicator_en),
            "unit": row.unit, "unit_label": unit_label(row.unit, language),
            "target": "；".join(phrases[target_id] for target_id in row.target_ids.split()),
            "stored": None if pd.isna(row.stored) else row.stored,
            "revision_id": int(row.revision_id), "value": None, "note": None,
            "problem": "", "severity": "",
        })
    return records


@callback(
    Output("entry-grid", "rowData", allow_duplicate=True),
    Output("entry-summary", "children"),
    Input("entry-grid", "cellValueChanged"),
    State("entry-grid", "rowData"), State("entry-region", "value"), State("entry-year", "value"),
    State("entry-language", "children"),
    prevent_initial_call=True,
)
def check(_changed: Any, rows: list[dict[str, Any]], region: str, year: int,
          language: str) -> tuple[list[dict[str, Any]], str]:
    """Values are checked as they are typed, by the same rules as `targets check`."""
    checked, errors, _validation, notes = _validated(rows, region, int(year), language)
    summary = t("entry_errors", language, count=errors) if errors else ""
    return checked, " ".join([summary, *notes]).strip()


Checked = tuple[list[dict[str, Any]], int, Validation | None, list[str]]


def _validated(rows: list[dict[str, Any]], region: str, period: int, language: str) -> Checked:
    """The rows with their problems marked, the number of errors, the validation of the
    filled rows (None if none is filled), whose rows a save stores, and the problems of no
    row (a limit's: "N more rows ... not listed", too many unknown names) to show apart."""
    filled = [(index, row) for index, row in enumerate(rows) if _filled(row.get("value"))]
    for row in rows:
        row["problem"], row["severity"] = "", ""
    if not filled:
        return rows, 0, None, []
    source = state.current()
    # The jump check compares each value with its own series only: validation asks for the
    # stored values of the filled indicators in this region. Read from the store, not the held
    # values: those are a save behind after a save, and bringing them up to date slowed every
    # save.
    result = validate(_long(filled, region, period), source.reference.catalogue,
                      source.reference.register, history=source.stored_values)
    message = "problem_zh" if language == "zh" else "problem_en"
    errors, notes = 0, []
    for problem in result.problems.sort_values("severity").itertuples():
        errors += problem.severity == "error"
        text = getattr(problem, message)
        if pd.isna(problem.row):
            notes.append(text)
            continue
        row = rows[int(problem.row) - 1]
        if row["severity"] != "error":
            # Past the listed problems a row's problem has no text: the note counts them.
            row["problem"], row["severity"] = text or "", problem.severity
    return rows, errors, result, notes


def _long(filled: list[tuple[int, dict[str, Any]]], region: str, period: int) -> pd.DataFrame:
    """Grid rows (with their positions) as etl.layout.to_long gives a file's rows."""
    return pd.DataFrame([{
        "row": index + 1, "column": "value", "region": region, "indicator": row["indicator_id"],
        "period": str(period), "value": str(row["value"]), "unit": None,
        "note": row.get("note") or None} for index, row in filled])


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


@callback(
    Output("entry-message", "children"), Output("entry-grid", "rowData", allow_duplicate=True),
    Input("entry-save", "n_clicks"),
    State("entry-grid", "rowData"), State("entry-region", "value"), State("entry-year", "value"),
    State("entry-language", "children"),
    prevent_initial_call=True,
)
def save(_clicks: int, rows: list[dict[str, Any]], region: str, year: int,
         language: str) -> tuple[Any, Any]:
    """Save every filled value in one transaction, or nothing; the server checks the writer."""
    try:
        user = auth.require_writer(region)
    except PermissionError:
        abort(403)
    period = int(year)
    # Checked once: the validation that found no error gives the rows stored.
    rows, errors, validation, notes = _validated(rows or [], region, period, language)
    if errors:
        listed = [html.Ul([html.Li(note) for note in notes], id="entry-notes")] if notes else []
        return dbc.Alert([t("entry_not_saved", language, count=errors), *listed],
                         color="danger"), rows
    if validation is None:
        return dbc.Alert(t("entry_nothing", language), color="secondary"), dash.no_update
    try:
        result = state.current().save_entries(_to_store(rows, validation, region),
                                              by=user.name, source=FORM_SOURCE)
    except ConflictError as conflict:
        return _conflict(conflict, language), _rows(region, period, language)
    except LockedError as locked:
        return (locked_alert(locked, state.current().region_names(language), language,
                             "entry-locked"), _rows(region, period, language))
    except StoreWriteError as error:
        return (dbc.Alert(pick(language, error.problem_zh, error.problem_en), color="danger",
                          id="entry-not-written"), _rows(region, period, language))
    saved = t("entry_saved", language, new=result.new, changed=result.changed)
    return dbc.Alert(saved, color="success", id="entry-saved"), _rows(region, period, language)


def _to_store(rows: list[dict[str, Any]], validation: Validation,
              region: str) -> pd.DataFrame:
    """The validated rows as Store.load takes them, each expecting the revision the grid
    showed; source rows count the filled rows of the form (1, 2, ...)."""
    stored = validation.store_rows()
    filled = [index + 1 for index, row in enumerate(rows) if _filled(row.get("value"))]
    stored["source_row"] = stored["source_row"].map({row: n for n, row in enumerate(filled, 1)})
    expected = {row["indicator_id"]: int(row.get("revision_id") or 0) for row in rows
                if _filled(row.get("value"))}
    stored["expected_revision_id"] = stored["indicator_id"].map(expected)
    stored["region_code"] = region  # never trust a region sent by the browser
    return stored


def _conflict(conflict: ConflictError, language: str) -> dbc.Alert:
    names = state.current().indicators
    items = []
    for row in conflict.rows.itertuples():
        name = pick(language, names.at[row.indicator_id, "indicator_zh"],
                    names.at[row.indicator_id, "indicator_en"])
        items.append(html.Li(f"{name}: {row.previous_value:g}"))
    return dbc.Alert([html.P(t("entry_conflict", language)), html.Ul(items)], color="warning",
                     id="entry-conflict")

