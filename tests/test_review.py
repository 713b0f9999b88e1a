"""The review workflow in the store, on SQLite and PostgreSQL: states, who may take each step,
locks, the accepted values, the migration of a store of the previous version."""

import datetime as dt

import pytest
import sqlalchemy as sa

from etl.acceptance import LockedError
from etl.review import ACTIONS, Review, ReviewRefused
from etl.store import Store
from etl.users import User
from indicators.regions import load_regions
from tests.factories import make_rows

SHARE = "transit_modal_share"
COUNTY = "220112"  # 双阳区, a county-level division of 长春市 (220100)
PLANNER = User(1, "county_planner", "planner", frozenset({COUNTY}))
OTHER_PLANNER = User(2, "other_planner", "planner", frozenset({"220201"}))
REVIEWER = User(3, "changchun_reviewer", "reviewer", frozenset({"220100"}))
OTHER_REVIEWER = User(4, "jilin_reviewer", "reviewer", frozenset({"220200"}))
STATISTICIAN = User(5, "province_statistician", "statistician")
ADMIN = User(6, "admin", "admin")
LEADER = User(7, "leader", "leader")
EVERYONE = [None, PLANNER, OTHER_PLANNER, REVIEWER, OTHER_REVIEWER, STATISTICIAN, ADMIN, LEADER]
# Who may take each step on COUNTY's year; everyone else is refused.
ALLOWED = {"submit": {PLANNER, ADMIN}, "approve": {REVIEWER},
           "return": {REVIEWER, STATISTICIAN}, "accept": {STATISTICIAN}, "unlock": {ADMIN}}


@pytest.fixture
def review(store: Store) -> Review:
    return Review(store, load_regions())


def entered(store: Store, value: float = 20.0, by: str = PLANNER.name) -> None:
    store.load(make_rows((COUNTY, SHARE, 2020, value)), by=by, source="form", kind="form")


def state_after(review: Review, *steps: tuple[User, str]) -> str:
    for user, action in steps:
        review.act(user, action, COUNTY, 2020, comment="请核实" if action in (
            "return", "unlock") else "")
    return review.submission(COUNTY, 2020).state


def test_the_whole_path_with_a_return_and_every_step_recorded(review, store):
    entered(store)
    assert state_after(review, (PLANNER, "submit"), (REVIEWER, "return")) == "draft"
    entered(store, 21.0)  # corrected while a draft
    assert state_after(review, (PLANNER, "submit"), (REVIEWER, "approve"),
                       (STATISTICIAN, "accept")) == "accepted"
    events = review.events(COUNTY, 2020)
    assert events["action"].tolist()[::-1] == ["submit", "return", "submit", "approve",
                                               "accept"]
    assert events["to_state"].tolist()[::-1] == ["submitted", "draft", "submitted",
                                                 "approved", "accepted"]
    assert events["actor"].iloc[-2] == REVIEWER.name and events["comment"].iloc[-2] == "请核实"
    assert store.values(view="accepted")["value"].tolist() == [21.0]


def test_leaders_see_a_value_only_once_it_is_accepted(review, store):
    entered(store)
    assert store.values(view="accepted").empty
    assert store.current(view="all")["accepted"].tolist() == [False]
    state_after(review, (PLANNER, "submit"), (REVIEWER, "approve"))
    assert store.values(view="accepted").empty
    version = store.review_version()
    state_after(review, (STATISTICIAN, "accept"))
    assert store.values(view="accepted")["value"].tolist() == [20.0]
    assert store.current(view="all")["accepted"].tolist() == [True]
    assert store.accepted_changed_since(version)["value"].tolist() == [20.0]
    assert store.accepted_changed_since(store.review_version()).empty


