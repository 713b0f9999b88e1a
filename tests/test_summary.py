"""The counts, rates, ranks and changes a leader reads first (indicators.summary), worked by
hand on small status tables."""

import pandas as pd

from indicators.statuses import Status
from indicators.summary import changes, furthest_behind, ranks, tallies, tally


def rows(*items, year=2020):
    """Status rows: (region, target, status, deadline_year[, gap_pct, direction])."""
    frame = pd.DataFrame([{"region_code": item[0], "target_id": item[1], "status": item[2],
                           "deadline_year": item[3],
                           "gap_pct": item[4] if len(item) > 4 else float("nan"),
                           "direction": item[5] if len(item) > 5 else "higher",
                           "document": item[6] if len(item) > 6 else "A"} for item in items])
    frame["as_of_year"] = year
    return frame


def test_not_yet_due_is_never_not_meeting_and_the_rate_counts_verdicts_only():
    table = rows(("a", "t1", "met", 2019), ("a", "t2", "met_late", 2018),
                 ("a", "t3", "missed", 2020), ("a", "t4", "no_data", 2020),
                 ("a", "t5", "off_track", 2021), ("a", "t6", "no_data", 2022))
    counted = tally(table)
    assert (counted.due, counted.due_with_verdict, counted.due_without_data,
            counted.not_yet_due, counted.met) == (4, 3, 1, 2, 2)
    assert counted.rate == 100 * 2 / 3  # 2 met of 3 with a verdict; no-data not counted
    assert counted.counts[Status.OFF_TRACK] == 1 and counted.counts[Status.ON_TRACK] == 0
    assert list(counted.counts) == list(Status)


def test_a_region_without_verdicts_has_no_rate():
    assert tally(rows(("a", "t1", "no_data", 2019), ("a", "t2", "on_track", 2022))).rate is None


def test_tallies_by_document():
    table = rows(("a", "t1", "met", 2019, None, "higher", "A"),
                 ("a", "t2", "missed", 2019, None, "higher", "B"))
    counted = tallies(table, "document")
    assert list(counted) == ["A", "B"]
    assert (counted["A"].rate, counted["B"].rate) == (100.0, 0.0)


def test_ranks_share_ties_and_leave_regions_without_a_rate_unranked():
    table = rows(("a", "t1", "met", 2019), ("a", "t2", "missed", 2019),
                 ("b", "t1", "met", 2019), ("b", "t2", "met", 2019),
                 ("c", "t1", "missed", 2019), ("c", "t2", "met", 2019),
                 ("d", "t1", "no_data", 2019))
    ranked = ranks(table, ["a", "b", "c", "d", "e"])
    assert ranked["region_code"].tolist() == ["b", "a", "c", "d", "e"]
    assert ranked["rank"].tolist()[:3] == [1, 2, 2]
    assert ranked["rank"].isna().tolist() == [False, False, False, True, True]


def test_changes_since_the_year_before():
    before = rows(("a", "t1", "missed", 2019), ("a", "t2", "on_track", 2020),
                  ("a", "t3", "met", 2018), ("a", "t4", "missed", 2019), year=2019)
    now = rows(("a", "t1", "met_late", 2019), ("a", "t2", "missed", 2020),
               ("a", "t3", "met", 2018), ("a", "t4", "missed", 2019))
    changed = changes(now, before)
    assert dict(zip(changed["target_id"], changed["change"], strict=True)) == {
        "t1": "newly_met", "t2": "newly_missed"}
    assert changed.set_index("target_id").at["t1", "status_before"] == "missed"


def test_furthest_behind_reads_the_gap_by_direction():
    # Higher is better: -40 % short; lower is better: +25 % over the ceiling is 25 % behind.
    table = rows(("a", "t1", "missed", 2019, -40.0), ("a", "t2", "missed", 2019, 25.0, "lower"),
                 ("a", "t3", "at_risk", 2021, -5.0), ("a", "t4", "met", 2019, 10.0),
                 ("a", "t5", "missed", 2018))
    behind = furthest_behind(table, 3)
    assert behind["target_id"].tolist() == ["t1", "t2", "t3"]
    assert behind["shortfall_pct"].tolist() == [40.0, 25.0, 5.0]
    assert furthest_behind(table)["target_id"].tolist()[-1] == "t5"  # no relative gap: last


def test_tallies_in_one_pass_equal_a_tally_of_each_group():
    import numpy as np
    rng = np.random.default_rng(7)
    statuses = [str(member) for member in Status]
    table = rows(*[(f"r{rng.integers(0, 30)}", f"t{i}", statuses[rng.integers(0, 7)],
                    int(rng.integers(2017, 2023))) for i in range(2000)])
    grouped = tallies(table, "region_code")
    assert list(grouped) == list(dict.fromkeys(table["region_code"]))
    for code, counted in grouped.items():
        assert counted == tally(table[table["region_code"] == code]), code
