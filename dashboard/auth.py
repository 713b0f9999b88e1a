"""Login for the dashboard: Flask-Login sessions, the login page, and who may write what.

Reading is public unless TARGETS_LOGIN_REQUIRED_TO_READ=1; writing always needs a login as a
planner (own regions) or an admin. The session key comes from TARGETS_SECRET_KEY, else from a
file generated once outside the repository ($XDG_CONFIG_HOME/jilin-targets/secret_key, mode
0600). Cookies are Secure, HttpOnly and SameSite=Lax; TARGETS_INSECURE_COOKIES=1 drops Secure
for plain-http deployments that are not on localhost.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
import tempfile
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import dash_bootstrap_components as dbc
import flask
import flask_login
from dash import html
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from etl.store import Store
from etl.users import MAX_NAME, MAX_PASSWORD, LoginRefused, User, UserStore

SECRET_KEY_ENV = "TARGETS_SECRET_KEY"
INSECURE_COOKIES_ENV = "TARGETS_INSECURE_COOKIES"
LOGIN_TO_READ_ENV = "TARGETS_LOGIN_REQUIRED_TO_READ"
LOGIN_TO_READ = "TARGETS_LOGIN_REQUIRED_TO_READ"  # the Flask config key
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIN_SECRET_CHARS = 32
PUBLIC_PATHS = ("/login", "/logout", "/_favicon.ico")
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/static/")
DASH_PREFIXES = ("/_dash-", "/_reload-hash")
USERS = "targets_users"  # the key of the UserStore in server.extensions
CSRF = "login_csrf"  # the session key of the login form's token
LOGIN_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
log = logging.getLogger(__name__)

TEXT: dict[str, tuple[str, str]] = {
    "title": ("登录 · 吉林省目标监测", "Log in · Jilin target monitor"),
    "heading": ("登录", "Log in"),
    "name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "submit": ("登录", "Log in"),
    "switch": ("English", "中文"),
    "back": ("返回总览（无需登录即可查看时）", "Back to the overview (when reading is public)"),
    "expired": ("表单已过期，请重新输入后登录。", "The form has expired; please log in again."),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "need_login": ("请先登录。", "Please log in."),
    "need_login_to_write": ("修改数据需要先登录。", "Log in to change data."),
    "too_large": ("上传内容超过 10 MB 的上限，未被接收。",
                  "The upload is larger than the 10 MB limit and was refused."),
}


def text(key: str, language: str) -> str:
    zh, en = TEXT[key]
    return en if language == "en" else zh


class SessionUser(flask_login.UserMixin):
    """What Flask-Login keeps: the user and a session key that a new password invalidates."""

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
    """A login link, or the user's name and a logout link, for the navigation bar."""
    english = {"lang": "en"} if language == "en" else {}
    user = current_user()
    if user is None:
        query = urlencode({"next": safe_next(here), **english})
        return [dbc.NavLink(text("login", language), href=f"/login?{query}", id="nav-login",
                            external_link=True)]
    logout = "/logout" + (f"?{urlencode(english)}" if english else "")
    return [html.Span(user.name, id="nav-user", className="navbar-text px-2"),
            dbc.NavLink(text("logout", language), href=logout, id="nav-logout",
                        external_link=True)]


# --- request handling ------------------------------------------------------------------------

def _language() -> str:
    return "en" if flask.request.values.get("lang") == "en" else "zh"


def _guard() -> Response | tuple[Response, int] | None:
    """With TARGETS_LOGIN_REQUIRED_TO_READ, everything but the login page and static files
    needs a login: pages redirect to /login, Dash requests get a JSON 401."""
    if not flask.current_app.config.get(LOGIN_TO_READ) or _public(flask.request.path):
        return None
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
    if flask.request.method == "GET":
        return _form(language, target, "", 200)
    token = flask.session.pop(CSRF, "")
    if not token or not hmac.compare_digest(token, flask.request.form.get("csrf", "")):
        return _form(language, target, text("expired", language), 400)
    users: UserStore = flask.current_app.extensions[USERS]
    try:
        user = users.authenticate(flask.request.form.get("name", "").strip(),
                                  flask.request.form.get("password", ""))
    except LoginRefused as refused:
        return _refused(refused, language, target)
    flask.session.clear()
    flask_login.login_user(SessionUser(user, users.session_key(user)))
    return flask.redirect(_with_language(target, language), 303)


