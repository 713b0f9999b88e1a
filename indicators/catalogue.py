"""Load and validate the target catalogue: one YAML file per source document."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from indicators.catalogue_cache import cached
from indicators.paths import CATALOGUE_DIR, PACKAGE_DIR, UNITS_FILE, gazette_file
from indicators.units import UnitError, conversion_factor, is_convertible, parse_unit


class TargetKind(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    EQUAL = "equal"
    RANGE = "range"
    COUNT_RANGE = "count_range"
    HIGHER_THAN_PREVIOUS = "higher_than_previous"
    LOWER_THAN_PREVIOUS = "lower_than_previous"
    ANNUAL_STEP = "annual_step"
    REDUCTION_VS_BASELINE = "reduction_vs_baseline"
    CUMULATIVE = "cumulative"
    ZERO = "zero"
    MILESTONE = "milestone"


class RegionClass(StrEnum):
    PROVINCE = "province"
    ALL_CITIES_COUNTIES = "all_cities_counties"
    CHANGCHUN_JILIN = "changchun_jilin"
    OTHER_CITIES_COUNTIES = "other_cities_counties"
    OTHER_CITIES = "other_cities"
    CITY = "city"
    COUNTY_TOWN = "county_town"
    CITIES_OVER_1M = "cities_over_1m"
    PREFECTURE_LEVEL = "prefecture_level"
    COUNTY_LEVEL = "county_level"


REGION_CLASS_NAMES: dict[RegionClass, tuple[str, str]] = {
    RegionClass.PROVINCE: ("全省", "Province as a whole"),
    RegionClass.ALL_CITIES_COUNTIES: ("各市县", "Every city and county"),
    RegionClass.CHANGCHUN_JILIN: ("长春市、吉林市", "Changchun and Jilin"),
    RegionClass.OTHER_CITIES_COUNTIES: ("其他市县", "Other cities and counties"),
    RegionClass.OTHER_CITIES: ("其他城市", "Other cities"),
    RegionClass.CITY: ("设市城市", "Cities"),
    RegionClass.COUNTY_TOWN: ("县城", "County towns"),
    RegionClass.CITIES_OVER_1M: ("常住人口100万以上城市", "Cities over 1 million residents"),
    RegionClass.PREFECTURE_LEVEL: ("市(州)级", "Prefecture level"),
    RegionClass.COUNTY_LEVEL: ("县(市、区)级", "County level"),
}

# Which of value / value_high / baseline_year / period_start each kind needs.
KIND_FIELDS: dict[TargetKind, frozenset[str]] = {
    TargetKind.AT_LEAST: frozenset({"value"}),
    TargetKind.AT_MOST: frozenset({"value"}),
    TargetKind.EQUAL: frozenset({"value"}),
    TargetKind.RANGE: frozenset({"value", "value_high"}),
    TargetKind.COUNT_RANGE: frozenset({"value", "value_high"}),
    TargetKind.HIGHER_THAN_PREVIOUS: frozenset(),
    TargetKind.LOWER_THAN_PREVIOUS: frozenset(),
    TargetKind.ANNUAL_STEP: frozenset({"value", "baseline_year"}),
    TargetKind.REDUCTION_VS_BASELINE: frozenset({"value", "baseline_year"}),
    TargetKind.CUMULATIVE: frozenset({"value", "period_start"}),
    TargetKind.ZERO: frozenset(),
    TargetKind.MILESTONE: frozenset(),
}
# The kinds bounded on both sides: between value and value_high.
RANGE_KINDS = frozenset({TargetKind.RANGE, TargetKind.COUNT_RANGE})
OPTIONAL_NUMBERS = ("value", "value_high", "baseline_year", "period_start")
PLAUSIBLE_YEARS = range(2000, 2051)

# `[0-9]`, not `\d`: `\d` also accepts full-width and other Unicode digits.
DEADLINE_PATTERN = r"^(20[0-9]{2}(-(0[1-9]|1[0-2]))?|ongoing)$"
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
TARGET_ID_PATTERN = r"^[a-z]+[0-9]+-[0-9]{2,3}$"


# Units counted in whole numbers (and yuan, which the gazette and yearbooks give whole);
# every other unit (shares, areas, densities) is given with two decimals unless declared.
WHOLE_UNITS = frozenset({"done", "item", "person", "working_day", "yuan / person"})
DEFAULT_DECIMALS = 2


def default_decimals(unit: str) -> int:
    """The decimals an indicator in `unit` is published with when it declares none."""
    return 0 if str(parse_unit(unit)) in WHOLE_UNITS or unit in WHOLE_UNITS else DEFAULT_DECIMALS


class CatalogueError(ValueError):
    """A catalogue file or entry is malformed; the message names file, entry and problem."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Document(_Entry):
    number: str = Field(min_length=1)
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    issued: dt.date
    # A few words where space is short (the overview's rows); the full title when not given.
    short_zh: str | None = Field(default=None, min_length=1)
    short_en: str | None = Field(default=None, min_length=1)

    def short(self, language: str) -> str:
        """The short title in `language` ("zh" or "en"), else the full title."""
        if language == "en":
            return self.short_en or self.title_en
        return self.short_zh or self.title_zh


