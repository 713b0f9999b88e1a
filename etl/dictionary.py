"""The full extract's data dictionary (etl.export): each column's meaning, type, unit, codes."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from indicators.catalogue import REGION_CLASS_NAMES, load_catalogue
from indicators.codes import text_codes
from indicators.labels import KIND_LABELS, OPENSDG_STATUS_LABELS, STATUS_LABELS
from indicators.units import parse_unit, unit_label

PER_ROW_UNIT = ("每行见 unit 列", "per row: see unit")
GAP_UNIT = ("每行见 unit 列（百分比指标为百分点）",
            "per row: see unit (percentage points where unit is percent)")
# What target_value holds: the bound derived per region and year from the gazette's target
# (indicators.evaluate: _add_bounds, _Bounds.binding), not the gazette's own number.
TARGET_VALUE = (
    "该地区当年须达到的约束性界限，由公报目标推得，并非公报原数：at_least、at_most、equal "
    "为公报所定数值；zero 为 0；range、count_range 为数值越过的一端，否则为下限；"
    "annual_step 为基期年的数值加上每年增幅乘以基期以来的年数；"
    "reduction_vs_baseline 为基期年的数值减去所定比例后的值；"
    "higher_than_previous、lower_than_previous 为上一年的数值；cumulative 为期内累计总量；"
    "milestone 为 1（完成）。公报原文：见 target_kind、document、clause 列，及 targets catalogue "
    "按 target_id 给出的 quote_zh（原文）和 value（公报所定数值）",
    "The binding bound the region had to meet that year, derived from the gazette's target, "
    "not the gazette's own number: for at_least, at_most and equal the gazette's figure; for "
    "zero 0; for range and count_range the end the value breaks, else the lower end; for "
    "annual_step the value of the baseline year plus the yearly step times the years since "
    "it; for reduction_vs_baseline the value of the baseline year less the stated reduction; "
    "for higher_than_previous and lower_than_previous the previous year's value; for "
    "cumulative the total for the period; for milestone 1 (done). The gazette's own words: "
    "see target_kind, document and clause, and `targets catalogue` (quote_zh, the verbatim "
    "phrase, and value, the gazette's figure) by target_id",
)
LABEL_COLUMNS = ["unit_zh", "unit_en", "status_zh", "status_en"]
DICTIONARY_SHEET = "数据字典 Dictionary"
ABOUT_SHEET = "说明 About"
Code = tuple[str, str, str]  # code, Chinese label, English label


class Column(NamedTuple):
    """One column of the extract: its Table Schema type (string, integer, number, boolean,
    datetime), meaning in both languages, unit ((zh, en), or None where it has none) and,
    for a coded column, every code with its labels."""

    name: str
    type: str
    zh: str
    en: str
    unit: tuple[str, str] | None = None
    codes: tuple[Code, ...] = ()


def _labelled(table: dict[Any, tuple[str, str]]) -> tuple[Code, ...]:
    return tuple((str(code.value), zh, en) for code, (zh, en) in table.items())


@lru_cache(maxsize=1)
def unit_codes() -> tuple[Code, ...]:
    """The units of the catalogue's indicators (the extract's `unit`), with their labels."""
    units = sorted({str(parse_unit(ind.unit)) for ind in load_catalogue().indicators.values()})
    return tuple((unit, unit_label(unit, "zh"), unit_label(unit, "en")) for unit in units)


def columns() -> list[Column]:
    """The extract's columns in its order (etl.export.EXPORT_COLUMNS)."""
    status = _labelled(STATUS_LABELS)
    return [
        Column("region_code", "string", "地区的统计用区划代码", "Region code (statistical "
               "division code)"),
        Column("region_zh", "string", "地区名称（中文）", "Region name in Chinese"),
        Column("region_en", "string", "地区名称（英文）", "Region name in English"),
        Column("indicator_id", "string", "指标的代码", "Indicator code"),
        Column("indicator_zh", "string", "指标名称（中文）", "Indicator name in Chinese"),
        Column("indicator_en", "string", "指标名称（英文）", "Indicator name in English"),
        Column("period", "integer", "数值所属年份", "Year the value is for", ("年", "year")),
        Column("value", "number", "数值，按指标单位", "Value, in the indicator's unit",
               PER_ROW_UNIT),
        Column("unit", "string", "指标单位（代码）", "Indicator's unit (code)", None,
               unit_codes()),
        Column("value_entered", "string", "报送时填写的原文", "Value as entered or reported"),
        Column("unit_entered", "string", "报送时填写的单位", "Unit as entered or reported"),
        Column("note", "string", "数值说明（公布数据为原文措辞）",
               "Note on the value (a published figure's verbatim phrase)"),
        Column("target_id", "string", "当年到期的目标代码", "Code of the target due that year"),
        Column("target_kind", "string", "目标类型", "Kind of target", None,
               _labelled(KIND_LABELS)),
        Column("target_value", "number", *TARGET_VALUE, PER_ROW_UNIT),
        Column("target_value_high", "number", "区间目标的上限", "Upper bound of a range target",
               PER_ROW_UNIT),
        Column("target_deadline", "string", "目标期限（年-月，或 ongoing 持续）",
               "Target deadline (year-month, or ongoing)"),
        Column("region_class", "string", "目标适用的地区类别", "Class of regions the target "
               "applies to", None, _labelled(REGION_CLASS_NAMES)),
        Column("status", "string", "目标状态（本系统方法，代码）", "Target status (our method, "
               "code)", None, status),
        Column("value_judged", "number", "状态所判定的数值：一般即 value；cumulative 目标为自"
               "目标期初起逐年 value 的累计值", "The number the status judges: value itself, "
               "or for a cumulative target the running total of value since the target's "
               "period starts", PER_ROW_UNIT),
        Column("gap", "number", "value_judged 减去目标界限 target_value（cumulative 目标即累计值"
               "减去期内总量；区间目标在区间内为 0；正负之义视目标方向）",
               "value_judged minus the binding bound target_value (for a cumulative target "
               "the running total minus the period's total; 0 inside a range; whether "
               "positive is ahead depends on the target's direction)", GAP_UNIT),
        Column("gap_pct", "number", "差距占目标界限的百分比：100 × gap ÷ |界限|",
               "Gap as a percentage of the bound: 100 × gap ÷ |bound|", ("%", "%")),
        Column("opensdg_status", "string", "Open SDG 方法的进展状态", "Progress status by Open "
               "SDG's method", None, _labelled(OPENSDG_STATUS_LABELS)),
        Column("opensdg_score", "number", "Open SDG 方法的进展得分（-5 至 5）",
               "Progress score by Open SDG's method (-5 to 5)"),
        Column("document", "string", "目标出处文件", "Document that sets the target"),
        Column("clause", "string", "目标出处条款", "Clause that sets the target"),
        Column("is_demo", "boolean", "是否演示数据（非真实统计）", "Demo data, not statistics"),
        Column("accepted", "boolean", "是否已确认数值", "Whether the value is the accepted one"),
        Column("revision_id", "integer", "数值修订号", "Revision the value comes from"),
        Column("loaded_at", "datetime", "写入时间（UTC）", "When the value was written (UTC)"),
        Column("loaded_by", "string", "写入者", "Who wrote the value"),
        Column("source", "string", "数值来源（文件或表单）", "Where the value comes from (file "
               "or form)"),
        Column("unit_zh", "string", "单位（中文）", "Unit in Chinese", None,
               tuple((zh, zh, en) for _code, zh, en in unit_codes())),
        Column("unit_en", "string", "单位（英文）", "Unit in English", None,
               tuple((en, zh, en) for _code, zh, en in unit_codes())),
        Column("status_zh", "string", "目标状态（中文）", "Target status in Chinese", None,
               tuple((zh, zh, en) for _code, zh, en in status)),
        Column("status_en", "string", "目标状态（英文）", "Target status in English", None,
               tuple((en, zh, en) for _code, zh, en in status)),
    ]


