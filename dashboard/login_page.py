"""The login and logout pages: plain HTML outside Dash, with their texts and form tokens.

Each form carries a token kept in the session. The login form's token is single-use (made for
each form shown); the logout token lasts as long as the session, so that the header's logout
button rendered on any page can post it.
"""

from __future__ import annotations

import secrets
from html import escape
from urllib.parse import urlencode

import flask
from werkzeug.wrappers import Response

from etl.users import MAX_NAME, MAX_PASSWORD

LOGIN_CSRF = "login_csrf"  # the session key of the login form's token
LOGOUT_CSRF = "logout_csrf"  # the session key of the logout form's token
# Stricter than the dashboard's policy (dashboard/security.py): these pages run no script.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

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
    "logout_title": ("退出 · 吉林省目标监测", "Log out · Jilin target monitor"),
    "logout_question": ("确定退出登录吗？", "Log out now?"),
    "logout_expired": ("表单已过期，请再点一次“退出”。",
                       "The form has expired; please press “Log out” again."),
    "need_login": ("请先登录。", "Please log in."),
    "need_login_to_write": ("修改数据需要先登录。", "Log in to change data."),
    "too_large": ("上传内容超过 10 MB 的上限，未被接收。",
                  "The upload is larger than the 10 MB limit and was refused."),
}


def text(key: str, language: str) -> str:
    zh, en = TEXT[key]
    return en if language == "en" else zh


def with_language(target: str, language: str) -> str:
    """`target` with lang=en added when the language is English and it has none."""
    if language != "en" or "lang=" in target:
        return target
    return target + ("&" if "?" in target else "?") + "lang=en"


def logout_token() -> str:
    """The session's logout form token, made when it has none."""
    token = flask.session.get(LOGOUT_CSRF)
    if not token:
        token = flask.session[LOGOUT_CSRF] = secrets.token_urlsafe(32)
    return str(token)


def login_page(language: str, target: str, error: str, status: int) -> Response:
    """The login form (with a fresh single-use token), an error above it if any."""
    token = secrets.token_urlsafe(32)
    flask.session[LOGIN_CSRF] = token
    other = "zh" if language == "en" else "en"
    switch = "/login?" + urlencode({"next": target, **({"lang": "en"} if other == "en" else {})})
    action = "/login?" + urlencode({"next": target, **({"lang": "en"} if language == "en" else {})})
    body = LOGIN_FORM.format(
        action=escape(action), csrf=escape(token), name=escape(text("name", language)),
        max_name=MAX_NAME, password=escape(text("password", language)),
        max_password=MAX_PASSWORD, submit=escape(text("submit", language)),
        switch_href=escape(switch), switch=escape(text("switch", language)),
        back_href=escape(with_language("/", language)), back=escape(text("back", language)))
    return _response(language, "title", "heading", error, body, status)


def logout_page(language: str, error: str, status: int) -> Response:
    """The logout question and its button (what GET /logout shows: a link logs nobody out)."""
    action = "/logout" + ("?lang=en" if language == "en" else "")
    body = LOGOUT_FORM.format(
        action=escape(action), csrf=escape(logout_token()),
        submit=escape(text("logout", language)),
        back_href=escape(with_language("/", language)), back=escape(text("back", language)))
    return _response(language, "logout_title", "logout_question", error, body, status)


def _response(language: str, title: str, heading: str, error: str, body: str,
              status: int) -> Response:
    problem = f'<p id="login-error" role="alert">{escape(error)}</p>' if error else ""
    page = SHELL.format(lang="en" if language == "en" else "zh-CN",
                        title=escape(text(title, language)),
                        heading=escape(text(heading, language)), problem=problem, body=body)
    response = flask.Response(page, status, mimetype="text/html")
    response.headers.update(PAGE_HEADERS)
    return response


SHELL = """<!DOCTYPE html>
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
{body}
</main>
</body>
</html>
"""

LOGIN_FORM = """<form method="post" action="{action}">
<input type="hidden" name="csrf" value="{csrf}">
<label for="login-name">{name}</label>
<input id="login-name" name="name" autocomplete="username" required maxlength="{max_name}"
       autofocus>
<label for="login-password">{password}</label>
<input id="login-password" name="password" type="password" autocomplete="current-password"
       required maxlength="{max_password}">
<button id="login-submit" type="submit">{submit}</button>
</form>
<nav><a href="{back_href}">{back}</a>
<a href="{switch_href}" id="login-language">{switch}</a></nav>"""

LOGOUT_FORM = """<form method="post" action="{action}">
<input type="hidden" name="csrf" value="{csrf}">
<button id="logout-submit" type="submit">{submit}</button>
</form>
<nav><a href="{back_href}">{back}</a></nav>"""
