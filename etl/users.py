"""Users of the dashboard: roles, their regions (reported for, or reviewed), password login.

Passwords are stored only as werkzeug scrypt hashes. After FREE_FAILURES consecutive failed
logins an account refuses attempts for a while (30 s, doubling with each further failure, at
most 15 min, counted from the last failure); a successful login resets the count. An unknown
name costs as much time as a known one and gets the same answer as a wrong password.

Each attempt claims its place in the count before its password is checked, by one conditional
UPDATE (compare-and-set on failed_logins): of any number of parallel attempts, at most
FREE_FAILURES are evaluated before the account refuses the rest, on SQLite and PostgreSQL alike.
A session key holds the user id and a stamp of the password hash and the session generation;
logging out and a new password move the generation on, ending every session of the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from etl.schema import ROLES, app_user, user_region
from etl.store import Store
from indicators.regions import RegionRegister, load_regions

HASH_METHOD = "scrypt"
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 100
FREE_FAILURES = 5
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 900
# Tries to claim an attempt when other attempts keep changing the count meanwhile; past them
# the attempt is refused as one among too many at once.
MAX_CLAIM_TRIES = 20
WRITER_ROLES = frozenset({"admin", "planner"})
# Roles whose rights do not depend on regions (planners report for theirs, reviewers review
# theirs): a region given for them would mean nothing.
REGIONLESS_ROLES = frozenset({"admin", "leader", "statistician"})


class InvalidUserError(ValueError):
    """A user, role, region or password that cannot be accepted; in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class LoginRefused(Exception):  # noqa: N818  (the name callers know)
    """A login attempt that did not succeed, with the reason and when to try again."""

    def __init__(self, reason_zh: str, reason_en: str, retry_after_seconds: int = 0) -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh, self.reason_en = reason_zh, reason_en
        self.retry_after_seconds = retry_after_seconds

    def reason(self, language: str) -> str:
        return self.reason_en if language == "en" else self.reason_zh


@dataclass(frozen=True)
class User:
    """Who is logged in. Planners write only their own regions, admins any region, leaders
    and statisticians none. Every logged-in user may download extracts."""

    id: int
    name: str
    role: str
    regions: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def enters_values(self) -> bool:
        """Planners and admins enter and upload values (each only where can_write says)."""
        return self.role in ("planner", "admin")

    @property
    def can_download(self) -> bool:
        return True

    def can_write(self, region_code: str) -> bool:
        if self.role == "admin":
            return True
        return self.role == "planner" and region_code in self.regions


