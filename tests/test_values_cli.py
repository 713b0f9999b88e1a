"""`targets export`, `status`, `brief` and `load` and the values they read: the accepted ones by
default, every current one with `--values all` (said on stderr, `--as-of` implying it)."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from etl.review import Review
from etl.store import Store
from etl.users import User
from indicators.regions import load_regions
from targets.cli import main
from tests.factories import make_rows

CHANGCHUN = "220100"
SWEEPING = "mechanized_sweeping_rate"
SHARE = "transit_modal_share"
DRAFT = 71.0  # 长春市's sweeping rate of 2018, entered and not yet accepted
PLANNER = User(1, "changchun_planner", "planner", frozenset({CHANGCHUN}))
REVIEWER = User(3, "changchun_reviewer", "reviewer", frozenset({CHANGCHUN}))
STATISTICIAN = User(5, "province_statistician", "statistician")


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = Store(url)
    store.load(make_rows((CHANGCHUN, SHARE, 2018, 28.39), (CHANGCHUN, SHARE, 2017, 25.0)),
               by="operator", source="公报", accept=True)
    store.load(make_rows((CHANGCHUN, SWEEPING, 2018, DRAFT)), by=PLANNER.name, source="form",
               kind="form")
    return url


def accept(url: str) -> None:
    review = Review(Store(url), load_regions())
    for user, action in ((PLANNER, "submit"), (REVIEWER, "approve"), (STATISTICIAN, "accept")):
        review.act(user, action, CHANGCHUN, 2018, comment="")


def exported(url: str, tmp_path, capsys, *options: str) -> tuple[pd.DataFrame, str]:
    output = tmp_path / "extract.csv"
    assert main(["--database", url, "export", "-o", str(output), *options]) == 0
    frame = pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})
    return frame, capsys.readouterr().err


def test_export_gives_the_accepted_values_unless_asked_for_all(url, tmp_path, capsys):
    default, said = exported(url, tmp_path, capsys)
    assert DRAFT not in set(default["value"]) and set(default["accepted"]) == {True}
    assert "使用已确认数值" in said and "using accepted values" in said
    every, said = exported(url, tmp_path, capsys, "--values", "all")
    assert list(every.loc[every["value"] == DRAFT, "accepted"]) == [False]
    assert set(every.loc[every["value"] != DRAFT, "accepted"]) == {True}
    assert "including values not yet accepted" in said
    accept(url)
    default, _ = exported(url, tmp_path, capsys)
    assert DRAFT in set(default["value"]) and set(default["accepted"]) == {True}


def test_as_of_reads_every_value_and_says_so(url, tmp_path, capsys):
    every, said = exported(url, tmp_path, capsys, "--as-of", "2100-01-01")
    assert DRAFT in set(every["value"])
    assert "--values 视为 all" in said and "--values taken as all" in said


def test_status_judges_the_values_asked_for(url, tmp_path, capsys):
    def actuals(*options: str) -> tuple[list[float], str]:
        output = tmp_path / "status.csv"
        assert main(["--database", url, "status", "--year", "2018", "--format", "csv",
                     "-o", str(output), *options]) == 0
        table = pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})
        mine = table[(table["region_code"] == CHANGCHUN) & (table["indicator_id"] == SWEEPING)]
        return mine["actual"].dropna().tolist(), capsys.readouterr().err

    default, said = actuals()
    assert default == [] and "状态按已确认数值计算" in said
    every, said = actuals("--values", "all")
    assert DRAFT in every and "状态含其计算" in said
    accept(url)
    assert DRAFT in actuals()[0]


def test_load_accepted_shows_the_values_by_default(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    source = tmp_path / "published.csv"
    source.write_text(f"region_code,indicator_id,period,value\n{CHANGCHUN},{SHARE},2018,28.5\n",
                      encoding="utf-8")
    assert main(["--database", url, "load", str(source), "--by", "operator",
                 "--accepted"]) == 0
    assert "accepted with the load" in capsys.readouterr().err
    default, _ = exported(url, tmp_path, capsys)
    assert list(default["value"]) == [28.5] and list(default["accepted"]) == [True]


def test_load_help_says_accepted_is_for_published_files(capsys):
    with pytest.raises(SystemExit):
        main(["load", "--help"])
    assert "already published" in re.sub(r"\s+", " ", capsys.readouterr().out)


def brief_text(url: str, tmp_path, *options: str) -> str:
    output = tmp_path / "brief.pdf"
    assert main(["--database", url, "--lang", "zh", "brief", "--region", "长春市", "--year",
                 "2018", "-o", str(output), *options]) == 0
    return re.sub(r"\s+", "", PdfReader(io.BytesIO(output.read_bytes())).pages[0]
                  .extract_text())


def test_the_briefing_marks_values_not_accepted_in_the_all_view(url, tmp_path):
    every = brief_text(url, tmp_path, "--values", "all")
    # The sweeping rate's 71 % of 2018, furthest behind, marked as not yet accepted.
    assert "71%（2018年）(未确认)" in every, every
    assert "含未确认数值" in every
    default = brief_text(url, tmp_path)
    assert "未确认" not in default and "含未确认数值" not in default
    assert "数值均为已确认数值" in default and "数值均为已确认数值" not in every


def test_status_of_all_values_says_which_rest_on_a_value_not_yet_accepted(url, tmp_path):
    output = tmp_path / "status.csv"

    def judged(*options: str) -> pd.DataFrame:
        assert main(["--database", url, "status", "--year", "2018", "--format", "csv",
                     "-o", str(output), *options]) == 0
        table = pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})
        return table[(table["region_code"] == CHANGCHUN) & table["actual"].notna()]

    every = judged("--values", "all").set_index("indicator_id")
    assert set(every.loc[[SWEEPING], "value_accepted"]) == {False}
    assert set(every.loc[[SHARE], "value_accepted"]) == {True}
    assert "value_accepted" not in judged().columns  # the accepted view: all are accepted
    table = tmp_path / "status.txt"
    assert main(["--database", url, "status", "--year", "2018", "--values", "all",
                 "-o", str(table)]) == 0  # the table format, into a file
    assert "value_accepted" in table.read_text(encoding="utf-8")


def test_as_of_with_accepted_values_asked_for_is_refused(url, tmp_path, capsys):
    output = tmp_path / "extract.csv"
    assert main(["--database", url, "export", "-o", str(output), "--as-of", "2100-01-01",
                 "--values", "accepted"]) == 2
    assert "cannot be combined with --values accepted" in capsys.readouterr().err
    assert not output.exists()
