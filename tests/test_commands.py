"""`targets check / load / export / status / demo` end to end, on SQLite and PostgreSQL."""

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl.store import Store
from targets.cli import main

FILES = Path(__file__).parent / "files"
HEADER = "地区,指标,年份,数值,单位,备注\n"


def run(url: str, *args: str) -> int:
    return main(["--database", url, *args])


def exported(url: str, tmp_path: Path, *args: str) -> pd.DataFrame:
    output = tmp_path / "extract.csv"
    assert run(url, "export", "-o", str(output), *args) == 0
    return pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_load_export_load_again_is_the_identity(store_url, tmp_path):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "planner",
               "--accepted") == 0
    first = exported(store_url, tmp_path)
    before = Store(store_url).current()
    counts = Store(store_url).counts()
    again = tmp_path / "again.csv"
    (tmp_path / "extract.csv").rename(again)
    assert run(store_url, "load", str(again), "--by", "planner", "--accepted") == 0
    # The extract gives values at their indicator's published precision (two decimals of a
    # hectare): the one value entered with more (2 亩 = 0.1333 ha) comes back as 0.13, a new
    # revision; every other value is unchanged.
    after = Store(store_url).current()
    keys = ["region_code", "indicator_id", "period"]
    changed = before.merge(after, on=keys)
    changed = changed[changed["value_x"] != changed["value_y"]]
    assert changed[[*keys, "value_y"]].values.tolist() == [
        ["220381", "new_urban_green_area", 2018, 0.13]]
    assert Store(store_url).counts() == {**counts, "load": counts["load"] + 1,
                                         "revision": counts["revision"] + 1}
    second = exported(store_url, tmp_path)
    row = (second["region_code"] == "220381") & (second["period"] == 2018)
    assert second.loc[row, "value_entered"].tolist() == ["0.13"]  # as the extract gave it
    assert second.loc[row, "value"].tolist() == first.loc[row, "value"].tolist() == [0.13]
    pd.testing.assert_frame_equal(second[~row], first[~row])


def test_messy_values_arrive_in_canonical_units(store_url, tmp_path):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "planner") == 0
    values = Store(store_url).current().set_index(["region_code", "indicator_id", "period"])
    assert values.loc[("220100", "transit_modal_share", 2018), "value"] == 26.0
    assert values.loc[("220100", "transit_modal_share", 2019), "value"] == 27.5
    green = values.loc[("220200", "new_urban_green_area", 2018)]
    assert green["value"] == pytest.approx(80.0)  # 1,200 亩 = 80 公顷
    assert (green["value_entered"], green["unit_entered"]) == ("1,200", "亩")
    assert values.loc[("220381", "new_urban_green_area", 2018), "value"] == pytest.approx(2 / 15)


def test_gbk_csv_loads(store_url, tmp_path):
    row = "四平市,公共交通机动化出行分担率,2019,17.5,%,国标编码\n"
    path = write(tmp_path, "gbk.csv", HEADER + row, encoding="gb18030")
    assert run(store_url, "load", str(path), "--by", "p") == 0
    current = Store(store_url).current()
    assert current[["region_code", "value", "note"]].values.tolist() == [["220300", 17.5,
                                                                          "国标编码"]]


def test_xlsx_with_percent_formatted_cells_loads(store_url, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["地区", "年份", "公共交通机动化出行分担率", "城市人均公园绿地面积(平方米/人)"])
    sheet.append(["长春市", 2019, 0.28, 12.5])
    sheet["C2"].number_format = "0%"  # Excel keeps 28% as 0.28
    path = tmp_path / "entry.xlsx"
    book.save(path)
    assert run(store_url, "load", str(path), "--by", "p") == 0
    values = Store(store_url).current().set_index("indicator_id")["value"]
    assert values["transit_modal_share"] == pytest.approx(28.0)
    assert values["park_green_space_per_capita"] == 12.5


def test_wide_layout_loads(store_url):
    assert run(store_url, "load", str(FILES / "wide.csv"), "--by", "p") == 0
    current = Store(store_url).current()
    assert len(current) == 6
    jilin = current[current["region_code"] == "220200"]
    assert jilin[["indicator_id", "value"]].values.tolist() == [["new_urban_green_area", 2.0]]