def lock_seconds(failures: int) -> int:
    """How long an account with `failures` consecutive failures refuses attempts."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES) * FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS)


class UserStore:
    """Users in the store's `app_user` and `user_region` tables."""

    def __init__(self, store: Store, register: RegionRegister | None = None) -> None:
        self.engine = store.engine
        self._register = register
        _dummy_hash()  # computed once now, so the first unknown name is not faster

    @cached_property
    def region_codes(self) -> frozenset[str]:
        return frozenset(self._regions["code"])

    @cached_property
    def _regions(self) -> Any:
        return (self._register or load_regions()).regions

    def _check_reviewer_regions(self, role: str, codes: frozenset[str]) -> None:
        """A reviewer reviews prefecture-level divisions (and their counties): at least one,
        and each of that level."""
        if role != "reviewer":
            return
        if not codes:
            raise InvalidUserError("审核人员（reviewer）至少需要一个地级行政区（--region 代码）",
                                   "a reviewer needs at least one prefecture-level division "
                                   "(--region CODE)")
        regions = self._regions.drop_duplicates("code").set_index("code")
        other = sorted(code for code in codes if regions.at[code, "level"] != "prefecture")
        if other:
            listed = "、".join(f"{regions.at[c, 'name_zh']}（{c}）" for c in other)
            listed_en = ", ".join(f"{regions.at[c, 'name_en']} ({c})" for c in other)
            raise InvalidUserError(f"审核人员只能负责地级行政区（市、州），以下不是：{listed}",
                                   "a reviewer reviews prefecture-level divisions only; these "
                                   f"are not: {listed_en}")

    # --- writing -------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str, regions: Iterable[str] = ()) -> User:
        """A new user; refuses a taken or malformed name, unknown role or region, short
        password, and a planner without regions."""
        codes = self.check_new(name, role, regions)
        _check_password(password)
        hashed = _hash(password)
        with self.engine.begin() as connection:
            try:
                user_id = connection.execute(app_user.insert().values(
                    name=name, role=role, password_hash=hashed,
                    created_at=dt.datetime.now(dt.UTC), failed_logins=0,
                )).inserted_primary_key[0]
            except sa.exc.IntegrityError as error:
                raise _taken(name) from error
            if codes:
                connection.execute(user_region.insert(),
                                   [{"user_id": user_id, "region_code": c} for c in codes])
        return User(int(user_id), name, role, codes)

    def check_new(self, name: str, role: str, regions: Iterable[str] = ()) -> frozenset[str]:
        """The region codes as they would be stored, if a user with this name, role and
        regions can be added; else InvalidUserError."""
        _check_name(name)
        codes = self._checked_regions(regions)
        _check_role(role, codes)
        self._check_reviewer_regions(role, codes)
        if self.get(name) is not None:
            raise _taken(name)
        return codes

    def set_password(self, name: str, password: str) -> None:
        """A new password; it also unlocks the account and ends the user's other sessions."""
        _check_password(password)
        hashed = _hash(password)
        with self.engine.begin() as connection:
            done = connection.execute(app_user.update().where(app_user.c.name == name).values(
                password_hash=hashed, failed_logins=0, last_failed_at=None,
                session_generation=app_user.c.session_generation + 1))
        if done.rowcount == 0:
            raise _unknown(name)

    def _checked_regions(self, regions: Iterable[str]) -> frozenset[str]:
        codes = frozenset(code.strip() for code in regions)
        unknown = sorted(codes - self.region_codes)
        if unknown:
            listed = ", ".join(unknown)
            raise InvalidUserError(f"地区代码不在地区名录中：{listed}",
                              f"region code(s) not in the region register: {listed}")
        return codes

    # --- reading -------------------------------------------------------------------------

    def get(self, name: str) -> User | None:
        return self._user(app_user.c.name == name)

    def by_id(self, user_id: int) -> User | None:
        return self._user(app_user.c.id == user_id)

    def all_users(self) -> list[User]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(app_user).order_by(app_user.c.name)).all()
            return [_user_of(connection, row) for row in rows]

    def _user(self, where: sa.ColumnElement[bool]) -> User | None:
        with self.engine.connect() as connection:
            row = _row(connection, where)
            return None if row is None else _user_of(connection, row)

    # --- login ---------------------------------------------------------------------------

    def authenticate(self, name: str, password: str, now: dt.datetime | None = None) -> User:
        """The user with this name and password, or LoginRefused (wrong name or password,
        or the account is refusing attempts after repeated failures)."""
        moment = _utc(now or dt.datetime.now(dt.UTC))
        with self.engine.connect() as connection:
            row = _row(connection, app_user.c.name == name)
        if row is None:
            check_password_hash(_dummy_hash(), password)
            raise _wrong()
        row = self._claim_attempt(row, moment)
        if not check_password_hash(row.password_hash, password):
            raise _wrong()  # already counted by the claim
        self._reset_failures(row.id)
        user = self.by_id(row.id)
        if user is None:  # deleted between the password check and now
            raise _wrong()
        return user

    def _claim_attempt(self, row: Any, moment: dt.datetime) -> Any:
        """Count this attempt as a failure before its password is checked (a success resets
        the count), unless the account is refusing attempts: one UPDATE that succeeds only if
        the count is still the one judged unlocked, so parallel attempts cannot all pass the
        check before any of them is counted. Returns the row the claim was made on."""
        for _try in range(MAX_CLAIM_TRIES):
            _refuse_if_locked(row, moment)
            with self.engine.begin() as connection:
                claimed = connection.execute(app_user.update().where(
                    app_user.c.id == row.id, app_user.c.failed_logins == row.failed_logins,
                ).values(failed_logins=row.failed_logins + 1, last_failed_at=moment)).rowcount
            if claimed:
                return row
            with self.engine.connect() as connection:
                row = _row(connection, app_user.c.id == row.id)
            if row is None:
                raise _wrong()
        raise LoginRefused("同时登录尝试过多，请稍后再试",
                           "too many login attempts at once; try again shortly", 1)

    def _reset_failures(self, user_id: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(app_user.update().where(app_user.c.id == user_id).values(
                failed_logins=0, last_failed_at=None))

    # --- sessions ------------------------------------------------------------------------

    def session_key(self, user: User) -> str:
        """What a login session remembers: the user id and a stamp of the password hash and
        the session generation, so that a new password or a logout ends every session."""
        with self.engine.connect() as connection:
            row = _row(connection, app_user.c.id == user.id)
        if row is None:
            raise _unknown(user.name)
        return f"{row.id}:{_stamp(row)}"

    def by_session_key(self, key: str) -> User | None:
        user_id, _, stamp = key.partition(":")
        if not user_id.isascii() or not user_id.isdigit() or not stamp:
            return None
        with self.engine.connect() as connection:
            row = _row(connection, app_user.c.id == int(user_id))
            if row is None or not hmac.compare_digest(stamp, _stamp(row)):
                return None
            return _user_of(connection, row)

    def end_sessions(self, user_id: int) -> None:
        """End every session of the user (a logout): their session keys no longer match."""
        with self.engine.begin() as connection:
            connection.execute(app_user.update().where(app_user.c.id == user_id).values(
                session_generation=app_user.c.session_generation + 1))


# --- helpers ---------------------------------------------------------------------------------

def _row(connection: sa.Connection, where: sa.ColumnElement[bool]) -> Any:
    return connection.execute(sa.select(app_user).where(where)).first()


def _user_of(connection: sa.Connection, row: Any) -> User:
    codes = connection.execute(sa.select(user_region.c.region_code)
                               .where(user_region.c.user_id == row.id)).scalars()
    return User(int(row.id), row.name, row.role, frozenset(codes))


def _refuse_if_locked(row: Any, moment: dt.datetime) -> None:
    wait = lock_seconds(row.failed_logins)
    if not wait or row.last_failed_at is None:
        return
    remaining = (_utc(row.last_failed_at) + dt.timedelta(seconds=wait) - moment).total_seconds()
    if remaining > 0:
        seconds = math.ceil(remaining)
        zh, en = _duration(seconds)
        raise LoginRefused(f"登录失败次数过多，请 {zh}后再试",
                           f"too many failed logins; try again in {en}", seconds)


def _duration(seconds: int) -> tuple[str, str]:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} 秒", f"{rest} s"
    if not rest:
        return f"{minutes} 分钟", f"{minutes} min"
    return f"{minutes} 分 {rest} 秒", f"{minutes} min {rest} s"


