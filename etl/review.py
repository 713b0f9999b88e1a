"""Review before values are final: a region-year goes 草稿 → 已报送 → 已审核 → 已确认, each step
checked on the server and recorded.

What is reviewed is a *submission*: one region's values of one year. Not one document's:
planners enter and upload a region's year at once (the /entry form and the template are per
region and year), a county's statistics office reports as one unit, and splitting by the
gazette's seven documents would put seven items in a reviewer's queue for the same people and
the same figures.

States (REVIEW_STATES): draft 草稿, submitted 已报送, approved 已审核 (by the prefecture),
accepted 已确认 (by the province). Only a draft may be written (etl.acceptance.refuse_locked):
a submitted or approved year waits for its reviewers, an accepted one is locked. Who may do
what (`Review.refusal`):
- submit, draft → submitted: a planner of the region, or an admin; the year must have values.
- approve, submitted → approved: a reviewer whose prefecture-level divisions hold the region
  (the division itself, or one of its counties). A region with no division above it (吉林省)
  is approved by a statistician.
- return 退回, submitted or approved → draft, with a comment: whoever may approve it, and a
  statistician.
- accept, approved → accepted: a statistician (the province). Its current values become the
  accepted ones, which pages and extracts show by default (Store views).
- unlock, accepted → draft, with a reason: an admin. The values accepted stay shown until the
  year is accepted again.
Nobody approves or accepts a year they submitted or whose current values they wrote. Each step
is a compare-and-set on the submission's state under the store's write lock, so of two people
pressing at once one moves it and the other is told it moved already; every step is a
`submission_event` row (who, when, from, to, comment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from etl.acceptance import ACTOR_LIMIT, accept_current
from etl.schema import REVIEW_STATES, actual, load, revision, series, submission, submission_event
from etl.store import Store
from etl.users import User
from indicators.regions import RegionRegister

# action -> (the states it leaves, the state it gives)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft",), "submitted"),
    "approve": (("submitted",), "approved"),
    "return": (("submitted", "approved"), "draft"),
    "accept": (("approved",), "accepted"),
    "unlock": (("accepted",), "draft"),
}
ACTIONS = tuple(TRANSITIONS)
NEEDS_COMMENT = frozenset({"return", "unlock"})
# The steps nobody may take on a year they submitted or whose current values they wrote.
OWN_WORK = frozenset({"approve", "accept"})
COMMENT_LIMIT = 2000
EVENT_COLUMNS = ["id", "region_code", "period", "action", "from_state", "to_state", "actor",
                 "happened_at", "comment"]


class ReviewRefused(Exception):  # noqa: N818  (the name callers know)
    """A step that may not be taken, in Chinese and English; nothing was changed."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en

    def message(self, language: str) -> str:
        return self.en if language == "en" else self.zh


@dataclass(frozen=True)
class Submission:
    region_code: str
    period: int
    state: str  # one of REVIEW_STATES; a year never acted on is a draft
    changed_at: dt.datetime | None = None
    changed_by: str | None = None
    submitted_by: str | None = None