class ThemeName(_Entry):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Confusable(_Entry):
    """A name publications print for a different measure that is easily taken for this one."""

    name: str = Field(min_length=1)
    note_zh: str = Field(min_length=1)
    note_en: str = Field(min_length=1)


class Indicator(_Entry):
    id: str = Field(pattern=ID_PATTERN)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    theme: str
    unit: str
    direction: Literal["higher", "lower"]
    value_range: tuple[float | None, float | None] | None = None
    note: str | None = None
    # The standard statistical names publications print for this indicator.
    source_names: tuple[str, ...] = ()
    # The statistical definition (统计口径), quoted, and where it is quoted from.
    definition_zh: str | None = None
    definition_source: str | None = None
    not_to_confuse_with: tuple[Confusable, ...] = ()
    # The decimals its figures are published with; else the unit's default (default_decimals).
    decimals: int | None = Field(default=None, ge=0, le=6)

    @property
    def precision(self) -> int:
        """The decimals values, targets and gaps of this indicator are given with."""
        return default_decimals(self.unit) if self.decimals is None else self.decimals

    @field_validator("source_names")
    @classmethod
    def _names_not_empty(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name.strip() for name in names):
            raise ValueError("a source name is empty")
        return tuple(name.strip() for name in names)

    @model_validator(mode="after")
    def _definition_has_source(self) -> Indicator:
        if (self.definition_zh is None) != (self.definition_source is None):
            raise ValueError("definition_zh and definition_source go together: a definition "
                             "is quoted from a source")
        return self

    @property
    def names_zh(self) -> tuple[str, ...]:
        """The catalogue's name, then the names sources print."""
        return (self.name_zh, *self.source_names)

    @field_validator("unit")
    @classmethod
    def _unit_is_known(cls, unit: str) -> str:
        parse_unit(unit)
        return unit

    @property
    def plausible_range(self) -> tuple[float | None, float | None]:
        """The values a report can take: declared, else a share is 0-100 %, a milestone 0 or 1,
        and anything else (areas, counts, money, days) is not negative."""
        if self.value_range is not None:
            return self.value_range
        unit = str(parse_unit(self.unit))
        return {"percent": (0.0, 100.0), "done": (0.0, 1.0)}.get(unit, (0.0, None))


class Target(_Entry):
    id: str = Field(pattern=TARGET_ID_PATTERN)
    indicator: str
    region_class: RegionClass
    deadline: str = Field(pattern=DEADLINE_PATTERN)
    kind: TargetKind
    value: float | None = None
    value_high: float | None = None
    baseline_year: int | None = None
    period_start: int | None = None
    unit: str
    clause: str = Field(min_length=1)
    quote_zh: str = Field(min_length=2)
    note: str | None = None

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline_as_text(cls, deadline: Any) -> Any:
        # YAML reads an unquoted 2018 as a number; the deadline is text.
        return str(deadline) if isinstance(deadline, int) else deadline

    @field_validator("unit")
    @classmethod
    def _unit_is_known(cls, unit: str) -> str:
        parse_unit(unit)
        return unit

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Target:
        needed = KIND_FIELDS[self.kind]
        for name in OPTIONAL_NUMBERS:
            present = getattr(self, name) is not None
            if name in needed and not present:
                raise ValueError(f"kind {self.kind.value} needs `{name}`")
            if name not in needed and present:
                raise ValueError(f"kind {self.kind.value} takes no `{name}`")
        if self.value_high is not None and self.value is not None and self.value_high < self.value:
            raise ValueError(f"value_high {self.value_high} is below value {self.value}")
        if self.kind is TargetKind.COUNT_RANGE and not (
            float(self.value or 0).is_integer() and float(self.value_high or 0).is_integer()
        ):
            raise ValueError("a count_range takes whole numbers")
        if self.deadline == "ongoing" and self.kind is not TargetKind.MILESTONE:
            raise ValueError("only a milestone can be ongoing")
        for name in ("baseline_year", "period_start"):
            year = getattr(self, name)
            if year is not None and year not in PLAUSIBLE_YEARS:
                raise ValueError(f"{name} {year} is not a plausible year")
        if self.deadline_year is not None:
            if self.deadline_year not in PLAUSIBLE_YEARS:
                raise ValueError(f"deadline {self.deadline} is not a plausible year")
            if self.baseline_year is not None and self.baseline_year >= self.deadline_year:
                raise ValueError("baseline_year must come before the deadline")
            if self.period_start is not None and self.period_start > self.deadline_year:
                raise ValueError("period_start must not come after the deadline")
        return self

    @property
    def deadline_year(self) -> int | None:
        return None if self.deadline == "ongoing" else int(self.deadline[:4])


