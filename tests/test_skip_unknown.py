"""Files with more than the product monitors (issue 15, item 5): with skip_unknown the columns
of unknown indicators and the rows of unknown regions are left out, each noted with its reason,
and the known rows load; without it the file is refused as before."""

import datetime as dt

import pytest

from etl.bounded import MAX_UNKNOWN_NAMES
from etl.names import IndicatorNames, RegionNames
from etl.read import MAX_PROBLEMS
from etl.store import Store
from etl.validation import format_problems, validate_file
from targets.cli import main

TODAY = dt.date(2025, 6, 1)
SHARE = "公共交通机动化出行分担率（%）"
RATE = "道路面积率"
UNKNOWN = ["地区生产总值", "常住人口", "粮食产量"]
HEADER = ",".join(["地区", "年份", SHARE, RATE, *UNKNOWN])
OTHER_PROVINCE = "辽宁省,2018,30,14,900309,139538,65789"
KNOWN = "长春市,2018,26,13,7175,748,1200"


def yearbook(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "yearbook.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def check(tmp_path, catalogue, register):
    def run(*rows: str, header: str = HEADER, **options):
        return validate_file(yearbook(tmp_path, *rows, header=header), catalogue, register,
                             today=TODAY, **options)
    return run


def skipped_notes(validation) -> list[tuple]:
    notes = validation.problems[validation.problems["severity"] == "skipped"]
    return [(n.row, n.column, n.value, n.problem_zh, n.problem_en) for n in notes.itertuples()]


def test_without_the_flag_the_yearbook_is_refused_as_before(check):
    validation = check(OTHER_PROVINCE, KNOWN)
    assert not validation.ok
    errors = validation.problems[validation.problems["severity"] == "error"]
    assert set(errors["value"]) == {*UNKNOWN, "辽宁省"}
    assert validation.skipped == 0


def test_with_the_flag_the_known_rows_load_and_each_skip_is_listed_with_its_reason(check):
    validation = check(OTHER_PROVINCE, KNOWN, skip_unknown=True)
    assert validation.ok, validation.problems
    rows = validation.rows
    assert sorted(zip(rows["region_code"], rows["indicator_id"], rows["value"],
                      strict=True)) == [("220100", "road_area_ratio", 13.0),
                                        ("220100", "transit_modal_share", 26.0)]
    notes = skipped_notes(validation)
    assert [(row, column, value) for row, column, value, *_ in notes] == [
        (1, name, name) for name in UNKNOWN] + [(2, "地区", "辽宁省")]  # once, not per value
    for _, _, value, zh, en in notes:
        assert value in zh and value in en and "已跳过" in zh and "skipped" in en
    assert "整列" in notes[0][3] and "whole column" in notes[0][4]
    assert "该行" in notes[-1][3] and "row was skipped" in notes[-1][4]
    assert (validation.skipped_columns, validation.skipped_rows, validation.skipped) == (3, 1, 4)
    assert "已跳过" in format_problems(validation.problems)
    assert "skipped" in format_problems(validation.problems, "en")


def test_the_country_row_of_a_yearbook_loads_as_a_comparison_region(check):
    validation = check("全国,2018,30,14,900309,139538,65789", KNOWN, skip_unknown=True)
    assert validation.ok, validation.problems
    assert sorted(zip(validation.rows["region_code"], validation.rows["indicator_id"],
                      strict=True)) == [("000000", "road_area_ratio"),
                                        ("000000", "transit_modal_share"),
                                        ("220100", "road_area_ratio"),
                                        ("220100", "transit_modal_share")]
    assert validation.skipped_rows == 0 and validation.skipped_columns == 3


def test_an_error_in_a_known_row_still_refuses_everything(check):
    validation = check(OTHER_PROVINCE, "长春市,2018,26,abc,7175,748,1200", skip_unknown=True)
    assert not validation.ok
    error = validation.problems[validation.problems["severity"] == "error"]
    assert error[["row", "column", "value"]].values.tolist() == [[3, RATE, "abc"]]


def test_an_error_in_a_skipped_row_blocks_nothing(check):
    validation = check("黑龙江省,2018,30,abc,1,2,3", "辽宁省,20x8,30,14,1,2,3", KNOWN,
                       skip_unknown=True)
    assert validation.ok, validation.problems
    assert validation.skipped_rows == 2 and len(validation.rows) == 2


def test_long_files_skip_the_rows_of_unknown_indicators_and_regions(check):
    validation = check("长春市,公共交通机动化出行分担率,2018,26", "长春市,地区生产总值,2018,7175",
                       "110000,公共交通机动化出行分担率,2018,30", header="地区,指标,年份,数值",
                       skip_unknown=True)
    assert validation.ok, validation.problems
    assert validation.rows["region_code"].tolist() == ["220100"]
    assert [(row, value) for row, _, value, *_ in skipped_notes(validation)] == [
        (3, "地区生产总值"), (4, "110000")]
    assert (validation.skipped_columns, validation.skipped_rows) == (0, 2)


def test_a_known_indicator_with_an_unknown_unit_is_still_an_error(check):
    validation = check("长春市,2018,13", header="地区,年份,道路面积率（斤）", skip_unknown=True)
    assert not validation.ok and validation.skipped == 0


def test_many_unknown_names_are_skipped_without_a_suggestion_each(check, monkeypatch):
    """The limit of MAX_UNKNOWN_NAMES refuses a file early because each unknown name would cost
    a suggestion. Skipping looks for none, so a yearbook of many columns and regions is bounded
    by one cheap lookup per name and is not refused; without the flag it still is."""
    count = MAX_UNKNOWN_NAMES + 50
    header = ",".join(["地区", "年份", SHARE, *(f"统计项目{n}" for n in range(count))])
    rows = [f"外省城市{n},2018,{'1,' * count}1" for n in range(count)]
    rows.append(f"长春市,2018,26,{'1,' * (count - 1)}1")
    refused = check(*rows, header=header)
    assert not refused.ok and len(refused.problems) == 1
    assert str(MAX_UNKNOWN_NAMES) in refused.problems["problem_zh"].iloc[0]

    def no_suggestion(*args):
        raise AssertionError("a skipped name is looked up for a suggestion")

    monkeypatch.setattr(IndicatorNames, "suggest", no_suggestion)
    monkeypatch.setattr(RegionNames, "_suggest", no_suggestion)
    validation = check(*rows, header=header, skip_unknown=True)
    assert validation.ok, validation.problems.head()
    assert validation.rows["value"].tolist() == [26.0]
    assert (validation.skipped_columns, validation.skipped_rows) == (count, count)


def test_rows_skipped_past_the_listing_limit_are_counted_not_warned(check):
    rows = [f"外省城市{n},公共交通机动化出行分担率,2018,1" for n in range(MAX_PROBLEMS + 5)]
    validation = check(*rows, "长春市,公共交通机动化出行分担率,2018,25",
                       header="地区,指标,年份,数值", skip_unknown=True, strict=True)
    assert validation.ok, validation.problems
    assert validation.rows["value"].tolist() == [25.0]
    assert set(validation.problems["severity"]) == {"skipped"}
    assert validation.skipped_rows == MAX_PROBLEMS + 5
    assert "另有5行" in validation.problems["problem_zh"].iloc[-1]


# --- the command line --------------------------------------------------------------------------


def test_check_and_load_skip_unknown_and_record_the_count(tmp_path, capsys):
    path = yearbook(tmp_path, OTHER_PROVINCE, KNOWN)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert main(["--database", url, "check", str(path)]) == 1
    assert main(["--database", url, "load", str(path), "--by", "a"]) == 1
    capsys.readouterr()
    assert main(["--database", url, "check", str(path), "--skip-unknown"]) == 0
    out, err = capsys.readouterr()
    assert all(name in out for name in [*UNKNOWN, "辽宁省"]) and "已跳过" in out
    assert "已跳过 3 列、1 行" in err and "skipped 3 columns and 1 row" in err
    assert main(["--database", url, "--lang", "en", "load", str(path), "--skip-unknown",
                 "--by", "a"]) == 0
    out, err = capsys.readouterr()
    assert "the whole column was skipped" in out and "4 rows/columns skipped" in err
    store = Store(url)
    assert store.loads()[["source", "skipped"]].values.tolist() == [["yearbook.csv", 4]]
    assert len(store.current()) == 2


def test_load_refuses_a_known_row_with_an_error_even_when_skipping(tmp_path, capsys):
    path = yearbook(tmp_path, OTHER_PROVINCE, "长春市,2018,26,abc,7175,748,1200")
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert main(["--database", url, "load", str(path), "--skip-unknown", "--by", "a"]) == 1
    assert "未写入任何数据" in capsys.readouterr().err
    assert Store(url).loads().empty


def test_a_row_naming_a_known_region_or_indicator_in_its_other_column_is_not_skipped(check):
    """A code and a name column: a row is skipped only when it names nothing known; an
    unknown name beside a known code is a mistake to fix, refused as without skipping."""
    regions = check("220100,长春市,2018,13", "220100,外省城市,2018,13", "110000,北京市,2018,14",
                    header="地区代码,地区,年份,道路面积率", skip_unknown=True)
    assert not regions.ok and regions.skipped_rows == 1
    errors = regions.problems[regions.problems["severity"] == "error"]
    assert errors["value"].tolist() == ["外省城市"]
    indicators = check("长春市,road_area_ratio,道路面积率,2018,13",
                       "长春市,road_area_ratio,道路面积率啊啊,2018,13",
                       "长春市,gdp,地区生产总值,2018,14",
                       header="地区,指标代码,指标,年份,数值", skip_unknown=True)
    assert not indicators.ok and indicators.skipped_rows == 1
    errors = indicators.problems[indicators.problems["severity"] == "error"]
    assert errors["row"].tolist() == [3]
