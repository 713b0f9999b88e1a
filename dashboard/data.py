"""The one data-access module of the dashboard: reads the store, never computes a status.

Statuses come from etl.export.status_table (which calls indicators.evaluate); extracts from
etl.export.export_table, the same as `targets export`. Results are cached per store data
version, so a new entry is seen at once and an unchanged store is not evaluated twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from etl.export import Reference, export_table, status_table
from etl.store import Store
from indicators.paths import gazette_file
from indicators.regions import valid_on


@dataclass(frozen=True)
class ExportFilters:
    indicators: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    first_period: int | None = None
    last_period: int | None = None


class _VersionedCache:
    """Keeps a few results per store data version; a new version drops the old ones."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.version: int | None = None
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: int, key: Any, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if version != self.version:
                self.items.clear()
                self.version = version
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = compute()
        with self.lock:
            if version == self.version:
                self.items[key] = value
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
        return value


class DashboardData:
    """What the pages read: values, statuses, names and the gazette text."""

    def __init__(self, store: Store, reference: Reference | None = None) -> None:
        self.store = store
        self.reference = reference or Reference.load()
        self._cache = _VersionedCache()

    def _cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        return self._cache.get(self.store.data_version(), key, compute)

    # --- reference data --------------------------------------------------------------------

    @property
    def catalogue(self):  # type: ignore[no-untyped-def]
        return self.reference.catalogue

    @cached_property
    def targets(self) -> pd.DataFrame:
        return self.reference.catalogue.targets_frame

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return self.reference.catalogue.indicators_frame.set_index("indicator_id", drop=False)

    @cached_property
    def regions(self) -> pd.DataFrame:
        """One row per code, in register order (province, prefectures, counties)."""
        return self.reference.register.regions.drop_duplicates("code").set_index("code",
                                                                                 drop=False)

    @cached_property
    def gazette_text(self) -> str:
        return gazette_file().read_text(encoding="utf-8")

    def documents(self) -> list[tuple[str, str]]:
        return [(number, document.title_zh)
                for number, document in self.reference.catalogue.documents.items()]

    def themes(self) -> dict[str, tuple[str, str]]:
        return {key: (theme.zh, theme.en)
                for key, theme in self.reference.catalogue.themes.items()}

    # --- stored values and statuses --------------------------------------------------------

    def values(self) -> pd.DataFrame:
        return self._cached("values", self.store.values)

    def years(self) -> list[int]:
        values = self.values()
        if values.empty:
            return [dt.date.today().year]
        return sorted(int(year) for year in values["period"].unique())

    def default_year(self) -> int:
        return self.years()[-1]

    def demo_in_use(self) -> bool:
        return bool(self._cached("demo", self.store.demo_in_use))

    def status(self, year: int) -> pd.DataFrame:
        """Every target for every region, evaluated as of `year` (see indicators.evaluate)."""
        return self._cached(("status", year),
                            lambda: status_table(self.values(), self.reference, year))

    def series(self, indicator_id: str) -> pd.DataFrame:
        values = self.values()
        return values[values["indicator_id"] == indicator_id].sort_values(
            ["region_code", "period"])

    def region_values(self, region_code: str) -> pd.DataFrame:
        values = self.values()
        return values[values["region_code"] == region_code]

    def applicable_targets(self, region_code: str, period: int) -> pd.DataFrame:
        """The catalogue's targets whose region class holds this region in `period`."""
        memberships = self.reference.register.memberships
        moment = pd.Timestamp(year=period, month=12, day=31)
        mine = memberships[(memberships["region_code"] == region_code)
                           & valid_on(memberships, moment)]
        return self.targets[self.targets["region_class"].isin(set(mine["region_class"]))]

    def entry_rows(self, region_code: str, period: int) -> pd.DataFrame:
        """What a planner fills in: each indicator with a target for the region, its unit,
        the target due in `period`, the stored value and the revision it comes from."""
        targets = self.applicable_targets(region_code, period)
        indicators = list(dict.fromkeys(targets["indicator_id"]))
        stored = self.store.current(regions=[region_code], first_period=period,
                                    last_period=period).set_index("indicator_id")
        due = targets[targets["deadline_year"] == period].groupby("indicator_id")
        rows = []
        for indicator_id in indicators:
            info = self.indicators.loc[indicator_id]
            current = stored.loc[indicator_id] if indicator_id in stored.index else None
            rows.append({
                "indicator_id": indicator_id, "indicator_zh": info["indicator_zh"],
                "indicator_en": info["indicator_en"], "unit": info["unit"],
                "target_ids": " ".join(due.get_group(indicator_id)["target_id"])
                if indicator_id in due.groups else "",
                "stored": None if current is None else float(current["value"]),
                "revision_id": 0 if current is None else int(current["revision_id"]),
            })
        return pd.DataFrame(rows)

    def export(self, filters: ExportFilters) -> pd.DataFrame:
        """Exactly what `targets export` gives for the same filters."""
        return export_table(self.store, self.reference,
                            indicators=_or_none(filters.indicators),
                            regions=_or_none(filters.regions),
                            first_period=filters.first_period, last_period=filters.last_period)


def _or_none(items: Iterable[str]) -> list[str] | None:
    listed = list(items)
    return listed or None


_data: DashboardData | None = None


def configure(data: DashboardData) -> None:
    global _data
    _data = data


def get() -> DashboardData:
    if _data is None:
        raise RuntimeError("dashboard.data.configure() has not been called")
    return _data
