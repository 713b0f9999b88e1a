"""Seeded demo values (演示数据 / demo data) for every target series: invented, never statistics.

What this is
------------
No real actual values ship with the product. So that the dashboard, the extracts and the
evaluation can be shown and tried out, `generate_demo` invents values with a seeded random
generator. **Every number it produces is made up.** Wherever demo values are stored, shown
or exported, they must be labelled 演示数据 / demo data (`LABEL_ZH`, `LABEL_EN`) and never
presented as statistics of Jilin or of any of its regions. `targets demo` stores them in a
store of their own, marked `is_demo`, with the seed in the load's source.

What it produces
----------------
A frame with one row per (region_code, indicator_id, period) and the columns

    region_code (str)  indicator_id (str)  period (int)  value (float)

with `value` in the indicator's canonical unit (`Indicator.unit`), ready for `evaluate()`
and `Store.load`. A row exists exactly when

- at least one target of the indicator applies to the region: the region belongs to the
  target's region class (`RegionRegister.memberships`), whatever the target's deadline; and
- the region's code held at some time in the year (`valid_from` inclusive, `valid_to`
  exclusive). When a place changed its code (公主岭 220381 until 2020-06-19, then 220184),
  the year of the change belongs to the new code only. Both codes share one series, so a
  chart of the place does not jump at the change: 220381 carries 2015-2019, 220184 2020.

Every year of `years` (default 2015-2020) is present for every such pair.

How the values are made
-----------------------
1. A *goal path* per indicator and set of applicable targets: the values that would just meet
   each target at its deadline year. Between deadlines it is linear; before the first one it
   falls back (in the worse direction) by a yearly *pace* of 3-8 % of the target's size (at
   least 10 for shares and counts), drawn per path, so series start below or around their
   earliest target; after the last one it carries on at half the pace for floors and
   ceilings and stays flat otherwise. A looser later target never lowers the path (长春
   keeps 100 % sweeping in 2019 although the 2019 floor is 90 %).
   Kinds:
   - at_least / at_most: the bound.
   - zero (消除城市旱厕): 0 at the deadline, the pace taken on an invented count of 50, so
     series start from about 8-20.
   - equal (subsidy standards, 490 元/人): the standard, held flat after the deadline.
   - range / count_range (2-3 个): the lower end (higher is better), values capped at the top.
   - cumulative (新增城市绿地 2000 公顷 2018-2020, 老旧小区 20 % / 50 % / 100 %): the series is
     the yearly flow. Floors on single years (600 ha in 2018, 700 ha in 2019) fix those years;
     the rest of each cumulative total is spread evenly over the free years of its period
     (so 2020 needs 700 ha; renovation 20, 30, 50 %). A share of the plan's workload is 0
     before the plan's period, its profile starts at the period, and its running sum over
     the period never passes 100 %.
   - annual_step (建成区绿地率 +0.4 个百分点 a year from 2017): a level rising 0.4 a year.
   - reduction_vs_baseline (开办时间减少一半 on 2017): a level falling to half by the deadline.
   - higher / lower_than_previous: a level moving the better way at the pace.
   Kinds that state no level (the last three) start from an invented typical level of the unit
   (40 %, 20 工作日, 50 个/人) times 0.7-1.3 for each series.
2. A *profile* per series, drawn with the seeded generator:
   45 % meets (goes 5-30 % further than the goal path and sits above it),
   25 % improving but slightly behind (95-100 % of the goal's movement, a little below it),
   20 % stagnant (-10 % to +15 % of the movement, below the earliest target),
   10 % deteriorating (moves 20-60 % of the goal's movement the wrong way).
   A series is v(t) = g(t0) + f * (g(t) - g(t0)) + shift + noise, with f and the shift from
   the profile and Gaussian noise of 10-25 % of the goal's mean yearly movement. So yearly
   increments of the 0.4-point step lie around 0.4 (0.42-0.52 for series that meet it), and a
   halving is reached by most series but not all.
   Set standards (equal) do not fluctuate: meeting series hold the standard exactly, the others
   stay below it. Series that are not meeting fall short by at least one unit in counts.
3. Milestones (完成 1 / 未完成 0) switch to 1 in one year and stay 1: meeting series up to two
   years before the deadline year, series behind in the deadline year, stagnant ones one or
   two years late, deteriorating ones never. An ongoing milestone's deadline is taken as the
   year its document was issued.
4. Values are clipped to `Indicator.plausible_range` (shares 0-100 %, growth rates not below
   -100 %, everything else not negative) and given at the precision the indicator is
   published with (`Indicator.precision`: counts (个, 人), working days and per-person money
   whole, shares and areas to two decimals unless the indicator declares other decimals), as
   a report of it would be.

As evaluated by `indicators.evaluate.evaluate`, the demo data shows every status: targets
due by the evaluation year are met or missed, later ones on_track, at_risk or off_track.

Seed and determinism
--------------------
All randomness comes from one `numpy.random.default_rng(seed)` (default 2018), drawn in a
fixed order over sorted keys: the same seed, catalogue, register and years give the identical
frame; another seed gives other values. The seed is no statement about Jilin: change it and
the picture changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicators.catalogue import RANGE_KINDS, Catalogue, TargetKind
from indicators.regions import RegionRegister
from indicators.units import parse_unit

LABEL_ZH = "演示数据"
LABEL_EN = "demo data"
COLUMNS = ["region_code", "indicator_id", "period", "value"]

PROFILES = ("meets", "behind", "stagnant", "deteriorating")
PROFILE_SHARES = (0.45, 0.25, 0.20, 0.10)
# f: the share of the goal path's movement each profile achieves (1 = on the path).
PROGRESS = {"meets": (1.05, 1.3), "behind": (0.95, 1.0), "stagnant": (-0.1, 0.15),
            "deteriorating": (-0.6, -0.2)}
# The level shift, in the goal's mean yearly movement; positive is the better side.
SHIFT = {"meets": (0.3, 1.0), "behind": (-0.6, -0.15), "stagnant": (-1.0, -0.3),
         "deteriorating": (-0.5, 0.0)}
NOISE = (0.1, 0.25)  # noise sd, in the goal's mean yearly movement
PACE = (0.03, 0.08)  # yearly movement before the first deadline, share of the target's size
BASE_SPREAD = (0.7, 1.3)  # spread of the invented level of kinds that state none
# Invented levels for kinds that state no value (steps, halvings, "higher than last year")
# and for the starting count of a `zero` target: the gazette gives none, so neither do we.
TYPICAL_LEVEL = {"percent": 40.0, "working_day": 20.0, "item": 50.0, "person": 50.0}
# Below these sizes a pace of a few percent would hardly move a series (a 0 % ceiling, a count
# of 1 that should rise from 0).
SCALE_FLOOR = {"percent": 10.0, "item": 10.0, "person": 10.0}

LEVEL_KINDS = frozenset({TargetKind.AT_LEAST, TargetKind.AT_MOST, TargetKind.EQUAL,
                         TargetKind.RANGE, TargetKind.COUNT_RANGE, TargetKind.ZERO})


@dataclass(frozen=True)
class _Goal:
    """One goal path: value = base * relative + absolute, and how to finish the series."""

    relative: np.ndarray
    absolute: np.ndarray
    low: float = -np.inf
    high: float = np.inf
    standard: bool = False  # a set standard (equal): exact when met, no noise
    milestone_year: float = np.nan
    sum_cap: float = np.nan  # cap on the running sum of a flow from period_start
    period_start: float = np.nan
    anchor: int = 0  # the column a series' profile starts from


def generate_demo(catalogue: Catalogue, register: RegionRegister, *, seed: int = 2018,
                  years: range = range(2015, 2021)) -> pd.DataFrame:
    """Invented values (演示数据) for every applicable (region, indicator, year); see module."""
    rows = applicable_rows(catalogue, register, years)
    if rows.empty:
        return _typed(pd.DataFrame(columns=COLUMNS))
    rng = np.random.default_rng(seed)
    series = rows[["place", "indicator_id", "group"]].drop_duplicates(
        ["place", "indicator_id"]).sort_values(["place", "indicator_id"], ignore_index=True)
    keys = sorted(series["group"].unique())
    year_array = np.asarray(years)
    records = _target_records(catalogue)
    goals = [_goal(catalogue, [records[i] for i in key.split()], year_array, pace)
             for key, pace in zip(keys, rng.uniform(*PACE, size=len(keys)), strict=True)]
    values = _series_values(catalogue, series, keys, goals, year_array, rng)
    index = rows.merge(series.reset_index()[["place", "indicator_id", "index"]],
                       on=["place", "indicator_id"])
    column = pd.Index(year_array).get_indexer(index["period"])
    frame = index[["region_code", "indicator_id", "period"]].assign(
        value=values[index["index"].to_numpy(), column])
    return _typed(frame.sort_values(["region_code", "indicator_id", "period"]))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True).astype(
        {"region_code": str, "indicator_id": str, "period": int, "value": float})
    frame.attrs.update(demo=True, label=f"{LABEL_ZH} / {LABEL_EN}")
    return frame


# --- which series -----------------------------------------------------------------------------

def applicable_rows(catalogue: Catalogue, register: RegionRegister,
                    years: range) -> pd.DataFrame:
    """(region_code, indicator_id, period, place, group) for every row the demo holds; `group`
    names the targets that apply to the place, which decide its goal path."""
    targets = catalogue.targets_frame[["target_id", "indicator_id", "region_class"]]
    members = register.memberships.merge(targets, on="region_class")
    members["place"] = members["region_code"].map(places(register.regions))
    groups = _groups(members)
    codes = members[["place", "region_code", "indicator_id", "valid_from", "valid_to"]]
    per_year = codes.drop_duplicates().merge(pd.DataFrame({"period": list(years)}), how="cross")
    first = pd.to_datetime(per_year["period"].astype(str) + "-01-01")
    last = pd.to_datetime(per_year["period"].astype(str) + "-12-31")
    held = ((per_year["valid_from"].isna() | (per_year["valid_from"] <= last))
            & (per_year["valid_to"].isna() | (per_year["valid_to"] > first)))
    # In the year a code changes, both codes held; the year belongs to the new one.
    rows = per_year[held].sort_values("valid_from", na_position="first", kind="stable")
    rows = rows.drop_duplicates(["place", "indicator_id", "period"], keep="last")
    return rows.join(groups, on=["place", "indicator_id"])[
        ["region_code", "indicator_id", "period", "place", "group"]].reset_index(drop=True)


def _groups(members: pd.DataFrame) -> pd.Series:
    """(place, indicator_id) -> the ids of the targets that apply, sorted, space-separated."""
    ids: dict[tuple[str, str], set[str]] = {}
    for place, indicator, target in zip(members["place"], members["indicator_id"],
                                        members["target_id"], strict=True):
        ids.setdefault((place, indicator), set()).add(target)
    return pd.Series({key: " ".join(sorted(value)) for key, value in ids.items()}, name="group")


def places(regions: pd.DataFrame) -> pd.Series:
    """code -> the code of the same place today: a row whose valid_to is the valid_from of a
    row of the same name is an old code of that place (公主岭 220381 -> 220184)."""
    successors = regions.dropna(subset=["valid_from"]).set_index(["name_zh", "valid_from"])["code"]
    place = {}
    for row in regions.itertuples():
        code, name, end = row.code, row.name_zh, row.valid_to
        while pd.notna(end) and (name, end) in successors.index:
            code = successors[(name, end)]
            end = regions.loc[regions["code"] == code, "valid_to"].iloc[0]
        place[row.code] = code
    return pd.Series(place, name="place")


# --- goal paths -------------------------------------------------------------------------------

def _target_records(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """target id -> its row of targets_frame, numbers as floats (NaN where absent), plus the
    year an ongoing task is due from: the year its document was issued."""
    records = {}
    for row in catalogue.targets_frame.to_dict("records"):
        for name in ("target_value", "target_value_high", "value", "baseline_year",
                     "period_start", "deadline_year"):
            row[name] = np.nan if pd.isna(row[name]) else float(row[name])
        row["due_year"] = (row["deadline_year"] if not np.isnan(row["deadline_year"])
                           else float(catalogue.documents[row["document"]].issued.year))
        records[row["target_id"]] = row
    return records


def _goal(catalogue: Catalogue, targets: list[dict[str, Any]], years: np.ndarray,
          pace: float) -> _Goal:
    indicator = catalogue.indicators[targets[0]["indicator_id"]]
    sign = 1.0 if indicator.direction == "higher" else -1.0
    unit = str(parse_unit(indicator.unit))
    low, high = indicator.plausible_range
    low, high = -np.inf if low is None else low, np.inf if high is None else high
    kinds = {target["kind"] for target in targets}
    if kinds == {TargetKind.MILESTONE}:
        return _Goal(np.zeros(len(years)), np.zeros(len(years)), low, high,
                     milestone_year=min(target["due_year"] for target in targets))
    # Stated values come first: where an indicator had both (none in the gazette does), a
    # level target fixes the path and a relative one is judged on that path.
    if TargetKind.CUMULATIVE in kinds:
        return _flow_goal(targets, years, sign, unit, pace, low, high)
    if kinds & LEVEL_KINDS:
        levels = [target for target in targets if target["kind"] in LEVEL_KINDS]
        return _level_goal(levels, years, sign, unit, pace, low, high)
    return _relative_goal(targets, years, sign, pace, low, high)


def _bound(target: dict[str, Any], sign: float) -> float:
    """The value that just meets `target` (the lower end of a range when higher is better)."""
    if target["kind"] == TargetKind.ZERO:
        return 0.0
    if target["kind"] in RANGE_KINDS and sign < 0:
        return target["target_value_high"]
    return target["target_value"]


def _bounds(targets: list[dict[str, Any]], sign: float) -> dict[int, float]:
    """deadline year -> the value that just meets the strictest target of that year."""
    points: dict[int, float] = {}
    for target in targets:
        year, bound = int(target["deadline_year"]), _bound(target, sign)
        points[year] = sign * max(sign * points.get(year, bound), sign * bound)
    return points


def _path(points: dict[int, float], years: np.ndarray, sign: float, step: float,
          step_after: float) -> np.ndarray:
    """Linear through the points, `step` a year worse before them, `step_after` better after."""
    at = np.array(sorted(points))
    values = np.array([points[year] for year in at])
    path = np.interp(years, at, values)
    path = np.where(years < at[0], values[0] - sign * step * (at[0] - years), path)
    return np.where(years > at[-1], values[-1] + sign * step_after * (years - at[-1]), path)


def _level_goal(targets: list[dict[str, Any]], years: np.ndarray, sign: float, unit: str,
                pace: float, low: float, high: float) -> _Goal:
    points = _bounds(targets, sign)
    # A looser later target does not make a region worse: keep the strictest so far.
    ordered = sorted(points)
    kept = np.maximum.accumulate([sign * points[year] for year in ordered]) * sign
    points = dict(zip(ordered, kept, strict=True))
    kinds = {target["kind"] for target in targets}
    size = TYPICAL_LEVEL.get(unit, 10.0) if kinds == {TargetKind.ZERO} else max(
        np.abs(kept).max(), SCALE_FLOOR.get(unit, 1.0))
    # Floors and ceilings keep improving; others hold.
    moving = kinds <= {TargetKind.AT_LEAST, TargetKind.AT_MOST}
    path = _path(points, years, sign, pace * size, pace * size / 2 if moving else 0.0)
    for target in targets:  # inside a range means not past its other end either
        if target["kind"] in RANGE_KINDS:
            if sign > 0:
                high = min(high, target["target_value_high"])
            else:
                low = max(low, target["target_value"])
    return _Goal(np.zeros(len(years)), np.clip(path, low, high), low, high,
                 standard=kinds == {TargetKind.EQUAL})


def _flow_goal(targets: list[dict[str, Any]], years: np.ndarray, sign: float, unit: str,
               pace: float, low: float, high: float) -> _Goal:
    """Yearly flows: floors on single years, the rest of each total spread over free years."""
    flows = _bounds([t for t in targets if t["kind"] in LEVEL_KINDS], sign)
    totals = sorted((t for t in targets if t["kind"] == TargetKind.CUMULATIVE),
                    key=lambda target: target["deadline_year"])
    for total in totals:
        window = range(int(total["period_start"]), int(total["deadline_year"]) + 1)
        free = [year for year in window if year not in flows]
        rest = max(total["target_value"] - sum(flows.get(year, 0.0) for year in window), 0.0)
        flows.update({year: rest / len(free) for year in free})
    size = max(np.abs(list(flows.values())).max(), SCALE_FLOOR.get(unit, 1.0))
    path = _path(flows, years, sign, pace * size, 0.0)
    start = min(total["period_start"] for total in totals)
    if np.isfinite(high):  # a share of the plan's workload: none of it is done before the plan
        path = np.where(years < start, 0.0, path)
    # A share's series is judged from the period's start, so its profile starts there too.
    anchor = int(np.searchsorted(years, start)) if np.isfinite(high) else 0
    return _Goal(np.zeros(len(years)), np.clip(path, low, high), low, high,
                 sum_cap=high, period_start=start, anchor=min(anchor, len(years) - 1))


def _relative_goal(targets: list[dict[str, Any]], years: np.ndarray, sign: float, pace: float,
                   low: float, high: float) -> _Goal:
    """Kinds relative to the region's own level: a step a year, a cut on a baseline, or
    "better than last year"; the level itself is drawn per series."""
    target = targets[0]
    ones = np.ones(len(years))
    if target["kind"] == TargetKind.ANNUAL_STEP:
        step = max(t["value"] for t in targets)
        return _Goal(ones, sign * step * (years - target["baseline_year"]), low, high)
    if target["kind"] == TargetKind.REDUCTION_VS_BASELINE:
        points = {int(target["baseline_year"]): 1.0,
                  int(target["deadline_year"]): 1.0 - target["value"] / 100.0}
        return _Goal(_path(points, years, sign, pace, 0.0), np.zeros(len(years)), low, high)
    return _Goal(1.0 + sign * pace * (years - years[0]), np.zeros(len(years)), low, high)


# --- series values ----------------------------------------------------------------------------

def _series_values(catalogue: Catalogue, series: pd.DataFrame, keys: list[str],
                   goals: list[_Goal], years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One row of values per series: goal path, profile, noise, then the kind's finish."""
    n = len(series)
    which = np.searchsorted(keys, series["group"].to_numpy())
    indicators = [catalogue.indicators[i] for i in series["indicator_id"]]
    unit = np.array([str(parse_unit(indicator.unit)) for indicator in indicators])
    sign = np.array([1.0 if i.direction == "higher" else -1.0 for i in indicators])[:, None]
    profile = rng.choice(len(PROFILES), size=n, p=PROFILE_SHARES)
    draws = _draws(profile, rng, n, len(years))
    base = np.array([TYPICAL_LEVEL.get(u, 10.0) for u in unit]) * draws["base"]
    goal = (base[:, None] * np.stack([g.relative for g in goals])[which]
            + np.stack([g.absolute for g in goals])[which])
    anchor = goal[np.arange(n), np.array([g.anchor for g in goals])[which]][:, None]
    places = np.array([indicator.precision for indicator in indicators])
    values = _shape(goal, anchor, sign, draws, profile, places == 0,
                    np.array([g.standard for g in goals])[which])
    values = _finish(values, goals, which, years, places)
    values = _round(values, places)
    return _milestones(values, goals, which, years, profile, draws["lag"])


