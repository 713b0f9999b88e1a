"""Open SDG / Statistics Canada progress measure: each series' growth against its target's.

Vectorised over many series at once: a few group reductions over the values and numpy
arithmetic over the series, no loop over series, so it scales to millions of values.

Source: the Statistics Canada progress methodology as built into Open SDG 2.4, described
in open-sdg/open-sdg `docs/progress-methodology.md` and `docs/progress.md`, and computed
by open-sdg/sdg-build `sdg/ProgressMeasure.py` (thresholds, score lines, limit factor).
This is our own implementation of that description; where we depart from Open SDG, the
docstring of `progress` says how and why.

The method. Take a series' value y0 in its base year t0 (2015 unless set; the first later
year with data when the base year has none) and its value yi in its latest year ti. Its
observed compound annual growth rate is

    CAGR_i = (yi / y0) ** (1 / (ti - t0)) - 1.

With a target yT for the target year tT (2030 unless set), the rate that reaches it on time
is CAGR_T = (yT / y0) ** (1 / (tT - t0)) - 1, and progress is the ratio

    R = s * d * CAGR_i / |CAGR_T|,

d = +1 when higher is better and -1 when lower is better, s = -1 for a series of negative
values (a growing magnitude then means going down) and +1 otherwise. |CAGR_T| rather than
CAGR_T keeps R's sign meaning "in the desired direction" when the base already beats the
target. Without a target, the direction-adjusted growth p = s * d * CAGR_i is compared with
fixed rates. A natural limit L (100 % for a coverage rate) that lies ahead in the desired
direction scales the positive fixed rates by

    C = 1 - (1 - min(|y0 - L| / |L|, 1)) ** 4.44,

so a series close to its limit is not asked for growth it cannot have: C = 1 at a relative
distance of 1 or more, C = 0 at the limit, where holding the value (p >= 0) is on track.
Open SDG uses a limit only without a target, and so do we.

    status           with a target           without a target          score
    target_achieved  latest value meets it   (none)                    +5
    substantial      R >= 0.95               p >= 1.5 % C              [2.5, 5]
    moderate         0.60 <= R < 0.95        0.5 % C <= p < 1.5 % C    [0, 2.5)
    limited          0 <= R < 0.60           0 <= p < 0.5 % C          [-2.5, 0)
    deterioration    R < 0                   p < 0                     [-5, -2.5)
    not_available    fewer than two years from the base year, or no defined measure

(Open SDG calls the middle three substantial_progress, moderate_progress, limited_progress.)
The score is linear between these points and constant beyond the ends:
with a target (R, score) = (-0.6, -5), (0.6, 0), (1.3, 5), so R = 0 scores -2.5 and
R = 0.95 scores 2.5; without one (p, score) = (-2 %, -5), (0, -2.5), (0.5 % C, 0),
(1.5 % C, 2.5), (2 % C, 5); the thresholds below zero are never scaled. An indicator's
score is the mean of its series' scores, not_available series left out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from indicators.statuses import OpenSdgStatus

STATUSES = tuple(status.value for status in OpenSdgStatus)
DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030
DIRECTIONS = {"increase": 1, "higher": 1, "positive": 1,
              "decrease": -1, "lower": -1, "negative": -1}

RATIO_BANDS = (0.95, 0.60)        # substantial, moderate; limited from 0
GROWTH_BANDS = (0.015, 0.005)     # the same without a target, before the limit factor
RATIO_SCORE = ((-0.6, 0.6, 1.3), (-5.0, 0.0, 5.0))
GROWTH_SCORE = ((-0.02, 0.0, 0.005, 0.015, 0.02), (-5.0, -2.5, 0.0, 2.5, 5.0))
LIMIT_EXPONENT = 4.44
TOLERANCE = 1e-9

def progress(values: pd.DataFrame, settings: pd.DataFrame) -> pd.DataFrame:
    """Progress of every series in `settings` on its `values`.

    `values`: series_id, year, value (missing values are ignored). `settings`: one row per
    series: series_id, direction ("increase"/"higher"/"positive" or
    "decrease"/"lower"/"negative"), target (NaN: none), target_year (default 2030), and
    optionally base_year (default 2015) and limit (NaN: none). Returns one row per settings
    row, in its order:
    series_id, base_year, base_value, current_year, current_value, observed_cagr,
    required_cagr, ratio (NaN without a target), status (see STATUSES), score (-5..5, NaN
    when not_available).

    Where this departs from Open SDG (sdg-build `sdg/ProgressMeasure.py`), on purpose:
    - A zero base or target: Open SDG puts 0.001 in its place, so the result depends on
      the unit. With a target we compare mean yearly changes instead, the observed
      (yi - y0) / (ti - t0) with the required (yT - y0) / (tT - t0) in R's form:
      R = d * observed / |required|. We do the same when base, latest value and target
      are not all on one side of zero, as no growth rate crosses zero (Open SDG: not
      available across zero between base and latest value; for a target across zero, a
      complex required rate whose modulus it divides by). Without a target a growth from
      zero is infinitely fast: p = +inf or -inf by the direction of the change (p = 0
      while the series stays at zero); a series that changes sign is not_available, as in
      Open SDG. observed_cagr and required_cagr are NaN where undefined (from or across
      zero); a zero target shows required_cagr = -1, which R does not use.
    - A target equal to the base value (required growth zero): sdg-build divides by zero
      and fails. Here the series has met the target, or has left it: R = -inf,
      deterioration, score -5.
    - A target year not after the base year leaves no required rate: not_available unless
      the target is met. A latest year after the target year needs no rule: R compares
      the observed pace with the pace that was required.
    - Duplicated years: the mean of their values (Open SDG raises).
    - Fewer than two years from the base year is not_available even when the one value
      meets the target (sdg-build then says target_achieved; the methodology asks for two
      years), and so is a series with no data from the base year on (sdg-build fails).
      current_year is the latest year with data.
    - A direction that is neither way raises (Open SDG takes anything but "positive" as
      negative). The target counts as met within a relative 1e-9, against float noise.
    - A limit counts only when it lies ahead in the desired direction, as the methodology
      says (sdg-build applies it whichever side of the base it is).
    - Scores are exactly linear between the published points (sdg-build rounds the slopes
      to 7.1429 and 4.1667).
    """
    ids = pd.Index(settings["series_id"])
    if not ids.is_unique:
        raise ValueError(f"settings give series more than once: {list(ids[ids.duplicated()])[:5]}")
    ends = series_ends(values, ids, _column(settings, "base_year", DEFAULT_BASE_YEAR))
    return progress_from_ends(settings, ends)


Ends = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def progress_from_ends(settings: pd.DataFrame, ends: Ends) -> pd.DataFrame:
    """`progress` of each settings row from its series' ends, (t0, y0, ti, yi) as
    `series_ends` finds them: for callers measuring one series against several targets,
    whose ends are then found once."""
    t0, y0, ti, yi = ends
    d = _direction(settings)
    target = _column(settings, "target", np.nan)
    n = ti - t0
    n_target = _column(settings, "target_year", DEFAULT_TARGET_YEAR) - t0
    has_target = ~np.isnan(target)
    observed = _cagr(y0, yi, n)
    required = np.where(has_target, _cagr(y0, target, n_target), np.nan)
    ratio = np.where(has_target, _ratio(y0, yi, target, n, n_target, d, observed, required),
                     np.nan)
    factor = _limit_factor(y0, _column(settings, "limit", np.nan), d)
    growth = _scaled_growth(y0, yi, n, d, observed, factor)

    x = np.where(has_target, ratio, growth)
    status = np.where(has_target, _band(x, *RATIO_BANDS), _band(x, *GROWTH_BANDS))
    score = np.where(has_target, np.interp(x, *RATIO_SCORE), np.interp(x, *GROWTH_SCORE))
    slack = TOLERANCE * np.maximum(1.0, np.abs(target))
    achieved = has_target & (n > 0) & (d * (yi - target) >= -slack)
    return pd.DataFrame({
        "series_id": settings["series_id"].to_numpy(), "base_year": pd.array(t0, dtype="Int64"),
        "base_value": y0,
        "current_year": pd.array(ti, dtype="Int64"), "current_value": yi,
        "observed_cagr": observed, "required_cagr": required, "ratio": ratio,
        "status": np.where(achieved, OpenSdgStatus.TARGET_ACHIEVED, status),
        "score": np.where(achieved, 5.0, score),
    })


def indicator_score(results: pd.DataFrame,
                    series_to_indicator: Mapping[str, str] | pd.Series | pd.DataFrame,
                    ) -> pd.DataFrame:
    """indicator_id, score: the mean score of each indicator's series in `results` (from
    `progress`); not_available series do not count, an indicator without any scored
    series gets NaN. `series_to_indicator` maps series_id to indicator_id: a mapping, a
    Series indexed by series_id, or a frame with both columns (a series may then serve
    several indicators)."""
    if isinstance(series_to_indicator, pd.DataFrame):
        links = series_to_indicator[["series_id", "indicator_id"]]
    else:
        links = pd.Series(series_to_indicator).rename_axis("series_id")
        links = links.rename("indicator_id").reset_index()
    scored = links.merge(results[["series_id", "score"]], on="series_id", how="left")
    return scored.groupby("indicator_id", sort=True)["score"].mean().reset_index()


def _column(settings: pd.DataFrame, name: str, default: float) -> np.ndarray:
    """A numeric settings column as floats, `default` where empty or absent."""
    if name not in settings:
        return np.full(len(settings), float(default))
    column = pd.to_numeric(settings[name]).to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isnan(column), default, column)


def _direction(settings: pd.DataFrame) -> np.ndarray:
    """+1 where higher is better, -1 where lower is; refuses anything else."""
    words = settings["direction"].astype("string").str.strip().str.lower()
    d = words.map(DIRECTIONS)
    if d.isna().any():
        bad = settings.loc[d.isna().to_numpy(), ["series_id", "direction"]]
        raise ValueError(f"direction must be one of {sorted(DIRECTIONS)}; got "
                         f"{bad.head(5).to_dict('records')}")
    return d.to_numpy(dtype=float)


def series_ends(values: pd.DataFrame, ids: pd.Index, base_request: np.ndarray) -> Ends:
    """Per series of `ids` (unique): base year and value, latest year and value (NaN where
    none), the base the first year with a value from `base_request` on."""
    codes, uniques = pd.factorize(values["series_id"])
    # Appending -1 sends a missing series_id (code -1) to "no settings" too.
    row = np.append(ids.get_indexer(uniques), -1)[codes]
    year = pd.to_numeric(values["year"]).to_numpy(dtype=float, na_value=np.nan)
    value = pd.to_numeric(values["value"]).to_numpy(dtype=float, na_value=np.nan)
    keep = (row >= 0) & np.isfinite(year) & np.isfinite(value)
    row, year, value = _mean_of_duplicates(row[keep], year[keep].astype(np.int64), value[keep])

    latest = np.full(len(ids), np.iinfo(np.int64).min)
    np.maximum.at(latest, row, year)
    eligible = year >= base_request[row]
    base = np.full(len(ids), np.iinfo(np.int64).max)
    np.minimum.at(base, row[eligible], year[eligible])
    return (*_value_in(base, row, year, value), *_value_in(latest, row, year, value))


def _mean_of_duplicates(row: np.ndarray, year: np.ndarray, value: np.ndarray,
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One value per (series, year), the mean where a year is given more than once."""
    if len(year) == 0:
        return row, year, value
    key = row * (year.max() - year.min() + 1) + (year - year.min())
    ordered = np.sort(key)  # cheaper than hashing, and near free on sorted input
    if not (ordered[1:] == ordered[:-1]).any():
        return row, year, value
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    counts = np.diff(np.r_[starts, len(key)])
    first = order[starts]
    return row[first], year[first], np.add.reduceat(value[order], starts) / counts


