"""The read API's query parameters (checked by webargs: an unknown or malformed one is a 400)
and the shapes of its answers, for the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

import flask
import marshmallow as ma
from marshmallow import fields, validate

from api.paging import DEFAULT_LIMIT, MAX_LIMIT

YEARS = validate.Range(min=1949, max=2100)
DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() would take full-width ２ too


class Whole(fields.Integer):
    """A whole number written in ASCII digits (page=２ or limit=+5 is refused, not read)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not DIGITS.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PageArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # a misspelt parameter is refused, not silently ignored

    page = Whole(load_default=1, validate=validate.Range(min=1),
                 metadata={"description": "页码，从 1 起 / page number, from 1"})
    limit = Whole(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                  metadata={"description": f"每页条数，1 至 {MAX_LIMIT} / items a page, 1 to "
                                           f"{MAX_LIMIT}"})

    @ma.pre_load
    def _once_and_filled(self, data: Any, **_: Any) -> Any:
        """A parameter given empty, or more than once where only a list parameter may repeat,
        is refused by name (else the first of `limit=5&limit=7` would silently win)."""
        lists = {field.data_key or name for name, field in self.fields.items()
                 if isinstance(field, fields.List)}
        problems: dict[str, list[str]] = {}
        for key in flask.request.args:
            given = flask.request.args.getlist(key)
            if key not in self.fields and key not in {f.data_key for f in self.fields.values()}:
                continue  # unknown: refused by name as such
            if len(given) > 1 and key not in lists:
                problems[key] = ["只能给出一次 / may be given only once"]
            elif any(not text.strip() for text in given):
                problems[key] = ["不能为空 / may not be empty"]
        if problems:
            raise ma.ValidationError(problems)
        return data


class IndicatorArgs(PageArgs):
    id = fields.List(fields.String(), metadata={"description": "指标代码或名称，可重复 / "
                                                               "indicator id or name, repeatable"})
    theme = fields.String(metadata={"description": "主题代码或中英文名称 / theme code or its "
                                                   "Chinese or English name"})


class TargetArgs(PageArgs):
    indicator = fields.List(fields.String(), metadata={"description": "指标代码或名称 / "
                                                                      "indicator id or name"})
    document = fields.String(metadata={"description": "文件编号（吉政办发〔2018〕10号）或标题 / "
                                                      "document number or title"})


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
    first = Whole(data_key="from", validate=YEARS,
                           metadata={"description": "起始年份 / first year"})
    last = Whole(data_key="to", validate=YEARS,
                          metadata={"description": "截止年份 / last year"})
    as_of = fields.String(metadata={
        "description": "ISO 日期或时间，UTC 除非带时区（+ 可写作 %2B）：读取当时写入的数值（即 "
                       "values=all）/ ISO date or time, UTC unless it has an offset (+ may be "
                       "sent as %2B): the values as written then (implies values=all)"})


class StatusArgs(_Selection):
    year = Whole(validate=YEARS, metadata={
        "description": "评估年份（默认最新有数据的年份）/ evaluation year (default: latest)"})
    method = fields.String(load_default="escap", validate=validate.OneOf(["escap", "opensdg"]),
                           metadata={"description": "escap（本系统）或 opensdg / escap (ours) "
                                                    "or opensdg"})


