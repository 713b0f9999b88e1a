"""Open SDG progress measure on hand-worked cases, and against a series-by-series reference."""

import math

import numpy as np
import pandas as pd
import pytest

from indicators.opensdg import STATUSES, indicator_score, progress

NUMBERS = ["base_value", "current_value", "observed_cagr", "required_cagr", "ratio", "score"]


def run(*points, direction="increase", target=None, target_year=2030, **extra):
    """Progress of one series given as (year, value) pairs; its result row."""
    values = pd.DataFrame(points, columns=["year", "value"]).assign(series_id="s")
    settings = pd.DataFrame([{"series_id": "s", "direction": direction, "target": target,
                              "target_year": target_year, **extra}])
    result = progress(values, settings)
    assert list(result["series_id"]) == ["s"]
    return result.iloc[0]


def check(row, status, score, ratio=None):
    assert row["status"] == status
    assert row["score"] == pytest.approx(score, abs=1e-6, nan_ok=True)
    if ratio is not None:
        assert row["ratio"] == pytest.approx(ratio, abs=1e-6)


# --- with a target: one case per band -------------------------------------------------------------
# Base 100 in 2015, target 400 in 2019: CAGR_T = 4 ** (1/4) - 1 = sqrt(2) - 1 = 0.414214.
# Latest value in 2017, two years on: CAGR_i = (y / 100) ** (1/2) - 1, R = CAGR_i / 0.414214.
# Score: 5 (R - 0.6) / 0.7 from R = 0.6, else -5 + 5 (R + 0.6) / 1.2; within [-5, 5].

@pytest.mark.parametrize(("latest", "status", "ratio", "score"), [
    (196, "substantial", 0.965685, 2.612039),     # CAGR_i 1.96 ** .5 - 1 = 0.4
    (300, "substantial", 1.767327, 5.0),          # sqrt(3) - 1 = 0.732051; score capped at 5
    (169, "moderate", 0.724264, 0.887600),        # 0.3
    (121, "limited", 0.241421, -1.494078),        # 0.1
    (81, "deterioration", -0.241421, -3.505922),  # -0.1
    (36, "deterioration", -0.965685, -5.0),       # -0.4; score floored at -5
    (400, "target_achieved", 2.414214, 5.0),      # 1.0, and 400 meets the target
])
def test_bands_with_a_target(latest, status, ratio, score):
    row = run((2015, 100), (2016, 150), (2017, latest), target=400, target_year=2019)
    check(row, status, score, ratio)
    assert row["required_cagr"] == pytest.approx(math.sqrt(2) - 1)
    assert (row["base_year"], row["current_year"]) == (2015, 2017)


# Lower is better: base 100, target 25 in 2019: CAGR_T = 0.25 ** (1/4) - 1 = -0.292893.
@pytest.mark.parametrize(("latest", "status", "ratio", "score"), [
    (64, "moderate", 0.682843, 0.591734),          # CAGR_i 0.64 ** .5 - 1 = -0.2; R = 0.2/0.29
    (110, "deterioration", -0.166644, -3.194349),  # 1.1 ** .5 - 1 = 0.048809; R = -0.0488/0.29
    (25, "target_achieved", 1.707107, 5.0),        # -0.5, at the target
])
def test_bands_with_a_target_lower_is_better(latest, status, ratio, score):
    row = run((2015, 100), (2017, latest), direction="decrease", target=25, target_year=2019)
    check(row, status, score, ratio)


# --- without a target: one case per band ----------------------------------------------------------
# Base 100 in 2015, latest in 2017: p = CAGR_i = (y / 100) ** (1/2) - 1. Score: 125 p - 2.5
# below 0, 500 p - 2.5 up to 0.5 %, 250 p - 1.25 up to 1.5 %, 500 p - 5 up to 2 %, then 5.

