"""The review workflow shown on pages: a region-year's state, why it is read-only, a refused
write's message, and a region's review steps."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.review_text import action_text, rt, state_text, when
from etl.acceptance import LockedError, locked_lines, locked_text
from etl.review import Review, Submission

STATE_COLOURS = {"draft": "secondary", "submitted": "info", "approved": "primary",
                 "accepted": "success"}


def read_only_message(submission: Submission, language: str) -> str | None:
    """Why the region-year cannot be written now (None: a draft, which can)."""
    if submission.state == "draft":
        return None
    if submission.state == "accepted":
        return rt("read_only_accepted", language, who=submission.changed_by or "",
                  when=when(submission.changed_at))
    return rt(f"read_only_{submission.state}", language)


def state_panel(review: Review, region_code: str, period: int, language: str,
                panel_id: str) -> html.Div:
    """The region-year's state and its last step: who moved it there and when, and for a draft
    again the return's comment or the unlock's reason."""
    submission = review.submission(region_code, period)
    label = state_text(submission.state, language)
    parts: list[Any] = [
        html.Span(rt("review_state", language) + " ", className="me-1"),
        dbc.Badge(label, color=STATE_COLOURS[submission.state], id=f"{panel_id}-state",
                  className="me-2"),
        _last_step(review, submission, language, panel_id)]
    message = read_only_message(submission, language)
    if message:
        parts.append(html.Div(message, id=f"{panel_id}-read-only", className="mt-1 fw-bold"))
    return html.Div(parts, id=panel_id, className="border rounded p-2 mb-2")


def _last_step(review: Review, submission: Submission, language: str, panel_id: str) -> Any:
    """The line after the badge: a draft sent back says by whom, when and why."""
    if submission.changed_at is None:
        return html.Span(rt("never_submitted", language), id=f"{panel_id}-line")
    if submission.state == "draft":
        events = review.events(submission.region_code, submission.period)
        steps = events[events["action"].isin(["return", "unlock", "submit"])].head(1)
        if not steps.empty and steps.iloc[0]["action"] in ("return", "unlock"):
            step = steps.iloc[0]
            kind = "returned" if step["action"] == "return" else "unlocked"
            return html.Span(rt(f"{kind}_line", language, who=step["actor"],
                                when=when(step["happened_at"]),
                                comment=step["comment"] or ""),
                             id=f"{panel_id}-{kind}", className="text-danger")
    return html.Span(rt("state_by", language, state=state_text(submission.state, language),
                        who=submission.changed_by or "", when=when(submission.changed_at)),
                     id=f"{panel_id}-line")


def page_notice(text: str, page_id: str, login_next: str | None = None,
                language: str = "zh") -> html.Div:
    """What a page shows to someone it is not for: why, and a login link if logged out."""
    parts: list[Any] = [html.H1(text, className="h4", id=f"{page_id}-notice")]
    if login_next is not None:
        parts.append(html.A(rt("login_link", language), href=f"/login?next={login_next}"
                            + ("&lang=en" if language == "en" else ""),
                            className="btn btn-primary", id="login-prompt-link"))
    return html.Div(parts, id=page_id)


def locked_rows(review: Review, pairs: pd.DataFrame) -> pd.DataFrame:
    """The region-years of `pairs` (region_code, period) that are not drafts, as
    etl.acceptance.LockedError holds them (region_code, period, state, changed_by,
    changed_at)."""
    held = review.submissions()
    held = held[held["state"] != "draft"]
    wanted = pairs[["region_code", "period"]].drop_duplicates().astype(
        {"region_code": "str", "period": "int64"})
    return held.merge(wanted, on=["region_code", "period"])[
        ["region_code", "period", "state", "changed_by", "changed_at"]].sort_values(
        ["region_code", "period"], ignore_index=True)


def locked_alert(error: LockedError, names: dict[str, str], language: str,
                 alert_id: str) -> dbc.Alert:
    """A write refused because region-years are not drafts: each named, with who and when."""
    items = [html.Li(line) for line in locked_lines(error, names, language)]
    return dbc.Alert([html.P(locked_text("heading", language)), html.Ul(items)],
                     color="danger", id=alert_id)


def locked_preview(rows: pd.DataFrame, names: dict[str, str], language: str,
                   alert_id: str) -> dbc.Alert:
    """A file's region-years that are not drafts, found before it is loaded: each by name and
    year, its state, who moved it there and when, and what to do."""
    items = [html.Li(line) for line in locked_lines(LockedError(rows), names, language)]
    return dbc.Alert([html.P(rt("upload_locked", language)), html.Ul(items)], color="danger",
                     id=alert_id)


def steps_table(events: pd.DataFrame, language: str, table_id: str) -> Any:
    """A region's review steps (newest first): year, action, from → to, who, when, comment; a
    grid on a wide screen, a list of cards on a phone (every field in view)."""
    if events.empty:
        return html.P(rt("steps_none", language), className="text-muted", id=table_id)
    shown = pd.DataFrame({
        "period": events["period"],
        "action": events["action"].map(lambda a: action_text(a, language)),
        "from_to": [f"{state_text(a, language)} → {state_text(b, language)}"
                    for a, b in zip(events["from_state"], events["to_state"], strict=True)],
        "who": events["actor"], "when": events["happened_at"].map(when),
        "comment": events["comment"].fillna("")})
    widths = {"period": 80, "action": 130, "from_to": 170, "who": 120, "when": 170}
    columns = [{"field": key, "headerName": rt(key, language), "width": width,
                "wrapText": True, "autoHeight": True} for key, width in widths.items()]
    columns.append({"field": "comment", "headerName": rt("comment", language), "flex": 1,
                    "minWidth": 220, "wrapText": True, "autoHeight": True})
    grid = dag.AgGrid(
        id=table_id, rowData=shown.to_dict("records"), columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"domLayout": "autoHeight" if len(shown) <= 12 else "normal"},
        style={"width": "100%", **({} if len(shown) <= 12 else {"height": "420px"})},
        className="ag-theme-alpine review-grid")
    cards = html.Ul([html.Li([
        html.Div(f"{row.period} · {row.action}", className="fw-bold"),
        html.Div(row.from_to),
        html.Div(f"{row.who} · {row.when}", className="text-muted small"),
        *([html.Div(row.comment, className="review-card-comment")] if row.comment else []),
    ], className="list-group-item review-card") for row in shown.itertuples()],
        className="list-group", id=f"{table_id}-cards")
    return html.Div([html.Div(grid, className="d-none d-md-block"),
                     html.Div(cards, className="d-md-none")])