def _draws(profile: np.ndarray, rng: np.random.Generator, n: int,
           n_years: int) -> dict[str, np.ndarray]:
    """Every random number of the series, drawn in one fixed order."""
    uniform = rng.uniform(size=(4, n))
    progress = np.array([PROGRESS[name] for name in PROFILES])[profile]
    shift = np.array([SHIFT[name] for name in PROFILES])[profile]
    return {
        "progress": _between(progress[:, 0], progress[:, 1], uniform[0]),
        "shift": _between(shift[:, 0], shift[:, 1], uniform[1]),
        "noise_sd": _between(*NOISE, uniform[2]),
        "base": _between(*BASE_SPREAD, uniform[3]),
        "noise": rng.standard_normal((n, n_years)),
        "lag": rng.integers(0, 3, size=n),
    }


def _between(low: np.ndarray | float, high: np.ndarray | float, u: np.ndarray) -> np.ndarray:
    return low + u * (high - low)


def _shape(goal: np.ndarray, start: np.ndarray, sign: np.ndarray, draws: dict[str, np.ndarray],
           profile: np.ndarray, whole: np.ndarray, standard: np.ndarray) -> np.ndarray:
    """v = g(t0) + f (g(t) - g(t0)) + shift + noise, shift and noise in the goal's movement;
    t0 is the first year, or the start of a share's period (`start` holds g(t0))."""
    movement = np.abs(np.diff(goal, axis=1)).mean(axis=1) if goal.shape[1] > 1 else np.zeros(
        len(goal))
    progress, shift = draws["progress"], draws["shift"] * movement
    behind = profile != PROFILES.index("meets")
    # A shortfall of a fraction of one would round away in whole numbers (counts, days).
    shift = np.where(whole & behind, np.minimum(shift, -1.0), shift)
    # A set standard is either held exactly or not reached; it does not wobble.
    progress = np.where(standard, np.clip(progress, 0.0, 1.0), progress)
    shift = np.where(standard, np.minimum(shift, 0.0), shift)
    noise_sd = np.where(standard, 0.0, draws["noise_sd"] * movement)
    return (start + progress[:, None] * (goal - start) + sign * shift[:, None]
            + noise_sd[:, None] * draws["noise"])