@pytest.mark.parametrize("action", ACTIONS)
def test_each_step_is_refused_to_everyone_not_allowed_and_changes_nothing(review, store,
                                                                         action):
    entered(store, by="someone_else")
    ready = {"submit": [], "approve": [(PLANNER, "submit")], "return": [(PLANNER, "submit")],
             "accept": [(PLANNER, "submit"), (REVIEWER, "approve")],
             "unlock": [(PLANNER, "submit"), (REVIEWER, "approve"), (STATISTICIAN, "accept")]}
    before = state_after(review, *ready[action])
    events = len(review.events())
    for user in EVERYONE:
        if user in ALLOWED[action]:
            continue
        with pytest.raises(ReviewRefused):
            review.act(user, action, COUNTY, 2020, comment="x")
        assert review.submission(COUNTY, 2020).state == before
        assert len(review.events()) == events
    allowed = next(iter(ALLOWED[action] - {PLANNER} if action != "submit" else {PLANNER}))
    review.act(allowed, action, COUNTY, 2020, comment="x")  # the positive control
    assert review.submission(COUNTY, 2020).state != before


def test_nobody_approves_or_accepts_what_they_entered_or_submitted(review, store):
    entered(store, by=REVIEWER.name)  # a reviewer's name on a value of the year
    state_after(review, (PLANNER, "submit"))
    with pytest.raises(ReviewRefused, match="自己"):
        review.act(REVIEWER, "approve", COUNTY, 2020)
    assert review.submission(COUNTY, 2020).state == "submitted"
    province = User(9, "changchun_planner", "planner", frozenset({"220100"}))
    store.load(make_rows(("220000", SHARE, 2020, 5.0)), by=STATISTICIAN.name, source="f")
    review.act(ADMIN, "submit", "220000", 2020)
    with pytest.raises(ReviewRefused):  # the province's own year: approved by a statistician,
        review.act(STATISTICIAN, "approve", "220000", 2020)  # but not the one who wrote it
    with pytest.raises(ReviewRefused):
        review.act(province, "approve", "220000", 2020)


def test_steps_out_of_order_are_refused(review, store):
    entered(store)
    for user, action in ((REVIEWER, "approve"), (STATISTICIAN, "accept"),
                         (REVIEWER, "return"), (ADMIN, "unlock")):
        with pytest.raises(ReviewRefused, match="草稿"):
            review.act(user, action, COUNTY, 2020, comment="x")
    state_after(review, (PLANNER, "submit"))
    with pytest.raises(ReviewRefused, match="已报送"):
        review.act(PLANNER, "submit", COUNTY, 2020)


def test_an_empty_year_cannot_be_submitted_and_a_return_needs_a_comment(review, store):
    with pytest.raises(ReviewRefused, match="没有数值"):
        review.act(PLANNER, "submit", COUNTY, 2020)
    assert review.events().empty
    entered(store)
    state_after(review, (PLANNER, "submit"))
    with pytest.raises(ReviewRefused, match="意见"):
        review.act(REVIEWER, "return", COUNTY, 2020, comment="   ")


def test_a_year_under_review_or_accepted_refuses_every_write_until_unlocked(review, store):
    entered(store)
    counts = store.counts()
    state_after(review, (PLANNER, "submit"))
    with pytest.raises(LockedError) as refused:
        entered(store, 30.0)
    assert refused.value.rows[["region_code", "period", "state"]].values.tolist() == [
        [COUNTY, 2020, "submitted"]]
    state_after(review, (REVIEWER, "approve"), (STATISTICIAN, "accept"))
    first = int(store.history(COUNTY, SHARE, 2020)["id"].iloc[0])
    for write in (lambda: entered(store, 30.0), lambda: store.revert(first, by=ADMIN.name)):
        with pytest.raises(LockedError) as refused:
            write()
        locked = refused.value.rows.iloc[0]
        assert locked["state"] == "accepted" and locked["changed_by"] == STATISTICIAN.name
    assert store.counts()["revision"] == counts["revision"]
    with pytest.raises(ReviewRefused, match="原因"):
        review.act(ADMIN, "unlock", COUNTY, 2020, comment="")
    review.act(ADMIN, "unlock", COUNTY, 2020, comment="统计局更正了口径")
    entered(store, 30.0)
    assert store.values(view="all")["value"].tolist() == [30.0]
    # The accepted value stays what the province accepted until it accepts again.
    assert store.values(view="accepted")["value"].tolist() == [20.0]
    assert review.events(COUNTY, 2020)["comment"].iloc[0] == "统计局更正了口径"


