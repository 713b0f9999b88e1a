"""The /api/v1 routes: indicators, targets, regions, values and statuses; GET only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import flask
import marshmallow as ma
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from api import answers, schemas
from api.data import ApiData
from api.errors import ApiError, from_api_error, from_http_exception
from api.paging import answer, single

DATA = "targets_api"  # the ApiData in server.extensions
blp = Blueprint("api_v1", __name__, url_prefix="/api/v1",
                description="吉林省目标监测只读 API / the Jilin target monitor's read API")
blp.register_error_handler(ApiError, from_api_error)
blp.register_error_handler(HTTPException, from_http_exception)
REFUSALS = {400: "参数无效或重复 / a parameter is not valid, or repeated",
            401: "需要登录或令牌，或令牌无效 / a login or token is needed, or the token is "
                 "not valid",
            404: "未知的地区、指标、主题、文件或页 / an unknown region, indicator, theme, "
                 "document or page",
            405: "只读：只支持 GET 与 HEAD / read-only: GET and HEAD only"}
NOT_MODIFIED = "未改变（If-None-Match 与 ETag 相同）/ not modified"
# "+08:00" sent unencoded arrives as " 08:00": a space in the offset's place is read as "+".
SPACED_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) "
                           r"(\d{2}(?::?\d{2})?)$")


def _data() -> ApiData:
    return flask.current_app.extensions[DATA]  # type: ignore[no-any-return]


def _query(schema: type) -> Any:
    """A route's query parameters read by `schema`: an unknown one refused, a refusal a 400."""
    return blp.arguments(schema, location="query", as_kwargs=True, unknown=ma.RAISE,
                         error_status_code=400)


def _documented(page: type | None, text: str = "一页 / a page") -> Any:
    """The answers of a route, for the OpenAPI document: 200 (`page`), 304 and the refusals,
    each the ApiError body."""
    def decorate(view: Any) -> Any:
        view = blp.alt_response(200, schema=page, description=text, success=True)(view)
        view = blp.alt_response(304, description=NOT_MODIFIED)(view)
        for status, refusal in REFUSALS.items():
            view = blp.alt_response(status, schema=answers.ApiErrorSchema,
                                    description=refusal)(view)
        return view
    return decorate


@blp.route("/", methods=["GET"], strict_slashes=False)
@blp.doc(summary="API 目录 / what the API holds")
@_documented(None, "各路由与 OpenAPI 文档的地址 / the routes and the OpenAPI document")
def index() -> Response:
    return single("index", {}, lambda: {
        "openapi": "/api/v1/openapi.json",
        "routes": [f"/api/v1/{name}" for name in
                   ("indicators", "targets", "regions", "values", "statuses")]})


@blp.route("/indicators", methods=["GET"])
@_query(schemas.IndicatorArgs)
@_documented(answers.IndicatorPage)
def indicators(**args: Any) -> Response:
    """指标：代码、名称、单位、公布精度、定义及出处、目标 / indicators: id, names, unit,
    published precision, definition and its source, targets"""
    data = _data()
    ids = data.indicator_ids(args.get("id"))
    return answer(data.reference_version, args,
                  lambda: (data.indicators(ids, args.get("theme")), {}))


@blp.route("/targets", methods=["GET"])
@_query(schemas.TargetArgs)
@_documented(answers.TargetPage)
def targets(**args: Any) -> Response:
    """目标：公报文件、条款、原文、类型、目标值、期限 / targets: gazette document, clause,
    verbatim quote, kind, value, deadline"""
    data = _data()
    ids = data.indicator_ids(args.get("indicator"))
    return answer(data.reference_version, args,
                  lambda: (data.targets(ids, args.get("document")), {}))


@blp.route("/regions", methods=["GET"])
@_query(schemas.RegionArgs)
@_documented(answers.RegionPage)
def regions(**args: Any) -> Response:
    """地区名录（GB/T 2260 代码）/ the region register (GB/T 2260 codes)"""
    data = _data()
    codes = data.region_codes(args.get("code"))
    return answer(data.reference_version, args,
                  lambda: (data.regions(codes, args.get("level")), {}))


@blp.route("/values", methods=["GET"])
@_query(schemas.ValueArgs)
@_documented(answers.ValuePage)
def values(**args: Any) -> Response:
    """数值：默认为已确认数值；values=all 为全部当前数值；as_of 为当时写入的数值 / values: the
    accepted ones by default; values=all every current value; as_of as written then"""
    data = _data()
    as_of = _moment(args.get("as_of"))
    view = _view(args.get("values"), as_of)
    if args.get("first") and args.get("last") and args["first"] > args["last"]:
        raise ApiError("bad_parameter", 400, parameters={"from": ["from > to"]})
    selection = {"regions": data.region_codes(args.get("region")),
                 "indicators": data.indicator_ids(args.get("indicator"))}

    def build() -> tuple[Any, dict[str, Any]]:
        frame = data.values(**selection, first=args.get("first"), last=args.get("last"),
                            as_of=as_of, view=view)
        return frame, {"values": view, "as_of": None if as_of is None else as_of.isoformat(),
                       "demo": bool(frame["demo"].any())}

    return answer(data.data_version(), {**args, "view": view}, build)


@blp.route("/statuses", methods=["GET"])
@_query(schemas.StatusArgs)
@_documented(answers.StatusPage)
def statuses(**args: Any) -> Response:
    """目标状态，按年份与方法（escap 本系统 / opensdg）/ target statuses by year and method
    (escap: ours; opensdg: Open SDG's)"""
    data = _data()
    view = _view(args.get("values"), None)
    selection = {"regions": data.region_codes(args.get("region")),
                 "indicators": data.indicator_ids(args.get("indicator"))}

    def build() -> tuple[Any, dict[str, Any]]:
        demo = data.demo_in_use(view)
        table, year = data.statuses(**selection, year=args.get("year"), method=args["method"],
                                    view=view)
        return table.assign(demo=demo), {"values": view, "method": args["method"],
                                         "year": year, "demo": demo}

    return answer(data.data_version(), {**args, "view": view}, build)


def _moment(text: str | None) -> dt.datetime | None:
    """An ISO 8601 date or time (UTC unless it says otherwise), as `targets export --as-of`."""
    if text is None:
        return None
    text = SPACED_OFFSET.sub(r"\1+\2", text.strip())
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise ApiError("bad_parameter", 400, parameters={
            "as_of": ["不是 ISO 日期或时间（2019-06-30、2019-06-30T12:00+08:00；+ 写作 %2B）/ not "
                      "an ISO date or time (2019-06-30 or 2019-06-30T12:00+08:00; send + as "
                      "%2B)"]}) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _view(values: str | None, as_of: dt.datetime | None) -> str:
    """accepted by default; as_of reads every value as written then, so it needs all."""
    if as_of is not None:
        if values == "accepted":
            raise ApiError("bad_parameter", 400, parameters={
                "values": ["as_of reads every value as written then: use values=all or leave "
                           "values out"]})
        return "all"
    return values or "accepted"
