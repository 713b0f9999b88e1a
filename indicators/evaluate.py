"""Evaluate every target for every region it applies to: status, gap, anticipated value.

Vectorised over frames: one pass of merges and group sums, no loop over regions or
targets, so it scales to millions of actual values.

Status, for an evaluation year Y (the state of knowledge with data up to Y). Published
figures are sparse and lagged (a year or two, a few regions, often published after the
deadline), so a status is judged on the latest value at or before Y, and each row carries
the year of the value it shows in `actual_period`:
- a target is *due* when its deadline year D <= Y; then it is `met` or `missed` on the
  value of year D (actual_period = D), whatever later years say;
- due, no value of year D but a later one (latest at or before Y, year P > D): `met_late`
  when that value meets the target's bound at D, else `missed` ("still not met as of P");
  actual_period = P, so the years late are P - D. Met late says what the data show: the
  target is first known to be met in P (its value of D is not known). Example: 长春市
  2021 = 13.13 m² against "≥ 13 by 2020", as of 2022: met_late, actual 13.13,
  actual_period 2021. Only kinds whose
  bound at D is a level a later value can be held against: at_least, at_most, equal, range,
  count_range, zero, annual_step and reduction_vs_baseline (their bound at D, from the
  baseline, is a fixed level), milestone (a later "done" shows it reached, maybe late; a
  reported "not done" at D stays missed; one reported done before D, with nothing at D,
  is met: done stays done). A set standard (`equal`, e.g. a subsidy "raised to 490 yuan")
  is raised year after year: a later value is held against it in the indicator's better
  direction only (吉林省 2023 = 640 yuan against "= 490 in 2018": met late; 480: still
  not met). Not the previous-year kinds (a later year
  compares with its own year before: another target) nor cumulative (its running sum from
  the start year is undefined after a missing year, so without D's sum there is no later
  one): those stay `no_data`;
- due, only earlier values (latest P < D): `no_data` (nothing at the deadline), with the
  last known value and its year shown in actual / actual_period (gap left empty: nothing
  is judged); not for cumulative, whose sum up to an earlier year would read as the total;
- `no_data` too when a bound cannot be set (a baseline or previous year missing);
- before its deadline it is `on_track`, `at_risk` or `off_track` by the value anticipated
  for year D from the region's own trend (two values are enough, gaps between them are
  allowed: the fit goes by the years themselves), or `no_data` without any value up to Y;
- an ongoing milestone's deadline is Y itself, so it is never late;
- `stale` marks a row whose status rests on a value as the present state, that value being
  more than two years older than Y (actual_period < Y - 2): not yet due, no data at the
  deadline with an earlier value shown, or still not met after it. A verdict on D's own
  value, and met late, are final and never stale.

Anticipated value: the UN ESCAP "anticipated progress" method extrapolates each series to
the target year from its observed trend, giving recent observations more weight than
older ones (ESCAP Statistics Division, Working Papers SD/WP/04 "weighted extrapolation",
March 2017, and SD/WP/05 "Tracking progress towards the SDGs", May 2017; the time-weighted
regression is described in the UNECE SDG progress-report technical notes, 2022). We fit
a weighted least-squares line to the series' values up to Y,

    v_t ~ a + b * t,   weights w_t = t - t_first + 1   (1 for the oldest year, rising by 1),

    b = sum w (t - t_w)(v - v_w) / sum w (t - t_w)^2,   a = v_w - b * t_w,

with t_w, v_w the weighted means, and anticipate v_D = a + b * D. ESCAP fits a growth
rate; we fit a straight line because most targets here are rates and ratios that move
by points, not by percent. The linear weights are our choice of "recent years weigh more".

The anticipated value then gives the status, with the ESCAP idea of the share of the
required progress that the trend delivers, r = (v_D - v_now) / (bound - v_now):
- on_track: v_D meets the target;
- at_risk: v_D falls short but r >= 0.5, or the target is met now and the trend leaves it;
  also a single observation (no trend yet) that does not meet the target;
- off_track: r < 0.5, including a trend going the wrong way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.catalogue import RANGE_KINDS, TargetKind
from indicators.codes import text_codes
from indicators.regions import valid_on
from indicators.schemas import Actuals
from indicators.statuses import Status

ON_TRACK_SHARE = 0.5
TOLERANCE = 1e-9

# Which kinds bound the value at the deadline from below, from above, by the year before's
# value, or relative to a baseline year's value.
LOWER_BOUND_KINDS = frozenset({TargetKind.AT_LEAST, TargetKind.EQUAL, TargetKind.RANGE,
                               TargetKind.COUNT_RANGE, TargetKind.CUMULATIVE,
                               TargetKind.MILESTONE})
UPPER_BOUND_KINDS = frozenset({TargetKind.AT_MOST, TargetKind.EQUAL, TargetKind.RANGE,
                               TargetKind.COUNT_RANGE, TargetKind.ZERO})
PREVIOUS_KINDS = frozenset({TargetKind.HIGHER_THAN_PREVIOUS, TargetKind.LOWER_THAN_PREVIOUS})
BASELINE_KINDS = frozenset({TargetKind.ANNUAL_STEP, TargetKind.REDUCTION_VS_BASELINE})
# Kinds whose bound at the deadline is a level a later year's value can be held against
# (met late / still not met): not the previous-year kinds (a later year compares with its
# own year before, another target) nor cumulative (its running sum is undefined after a
# missing year, so without the deadline's sum there is no later one).
LATE_KINDS = frozenset(TargetKind) - PREVIOUS_KINDS - {TargetKind.CUMULATIVE}
# Kinds whose last value before a missed deadline is shown (not judged) on a no_data row:
# all but cumulative, whose sum up to an earlier year would read as the total.
SHOWN_EARLIER_KINDS = frozenset(TargetKind) - {TargetKind.CUMULATIVE}
STALE_YEARS = 2  # a value older than this many years before the evaluation year is stale


def evaluate(actuals: pd.DataFrame, targets: pd.DataFrame, memberships: pd.DataFrame,
             year: int | None = None, successors: Mapping[str, str] | None = None, *,
             checked: bool = False) -> pd.DataFrame:
    """Evaluate `targets` (Catalogue.targets_frame) for the regions of `memberships`
    (RegionRegister.memberships) on `actuals` (schemas.Actuals), as of `year`
    (default: the latest period in `actuals`). `successors` maps a region code that was
    replaced to the code that replaced it (RegionRegister.successors), so the new code's
    series continues the old one's history. `checked` says `actuals` already hold to
    schemas.Actuals, as the store's current values do (the database keeps their keys unique
    and their types): checking millions of them again costs more than evaluating them."""
    if not checked:
        actuals = Actuals.validate(actuals)
    year = int(year if year is not None else _latest_period(actuals))
    series = NumberedSeries.of_actuals(actuals, successors or {}).with_derived(targets)
    rows = applicable(targets, memberships, year)
    rows["series_key"] = series_key(rows)
    pairs = series.pairs(rows["series_key"], rows["region_code"])
    rows = pd.concat([rows, trend(series, year).take_rows(pairs, rows.index)], axis=1)
    rows = _add_bounds(rows, series, year)
    rows["actual_due"] = series.lookup(pairs, rows["deadline_year"])
    return _judge(rows, year)


def _latest_period(actuals: pd.DataFrame) -> int:
    return int(actuals["period"].max()) if len(actuals) else pd.Timestamp.today().year


def applicable(targets: pd.DataFrame, memberships: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per (target, region of its class whose code held at the deadline)."""
    rows = targets.merge(memberships, on="region_class", how="inner")
    # An ongoing milestone is judged as of the evaluation year.
    rows["deadline_year"] = rows["deadline_year"].fillna(year).astype(int)
    month = rows["deadline"].where(rows["deadline"] != "ongoing", str(year))
    month = month.where(month.str.len() != 4, month + "-12")
    deadline_end = pd.to_datetime(month, format="%Y-%m") + pd.offsets.MonthEnd(0)
    rows = rows[valid_on(rows, deadline_end)].drop(columns=["valid_from", "valid_to"])
    return rows.reset_index(drop=True)