def _value_in(wanted: np.ndarray, row: np.ndarray, year: np.ndarray, value: np.ndarray,
              ) -> tuple[np.ndarray, np.ndarray]:
    """(year, value) of each series in its `wanted` year; NaN where it has no such year."""
    found = year == wanted[row]
    at_year = np.full(len(wanted), np.nan)
    at_value = np.full(len(wanted), np.nan)
    at_year[row[found]] = year[found]
    at_value[row[found]] = value[found]
    return at_year, at_value


def _cagr(start: np.ndarray, end: np.ndarray, years: np.ndarray) -> np.ndarray:
    """(end / start) ** (1 / years) - 1; NaN from zero, across zero or over no time."""
    defined = (start != 0) & (start * end >= 0) & (years > 0)
    with np.errstate(all="ignore"):
        rate = np.abs(end / start) ** (1.0 / years) - 1.0
    return np.where(defined, rate, np.nan)


def _ratio(y0: np.ndarray, yi: np.ndarray, target: np.ndarray, n: np.ndarray,
           n_target: np.ndarray, d: np.ndarray, observed: np.ndarray, required: np.ndarray,
           ) -> np.ndarray:
    """R: observed over required growth rate, or over required yearly change near zero."""
    by_rate = ~np.isnan(observed) & ~np.isnan(required) & (target != 0)
    with np.errstate(all="ignore"):
        rate_ratio = np.sign(y0) * d * observed / np.abs(required)
        change_ratio = d * ((yi - y0) / n) / np.abs((target - y0) / n_target)
    ratio = np.where(by_rate, rate_ratio, change_ratio)
    return np.where((n > 0) & (n_target > 0), ratio, np.nan)