@pytest.mark.parametrize(("latest", "direction", "status", "score"), [
    (103.530625, "increase", "substantial", 3.75),    # 1.0175 ** 2: p = 0.0175
    (110.25, "increase", "substantial", 5.0),         # 1.05 ** 2: p = 0.05, capped
    (102.01, "increase", "moderate", 1.25),           # 1.01 ** 2: p = 0.01
    (100.4004, "increase", "limited", -1.5),          # 1.002 ** 2: p = 0.002
    (100, "increase", "limited", -2.5),               # flat: p = 0
    (98.01, "increase", "deterioration", -3.75),      # 0.99 ** 2: p = -0.01
    (90.25, "increase", "deterioration", -5.0),       # 0.95 ** 2: p = -0.05, floored
    (98.01, "decrease", "moderate", 1.25),            # d = -1: p = +0.01
])
def test_bands_without_a_target(latest, direction, status, score):
    row = run((2015, 100), (2017, latest), direction=direction)
    check(row, status, score)
    assert math.isnan(row["ratio"]) and math.isnan(row["required_cagr"])


def test_a_negative_series_flips_the_direction():
    # -100 -> -98.01: magnitude CAGR 0.9801 ** .5 - 1 = -0.01, s = -1: p = +0.01, rising.
    check(run((2015, -100), (2017, -98.01)), "moderate", 1.25)
    # Target -25 by 2019: CAGR_T = -0.292893, CAGR_i (-64 / -100) ** .5 - 1 = -0.2: R = 0.682843.
    row = run((2015, -100), (2017, -64), target=-25, target_year=2019)
    check(row, "moderate", 0.591734, 0.682843)


# --- limits ---------------------------------------------------------------------------------------
# Maximum 100, base 90: C = 1 - (1 - 10/100) ** 4.44 = 0.373622, bands 0.560 % and 0.187 %.

def test_a_limit_ahead_scales_the_growth_bands():
    # 90 -> 91.08324 = 90 * 1.006 ** 2: p = 0.006 >= 0.560 %; score 500 * 0.006 / C - 5.
    check(run((2015, 90), (2017, 91.08324), limit=100), "substantial", 3.029513)
    check(run((2015, 90), (2017, 91.08324)), "moderate", 0.25)   # unscaled: 250 p - 1.25
    # A minimum 5 below a falling base 6: C = 1 - (1 - 1/5) ** 4.44 = 0.628705; 6 * 0.99 ** 2
    # gives p = 0.01 >= 1.5 % C = 0.943 %: substantial, 500 * 0.01 / C - 5 = 2.952860.
    check(run((2015, 6), (2017, 5.8806), direction="decrease", limit=5), "substantial", 2.952860)


def test_at_the_limit_holding_it_is_on_track_and_leaving_it_is_not():
    check(run((2015, 100), (2017, 100), limit=100), "substantial", 5.0)   # C = 0, p = 0
    check(run((2015, 100), (2017, 101), limit=100), "substantial", 5.0)
    # 0.99 ** .5 - 1 = -0.0050126; below zero nothing is scaled: 125 p - 2.5 = -3.126570.
    check(run((2015, 100), (2017, 99), limit=100), "deterioration", -3.126570)


def test_a_limit_behind_or_beside_a_target_is_ignored():
    # Falling from 90 with 100 above: not in the way. 90 * 0.994 ** 2: p = 0.006, as unscaled.
    check(run((2015, 90), (2017, 88.92324), direction="decrease", limit=100), "moderate", 0.25)
    with_limit = run((2015, 100), (2017, 169), target=400, target_year=2019, limit=400)
    check(with_limit, "moderate", 0.887600, 0.724264)


# --- zero, and changes of sign --------------------------------------------------------------------

def test_a_zero_base_with_a_target_compares_yearly_changes():
    # 0 -> 4 over 5 years is 0.8 a year; 0 -> 10 by 2025 needs 1 a year: R = 0.8.
    row = run((2015, 0), (2020, 4), target=10, target_year=2025)
    check(row, "moderate", 1.428571, 0.8)   # 5 * (0.8 - 0.6) / 0.7
    assert math.isnan(row["observed_cagr"]) and math.isnan(row["required_cagr"])