def series_key(rows: pd.DataFrame) -> pd.Series:
    """The series a target is judged on: the indicator itself, or a derived series."""
    key = rows["indicator_id"].astype(str)
    cumulative = rows["kind"] == TargetKind.CUMULATIVE
    start = rows["period_start"].astype("Int64").astype(str)
    key = key.mask(cumulative, key + "|sum_from_" + start)
    return key.mask(rows["kind"] == TargetKind.MILESTONE, key + "|done")


class NumberedSeries:
    """Values by series (an indicator's own, or one derived from it: a running sum, a done
    flag), region and period, as integer arrays sorted by (series, region, period), each
    (series, region) pair numbered: lookups and sums over millions of values go by integer,
    not by pairs of strings, and each pair's values lie side by side."""

    def __init__(self, key_names: list[str], region_names: np.ndarray, pair: np.ndarray,
                 period: np.ndarray, value: np.ndarray, first_period: int, span: int) -> None:
        self.key_names, self.region_names = key_names, region_names
        self.pair, self.period, self.value = pair, period, value
        self.first_period, self.span = first_period, span
        self.sorted_flat = pair * span + (period - first_period)

    @classmethod
    def of_actuals(cls, actuals: pd.DataFrame,
                   successors: Mapping[str, str]) -> NumberedSeries:
        """The indicators' own series; each replaced region code's values also stand under its
        successor, where the successor has none for that indicator and period."""
        key, key_names = text_codes(actuals["indicator_id"])
        region, region_names = text_codes(actuals["region_code"])
        period = actuals["period"].to_numpy(dtype=np.int64)
        value = actuals["value"].to_numpy(dtype=float)
        region_names, successor_of = _with_successors(region_names, successors)
        inherited = successor_of[region] >= 0
        # Inherited values come after the successor's own, and the first of equal keys is kept.
        key = np.concatenate([key, key[inherited]])
        region = np.concatenate([region, successor_of[region[inherited]]])
        period = np.concatenate([period, period[inherited]])
        value = np.concatenate([value, value[inherited]])
        pair = key.astype(np.int64) * len(region_names) + region
        first_period = int(period.min()) if len(period) else 0
        span = int(period.max()) - first_period + 1 if len(period) else 1
        flat = pair * span + (period - first_period)
        order = np.argsort(flat, kind="stable")
        kept = order[_run_starts(flat[order])]
        return cls(list(key_names), region_names, pair[kept], period[kept], value[kept],
                   first_period, span)

    def with_derived(self, targets: pd.DataFrame) -> NumberedSeries:
        """These series and, after them, the running sums of cumulative targets and the done
        flags of milestones: new keys after the old, so the arrays stay sorted."""
        names, parts = list(self.key_names), [(self.pair, self.period, self.value)]
        kind = targets["kind"]
        cumulative = targets.loc[kind == TargetKind.CUMULATIVE, ["indicator_id", "period_start"]]
        for indicator_id, start in cumulative.drop_duplicates().itertuples(index=False):
            names.append(f"{indicator_id}|sum_from_{int(start)}")
            parts.append(self._derived(indicator_id, len(names) - 1, _running_sum, int(start)))
        for indicator_id in targets.loc[kind == TargetKind.MILESTONE, "indicator_id"].unique():
            names.append(f"{indicator_id}|done")
            parts.append(self._derived(indicator_id, len(names) - 1, _done_by))
        pair, period, value = (np.concatenate(column) for column in zip(*parts, strict=True))
        return NumberedSeries(names, self.region_names, pair, period, value,
                              self.first_period, self.span)

    def _derived(self, indicator_id: str, key: int, derive: Derivation,
                 *args: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pair, period, value) of series `key`, derived from one indicator's values."""
        regions = len(self.region_names)
        own = self.key_names.index(indicator_id) if indicator_id in self.key_names else -1
        low, high = np.searchsorted(self.pair, [own * regions, (own + 1) * regions])
        if own < 0:
            low = high = 0
        region = self.pair[low:high] - own * regions
        region, period, value = derive(region, self.period[low:high], self.value[low:high],
                                       *args)
        return key * regions + region, period, value

    @property
    def size(self) -> int:
        return len(self.key_names) * len(self.region_names)

    def pairs(self, keys: pd.Series, regions: pd.Series) -> np.ndarray:
        """The pair number of each (key, region); -1 where the pair has no values."""
        key = pd.Index(self.key_names).get_indexer(keys)
        region = pd.Index(self.region_names).get_indexer(regions)
        return np.where((key >= 0) & (region >= 0), key * len(self.region_names) + region, -1)

    def lookup(self, pairs: np.ndarray, periods: pd.Series) -> np.ndarray:
        """The value of each pair in each period; NaN where not reported."""
        period = pd.to_numeric(periods).astype(float).to_numpy()
        offset = period - self.first_period
        usable = (pairs >= 0) & np.isfinite(offset) & (offset >= 0) & (offset < self.span)
        values = np.full(len(pairs), np.nan)
        if not len(self.sorted_flat):
            return values
        flat = pairs * self.span + np.where(usable, offset, 0).astype(np.int64)
        found = np.searchsorted(self.sorted_flat, flat).clip(max=len(self.sorted_flat) - 1)
        hit = usable & (self.sorted_flat[found] == flat)
        values[hit] = self.value[found[hit]]
        return values


