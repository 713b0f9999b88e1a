"""The shapes of the read API's answers and errors, for its OpenAPI document (documentation
only: the routes write their JSON themselves, tests/test_api.py checks that they agree)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

TEXT = {"allow_none": True}  # a column that may be empty (null in JSON)


class ApiErrorSchema(ma.Schema):
    """Every refusal of the API (named ApiError in the document)."""

    code = fields.String(required=True, metadata={"description": "错误代码 / error code"})
    status = fields.Integer(required=True, metadata={"description": "HTTP 状态码 / HTTP status"})
    message_zh = fields.String(required=True)
    message_en = fields.String(required=True)
    details = fields.Dict(metadata={
        "description": "例如各参数的问题（parameters）、相近的名称（close）、最后一页（last）/ "
                       "e.g. each parameter's problem (parameters), close names (close), the "
                       "last page (last)"})


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


class _Unit(ma.Schema):
    unit = fields.String(**TEXT)
    unit_zh = fields.String(**TEXT)
    unit_en = fields.String(**TEXT)


class Indicator(_Unit):
    indicator_id = fields.String()
    indicator_zh = fields.String()
    indicator_en = fields.String()
    theme = fields.String()
    theme_zh = fields.String()
    theme_en = fields.String()
    direction = fields.String(**TEXT)
    note = fields.String(**TEXT)
    min_value = fields.Float(**TEXT)
    max_value = fields.Float(**TEXT)
    is_context = fields.Boolean()
    decimals = fields.Integer(metadata={"description": "公布精度（小数位）/ published decimals"})
    definition_zh = fields.String(**TEXT)
    definition_source = fields.String(**TEXT)
    target_ids = fields.List(fields.String())


class Target(_Unit):
    target_id = fields.String()
    document = fields.String(metadata={"description": "文件编号 / document number"})
    clause = fields.String(**TEXT)
    quote_zh = fields.String(**TEXT)
    note = fields.String(**TEXT)
    indicator_id = fields.String()
    indicator_zh = fields.String()
    indicator_en = fields.String()
    indicator_unit = fields.String()
    theme = fields.String()
    direction = fields.String(**TEXT)
    region_class = fields.String()
    region_class_zh = fields.String()
    region_class_en = fields.String()
    kind = fields.String()
    kind_zh = fields.String()
    kind_en = fields.String()
    deadline = fields.String(**TEXT)
    deadline_year = fields.Integer(**TEXT)
    value = fields.Float(**TEXT)
    value_high = fields.Float(**TEXT)
    unit_in_gazette = fields.String(**TEXT)
    target_value = fields.Float(**TEXT)
    target_value_high = fields.Float(**TEXT)
    baseline_year = fields.Integer(**TEXT)
    period_start = fields.Integer(**TEXT)


class Region(ma.Schema):
    code = fields.String(metadata={"description": "GB/T 2260"})
    name_zh = fields.String()
    name_en = fields.String(**TEXT)
    level = fields.String()
    kind = fields.String(**TEXT)
    parent_code = fields.String(**TEXT)
    valid_from = fields.String(**TEXT)
    valid_to = fields.String(**TEXT)
    classes = fields.List(fields.String())


class Value(_Unit):
    region_code = fields.String()
    region_zh = fields.String(**TEXT)
    region_en = fields.String(**TEXT)
    indicator_id = fields.String()
    indicator_zh = fields.String(**TEXT)
    indicator_en = fields.String(**TEXT)
    period = fields.Integer()
    value = fields.Float(metadata={"description": "按指标公布精度取整 / at the indicator's "
                                                  "published precision"})
    value_entered = fields.String(**TEXT)
    unit_entered = fields.String(**TEXT)
    note = fields.String(**TEXT)
    accepted = fields.Boolean()
    demo = fields.Boolean()
    revision_id = fields.Integer()
    source = fields.Dict(metadata={"description": "kind, name, loaded_at, loaded_by"})


class Status(_Unit):
    target_id = fields.String()
    region_code = fields.String()
    region_zh = fields.String(**TEXT)
    region_en = fields.String(**TEXT)
    region_class = fields.String()
    region_class_zh = fields.String(**TEXT)
    indicator_id = fields.String()
    indicator_zh = fields.String(**TEXT)
    indicator_en = fields.String(**TEXT)
    theme = fields.String(**TEXT)
    document = fields.String()
    clause = fields.String(**TEXT)
    kind = fields.String()
    direction = fields.String(**TEXT)
    deadline = fields.String(**TEXT)
    deadline_year = fields.Integer(**TEXT)
    as_of_year = fields.Integer()
    method = fields.String(metadata={"description": "escap | opensdg"})
    status = fields.String(metadata={"description": "所选方法的状态 / the method's status"})
    status_zh = fields.String(**TEXT)
    status_en = fields.String(**TEXT)
    escap_status = fields.String(**TEXT, metadata={"description": "method=opensdg 时 / with "
                                                                  "method=opensdg"})
    opensdg_status = fields.String(**TEXT, metadata={"description": "method=escap 时 / with "
                                                                    "method=escap"})
    opensdg_score = fields.Float(**TEXT)
    actual = fields.Float(**TEXT)
    actual_period = fields.Integer(**TEXT)
    stale = fields.Boolean(**TEXT)
    target_value = fields.Float(**TEXT)
    target_lower = fields.Float(**TEXT)
    target_upper = fields.Float(**TEXT)
    gap = fields.Float(**TEXT)
    gap_pct = fields.Float(**TEXT)
    anticipated = fields.Float(**TEXT)
    required_yearly_change = fields.Float(**TEXT)
    baseline = fields.Float(**TEXT)
    demo = fields.Boolean()


class IndicatorPage(Page):
    items = fields.List(fields.Nested(Indicator))


class TargetPage(Page):
    items = fields.List(fields.Nested(Target))


class RegionPage(Page):
    items = fields.List(fields.Nested(Region))


class ValuePage(DataPage):
    items = fields.List(fields.Nested(Value))
    as_of = fields.String(allow_none=True)


class StatusPage(DataPage):
    items = fields.List(fields.Nested(Status))
    method = fields.String(metadata={"description": "escap | opensdg"})
    year = fields.Integer(metadata={"description": "评估年份（未给出时为最新有数据的年份）/ the "
                                                   "year judged (when not given, the latest "
                                                   "with data)"})
