"""What the review page lists for a year: each region's state and reporting progress, the
steps the user may take on it, and the user's queue."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.review_text import action_text, rt, state_text
from etl.reporting import progress, progress_by_region
from etl.review import Review
from etl.store import Store
from etl.users import User
from indicators.calendar import reportable
from indicators.reference import Reference

# The steps that put a region-year in someone's queue: a reviewer's approvals, the province's
# acceptances (and approvals of the regions no prefecture reviews).
QUEUE_ACTIONS = ("approve", "accept")
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
    frame["actions"] = [review.possible(user, code, state, period)
                        for code, state in zip(frame["region_code"], frame["state"],
                                               strict=True)]
    frame["actions_text"] = frame["actions"].map(
        lambda actions: "、".join(action_text(a, language) for a in actions)
        if language == "zh" else ", ".join(action_text(a, language) for a in actions))
    frame["queued"] = frame["actions"].map(lambda a: any(x in QUEUE_ACTIONS for x in a))
    return frame
