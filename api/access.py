"""Who may read /api/v1: everyone, unless reading needs a login; then a session or a token.

A request that sends `Authorization` must send a valid `Bearer` token (else 401, whatever the
read rule), so a machine learns at once that its token was revoked. A token only opens /api/:
the dashboard's pages and its write callbacks read the login session alone and never this
header, and the API has no route that writes (405 for every method but GET, HEAD and Flask's
own OPTIONS).
"""

from __future__ import annotations

from collections.abc import Callable

import flask
import flask_login
from werkzeug.wrappers import Response

from api.errors import error_response
from etl.api_tokens import TokenStore

API_PREFIX = "/api/"
API_ENDPOINTS = ("api_v1.", "api-docs.")  # the routes' blueprint, flask-smorest's document
CHALLENGE = 'Bearer realm="jilin-targets"'


def install_access(server: flask.Flask, tokens: TokenStore,
                   login_to_read: Callable[[], bool]) -> None:
    """Check every request under /api/ before it is routed (so 404 and 405 too)."""

    def check() -> Response | None:
        if not is_api_path(flask.request.path):
            return None
        refused = _refusal(tokens, login_to_read())
        if refused is not None:
            return refused
        # An address under /api/ that names no route of the API is a 404, not a page of the
        # dashboard (whose pages catch every other path); routing errors (405) raise later.
        rule = flask.request.url_rule
        if flask.request.routing_exception is None and (
                rule is None or not str(rule.endpoint).startswith(API_ENDPOINTS)):
            return error_response("not_found", 404)
        return None

    server.before_request(check)


def is_api_path(path: str) -> bool:
    """Whether a request is the API's (/api/v1 itself, or anything under /api/)."""
    return path.startswith(API_PREFIX) or path == "/api/v1"


def _refusal(tokens: TokenStore, login_to_read: bool) -> Response | None:
    header = flask.request.headers.get("Authorization")
    if header is not None:
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return error_response("bad_authorization", 401, headers={
                "WWW-Authenticate": f'{CHALLENGE}, error="invalid_request"'})
        token = tokens.check(secret.strip())
        if token is None:
            return error_response("bad_token", 401, headers={
                "WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})
        flask.g.api_reader = f"token:{token.name}"
        return None
    if not login_to_read or _session_open():
        flask.g.api_reader = "session" if _session_open() else "public"
        return None
    return error_response("need_login", 401, headers={"WWW-Authenticate": CHALLENGE})


def _session_open() -> bool:
    """Whether the request carries a logged-in dashboard session (Flask-Login's)."""
    if not hasattr(flask.current_app, "login_manager"):
        return False
    return bool(flask_login.current_user.is_authenticated)


def is_private() -> bool:
    """Whether this answer was given to a token or a session (not to anyone)."""
    return flask.g.get("api_reader", "public") != "public"
