"""Users: hashing, roles, regions, the login slow-down and the `targets user` commands."""

import datetime as dt
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import etl.users
from etl.schema import app_user, metadata
from etl.store import Store
from etl.users import (
    FREE_FAILURES,
    InvalidUserError,
    LoginRefused,
    User,
    UserStore,
    lock_seconds,
)
from targets.cli import main

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
PASSWORD = "长白山-tianchi-2018"
CHANGCHUN, JILIN_CITY, SIPING = "220100", "220200", "220300"


@pytest.fixture
def users(store: Store) -> UserStore:
    return UserStore(store)


def later(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def fail(users: UserStore, name: str, at: dt.datetime) -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(name, "wrong password", now=at)
    return refused.value


# --- the store -------------------------------------------------------------------------------

def test_migrations_build_the_user_tables_of_schema_py(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    about_users = [d for d in differences if "app_user" in repr(d) or "user_region" in repr(d)]
    assert about_users == []
    assert store.schema_revision() == Store.head_revision()


def test_a_store_at_0002_gains_the_user_tables(store_url):
    Store(store_url, upgrade=False).upgrade("0002")
    upgraded = Store(store_url)
    assert {"app_user", "user_region"} <= set(sa.inspect(upgraded.engine).get_table_names())
    assert UserStore(upgraded).all_users() == []


def test_passwords_are_stored_only_as_scrypt_hashes(users, store):
    users.add("alice", "planner", PASSWORD, [CHANGCHUN])
    with store.engine.connect() as connection:
        stored = connection.execute(sa.select(app_user.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert users.authenticate("alice", PASSWORD, now=T0).name == "alice"
    fail(users, "alice", T0)


def test_a_user_reads_back_with_role_and_regions(users):
    added = users.add("alice", "planner", PASSWORD, [CHANGCHUN, f" {JILIN_CITY} "])
    assert added == User(added.id, "alice", "planner", frozenset({CHANGCHUN, JILIN_CITY}))
    assert users.get("alice") == added
    assert users.by_id(added.id) == added
    assert users.get("bob") is None and users.by_id(added.id + 1) is None
    users.add("李明", "leader", PASSWORD)
    assert [u.name for u in users.all_users()] == sorted(["alice", "李明"])


@pytest.mark.parametrize(("name", "role", "password", "regions", "zh", "en"), [
    ("bob", "mayor", PASSWORD, [], "未知角色 'mayor'", "unknown role 'mayor'"),
    ("bob", "planner", PASSWORD, ["229999", CHANGCHUN], "229999", "not in the region register"),
    ("bob", "planner", PASSWORD, [], "至少需要一个地区", "needs at least one region"),
    ("bob", "admin", "1234567", [], "至少需要 8 个字符", "at least 8 characters"),
    ("bob smith", "admin", PASSWORD, [], "不含空格", "no spaces"),
    ("", "admin", PASSWORD, [], "用户名", "user name"),
])
def test_bad_users_are_refused_in_both_languages(users, name, role, password, regions, zh, en):
    with pytest.raises(InvalidUserError) as refused:
        users.add(name, role, password, regions)
    assert zh in refused.value.zh and en in refused.value.en
    assert users.all_users() == []


def test_a_taken_name_is_refused(users):
    users.add("alice", "admin", PASSWORD)
    with pytest.raises(InvalidUserError, match="already taken"):
        users.add("alice", "leader", PASSWORD)


def test_a_new_password_replaces_the_old_and_ends_old_sessions(users):
    alice = users.add("alice", "admin", PASSWORD)
    old_key = users.session_key(alice)
    assert users.by_session_key(old_key) == alice
    users.set_password("alice", "a new passphrase")
    fail(users, "alice", T0)
    with pytest.raises(LoginRefused):
        users.authenticate("alice", PASSWORD, now=T0)
    assert users.authenticate("alice", "a new passphrase", now=T0) == alice
    assert users.by_session_key(old_key) is None
    assert users.by_session_key(users.session_key(alice)) == alice
    with pytest.raises(InvalidUserError, match="至少需要 8 个字符"):
        users.set_password("alice", "short")
    with pytest.raises(InvalidUserError, match="no such user: bob"):
        users.set_password("bob", "a new passphrase")


def test_ending_sessions_refuses_every_key_made_before(users):
    alice = users.add("alice", "admin", PASSWORD)
    bob = users.add("bob", "admin", PASSWORD)
    old_key, bobs_key = users.session_key(alice), users.session_key(bob)
    users.end_sessions(alice.id)
    assert users.by_session_key(old_key) is None
    assert users.by_session_key(bobs_key) == bob  # only alice's sessions end
    new_key = users.session_key(alice)
    assert new_key != old_key and users.by_session_key(new_key) == alice


def test_a_store_at_0004_gains_the_session_generation(store_url):
    old = Store(store_url, upgrade=False)
    old.upgrade("0004_actual_indicator_index")
    with old.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO app_user (name, password_hash, role, created_at, failed_logins) "
            "VALUES ('alice', 'x', 'admin', '2026-01-01 00:00:00', 0)"))
    users = UserStore(Store(store_url))
    alice = users.get("alice")
    key = users.session_key(alice)
    users.end_sessions(alice.id)
    assert users.by_session_key(key) is None


@pytest.mark.parametrize("key", ["", "1", "x:abc", "1:", "1:0000000000000000", "-1:ab"])
def test_forged_session_keys_find_nobody(users, key):
    users.add("alice", "admin", PASSWORD)
    assert users.by_session_key(key) is None


# --- permissions -----------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "region", "allowed"), [
    ("planner", CHANGCHUN, True),
    ("planner", SIPING, False),
    ("admin", CHANGCHUN, True),
    ("admin", SIPING, True),
    ("leader", CHANGCHUN, False),
    ("statistician", CHANGCHUN, False),
])
def test_who_may_write_which_region(role, region, allowed):
    user = User(1, "someone", role, frozenset({CHANGCHUN}))
    assert user.can_write(region) is allowed
    assert user.can_download  # every logged-in user may download
    assert user.is_admin is (role == "admin")


