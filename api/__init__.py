"""The read API at /api/v1 (flask-smorest on the dashboard's Flask server): its OpenAPI document
at /api/v1/openapi.json, paged JSON with ETags, the pages' read rule plus read-only tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import flask
from flask_smorest import Api
from werkzeug.wrappers import Response

from api.access import API_PREFIX, install_access, is_api_path, is_private
from api.answers import ApiErrorSchema
from api.data import ApiData
from api.errors import from_http_exception
from api.routes import DATA, blp
from etl.api_tokens import TokenStore
from etl.store import Store

__all__ = ["API_PREFIX", "from_http_exception", "install_api", "is_api_path"]

SETTINGS = {
    "API_TITLE": "吉林省目标监测 API / Jilin target monitor API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


class _Api(Api):  # type: ignore[misc]
    """flask-smorest's Api without its app-wide error handler: the app answers its own pages'
    errors; the API's are JSON by api.errors (registered on its blueprint, and used by the
    app's handler for paths under /api/). Its document describes that JSON (ApiError, not
    flask-smorest's own Error), has no pagination header (the pages are in the body), and is
    sent with an ETag."""

    ERROR_SCHEMA = ApiErrorSchema
    _document: tuple[bytes, str] | None = None

    def _register_error_handlers(self) -> None:
        return None

    def _register_pagination_header(self) -> None:
        return None

    def _openapi_json(self) -> Response:
        # The document is fixed once the routes are registered: built once, tagged by its hash.
        if self._document is None:
            body = flask.json.dumps(self.spec.to_dict(), indent=2, sort_keys=False).encode()
            self._document = body, hashlib.sha256(body).hexdigest()[:40]
        body, tag = self._document
        response = Response(status=304) if flask.request.if_none_match.contains_weak(tag) \
            else Response(body, mimetype="application/json")
        response.set_etag(tag)
        response.headers["Cache-Control"] = "private, no-cache" if is_private() else "no-cache"
        response.headers["Vary"] = "Authorization, Cookie"
        return response


def install_api(server: flask.Flask, store: Store, login_to_read: Callable[[], bool]) -> Api:
    """Mount /api/v1 on `server`, reading `store`; `login_to_read()` says whether reading needs
    a login (then a session or a token opens the API)."""
    server.config.update(SETTINGS)
    server.extensions[DATA] = ApiData(store)
    install_access(server, TokenStore(store), login_to_read)
    api = _Api(server, spec_kwargs={"security": [{"bearer": []}, {"session": []}, {}]})
    api.spec.components.security_scheme("bearer", {
        "type": "http", "scheme": "bearer",
        "description": "targets token add NAME（只读）/ targets token add NAME (read-only)"})
    api.spec.components.security_scheme("session", {
        "type": "apiKey", "in": "cookie", "name": "session",
        "description": "仪表板的登录会话 / the dashboard's login session"})
    api.register_blueprint(blp)
    return api