def test_a_zero_target_compares_yearly_changes():
    # 100 -> 40 in 5 years is -12 a year; 100 -> 0 by 2025 needs -10 a year: R = 1.2.
    # (Open SDG's 0.001 in its place asks CAGR_T = -0.683772 and finds R = 0.244887, limited.)
    row = run((2015, 100), (2020, 40), direction="decrease", target=0, target_year=2025)
    check(row, "substantial", 4.285714, 1.2)   # 5 * (1.2 - 0.6) / 0.7
    assert row["observed_cagr"] == pytest.approx(0.4 ** 0.2 - 1)   # -0.167447
    assert row["required_cagr"] == -1.0
    check(run((2015, 100), (2020, 0), direction="decrease", target=0), "target_achieved", 5.0)


@pytest.mark.parametrize(("latest", "direction", "status", "score"), [
    (3, "increase", "substantial", 5.0),      # any growth from zero is infinitely fast
    (3, "decrease", "deterioration", -5.0),
    (-3, "increase", "deterioration", -5.0),
    (0, "increase", "limited", -2.5),         # still zero: p = 0
])
def test_a_zero_base_without_a_target(latest, direction, status, score):
    row = run((2015, 0), (2018, latest), direction=direction)
    check(row, status, score)
    assert math.isnan(row["observed_cagr"])


def test_a_zero_base_at_its_limit_is_held():
    check(run((2015, 0), (2018, 0), direction="decrease", limit=0), "substantial", 5.0)


def test_a_change_of_sign():
    # With a target, by yearly changes: -10 -> 2 is 2.4 a year; -10 -> 10 by 2025 needs 2.
    row = run((2015, -10), (2020, 2), target=10, target_year=2025)
    check(row, "substantial", 4.285714, 1.2)
    assert math.isnan(row["observed_cagr"])
    check(run((2015, -10), (2020, 2), target=1), "target_achieved", 5.0)
    # Without a target there is no growth rate to judge.
    check(run((2015, -10), (2020, 2)), "not_available", math.nan)


# --- data too short, duplicated, or around the base year ------------------------------------------

@pytest.mark.parametrize("points", [
    [(2015, 100)], [(2018, 100)], [(2012, 90), (2014, 100)], [(2014, 90), (2015, 100)], [],
    [(2015, 100), (2017, math.nan)]])
def test_fewer_than_two_years_from_the_base_year_is_not_available(points):
    row = run(*points, target=200)
    check(row, "not_available", math.nan)
    assert math.isnan(row["observed_cagr"]) and math.isnan(row["ratio"])


def test_one_value_that_meets_the_target_is_still_not_available():
    check(run((2016, 300), target=200), "not_available", math.nan)


def test_a_duplicated_year_takes_the_mean():
    # Base (98 + 102) / 2 = 100, latest (120 + 122) / 2 = 121: CAGR 1.21 ** .5 - 1 = 0.1.
    row = run((2015, 98), (2015, 102), (2017, 120), (2017, 122))
    assert (row["base_value"], row["current_value"]) == (100, 121)
    assert row["observed_cagr"] == pytest.approx(0.1)
    check(row, "substantial", 5.0)


def test_the_base_year_defaults_to_2015_and_moves_to_the_next_year_with_data():
    points = [(2013, 50), (2015, 100), (2016, 110), (2019, 130)]
    assert run(*points)["base_year"] == 2015
    assert run(*points, base_year=2016)["base_year"] == 2016
    assert run(*points, base_year=2017)[["base_year", "base_value"]].tolist() == [2019, 130]
    row = run((2013, 50), (2017, 100), (2019, 121))
    assert (row["base_year"], row["base_value"]) == (2017, 100)
    assert row["observed_cagr"] == pytest.approx(0.1)   # 1.21 ** (1/2) - 1; 2013 not used


# --- targets already met, equal to the base, or past their year -----------------------------------

def test_a_target_equal_to_the_base_value():
    # Required growth is zero: staying or improving meets it, any step away is -inf.
    row = run((2015, 50), (2020, 52), direction="decrease", target=50)
    check(row, "deterioration", -5.0)
    assert row["ratio"] == -math.inf and row["required_cagr"] == 0
    check(run((2015, 50), (2020, 50), direction="decrease", target=50), "target_achieved", 5.0)
    check(run((2015, 50), (2020, 49), direction="decrease", target=50), "target_achieved", 5.0)