BAD_FILES = {
    "unknown_region.csv": HEADER + "长村市,transit_modal_share,2019,20,,\n",
    "not_a_number.csv": HEADER + "长春市,transit_modal_share,2019,很多,,\n",
    "missing_value.csv": HEADER + "长春市,transit_modal_share,2019,,,\n",
    "negative.csv": HEADER + "长春市,new_urban_green_area,2019,-5,公顷,\n",
    "rate_over_100.csv": HEADER + "长春市,transit_modal_share,2019,126,%,\n",
    "fraction.csv": HEADER + "长春市,transit_modal_share,2019,0.26,,\n",
    "wrong_unit.csv": HEADER + "长春市,new_urban_green_area,2019,5,元,\n",
    "future_period.csv": HEADER + "长春市,transit_modal_share,2099,20,,\n",
    "conflict.csv": HEADER + "长春市,transit_modal_share,2019,20,,\n"
                             "长春,transit_modal_share,2019,21,,\n",
    "empty.csv": "",
    "header_only.csv": HEADER,
    "zip_named.csv": "PK\x03\x04 this is not a csv",
    "text_named.xlsx": HEADER + "长春市,transit_modal_share,2019,20,,\n",
    # once a pint traceback
    "unbalanced_bracket.csv": HEADER + '长春市,违法建设查处率,2016,"96%）",,\n',
    "unit_column_bracket.csv": HEADER + "全省,城乡居民基本医保政府财政补助标准(每人每年),"
                                        "2016,490,（元,\n",
    # once stored as 1, 120130, inf, 45.4% and under the wrong region
    "unquoted_thousands.csv": "地区,指标,年份,数值\n全省,培训全科医生人数,2013,1,200\n",
    "two_numbers.csv": HEADER + "全省,培训全科医生人数,2015,120 130,,\n",
    "overflow.csv": HEADER + "全省,培训全科医生人数,2016," + "9" * 400 + ",,\n",
    "degrees.csv": HEADER + "长春市,道路面积率,2016,26°,,\n",
    "code_name_mismatch.csv": "区划代码,地区名称,指标,年份,数值\n"
                              "220100,吉林市,道路面积率,2013,14.4\n",
    "fraction_under_percent.csv": "地区,年份,城市主次干道机械化清扫率(%)\n长春市,2016,0.965\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_and_the_store_unchanged(store_url, tmp_path, capsys, name):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "p") == 0
    before = Store(store_url).counts()
    path = write(tmp_path, name, BAD_FILES[name])
    assert run(store_url, "load", str(path), "--by", "p") == 1
    output = capsys.readouterr()
    assert "错误" in output.out and "nothing was written" in output.err
    assert Store(store_url).counts() == before


def test_messy_identification_arrives_canonical(store_url, tmp_path):
    rows = [("", "220100.0", "道路面积率", "2018.0", "15.5", ""),  # a code via pandas
            ("长春市", "农安县", "道路面积率", "2017", "9.1", ""),  # a city and its county
            ("", "吉林市", "违法建设查处率", "2016/12/31", "95", "百分比"),  # a date, a unit word
            ("通化市", "", "新增城市绿地面积（亩）", "2016", "1 200 000", "")]
    text = "城市,地区,指标,年份,数值,单位\n" + "".join(",".join(row) + "\n" for row in rows)
    assert run(store_url, "load", str(write(tmp_path, "messy.csv", text)), "--by", "p") == 0
    current = Store(store_url).current().sort_values("source_row")
    assert current[["region_code", "indicator_id", "period", "value", "unit_entered"]].values \
        .tolist() == [["220100", "road_area_ratio", 2018, 15.5, None],
                      ["220122", "road_area_ratio", 2017, 9.1, None],
                      ["220200", "illegal_construction_handling_rate", 2016, 95.0, "百分比"],
                      ["220500", "new_urban_green_area", 2016, 80_000.0, "亩"]]


def test_a_file_with_one_bad_row_loads_nothing(store_url, tmp_path):
    path = write(tmp_path, "mixed.csv", HEADER + "长春市,transit_modal_share,2019,20,,\n"
                 "长村市,transit_modal_share,2019,20,,\n")
    assert run(store_url, "load", str(path), "--by", "p") == 1
    assert Store(store_url).counts()["revision"] == 0


def test_check_writes_nothing_not_even_a_database(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'never.sqlite'}"
    assert run(url, "check", str(FILES / "long_messy.csv")) == 0
    assert not (tmp_path / "never.sqlite").exists()
    path = write(tmp_path, "bad.csv", BAD_FILES["unknown_region.csv"])
    assert run(url, "--lang", "en", "check", str(path)) == 1
    assert "unknown region '长村市'; did you mean 长春市?" in capsys.readouterr().out
    assert not (tmp_path / "never.sqlite").exists()


def test_check_and_load_warn_of_a_jump_from_the_stored_series(store_url, tmp_path, capsys):
    # earlier yearly changes 2, 2, 2, 2: the limit is max(3 x 2, 50% of 108) = 54
    steady = "".join(f"长春市,new_urban_green_area,{2014 + i},{value},,\n"
                     for i, value in enumerate((100, 102, 104, 106, 108)))
    assert run(store_url, "load", str(write(tmp_path, "steady.csv", HEADER + steady)),
               "--by", "p") == 0
    path = write(tmp_path, "jump.csv", HEADER + "长春市,new_urban_green_area,2019,163,,\n")
    capsys.readouterr()
    assert run(store_url, "--lang", "en", "check", str(path)) == 0
    assert ("value '163' jumps by +55 from 108 ha in 2018 (stored value), far beyond the usual "
            "change (54); please check") in capsys.readouterr().out
    assert run(store_url, "check", "--strict", str(path)) == 1
    assert run(store_url, "load", "--strict", str(path), "--by", "p") == 1
    assert Store(store_url).counts()["revision"] == 5


# A total for a per-something indicator, once converted as per person (12.71 公顷 stored as
# 127,100 m²/person): an error naming both units, row by row, on a fresh store.
UNIT_ROWS = ("延吉市,park_green_space_per_capita,2023,12.71,公顷,\n"
             "延吉市,resident_medical_insurance_government_subsidy_per_person,2023,490,元,\n"
             "延吉市,road_network_density,2023,8,公里,\n"
             "延吉市,transit_modal_share,2023,0.4,百分点,\n")


def test_check_and_load_refuse_a_unit_of_another_dimension(store_url, tmp_path, capsys):
    path = write(tmp_path, "units.csv", HEADER + UNIT_ROWS)
    assert run(store_url, "check", "--strict", str(path)) == 1
    out = capsys.readouterr().out
    for line in ("单位“公顷”不能换算为本指标的单位“平方米/人”："
                 "城市人均公园绿地面积的单位应为平方米/人；"
                 "来源常把它误印为公顷，请核对来源后把单位改为平方米/人",
                 "单位“元”不能换算为本指标的单位“元/人”",
                 "单位“公里”不能换算为本指标的单位“公里/平方公里”",
                 "单位“百分点”不能换算为本指标的单位“%”"):
        assert line in out
    assert out.count("错误") == 4
    assert run(store_url, "--lang", "en", "check", str(path)) == 1
    out = capsys.readouterr().out
    assert "the unit '公顷' cannot be converted to 'm²/person', the indicator's unit" in out
    assert "the unit '元' cannot be converted to 'yuan/person'" in out
    assert run(store_url, "load", str(path), "--by", "p") == 1
    assert Store(store_url).counts()["revision"] == 0
    fixed = write(tmp_path, "fixed.csv", HEADER + UNIT_ROWS.replace(",公顷,", ",平方米/人,")
                  .replace(",元,", ",元/人,").replace(",公里,", ",公里/平方公里,")
                  .replace(",百分点,", ",%,").replace(",0.4,", ",40,"))
    assert run(store_url, "load", "--strict", str(fixed), "--by", "p") == 0
    values = Store(store_url).current().set_index("indicator_id")["value"]
    assert values.to_dict() == {"park_green_space_per_capita": 12.71, "road_network_density": 8,
                                "resident_medical_insurance_government_subsidy_per_person": 490,
                                "transit_modal_share": 40}


def test_check_asks_the_store_for_the_files_series_only(store_url, tmp_path, monkeypatch):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "p") == 0
    asked = []
    values = Store.values
    monkeypatch.setattr(Store, "values", lambda self, **filters: asked.append(filters) or values(
        self, **filters))
    path = write(tmp_path, "two.csv", HEADER + "四平市,new_urban_green_area,2019,3,,\n"
                 "长春市,transit_modal_share,2019,27.5,%,\n长春市,transit_modal_share,2020,28,%,\n")
    for command in ("check", "load"):
        asked.clear()
        extra = ["--by", "p"] if command == "load" else []
        assert run(store_url, command, str(path), *extra) == 0
        assert asked[0] == {"regions": ["220100", "220300"],
                            "indicators": ["new_urban_green_area", "transit_modal_share"]}
        # Once stored, a load reads whole views for the snapshot a new server reads
        # (etl/value_snapshot.py); a check reads nothing else.
        rest = asked[1:]
        assert (rest == [] if command == "check"
                else rest != [] and all(set(filters) == {"view"} for filters in rest))