class CatalogueFile(_Entry):
    """A source document with its targets, or (without a document) context indicators:
    measures sources publish beside the monitored ones that no target names."""

    document: Document | None = None
    themes: dict[str, ThemeName] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    targets: list[Target] = Field(default_factory=list)

    @model_validator(mode="after")
    def _targets_need_a_document(self) -> CatalogueFile:
        if self.document is None and self.targets:
            raise ValueError("a file without a document declares context indicators only: "
                             "targets belong in their document's file")
        if self.document is not None and not self.targets:
            raise ValueError("a document's file lists its targets")
        return self


@dataclass(frozen=True)
class Catalogue:
    """Every document, theme, indicator and target, cross-checked."""

    documents: dict[str, Document]
    themes: dict[str, ThemeName]
    indicators: dict[str, Indicator]
    targets: list[Target]
    document_of: dict[str, str] = field(repr=False)  # target id -> document number
    # Indicators no target names, shown beside the targets and never judged.
    context: frozenset[str] = frozenset()

    def indicator_of(self, target: Target) -> Indicator:
        return self.indicators[target.indicator]

    @cached_property
    def decimals(self) -> dict[str, int]:
        """Each indicator's published precision, by id."""
        return {key: indicator.precision for key, indicator in self.indicators.items()}

    @cached_property
    def targets_frame(self) -> pd.DataFrame:
        """One row per target, values also in the indicator's canonical unit."""
        frame = pd.DataFrame([self._target_row(t) for t in self.targets])
        return frame.astype({"baseline_year": "Int64", "period_start": "Int64"})

    @cached_property
    def indicators_frame(self) -> pd.DataFrame:
        rows = []
        for indicator in self.indicators.values():
            theme = self.themes[indicator.theme]
            rows.append({
                "indicator_id": indicator.id, "indicator_zh": indicator.name_zh,
                "indicator_en": indicator.name_en, "theme": indicator.theme,
                "theme_zh": theme.zh, "theme_en": theme.en, "unit": indicator.unit,
                "direction": indicator.direction, "note": indicator.note,
                "min_value": indicator.plausible_range[0],
                "max_value": indicator.plausible_range[1],
                "is_context": indicator.id in self.context,
            })
        return pd.DataFrame(rows)

    def _target_row(self, target: Target) -> dict[str, Any]:
        indicator = self.indicator_of(target)
        # A step is in points, a reduction a share of the baseline: neither is in the
        # indicator's unit.
        relative = target.kind in (TargetKind.ANNUAL_STEP, TargetKind.REDUCTION_VS_BASELINE)
        factor = 1.0 if relative else conversion_factor(target.unit, indicator.unit)
        return {
            "target_id": target.id,
            "document": self.document_of[target.id],
            "clause": target.clause,
            "indicator_id": indicator.id,
            "indicator_zh": indicator.name_zh,
            "indicator_en": indicator.name_en,
            "theme": indicator.theme,
            "region_class": target.region_class.value,
            "deadline": target.deadline,
            "deadline_year": target.deadline_year,
            "kind": target.kind.value,
            "value": target.value,
            "value_high": target.value_high,
            "unit": target.unit,
            "baseline_year": target.baseline_year,
            "period_start": target.period_start,
            "indicator_unit": indicator.unit,
            "direction": indicator.direction,
            "target_value": _converted(target.value, factor),
            "target_value_high": _converted(target.value_high, factor),
            "quote_zh": target.quote_zh,
            "note": target.note,
        }