def _check_name(name: str) -> None:
    if not 1 <= len(name) <= MAX_NAME or any(
            char.isspace() or unicodedata.category(char).startswith("C") for char in name):
        raise InvalidUserError(f"用户名须为 1 至 {MAX_NAME} 个字符，不含空格或控制字符：{name!r}",
                          f"a user name has 1 to {MAX_NAME} characters, no spaces or control "
                          f"characters: {name!r}")


def _check_role(role: str, regions: frozenset[str]) -> None:
    if role not in ROLES:
        listed = ", ".join(ROLES)
        raise InvalidUserError(f"未知角色 {role!r}，可选：{listed}",
                          f"unknown role {role!r}; choose one of {listed}")
    if role == "planner" and not regions:
        raise InvalidUserError("填报人员（planner）至少需要一个地区（--region 代码）",
                          "a planner needs at least one region (--region CODE)")
    if role in REGIONLESS_ROLES and regions:
        raise InvalidUserError(f"{role} 不按地区划分权限，请去掉 --region",
                               f"a {role} has no regions: leave out --region")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidUserError(f"密码至少需要 {MIN_PASSWORD} 个字符",
                          f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidUserError(f"密码不能超过 {MAX_PASSWORD} 个字符",
                          f"a password has at most {MAX_PASSWORD} characters")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


@cache
def _dummy_hash() -> str:
    """A hash to check unknown names against, so they take as long as known ones."""
    return _hash(secrets.token_urlsafe(16))


def _stamp(row: Any) -> str:
    material = f"{row.password_hash}:{row.session_generation}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _wrong() -> LoginRefused:
    return LoginRefused("用户名或密码不正确", "wrong user name or password")


def _taken(name: str) -> InvalidUserError:
    return InvalidUserError(f"用户名已存在：{name}", f"user name already taken: {name}")


def _unknown(name: str) -> InvalidUserError:
    return InvalidUserError(f"没有此用户：{name}", f"no such user: {name}")


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
