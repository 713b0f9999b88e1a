"""The web app's guards: same-origin writes, headers on every response, and answers with a
message (never a traceback or a bare 500) to unknown ids and malformed callback input."""

from __future__ import annotations

import json

import pytest

from dashboard.app import create_app
from etl.store import Store
from etl.users import UserStore
from tests.test_auth import (  # noqa: F401 - environment: an autouse fixture
    PASSWORD,
    component,
    environment,
    header,
    login,
    logout,
)

CHANGCHUN = "220100"
SHARE = "transit_modal_share"


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'store.sqlite'}"
    UserStore(Store(url)).add("alice", "planner", PASSWORD, [CHANGCHUN])
    return url


def app_server(url: str, tmp_path_factory):
    """The app's Flask server on `url`, its secret key file in a folder of its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        yield create_app(url).server


@pytest.fixture(scope="module")
def server(url, tmp_path_factory):
    yield from app_server(url, tmp_path_factory)


@pytest.fixture
def client(server):
    return server.test_client()


@pytest.fixture
def alice(client):
    assert login(client).status_code == 303
    return client


def dash_request(client, changed: str, inputs: list[dict], state: list[dict],
                 headers: dict[str, str] | None = None):
    """A callback's request as the browser sends it: the callback found by its inputs, its
    outputs as it declares them; `changed` ("entry-save.n_clicks") is the input that fired."""
    dependencies = client.get("/_dash-dependencies").json
    names = [{"id": i["id"], "property": i["property"]} for i in inputs]
    spec = next(d for d in dependencies if d["inputs"] == names
                and d.get("clientside_function") is None)
    parts = spec["output"].strip(".").split("...") if spec["output"].startswith("..") \
        else [spec["output"]]
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]
    body = {"output": spec["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": inputs, "state": state, "changedPropIds": [changed]}
    return client.post("/_dash-update-component", json=body, headers=headers or {})


def save(client, value: str, headers: dict[str, str] | None = None, region=CHANGCHUN,
         year=2016):
    row = {"indicator_id": SHARE, "value": value, "note": None, "revision_id": None}
    return dash_request(client, "entry-save.n_clicks",
                        [{"id": "entry-save", "property": "n_clicks", "value": 1}],
                        [{"id": "entry-grid", "property": "rowData", "value": [row]},
                         {"id": "entry-region", "property": "value", "value": region},
                         {"id": "entry-year", "property": "value", "value": year},
                         {"id": "entry-language", "property": "children", "value": "zh"}],
                        headers)


def stored(url: str) -> list[float]:
    current = Store(url).current(regions=[CHANGCHUN], indicators=[SHARE])
    return sorted(current["value"])


# --- the origin check ------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "http://localhost:8050"},  # another port is another site
    {"Origin": "null"},
    {"Referer": "http://evil.example/page"},
    {"Origin": "http://evil.example", "Referer": "http://localhost/entry"},
], ids=["other-site", "suffix", "other-port", "null", "referer-only", "origin-wins"])
def test_a_write_from_another_site_is_refused_and_stores_nothing(alice, url, headers):
    before = stored(url)
    answer = save(alice, "41", headers, year=2015)
    assert answer.status_code == 403
    assert "其他网站" in answer.json["error"]["zh"]
    assert "another site" in answer.json["error"]["en"]
    assert stored(url) == before


@pytest.mark.parametrize(("year", "headers"), [
    (2016, {"Origin": "http://localhost"}), (2017, {"Origin": "http://LOCALHOST:80"}),
    (2018, {"Referer": "http://localhost/entry?region=220100"}), (2019, {}),
], ids=["origin", "default-port", "referer", "no-header"])
def test_the_same_write_from_the_site_itself_is_accepted(alice, url, year, headers):
    answer = save(alice, str(year - 1980), headers, year=year)  # a new value each year
    assert answer.status_code == 200, answer.text
    assert "已保存" in str(answer.json["response"]["entry-message"])
    assert year - 1980 in stored(url)


@pytest.mark.parametrize("host", ["[bad", "exa mple:99999"])
def test_a_malformed_host_is_no_match_for_a_malformed_origin(client, host):
    answer = client.post("/login", headers={"Origin": "null", "Host": host})
    assert answer.status_code == 403 and "another site" in answer.text


def test_login_and_logout_from_another_site_are_refused(client):
    form = client.get("/login")
    assert form.status_code == 200
    evil = {"Origin": "http://evil.example"}
    refused = client.post("/login", data={"name": "alice", "password": PASSWORD}, headers=evil)
    assert refused.status_code == 403 and "another site" in refused.text
    login(client)
    shown = header(client)
    token = component(json.loads(shown), "nav-logout")["value"]
    assert client.post("/logout", data={"csrf": token}, headers=evil).status_code == 403
    assert "nav-logout" in header(client)  # still logged in
    assert logout(client, shown).status_code == 303


# --- headers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/entry", "/_dash-layout", "/_dash-dependencies",
                                  "/assets/style.css", "/login", "/logout", "/no/such/page",
                                  "/assets/no-such-file.css"])
def test_every_response_carries_the_security_headers(client, path):
    answer = client.get(path)
    assert answer.status_code < 500
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Referrer-Policy"] == "same-origin"


def test_the_pages_policy_allows_dash_scripts_by_hash_only(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    scripts = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'sha256-" in scripts
    assert "object-src 'none'" in policy and "form-action 'self'" in policy


def test_a_refusal_is_the_error_of_the_request_and_carries_the_headers(alice):
    refused = save(alice, "41", {"Origin": "http://evil.example"})
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    assert refused.is_json