def _converted(value: float | None, factor: float) -> float | None:
    """`value` times `factor` in decimal arithmetic, so that a figure stated in another unit
    keeps the gazette's digits (0.5 x 100 is 50 whatever floats make of the product)."""
    if value is None:
        return None
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


def normalised_text(text: str) -> str:
    """The gazette text without line breaks: its breaks are page-layout artefacts."""
    return re.sub(r"\s*\n\s*", "", text)


def load_catalogue(directory: Path | None = None, gazette: Path | None = None) -> Catalogue:
    """Load every `*.yaml` in `directory`; CatalogueError naming file, entry and problem."""
    directory = directory or CATALOGUE_DIR
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise CatalogueError(f"{directory}: no catalogue files (*.yaml)")
    gazette_path = gazette or gazette_file()

    def build() -> Catalogue:
        gazette_text = gazette_path.read_text(encoding="utf-8")
        return build_catalogue({path.name: _read_yaml(path) for path in paths}, gazette_text)

    # Validated once for each version of the files and of the rules that check them (this
    # module, the units): every later load reads the result back. A catalogue with errors is
    # never stored, so its CatalogueError comes every time.
    rules = [Path(__file__), PACKAGE_DIR / "units.py", UNITS_FILE]
    return cached("catalogue", [*paths, gazette_path, *rules], build, Catalogue)


def build_catalogue(files: dict[str, Any], gazette_text: str) -> Catalogue:
    """Validate parsed catalogue files (name -> content) against the gazette text."""
    builder = _CatalogueBuilder(normalised_text(gazette_text))
    for name, raw in files.items():
        builder.add(name, _validate_file(name, raw))
    return builder.build()


def _read_yaml(path: Path) -> Any:
    import yaml  # here: a catalogue read back from its cache needs no YAML parser

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path.name}: not valid YAML: {error}") from error


def _validate_file(name: str, raw: Any) -> CatalogueFile:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{name}: expected a mapping with document, themes, "
                             "indicators and targets (or themes and indicators only, for "
                             "context indicators)")
    try:
        return CatalogueFile.model_validate(raw)
    except ValidationError as error:
        raise CatalogueError(_describe(name, raw, error)) from error


