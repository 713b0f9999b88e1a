"""The web app's guards on every request: same-origin writes, security headers, no banner, and
no traceback for an unhandled error.

Origin check. A request that can change something (POST, PUT, PATCH, DELETE: Dash callbacks,
login, logout, uploads) is refused with 403 when its Origin header names another site, or, with
no Origin, when its Referer does; `Origin: null` (sandboxed frames, some redirects) is refused
too. A request with neither header is accepted: browsers send Origin with every POST (and
Referer is only left out by a policy of the sending page), so such a request comes from a
script or tool, which cannot borrow a user's cookie in the first place; cookies are also
SameSite=Lax. "The app's own site" is the Host the request was sent to: behind a reverse proxy,
pass the Host header through (nginx: proxy_set_header Host $host).

Headers. Every response carries a Content-Security-Policy (scripts only from this server and the
inline scripts Dash itself writes, by their hashes; no framing), X-Frame-Options DENY,
X-Content-Type-Options nosniff and Referrer-Policy same-origin. Styles allow 'unsafe-inline':
plotly and AG Grid insert <style> elements at run time. Pages that set a stricter policy of
their own (the login page) keep it.

Server banner. Werkzeug's server names itself and the Python version in every response;
QuietRequestHandler, which `targets serve` uses, says only the product name. gunicorn says
"gunicorn" without a version. (The Server header comes from the server, not the app.)
"""

from __future__ import annotations

import logging
from typing import NoReturn
from urllib.parse import urlsplit

import dash
import flask
from dash.exceptions import DependencyException
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Response

from api import from_http_exception, is_api_path
from api.errors import BY_STATUS, error_response
from api.errors import MESSAGES as API_MESSAGES
from dashboard.auth import DASH_PREFIXES

SERVER_NAME = "jilin-targets"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": "80", "https": "443"}
log = logging.getLogger(__name__)

MESSAGES: dict[str, tuple[str, str]] = {
    "foreign_origin": ("请求来自其他网站，已拒绝。请在本系统的页面上操作。",
                       "The request came from another site and was refused. Please use this "
                       "site's own pages."),
    "bad_request": ("请求内容无效，未被处理。请刷新页面后重试。",
                    "The request was not valid and was not processed. Please reload the page "
                    "and try again."),
    "forbidden": ("无权执行此操作。", "You may not do this."),
    "not_found": ("没有找到所请求的内容。", "What was asked for was not found."),
    "not_allowed": ("不支持此请求方式。", "This kind of request is not supported here."),
    "server_error": ("服务器处理请求时出错，未作任何修改。请稍后重试；如仍出错，请联系管理员。",
                     "The server failed to handle the request and changed nothing. Please try "
                     "again later, and tell the administrator if it happens again."),
}
STATUS_MESSAGES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed",
                   500: "server_error"}


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler without its version banner (`Server: Werkzeug/x Python/y`)."""

    def version_string(self) -> str:
        return SERVER_NAME


def init_security(app: dash.Dash) -> None:
    """The origin check (first of all request checks), the headers, the error answers."""
    server = app.server
    server.before_request_funcs.setdefault(None, []).insert(0, _same_origin_only)
    policy: list[str] = []  # made at the first response, when Dash has gathered its scripts

    def with_headers(response: Response) -> Response:
        if not policy:
            policy.append(content_security_policy(app))
        return _with_headers(response, policy[0])

    server.after_request(with_headers)
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(InternalServerError, _server_error)
    server.register_error_handler(DependencyException, _unknown_asset)


def content_security_policy(app: dash.Dash) -> str:
    """The policy of the app's pages, once every callback is defined and Dash has set itself
    up (the hashes are those of the inline scripts it writes into its page: the renderer's
    start and the clientside callbacks)."""
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def refuse(key: str, status: int = 400) -> NoReturn:
    """End the request with `status` and the message `key` (MESSAGES) in both languages."""
    flask.abort(answer(key, status))


# --- the origin check ------------------------------------------------------------------------

def _same_origin_only() -> Response | None:
    request = flask.request
    if request.method not in UNSAFE_METHODS:
        return None
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if claimed is None:
        return None
    site = _site(claimed)
    if site is not None and site == _own_site():
        return None
    log.warning("refused a %s %s from origin %r", request.method, request.path, claimed[:200])
    return answer("foreign_origin", 403)


def _site(url: str) -> str | None:
    """The host and port a URL points to ("example.gov", "127.0.0.1:8050"); None for "null"
    or anything that is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    shown = str(port) if port is not None and str(port) != DEFAULT_PORTS[parts.scheme] else ""
    return parts.hostname + (f":{shown}" if shown else "")


def _own_site() -> str | None:
    # The scheme of the request is what reached this process (http behind a TLS proxy), so
    # both default ports count as none.
    host = flask.request.host.lower()
    for port in DEFAULT_PORTS.values():
        host = host.removesuffix(f":{port}")
    return _site(f"http://{host}")


# --- headers ---------------------------------------------------------------------------------

def _with_headers(response: Response, policy: str) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "same-origin")
    return response


# --- errors ----------------------------------------------------------------------------------

def _http_error(error: HTTPException) -> Response:
    """Refusals (abort(403), 404, 405 ...) with a message in both languages, never a page of
    Werkzeug's; a response given to abort() is kept as it is."""
    if error.response is not None:
        return error.response
    if is_api_path(flask.request.path):
        return from_http_exception(error)
    status = error.code or 500
    return answer(STATUS_MESSAGES.get(status, "bad_request"), status)


def _unknown_asset(_error: DependencyException) -> Response:
    """Dash raises DependencyException for a script of a package or a file it does not serve
    (/_dash-component-suites/nope/x.js): an address that names nothing, so a 404."""
    return answer("not_found", 404)


def _server_error(error: InternalServerError) -> Response:
    """An unhandled exception: logged with its traceback, answered with a short message."""
    original = getattr(error, "original_exception", None)
    log.error("unhandled error in %s %s", flask.request.method, flask.request.path,
              exc_info=original or error)
    return answer("server_error", 500)


def answer(key: str, status: int) -> Response:
    """JSON for Dash's requests (it shows nothing else) and the API's, plain text for the
    rest."""
    zh, en = MESSAGES[key]
    if is_api_path(flask.request.path):
        known = key if key in API_MESSAGES else BY_STATUS.get(status, "bad_parameter")
        return error_response(known, status)
    if flask.request.path.startswith(DASH_PREFIXES):
        response = flask.jsonify(error={"zh": zh, "en": en}, message=f"{zh} / {en}")
        response.status_code = status
        return response
    return flask.Response(f"{zh}\n{en}\n", status, mimetype="text/plain")