def test_a_target_met_at_the_base():
    # Base 35 already under the target 40; still under: achieved.
    check(run((2015, 35), (2020, 38), direction="decrease", target=40), "target_achieved", 5.0)
    # Now over: CAGR_i (45/35) ** (1/5) - 1 = 0.051547, CAGR_T (40/35) ** (1/15) - 1 = 0.008942;
    # R = -0.051547 / 0.008942 = -5.764756 (|CAGR_T| keeps the sign meaning "wrong way").
    row = run((2015, 35), (2020, 45), direction="decrease", target=40)
    check(row, "deterioration", -5.0, -5.764756)


def test_a_latest_year_after_the_target_year():
    # CAGR_i 0.6 ** (1/8) - 1 = -0.061857 against CAGR_T 0.5 ** (1/5) - 1 = -0.129449:
    # R = 0.477849, limited; score -5 + 5 * 1.077849 / 1.2 = -0.508962.
    row = run((2015, 100), (2023, 60), direction="decrease", target=50, target_year=2020)
    check(row, "limited", -0.508962, 0.477849)
    late = run((2015, 100), (2023, 45), direction="decrease", target=50, target_year=2020)
    check(late, "target_achieved", 5.0)


def test_a_target_year_not_after_the_base_year_has_no_required_rate():
    # No data until 2021, so the base year is 2021, after the 2020 target year.
    points = [(2021, 100), (2023, 90)]
    row = run(*points, direction="decrease", target=80, target_year=2020)
    check(row, "not_available", math.nan)
    assert row["base_year"] == 2021 and math.isnan(row["required_cagr"])
    check(run(*points, direction="decrease", target=95, target_year=2020), "target_achieved", 5)


# --- settings -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "same_as"), [
    ("higher", "increase"), (" Increase", "increase"), ("positive", "increase"),
    ("lower", "decrease"), ("DECREASE ", "decrease"), ("negative", "decrease")])
def test_direction_words(word, same_as):
    points = [(2015, 100), (2017, 102.01)]
    assert run(*points, direction=word).equals(run(*points, direction=same_as))


@pytest.mark.parametrize("word", ["up", "", None])
def test_an_unknown_direction_is_refused(word):
    with pytest.raises(ValueError, match="direction must be one of"):
        run((2015, 100), (2017, 102), direction=word)


def test_a_series_set_twice_is_refused():
    settings = pd.DataFrame({"series_id": ["a", "a"], "direction": "increase",
                             "target_year": 2030, "target": [1, 2]})
    with pytest.raises(ValueError, match="more than once"):
        progress(pd.DataFrame(columns=["series_id", "year", "value"]), settings)


def test_integers_and_floats_agree():
    as_int = run((2015, 50), (2020, 52), direction="decrease", target=50)
    as_float = run((2015.0, 50.0), (2020.0, 52.0), direction="decrease", target=50.0)
    pd.testing.assert_series_equal(as_int, as_float)


def test_one_row_per_setting_in_settings_order():
    values = pd.DataFrame({"series_id": ["b", "b", "x", "x"], "year": [2015, 2017] * 2,
                           "value": [100, 121, 1, 2]})
    settings = pd.DataFrame({"series_id": ["c", "b"], "direction": "increase",
                             "target_year": 2030, "target": np.nan})
    result = progress(values, settings)
    assert list(result.columns) == ["series_id", "base_year", "base_value", "current_year",
                                    "current_value", "observed_cagr", "required_cagr",
                                    "ratio", "status", "score"]
    assert list(result["series_id"]) == ["c", "b"]
    assert list(result["status"]) == ["not_available", "substantial"]


# --- indicator scores -----------------------------------------------------------------------------

