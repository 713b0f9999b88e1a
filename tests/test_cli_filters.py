"""`targets export --region/--indicator`: codes, ids or names in either language; an unknown
one an error naming the close matches, never an empty extract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.demo import generate_demo
from etl.store import Store
from indicators.reference import Reference
from targets.cli import main
from targets.cli_filters import region_codes


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    reference = Reference.load()
    url = f"sqlite:///{tmp_path_factory.mktemp('filters') / 'demo.sqlite'}"
    demo = generate_demo(reference.catalogue, reference.register, years=range(2019, 2021))
    Store(url).load(demo, by="test", source="demo", is_demo=True, accept=True)
    return url


def exported(database: str, folder: Path, *options: str) -> pd.DataFrame:
    output = folder / "extract.csv"
    assert main(["--database", database, "export", "-o", str(output), *options]) == 0
    return pd.read_csv(output, dtype=str, encoding="utf-8-sig")


@pytest.mark.parametrize("region", ["220100", "长春市", "长春", "Changchun City"])
def test_region_by_code_or_name(demo_database: str, tmp_path: Path, region: str) -> None:
    frame = exported(demo_database, tmp_path, "--region", region)
    assert len(frame) > 0 and set(frame["region_code"]) == {"220100"}


@pytest.mark.parametrize("indicator", ["park_green_space_per_capita", "城市人均公园绿地面积",
                                       "park green space per urban resident"])
def test_indicator_by_id_or_name(demo_database: str, tmp_path: Path, indicator: str) -> None:
    frame = exported(demo_database, tmp_path, "--indicator", indicator, "--region", "长春市")
    assert len(frame) > 0
    assert set(frame["indicator_id"]) == {"park_green_space_per_capita"}


@pytest.mark.parametrize(("option", "text", "suggested"), [
    ("--region", "长春x市", "长春市"), ("--region", "Changchn City", "Changchun City"),
    ("--indicator", "城市人均公园绿地", "城市人均公园绿地面积"),
    ("--indicator", "Park green space per resident", "Park green space per urban resident"),
])
def test_unknown_name_is_an_error_with_close_matches(demo_database: str, tmp_path: Path,
                                                     capsys, option: str, text: str,
                                                     suggested: str) -> None:
    output = tmp_path / "extract.csv"
    assert main(["--database", demo_database, "export", "-o", str(output),
                 option, text]) == 2
    assert suggested in capsys.readouterr().err
    assert not output.exists()


def test_a_name_stands_for_every_code_it_has_held() -> None:
    reference = Reference.load()
    assert region_codes(["公主岭市", "公主岭", "Gongzhuling City"], reference) \
        == ["220184", "220381"]