def test_strict_turns_warnings_into_errors(store_url, tmp_path):
    # 26 is exactly Changchun's 2018 target: plausible, but worth a second look.
    path = write(tmp_path, "on_target.csv", HEADER + "长春市,transit_modal_share,2018,26,,\n")
    assert run(store_url, "check", str(path)) == 0
    assert run(store_url, "check", "--strict", str(path)) == 1
    assert run(store_url, "load", "--strict", str(path), "--by", "p") == 1
    assert Store(store_url).counts()["revision"] == 0


def test_export_filters_status_and_provenance(store_url, tmp_path):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "p", "--accepted") == 0
    table = exported(store_url, tmp_path, "--indicator", "transit_modal_share", "--region",
                     "220100", "--from", "2018", "--to", "2018")
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["region_zh"], row["indicator_zh"], row["value"], row["unit"]) == (
        "长春市", "公共交通机动化出行分担率", 26.0, "percent")
    assert (row["target_id"], row["target_value"], row["status"], row["gap"]) == (
        "jzbf17-04", 26.0, "met", 0.0)
    assert (row["document"], row["clause"]) == ("吉政办发〔2018〕17号", "三(一)2")


def test_export_as_of_a_past_moment(store_url, tmp_path):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "p") == 0
    moment = Store(store_url).loads()["loaded_at"].iloc[0]
    path = write(tmp_path, "later.csv", HEADER + "长春市,transit_modal_share,2018,29,,\n")
    assert run(store_url, "load", str(path), "--by", "p") == 0
    now = exported(store_url, tmp_path, "--region", "220100", "--to", "2018", "--values", "all")
    assert now.loc[now["indicator_id"] == "transit_modal_share", "value"].tolist() == [29.0]
    then = exported(store_url, tmp_path, "--region", "220100", "--to", "2018", "--as-of",
                    pd.Timestamp(moment).isoformat())
    assert then.loc[then["indicator_id"] == "transit_modal_share", "value"].tolist() == [26.0]


