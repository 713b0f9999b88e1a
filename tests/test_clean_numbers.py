"""Numbers leave the product at their indicator's published precision: no float noise."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from etl.demo import generate_demo
from etl.export import places_of, rounded
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
    """Each cell of `columns` (as written, text) with more decimals than its column allows for
    its indicator (etl.export.places_of: a value at the indicator's decimals, a bound or gap at
    max(those, 4), gap_pct at 1, opensdg_score at 3)."""
    found = []
    for column in columns:
        for indicator, text in zip(frame["indicator_id"], frame[column], strict=True):
            if isinstance(text, str) and text:
                places = max(0, -int(Decimal(text).as_tuple().exponent))
                if places > places_of(column, decimals[indicator]):
                    found.append(f"{column} {indicator} {text}")
    return found


def test_the_rule_by_column() -> None:
    assert [places_of(column, 0) for column in
            ("value", "actual", "target_value", "target_upper", "baseline", "gap", "gap_pct",
             "opensdg_score")] == [0, 0, 4, 4, 4, 4, 1, 3]
    assert places_of("target_value", 6) == 6 and places_of("value", 2) == 2


def test_demo_values_are_at_their_indicators_precision() -> None:
    reference = Reference.load()
    demo = generate_demo(reference.catalogue, reference.register, years=range(2017, 2021))
    places = demo["indicator_id"].map(reference.catalogue.decimals).to_numpy()
    scaled = demo["value"].to_numpy() * 10.0 ** places
    off = demo[abs(scaled - scaled.round()) > 1e-6]
    assert off.empty, off.head()
    days = demo[demo["indicator_id"].map(reference.catalogue.decimals) == 0]
    assert len(days) > 100


def test_demo_extract_has_no_float_noise(demo_database: str, tmp_path: Path) -> None:
    output = tmp_path / "extract.csv"
    assert main(["--database", demo_database, "export", "-o", str(output)]) == 0
    frame = pd.read_csv(output, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(frame) > 1000 and (frame["gap"] != "").any()
    decimals = Reference.load().catalogue.decimals
    columns = ["value", "target_value", "target_value_high", "gap", "gap_pct", "opensdg_score"]
    assert too_precise(frame, columns, decimals) == []


def test_demo_status_has_no_float_noise(demo_database: str, tmp_path: Path) -> None:
    output = tmp_path / "status.csv"
    assert main(["--database", demo_database, "status", "--format", "csv",
                 "-o", str(output)]) == 0
    frame = pd.read_csv(output, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(frame) > 1000 and (frame["gap_pct"] != "").any()
    decimals = Reference.load().catalogue.decimals
    columns = ["target_value", "target_lower", "target_upper", "actual", "gap", "gap_pct",
               "baseline", "opensdg_score"]
    assert too_precise(frame, columns, decimals) == []
    assert frame["actual_period"].str.fullmatch(r"(\d{4})?").all()  # 2018, not 2018.0


def test_a_derived_bound_keeps_the_decimals_that_decide_the_status(demo_database: str,
                                                                   tmp_path: Path) -> None:
    """Half of a baseline of 15.23 working days is 7.615: a 0-decimal bound would be 8, and a
    value of 8 would look met while it misses."""
    output = tmp_path / "status.json"
    assert main(["--database", demo_database, "status", "--format", "json",
                 "-o", str(output)]) == 0
    rows = pd.DataFrame(json.loads(output.read_text(encoding="utf-8")))
    halved = rows[(rows["kind"] == "reduction_vs_baseline") & rows["baseline"].notna()]
    assert len(halved)
    for row in halved.itertuples():
        assert row.target_upper == round(row.baseline / 2, 4), row  # not rounded to 0 decimals
        if row.status == "missed":
            assert row.actual > row.target_upper
    assert (halved["target_upper"] % 1 != 0).any()


def test_json_gives_whole_numbers_as_the_csv_does(demo_database: str, tmp_path: Path) -> None:
    """A 0-decimal indicator's value is 5 in the JSON as in the CSV, not 5.0."""
    output = tmp_path / "days.json"
    assert main(["--database", demo_database, "export", "--indicator",
                 "gov_openness_business_startup_time", "-o", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    rows = json.loads(text)
    assert rows and all(isinstance(row["value"], int) for row in rows)
    assert '"period": 20' in text and '"value": ' in text


def test_status_table_prints_each_number_at_its_own_rounding(demo_database: str,
                                                             capsys) -> None:
    assert main(["--database", demo_database, "status"]) == 0
    out = capsys.readouterr().out
    counted = next(line for line in out.splitlines() if "jzbf10-01" in line)
    assert ".00" not in counted  # a count of standards: 20, not 20.00
    assert "2018.0" not in out


def test_status_summary_explains_its_count(demo_database: str, capsys) -> None:
    assert main(["--database", demo_database, "status", "--format", "csv", "--year",
                 "2030"]) == 0
    err = capsys.readouterr().err
    assert "target × region" in err and "目标 × 其适用地区" in err
    assert "first screen counts by document" in err and "drill-down grid" in err
    assert "judged as of 2030" in err and "no data after 2020" in err


def test_rounded_removes_noise_per_indicator() -> None:
    frame = pd.DataFrame({"indicator_id": ["a", "b", "c"],
                          "value": [-0.9300000000000068, 41.440000000000005, 2.5],
                          "gap": [1.0, None, 3.5]})
    result = rounded(frame, {"a": 2, "b": 1})  # c: the default, 2
    assert [repr(float(x)) for x in result["value"]] == ["-0.93", "41.4", "2.5"]
    assert math.isnan(result["gap"][1])
    ties = rounded(pd.DataFrame({"indicator_id": ["a", "a"], "value": [2.5, 3.5]}), {"a": 0})
    assert list(ties["value"]) == [2.0, 4.0]  # ties to even


def test_rounded_keeps_a_bound_at_four_decimals_at_least() -> None:
    frame = pd.DataFrame({"indicator_id": ["d", "d", "p"],
                          "target_upper": [7.615, 41.440000000000005, 0.123456789],
                          "gap_pct": [-8.333333, 15.04, 2.25],
                          "opensdg_score": [-2.23465492656315, 1.0, 0.5]})
    result = rounded(frame, {"d": 0, "p": 6})
    assert list(result["target_upper"]) == [7.615, 41.44, 0.123457]
    assert list(result["gap_pct"]) == [-8.3, 15.0, 2.2]
    assert list(result["opensdg_score"]) == [-2.235, 1.0, 0.5]


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