def _describe(name: str, raw: dict[str, Any], error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        location = item["loc"]
        if not location:  # the file as a whole (CatalogueFile's own check)
            problems.append(f"{name}: {item['msg'].removeprefix('Value error, ')}")
            continue
        entry = _entry_name(raw, location)
        field_path = ".".join(str(part) for part in location[2:] if not str(part).startswith(
            ("function-", "str-", "float-", "int-")))
        problem = item["msg"].removeprefix("Value error, ")
        problems.append(f"{name}: {entry}: {field_path + ': ' if field_path else ''}{problem}")
    return "\n".join(problems)


def _entry_name(raw: dict[str, Any], location: tuple[Any, ...]) -> str:
    section = location[0]
    if len(location) >= 2 and isinstance(location[1], int):
        entries = raw.get(section) or []
        entry = entries[location[1]] if location[1] < len(entries) else {}
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        name = f"{section}[{location[1]}]"
        return f"{name} (id {entry_id})" if entry_id else name
    return str(section)


class _CatalogueBuilder:
    """Gathers files and checks what no single file can: ids, references, units, quotes."""

    def __init__(self, gazette_text: str) -> None:
        self.gazette_text = gazette_text
        self.documents: dict[str, Document] = {}
        self.themes: dict[str, ThemeName] = {}
        self.indicators: dict[str, Indicator] = {}
        self.targets: list[Target] = []
        self.document_of: dict[str, str] = {}
        self.origin: dict[str, str] = {}
        self.named: dict[str, str] = {}  # name form -> indicator id
        self.context: set[str] = set()  # indicators of files without a document
        self.monitored: dict[str, str] = {}  # indicator of a document's file -> its file

    def add(self, name: str, content: CatalogueFile) -> None:
        if content.document is not None:
            self._add_document(name, content.document)
        for theme_id, theme in content.themes.items():
            if theme_id in self.themes and self.themes[theme_id] != theme:
                raise CatalogueError(f"{name}: theme {theme_id} is named differently in "
                                     f"{self.origin['theme:' + theme_id]}")
            self.themes[theme_id] = theme
            self.origin.setdefault("theme:" + theme_id, name)
        for position, indicator in enumerate(content.indicators):
            self._add_indicator(name, position, indicator, content)
            if content.document is None:
                self.context.add(indicator.id)
            else:
                self.monitored[indicator.id] = name
        # Only a document's file has targets (CatalogueFile checks it).
        number = content.document.number if content.document is not None else ""
        for position, target in enumerate(content.targets):
            self._add_target(name, position, target, number)

    def _add_document(self, name: str, document: Document) -> None:
        number = document.number
        if number in self.documents:
            raise CatalogueError(f"{name}: document {number} is already in {self.origin[number]}")
        self.documents[number] = document
        self.origin[number] = name

    def _add_indicator(self, name: str, position: int, indicator: Indicator,
                       content: CatalogueFile) -> None:
        where = f"{name}: indicators[{position}] (id {indicator.id})"
        if indicator.id in self.indicators:
            raise CatalogueError(f"{where}: duplicate indicator id, first in "
                                 f"{self.origin['indicator:' + indicator.id]}")
        if indicator.theme not in content.themes:
            raise CatalogueError(f"{where}: theme {indicator.theme!r} is not declared in themes")
        self._claim_names(where, indicator)
        self.indicators[indicator.id] = indicator
        self.origin["indicator:" + indicator.id] = name

    def _claim_names(self, where: str, indicator: Indicator) -> None:
        """A name (id, catalogue or source name) stands for one indicator only, and a name
        declared not to be confused with an indicator is not that indicator's own name (it
        may be another's: 建成区绿化覆盖率, a context indicator, is not 建成区绿地率)."""
        not_it = {_name_form(other.name) for other in indicator.not_to_confuse_with}
        for text in (indicator.id, *indicator.names_zh):
            form = _name_form(text)
            claimed = self.named.get(form, indicator.id)
            if claimed != indicator.id:
                raise CatalogueError(f"{where}: name {text!r} already names indicator {claimed}")
            if form in not_it:
                raise CatalogueError(f"{where}: name {text!r} is its own name and is declared "
                                     "not to be confused with it")
            self.named[form] = indicator.id

    def _add_target(self, name: str, position: int, target: Target, number: str) -> None:
        where = f"{name}: targets[{position}] (id {target.id})"
        if target.id in self.document_of:
            raise CatalogueError(f"{where}: duplicate target id")
        indicator = self.indicators.get(target.indicator)
        if indicator is None:
            raise CatalogueError(f"{where}: unknown indicator {target.indicator!r}")
        self._check_unit(where, target, indicator)
        if target.quote_zh not in self.gazette_text:
            raise CatalogueError(f"{where}: quote_zh is not verbatim in the gazette: "
                                 f"{target.quote_zh!r}")
        self.targets.append(target)
        self.document_of[target.id] = number

    @staticmethod
    def _check_unit(where: str, target: Target, indicator: Indicator) -> None:
        if target.kind is TargetKind.ANNUAL_STEP:
            expected = "percentage_point" if _is_percent(indicator.unit) else indicator.unit
        elif target.kind is TargetKind.REDUCTION_VS_BASELINE:
            expected = "percent"
        else:
            expected = indicator.unit
        if not is_convertible(target.unit, expected):
            raise CatalogueError(f"{where}: unit {target.unit!r} cannot convert to "
                                 f"{expected!r} (indicator {indicator.id})")

    def build(self) -> Catalogue:
        targeted = {target.indicator for target in self.targets}
        for indicator_id, name in self.monitored.items():
            if indicator_id not in targeted:
                raise CatalogueError(f"{name}: indicator {indicator_id} has no target; an "
                                     "indicator no target names is a context indicator, "
                                     "declared in a file without a document")
        return Catalogue(self.documents, self.themes, self.indicators, self.targets,
                         self.document_of, frozenset(self.context))


def _name_form(text: str) -> str:
    """A name as compared: NFKC, case-folded, without whitespace (as etl.names.normalise)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _is_percent(unit: str) -> bool:
    try:
        return str(parse_unit(unit)) == "percent"
    except UnitError:
        return False