def test_export_formats(store_url, tmp_path):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "p") == 0
    assert run(store_url, "export", "--format", "xlsx") == 2  # a binary format needs -o
    assert run(store_url, "export", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")) == 0
    assert run(store_url, "export", "--format", "parquet", "-o", str(tmp_path / "x.parquet")) == 0
    csv_table = exported(store_url, tmp_path)
    xlsx = pd.read_excel(tmp_path / "x.xlsx", dtype={"region_code": str})
    parquet = pd.read_parquet(tmp_path / "x.parquet")
    assert len(xlsx) == len(parquet) == len(csv_table)
    assert parquet["value"].tolist() == csv_table["value"].tolist()
    assert xlsx["value"].tolist() == pytest.approx(parquet["value"].tolist(), rel=1e-14)


def test_formula_in_a_note_is_neutralised_in_the_extract(store_url, tmp_path):
    path = write(tmp_path, "formula.csv", HEADER + '长春市,transit_modal_share,2019,27,,"=1+1"\n')
    assert run(store_url, "load", str(path), "--by", "p", "--accepted") == 0
    raw = (tmp_path / "x.csv")
    assert run(store_url, "export", "-o", str(raw)) == 0
    rows = list(csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8-sig"))))
    assert rows[0]["note"] == "'=1+1"


def test_status_for_every_region_and_target(store_url, tmp_path):
    assert run(store_url, "load", str(FILES / "long_messy.csv"), "--by", "p", "--accepted") == 0
    output = tmp_path / "status.csv"
    assert run(store_url, "status", "--year", "2019", "--format", "csv", "-o", str(output)) == 0
    table = pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})
    changchun = table[(table["region_code"] == "220100") & (table["target_id"] == "jzbf17-04")]
    assert changchun[["status", "actual"]].values.tolist() == [["met", 26.0]]
    assert set(table["status"]) <= {"met", "met_late", "missed", "on_track", "at_risk",
                                    "off_track", "no_data"}
    assert table.groupby(["region_code", "target_id"]).size().max() == 1