def _limit_factor(y0: np.ndarray, limit: np.ndarray, d: np.ndarray) -> np.ndarray:
    """C in [0, 1]: 1 without a limit ahead, falling to 0 as the base nears the limit."""
    ahead = d * (limit - y0) > 0
    with np.errstate(all="ignore"):
        closeness = 1.0 - np.minimum(np.abs(y0 - limit) / np.abs(limit), 1.0)
    factor = np.where(ahead, 1.0 - closeness**LIMIT_EXPONENT, 1.0)
    return np.where(limit == y0, 0.0, factor)


def _scaled_growth(y0: np.ndarray, yi: np.ndarray, n: np.ndarray, d: np.ndarray,
                   observed: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """p = s * d * CAGR_i, divided by C where positive, so the fixed bands apply as is."""
    with np.errstate(all="ignore"):
        leave_zero = np.where(yi == 0, 0.0, d * np.sign(yi) * np.inf)
        p = np.where((y0 == 0) & (n > 0), leave_zero, np.sign(y0) * d * observed)
        scaled = np.where(p < 0, p, p / factor)
    # At the limit (C = 0) every threshold is 0, so holding or passing it is substantial.
    return np.where((factor == 0) & (p >= 0), np.inf, scaled)


def _band(x: np.ndarray, substantial: float, moderate: float) -> np.ndarray:
    return np.select([x >= substantial, x >= moderate, x >= 0, x < 0],
                     [OpenSdgStatus.SUBSTANTIAL, OpenSdgStatus.MODERATE,
                      OpenSdgStatus.LIMITED, OpenSdgStatus.DETERIORATION],
                     default=OpenSdgStatus.NOT_AVAILABLE)