Columns = tuple[np.ndarray, np.ndarray, np.ndarray]
Derivation = Callable[..., Columns]


def _with_successors(region_names: np.ndarray,
                     successors: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """The region names with any successor not among them added, and for each region number
    its successor's number (-1 where it was not replaced)."""
    names = list(region_names)
    position = {name: number for number, name in enumerate(names)}
    successor_of: list[int] = []
    for name in region_names:
        successor = successors.get(name)
        if successor is not None and successor not in position:
            position[successor] = len(names)
            names.append(successor)
        successor_of.append(-1 if successor is None else position[successor])
    successor_of += [-1] * (len(names) - len(successor_of))
    return np.array(names, dtype=object), np.array(successor_of, dtype=np.intp)


def _region_runs(region: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For values sorted by region: each value's run number and where each run starts."""
    new_run = _run_starts(region)
    return np.cumsum(new_run) - 1, np.flatnonzero(new_run)


def _run_starts(numbers: np.ndarray) -> np.ndarray:
    """True where a sorted array's value differs from the one before (and at the start)."""
    return np.concatenate([np.ones(min(len(numbers), 1), dtype=bool), numbers[1:] != numbers[:-1]])


def _running_sum(region: np.ndarray, period: np.ndarray, value: np.ndarray,
                 start: int) -> Columns:
    """Sum from `start` to each year; undefined after a missing year, which would hide a gap."""
    chosen = period >= start
    region, period, value = region[chosen], period[chosen], value[chosen]
    run, starts = _region_runs(region)
    unbroken = (period - start) == np.arange(len(region)) - starts[run]
    total = pd.Series(value).groupby(run, sort=False).cumsum().to_numpy(dtype=float)
    return region[unbroken], period[unbroken], total[unbroken]


def _done_by(region: np.ndarray, period: np.ndarray, value: np.ndarray) -> Columns:
    """1 from the first year reported done onwards: a milestone once reached stays reached."""
    reached = (value >= 1).astype(np.int64)
    run, starts = _region_runs(region)
    reached_so_far = np.cumsum(reached)
    before_run = reached_so_far[starts] - reached[starts]
    return region, period, (reached_so_far - before_run[run] > 0).astype(float)


@dataclass(frozen=True)
class Trend:
    """Per pair number: latest period and value up to the year, weighted trend line."""

    columns: pd.DataFrame  # indexed by pair number, NaN for pairs without values

    def take_rows(self, pairs: np.ndarray, index: pd.Index) -> pd.DataFrame:
        # A row of NaN at the end: pair -1 (no values) takes it.
        table = np.vstack([self.columns.to_numpy(dtype=float),
                           np.full((1, self.columns.shape[1]), np.nan)])
        return pd.DataFrame(table[pairs], columns=self.columns.columns, index=index)


def trend(series: NumberedSeries, year: int) -> Trend:
    """Latest value and period up to `year`, and the weighted least-squares line, per pair:
    sums by np.bincount over the pair numbers. Each pair's values lie side by side in
    period order, so its first and latest are where its run starts and ends."""
    pair, t, v = series.pair, series.period.astype(float), series.value
    known = series.period <= year
    if not known.all():  # as of an earlier year; as of the latest, no copies of millions
        pair, t, v = pair[known], t[known], v[known]
    starts = _run_starts(pair)
    ends = np.roll(starts, -1)
    first = np.full(series.size, np.nan)
    first[pair[starts]] = t[starts]
    w = t - first[pair] + 1.0

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(pair, weights=weights, minlength=series.size)

    n, sw = np.bincount(pair, minlength=series.size), total(w)
    wt = w * t  # the products of millions are made once each: fresh memory costs page faults
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean, v_mean = total(wt) / sw, total(w * v) / sw
        spread = total(wt * t) - sw * t_mean**2
        slope = (total(wt * v) - sw * t_mean * v_mean) / np.where(spread > TOLERANCE, spread,
                                                                  np.nan)
    latest_period = np.full(series.size, np.nan)
    latest_value = np.full(series.size, np.nan)
    latest_period[pair[ends]] = t[ends]
    latest_value[pair[ends]] = v[ends]
    return Trend(pd.DataFrame({
        "latest_period": latest_period, "latest_value": latest_value,
        "slope": np.where(n >= 2, slope, np.nan), "intercept": v_mean - slope * t_mean,
        "observations": np.where(n > 0, n, np.nan),
    }))


def _anticipate(rows: pd.DataFrame, at_year: pd.Series) -> pd.Series:
    return rows["intercept"] + rows["slope"] * at_year


def _add_bounds(rows: pd.DataFrame, series: NumberedSeries, year: int) -> pd.DataFrame:
    """lower / upper bounds (NaN where open) that the value at the deadline must respect."""
    kind = rows["kind"].to_numpy(dtype=object)

    def of_kind(*kinds: TargetKind) -> np.ndarray:
        return np.isin(kind, list(kinds))

    value = rows["target_value"].to_numpy(dtype=float, na_value=np.nan)
    value_high = rows["target_value_high"].to_numpy(dtype=float, na_value=np.nan)
    lower = np.where(of_kind(*LOWER_BOUND_KINDS), value, np.nan)
    lower = np.where(of_kind(TargetKind.MILESTONE), 1.0, lower)
    upper = np.where(of_kind(*UPPER_BOUND_KINDS), value, np.nan)
    upper = np.where(of_kind(*RANGE_KINDS), value_high, upper)
    upper = np.where(of_kind(TargetKind.ZERO), 0.0, upper)

    previous = _previous_value(rows, series, year).to_numpy(dtype=float, na_value=np.nan)
    lower = np.where(of_kind(TargetKind.HIGHER_THAN_PREVIOUS), previous, lower)
    upper = np.where(of_kind(TargetKind.LOWER_THAN_PREVIOUS), previous, upper)

    raw_pairs = series.pairs(rows["indicator_id"], rows["region_code"])
    baseline = series.lookup(raw_pairs, rows["baseline_year"])
    years = (rows["deadline_year"] - rows["baseline_year"]).to_numpy(dtype=float,
                                                                     na_value=np.nan)
    raw_value = rows["value"].to_numpy(dtype=float, na_value=np.nan)
    direction = rows["direction"].to_numpy(dtype=object)
    step = of_kind(TargetKind.ANNUAL_STEP)
    lower = np.where(step & (direction == "higher"), baseline + raw_value * years, lower)
    upper = np.where(step & (direction == "lower"), baseline - raw_value * years, upper)
    upper = np.where(of_kind(TargetKind.REDUCTION_VS_BASELINE),
                     baseline * (1 - raw_value / 100), upper)

    rows["lower"], rows["upper"] = lower, upper
    rows["strict"] = of_kind(*PREVIOUS_KINDS)
    rows["baseline"] = np.select([of_kind(*BASELINE_KINDS), of_kind(*PREVIOUS_KINDS)],
                                 [baseline, previous], default=np.nan)
    return rows


def _previous_value(rows: pd.DataFrame, series: NumberedSeries, year: int) -> pd.Series:
    """The value of the year before the deadline: reported if known by `year`, else anticipated."""
    before = rows["deadline_year"] - 1
    pairs = series.pairs(rows["indicator_id"], rows["region_code"])
    reported = pd.Series(series.lookup(pairs, before), index=rows.index).where(before <= year)
    return reported.fillna(_anticipate(rows, before).where(before > year))


@dataclass(frozen=True)
class _Bounds:
    """Lower and upper bounds (NaN where open) as plain arrays. Judging is a few dozen
    operations per row; on a planner's few rows pandas' cost per operation outweighs the
    work, so the rows are judged in numpy."""

    lower: np.ndarray
    upper: np.ndarray
    strict: np.ndarray

    def met_by(self, x: np.ndarray) -> np.ndarray:
        lower, upper = self.lower, self.upper
        slack_low = TOLERANCE * np.maximum(1.0, np.abs(lower))
        slack_high = TOLERANCE * np.maximum(1.0, np.abs(upper))
        above = np.where(self.strict, x > lower + slack_low, x >= lower - slack_low)
        below = np.where(self.strict, x < upper - slack_high, x <= upper + slack_high)
        return (np.isnan(lower) | above) & (np.isnan(upper) | below) & ~np.isnan(x)

    def binding(self, x: np.ndarray) -> np.ndarray:
        """The bound a value is measured against: the one it breaks, else the binding one."""
        breaks_upper = ~np.isnan(self.upper) & (x > self.upper)
        return np.where(breaks_upper | np.isnan(self.lower), self.upper, self.lower)


def _late_standard(bounds: _Bounds, standard: np.ndarray, direction: np.ndarray) -> _Bounds:
    """A set standard judged on a later year's value: the standard is raised year after year,
    so only its bound on the worse side holds (at least 490 yuan where more is better)."""
    return _Bounds(np.where(standard & (direction == "lower"), np.nan, bounds.lower),
                   np.where(standard & (direction == "higher"), np.nan, bounds.upper),
                   bounds.strict)


def _judge(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    def column(name: str) -> np.ndarray:
        return rows[name].to_numpy(dtype=float, na_value=np.nan)

    deadline, latest_period = column("deadline_year"), column("latest_period")
    latest_value, at_deadline = column("latest_value"), column("actual_due")
    kind = rows["kind"].to_numpy(dtype=object)
    due = deadline <= year
    missing_at_deadline = due & np.isnan(at_deadline) & ~np.isnan(latest_value)
    # Due, no value of the deadline year: judged on a later one (<= year) where the kind
    # allows it; an earlier one is only shown, its status no_data.
    late = missing_at_deadline & (latest_period > deadline) & np.isin(kind, list(LATE_KINDS))
    bounds = _late_standard(_Bounds(column("lower"), column("upper"),
                                    rows["strict"].to_numpy(dtype=bool)),
                            late & (kind == TargetKind.EQUAL),
                            rows["direction"].to_numpy(dtype=object))
    has_bounds = ~np.isnan(bounds.lower) | ~np.isnan(bounds.upper)
    earlier = (missing_at_deadline & (latest_period < deadline)
               & np.isin(kind, list(SHOWN_EARLIER_KINDS)))
    # A milestone reported done before its deadline was done by it: done stays done.
    done_before = (missing_at_deadline & (latest_period < deadline)
                   & (kind == TargetKind.MILESTONE) & (latest_value >= 1))
    earlier &= ~done_before
    from_latest = late | done_before
    actual = np.where(due, np.where(from_latest, latest_value, at_deadline), latest_value)
    actual_period = np.where(np.isnan(actual), np.nan,
                             np.where(due & ~from_latest, deadline, latest_period))
    anticipated = np.where(due, np.nan, column("intercept") + column("slope") * deadline)
    bound = bounds.binding(actual)
    meets_now = bounds.met_by(actual)
    inside_range = ~np.isnan(bounds.lower) & ~np.isnan(bounds.upper) & meets_now
    gap = np.where(inside_range, 0.0, actual - bound)

    meets_later = bounds.met_by(anticipated)
    anticipating = ~np.isnan(anticipated)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (anticipated - actual) / (bounds.binding(anticipated) - actual)
        status = np.select(
            [~has_bounds | np.isnan(actual), late & meets_now, due & meets_now, due,
             meets_later, anticipating & meets_now, anticipating & (share >= ON_TRACK_SHARE),
             anticipating, meets_now],
            [Status.NO_DATA, Status.MET_LATE, Status.MET, Status.MISSED, Status.ON_TRACK,
             Status.AT_RISK, Status.AT_RISK, Status.OFF_TRACK, Status.ON_TRACK],
            default=Status.AT_RISK)
        remaining_years = np.where(due, np.nan, deadline - latest_period)
        required = (bound - latest_value) / np.where(remaining_years > 0, remaining_years,
                                                     np.nan)
        gap_pct = 100 * gap / np.where(np.abs(bound) > TOLERANCE, np.abs(bound), np.nan)
    # The last value known before a missed deadline is shown, not judged.
    actual = np.where(earlier, latest_value, actual)
    actual_period = np.where(earlier, latest_period, actual_period)
    # A verdict on the deadline's own value, or met late, is final; any other status rests
    # on the latest value as the present state, stale when it is too old.
    final = (due & ~np.isnan(at_deadline)) | done_before | (status == Status.MET_LATE)
    stale = ~final & (actual_period < year - STALE_YEARS)
    return pd.DataFrame({
        "region_code": rows["region_code"], "target_id": rows["target_id"],
        "indicator_id": rows["indicator_id"], "region_class": rows["region_class"],
        "document": rows["document"], "clause": rows["clause"], "kind": rows["kind"],
        "deadline": rows["deadline"], "deadline_year": rows["deadline_year"],
        "unit": rows["indicator_unit"], "direction": rows["direction"],
        "target_value": np.where(has_bounds, bound, np.nan),
        "target_lower": rows["lower"], "target_upper": rows["upper"],
        "baseline": rows["baseline"], "actual": actual, "actual_period": actual_period,
        "stale": stale,
        "gap": gap, "gap_pct": gap_pct, "anticipated": anticipated,
        "required_yearly_change": np.where(meets_now, np.nan, required),
        "due": due, "status": status, "as_of_year": year,
    })
