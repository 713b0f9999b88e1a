"""Real published figures (issue 15, item 6): the shipped files, checked; `targets published`
loads them one load per source, marked as published with their sources; statuses on them,
worked by hand from the sources."""

import shutil

import pandas as pd
import pytest

from etl.published import (
    KIND,
    PublishedError,
    long_rows,
    note_of,
    published_dir,
    read_published,
)
from etl.store import Store
from etl.validation import validate
from indicators.reference import Reference
from indicators.status import status_table
from targets.cli import main


@pytest.fixture(scope="module")
def figures():
    return read_published()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A store holding the published figures alone, loaded by the command."""
    url = f"sqlite:///{tmp_path_factory.mktemp('published') / 'store.sqlite'}"
    assert main(["--database", url, "published"]) == 0
    return Store(url)


def test_the_shipped_files_cite_a_source_for_every_value(figures):
    values = figures.values
    assert len(values) >= 30
    assert set(values["source_id"]) == set(figures.sources)
    for source in figures.sources.values():
        assert source.title and source.publisher and source.published
        assert source.url.startswith(("http://", "https://"))
        assert source.url in source.citation and source.title in source.citation
    # The printed number occurs in the phrase quoted from the source (read_published checks
    # it too; this reads the file independently).
    raw = pd.read_csv(published_dir() / "values.csv", dtype=str, keep_default_na=False)
    assert all(value in verbatim for value, verbatim in zip(raw["value"], raw["verbatim"],
                                                            strict=True))
    assert not raw.duplicated(["region", "indicator", "period"]).any()


def test_a_unit_read_differently_from_the_print_says_so_beside_the_value(figures):
    values = figures.values
    yanji = values[(values["region"] == "延吉市") & (values["unit_in_source"] == "公顷")
                   & (values["unit"] == "平方米/人")]
    assert len(yanji) == 2  # 12.69 and 12.71, printed "公顷"
    for _, row in yanji.iterrows():
        assert "公顷" in row["uncertainty_zh"] and "平方米/人" in row["uncertainty_zh"]
        note = note_of(row)
        assert note.startswith(f"原文：“{row['verbatim']}”") and "单位“公顷”" in note
        assert "存疑：" in note and "Uncertain: " in note


def test_the_units_as_printed_are_refused_row_by_row(figures, catalogue, register):
    """The 延吉 speech's own unit, 公顷 for a per-person area, goes through the planner's
    checks: refused, with the reason and the fix."""
    yanji = figures.values[figures.values["unit_in_source"] == "公顷"]
    as_printed = long_rows(yanji.assign(unit=yanji["unit_in_source"]))
    validation = validate(as_printed, catalogue, register)
    errors = validation.problems[validation.problems["severity"] == "error"]
    per_person = yanji["indicator"] == "城市人均公园绿地面积"
    assert sorted(errors["row"].astype(int)) == sorted(yanji.index[per_person])
    assert all("公顷" in text and "平方米/人" in text for text in errors["problem_zh"])


@pytest.mark.parametrize(("change", "message"), [
    (lambda v, s: (v.drop(columns="verbatim"), s), "expected the columns"),
    (lambda v, s: (v.assign(source_id=v["source_id"].where(v.index > 0, "S99")), s),
     "row 2: unknown source 'S99'"),
    (lambda v, s: (v.assign(value=v["value"].where(v.index > 0, "37.18")), s),
     "row 2: the value '37.18' is not printed in its verbatim phrase"),
    (lambda v, s: (pd.concat([v, v.head(1)]), s),
     "a second value for the same region, indicator and year"),
    (lambda v, s: (v, pd.concat([s, s.head(1).assign(source_id="S98")])),
     "source S98 is cited by no value"),
])
def test_malformed_files_are_refused_naming_the_row(tmp_path, change, message):
    values = pd.read_csv(published_dir() / "values.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(published_dir() / "sources.csv", dtype=str, keep_default_na=False)
    values, sources = change(values, sources)
    values.to_csv(tmp_path / "values.csv", index=False)
    sources.to_csv(tmp_path / "sources.csv", index=False)
    with pytest.raises(PublishedError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_published(tmp_path)
    assert main(["--database", f"sqlite:///{tmp_path / 's.sqlite'}", "published", "--dir",
                 str(tmp_path)]) == 2


def test_one_load_per_source_marked_published_never_demo(loaded, figures):
    loads = loaded.loads()
    assert len(loads) == len(figures.sources)
    assert set(loads["kind"]) == {KIND} and not loads["is_demo"].any()
    assert set(loads["source"]) == {source.citation for source in figures.sources.values()}
    assert not loaded.demo_in_use()
    current = loaded.current()
    assert len(current) == len(figures.values)
    # Each value carries its verbatim phrase, and its load the source's address.
    s01 = figures.sources["S01"]
    changchun = current[(current["region_code"] == "220100")
                        & (current["indicator_id"] == "park_green_space_per_capita")]
    assert changchun["value"].tolist() == [13.13]
    assert "人均公园面积13.13 平方米" in changchun["note"].iloc[0]
    assert changchun["source"].iloc[0] == s01.citation and s01.url in s01.citation


def test_loading_again_changes_nothing(loaded, capsys):
    before = len(loaded.loads())
    assert main(["--database", loaded.url, "published"]) == 0
    assert "新增 0，修改 0" in capsys.readouterr().err
    assert len(loaded.loads()) == before


def test_published_figures_are_not_mixed_into_a_demo_store(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert main(["--database", url, "demo"]) == 0
    assert main(["--database", url, "published"]) == 2
    assert "演示数据" in capsys.readouterr().err
    assert set(Store(url).loads()["kind"]) == {"demo"}


def test_an_error_in_one_source_writes_nothing_from_any(tmp_path):
    shutil.copy(published_dir() / "sources.csv", tmp_path / "sources.csv")
    values = pd.read_csv(published_dir() / "values.csv", dtype=str, keep_default_na=False)
    last = values.index[-1]
    values.loc[last, "unit"] = "公顷"  # a per-person amount, or a share, in hectares
    values.to_csv(tmp_path / "values.csv", index=False)
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    assert main(["--database", url, "published", "--dir", str(tmp_path)]) == 1
    assert Store(url).loads().empty


# --- statuses on the published figures alone, worked by hand --------------------------------

def statuses(store: Store, year: int) -> pd.DataFrame:
    table = status_table(store.current(), Reference.load(), year)
    return table.set_index(["region_code", "target_id"])


def test_changchun_meets_the_2020_park_target_one_year_late(loaded):
    # 城市晚报 2022-08-30 (S01): 人均公园面积13.13 平方米, read as 2021 (a reprint says 截至2021年
    # 年底). Target jzbf17-34: 城市人均公园绿地面积达到 13 平方米 by 2020. No 2020 value; as of
    # 2022 the latest is 2021's 13.13 >= 13: met late, one year, gap +0.13.
    row = statuses(loaded, 2022).loc[("220100", "jzbf17-34")]
    assert (row["status"], row["actual"], row["actual_period"]) == ("met_late", 13.13, 2021)
    assert row["gap"] == pytest.approx(0.13) and not row["stale"]
    # As of 2020 the 2021 value is not yet known: no data at the deadline.
    assert statuses(loaded, 2020).loc[("220100", "jzbf17-34"), "status"] == "no_data"


def test_yanji_is_still_short_of_13_square_metres_as_of_2022(loaded):
    # 延边州人大 speech (S07): 人均公园绿地面积 12.69 (2021) -> 12.71 (2022), printed 公顷, read
    # as 平方米/人. Against ">= 13 by 2020": as of 2022, 12.71 < 13, still not met, gap -0.29;
    # against ">= 12 by 2019" (jzbf17-19): 12.71 >= 12, met late as of 2022 (latest 2022).
    table = statuses(loaded, 2022)
    short = table.loc[("222401", "jzbf17-34")]
    assert (short["status"], short["actual"], short["actual_period"]) == ("missed", 12.71, 2022)
    assert short["gap"] == pytest.approx(-0.29)
    late = table.loc[("222401", "jzbf17-19")]
    assert (late["status"], late["actual_period"]) == ("met_late", 2022)


def test_the_provincial_subsidy_standard_is_met_late_on_the_2023_report(loaded):
    # 人民网 2024-01-24 on the 2024 government work report (S17): 每人每年640元 in 2023, and
    # 610元 for 2022 (S28). Target jzbf18-22: raised to 490 yuan in 2018 (a set standard).
    # As of 2023 the latest is 640 >= 490: met late, five years after the deadline.
    row = statuses(loaded, 2023).loc[("220000", "jzbf18-22")]
    assert (row["status"], row["actual"], row["actual_period"]) == ("met_late", 640, 2023)
    assert row["target_value"] == 490


def test_the_country_and_context_indicators_are_never_judged(loaded, figures):
    table = statuses(loaded, 2025).reset_index()
    assert "000000" not in set(table["region_code"])
    assert not set(table["indicator_id"]) & {"built_up_green_coverage_ratio",
                                             "park_green_space_service_radius_coverage"}
    # Yet their values are stored: 全国's 14.87 m² (2021) and 长春's 42.17 % coverage.
    current = loaded.current().set_index(["region_code", "indicator_id", "period"])["value"]
    assert current[("000000", "park_green_space_per_capita", 2021)] == 14.87
    assert current[("220100", "built_up_green_coverage_ratio", 2021)] == 42.17
