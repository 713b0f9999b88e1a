"""Login to the dashboard: the form, sessions, cookies, redirects, the read guard, the limits."""

import json
import re
import stat
from pathlib import Path
from urllib.parse import urlencode

import flask
import flask_login
import pytest

from dashboard import auth
from dashboard.app import create_app
from etl.store import Store
from etl.users import UserStore

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "长白山-tianchi-2018"
CHANGCHUN, SIPING = "220100", "220300"
ENV = ("TARGETS_SECRET_KEY", "TARGETS_INSECURE_COOKIES", "TARGETS_LOGIN_REQUIRED_TO_READ")


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path) -> Path:
    """No setting leaks in from the machine; the secret key file goes under tmp_path."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    users = UserStore(Store(url))
    users.add("alice", "planner", PASSWORD, [CHANGCHUN])
    users.add("lee", "leader", PASSWORD)
    return url


@pytest.fixture
def server(url) -> flask.Flask:
    return create_app(url).server


@pytest.fixture
def client(server) -> flask.testing.FlaskClient:
    return server.test_client()


def login(client, name: str = "alice", password: str = PASSWORD, query: str = ""):
    form = client.get(f"/login{query}")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return client.post(f"/login{query}", data={"csrf": token, "name": name,
                                               "password": password})


def header(client, href: str = "http://localhost/") -> str:
    """The header as the Dash callback renders it for a page at `href`."""
    response = client.post("/_dash-update-component", json={
        "output": "app-header.children",
        "outputs": {"id": "app-header", "property": "children"},
        "inputs": [{"id": "url", "property": "href", "value": href}],
        "changedPropIds": ["url.href"], "state": []})
    assert response.status_code == 200, response.text
    return response.text


def logout(client, shown_header: str, query: str = ""):
    """Press the header's logout button: post the token it carries."""
    button = component(json.loads(shown_header), "nav-logout")
    assert button["name"] == "csrf" and button["type"] == "submit"
    return client.post(f"/logout{query}", data={"csrf": button["value"]})


def component(tree, wanted: str) -> dict:
    """The props of the component with id `wanted` in a callback's JSON answer."""
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("id") == wanted:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    assert len(found) == 1, f"{wanted} found {len(found)} times"
    return found[0]


def error_of(page: str) -> str:
    found = re.search(r'<p id="login-error"[^>]*>([^<]*)</p>', page)
    return found.group(1) if found else ""


# --- the form --------------------------------------------------------------------------------

def test_the_form_is_chinese_first_and_english_on_request(client):
    chinese = client.get("/login")
    assert chinese.status_code == 200 and 'lang="zh-CN"' in chinese.text
    for element in ("login-name", "login-password", "login-submit"):
        assert f'id="{element}"' in chinese.text
    assert "用户名" in chinese.text and 'id="login-error"' not in chinese.text
    assert "frame-ancestors 'none'" in chinese.headers["Content-Security-Policy"]
    english = client.get("/login?lang=en")
    assert 'lang="en"' in english.text and "User name" in english.text


def test_login_then_logout(client):
    assert "nav-login" in header(client) and "nav-logout" not in header(client)
    done = login(client)
    assert done.status_code == 303 and done.headers["Location"] == "/"
    shown = header(client)
    assert "alice" in shown and "nav-logout" in shown and "nav-login" not in shown
    gone = logout(client, shown)
    assert gone.status_code == 303 and gone.headers["Location"] == "/"
    assert "nav-login" in header(client)
    login(client)
    assert logout(client, header(client), "?lang=en").headers["Location"] == "/?lang=en"
    assert "nav-login" in header(client)


def test_a_wrong_password_and_an_unknown_name_read_the_same(client):
    wrong = login(client, password="not the password")
    unknown = login(client, name="nobody")
    assert wrong.status_code == unknown.status_code == 200
    assert error_of(wrong.text) == error_of(unknown.text) == "用户名或密码不正确"
    english = login(client, name="nobody", query="?lang=en")
    assert error_of(english.text) == "wrong user name or password"
    assert "nav-logout" not in header(client)


def test_repeated_failures_are_refused_for_a_while(client):
    for _ in range(5):
        login(client, password="not the password")
    locked = login(client)  # even the right password, for now
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 30
    assert "登录失败次数过多" in error_of(locked.text) and "秒" in error_of(locked.text)
    assert "nav-logout" not in header(client)


def test_a_post_without_the_form_token_logs_nobody_in(client):
    client.get("/login")
    forged = client.post("/login", data={"name": "alice", "password": PASSWORD})
    assert forged.status_code == 400 and "表单已过期" in error_of(forged.text)
    assert "nav-logout" not in header(client)


def test_a_new_password_ends_the_session(client, url):
    login(client)
    assert "nav-logout" in header(client)
    UserStore(Store(url)).set_password("alice", "another passphrase")
    assert "nav-login" in header(client)


# --- where the login leads -------------------------------------------------------------------