def test_another_year_and_another_region_stay_writable(review, store):
    entered(store)
    state_after(review, (PLANNER, "submit"))
    store.load(make_rows((COUNTY, SHARE, 2021, 1.0), ("220201", SHARE, 2020, 2.0)),
               by="x", source="f")
    assert len(store.values()) == 3


def test_a_load_accepted_without_review_is_shown_and_leaves_the_year_a_draft(review, store):
    store.load(make_rows((COUNTY, SHARE, 2020, 12.5), (COUNTY, SHARE, 2019, 11.0)), by="统计局",
               source="统计公报 2020", kind="published", accept=True)
    assert store.values(view="accepted")["value"].tolist() == [11.0, 12.5]
    assert review.submission(COUNTY, 2020).state == "draft"
    imports = review.events(COUNTY)
    assert imports["action"].tolist() == ["import", "import"]
    assert "统计公报 2020" in imports["comment"].iloc[0]


def test_a_second_reviewer_acting_on_a_moved_submission_is_told_so(review, store):
    entered(store)
    state_after(review, (PLANNER, "submit"))
    two = User(8, "second_changchun_reviewer", "reviewer", frozenset({"220100"}))
    review.act(REVIEWER, "approve", COUNTY, 2020)
    with pytest.raises(ReviewRefused, match="已审核"):  # the second saw it submitted
        review.act(two, "approve", COUNTY, 2020)
    assert (review.events()["action"] == "approve").sum() == 1


def test_a_store_at_0006_keeps_its_values_shown_as_accepted_without_review(store_url):
    old = Store(store_url, upgrade=False)
    old.upgrade("0006_load_skipped")
    with old.engine.begin() as connection:  # as the previous version wrote them
        connection.execute(sa.text(
            "INSERT INTO load (id, loaded_at, loaded_by, source, kind, is_demo, revision_count)"
            " VALUES (1, :at, 'a planner', 'old.csv', 'file', :demo, 3)"),
            {"at": dt.datetime(2019, 1, 1), "demo": False})
        for n, (region, period, value) in enumerate(
                [(COUNTY, 2019, 18.0), (COUNTY, 2020, 19.0), ("220100", 2020, 25.0)], start=1):
            key = {"id": n, "region": region, "indicator": SHARE, "period": period,
                   "value": value, "demo": False}
            connection.execute(sa.text(
                "INSERT INTO revision (id, load_id, region_code, indicator_id, period, value)"
                " VALUES (:id, 1, :region, :indicator, :period, :value)"), key)
            connection.execute(sa.text(
                "INSERT INTO actual (region_code, indicator_id, period, value, revision_id,"
                " is_demo) VALUES (:region, :indicator, :period, :value, :id, :demo)"), key)
        connection.execute(sa.text("INSERT INTO app_user (name, password_hash, role, created_at)"
                                   " VALUES ('p', 'x', 'planner', :at)"),
                           {"at": dt.datetime(2020, 1, 1)})
    old.engine.dispose()
    upgraded = Store(store_url)
    assert upgraded.schema_revision() == Store.head_revision()
    columns = ["region_code", "indicator_id", "period", "value", "revision_id"]
    every = upgraded.current(view="all")
    assert every["accepted"].all() and len(every) == 3
    assert upgraded.current(view="accepted")[columns].equals(every[columns])
    review = Review(upgraded, load_regions())
    events = review.events()
    assert set(events["action"]) == {"import"} and len(events) == 3  # one per region-year
    assert events["comment"].str.contains("未经审核").all()
    assert review.submission(COUNTY, 2020).state == "draft"  # still correctable
    with upgraded.engine.begin() as connection:  # the role check now knows reviewers
        connection.execute(sa.text("INSERT INTO app_user (name, password_hash, role, created_at)"
                                   " VALUES ('r', 'x', 'reviewer', :at)"),
                           {"at": dt.datetime(2020, 1, 1)})
        with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
            connection.execute(sa.text(
                "INSERT INTO app_user (name, password_hash, role, created_at)"
                " VALUES ('z', 'x', 'boss', :at)"), {"at": dt.datetime(2020, 1, 1)})