def test_the_indicator_score_is_the_mean_of_scored_series():
    results = pd.DataFrame({"series_id": ["a", "b", "c", "d"],
                            "status": ["substantial", "limited", "not_available",
                                       "not_available"],
                            "score": [3.0, -1.0, np.nan, np.nan]})
    mapping = {"a": "1.1.1", "b": "1.1.1", "c": "1.1.1", "d": "2.1.1"}
    expected = pd.DataFrame({"indicator_id": ["1.1.1", "2.1.1"], "score": [1.0, np.nan]})
    pd.testing.assert_frame_equal(indicator_score(results, mapping), expected)
    pd.testing.assert_frame_equal(indicator_score(results, pd.Series(mapping)), expected)
    frame = pd.DataFrame({"series_id": list(mapping), "indicator_id": list(mapping.values())})
    pd.testing.assert_frame_equal(indicator_score(results, frame), expected)


# --- the vectorised measure against a series-by-series reference ----------------------------------

def reference(values: pd.DataFrame, settings: pd.DataFrame) -> pd.DataFrame:
    """The measure written plainly, one series at a time, from the documented rules."""
    points: dict[str, dict[int, list[float]]] = {}
    for series_id, year, value in zip(values["series_id"], values["year"], values["value"],
                                      strict=True):
        if not math.isnan(value):
            points.setdefault(series_id, {}).setdefault(int(year), []).append(value)
    rows = [reference_series(points.get(s["series_id"], {}), s)
            for s in settings.to_dict("records")]
    result = pd.DataFrame(rows)
    return result.astype({"base_year": "Int64", "current_year": "Int64"})


def reference_series(points: dict[int, list[float]], s: dict) -> dict:
    data = {year: sum(v) / len(v) for year, v in points.items()}
    d = 1 if s["direction"] in ("increase", "higher", "positive") else -1
    base_request = 2015 if math.isnan(s["base_year"]) else s["base_year"]
    target, limit = s["target"], s["limit"]
    target_year = 2030 if math.isnan(s["target_year"]) else s["target_year"]
    later = [year for year in data if year >= base_request]
    t0 = min(later) if later else None
    ti = max(data) if data else None
    y0 = data[t0] if later else math.nan
    yi = data[ti] if data else math.nan
    n = ti - t0 if later else 0
    observed = cagr(y0, yi, n)
    row = {"series_id": s["series_id"], "base_year": t0, "base_value": y0, "current_year": ti,
           "current_value": yi, "observed_cagr": observed, "required_cagr": math.nan,
           "ratio": math.nan, "status": "not_available", "score": math.nan}
    if math.isnan(target):
        if n > 0:
            row.update(zip(("status", "score"), growth_status(y0, yi, d, observed, limit),
                           strict=True))
        return row
    row["required_cagr"] = required = cagr(y0, target, target_year - t0 if later else 0)
    if n > 0 and target_year - t0 > 0:
        if not math.isnan(observed) and not math.isnan(required) and target != 0:
            ratio = divide(sign(y0) * d * observed, abs(required))
        else:
            ratio = divide(d * (yi - y0) / n, abs((target - y0) / (target_year - t0)))
        row["ratio"] = ratio
        row["status"] = band(ratio, 0.95, 0.6)
        row["score"] = 5 * (ratio - 0.6) / 0.7 if ratio >= 0.6 else -5 + 5 * (ratio + 0.6) / 1.2
        row["score"] = min(max(row["score"], -5.0), 5.0)
    if n > 0 and d * (yi - target) >= -1e-9 * max(1.0, abs(target)):
        row.update(status="target_achieved", score=5.0)
    return row


def growth_status(y0, yi, d, observed, limit) -> tuple[str, float]:
    if y0 == 0:
        p = 0.0 if yi == 0 else d * math.copysign(math.inf, yi)
    elif y0 * yi < 0:
        return "not_available", math.nan
    else:
        p = sign(y0) * d * observed
    c = 1.0
    if limit == y0:
        c = 0.0
    elif d * (limit - y0) > 0:
        distance = math.inf if limit == 0 else abs(y0 - limit) / abs(limit)
        c = 1 - (1 - min(distance, 1.0)) ** 4.44
    status = band(p, 0.015 * c, 0.005 * c)
    if p < 0:
        return status, max(125 * p - 2.5, -5.0)
    if c == 0:
        return status, 5.0
    q = p / c
    if q >= 0.015:
        return status, min(500 * q - 5, 5.0)
    return status, 250 * q - 1.25 if q >= 0.005 else 500 * q - 2.5