class Review:
    """The review workflow on a store, for the regions of `register`."""

    def __init__(self, store: Store, register: RegionRegister) -> None:
        self.store = store
        self.register = register
        regions = register.regions.drop_duplicates("code").set_index("code")
        self._level = regions["level"].to_dict()
        self._parent = regions["parent_code"].dropna().to_dict()

    # --- who reviews whom ----------------------------------------------------------------

    def prefecture_of(self, region_code: str) -> str | None:
        """The prefecture-level division that reviews the region: itself, or its parent for a
        county; None for the province and comparison regions."""
        level = self._level.get(region_code)
        if level == "prefecture":
            return region_code
        if level == "county":
            return self._parent.get(region_code)
        return None

    def reviews(self, user: User, region_code: str) -> bool:
        """Whether `user` approves and returns the region's submissions."""
        prefecture = self.prefecture_of(region_code)
        if prefecture is None:
            return user.role == "statistician"
        return user.role == "reviewer" and prefecture in user.regions

    def reviewed_regions(self, user: User) -> list[str]:
        """The regions whose submissions `user` approves (a reviewer's queue)."""
        return [code for code in self._level if self.reviews(user, code)]

    def refusal(self, user: User | None, action: str, region_code: str,
                period: int) -> ReviewRefused | None:
        """Why `user` may not take `action` on the region-year whatever its state (None: the
        role and regions allow it). Used to show a button and checked again on each step."""
        if action not in TRANSITIONS:
            return ReviewRefused(f"未知的操作 {action!r}", f"unknown action {action!r}")
        if user is None:
            return ReviewRefused("请先登录", "please log in first")
        allowed = {
            "submit": user.role == "admin" or (user.role == "planner"
                                                and region_code in user.regions),
            "approve": self.reviews(user, region_code),
            "return": self.reviews(user, region_code) or user.role == "statistician",
            "accept": user.role == "statistician",
            "unlock": user.role == "admin",
        }[action]
        if allowed and region_code in self._level and region_code not in \
                self.register.comparison:
            return None
        if region_code not in self._level or region_code in self.register.comparison:
            return ReviewRefused(f"{region_code} 不是需要报送的地区",
                                 f"{region_code} is not a region that reports values")
        verb = ACTION_TEXT[action]
        who_zh, who_en = WHO_MAY[action]
        name_zh = self.register.name(region_code, "zh")
        name_en = self.register.name(region_code, "en")
        return ReviewRefused(f"{user.name} 无权对{name_zh}的数值执行“{verb[0]}”：{who_zh}",
                             f"{user.name} may not {verb[1]} the values of {name_en}: "
                             f"{who_en}")

    # --- reading -------------------------------------------------------------------------

    def submission(self, region_code: str, period: int) -> Submission:
        with self.store.engine.connect() as connection:
            return _submission(connection, region_code, period)

    def submissions(self, period: int | None = None) -> pd.DataFrame:
        """Every region-year acted on (region_code, period, state, changed_at, changed_by,
        submitted_by); one never acted on is a draft."""
        query = sa.select(submission).order_by(submission.c.region_code, submission.c.period)
        if period is not None:
            query = query.where(submission.c.period == period)
        with self.store.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        frame = pd.DataFrame(rows, columns=[c.name for c in submission.columns])
        return frame.astype({"region_code": "str", "period": "int64", "state": "str"})

    def events(self, region_code: str | None = None, period: int | None = None) -> pd.DataFrame:
        """Every step taken on the region-year (or on all), newest first."""
        query = sa.select(submission_event).order_by(submission_event.c.id.desc())
        if region_code is not None:
            query = query.where(submission_event.c.region_code == region_code)
        if period is not None:
            query = query.where(submission_event.c.period == period)
        with self.store.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        return pd.DataFrame(rows, columns=EVENT_COLUMNS).astype(
            {"id": "int64", "region_code": "str", "period": "int64"})

    def authors(self, region_code: str, period: int) -> set[str]:
        """Who submitted the region-year and who wrote its current values: the people who may
        not approve or accept it."""
        with self.store.engine.connect() as connection:
            wrote = _authors(connection, region_code, period)
            submitted_by = _submission(connection, region_code, period).submitted_by
        return wrote | ({submitted_by} if submitted_by else set())

    def possible(self, user: User | None, region_code: str, state: str,
                 period: int) -> list[str]:
        """The steps `user` may take on the region-year in `state` now, by role, region and
        authorship (act() checks each again when it is taken)."""
        allowed = [action for action in ACTIONS if state in TRANSITIONS[action][0]
                   and self.refusal(user, action, region_code, period) is None]
        if user is not None and OWN_WORK.intersection(allowed) and \
                user.name in self.authors(region_code, period):
            allowed = [action for action in allowed if action not in OWN_WORK]
        return allowed

    # --- steps ---------------------------------------------------------------------------

    def act(self, user: User | None, action: str, region_code: str, period: int,
            comment: str = "") -> Submission:
        """Take `action` on the region-year as `user`: checked, recorded, all or nothing.
        Raises ReviewRefused (nothing changed) when it may not be taken."""
        refused = self.refusal(user, action, region_code, period)
        if refused is not None:
            raise refused
        assert user is not None  # refusal() refuses nobody
        comment = (comment or "").strip()
        if action in NEEDS_COMMENT and not comment:
            raise ReviewRefused("请填写意见（退回或解锁须说明原因）",
                                "write a comment: returning or unlocking needs a reason")
        if len(comment) > COMMENT_LIMIT:
            raise ReviewRefused(f"意见最多 {COMMENT_LIMIT} 字", f"a comment may have at most "
                                f"{COMMENT_LIMIT} characters")
        leaves, gives = TRANSITIONS[action]
        with self.store.engine.connect() as connection, connection.begin():
            self.store.lock_writes(connection)
            now = dt.datetime.now(dt.UTC)
            before = self._claim(connection, region_code, period, leaves, gives, user, now,
                                 action)
            self._check_step(connection, user, action, before)
            event_id = connection.execute(submission_event.insert().values(
                region_code=region_code, period=period, action=action, from_state=before.state,
                to_state=gives, actor=user.name[:ACTOR_LIMIT], happened_at=now,
                comment=comment or None)).inserted_primary_key[0]
            if action == "accept":
                accept_current(connection, region_code, period, int(event_id))
            return _submission(connection, region_code, period)

    def _claim(self, connection: sa.Connection, region_code: str, period: int,
               leaves: tuple[str, ...], gives: str, user: User, now: dt.datetime,
               action: str) -> Submission:
        """Move the state by compare-and-set under the write lock: the submission as it was,
        or ReviewRefused if it was not in a state `action` leaves."""
        before = _submission(connection, region_code, period)
        if before.state not in leaves:
            raise _wrong_state(action, before)
        submitted_by = user.name if action == "submit" else (
            None if gives == "draft" else before.submitted_by)
        values = {"state": gives, "changed_at": now, "changed_by": user.name[:ACTOR_LIMIT],
                  "submitted_by": submitted_by}
        if before.changed_at is None:  # never acted on: the row is new (the lock is held)
            connection.execute(submission.insert().values(region_code=region_code,
                                                          period=period, **values))
        else:
            moved = connection.execute(submission.update().where(
                submission.c.region_code == region_code, submission.c.period == period,
                submission.c.state == before.state).values(**values)).rowcount
            if moved != 1:
                raise _moved_meanwhile()
        return before

    def _check_step(self, connection: sa.Connection, user: User, action: str,
                    before: Submission) -> None:
        """What the region-year's own values and people decide (after the claim, so that a
        refusal rolls the claim back)."""
        region_code, period = before.region_code, before.period
        if action == "submit" and not _has_values(connection, region_code, period):
            raise ReviewRefused("该地区该年度还没有数值，无法报送",
                                "the region has no values for this year: nothing to submit")
        if action in OWN_WORK and user.name in (
                _authors(connection, region_code, period) | {before.submitted_by}):
            raise ReviewRefused("不能审核或确认自己报送或录入的数值",
                                "nobody may approve or accept values they submitted or "
                                "entered")


