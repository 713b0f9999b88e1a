"""The review commands: `targets progress`, `targets calendar set|list`, `targets review
unlock`, and `targets user add --role reviewer`."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from etl.review import Review
from etl.store import Store
from etl.users import User, UserStore
from indicators.regions import load_regions
from targets.cli import main as targets
from tests.factories import make_rows

INSPECTIONS = "relics_safety_inspections_per_year"  # one of the indicators counties report
COUNTY, YEAR = "220112", 2020  # 双阳区, of 长春市
THIS_YEAR = dt.date.today().year  # its values are not due yet by default
PASSWORD = "长白山-tianchi-2018"
PLANNER = User(1, "county", "planner", frozenset({COUNTY}))
REVIEWER = User(2, "changchun", "reviewer", frozenset({"220100"}))
STATISTICIAN = User(3, "province", "statistician")


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    Store(url).load(make_rows((COUNTY, INSPECTIONS, YEAR, 4.0),
                              (COUNTY, INSPECTIONS, THIS_YEAR, 4.0)), by="county",
                    source="form", kind="form")
    return url


def add_user(url: str, monkeypatch, *arguments: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return targets(["--database", url, "user", "add", *arguments, "--password-stdin"])


def progress(url: str, capsys, *arguments: str, year: int = YEAR) -> list[dict]:
    capsys.readouterr()
    assert targets(["--database", url, "progress", "--year", str(year), "--format", "json",
                    *arguments]) == 0
    return json.loads(capsys.readouterr().out)


def test_progress_lists_each_region_with_what_it_has_reported(url, capsys):
    rows = {row["region_code"]: row for row in progress(url, capsys)}
    county = rows[COUNTY]
    assert county["state"] == "draft" and county["draft"] == 1 and county["missing"] > 0
    assert county["region"] == "双阳区" and county["due_on"] == f"{YEAR + 1}-03-31"
    assert rows["220100"]["draft"] == 0 and rows["220100"]["missing"] > 0
    review = Review(Store(url), load_regions())
    review.act(PLANNER, "submit", COUNTY, YEAR)
    review.act(REVIEWER, "approve", COUNTY, YEAR)
    only = progress(url, capsys, "--region", "双阳区")
    assert [(r["region_code"], r["state"], r["approved"], r["draft"]) for r in only] == [
        (COUNTY, "approved", 1, 0)]
    capsys.readouterr()
    assert targets(["--database", url, "--lang", "en", "progress", "--year", str(YEAR),
                    "--region", COUNTY]) == 0
    table = capsys.readouterr().out
    assert "Shuangyang District" in table and "approved" in table and "长春" not in table


def test_progress_refuses_an_unknown_region(url, capsys):
    assert targets(["--database", url, "progress", "--year", str(YEAR), "--region",
                    "无此地区"]) == 2
    assert "no such region" in capsys.readouterr().err


def test_a_due_date_decides_what_is_overdue_and_is_listed(url, capsys):
    UserStore(Store(url)).add("ops", "admin", PASSWORD)
    before = {r["region_code"]: r for r in progress(url, capsys, year=YEAR)}
    assert before[COUNTY]["due_on"] == f"{YEAR + 1}-03-31"  # the default: 31 March after
    # Its one value is a draft past that date, the others are missing: all overdue.
    assert before[COUNTY]["overdue"] == len(reported(COUNTY)) > 1
    later = f"{THIS_YEAR + 1}-06-30"
    assert targets(["--database", url, "calendar", "set", "--year", str(YEAR), "--due",
                    later, "--indicator", "文物安全检查次数", "--by", "ops"]) == 0
    after = {r["region_code"]: r for r in progress(url, capsys, year=YEAR)}
    assert after[COUNTY]["overdue"] == before[COUNTY]["overdue"] - 1  # by name, not id
    capsys.readouterr()
    assert targets(["--database", url, "calendar", "list", "--year", str(YEAR)]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    listed = {line.split("\t")[0]: line.split("\t")[2:] for line in lines}
    assert listed[INSPECTIONS] == [later, "ops"]
    assert {tuple(v) for k, v in listed.items() if k != INSPECTIONS} == {
        (f"{YEAR + 1}-03-31", "（默认）")}


@pytest.mark.parametrize(("arguments", "told"), [
    (["--indicator", "no_such", "--by", "ops"], "没有此指标"),
    (["--by", "nobody"], "没有此用户"),
    (["--by", "county"], "只有管理员可以设置截止日期"),
    (["--due", f"{YEAR}-12-31", "--by", "ops"], "须在该年结束之后"),
])
def test_a_due_date_is_set_by_an_admin_after_the_year_for_a_known_indicator(
        url, capsys, arguments, told):
    users = UserStore(Store(url))
    users.add("ops", "admin", PASSWORD)
    users.add("county", "planner", PASSWORD, [COUNTY])
    due = [] if "--due" in arguments else ["--due", f"{YEAR + 1}-02-28"]
    assert targets(["--database", url, "calendar", "set", "--year", str(YEAR), *due,
                    *arguments]) == 2
    assert told in capsys.readouterr().err
    assert targets(["--database", url, "calendar", "set", "--year", str(YEAR), "--due",
                    f"{YEAR + 1}-02-28", "--by", "ops"]) == 0  # the positive control
    with pytest.raises(SystemExit):
        targets(["--database", url, "calendar", "set", "--year", str(YEAR), "--due",
                 "15.01.2021", "--by", "ops"])


def reported(region: str) -> set[str]:
    from indicators.calendar import reportable
    from indicators.reference import Reference

    expected = reportable(Reference.load(), THIS_YEAR)
    return set(expected.loc[expected["region_code"] == region, "indicator_id"])


def test_review_unlock_needs_an_admin_and_a_reason_and_is_recorded(url, monkeypatch, capsys):
    review = Review(Store(url), load_regions())
    for user, action in ((PLANNER, "submit"), (REVIEWER, "approve"), (STATISTICIAN, "accept")):
        review.act(user, action, COUNTY, YEAR)
    assert add_user(url, monkeypatch, "boss", "--role", "admin") == 0
    assert add_user(url, monkeypatch, "lee", "--role", "leader") == 0
    unlock = ["--database", url, "review", "unlock", "--region", COUNTY, "--year", str(YEAR)]
    capsys.readouterr()
    assert targets([*unlock, "--reason", "更正", "--by", "lee"]) == 2
    assert targets([*unlock, "--reason", "更正", "--by", "nobody"]) == 2
    assert targets([*unlock, "--reason", "  ", "--by", "boss"]) == 1
    assert "reason" in capsys.readouterr().err
    assert review.submission(COUNTY, YEAR).state == "accepted"
    assert targets([*unlock, "--reason", "更正口径", "--by", "boss"]) == 0
    assert review.submission(COUNTY, YEAR).state == "draft"
    last = review.events(COUNTY, YEAR).iloc[0]
    assert (last["action"], last["actor"], last["comment"]) == ("unlock", "boss", "更正口径")
    assert targets([*unlock, "--reason", "再次", "--by", "boss"]) == 1  # a draft: nothing to do


def test_a_reviewer_is_added_for_prefecture_level_divisions_only(url, monkeypatch, capsys):
    assert add_user(url, monkeypatch, "cc", "--role", "reviewer", "--region", COUNTY) == 2
    error = capsys.readouterr().err
    assert "双阳区" in error and "prefecture-level" in error
    assert add_user(url, monkeypatch, "cc", "--role", "reviewer") == 2
    assert "at least one" in capsys.readouterr().err
    assert UserStore(Store(url)).get("cc") is None
    assert add_user(url, monkeypatch, "cc", "--role", "reviewer", "--region", "220100",
                    "--region", "220200") == 0
    assert UserStore(Store(url)).get("cc").regions == {"220100", "220200"}
    assert not UserStore(Store(url)).get("cc").enters_values
    capsys.readouterr()
    assert targets(["--database", url, "user", "list"]) == 0
    listed = capsys.readouterr().out
    assert "cc\treviewer\t220100 长春市, 220200 吉林市" in listed


@pytest.mark.parametrize("role", ["admin", "leader", "statistician"])
def test_a_role_without_regions_is_refused_a_region(url, monkeypatch, capsys, role):
    assert add_user(url, monkeypatch, "x", "--role", role, "--region", "220100") == 2
    assert "leave out --region" in capsys.readouterr().err
    assert UserStore(Store(url)).get("x") is None
    assert add_user(url, monkeypatch, "x", "--role", role) == 0  # the positive control