def test_progress_counts_each_state_and_what_is_overdue(review, store):
    import pandas as pd

    from etl.reporting import deadlines, progress, progress_by_region, set_deadline

    expected = pd.DataFrame({"region_code": [COUNTY, COUNTY, "220201", "220100"],
                             "indicator_id": [SHARE, "road_area_ratio", SHARE, SHARE]})
    entered(store)
    store.load(make_rows(("220201", SHARE, 2020, 3.0)), by="x", source="f")
    store.load(make_rows(("220100", SHARE, 2020, 4.0)), by="统计局", source="公报",
               kind="published", accept=True)
    state_after(review, (PLANNER, "submit"))
    assert deadlines(store, 2020, [SHARE]).tolist() == [dt.date(2021, 3, 31)]
    set_deadline(store, ["road_area_ratio"], 2020, dt.date(2021, 1, 15), by="admin")
    detail = progress(store, 2020, expected, today=dt.date(2021, 2, 1))
    assert detail["state"].tolist() == ["submitted", "missing", "draft", "accepted"]
    assert detail["overdue"].tolist() == [False, True, False, False]
    later = progress(store, 2020, expected, today=dt.date(2021, 4, 1))
    assert later["overdue"].tolist() == [False, True, True, False]
    by_region = progress_by_region(later).set_index("region_code")
    assert by_region.loc[COUNTY, ["missing", "submitted", "overdue"]].tolist() == [1, 1, 1]
    assert by_region.loc["220100", "accepted"] == 1


def test_of_reviewers_acting_at_once_exactly_one_moves_the_submission(review, store):
    from concurrent.futures import ThreadPoolExecutor

    entered(store)
    state_after(review, (PLANNER, "submit"))
    reviewers = [User(20 + n, f"changchun_reviewer_{n}", "reviewer", frozenset({"220100"}))
                 for n in range(6)]

    def approve(user: User) -> str:
        try:
            review.act(user, "approve", COUNTY, 2020)
            return "moved"
        except ReviewRefused:
            return "refused"

    with ThreadPoolExecutor(len(reviewers)) as pool:
        outcomes = list(pool.map(approve, reviewers))
    assert outcomes.count("moved") == 1 and outcomes.count("refused") == 5
    assert (review.events()["action"] == "approve").sum() == 1


def test_a_save_racing_a_submission_is_either_before_it_or_refused(review, store):
    from concurrent.futures import ThreadPoolExecutor

    entered(store)

    def save(value: float) -> str:
        try:
            entered(store, value)
            return "saved"
        except LockedError:
            return "locked"

    with ThreadPoolExecutor(4) as pool:
        submitted = pool.submit(review.act, PLANNER, "submit", COUNTY, 2020)
        saves = list(pool.map(save, [30.0 + n for n in range(6)]))
        submitted.result()
    # Every save that got in came before the submission: nothing after it is in the year.
    submit_event = review.events(COUNTY, 2020).iloc[0]
    after = store.history(COUNTY, SHARE, 2020)
    assert (after["loaded_at"] <= submit_event["happened_at"]).all()
    assert saves.count("saved") + saves.count("locked") == 6


def test_targets_load_into_a_locked_year_says_who_locked_it_and_writes_nothing(
        review, store, store_url, tmp_path, capsys):
    from targets.cli import main

    entered(store)
    state_after(review, (PLANNER, "submit"), (REVIEWER, "approve"), (STATISTICIAN, "accept"))
    counts = store.counts()
    data = tmp_path / "values.csv"
    data.write_text("地区,指标,年份,数值,单位\n双阳区,公共交通机动化出行分担率,2020,30,%\n",
                    encoding="utf-8")
    assert main(["--database", store_url, "load", str(data), "--by", "operator"]) == 1
    told = capsys.readouterr().err
    assert "双阳区 2020 年：已锁定，由 province_statistician" in told
    assert "Shuangyang District 2020: locked, accepted by province_statistician" in told
    assert Store(store_url).counts() == counts