# --- helpers ---------------------------------------------------------------------------------

ACTION_TEXT = {"submit": ("报送", "submit"), "approve": ("审核通过", "approve"),
               "return": ("退回", "return"), "accept": ("确认", "accept"),
               "unlock": ("解锁", "unlock"),
               # Not a step anyone takes: values accepted without review when loaded.
               "import": ("载入即确认（未经审核）", "accepted on loading, without review")}
# Who may take each step, as a refusal explains it.
WHO_MAY = {
    "submit": ("只有该地区的填报人员或管理员可以报送",
               "only the region's planners or an admin may submit them"),
    "approve": ("只有该地区所属市（州）的审核人员可以审核通过（吉林省本级由省级统计人员审核）",
                "only a reviewer of the region's prefecture-level division may approve them "
                "(Jilin Province's own values: a provincial statistician)"),
    "return": ("只有该地区所属市（州）的审核人员或省级统计人员可以退回",
               "only a reviewer of the region's prefecture-level division or a provincial "
               "statistician may return them"),
    "accept": ("只有省级统计人员可以确认", "only a provincial statistician may accept them"),
    "unlock": ("只有管理员可以解锁", "only an admin may unlock them"),
}
STATE_TEXT = {"draft": ("草稿", "draft"), "submitted": ("已报送", "submitted"),
              "approved": ("已审核", "approved"), "accepted": ("已确认", "accepted")}
assert tuple(STATE_TEXT) == REVIEW_STATES


def _submission(connection: sa.Connection, region_code: str, period: int) -> Submission:
    row = connection.execute(sa.select(submission).where(
        submission.c.region_code == region_code, submission.c.period == period)).first()
    if row is None:
        return Submission(region_code, period, "draft")
    return Submission(region_code, period, row.state, row.changed_at, row.changed_by,
                      row.submitted_by)


def _has_values(connection: sa.Connection, region_code: str, period: int) -> bool:
    return connection.execute(sa.select(actual.c.revision_id).select_from(
        actual.join(series, series.c.id == actual.c.series_id)).where(
        series.c.region_code == region_code, actual.c.period == period).limit(1)).first() \
        is not None


def _authors(connection: sa.Connection, region_code: str, period: int) -> set[str]:
    """Who wrote the region-year's current values (the loads' `loaded_by`)."""
    return set(connection.execute(
        sa.select(load.c.loaded_by).distinct()
        .select_from(actual.join(series, series.c.id == actual.c.series_id)
                     .join(revision, revision.c.id == actual.c.revision_id)
                     .join(load, load.c.id == revision.c.load_id))
        .where(series.c.region_code == region_code, actual.c.period == period)).scalars())


def _wrong_state(action: str, before: Submission) -> ReviewRefused:
    state_zh, state_en = STATE_TEXT[before.state]
    verb_zh, verb_en = ACTION_TEXT[action]
    return ReviewRefused(f"该地区该年度的数值当前为“{state_zh}”，不能{verb_zh}",
                         f"the region's values for this year are {state_en}: they cannot be "
                         f"{_past(verb_en)} now")


def _moved_meanwhile() -> ReviewRefused:
    return ReviewRefused("其他人刚刚处理了这份报送，请刷新后查看",
                         "someone else acted on this submission just now; reload to see it")


def _past(verb: str) -> str:
    return {"submit": "submitted", "approve": "approved", "return": "returned",
            "accept": "accepted", "unlock": "unlocked"}[verb]