# --- the slow-down ---------------------------------------------------------------------------

def test_lock_grows_from_30_seconds_to_at_most_15_minutes():
    assert [lock_seconds(n) for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    assert lock_seconds(40) == 900


def test_five_failures_lock_the_account_for_30_seconds(users):
    users.add("alice", "admin", PASSWORD)
    for attempt in range(5):
        assert fail(users, "alice", later(attempt)).retry_after_seconds == 0
    refused = fail(users, "alice", later(10))  # refused before the password is looked at
    assert refused.retry_after_seconds == 24  # 30 s from the last failure, at 4 s
    assert "24 秒" in refused.reason_zh and "24 s" in refused.reason_en
    with pytest.raises(LoginRefused) as right_but_locked:
        users.authenticate("alice", PASSWORD, now=later(33.5))
    assert right_but_locked.value.retry_after_seconds == 1
    assert users.authenticate("alice", PASSWORD, now=later(34)).name == "alice"


def test_each_further_failure_doubles_the_wait_and_success_resets(users):
    users.add("alice", "admin", PASSWORD)
    for attempt in range(5):
        fail(users, "alice", later(attempt))
    assert fail(users, "alice", later(40)).retry_after_seconds == 0  # sixth failure, unlocked
    refused = fail(users, "alice", later(41))
    assert refused.retry_after_seconds == 59  # 60 s from 40 s
    assert "59 秒" in refused.reason_zh
    fail(users, "alice", later(100))  # seventh: 120 s
    assert fail(users, "alice", later(130)).reason_en.endswith("try again in 1 min 30 s")
    users.authenticate("alice", PASSWORD, now=later(220))
    assert fail(users, "alice", later(221)).retry_after_seconds == 0  # the count starts over
    users.authenticate("alice", PASSWORD, now=later(222))


def test_a_new_password_unlocks(users):
    users.add("alice", "admin", PASSWORD)
    for attempt in range(5):
        fail(users, "alice", later(attempt))
    users.set_password("alice", "a new passphrase")
    assert users.authenticate("alice", "a new passphrase", now=later(5)).name == "alice"


def spy_on_password_checks(monkeypatch, record_hash: bool = False) -> list[str]:
    """The passwords (or the hashes) checked from now on, in the order they were checked."""
    checked: list[str] = []
    real_check = etl.users.check_password_hash

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash if record_hash else password)
        return real_check(password_hash, password)

    monkeypatch.setattr(etl.users, "check_password_hash", spy)
    return checked


def parallel(attempts: list[str], users: UserStore, monkeypatch) -> tuple[list, list[str]]:
    """Log in as alice with each password at once (from as many threads); what each got, and
    the passwords whose hash was checked."""
    checked = spy_on_password_checks(monkeypatch)
    start = threading.Barrier(len(attempts))

    def attempt(password: str) -> object:
        start.wait()
        try:
            return users.authenticate("alice", password)
        except LoginRefused as refused:
            return refused

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(attempt, attempts)), checked


