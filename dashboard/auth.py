"""Login for the dashboard: Flask-Login sessions, the login page, and who may write what.

Reading is public unless TARGETS_LOGIN_REQUIRED_TO_READ=1; writing always needs a login as a
planner (own regions) or an admin; review steps are checked by etl.review. The session key
comes from TARGETS_SECRET_KEY, else from a
file generated once outside the repository ($XDG_CONFIG_HOME/jilin-targets/secret_key, mode
0600). Cookies are Secure, HttpOnly and SameSite=Lax; TARGETS_INSECURE_COOKIES=1 drops Secure
for plain-http deployments that are not on localhost.

Logging out is a POST carrying the session's logout token (GET /logout only asks); it moves the
user's session generation on in the store, so a session cookie captured before is refused
after, as after a new password (etl/users.py).
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import dash_bootstrap_components as dbc
import flask
import flask_login
from dash import html
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from api import is_api_path
from dashboard import review_text
from dashboard.login_page import (
    LOGIN_CSRF,
    LOGOUT_CSRF,
    TEXT,
    login_page,
    logout_page,
    logout_token,
    text,
    with_language,
)
from etl.store import Store
from etl.users import LoginRefused, User, UserStore

SECRET_KEY_ENV = "TARGETS_SECRET_KEY"
INSECURE_COOKIES_ENV = "TARGETS_INSECURE_COOKIES"
LOGIN_TO_READ_ENV = "TARGETS_LOGIN_REQUIRED_TO_READ"
LOGIN_TO_READ = "TARGETS_LOGIN_REQUIRED_TO_READ"  # the Flask config key
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIN_SECRET_CHARS = 32
PUBLIC_PATHS = ("/login", "/logout", "/_favicon.ico")
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/static/")
DASH_PREFIXES = ("/_dash-", "/_reload-hash")
# Flask answers HEAD with the GET view: treated as a POST it was refused with 400.
READ_METHODS = frozenset({"GET", "HEAD"})
USERS = "targets_users"  # the key of the UserStore in server.extensions
log = logging.getLogger(__name__)


class SessionUser(flask_login.UserMixin):
    """What Flask-Login keeps: the user and a session key that a new password or a logout
    invalidates."""

    def __init__(self, user: User, key: str) -> None:
        self.user, self.key = user, key

    def get_id(self) -> str:
        return self.key


# --- setup -----------------------------------------------------------------------------------

def init_auth(server: flask.Flask, store: Store) -> None:
    """Sessions, cookie flags, the upload limit, /login and /logout, and the read guard."""
    server.config.update(settings())
    users = UserStore(store)
    server.extensions[USERS] = users
    manager = flask_login.LoginManager()
    manager.init_app(server)
    manager.user_loader(lambda key: _session_user(users, key))
    server.before_request(_guard)
    server.register_error_handler(RequestEntityTooLarge, _too_large)
    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout, methods=["GET", "POST"])


def settings() -> dict[str, Any]:
    """The Flask configuration this module sets, read from the environment."""
    secure = os.environ.get(INSECURE_COOKIES_ENV) != "1"
    return {
        "SECRET_KEY": secret_key(),
        "SESSION_COOKIE_SECURE": secure, "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure, "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # dcc.Upload sends the file base64-encoded: 4/3 of its size, plus the request.
        "MAX_CONTENT_LENGTH": MAX_UPLOAD_BYTES * 4 // 3 + 64 * 1024,
        LOGIN_TO_READ: os.environ.get(LOGIN_TO_READ_ENV) == "1",
    }


def _session_user(users: UserStore, key: str) -> SessionUser | None:
    user = users.by_session_key(key)
    return None if user is None else SessionUser(user, key)


# --- the secret key --------------------------------------------------------------------------

def secret_key() -> str:
    """TARGETS_SECRET_KEY, else the key in secret_key_path(), generated there when missing."""
    configured = os.environ.get(SECRET_KEY_ENV, "")
    if configured:
        if len(configured) < MIN_SECRET_CHARS:
            raise RuntimeError(f"{SECRET_KEY_ENV} 至少需要 {MIN_SECRET_CHARS} 个字符 / "
                               f"{SECRET_KEY_ENV} needs at least {MIN_SECRET_CHARS} characters")
        return configured
    return _key_from_file(secret_key_path())


def secret_key_path() -> Path:
    """$XDG_CONFIG_HOME/jilin-targets/secret_key, by default under ~/.config: outside git."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "jilin-targets" / "secret_key"


