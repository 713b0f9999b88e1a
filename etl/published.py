"""Real published figures (data/published/): read with their sources, checked as any file is, and
stored one load per source, marked as published figures and never as demo data."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.layout import LONG_COLUMNS
from etl.validation import Validation, validate
from indicators.catalogue import Catalogue
from indicators.paths import data_dir
from indicators.regions import RegionRegister

VALUE_COLUMNS = ["region", "indicator", "period", "value", "unit", "source_id",
                 "region_in_source", "indicator_in_source", "unit_in_source", "verbatim",
                 "location", "uncertainty_zh", "uncertainty_en"]
SOURCE_COLUMNS = ["source_id", "title", "publisher", "published", "url", "kind", "trust_zh",
                  "trust_en"]
KIND = "published"  # the load's kind: a real figure, with its source
LOADED_BY = "published"


class PublishedError(ValueError):
    """The published-figures files are malformed; the message names file, row and problem."""


@dataclass(frozen=True)
class Source:
    """One publication the figures are taken from."""

    source_id: str
    title: str
    publisher: str
    published: str
    url: str
    kind: str

    @property
    def citation(self) -> str:
        """Title, publisher, date and address: what every value of the source carries."""
        return f"{self.title}（{self.publisher}，{self.published}）{self.url}"


@dataclass(frozen=True)
class PublishedFigures:
    """The values (one row per region, indicator and year) and the sources they cite."""

    values: pd.DataFrame
    sources: dict[str, Source]
    sha256: str  # of values.csv: stored with each load, as a file's is

    def by_source(self) -> Iterator[tuple[Source, pd.DataFrame]]:
        for source_id, rows in self.values.groupby("source_id", sort=True):
            yield self.sources[str(source_id)], rows


def published_dir() -> Path:
    return data_dir() / "published"


def read_published(directory: Path | None = None) -> PublishedFigures:
    """The shipped figures, checked: the columns, every source cited, every value printed
    literally in its verbatim phrase, one value per region, indicator and year."""
    directory = directory or published_dir()
    values_path = directory / "values.csv"
    values = _read_csv(values_path, VALUE_COLUMNS)
    sources = _read_csv(directory / "sources.csv", SOURCE_COLUMNS)
    problems = _problems(values, sources)
    if problems:
        raise PublishedError("\n".join(f"{values_path.name}: {problem}" for problem in problems))
    by_id = {row.source_id: Source(row.source_id, row.title, row.publisher, row.published,
                                   row.url, row.kind) for row in sources.itertuples()}
    digest = hashlib.sha256(values_path.read_bytes()).hexdigest()
    return PublishedFigures(values, by_id, digest)


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise PublishedError(f"{path}: cannot be read: {error}") from error
    if frame.columns.tolist() != columns:
        raise PublishedError(f"{path.name}: expected the columns {', '.join(columns)}; found "
                             f"{', '.join(map(str, frame.columns))}")
    # The file's own row numbers (the header is row 1), as a planner's file has them.
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


def _problems(values: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    known = set(sources["source_id"])
    problems = [f"row {row}: unknown source {source!r}"
                for row, source in values["source_id"].items() if source not in known]
    problems += [f"row {row}: the value {value!r} is not printed in its verbatim phrase"
                 for row, value, verbatim in zip(values.index, values["value"],
                                                 values["verbatim"], strict=True)
                 if not value or value not in verbatim]
    repeated = values.duplicated(["region", "indicator", "period"], keep="first")
    problems += [f"row {row}: a second value for the same region, indicator and year"
                 for row in values.index[repeated]]
    unused = known - set(values["source_id"])
    problems += [f"sources.csv: source {source} is cited by no value" for source in sorted(unused)]
    return problems


def note_of(row: pd.Series) -> str:
    """What the stored value carries beside its load's citation: the verbatim phrase and where
    it is printed, how the source names region, indicator and unit when that differs, and any
    uncertainty of year or unit."""
    parts = [f"原文：“{row['verbatim']}”（{row['location']}）"]
    printed = [f"{label}“{row[column]}”" for label, column, loaded in (
        ("地区", "region_in_source", "region"), ("指标", "indicator_in_source", "indicator"),
        ("单位", "unit_in_source", "unit")) if row[column] and row[column] != row[loaded]]
    if printed:
        parts.append("来源写作" + "、".join(printed))
    if row["uncertainty_zh"]:
        parts.append(f"存疑：{row['uncertainty_zh']}")
    if row["uncertainty_en"]:
        parts.append(f"Uncertain: {row['uncertainty_en']}")
    return "；".join(parts)


def long_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """A source's values in the long layout validation takes, each with its note."""
    return pd.DataFrame({
        "row": rows.index.astype(str), "column": "value", "region": rows["region"],
        "indicator": rows["indicator"], "period": rows["period"], "value": rows["value"],
        "unit": rows["unit"], "note": rows.apply(note_of, axis=1),
    }, columns=LONG_COLUMNS).reset_index(drop=True)


@dataclass(frozen=True)
class SourceCheck:
    """One source's values as validation judged them."""

    source: Source
    validation: Validation


def check_published(figures: PublishedFigures, catalogue: Catalogue, register: RegionRegister,
                    history: Callable[..., pd.DataFrame] | None = None) -> list[SourceCheck]:
    """Every source's values through the checks a planner's file goes through."""
    return [SourceCheck(source, validate(long_rows(rows), catalogue, register, history=history))
            for source, rows in figures.by_source()]
