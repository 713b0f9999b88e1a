"""What the read API answers, as frames in a stable order: the catalogue's indicators and
targets, the region register, stored values and statuses, by the same rules as the pages and
`targets export/status` (accepted values by default, numbers at published precision, codes with
their Chinese and English labels, demo data said)."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import threading
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import pandas as pd

from api.errors import ApiError
from etl.dictionary import unit_codes
from etl.export import rounded
from etl.store import Store
from indicators.catalogue import REGION_CLASS_NAMES
from indicators.labels import KIND_LABELS, OPENSDG_STATUS_LABELS, STATUS_LABELS
from indicators.reference import Reference
from indicators.status import status_table

SUGGESTIONS = 3
STATUS_CACHE = 8  # status tables kept (each a year, method and view of one data version)


class ApiData:
    """The store and the reference the API reads, one per app."""

    def __init__(self, store: Store, reference: Reference | None = None) -> None:
        self.store = store
        self.reference = reference or Reference.load()
        self._statuses: dict[tuple[Any, ...], tuple[pd.DataFrame, int]] = {}
        self._lock = threading.Lock()

    # --- versions (the ETag's) ---------------------------------------------------------------

    @cached_property
    def reference_version(self) -> str:
        """A fingerprint of the catalogue and the register: the same in every worker."""
        catalogue = self.reference.catalogue
        text = "".join(frame.to_json(date_format="iso") for frame in (
            catalogue.indicators_frame, catalogue.targets_frame, self.reference.register.regions))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def data_version(self) -> tuple[str, int, int]:
        return self.reference_version, self.store.data_version(), self.store.review_version()

    # --- the reference -----------------------------------------------------------------------

    def indicators(self, ids: list[str] | None, theme: str | None) -> pd.DataFrame:
        catalogue = self.reference.catalogue
        frame = catalogue.indicators_frame.copy()
        frame["decimals"] = frame["indicator_id"].map(catalogue.decimals)
        frame["definition_zh"] = [catalogue.indicators[key].definition_zh
                                  for key in frame["indicator_id"]]
        frame["definition_source"] = [catalogue.indicators[key].definition_source
                                      for key in frame["indicator_id"]]
        targets = catalogue.targets_frame.groupby("indicator_id")["target_id"].agg(list)
        frame["target_ids"] = frame["indicator_id"].map(targets).apply(
            lambda found: found if isinstance(found, list) else [])
        frame = _unit_labels(frame)
        if ids is not None:
            frame = frame[frame["indicator_id"].isin(ids)]
        if theme is not None:
            frame = frame[frame["theme"] == self.theme_code(theme)]
        return frame.reset_index(drop=True)

    def targets(self, indicators: list[str] | None, document: str | None) -> pd.DataFrame:
        frame = self.reference.catalogue.targets_frame.copy()
        kinds = {str(kind.value): labels for kind, labels in KIND_LABELS.items()}
        classes = {str(cls.value): labels for cls, labels in REGION_CLASS_NAMES.items()}
        for column, labels in (("kind", kinds), ("region_class", classes)):
            frame[f"{column}_zh"] = frame[column].map(lambda code, t=labels: t[code][0])
            frame[f"{column}_en"] = frame[column].map(lambda code, t=labels: t[code][1])
        frame = _unit_labels(frame.rename(columns={"unit": "unit_in_gazette"}).assign(
            unit=frame["indicator_unit"]))
        if indicators is not None:
            frame = frame[frame["indicator_id"].isin(indicators)]
        if document is not None:
            frame = frame[frame["document"] == self.document_number(document)]
        return frame.reset_index(drop=True)

    def regions(self, codes: list[str] | None, level: str | None) -> pd.DataFrame:
        frame = self.reference.register.regions.copy()
        frame["classes"] = frame["classes"].fillna("").str.split()
        for column in ("valid_from", "valid_to"):
            frame[column] = frame[column].map(lambda day: None if pd.isna(day) else str(day)[:10])
        if codes is not None:
            frame = frame[frame["code"].isin(codes)]
        if level is not None:
            frame = frame[frame["level"] == level]
        return frame.sort_values(["code", "valid_from"], na_position="first",
                                 kind="stable").reset_index(drop=True)

    # --- names to codes ----------------------------------------------------------------------

    def region_codes(self, texts: list[str] | None) -> list[str] | None:
        """Codes for region codes or names (Chinese or English: every code the name held);
        ApiError 404 naming close matches for an unknown one."""
        if not texts:
            return None
        regions = self.reference.register.regions
        by_name: dict[str, list[str]] = {}
        for code, zh, en in zip(regions["code"], regions["name_zh"], regions["name_en"],
                                strict=True):
            for name in (zh, en):
                if isinstance(name, str):
                    by_name.setdefault(name.casefold(), []).append(code)
        known = set(regions["code"])
        codes: list[str] = []
        for text in texts:
            form = text.strip()
            if form in known:
                codes.append(form)
            elif form.casefold() in by_name:
                codes.extend(by_name[form.casefold()])
            else:
                raise ApiError("unknown_region", 404, region=text, close=_close(
                    form, [*known, *regions["name_zh"], *regions["name_en"].dropna()]))
        return list(dict.fromkeys(codes))

    def indicator_ids(self, texts: list[str] | None) -> list[str] | None:
        if not texts:
            return None
        indicators = self.reference.catalogue.indicators
        by_name = {name.casefold(): key for key, indicator in indicators.items()
                   for name in (key, indicator.name_zh, indicator.name_en)}
        ids: list[str] = []
        for text in texts:
            found = by_name.get(text.strip().casefold())
            if found is None:
                raise ApiError("unknown_indicator", 404, indicator=text, close=_close(
                    text.strip(), [name for indicator in indicators.values() for name in (
                        indicator.id, indicator.name_zh, indicator.name_en)]))
            ids.append(found)
        return list(dict.fromkeys(ids))

    def theme_code(self, text: str) -> str:
        """A theme's code for its code or its Chinese or English name; ApiError 404 naming
        close matches for an unknown one."""
        themes = self.reference.catalogue.themes
        return _named(text, {code: (code, theme.zh, theme.en) for code, theme in themes.items()},
                      "unknown_theme", "theme")

    def document_number(self, text: str) -> str:
        """A document's number (吉政办发〔2018〕10号) for its number or its title (full or
        short, Chinese or English); ApiError 404 naming close matches for an unknown one."""
        documents = self.reference.catalogue.documents
        return _named(text, {number: tuple(name for name in (
            number, document.title_zh, document.title_en, document.short_zh, document.short_en)
            if name) for number, document in documents.items()}, "unknown_document", "document")

    # --- values and statuses -----------------------------------------------------------------

    def values(self, *, regions: list[str] | None, indicators: list[str] | None,
               first: int | None, last: int | None, as_of: dt.datetime | None,
               view: str) -> pd.DataFrame:
        """Store.current() of the selection, in its order (indicator, region, year), rounded,
        with names and unit labels; the source of each value as one object."""
        frame = self.store.current(as_of=as_of, indicators=indicators, regions=regions,
                                   first_period=first, last_period=last, view=view)
        names = self.reference
        frame = frame.merge(names.region_names, on="region_code", how="left").merge(
            names.indicator_names[["indicator_id", "indicator_zh", "indicator_en", "unit"]],
            on="indicator_id", how="left")
        frame = _unit_labels(rounded(frame, names.catalogue.decimals, ("value",)))
        frame["source"] = [
            {"kind": kind, "name": source, "loaded_at": _iso(loaded_at), "loaded_by": by}
            for kind, source, loaded_at, by in zip(frame["source_kind"], frame["source"],
                                                   frame["loaded_at"], frame["loaded_by"],
                                                   strict=True)]
        frame = frame.rename(columns={"is_demo": "demo"})
        return frame[["region_code", "region_zh", "region_en", "indicator_id", "indicator_zh",
                      "indicator_en", "period", "value", "unit", "unit_zh", "unit_en",
                      "value_entered", "unit_entered", "note", "accepted", "demo",
                      "revision_id", "source"]]

    def statuses(self, *, regions: list[str] | None, indicators: list[str] | None,
                 year: int | None, method: str, view: str) -> tuple[pd.DataFrame, int]:
        """`targets status`'s table for the selection, rounded, with status labels; ordered by
        target and region; and the year judged (`year`, else the latest of the selection's
        values, as `targets status`). Kept for the data version it was computed on."""
        key = (self.data_version(), tuple(regions or ()), tuple(indicators or ()), year, method,
               view)
        found = self._statuses.get(key)
        if found is None:
            values = self.store.values(regions=regions, indicators=indicators, view=view)
            if year is None:
                year = int(values["period"].max()) if len(values) else dt.date.today().year
            table = status_table(values, self.reference, year, method, regions=regions,
                                 indicators=indicators)
            table = rounded(table, self.reference.catalogue.decimals)
            labels = OPENSDG_STATUS_LABELS if method == "opensdg" else STATUS_LABELS
            names = {str(code.value): pair for code, pair in labels.items()}
            table = table.assign(
                status_zh=table["status"].map(lambda code: names.get(code, (None, None))[0]),
                status_en=table["status"].map(lambda code: names.get(code, (None, None))[1]),
                method=method)
            table = _unit_labels(table).sort_values(["target_id", "region_code"],
                                                    kind="stable").reset_index(drop=True)
            with self._lock:  # requests run in threads: one of them trims the cache at a time
                while len(self._statuses) >= STATUS_CACHE:
                    self._statuses.pop(next(iter(self._statuses)))
                self._statuses[key] = table, year
            return table, year
        return found

    def demo_in_use(self, view: str) -> bool:
        return self.store.demo_in_use(view=view)


def _unit_labels(frame: pd.DataFrame) -> pd.DataFrame:
    units = {code: (zh, en) for code, zh, en in unit_codes()}
    frame["unit_zh"] = frame["unit"].map(lambda unit: units.get(unit, (None, None))[0])
    frame["unit_en"] = frame["unit"].map(lambda unit: units.get(unit, (None, None))[1])
    return frame


def _named(text: str, names: dict[str, tuple[str, ...]], key: str, parameter: str) -> str:
    """The code whose names (code first) hold `text` (case aside); else ApiError 404 `key`."""
    form = text.strip().casefold()
    for code, forms in names.items():
        if form in (name.casefold() for name in forms):
            return code
    raise ApiError(key, 404, **{parameter: text}, close=_close(
        text.strip(), [name for forms in names.values() for name in forms]))


def _close(text: str, choices: Iterable[str]) -> list[str]:
    by_form = {str(choice).casefold(): str(choice) for choice in choices}
    found = difflib.get_close_matches(text.casefold(), list(by_form), n=SUGGESTIONS, cutoff=0.5)
    return [by_form[form] for form in found]


def _iso(moment: Any) -> str | None:
    if moment is None or pd.isna(moment):
        return None
    stamp = pd.Timestamp(moment)
    return (stamp if stamp.tzinfo else stamp.tz_localize("UTC")).isoformat()  # stored in UTC
