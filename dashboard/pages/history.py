"""History page: a region's value revisions and review steps; reverting makes a new revision."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html
from flask import abort

from dashboard import auth, state
from dashboard.components import data_table, dropdown
from dashboard.i18n import language_of, pick, t
from dashboard.review_text import rt, state_text
from dashboard.review_view import locked_alert, read_only_message, steps_table
from etl.acceptance import LockedError
from etl.store import ConflictError

dash.register_page(__name__, path="/history", name="修改记录", order=6)


def layout(region: str | None = None, indicator: str | None = None, lang: str | None = None,
           **_: object) -> html.Div:
    language = language_of(lang)
    source = state.current()
    regions = list(source.region_names(language).items())
    user = auth.current_user()
    own = [code for code, _name in regions if user is not None and user.can_write(code)]
    chosen = region if region in dict(regions) else (own or [regions[0][0]])[0]
    indicators = [("", t("all", language))] + [
        (row.indicator_id, pick(language, row.indicator_zh, row.indicator_en))
        for row in source.indicators.itertuples()]
    return html.Div([
        html.H1(t("history_title", language), className="h3"),
        html.P(t("history_help", language), className="text-muted"),
        dbc.Row([
            dbc.Col(dropdown("history-region", regions, chosen, t("region", language)), md=4),
            dbc.Col(dropdown("history-indicator", indicators,
                             indicator if indicator in dict(indicators) else "",
                             t("indicator", language)), md=8),
        ], className="g-2 mb-3"),
        html.Div(id="history-table"),
        html.Button(t("revert", language), id="history-revert", className="btn btn-warning mt-2",
                    hidden=user is None or not user.enters_values),
        html.Div(id="history-revert-reason", className="mt-1 text-muted"),
        html.Div(id="history-message", className="mt-2", role="status"),
        html.H2(rt("steps_title", language), className="h5 mt-4"),
        html.Div(id="history-steps"),
        html.Div(language, id="history-language", hidden=True),
    ], id="history-page")


@callback(
    Output("history-table", "children"),
    Input("history-region", "value"), Input("history-indicator", "value"),
    Input("history-message", "children"), State("history-language", "children"),
)
def show(region: str, indicator: str, _message: Any, language: str) -> Any:
    source = state.current()
    history = source.history(region, indicator or None)
    names = source.indicator_names(language)
    history["indicator"] = history["indicator_id"].map(names)
    history["when"] = history["loaded_at"].astype(str).str.slice(0, 19)
    table = data_table(history, {
        "id": "#", "indicator": t("indicator", language), "period": t("period", language),
        "value": t("value", language), "previous_value": t("previous_value", language),
        "loaded_by": t("who", language), "when": t("when", language),
        "source": t("source", language), "source_row": t("source_row", language),
        "note": t("value_note", language)}, "history-grid", height=420)
    table.dashGridOptions = {**(table.dashGridOptions or {}), "rowSelection": "single"}
    # Fixed widths, the indicator's name wrapped: autosized, a long name pushed the value, who
    # and when off a laptop's screen.
    table.columnSize = None
    for column in table.columnDefs:
        column["width"] = WIDTHS.get(column["field"], 110)
        if column["field"] in WRAPPED:
            column.update(wrapText=True, autoHeight=True)
    table.defaultColDef = {**table.defaultColDef, "wrapHeaderText": True,
                           "autoHeaderHeight": True}
    table.className = "ag-theme-alpine review-grid"
    return table


WIDTHS = {"id": 70, "indicator": 230, "period": 80, "value": 100, "previous_value": 110,
          "loaded_by": 110, "when": 170, "source": 150, "source_row": 90, "note": 180}
WRAPPED = ("indicator", "source", "note")


@callback(
    Output("history-revert", "disabled"), Output("history-revert-reason", "children"),
    Input("history-grid", "selectedRows"), State("history-language", "children"),
)
def revertible(selected: list[dict[str, Any]] | None, language: str) -> tuple[bool, Any]:
    """A value may be reverted only while its year is a draft: otherwise the button is
    disabled and says why (the server refuses it anyway)."""
    if not selected:
        return False, None
    source = state.current()
    revision = source.revision(int(selected[0].get("id") or 0))
    if revision.empty:
        return False, None
    submission = source.review.submission(str(revision.iloc[0]["region_code"]),
                                          int(revision.iloc[0]["period"]))
    reason = read_only_message(submission, language)
    if reason is None:
        return False, None
    return True, html.Span(rt("revert_locked", language,
                              state=state_text(submission.state, language), reason=reason),
                           id="history-revert-locked")


@callback(
    Output("history-steps", "children"),
    Input("history-region", "value"), Input("history-message", "children"),
    State("history-language", "children"),
)
def steps(region: str | None, _message: Any, language: str) -> Any:
    """The region's review steps, every year: submissions, returns with their comments,
    approvals, acceptances, unlocks with their reasons."""
    if region not in state.current().region_names(language):
        return None
    return steps_table(state.current().review.events(region), language, "history-steps-grid")


@callback(
    Output("history-message", "children"), Input("history-revert", "n_clicks"),
    State("history-grid", "selectedRows"), State("history-language", "children"),
    prevent_initial_call=True,
)
def revert(_clicks: int, selected: list[dict[str, Any]] | None, language: str) -> Any:
    if not selected:
        return dbc.Alert(t("select_revision", language), color="secondary")
    chosen = selected[0]
    revision = state.current().revision(int(chosen["id"]))
    if revision.empty:
        abort(404)
    try:
        user = auth.require_writer(str(revision.iloc[0]["region_code"]))
    except PermissionError:
        abort(403)
    try:
        result = state.current().revert(int(chosen["id"]), by=user.name)
    except ConflictError:
        return dbc.Alert(t("entry_conflict", language), color="warning")
    except LockedError as locked:
        return locked_alert(locked, state.current().region_names(language), language,
                            "history-locked")
    if not result.written:  # the chosen value is the current one: the store made nothing
        return dbc.Alert(t("already_current", language), color="secondary",
                         id="history-already-current")
    return dbc.Alert(t("reverted", language), color="success", id="history-reverted")
