"""What the review page lists for a year: each region's state and reporting progress, the
steps the user may take on it, and the user's queue."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.review_text import action_text, rt, state_text
from etl.reporting import progress, progress_by_region
from etl.review import ACTIONS, TRANSITIONS, Review, _authors
from etl.store import Store
from etl.users import User
from indicators.calendar import reportable
from indicators.reference import Reference

# The steps that put a region-year in someone's queue: a reviewer's approvals, the province's
# acceptances (and approvals of the regions no prefecture reviews).
QUEUE_ACTIONS = ("approve", "accept")
# The steps nobody may take on a year they submitted or whose current values they wrote.
OWN_WORK = ("approve", "accept")
COUNT_COLUMNS = ["missing", "draft", "submitted", "approved", "accepted", "overdue"]


def progress_rows(store: Store, reference: Reference, review: Review, user: User | None,
                  period: int, language: str, today: dt.date | None = None) -> pd.DataFrame:
    """One row per region reporting in `period`: region_code, period, region, state (the year's),
    state_text, the counts by progress state, overdue, due_on, actions (those `user` may take
    now, in order), actions_text, queued (whether it waits for `user`)."""
    detail = progress(store, period, reportable(reference, period), today)
    frame = progress_by_region(detail)
    states = review.submissions(period)
    held = dict(zip(states["region_code"], states["state"], strict=True))
    frame["state"] = [held.get(code, "draft") for code in frame["region_code"]]
    frame["period"] = period
    names = reference.register.regions.drop_duplicates("code").set_index("code")
    frame["region"] = frame["region_code"].map(names[f"name_{language}"])
    # A draft year whose values were all accepted on loading (published figures, demo data)
    # is not "just a draft": nothing in it waits for anyone.
    imported = (frame["state"] == "draft") & (frame["accepted"] > 0) & (
        frame[["draft", "submitted", "approved"]].sum(axis=1) == 0)
    frame["state_text"] = [rt("imported_state", language) if loaded else state_text(s, language)
                           for s, loaded in zip(frame["state"], imported, strict=True)]
    frame["due_on"] = frame["due_on"].map(lambda d: d.isoformat() if pd.notna(d) else "")
    frame[COUNT_COLUMNS] = frame[COUNT_COLUMNS].astype(int)
    frame["actions"] = [possible(review, user, code, state, period)
                        for code, state in zip(frame["region_code"], frame["state"],
                                               strict=True)]
    frame["actions_text"] = frame["actions"].map(
        lambda actions: "、".join(action_text(a, language) for a in actions)
        if language == "zh" else ", ".join(action_text(a, language) for a in actions))
    frame["queued"] = frame["actions"].map(lambda a: any(x in QUEUE_ACTIONS for x in a))
    return frame


def possible(review: Review, user: User | None, region_code: str, state: str,
             period: int) -> list[str]:
    """The steps `user` may take on the region-year in its state now, by role, region and
    authorship (the server checks each again when it is taken): nobody approves or accepts a
    year they submitted or whose current values they wrote."""
    allowed = [action for action in ACTIONS if state in TRANSITIONS[action][0]
               and review.refusal(user, action, region_code, period) is None]
    if user is not None and any(action in OWN_WORK for action in allowed) and \
            user.name in authors(review, region_code, period):
        allowed = [action for action in allowed if action not in OWN_WORK]
    return allowed


def authors(review: Review, region_code: str, period: int) -> set[str]:
    """Who submitted the region-year and who wrote its current values: the people who may
    not approve or accept it (the rule Review.act checks)."""
    with review.store.engine.connect() as connection:
        wrote = _authors(connection, region_code, period)
    submitted_by = review.submission(region_code, period).submitted_by
    return wrote | ({submitted_by} if submitted_by else set())
