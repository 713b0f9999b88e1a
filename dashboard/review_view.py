"""The review workflow shown on pages: a region-year's state, why it is read-only, a refused
write's message, and a region's review steps."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components import data_table
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
    """The region-year's state, who moved it there and when, and the last return's comment
    while it is a draft again."""
    submission = review.submission(region_code, period)
    label = state_text(submission.state, language)
    if submission.changed_at is None:
        line = rt("never_submitted", language)
    else:
        line = rt("state_by", language, state=label, who=submission.changed_by or "",
                  when=when(submission.changed_at))
    parts: list[Any] = [
        html.Span(rt("review_state", language) + " ", className="me-1"),
        dbc.Badge(label, color=STATE_COLOURS[submission.state], id=f"{panel_id}-state",
                  className="me-2"),
        html.Span(line)]
    if submission.state == "draft":
        events = review.events(region_code, period)
        returned = events[events["action"] == "return"].head(1)
        steps = events[events["action"].isin(["return", "submit", "unlock"])].head(1)
        if not returned.empty and steps.iloc[0]["action"] == "return":
            step = returned.iloc[0]
            parts.append(html.Div(rt("returned_with", language, who=step["actor"],
                                     when=when(step["happened_at"]),
                                     comment=step["comment"] or ""),
                                  id=f"{panel_id}-returned", className="mt-1 text-danger"))
    message = read_only_message(submission, language)
    if message:
        parts.append(html.Div(message, id=f"{panel_id}-read-only", className="mt-1 fw-bold"))
    return html.Div(parts, id=panel_id, className="border rounded p-2 mb-2")


def locked_alert(error: LockedError, names: dict[str, str], language: str,
                 alert_id: str) -> dbc.Alert:
    """A write refused because region-years are not drafts: each named, with who and when."""
    items = [html.Li(line) for line in locked_lines(error, names, language)]
    return dbc.Alert([html.P(locked_text("heading", language)), html.Ul(items)],
                     color="danger", id=alert_id)


def steps_table(events: pd.DataFrame, language: str, table_id: str) -> Any:
    """A region's review steps (newest first): year, action, from → to, who, when, comment."""
    if events.empty:
        return html.P(rt("steps_none", language), className="text-muted", id=table_id)
    shown = pd.DataFrame({
        "period": events["period"],
        "action": events["action"].map(lambda a: action_text(a, language)),
        "from_to": [f"{state_text(a, language)} → {state_text(b, language)}"
                    for a, b in zip(events["from_state"], events["to_state"], strict=True)],
        "who": events["actor"], "when": events["happened_at"].map(when),
        "comment": events["comment"].fillna("")})
    return data_table(shown, {key: rt(key, language) for key in shown.columns}, table_id,
                      height=260)
