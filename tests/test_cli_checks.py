"""The `targets` commands' checks (targets.cli_checks): the format from -o's name, no .partial
left behind, read commands on a store that does not exist, years and times that cannot give
rows, and a store that cannot be opened."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.demo import generate_demo
from etl.store import Store
from indicators.reference import Reference
from targets.cli import main
from targets.cli_checks import chosen_format, shown_url

INDICATORS = ["built_up_green_space_ratio", "gov_openness_business_startup_time"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    reference = Reference.load()
    url = f"sqlite:///{tmp_path_factory.mktemp('checks') / 'demo.sqlite'}"
    demo = generate_demo(reference.catalogue, reference.register, years=range(2017, 2020))
    demo = demo[demo["indicator_id"].isin(INDICATORS)].reset_index(drop=True)
    Store(url).load(demo, by="test", source="demo", is_demo=True, accept=True)
    return url


def test_the_format_follows_the_file_name(database: str, tmp_path: Path) -> None:
    workbook = tmp_path / "y.xlsx"
    assert main(["--database", database, "export", "-o", str(workbook)]) == 0
    assert workbook.read_bytes()[:2] == b"PK"  # a workbook (a ZIP), not CSV text
    assert len(pd.read_excel(workbook)) > 10
    table = tmp_path / "t.parquet"
    assert main(["--database", database, "export", "-o", str(table)]) == 0
    assert len(pd.read_parquet(table)) > 10
    status = tmp_path / "s.json"
    assert main(["--database", database, "status", "-o", str(status)]) == 0
    assert status.read_text(encoding="utf-8").startswith("[")


def test_a_format_that_contradicts_the_file_name_is_refused(database: str, tmp_path: Path,
                                                             capsys) -> None:
    output = tmp_path / "q.csv"
    assert main(["--database", database, "export", "--format", "parquet",
                 "-o", str(output)]) == 2
    told = capsys.readouterr().err
    assert "contradicts the file name" in told and "不符" in told
    assert list(tmp_path.iterdir()) == []
    assert main(["--database", database, "status", "-o", str(tmp_path / "s.xlsx")]) == 2
    assert main(["dictionary", "--format", "csv", "-o", str(tmp_path / "d.json")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_chosen_format() -> None:
    formats = ["csv", "xlsx", "parquet", "json"]
    assert chosen_format(None, None, formats) == "csv"
    assert chosen_format(None, Path("a.XLSX"), formats) == "xlsx"
    assert chosen_format("json", Path("a.txt"), formats) == "json"
    assert chosen_format("datapackage", Path("d.json"), ["csv", "json", "datapackage"]) \
        == "datapackage"
    assert chosen_format(None, Path("d.datapackage.json"), ["csv", "json", "datapackage"]) \
        == "datapackage"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_failed_write_leaves_no_partial(database: str, tmp_path: Path,
                                          file_format: str) -> None:
    folder = tmp_path / "dd"
    folder.mkdir()
    assert main(["--database", database, "export", "--format", file_format,
                 "-o", str(folder)]) == 2
    assert main(["dictionary", "-o", str(folder)]) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dd"]


def test_from_after_to_is_refused(database: str, capsys) -> None:
    assert main(["--database", database, "export", "--from", "2020", "--to", "2018"]) == 2
    assert "is after --to 2018" in capsys.readouterr().err


def test_as_of_before_the_first_write_says_so(database: str, capsys) -> None:
    assert main(["--database", database, "export", "--as-of", "2019-06-30"]) == 0
    told = capsys.readouterr().err
    assert "its first value was written at" in told and "最早的数值写入于" in told


def test_read_commands_do_not_create_a_store(tmp_path: Path, capsys) -> None:
    for command in (["export"], ["status"], ["brief", "--region", "220100", "--year", "2019"]):
        missing = tmp_path / "new.sqlite"
        assert main(["--database", f"sqlite:///{missing}", *command]) == 2
        assert "no such database file" in capsys.readouterr().err
        assert not missing.exists()


def test_a_store_that_cannot_be_opened_is_named_without_its_password(tmp_path: Path,
                                                                     capsys) -> None:
    assert main(["--database", f"sqlite:///{tmp_path}", "demo"]) == 2  # a folder
    told = capsys.readouterr().err
    assert f"cannot open or reach the database sqlite:///{tmp_path}" in told
    assert "unexpected" not in told
    assert shown_url("postgresql://user:secret@db.example/x") == \
        "postgresql://user:***@db.example/x"


def test_a_year_out_of_range_says_the_range(database: str, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--database", database, "status", "--year", "1990"])
    assert "2000 to 2100" in capsys.readouterr().err
