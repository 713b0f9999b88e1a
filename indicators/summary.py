"""What a leader reads first, from status tables: counts that say what they count, rates over
the due targets that have a verdict, ranks among peers and what changed since the year before.

Every function takes rows of indicators.status.status_table (one year's evaluation, or a part
of it) and knows neither Dash nor the database.

The counting rules, so that every page and the briefing say the same thing:
- *due*: deadline year <= the evaluation year; a target not yet due is never "not meeting":
  it is counted apart, as on track / at risk / off track / no data;
- *met* counts met on time and met late (met late is also shown on its own);
- the *rate* is met / due targets with a verdict (met, met late, missed), so a region that
  reports nothing has no rate rather than 0 %; due targets without data are counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.statuses import Status

MET_STATUSES = frozenset({Status.MET, Status.MET_LATE})
VERDICT_STATUSES = frozenset({Status.MET, Status.MET_LATE, Status.MISSED})
BEHIND_STATUSES = frozenset({Status.MISSED, Status.OFF_TRACK, Status.AT_RISK})


@dataclass(frozen=True)
class Tally:
    """One region's (or the province's, or a document's) targets, counted for a year."""

    counts: dict[Status, int]  # every status, zero included, in Status order
    due: int  # deadline reached
    due_with_verdict: int  # due and met, met late or missed
    due_without_data: int
    not_yet_due: int
    met: int  # on time or late

    @property
    def rate(self) -> float | None:
        """Share of the due targets with a verdict that are met (on time or late), in %;
        None when none has a verdict."""
        return 100 * self.met / self.due_with_verdict if self.due_with_verdict else None


def tally(rows: pd.DataFrame) -> Tally:
    """Count status rows (status, deadline_year, as_of_year)."""
    return _counted(np.zeros(len(rows), dtype=np.intp), [None], rows)[0]


def tallies(rows: pd.DataFrame, by: str) -> dict[str, Tally]:
    """A tally per value of the column `by` (document, region_code ...), in first-seen order,
    every group counted in one pass (a country has hundreds of prefectures)."""
    groups, keys = pd.factorize(rows[by], sort=False)
    return dict(zip(map(str, keys), _counted(groups, list(keys), rows), strict=True))


def _counted(groups: np.ndarray, keys: list[object], rows: pd.DataFrame) -> list[Tally]:
    """The tallies of the groups numbered in `groups` (-1: in none). Statuses are compared as
    held: a held table's are categorical, and turning 170,000 of them into text cost more
    than the counting."""
    members = list(Status)
    width, count = len(members), len(keys)
    status = pd.Categorical(rows["status"], categories=members).codes  # -1: not a Status
    due = (rows["deadline_year"] <= rows["as_of_year"]).to_numpy()
    grouped = groups >= 0
    known = grouped & (status >= 0)

    def cells(where: np.ndarray) -> np.ndarray:
        return np.bincount(groups[where] * width + status[where],
                           minlength=count * width).reshape(count, width)

    every, due_cells = cells(known), cells(known & due)
    due_all = np.bincount(groups[grouped & due], minlength=count)
    rows_of = np.bincount(groups[grouped], minlength=count)
    column = {member: position for position, member in enumerate(members)}
    met = due_cells[:, [column[member] for member in MET_STATUSES]].sum(axis=1)
    verdict = due_cells[:, [column[member] for member in VERDICT_STATUSES]].sum(axis=1)
    return [Tally(counts={member: int(every[i, column[member]]) for member in members},
                  due=int(due_all[i]), due_with_verdict=int(verdict[i]),
                  due_without_data=int(due_cells[i, column[Status.NO_DATA]]),
                  not_yet_due=int(rows_of[i] - due_all[i]), met=int(met[i]))
            for i in range(count)]


def ranks(rows: pd.DataFrame, peers: Iterable[str]) -> pd.DataFrame:
    """The peer regions ranked by rate (best first; ties share a rank, regions without a rate
    come last, unranked): region_code, rate, met, due_with_verdict, rank (Int64), by `tallies`."""
    peers = list(dict.fromkeys(peers))
    counted = tallies(rows[rows["region_code"].isin(peers)], "region_code")
    none = Tally(counts={}, due=0, due_with_verdict=0, due_without_data=0, not_yet_due=0, met=0)
    frame = pd.DataFrame({
        "region_code": peers,
        "met": [counted.get(code, none).met for code in peers],
        "due_with_verdict": [counted.get(code, none).due_with_verdict for code in peers],
    }, dtype=object).astype({"met": "int64", "due_with_verdict": "int64"})
    with_verdict = frame["due_with_verdict"]
    frame.insert(1, "rate", (100 * frame["met"] / with_verdict).where(with_verdict > 0))
    frame["rank"] = frame["rate"].rank(method="min", ascending=False).astype("Int64")
    return frame.sort_values(["rank", "region_code"], na_position="last").reset_index(drop=True)


KEY = ["region_code", "target_id"]


def changes(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """The targets whose verdict changed since the year before: newly met (met or met late
    now, not before) and newly missed (missed now, not before). Rows of `now` with a column
    `change` ("newly_met" | "newly_missed") and `status_before`."""
    # Joined on the keys alone, the few changed rows of `now` taken after: a year's table is
    # wide, and copying all of it through the join cost most of the work.
    previous = before[[*KEY, "status"]].rename(columns={"status": "status_before"})
    keys = now[[*KEY, "status"]].assign(_row=np.arange(len(now)))
    joined = keys.merge(previous, on=KEY, how="left")
    status, was = joined["status"], joined["status_before"]
    newly_met = (status.isin(MET_STATUSES) & ~was.isin(MET_STATUSES)).to_numpy()
    newly_missed = ((status == Status.MISSED) & (was != Status.MISSED)).to_numpy()
    change = np.where(newly_met, "newly_met", "newly_missed")
    picked = newly_met | newly_missed
    rows = joined["_row"].to_numpy()[picked]
    result = now.iloc[rows].reset_index(drop=True)
    result["status_before"] = was.to_numpy()[picked]
    result["change"] = change[picked]
    return result


def furthest_behind(rows: pd.DataFrame, count: int = 10) -> pd.DataFrame:
    """The targets furthest behind: missed, off track or at risk, by how far short they are
    as a share of the target (gap_pct; for a lower-is-better target a positive gap is behind),
    the worst first; rows without a relative gap (a milestone not done) after those with
    one, by deadline."""
    behind = rows[rows["status"].isin(BEHIND_STATUSES)].copy()
    shortfall = behind["gap_pct"].where(behind["direction"] == "lower", -behind["gap_pct"])
    behind["shortfall_pct"] = shortfall
    return behind.sort_values(["shortfall_pct", "deadline_year", "target_id"],
                              ascending=[False, True, True], na_position="last",
                              kind="stable").head(count).reset_index(drop=True)
