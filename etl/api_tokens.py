"""API tokens for machines reading /api/v1: made, checked, listed and revoked; read-only.

A token is `jt_` followed by secrets.token_urlsafe(32) (256 random bits), shown once when it is
made. The store keeps only its SHA-256: a fast hash is enough for a secret of that entropy (no
password guessing to slow down), and it lets a request's token be found by its hash. The hash is
compared again with hmac.compare_digest. A token's only scope is "read": there is no scope that
writes, and the dashboard's write paths never look at a token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from etl.schema import api_token
from etl.store import Store

PREFIX = "jt_"
MAX_NAME = 100
MAX_TOKEN = 200  # longer than any token made here: refused unhashed
USE_RECORDED_EVERY = dt.timedelta(minutes=1)  # last_used_at is this precise


class TokenError(ValueError):
    """A token name that cannot be used (empty, taken, unknown), in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Token:
    """A valid token as a request presents it: its name and scope."""

    id: int
    name: str
    scope: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenStore:
    """The api_token table of a store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, name: str, *, by: str, now: dt.datetime | None = None) -> str:
        """Make a read-only token called `name`; return its secret (shown once, kept nowhere)."""
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise TokenError(f"令牌名称须为 1 至 {MAX_NAME} 个字符",
                             f"a token's name must have 1 to {MAX_NAME} characters")
        secret = PREFIX + secrets.token_urlsafe(32)
        try:
            with self.store.engine.begin() as connection:
                connection.execute(api_token.insert().values(
                    name=name, token_hash=token_hash(secret), scope="read", created_by=by,
                    created_at=now or _now()))
        except sa.exc.IntegrityError as error:
            raise TokenError(f"已有名为“{name}”的令牌", f"a token named '{name}' exists "
                             "already") from error
        return secret

    def revoke(self, name: str, *, now: dt.datetime | None = None) -> None:
        """Revoke the token `name` from now on (kept, with the time, for the record)."""
        with self.store.engine.begin() as connection:
            done = connection.execute(api_token.update().where(
                api_token.c.name == name.strip(), api_token.c.revoked_at.is_(None)
            ).values(revoked_at=now or _now())).rowcount
        if not done:
            raise TokenError(f"没有名为“{name}”的有效令牌",
                             f"there is no valid token named '{name}'")

    def check(self, secret: str, *, now: dt.datetime | None = None) -> Token | None:
        """The token whose secret this is, if it is known and not revoked (its use recorded),
        else None."""
        if not secret.startswith(PREFIX) or len(secret) > MAX_TOKEN:
            return None
        digest = token_hash(secret)
        moment = now or _now()
        with self.store.engine.connect() as connection:
            row = connection.execute(sa.select(
                api_token.c.id, api_token.c.name, api_token.c.scope, api_token.c.token_hash,
                api_token.c.last_used_at,
            ).where(api_token.c.token_hash == digest,
                    api_token.c.revoked_at.is_(None))).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        if row.last_used_at is None or moment - _utc(row.last_used_at) >= USE_RECORDED_EVERY:
            # A machine polling every second writes at most once a minute, not every request.
            with self.store.engine.begin() as connection:
                connection.execute(api_token.update().where(api_token.c.id == row.id)
                                   .values(last_used_at=moment))
        return Token(row.id, row.name, row.scope)

    def list(self) -> pd.DataFrame:
        """Every token without its hash: name, scope, who made it and when, revoked, last used."""
        query = sa.select(api_token.c.name, api_token.c.scope, api_token.c.created_by,
                          api_token.c.created_at, api_token.c.revoked_at,
                          api_token.c.last_used_at).order_by(api_token.c.name)
        with self.store.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        return pd.DataFrame(rows, columns=["name", "scope", "created_by", "created_at",
                                           "revoked_at", "last_used_at"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back a naive time (stored in UTC); PostgreSQL an aware one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