def test_parallel_guesses_are_evaluated_at_most_five_times(users, monkeypatch):
    users.add("alice", "admin", PASSWORD)
    answers, checked = parallel([f"guess {n}" for n in range(40)], users, monkeypatch)
    assert len(checked) == FREE_FAILURES
    assert all(isinstance(answer, LoginRefused) for answer in answers)
    assert sum(answer.retry_after_seconds > 0 for answer in answers) == 40 - FREE_FAILURES


def test_a_burst_with_the_right_password_is_refused_past_the_limit(users, monkeypatch):
    users.add("alice", "admin", PASSWORD)
    guesses = [f"guess {n}" for n in range(99)]
    answers, checked = parallel([*guesses[:50], PASSWORD, *guesses[50:]], users, monkeypatch)
    succeeded = [answer for answer in answers if isinstance(answer, User)]
    # A success resets the count (the one who knows the password may log in), so the
    # guesses after it get another FREE_FAILURES; without it no more than FREE_FAILURES.
    assert len(checked) <= FREE_FAILURES * (1 + len(succeeded))
    assert sum(isinstance(answer, LoginRefused) and answer.retry_after_seconds > 0
               for answer in answers) >= 100 - len(checked)


def test_an_unknown_name_costs_a_hash_and_reads_like_a_wrong_password(users, monkeypatch):
    users.add("alice", "admin", PASSWORD)
    checked = spy_on_password_checks(monkeypatch, record_hash=True)
    unknown = fail(users, "nobody", T0)
    wrong = fail(users, "alice", T0)
    assert len(checked) == 2 and all(h.startswith("scrypt:") for h in checked)
    assert (unknown.reason_zh, unknown.reason_en, unknown.retry_after_seconds) == (
        wrong.reason_zh, wrong.reason_en, wrong.retry_after_seconds)


# --- the command line ------------------------------------------------------------------------

def run(url: str, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--database", url, "user", *args])


def test_cli_adds_lists_and_changes_passwords(store_url, monkeypatch, capsys):
    assert run(store_url, monkeypatch, "add", "alice", "--role", "planner", "--region",
               CHANGCHUN, JILIN_CITY, "--password-stdin", stdin=f"{PASSWORD}\n") == 0
    assert run(store_url, monkeypatch, "add", "王芳", "--role", "statistician",
               "--password-stdin", stdin=f"{PASSWORD}\r\n") == 0
    users = UserStore(Store(store_url))
    assert users.get("alice").regions == {CHANGCHUN, JILIN_CITY}
    assert users.authenticate("王芳", PASSWORD, now=T0).role == "statistician"
    capsys.readouterr()
    assert run(store_url, monkeypatch, "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1:] == [f"alice\tplanner\t{CHANGCHUN} 长春市, {JILIN_CITY} 吉林市",
                          "王芳\tstatistician\t"]
    assert run(store_url, monkeypatch, "passwd", "alice", "--password-stdin",
               stdin="another passphrase\n") == 0
    assert users.authenticate("alice", "another passphrase", now=T0).name == "alice"


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["add", "bob", "--role", "planner", "--region", "229999"], PASSWORD,
     "not in the region register: 229999"),
    (["add", "bob", "--role", "admin"], "short", "at least 8 characters"),
    (["passwd", "nobody"], PASSWORD, "no such user: nobody"),
])
def test_cli_refusals_are_bilingual(tmp_path, monkeypatch, capsys, args, stdin, message):
    url = f"sqlite:///{tmp_path / 'users.sqlite'}"
    assert run(url, monkeypatch, *args, "--password-stdin", stdin=stdin) == 2
    error = capsys.readouterr().err
    assert message in error and "错误" in error
    assert UserStore(Store(url)).all_users() == []


def test_cli_asks_twice_and_refuses_different_passwords(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'users.sqlite'}"
    typed = iter([PASSWORD, PASSWORD + "x", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["--database", url, "user", "add", "bob", "--role", "admin"]) == 2
    assert "两次输入的密码不一致" in capsys.readouterr().err
    assert main(["--database", url, "user", "add", "bob", "--role", "admin"]) == 0
    assert UserStore(Store(url)).authenticate("bob", PASSWORD, now=T0).is_admin


def test_cli_unknown_role_is_refused_by_the_parser(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--database", f"sqlite:///{tmp_path / 'u.sqlite'}", "user", "add", "bob",
              "--role", "mayor", "--password-stdin"])
    assert "invalid choice: 'mayor'" in capsys.readouterr().err
