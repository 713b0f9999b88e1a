"""The read API's query parameters (checked by webargs: an unknown or malformed one is a 400)
and the shapes of its answers, for the OpenAPI document."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.paging import DEFAULT_LIMIT, MAX_LIMIT

YEARS = validate.Range(min=1949, max=2100)


class PageArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # a misspelt parameter is refused, not silently ignored

    page = fields.Integer(load_default=1, validate=validate.Range(min=1),
                          metadata={"description": "页码，从 1 起 / page number, from 1"})
    limit = fields.Integer(load_default=DEFAULT_LIMIT,
                           validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"每页条数，1 至 {MAX_LIMIT} / items a "
                                                    f"page, 1 to {MAX_LIMIT}"})


class IndicatorArgs(PageArgs):
    id = fields.List(fields.String(), metadata={"description": "指标代码或名称，可重复 / "
                                                               "indicator id or name, repeatable"})
    theme = fields.String(metadata={"description": "主题代码 / theme code"})


class TargetArgs(PageArgs):
    indicator = fields.List(fields.String(), metadata={"description": "指标代码或名称 / "
                                                                      "indicator id or name"})
    document = fields.String(metadata={"description": "文件代码 / document code"})


class RegionArgs(PageArgs):
    code = fields.List(fields.String(), metadata={"description": "地区代码或名称 / region "
                                                                 "code or name"})
    level = fields.String(validate=validate.OneOf(["province", "prefecture", "county",
                                                   "country"]),
                          metadata={"description": "行政级别 / level"})


class _Selection(PageArgs):
    region = fields.List(fields.String(), metadata={
        "description": "地区代码或名称，可重复 / region code or name, repeatable"})
    indicator = fields.List(fields.String(), metadata={
        "description": "指标代码或名称，可重复 / indicator id or name, repeatable"})
    values = fields.String(validate=validate.OneOf(["accepted", "all"]), metadata={
        "description": "accepted（默认，已确认数值）或 all（全部当前数值）/ accepted (default) "
                       "or all current values"})


class ValueArgs(_Selection):
    first = fields.Integer(data_key="from", validate=YEARS,
                           metadata={"description": "起始年份 / first year"})
    last = fields.Integer(data_key="to", validate=YEARS,
                          metadata={"description": "截止年份 / last year"})
    as_of = fields.String(metadata={
        "description": "ISO 日期或时间：读取当时写入的数值（即 values=all）/ ISO date or time: "
                       "the values as written then (implies values=all)"})


class StatusArgs(_Selection):
    year = fields.Integer(validate=YEARS, metadata={
        "description": "评估年份（默认最新有数据的年份）/ evaluation year (default: latest)"})
    method = fields.String(load_default="escap", validate=validate.OneOf(["escap", "opensdg"]),
                           metadata={"description": "escap（本系统）或 opensdg / escap (ours) "
                                                    "or opensdg"})


# --- answers (documentation only: the routes write their JSON themselves) ------------------

class ApiErrorBody(ma.Schema):
    code = fields.String(metadata={"description": "错误代码 / error code"})
    status = fields.Integer()
    message_zh = fields.String()
    message_en = fields.String()
    details = fields.Dict(metadata={"description": "例如各参数的问题、相近的名称 / e.g. "
                                                   "each parameter's problem, close names"})


class Page(ma.Schema):
    items = fields.List(fields.Dict())
    total = fields.Integer()
    page = fields.Integer()
    limit = fields.Integer()
    pages = fields.Integer()
    next = fields.String(allow_none=True)
    previous = fields.String(allow_none=True)


class DataPage(Page):
    demo = fields.Boolean(metadata={"description": "是否含演示数据（非真实统计）/ whether it "
                                                   "holds demo data (not statistics)"})
    values = fields.String(metadata={"description": "accepted | all"})
    as_of = fields.String(allow_none=True)


class Value(ma.Schema):
    region_code = fields.String()
    region_zh = fields.String()
    region_en = fields.String()
    indicator_id = fields.String()
    indicator_zh = fields.String()
    indicator_en = fields.String()
    period = fields.Integer()
    value = fields.Float(metadata={"description": "按指标公布精度取整 / at the indicator's "
                                                  "published precision"})
    unit = fields.String()
    unit_zh = fields.String()
    unit_en = fields.String()
    value_entered = fields.String(allow_none=True)
    unit_entered = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    accepted = fields.Boolean()
    demo = fields.Boolean()
    revision_id = fields.Integer()
    source = fields.Dict(metadata={"description": "kind, name, loaded_at, loaded_by"})


class ValuePage(DataPage):
    items = fields.List(fields.Nested(Value))