def _key_from_file(path: Path) -> str:
    if not path.exists():
        _create_key_file(path)
    elif path.stat().st_mode & 0o077:
        log.warning("%s can be read by others; it should have mode 0600", path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_SECRET_CHARS:
        raise RuntimeError(f"密钥文件 {path} 内容过短 / the key file {path} is too short")
    return key


def _create_key_file(path: Path) -> None:
    """Written to a private temporary file, then linked into place: several workers starting
    at once agree on the first key, and none reads a half-written one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another worker was first: its key holds
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


# --- who is logged in ------------------------------------------------------------------------

def current_user() -> User | None:
    """The user of this request's session, or None (also outside a request)."""
    if not flask.has_request_context() or not hasattr(flask.current_app, "login_manager"):
        return None
    session_user = flask_login.current_user
    return session_user.user if session_user.is_authenticated else None


def require_writer(region_code: str) -> User:
    """The logged-in user if they may write this region's values, else PermissionError."""
    user = current_user()
    if user is None:
        zh, en = TEXT["need_login_to_write"]
        raise PermissionError(f"{zh} / {en}")
    if not user.can_write(region_code):
        raise PermissionError(
            f"{user.name}（{user.role}）无权修改地区 {region_code} 的数据 / "
            f"{user.name} ({user.role}) may not change the values of region {region_code}")
    return user


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site ("/indicator/x?lang=en"), else "/"."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(char) < 33 or ord(char) == 127 for char in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("/login"):
        return "/"
    return target


# --- the header ------------------------------------------------------------------------------

def nav_items(language: str, here: str) -> list[Any]:
    """A login link, or the user's name and a logout button, for the navigation bar. The
    button posts the session's logout token: a link (a GET) cannot log anyone out."""
    english = {"lang": "en"} if language == "en" else {}
    user = current_user()
    if user is None:
        query = urlencode({"next": safe_next(here), **english})
        return [dbc.NavLink(text("login", language), href=f"/login?{query}", id="nav-login",
                            external_link=True)]
    logout = "/logout" + (f"?{urlencode(english)}" if english else "")
    return [*_review_link(user, language, english),
            html.Span(user.name, id="nav-user", className="navbar-text px-2"),
            # The submit button carries the token: a form posts its button's name and value.
            html.Form(html.Button(text("logout", language), type="submit", name="csrf",
                                  value=logout_token(), id="nav-logout",
                                  className="btn btn-link nav-link"),
                      method="post", action=logout, className="d-inline", id="nav-logout-form")]


REVIEW_ROLES = frozenset({"planner", "reviewer", "statistician", "admin"})


def _review_link(user: User, language: str, english: dict[str, str]) -> list[Any]:
    """The review page, for those who submit, review, accept or unlock (not leaders)."""
    if user.role not in REVIEW_ROLES:
        return []
    target = "/review" + (f"?{urlencode(english)}" if english else "")
    return [dbc.NavLink(review_text.rt("nav_review", language), href=target, id="nav-review")]


# --- request handling ------------------------------------------------------------------------

def _language() -> str:
    return "en" if flask.request.values.get("lang") == "en" else "zh"


def _guard() -> Response | tuple[Response, int] | None:
    """With TARGETS_LOGIN_REQUIRED_TO_READ, everything but the login page and static files
    needs a login: pages redirect to /login, Dash requests get a JSON 401; /api/ checks its
    own readers (a session or a token)."""
    if not flask.current_app.config.get(LOGIN_TO_READ) or _public(flask.request.path):
        return None
    if is_api_path(flask.request.path):
        return None  # the API answers JSON 401 itself, and also opens to tokens (api.access)
    if flask_login.current_user.is_authenticated:
        return None
    if flask.request.path.startswith(DASH_PREFIXES):
        return _json_error("need_login", 401)
    here = flask.request.full_path.rstrip("?")
    return flask.redirect("/login?" + urlencode({"next": safe_next(here)}), 303)


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _json_error(key: str, status: int) -> tuple[Response, int]:
    zh, en = TEXT[key]
    return flask.jsonify(error={"zh": zh, "en": en}, message=f"{zh} / {en}"), status


def _too_large(_error: RequestEntityTooLarge) -> tuple[Response, int] | Response:
    if flask.request.path.startswith(DASH_PREFIXES):
        return _json_error("too_large", 413)
    zh, en = TEXT["too_large"]
    return flask.Response(f"{zh}\n{en}\n", 413, mimetype="text/plain")


def _login() -> Response:
    language = _language()
    target = safe_next(flask.request.values.get("next"))
    if flask.request.method in READ_METHODS:
        return login_page(language, target, "", 200)
    if not _token_matches(flask.session.pop(LOGIN_CSRF, "")):
        return login_page(language, target, text("expired", language), 400)
    users: UserStore = flask.current_app.extensions[USERS]
    try:
        user = users.authenticate(flask.request.form.get("name", "").strip(),
                                  flask.request.form.get("password", ""))
    except LoginRefused as refused:
        return _refused(refused, language, target)
    flask.session.clear()
    # Made now, in the cookie of this answer: made later by the header's callback, it could be
    # lost to another callback's answer writing the session cookie at the same time.
    logout_token()
    flask_login.login_user(SessionUser(user, users.session_key(user)))
    return flask.redirect(with_language(target, language), 303)


def _refused(refused: LoginRefused, language: str, target: str) -> Response:
    if not refused.retry_after_seconds:
        return login_page(language, target, refused.reason(language), 200)
    response = login_page(language, target, refused.reason(language), 429)
    response.headers["Retry-After"] = str(refused.retry_after_seconds)
    return response


def _token_matches(expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected, flask.request.form.get("csrf", ""))


def _logout() -> Response:
    """GET asks (a link, an image or a page elsewhere logs nobody out); a POST with the
    session's logout token ends every session of the user in the store, then this one."""
    language = _language()
    home = "/?lang=en" if language == "en" else "/"
    if flask.request.method in READ_METHODS:
        if not flask_login.current_user.is_authenticated:
            return flask.redirect(home, 303)
        return logout_page(language, "", 200)
    if not _token_matches(flask.session.get(LOGOUT_CSRF, "")):
        return logout_page(language, text("logout_expired", language), 400)
    session_user = flask_login.current_user
    if session_user.is_authenticated:
        users: UserStore = flask.current_app.extensions[USERS]
        users.end_sessions(session_user.user.id)
    flask_login.logout_user()
    flask.session.clear()
    return flask.redirect(home, 303)
