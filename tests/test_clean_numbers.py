"""Numbers leave the product at their indicator's published precision: no float noise."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from etl.demo import generate_demo
from etl.export import rounded
from etl.store import Store
from indicators.catalogue import Catalogue, default_decimals
from indicators.reference import Reference
from targets.cli import main


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    reference = Reference.load()
    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'demo.sqlite'}"
    demo = generate_demo(reference.catalogue, reference.register, years=range(2017, 2021))
    Store(url).load(demo, by="test", source="demo", is_demo=True, accept=True)
    return url


def too_precise(frame: pd.DataFrame, columns: list[str], decimals: dict[str, int]) -> list[str]:
    """Each cell of `columns` (as written, text) with more decimals than its indicator's."""
    found = []
    for column in columns:
        for indicator, text in zip(frame["indicator_id"], frame[column], strict=True):
            if isinstance(text, str) and text:
                places = max(0, -int(Decimal(text).as_tuple().exponent))
                if places > decimals[indicator]:
                    found.append(f"{column} {indicator} {text}")
    return found


def test_demo_extract_has_no_float_noise(demo_database: str, tmp_path: Path) -> None:
    output = tmp_path / "extract.csv"
    assert main(["--database", demo_database, "export", "-o", str(output)]) == 0
    frame = pd.read_csv(output, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(frame) > 1000 and (frame["gap"] != "").any()
    decimals = Reference.load().catalogue.decimals
    columns = ["value", "target_value", "target_value_high", "gap", "gap_pct"]
    assert too_precise(frame, columns, decimals) == []


def test_demo_status_has_no_float_noise(demo_database: str, tmp_path: Path) -> None:
    output = tmp_path / "status.csv"
    assert main(["--database", demo_database, "status", "--format", "csv",
                 "-o", str(output)]) == 0
    frame = pd.read_csv(output, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(frame) > 1000 and (frame["gap_pct"] != "").any()
    decimals = Reference.load().catalogue.decimals
    columns = ["target_value", "actual", "gap", "gap_pct"]
    assert too_precise(frame, columns, decimals) == []


def test_status_summary_explains_its_count(demo_database: str, capsys) -> None:
    assert main(["--database", demo_database, "status", "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "target × region" in err and "目标 × 其适用地区" in err


def test_rounded_removes_noise_per_indicator() -> None:
    frame = pd.DataFrame({"indicator_id": ["a", "b", "c"],
                          "gap": [-0.9300000000000068, 41.440000000000005, 2.5],
                          "value": [1.0, None, 3.5]})
    result = rounded(frame, {"a": 2, "b": 1})  # c: the default, 2
    assert [repr(float(x)) for x in result["gap"]] == ["-0.93", "41.4", "2.5"]
    assert math.isnan(result["value"][1])
    ties = rounded(pd.DataFrame({"indicator_id": ["a", "a"], "gap": [2.5, 3.5]}), {"a": 0})
    assert list(ties["gap"]) == [2.0, 4.0]  # ties to even


def test_targets_are_as_the_gazette_states_them(catalogue: Catalogue) -> None:
    frame = catalogue.targets_frame
    for row in frame.itertuples():
        places = catalogue.decimals[row.indicator_id]
        for number in (row.target_value, row.target_value_high):
            if number is not None and not pd.isna(number):
                assert round(number, places) == number, (row.target_id, number, places)
                assert len(repr(number)) < 15, (row.target_id, number)  # no 41.440000000000005


def test_default_precision_by_unit() -> None:
    assert default_decimals("percent") == 2
    assert default_decimals("item") == 0
    assert default_decimals("yuan / person") == 0
    assert default_decimals("hectare") == 2
