"""The read API's refusals as JSON: a code, the message in Chinese and English, details."""

from __future__ import annotations

from typing import Any

import flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

MESSAGES: dict[str, tuple[str, str]] = {
    "bad_parameter": ("请求参数无效。", "A request parameter is not valid."),
    "unknown_region": ("未知地区。", "Unknown region."),
    "unknown_indicator": ("未知指标。", "Unknown indicator."),
    "unknown_theme": ("未知主题。", "Unknown theme."),
    "unknown_document": ("未知文件。", "Unknown document."),
    "no_such_page": ("没有这一页：最后一页见 details.last。",
                     "There is no such page: details.last is the last one."),
    "need_login": ("读取数据需要登录或 API 令牌。",
                   "Reading needs a login or an API token."),
    "bad_authorization": ("Authorization 请求头格式无效，应为 “Bearer 令牌”。",
                          "The Authorization header is malformed: use 'Bearer TOKEN'."),
    "bad_token": ("API 令牌无效或已撤销。", "The API token is not valid or has been revoked."),
    "forbidden": ("无权执行此操作。", "You may not do this."),
    "foreign_origin": ("请求来自其他网站，已拒绝。", "The request came from another site and was "
                       "refused."),
    "not_found": ("没有找到所请求的内容。", "What was asked for was not found."),
    "read_only": ("API 只读：只支持 GET 请求。", "The API is read-only: only GET is supported."),
    "server_error": ("服务器处理请求时出错。请稍后重试；如仍出错，请联系管理员。",
                     "The server failed to handle the request. Please try again later, and "
                     "tell the administrator if it happens again."),
}
BY_STATUS = {400: "bad_parameter", 401: "need_login", 403: "forbidden", 404: "not_found",
             405: "read_only", 422: "bad_parameter", 500: "server_error"}


class ApiError(Exception):
    """A refusal raised by a route: `key` of MESSAGES, the HTTP status, details (JSON)."""

    def __init__(self, key: str, status: int, **details: Any) -> None:
        super().__init__(key)
        self.key, self.status, self.details = key, status, details


def error_response(key: str, status: int, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    zh, en = MESSAGES[key]
    body: dict[str, Any] = {"code": key, "status": status, "message_zh": zh, "message_en": en}
    if details:
        body["details"] = details
    response = flask.jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_api_error(error: ApiError) -> Response:
    return error_response(error.key, error.status, error.details)


def from_http_exception(error: HTTPException) -> Response:
    """Any HTTP error under /api/ as JSON; webargs' refusal of a parameter (422, its messages
    in `data`) is a 400 naming each parameter and what is wrong with it."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    details: dict[str, Any] = {}
    messages = data.get("messages")
    if messages:
        # webargs nests the messages under the location: {"query": {"limit": [...]}}.
        details["parameters"] = messages.get("query", messages) \
            if isinstance(messages, dict) else messages
    if status == 422:
        status = 400
    headers = {"Allow": ", ".join(error.valid_methods)} \
        if status == 405 and getattr(error, "valid_methods", None) else None
    return error_response(BY_STATUS.get(status, "bad_parameter"), status, details, headers)