def cagr(start: float, end: float, years: float) -> float:
    if start == 0 or start * end < 0 or not years > 0:
        return math.nan
    return abs(end / start) ** (1 / years) - 1


def divide(a: float, b: float) -> float:
    if b != 0:
        return a / b
    return math.nan if a == 0 else math.copysign(math.inf, a)


def sign(x: float) -> float:
    return math.copysign(1.0, x) if x != 0 else 0.0


def band(x: float, substantial: float, moderate: float) -> str:
    if x >= substantial:
        return "substantial"
    if x >= moderate:
        return "moderate"
    return "limited" if x >= 0 else "deterioration"


def synthetic(count: int, seed: int = 2015) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`count` series of up to 15 years covering every rule: gaps, duplicates, missing values,
    zeros, negative and sign-changing series, flat series, limits, targets of all kinds."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"s{i:05d}" for i in range(count)])
    years = np.arange(2010, 2025)
    coverage = rng.choice([0.05, 0.3, 0.7, 1.0], count)
    sid, year = np.meshgrid(np.arange(count), years, indexing="ij")
    kept = rng.random(sid.shape) < coverage[:, None]
    sid, year = sid[kept], year[kept]
    level = rng.lognormal(3, 1, count)
    growth = rng.normal(0, 0.05, count)
    value = level[sid] * (1 + growth[sid]) ** (year - 2010) * rng.lognormal(0, 0.02, len(sid))
    kind = rng.choice(["plain", "negative", "crossing", "flat", "zeros"], count,
                      p=[0.6, 0.1, 0.1, 0.1, 0.1])[sid]
    value = np.select([kind == "negative", kind == "crossing", kind == "flat"],
                      [-value, value - level[sid], level[sid]], value)
    value = np.where((kind == "zeros") & (rng.random(len(sid)) < 0.5), 0.0, value).round(2)
    value[rng.random(len(value)) < 0.02] = np.nan
    extra = rng.random(len(sid)) < 0.03   # a second value for the same year
    values = pd.DataFrame({"series_id": ids[np.r_[sid, sid[extra]]],
                           "year": np.r_[year, year[extra]],
                           "value": np.r_[value, (value[extra] * 1.1).round(2)]})
    values = pd.concat([values, pd.DataFrame({"series_id": "unset", "year": [2015, 2020],
                                              "value": [1.0, 2.0]})])

    def sometimes(share: float, chosen: np.ndarray, otherwise: float = np.nan) -> np.ndarray:
        return np.where(rng.random(count) < share, chosen, otherwise)

    target = level * rng.choice([0.0, 0.5, 0.9, 1.0, 1.2, 2.0, -1.0], count)
    settings = pd.DataFrame({
        "series_id": ids,
        "direction": rng.choice(["increase", "higher", "positive", "decrease", "lower",
                                 "negative"], count),
        "base_year": sometimes(0.5, rng.integers(2011, 2020, count)),
        "target": sometimes(0.6, target),
        "target_year": sometimes(0.9, rng.integers(2012, 2036, count)),
        "limit": sometimes(0.3, level * rng.choice([0.0, 0.5, 0.9, 1.0, 1.1, 2.0, 3.0], count)),
    })
    return values.sample(frac=1, random_state=seed).reset_index(drop=True), settings


def test_vectorised_equals_the_series_by_series_reference():
    values, settings = synthetic(20_000)
    result = progress(values, settings)
    expected = reference(values, settings)
    assert result["status"].tolist() == expected["status"].tolist()
    for column in ["base_year", "current_year"]:
        assert result[column].equals(expected[column])
    for column in NUMBERS:
        np.testing.assert_allclose(result[column].to_numpy(dtype=float),
                                   expected[column].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-12, err_msg=column)
    # The comparison means something only if every status turns up often.
    counts = result["status"].value_counts()
    assert set(counts.index) == set(STATUSES) and counts.min() >= 200