def add_labels(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with LABEL_COLUMNS: each row's unit and status in Chinese and English."""
    units = {code: (zh, en) for code, zh, en in unit_codes()}
    statuses = {str(code.value): labels for code, labels in STATUS_LABELS.items()}
    for column, labels in (("unit", units), ("status", statuses)):
        # Each distinct code looked up once: an extract repeats a few codes millions of times.
        codes, distinct = text_codes(table[column])
        for index, language in enumerate(("zh", "en")):
            found = np.array([labels[code][index] if code in labels else None
                              for code in distinct] + [None], dtype=object)
            table[f"{column}_{language}"] = found[codes]  # code -1 (missing): the None added
    return table


def is_extract(names: list[str]) -> bool:
    """Whether a table has exactly the extract's columns (its writers then add the dictionary)."""
    return list(names) == [column.name for column in columns()]


def dictionary_frame() -> pd.DataFrame:
    """The dictionary as a sheet: one row a column. No row names two columns the way a
    planner's header does (地区, 指标代码 ...): the extract's XLSX loads back (`targets load`)."""
    rows = [{"column 列名": c.name, "type 类型": c.type, "含义": c.zh, "meaning": c.en,
             "单位 unit": "" if c.unit is None else c.unit[0] if c.unit[0] == c.unit[1]
             else f"{c.unit[0]} / {c.unit[1]}",
             "代码 codes": "; ".join(f"{code} = {zh} / {en}" for code, zh, en in c.codes)}
            for c in columns()]
    return pd.DataFrame(rows)


# The filters an extract was made with (frame.attrs["filters"], set by whoever asked for it).
FILTER_NAMES = {"indicators": ("所选指标", "indicators"), "regions": ("所选地区", "regions"),
                "first_period": ("起始年份", "from year"), "last_period": ("截止年份", "to year"),
                "as_of": ("数值截至时点", "values as written at"),
                "view": ("数值范围", "values view")}
VIEW_NAMES = {"accepted": "仅已确认数值 / accepted values only",
              "all": "全部当前数值，含未确认数值 / all current values, not accepted ones too"}


def about_frame(frame: pd.DataFrame, now: dt.datetime | None = None) -> pd.DataFrame:
    """What the extract holds: the filters it was made with, when known (frame.attrs
    "filters"), then read from its rows: years, regions, indicators, demo or published data,
    which values (accepted only, or not-accepted ones too), data as of."""
    now = now or dt.datetime.now(dt.UTC)
    filters = frame.attrs.get("filters") or {}
    empty = frame.empty
    demo = bool(frame["is_demo"].fillna(False).astype(bool).any())
    all_accepted = bool(frame["accepted"].fillna(True).astype(bool).all())
    periods = "" if empty else f"{int(frame['period'].min())}–{int(frame['period'].max())}"
    latest = pd.to_datetime(frame["loaded_at"]).max() if not empty else None
    rows = [(FILTER_NAMES[key][0], FILTER_NAMES[key][1], _filter_text(key, value))
            for key, value in filters.items() if key in FILTER_NAMES]
    rows += [
        ("行数", "rows", str(len(frame))),
        ("年份", "years", periods),
        ("地区数", "number of regions", str(frame["region_code"].nunique())),
        ("指标数", "number of indicators", str(frame["indicator_id"].nunique())),
        ("数据性质", "data", "演示数据，并非真实统计 / demo data, not statistics" if demo
         else "非演示数据 / not demo data"),
        ("数值", "values", "仅已确认数值 / accepted values only" if all_accepted
         else "含未确认数值（见 accepted 列）/ includes values not accepted (see accepted)"),
        ("数据截至（最近写入，UTC）", "data as of (latest write, UTC)",
         "" if latest is None or pd.isna(latest) else latest.strftime("%Y-%m-%d %H:%M:%S")),
        ("导出时间（UTC）", "exported at (UTC)", now.strftime("%Y-%m-%d %H:%M:%S")),
        ("列说明", "columns", f"见 / see「{DICTIONARY_SHEET}」"),
    ]
    return pd.DataFrame(rows, columns=["项目", "item", "内容 value"])


def _filter_text(key: str, value: object) -> str:
    if key == "view":
        return VIEW_NAMES.get(str(value), str(value))
    if key == "as_of" and value is None:
        return "未指定：当前数值 / none: the current values"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    if value is None or (isinstance(value, list | tuple) and not value):
        return "全部 / all"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


_MISSING = [""]


# How each format etl.extract writes is read back: the CSV with a byte-order mark (Excel
# needs it for Chinese), the JSON an array of objects, null where a value is missing.
RESOURCE_FORMATS = {"csv": {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig"},
                    "json": {"format": "json", "mediatype": "application/json",
                             "encoding": "utf-8"}}


def datapackage(data_name: str, name: str = "targets-export",
                file_format: str = "csv") -> dict[str, Any]:
    """A Frictionless Data Package descriptor (Table Schema) of an extract written by
    etl.extract as CSV (empty cells missing) or JSON under `data_name`, beside it."""
    fields = []
    for column in columns():
        field: dict[str, Any] = {"name": column.name, "type": column.type,
                                 "title": f"{column.zh} / {column.en}",
                                 "description": _description(column)}
        if column.type == "datetime":
            field["format"] = "any"
        if column.codes:
            field["constraints"] = {"enum": [code for code, _zh, _en in column.codes]}
        fields.append(field)
    return {
        "profile": "tabular-data-package", "name": name,
        "title": "吉林省目标监测数据导出 / Jilin target monitor extract",
        "resources": [{
            "name": name, "path": data_name, "profile": "tabular-data-resource",
            **RESOURCE_FORMATS[file_format],
            "schema": {"fields": fields, "missingValues": _MISSING},
        }],
    }


def field_metadata() -> dict[str, dict[str, str]]:
    """Each column's title and description, as Parquet field metadata."""
    return {column.name: {"title": f"{column.zh} / {column.en}",
                          "description": _description(column)} for column in columns()}


def _description(column: Column) -> str:
    parts = [f"{column.zh}. {column.en}."]
    if column.unit is not None:
        parts.append(f"单位 unit: {column.unit[0]} / {column.unit[1]}.")
    if column.codes:
        parts.append("代码 codes: " + "; ".join(f"{code} = {zh} / {en}"
                                               for code, zh, en in column.codes) + ".")
    return " ".join(parts)
