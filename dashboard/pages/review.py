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
from dashboard.components import dropdown, href
from dashboard.i18n import language_of
from dashboard.review_progress import progress_rows
from dashboard.review_text import action_text, rt, state_text
from dashboard.review_view import page_notice
from etl.review import COMMENT_LIMIT, ReviewRefused

dash.register_page(__name__, path="/review", name="审核", order=7)

READERS = auth.REVIEW_ROLES
# The roles that take steps here; planners submit on /entry.
ACTORS = frozenset({"reviewer", "statistician", "admin"})
STEPS = ("approve", "return", "accept", "unlock")
FIRST_YEAR = 2015


def layout(year: str | None = None, lang: str | None = None, **_: object) -> html.Div:
    language = language_of(lang)
    user = auth.current_user()
    if user is None:
        return page_notice(rt("review_login", language), "review-page", "/review", language)
    if user.role not in READERS:
        return page_notice(rt("review_not_for_role", language), "review-page")
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
        ], className="border rounded p-2 mt-3", id="review-actions",
            hidden=user.role not in ACTORS),
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
    """The rows as a grid on a wide screen and as a list of cards on a phone."""
    records = rows.assign(links=[_links(code, year, language) for code, year in
                                 zip(rows["region_code"], rows["period"], strict=True)])
    records = records[["region_code", "region", "state_text", *COUNTS, "due_on",
                       "actions_text", "links"]]
    grid = dag.AgGrid(
        id=grid_id, rowData=records.to_dict("records"), columnDefs=_columns(language),
        getRowId="params.data.region_code",
        defaultColDef={"sortable": True, "filter": True, "resizable": True,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        rowClassRules={"bg-warning-subtle review-overdue": "params.data.overdue > 0"},
        dashGridOptions={"domLayout": "autoHeight" if len(records) <= 15 else "normal"},
        style={"width": "100%", **({} if len(records) <= 15 else {"height": "480px"})},
        className="ag-theme-alpine review-grid")
    return html.Div([html.Div(grid, className="d-none d-md-block"),
                     html.Div(_cards(records, language, grid_id), className="d-md-none")])


COUNTS = ("missing", "draft", "submitted", "approved", "accepted", "overdue")


def _columns(language: str) -> list[dict[str, Any]]:
    """Widths that let every header read whole (wrapped) and the actions column show."""
    wrapped = {"wrapText": True, "autoHeight": True}
    columns: list[dict[str, Any]] = [
        {"field": "region", "headerName": rt("region", language), "width": 150,
         "pinned": "left", **wrapped},
        {"field": "state_text", "headerName": rt("year_state", language), "width": 150,
         **wrapped}]
    # Counts need no filter: without its icon a header reads whole in a narrow column.
    columns += [{"field": key, "headerName": rt(key, language), "type": "numericColumn",
                 "width": 92 if language == "en" else 68, "filter": False} for key in COUNTS]
    columns += [{"field": "due_on", "headerName": rt("due_on", language), "width": 112,
                 "filter": False},
                {"field": "actions_text", "headerName": rt("your_actions", language),
                 "width": 130, **wrapped},
                {"field": "links", "headerName": rt("see", language), "flex": 1,
                 "minWidth": 150, "cellRenderer": "markdown", "sortable": False,
                 "filter": False, **wrapped}]
    return columns


def _links(region_code: str, period: int, language: str) -> str:
    """Markdown links to what a reviewer checks before a step: the region's entry form (for
    those who write it) or its values including those not accepted, and its history."""
    user = auth.current_user()
    if user is not None and user.can_write(region_code):
        first = (rt("open_entry", language),
                 href("/entry", language, region=region_code, year=period))
    else:
        first = (rt("open_region", language),
                 href(f"/region/{region_code}", language, year=period, values="all"))
    second = (rt("open_history", language), href("/history", language, region=region_code))
    return " · ".join(f"[{text}]({target})" for text, target in (first, second))


def _cards(records: Any, language: str, grid_id: str) -> html.Ul:
    """The phone's list: each region with its state, its counts, the user's steps, links."""
    separator = "；" if language == "zh" else "; "
    items = []
    for row in records.to_dict("records"):
        counts = separator.join(f"{rt(key, language)} {row[key]}" for key in COUNTS
                                if row[key])
        items.append(html.Li([
            html.Div([html.Span(row["region"], className="fw-bold me-2"),
                      html.Span(row["state_text"])]),
            html.Div(counts, className="small"),
            *([html.Div(f"{rt('your_actions', language)}：{row['actions_text']}"
                        if language == "zh" else
                        f"{rt('your_actions', language)}: {row['actions_text']}",
                        className="small")] if row["actions_text"] else []),
            dcc.Markdown(row["links"], className="small mb-0"),
        ], className="list-group-item review-card"
            + (" bg-warning-subtle" if row["overdue"] else "")))
    return html.Ul(items, className="list-group", id=f"{grid_id}-cards")


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
    allowed = review.possible(user, region, review.submission(region, int(year)).state,
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
