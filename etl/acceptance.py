"""The accepted values and the locks a write must respect, as SQL on the writer's connection.

Store.load and the review workflow (etl/review.py) share these steps inside their own
transactions, after taking the store's write lock, so a check and the write it allows see the
same state. A region-year may be written only in draft: once submitted it waits for its
reviewers, and once accepted it is locked until an admin unlocks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa

from etl.schema import accepted, series, submission, submission_event

ACTOR_LIMIT = 100  # submission_event.actor


class LockedError(RuntimeError):
    """Values of region-years that are not in draft (submitted, approved or accepted); nothing
    was written. `rows` has region_code, period, state, changed_by, changed_at for each."""

    def __init__(self, rows: pd.DataFrame) -> None:
        super().__init__(f"{len(rows)} region-year(s) not in draft: "
                         + ", ".join(f"{r.region_code} {r.period} {r.state}"
                                     for r in rows.head(5).itertuples()))
        self.rows = rows


# What a person is told when a write meets region-years that are not drafts: the heading, and
# one line per region-year by its state. The dashboard (dashboard/review_view.py) and the
# `targets` command say the same.
LOCKED_TEXT = {
    "heading": ("未写入任何数据：以下地区年度的数值不是草稿，不能修改",
                "Nothing was written: the values of these region-years are not drafts "
                "and cannot be changed"),
    "submitted": ("{region} {period} 年：已由 {who} 于 {when} 报送，等待审核；如需修改，"
                  "请审核人员退回",
                  "{region} {period}: submitted by {who} on {when}, waiting for review; "
                  "to change it, ask the reviewer to return it"),
    "approved": ("{region} {period} 年：已由 {who} 于 {when} 审核通过，等待省级确认；"
                 "如需修改，请审核人员退回",
                 "{region} {period}: approved by {who} on {when}, waiting for the "
                 "province; to change it, ask a reviewer to return it"),
    "accepted": ("{region} {period} 年：已锁定，由 {who} 于 {when} 确认；如需修改，"
                 "请管理员解锁",
                 "{region} {period}: locked, accepted by {who} on {when}; to change it, "
                 "ask an admin to unlock it"),
}


def locked_text(key: str, language: str) -> str:
    zh, en = LOCKED_TEXT[key]
    return en if language == "en" else zh


def locked_lines(error: LockedError, names: Mapping[str, str], language: str) -> list[str]:
    """One line per locked region-year: by name and year, who moved it there and when, and
    what to do."""
    return [locked_text(row.state, language).format(
        region=names.get(row.region_code, row.region_code), period=row.period,
        who=row.changed_by or "",
        when=pd.Timestamp(row.changed_at).strftime("%Y-%m-%d %H:%M UTC"))
        for row in error.rows.itertuples()]


def locked_message(error: LockedError, names: Mapping[str, str], language: str) -> str:
    """The heading and the first ten lines, as one message (the `targets` command's)."""
    lines = locked_lines(error, names, language)
    more = len(lines) - 10
    shown = lines[:10] + ([f"另有 {more} 个" if language != "en" else f"and {more} more"]
                          if more > 0 else [])
    separator = "；" if language != "en" else "; "
    return locked_text("heading", language) + ("：" if language != "en" else ": ") + \
        separator.join(shown)


def refuse_locked(connection: sa.Connection, rows: pd.DataFrame) -> None:
    """Raise LockedError if any region-year of `rows` (region_code, period) is not in draft."""
    pairs = rows[["region_code", "period"]].drop_duplicates()
    query = sa.select(submission.c.region_code, submission.c.period, submission.c.state,
                      submission.c.changed_by, submission.c.changed_at).where(
        submission.c.state != "draft")
    regions = pairs["region_code"].unique().tolist()
    if len(regions) <= 500:
        query = query.where(submission.c.region_code.in_(regions))
    found = pd.DataFrame(connection.execute(query).fetchall(),
                         columns=["region_code", "period", "state", "changed_by", "changed_at"])
    if found.empty:
        return
    found = found.astype({"region_code": "str", "period": "int64"})
    locked = found.merge(pairs.astype({"region_code": "str", "period": "int64"}),
                         on=["region_code", "period"])
    if not locked.empty:
        raise LockedError(locked.sort_values(["region_code", "period"], ignore_index=True))


def import_accepted(connection: sa.Connection, load_id: int, *, actor: str, comment: str,
                    at: dt.datetime) -> None:
    """The load's values accepted without review (published figures, demo data, an operator's
    `targets load --accepted`): one `import` event per region-year, the region-year's state
    left as it is, its values put into `accepted`."""
    before = last_event_id(connection)
    connection.execute(sa.text("""
        INSERT INTO submission_event (region_code, period, action, from_state, to_state, actor,
                                      happened_at, comment)
        SELECT k.region_code, k.period, 'import', COALESCE(s.state, 'draft'),
               COALESCE(s.state, 'draft'), :actor, :at, :comment
        FROM (SELECT DISTINCT s.region_code, r.period
              FROM revision r JOIN series s ON s.id = r.series_id
              WHERE r.load_id = :load_id) k
        LEFT JOIN submission s ON s.region_code = k.region_code AND s.period = k.period
        ORDER BY k.region_code, k.period"""),
        {"load_id": load_id, "actor": actor[:ACTOR_LIMIT], "comment": comment, "at": at})
    # The events after `before` are this load's: the writer holds the store's write lock.
    # A store without accepted values (a first load) has none to replace: a plain insert,
    # which skips the conflict check of every row.
    empty = connection.execute(sa.select(accepted.c.series_id).limit(1)).first() is None
    _upsert_accepted(connection, """
        SELECT r.series_id, r.period, r.value, r.id, l.is_demo, e.id
        FROM revision r JOIN load l ON l.id = r.load_id
        JOIN series s ON s.id = r.series_id
        JOIN submission_event e ON e.region_code = s.region_code AND e.period = r.period
        WHERE r.load_id = :load_id AND e.id > :before""",
        {"load_id": load_id, "before": before}, replace=not empty)


def accept_current(connection: sa.Connection, region_code: str, period: int,
                   event_id: int) -> int:
    """The region-year's current values made its accepted ones (replacing those accepted
    before an unlock); how many."""
    of_region = sa.select(series.c.id).where(series.c.region_code == region_code)
    connection.execute(accepted.delete().where(accepted.c.series_id.in_(of_region),
                                                accepted.c.period == period))
    return _upsert_accepted(connection, """
        SELECT a.series_id, a.period, a.value, a.revision_id, a.is_demo, :event_id
        FROM actual a JOIN series s ON s.id = a.series_id
        WHERE s.region_code = :region_code AND a.period = :period""",
        {"region_code": region_code, "period": period, "event_id": event_id})


def _upsert_accepted(connection: sa.Connection, select: str, parameters: dict, *,
                     replace: bool = True) -> int:
    """The selected rows into `accepted`; with `replace`, each replacing the key's row there."""
    upsert = """
        ON CONFLICT (series_id, period) DO UPDATE
        SET value = excluded.value, revision_id = excluded.revision_id,
            is_demo = excluded.is_demo, event_id = excluded.event_id""" if replace else ""
    result = connection.execute(sa.text(f"""
        INSERT INTO accepted (series_id, period, value, revision_id, is_demo, event_id)
        {select}{upsert}"""), parameters)
    return int(result.rowcount or 0)


def last_event_id(connection: sa.Connection) -> int:
    return int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(submission_event.c.id),
                                                             0))).scalar_one())