def _refused(refused: LoginRefused, language: str, target: str) -> Response:
    if not refused.retry_after_seconds:
        return _form(language, target, refused.reason(language), 200)
    response = _form(language, target, refused.reason(language), 429)
    response.headers["Retry-After"] = str(refused.retry_after_seconds)
    return response


def _with_language(target: str, language: str) -> str:
    if language != "en" or "lang=" in target:
        return target
    return target + ("&" if "?" in target else "?") + "lang=en"


def _logout() -> Response:
    flask_login.logout_user()
    flask.session.clear()
    return flask.redirect("/?lang=en" if _language() == "en" else "/", 303)


# --- the login page --------------------------------------------------------------------------

def _form(language: str, target: str, error: str, status: int) -> Response:
    token = secrets.token_urlsafe(32)
    flask.session[CSRF] = token
    response = flask.Response(_page(language, target, error, token), status,
                              mimetype="text/html")
    response.headers.update(LOGIN_HEADERS)
    return response


def _page(language: str, target: str, error: str, token: str) -> str:
    other = "zh" if language == "en" else "en"
    switch = "/login?" + urlencode({"next": target, **({"lang": "en"} if other == "en" else {})})
    action = "/login?" + urlencode({"next": target, **({"lang": "en"} if language == "en" else {})})
    problem = f'<p id="login-error" role="alert">{escape(error)}</p>' if error else ""
    return PAGE.format(
        lang="en" if language == "en" else "zh-CN", title=escape(text("title", language)),
        heading=escape(text("heading", language)), problem=problem, action=escape(action),
        csrf=escape(token), name=escape(text("name", language)), max_name=MAX_NAME,
        password=escape(text("password", language)), max_password=MAX_PASSWORD,
        submit=escape(text("submit", language)), switch_href=escape(switch),
        switch=escape(text("switch", language)), back_href=escape(_with_language("/", language)),
        back=escape(text("back", language)))


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       background: #f6f7f9; margin: 0; color: #212529; }}
main {{ max-width: 22rem; margin: 10vh auto; background: #fff; padding: 2rem;
       border: 1px solid #dee2e6; border-radius: .5rem; }}
h1 {{ font-size: 1.4rem; margin-top: 0; }}
label {{ display: block; margin-top: 1rem; }}
input {{ width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem;
        border: 1px solid #adb5bd; border-radius: .25rem; }}
button {{ margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem; color: #fff;
         background: #0d6efd; border: 0; border-radius: .25rem; cursor: pointer; }}
#login-error {{ color: #842029; background: #f8d7da; padding: .5rem; border-radius: .25rem; }}
nav {{ margin-top: 1.5rem; display: flex; justify-content: space-between; font-size: .9rem; }}
</style>
</head>
<body>
<main>
<h1>{heading}</h1>
{problem}
<form method="post" action="{action}">
<input type="hidden" name="csrf" value="{csrf}">
<label for="login-name">{name}</label>
<input id="login-name" name="name" autocomplete="username" required maxlength="{max_name}"
       autofocus>
<label for="login-password">{password}</label>
<input id="login-password" name="password" type="password" autocomplete="current-password"
       required maxlength="{max_password}">
<button id="login-submit" type="submit">{submit}</button>
</form>
<nav><a href="{back_href}">{back}</a><a href="{switch_href}" id="login-language">{switch}</a></nav>
</main>
</body>
</html>
"""
