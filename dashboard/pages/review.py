"""Review page: the user's queue, each region's reporting progress for a year, and the review
steps (approve, return, accept, unlock), each checked on the server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import auth, state
from dashboard.components import dropdown, login_prompt
from dashboard.i18n import language_of
from dashboard.review_progress import possible, progress_rows
from dashboard.review_text import action_text, rt, state_text
from etl.review import COMMENT_LIMIT, ReviewRefused

dash.register_page(__name__, path="/review", name="审核", order=7)

READERS = auth.REVIEW_ROLES
STEPS = ("approve", "return", "accept", "unlock")
FIRST_YEAR = 2015


def layout(year: str | None = None, lang: str | None = None, **_: object) -> html.Div:
    language = language_of(lang)
    user = auth.current_user()
    if user is None or user.role not in READERS:
        return login_prompt(language, "/review", "review-page")
    years = list(range(FIRST_YEAR, dt.date.today().year + 1))
    period = int(year) if year and year.isascii() and year.isdigit() and int(year) in years \
        else default_year()
    buttons = [html.Button(action_text(action, language), id=f"review-{action}", hidden=True,
                           className="btn btn-outline-primary me-2 mt-2") for action in STEPS]
    return html.Div([
        html.H1(rt("review_title", language), className="h3"),
        html.P(rt("review_help", language), className="text-muted"),
        dbc.Row(dbc.Col(dropdown("review-year", [(y, str(y)) for y in years], period,
                                 rt("year", language)), xs=6, md=2), className="mb-2"),
        html.Div(id="review-queue-box"),
        html.Div([
            dbc.Row([
                dbc.Col(dropdown("review-region", [], None, rt("act_on", language)), md=4),
                dbc.Col([
                    html.Label(rt("comment_label", language), htmlFor="review-comment",
                               className="form-label"),
                    dcc.Textarea(id="review-comment", maxLength=COMMENT_LIMIT,
                                 placeholder=rt("comment_placeholder", language),
                                 className="form-control", style={"height": "4.5em"}),
                ], md=8),
            ], className="g-2"),
            html.Div(buttons),
        ], className="border rounded p-2 mt-3", id="review-actions"),
        html.Div(id="review-message", className="mt-2", role="status"),
        html.Div(id="review-progress-box", className="mt-3"),
        dcc.Store(id="review-done", data=0),
        html.Div(language, id="review-language", hidden=True),
    ], id="review-page")


def default_year() -> int:
    """The latest year with values, else the year before this one."""
    years = state.current().years()
    return max(years) if years else dt.date.today().year - 1


@callback(
    Output("review-queue-box", "children"), Output("review-progress-box", "children"),
    Output("review-region", "options"),
    Input("review-year", "value"), Input("review-done", "data"),
    State("review-language", "children"),
)
def show(year: int, _done: Any, language: str) -> tuple[Any, Any, list[dict[str, str]]]:
    """The user's queue first, then every region's progress for the year."""
    user = auth.current_user()
    if user is None or user.role not in READERS:
        return None, None, []
    source = state.current()
    rows = progress_rows(source.store, source.reference, source.review, user, int(year),
                         language)
    queue = rows[rows["queued"]]
    waiting = [html.H2(rt("queue_title", language), className="h5"),
               _grid(queue, language, "review-queue") if not queue.empty
               else html.P(rt("queue_empty", language), className="text-muted",
                           id="review-queue-empty")]
    everyone = [html.H2(rt("progress_title", language), className="h5"),
                _grid(rows, language, "review-progress")]
    acting = rows[rows["actions"].map(bool)]
    options = [{"label": f"{row.region}（{row.state_text}）" if language == "zh"
                else f"{row.region} ({row.state_text})", "value": row.region_code}
               for row in acting.itertuples()]
    return waiting, everyone, options


def _grid(rows: Any, language: str, grid_id: str) -> dag.AgGrid:
    columns = [{"field": "region", "headerName": rt("region", language), "minWidth": 140,
                "pinned": "left"},
               {"field": "state_text", "headerName": rt("year_state", language)}]
    columns += [{"field": key, "headerName": rt(key, language), "type": "numericColumn",
                 "width": 100} for key in ("missing", "draft", "submitted", "approved",
                                           "accepted", "overdue")]
    columns += [{"field": "due_on", "headerName": rt("due_on", language)},
                {"field": "actions_text", "headerName": rt("your_actions", language),
                 "minWidth": 160}]
    records = rows[["region_code", "region", "state_text", "missing", "draft", "submitted",
                    "approved", "accepted", "overdue", "due_on", "actions_text"]]
    return dag.AgGrid(
        id=grid_id, rowData=records.to_dict("records"), columnDefs=columns,
        getRowId="params.data.region_code",
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        rowClassRules={"bg-warning-subtle review-overdue": "params.data.overdue > 0"},
        dashGridOptions={"domLayout": "autoHeight" if len(records) <= 15 else "normal"},
        style={"width": "100%", **({} if len(records) <= 15 else {"height": "480px"})},
        className="ag-theme-alpine")


@callback(
    Output("review-region", "value"),
    Input("review-queue", "cellClicked"), prevent_initial_call=True,
)
def pick_from_queue(cell: dict[str, Any] | None) -> Any:
    """A tap on a row of the queue chooses that region to act on."""
    return (cell or {}).get("rowId") or dash.no_update


@callback(
    Output("review-region", "value", allow_duplicate=True),
    Input("review-progress", "cellClicked"), prevent_initial_call=True,
)
def pick_from_progress(cell: dict[str, Any] | None) -> Any:
    return (cell or {}).get("rowId") or dash.no_update


@callback(
    [Output(f"review-{action}", "hidden") for action in STEPS],
    Input("review-region", "value"), Input("review-done", "data"),
    State("review-year", "value"),
)
def buttons(region: str | None, _done: Any, year: int) -> list[bool]:
    """Only the steps the user may take on the chosen region-year now are offered."""
    user = auth.current_user()
    if not region or user is None:
        return [True] * len(STEPS)
    review = state.current().review
    allowed = possible(review, user, region, review.submission(region, int(year)).state,
                       int(year))
    return [action not in allowed for action in STEPS]


@callback(
    Output("review-message", "children"), Output("review-done", "data"),
    Output("review-comment", "value"),
    [Input(f"review-{action}", "n_clicks") for action in STEPS],
    State("review-region", "value"), State("review-year", "value"),
    State("review-comment", "value"), State("review-done", "data"),
    State("review-language", "children"),
    prevent_initial_call=True,
)
def act(*values: Any) -> tuple[Any, Any, Any]:
    """Take the pressed step as the logged-in user; the server checks role, region, state and
    the comment (etl.review.Review.act), and refuses with a message, changing nothing."""
    region, year, comment, done, language = values[len(STEPS):]
    action = str(dash.ctx.triggered_id or "").removeprefix("review-")
    if action not in STEPS:
        return dash.no_update, dash.no_update, dash.no_update
    if not region:
        return dbc.Alert(rt("pick_region", language), color="secondary"), dash.no_update, \
            dash.no_update
    source = state.current()
    try:
        after = source.review.act(auth.current_user(), action, region, int(year),
                                  comment or "")
    except ReviewRefused as refused:
        return (dbc.Alert(refused.message(language), color="danger", id="review-refused"),
                dash.no_update, dash.no_update)
    name = source.region_names(language).get(region, "")
    message = rt("acted", language, action=action_text(action, language), region=name,
                 period=int(year), state=state_text(after.state, language))
    return (dbc.Alert(message, color="success", id="review-acted"), int(done or 0) + 1, "")


# The year lives in the URL, so a link restores exactly what was shown.
clientside_callback(
    """
    function(year, language) {
        const params = new URLSearchParams();
        if (year) params.set('year', year);
        if (language === 'en') params.set('lang', 'en');
        const query = params.toString();
        window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query
                                                                           : ''));
        return window.dash_clientside.no_update;
    }
    """,
    Output("review-language", "title"),
    Input("review-year", "value"), Input("review-language", "children"),
)
