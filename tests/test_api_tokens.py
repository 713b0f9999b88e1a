"""API tokens (etl/api_tokens.py, `targets token`): shown once, stored hashed, checked,
revoked, listed without secrets; migration 0008 on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.api_tokens import PREFIX, TokenError, TokenStore
from etl.schema import api_token
from etl.store import Store
from targets.cli import main as targets


def utc(moment: object) -> pd.Timestamp:
    """A stored time in UTC: SQLite gives it naive (stored in UTC), PostgreSQL aware."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def test_a_store_at_0007_gets_the_token_table_and_keeps_its_values(store_url):
    old = Store(store_url, upgrade=False)
    old.upgrade("0007_review")
    with old.engine.connect() as connection:
        assert not sa.inspect(connection).has_table("api_token")
    with old.engine.begin() as connection:  # a value as the version of 0007 wrote it
        connection.execute(sa.text(
            "INSERT INTO load (id, loaded_at, loaded_by, source, kind, is_demo, revision_count)"
            " VALUES (1, :at, 'planner', 'old.csv', 'file', :demo, 1)"),
            {"at": dt.datetime(2021, 1, 1), "demo": False})
        connection.execute(sa.text(
            "INSERT INTO revision (id, load_id, region_code, indicator_id, period, value)"
            " VALUES (1, 1, '220100', 'transit_modal_share', 2020, 25.0)"))
        connection.execute(sa.text(
            "INSERT INTO actual (region_code, indicator_id, period, value, revision_id, is_demo)"
            " VALUES ('220100', 'transit_modal_share', 2020, 25.0, 1, :demo)"), {"demo": False})
    old.engine.dispose()
    upgraded = Store(store_url)
    assert upgraded.schema_revision() == Store.head_revision()
    tokens = TokenStore(upgraded)
    secret = tokens.add("robot", by="admin")
    assert tokens.check(secret).name == "robot"
    assert upgraded.current(view="all")["value"].tolist() == [25.0]


def test_a_token_is_shown_once_stored_hashed_checked_and_revoked(store_url):
    store = Store(store_url)
    tokens = TokenStore(store)
    secret = tokens.add("robot", by="admin", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert secret.startswith(PREFIX) and len(secret) > 40
    with store.engine.connect() as connection:
        row = connection.execute(sa.select(api_token)).one()
    assert secret not in [str(value) for value in row]
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.scope == "read" and row.created_by == "admin" and row.last_used_at is None
    first_use = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    found = tokens.check(secret, now=first_use)
    assert (found.name, found.scope) == ("robot", "read")
    # Its use is recorded, again only a minute later (a poller writes once a minute).
    for moment, recorded in ((first_use + dt.timedelta(seconds=30), first_use),
                             (first_use + dt.timedelta(minutes=2),
                              first_use + dt.timedelta(minutes=2))):
        tokens.check(secret, now=moment)
        used = tokens.list().loc[0, "last_used_at"]
        assert utc(used) == utc(recorded)
    for wrong in (secret[:-1], secret + "a", secret.upper(), "", PREFIX, "x" * 500):
        assert tokens.check(wrong) is None
    other = tokens.add("other", by="admin")
    tokens.revoke("robot")
    assert tokens.check(secret) is None and tokens.check(other).name == "other"
    with pytest.raises(TokenError, match="no valid token"):
        tokens.revoke("robot")  # already revoked
    with pytest.raises(TokenError, match="exists already"):
        tokens.add("other", by="admin")
    with pytest.raises(TokenError, match="1 to 100"):
        tokens.add("  ", by="admin")


def test_the_token_commands(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert targets(["--database", url, "token", "add", "robot", "--by", "admin"]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    assert secret.startswith(PREFIX) and "只显示这一次" in err and "shown this once" in err
    assert TokenStore(Store(url)).check(secret).name == "robot"
    assert targets(["--database", url, "--lang", "en", "token", "list"]) == 0
    listed = capsys.readouterr().out
    assert "robot\tread\tadmin" in listed and secret not in listed
    assert hashlib.sha256(secret.encode()).hexdigest() not in listed
    assert targets(["--database", url, "token", "add", "robot"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert targets(["--database", url, "token", "revoke", "robot"]) == 0
    assert TokenStore(Store(url)).check(secret) is None
    assert targets(["--database", url, "token", "revoke", "nobody"]) == 2
