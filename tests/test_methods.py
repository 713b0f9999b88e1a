"""Open SDG's measure applied to our targets, and where it shows: status, export."""

import pandas as pd
import pytest

from indicators.evaluate import evaluate
from indicators.methods import opensdg_for_targets
from indicators.reference import Reference
from indicators.status import status_table
from targets.cli import main
from tests.factories import make_actuals, make_catalogue, make_memberships

MEMBERS = make_memberships(changchun_jilin=["220100"])


def opensdg_row(target, *values, year=2018):
    catalogue = make_catalogue(target)
    actuals = make_actuals(*[("220100", "share", period, value) for period, value in values])
    evaluation = evaluate(actuals, catalogue.targets_frame, MEMBERS, year)
    return opensdg_for_targets(actuals, evaluation).iloc[0]


def test_growth_towards_a_target_is_substantial_when_fast_enough():
    # 20 -> 24 over 2015-2018 is 6.27 %/yr; 20 -> 30 by 2020 needs 8.45 %/yr: ratio 0.74.
    row = opensdg_row({"kind": "at_least", "value": 30, "deadline": "2020"},
                      (2015, 20.0), (2018, 24.0))
    assert row["opensdg_status"] == "moderate"
    assert row["opensdg_score"] == pytest.approx((0.742 - 0.6) / 0.7 * 5, abs=0.02)


def test_a_met_target_is_achieved_and_a_falling_series_deteriorates():
    met = opensdg_row({"kind": "at_least", "value": 26, "deadline": "2018"},
                      (2015, 20.0), (2018, 27.0))
    assert (met["opensdg_status"], met["opensdg_score"]) == ("target_achieved", 5)
    falling = opensdg_row({"kind": "at_least", "value": 30, "deadline": "2020"},
                          (2015, 24.0), (2018, 20.0))
    assert falling["opensdg_status"] == "deterioration"


def test_a_target_without_a_value_uses_the_fixed_rates():
    row = opensdg_row({"kind": "higher_than_previous", "value": None, "deadline": "2019"},
                      (2015, 20.0), (2018, 21.0))
    assert row["opensdg_status"] == "substantial"  # 1.64 %/yr >= 1.5 %, far from the 100 % limit


def test_status_command_and_export_carry_the_opensdg_columns(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    path = tmp_path / "values.csv"
    path.write_text("地区,指标,年份,数值\n长春市,transit_modal_share,2015,20\n"
                    "长春市,transit_modal_share,2018,27\n", encoding="utf-8")
    assert main(["--database", url, "load", str(path), "--by", "t", "--accepted"]) == 0
    output = tmp_path / "status.csv"
    assert main(["--database", url, "status", "--method", "opensdg", "--year", "2018",
                 "--format", "csv", "-o", str(output)]) == 0
    table = pd.read_csv(output, encoding="utf-8-sig", dtype={"region_code": str})
    row = table[(table["region_code"] == "220100") & (table["target_id"] == "jzbf17-04")].iloc[0]
    assert (row["status"], row["escap_status"]) == ("target_achieved", "met")
    extract = tmp_path / "extract.csv"
    assert main(["--database", url, "export", "-o", str(extract)]) == 0
    exported = pd.read_csv(extract, encoding="utf-8-sig")
    due = exported[exported["target_id"] == "jzbf17-04"].iloc[0]
    assert (due["status"], due["opensdg_status"], due["opensdg_score"]) == (
        "met", "target_achieved", 5)


def test_status_table_default_method_is_ours():
    actuals = make_actuals(("220100", "transit_modal_share", 2018, 27.0))
    table = status_table(actuals, Reference.load(), 2018)
    assert "opensdg_status" in table and "escap_status" not in table