def _finish(values: np.ndarray, goals: list[_Goal], which: np.ndarray,
            years: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Clip to the plausible range; keep a share's running sum over its period within it."""
    low = np.array([g.low for g in goals])[which][:, None]
    high = np.array([g.high for g in goals])[which][:, None]
    values = np.clip(values, low, high)
    cap = np.array([g.sum_cap for g in goals])[which][:, None]
    start = np.array([g.period_start for g in goals])[which][:, None]
    in_period = years[None, :] >= start  # False where there is no period (NaN)
    capped = np.isfinite(cap[:, 0])
    if capped.any():
        running = np.cumsum(np.where(in_period, values, 0.0), axis=1)
        # Rounded sums, so that the rounded flows do not add up past the cap.
        flows = np.diff(_round(np.minimum(running, cap), places), axis=1, prepend=0.0)
        values = np.where(capped[:, None], np.where(in_period, flows, 0.0), values)
    return values


def _round(values: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Each series (row) to its indicator's published decimals (`places`)."""
    result = values.copy()
    for place in np.unique(places):
        chosen = places == place
        result[chosen] = np.round(values[chosen], int(place))
    return result + 0.0  # no -0.0


def _milestones(values: np.ndarray, goals: list[_Goal], which: np.ndarray, years: np.ndarray,
                profile: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Done (1) from a switch year on: early, on time, late, or never, by profile."""
    due = np.array([g.milestone_year for g in goals])[which]
    offset = np.select(
        [profile == PROFILES.index("meets"), profile == PROFILES.index("behind"),
         profile == PROFILES.index("stagnant")],
        [-lag, np.zeros_like(lag), 1 + lag % 2], default=0).astype(float)
    switch = np.where(profile == PROFILES.index("deteriorating"), np.inf, due + offset)
    done = (years[None, :] >= switch[:, None]).astype(float)
    return np.where(np.isnan(due)[:, None], values, done)
