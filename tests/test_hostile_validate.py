"""Hostile files through validation: the problem table capped, unknown names limited, text
too long for the store refused, numbers out of range worded sanely."""

import dataclasses
import inspect

import pytest

from etl.bounded import MAX_LISTED, MAX_UNKNOWN_NAMES
from etl.names import Closest
from etl.read import MAX_PROBLEMS
from etl.validation import validate_file
from etl.validation.checks import Reported

HEADER = "地区,指标,年份,数值"
SHARE = "transit_modal_share"


@pytest.fixture
def check(tmp_path, catalogue, register):
    def run(lines: list[str], header: str = HEADER, **options):
        path = tmp_path / "upload.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return validate_file(path, catalogue, register, **options)
    return run


def test_conflicting_rows_past_the_cap_are_counted_in_one_line_and_none_is_stored(
        check, monkeypatch):
    # The work is bounded by the caps: a message is written for the first MAX_PROBLEMS rows
    # only, and each is given at most MAX_LISTED + 1 rows of its key, not all 3,000.
    worded, peers_given = [], []
    conflict = inspect.getattr_static(Reported, "one_value_per_key")
    rule = conflict.__problem__

    def message(row, peers):
        worded.append(row.row)
        peers_given.append(max(len(found) for found in peers.rows.values()))
        return rule.message(row, peers)

    monkeypatch.setattr(conflict, "__problem__", dataclasses.replace(rule, message=message))
    rows = 3 * MAX_PROBLEMS
    result = check([f"长春市,{SHARE},2018,{20 + i % 7}" for i in range(rows)])
    assert len(worded) == MAX_PROBLEMS
    assert max(peers_given) == MAX_LISTED + 1
    assert not result.ok and result.rows.empty
    listed, last = result.problems.iloc[:-1], result.problems.iloc[-1]
    assert len(listed) == MAX_PROBLEMS
    assert listed["row"].tolist() == list(range(2, MAX_PROBLEMS + 2))
    assert last["row"] is None or last.isna()["row"]
    assert last["problem_en"] == (f"{rows - MAX_PROBLEMS} more rows with the same kind of "
                                  "problem (different values for the same region, indicator "
                                  "and period) are not listed")
    assert f"另有{rows - MAX_PROBLEMS}行" in last["problem_zh"]
    # Each message names at most MAX_LISTED other rows, then how many more.
    first = listed.iloc[0]["problem_en"]
    assert first.count(" in row ") == MAX_LISTED
    assert first.endswith(f"and {rows - 1 - MAX_LISTED} more rows")


def test_rows_failing_resolution_past_the_cap_are_counted(check):
    result = check([f"长春市,{SHARE},2018,abc{i % 3}" for i in range(MAX_PROBLEMS + 50)])
    assert len(result.problems) == MAX_PROBLEMS + 1
    assert result.problems.iloc[-1]["problem_en"].startswith("50 more rows with the same kind")


def test_warnings_past_the_cap_still_keep_their_rows_out_under_strict(check):
    # Repeated rows: a warning each; with --strict none may be stored, listed or not.
    lines = [f"长春市,{SHARE},2018,26"] * (MAX_PROBLEMS + 10)
    assert len(check(lines).rows) == 1
    assert check(lines, strict=True).rows.empty


def test_too_many_distinct_unknown_indicators_refuse_the_file_listing_the_first(
        check, monkeypatch):
    looked_up = []  # refused before a suggestion is looked for any of them
    monkeypatch.setattr(Closest, "__call__", lambda self, text: looked_up.append(text))
    count = MAX_UNKNOWN_NAMES + 1
    result = check([f"长春市,未知指标{i},2018,1" for i in range(count)])
    assert looked_up == []
    [problem] = result.problems.to_dict("records")
    assert problem["row"] is None or problem["row"] != problem["row"]
    assert f"{count} unknown indicators" in problem["problem_en"]
    assert f"'未知指标{MAX_LISTED - 1}' and {count - MAX_LISTED} more" in problem["problem_en"]
    assert f"未知指标{MAX_LISTED}'" not in problem["problem_en"]
    assert f"等{count}个" in problem["problem_zh"]


def test_too_many_distinct_unknown_regions_refuse_the_file(check):
    result = check([f"某地{i},{SHARE},2018,26" for i in range(MAX_UNKNOWN_NAMES + 1)])
    [problem] = result.problems.to_dict("records")
    assert f"{MAX_UNKNOWN_NAMES + 1} unknown regions" in problem["problem_en"]


def test_unknown_names_up_to_the_limit_are_each_an_error_on_their_row(check):
    result = check([f"长春市,未知指标{i},2018,1" for i in range(MAX_UNKNOWN_NAMES)])
    assert len(result.problems) == MAX_UNKNOWN_NAMES
    assert result.problems["row"].tolist() == list(range(2, MAX_UNKNOWN_NAMES + 2))


def test_too_many_unknown_columns_refuse_the_file(check):
    header = ",".join(["地区", "年份", *(f"未知列{i}" for i in range(MAX_UNKNOWN_NAMES + 1))])
    [problem] = check(["长春市,2018"], header=header).problems.to_dict("records")
    assert f"{MAX_UNKNOWN_NAMES + 1} unknown columns" in problem["problem_en"]


def test_a_missing_column_message_lists_at_most_the_first_headers(check):
    header = ",".join(["地区", *(f"列{i}" for i in range(900))])
    [problem] = check(["长春市"], header=header).problems.to_dict("records")
    assert "missing required columns" in problem["problem_en"]
    assert len(problem["problem_en"]) < 1000 and len(problem["problem_zh"]) < 1000
    assert "and 881 more" in problem["problem_en"]


@pytest.mark.parametrize("value", ["1e308", "1E+400", "-1e20"])
def test_a_huge_number_in_scientific_notation_is_said_to_be_out_of_range(check, value):
    [problem] = check([f"长春市,{SHARE},2018,{value}"]).problems.to_dict("records")
    assert len(problem["problem_en"]) < 200 and "000000000000000000" not in problem["problem_en"]
    assert "too large" in problem["problem_en"] and "过大" in problem["problem_zh"]


def test_an_upload_of_more_filled_cells_than_its_limit_is_refused(check):
    lines = [f"长春市,{SHARE},{year},26" for year in range(2010, 2016)]  # 24 filled cells
    assert check(lines, max_cells=24).ok
    [problem] = check(lines, max_cells=23).problems.to_dict("records")
    assert "24 filled cells, more than the upload limit of 23" in problem["problem_en"]
    assert "24个非空单元格" in problem["problem_zh"]