def test_next_leads_back_to_the_page_and_keeps_the_language(client):
    done = login(client, query="?next=%2Findicator%2Fgreen_area%3Fregion%3D220100")
    assert done.headers["Location"] == "/indicator/green_area?region=220100"
    logout(client, header(client))
    english = login(client, query="?next=%2Fregion%2F220100&lang=en")
    assert english.headers["Location"] == "/region/220100?lang=en"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "http:/evil.example", "/\r\nSet-Cookie: x=1", "/\t/evil.example",
    "evil.example", "/login?next=//evil.example",
])
def test_next_never_leaves_the_site(client, target):
    assert auth.safe_next(target) == "/"
    done = login(client, query="?" + urlencode({"next": target}))
    assert done.status_code == 303 and done.headers["Location"] == "/"


def test_the_form_does_not_echo_markup(client):
    page = client.get("/login?" + urlencode({"next": '/"><script>alert(1)</script>'}))
    assert "<script>" not in page.text and 'default-src \'none\'' in page.headers[
        "Content-Security-Policy"]


def test_the_login_link_carries_the_page_and_language(client):
    shown = json.loads(header(client, "http://localhost/region/220100?lang=en"))
    assert "/login?next=%2Fregion%2F220100%3Flang%3Den&lang=en" in json.dumps(shown)


# --- cookies and the key ---------------------------------------------------------------------

def cookie_flags(response) -> list[str]:
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    return [flag.strip().lower() for flag in cookies[-1].split(";")]


def test_the_session_cookie_is_secure_httponly_and_lax(client, server):
    flags = cookie_flags(login(client))
    assert {"secure", "httponly", "samesite=lax"} <= set(flags)
    assert server.config["REMEMBER_COOKIE_SECURE"] is True
    assert server.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert server.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_insecure_cookies_only_when_asked(monkeypatch, url):
    monkeypatch.setenv("TARGETS_INSECURE_COOKIES", "1")
    client = create_app(url).server.test_client()
    flags = cookie_flags(login(client))
    assert "secure" not in flags and {"httponly", "samesite=lax"} <= set(flags)


def test_the_secret_key_is_made_once_outside_the_repository(environment, url):
    first = create_app(url).server
    key_file = environment / "jilin-targets" / "secret_key"
    assert key_file.is_file() and REPO not in key_file.resolve().parents
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert first.secret_key == key_file.read_text().strip() and len(first.secret_key) >= 32
    assert create_app(url).server.secret_key == first.secret_key  # sessions survive a restart


def test_a_configured_secret_key_is_used_and_no_file_made(environment, monkeypatch, url):
    monkeypatch.setenv("TARGETS_SECRET_KEY", "k" * 40)
    assert create_app(url).server.secret_key == "k" * 40
    assert not (environment / "jilin-targets").exists()
    monkeypatch.setenv("TARGETS_SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        auth.secret_key()


# --- reading and writing ---------------------------------------------------------------------

def test_reading_is_public_by_default(client):
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200


def test_reading_can_require_a_login(monkeypatch, url):
    monkeypatch.setenv("TARGETS_LOGIN_REQUIRED_TO_READ", "1")
    client = create_app(url).server.test_client()
    page = client.get("/region/220100?lang=en")
    assert page.status_code == 303
    assert page.headers["Location"] == "/login?next=%2Fregion%2F220100%3Flang%3Den"
    layout = client.get("/_dash-layout")
    assert layout.status_code == 401 and "请先登录" in layout.json["error"]["zh"]
    assert layout.json["error"]["en"] == "Please log in."
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/assets/style.css").status_code == 200
    assert client.get("/login").status_code == 200
    login(client)
    assert client.get("/").status_code == 200
    assert "alice" in header(client)


def test_writing_needs_a_planner_of_the_region_or_an_admin(server, url):
    users = UserStore(Store(url))
    boss = users.add("boss", "admin", PASSWORD)
    with server.test_request_context("/"):
        assert auth.current_user() is None
        with pytest.raises(PermissionError, match="修改数据需要先登录。 / Log in to change"):
            auth.require_writer(CHANGCHUN)
    for name, allowed in (("alice", {CHANGCHUN}), ("lee", set()), ("boss", {CHANGCHUN, SIPING})):
        user = users.get(name)
        with server.test_request_context("/"):
            flask_login.login_user(auth.SessionUser(user, users.session_key(user)))
            assert auth.current_user() == user
            for region in (CHANGCHUN, SIPING):
                if region in allowed:
                    assert auth.require_writer(region) == user
                else:
                    with pytest.raises(PermissionError, match=f"may not change .* {region}"):
                        auth.require_writer(region)
    assert boss.is_admin


def test_current_user_is_none_outside_a_request():
    assert auth.current_user() is None


# --- size limit ------------------------------------------------------------------------------

def test_uploads_over_10_mb_are_refused_with_413(client):
    # A 10 MB file arrives base64-encoded in a JSON request: about 13.4 MB is still allowed.
    too_big = b"x" * (14 * 1024 * 1024)
    dash = client.post("/_dash-update-component", data=too_big,
                       content_type="application/json")
    assert dash.status_code == 413
    assert "10 MB" in dash.json["error"]["zh"] and "10 MB" in dash.json["error"]["en"]
    form = client.post("/login", data=too_big,
                       content_type="application/x-www-form-urlencoded")
    assert form.status_code == 413 and "上限" in form.text and "limit" in form.text
    small = client.post("/_dash-update-component", data=b"x" * (13 * 1024 * 1024),
                        content_type="application/json")
    assert small.status_code != 413