def test_demo_is_marked_and_refused_over_real_data(store_url, tmp_path, capsys):
    assert run(store_url, "demo") == 0
    store = Store(store_url)
    assert store.demo_in_use() and store.loads()["is_demo"].all()
    assert run(store_url, "status") == 0
    assert "演示数据" in capsys.readouterr().err
    real = f"sqlite:///{tmp_path / 'real.sqlite'}"
    assert run(real, "load", str(FILES / "long_messy.csv"), "--by", "p") == 0
    assert run(real, "demo") == 2
    assert "real data" in capsys.readouterr().err


def test_status_judges_a_lagged_value_against_a_passed_deadline(store_url, tmp_path):
    # 长春市 published 13.13 m²/person of park green space for 2021 only. As of 2022 each of
    # its three targets (>= 11 by 2018, >= 12 by 2019, >= 13 by 2020) has no value of its
    # deadline year; 2021's is the latest at or before 2022 and meets all three: met late,
    # by 2021 - 2018 = 3, 2 and 1 years; gaps 2.13, 1.13, 0.13.
    path = write(tmp_path, "park.csv", HEADER + "长春市,park_green_space_per_capita,2021,13.13,,\n")
    assert run(store_url, "load", str(path), "--by", "p", "--accepted") == 0
    output = tmp_path / "status.csv"
    assert run(store_url, "status", "--year", "2022", "--format", "csv", "-o", str(output)) == 0
    table = pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})
    park = table[(table["region_code"] == "220100")
                 & (table["indicator_id"] == "park_green_space_per_capita")]
    park = park.sort_values("deadline_year")
    assert park["target_id"].tolist() == ["jzbf17-09", "jzbf17-19", "jzbf17-34"]
    assert park["status"].tolist() == ["met_late"] * 3
    assert park["actual"].tolist() == [13.13] * 3
    assert park["actual_period"].tolist() == [2021] * 3
    assert park["gap"].tolist() == pytest.approx([2.13, 1.13, 0.13])
    assert not park["stale"].any()
    assert set(park["as_of_year"]) == {2022}
    # Without --year, the latest year with data (2021) is the evaluation year: the same.
    assert run(store_url, "status", "--format", "csv", "-o", str(output)) == 0
    latest = pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})
    assert set(latest["as_of_year"]) == {2021}
    mine = latest[(latest["region_code"] == "220100") & (latest["target_id"] == "jzbf17-34")]
    assert mine["status"].tolist() == ["met_late"]


def test_the_status_table_shows_the_year_of_each_value_judged(store_url, tmp_path, capsys):
    path = write(tmp_path, "park.csv", HEADER + "长春市,park_green_space_per_capita,2021,13.13,,\n")
    assert run(store_url, "load", str(path), "--by", "p", "--accepted") == 0
    capsys.readouterr()
    assert run(store_url, "status", "--year", "2022") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "actual_period" in lines[1] and "stale" in lines[1]
    row = next(line for line in lines if "jzbf17-34" in line)
    assert row.split()[-5:-1] == ["13.13", "2021", "False", "met_late"]
