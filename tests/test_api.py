"""The read API (/api/v1) served for real and called with a plain HTTP client (requests):
every route public, with reading behind a login (logged out, logged in, with a token, with a
revoked one), bad parameters, writes refused, ETags, paging, and values equal to the store's."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from api.routes import DATA
from dashboard.auth import LOGIN_TO_READ
from etl.api_tokens import TokenStore
from etl.export import export_table
from etl.store import Store
from etl.users import UserStore
from indicators.reference import Reference
from indicators.status import status_table
from targets.cli import main as targets
from tests.factories import make_rows

PASSWORD = "长白山-tianchi-2018"
CITY, GREEN = "220100", "built_up_green_space_ratio"
DRAFT = 41.07  # a value of 长春市 entered after the demo data, not accepted
ROUTES = ("/api/v1/", "/api/v1/indicators", "/api/v1/targets", "/api/v1/regions",
          "/api/v1/values", "/api/v1/statuses", "/api/v1/openapi.json")
ENV = ("TARGETS_SECRET_KEY", "TARGETS_LOGIN_REQUIRED_TO_READ")


@dataclass
class Served:
    url: str
    database: str
    app: Any
    before_draft: dt.datetime
    token: str
    revoked: str

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.url + path, timeout=60, **kwargs)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Demo data, one draft value on top, a user, a valid and a revoked token; the real app on
    a free port."""
    folder = tmp_path_factory.mktemp("api")
    database = f"sqlite:///{folder / 'store.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        for name in ENV:
            patch.delenv(name, raising=False)
        patch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        patch.setenv("TARGETS_INSECURE_COOKIES", "1")  # plain http to 127.0.0.1
        assert targets(["--database", database, "demo"]) == 0
        store = Store(database)
        before = dt.datetime.now(dt.UTC)
        store.load(make_rows((CITY, GREEN, 2015, DRAFT)), by="planner", source="form",
                   kind="form")
        UserStore(store).add("alice", "planner", PASSWORD, [CITY])
        tokens = TokenStore(store)
        token, revoked = tokens.add("robot", by="test"), tokens.add("old", by="test")
        tokens.revoke("old")
        from dashboard.app import create_app

        app = create_app(database)
        http = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        yield Served(f"http://127.0.0.1:{http.server_port}", database, app, before, token,
                     revoked)
        http.shutdown()


@pytest.fixture
def login_required(served: Served) -> Iterator[None]:
    served.app.server.config[LOGIN_TO_READ] = True
    yield
    served.app.server.config[LOGIN_TO_READ] = False


def logged_in(served: Served) -> requests.Session:
    session = requests.Session()
    form = session.get(served.url + "/login", timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    done = session.post(served.url + "/login", timeout=60, allow_redirects=False,
                        data={"csrf": token, "name": "alice", "password": PASSWORD})
    assert done.status_code == 303, done.text
    return session


def refusal(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["status"] == status
    assert body["message_zh"] and body["message_en"]
    return body  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- who may read ----------------------------------------------------------------------------

def test_every_route_answers_json_to_anyone_when_reading_is_public(served):
    for route in ROUTES:
        response = served.get(route)
        assert response.status_code == 200, (route, response.text)
        assert response.headers["Content-Type"].startswith("application/json")
    for route in ROUTES[1:6]:
        body = served.get(route).json()
        assert body["items"] and body["total"] >= len(body["items"]), route
    assert served.get("/api/v1").status_code == 200  # without the slash: no HTML redirect


def test_with_login_required_a_reader_without_session_or_token_gets_json_401(
        served, login_required):
    for route in ROUTES:
        response = served.get(route, allow_redirects=False)
        refusal(response, 401, "need_login")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # An unknown address under /api/ is refused the same way, not answered by the pages.
    refusal(served.get("/api/v1/nothing"), 401, "need_login")
    # The pages keep their own rule: a redirect to the login page.
    page = served.get("/", allow_redirects=False)
    assert page.status_code == 303 and "/login" in page.headers["Location"]


def test_with_login_required_a_session_reads_every_route(served, login_required):
    session = logged_in(served)
    for route in ROUTES:
        response = session.get(served.url + route, timeout=60)
        assert response.status_code == 200, (route, response.text)
    values = session.get(served.url + "/api/v1/values", timeout=60)
    assert values.headers["Cache-Control"] == "private, no-cache"


def test_with_login_required_a_token_reads_every_route(served, login_required):
    for route in ROUTES:
        response = served.get(route, headers=bearer(served.token))
        assert response.status_code == 200, (route, response.text)
    rows = TokenStore(Store(served.database)).list().set_index("name")
    assert rows.loc["robot", "last_used_at"] is not None


@pytest.mark.parametrize("required", [True, False])
def test_a_revoked_unknown_or_malformed_token_is_refused_whatever_the_read_rule(
        served, required):
    served.app.server.config[LOGIN_TO_READ] = required
    try:
        for headers, code in ((bearer(served.revoked), "bad_token"),
                              (bearer(served.token + "x"), "bad_token"),
                              (bearer("not-a-token"), "bad_token"),
                              ({"Authorization": f"Basic {served.token}"}, "bad_authorization"),
                              ({"Authorization": "Bearer"}, "bad_authorization")):
            response = served.get("/api/v1/values", headers=headers)
            refusal(response, 401, code)
            assert "invalid" in response.headers["WWW-Authenticate"]
    finally:
        served.app.server.config[LOGIN_TO_READ] = False


def test_a_token_writes_nothing_and_opens_no_page(served, login_required):
    for method in ("post", "put", "patch", "delete"):
        response = requests.request(method, served.url + "/api/v1/values", timeout=60,
                                    headers=bearer(served.token), json={"value": 1})
        body = refusal(response, 405, "read_only")
        assert body and "POST" not in response.headers["Allow"]
    # OPTIONS is answered (Flask's), naming the methods allowed: no write among them.
    options = requests.options(served.url + "/api/v1/values", timeout=60,
                               headers=bearer(served.token))
    assert options.status_code == 200 and options.content == b""
    assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # Dash's write callbacks and the pages read the login session only, never a token.
    callback = requests.post(served.url + "/_dash-update-component", timeout=60,
                             headers=bearer(served.token), json={})
    assert callback.status_code == 401
    page = served.get("/", headers=bearer(served.token), allow_redirects=False)
    assert page.status_code == 303 and "/login" in page.headers["Location"]


def test_a_write_from_another_site_is_refused_as_json(served):
    response = requests.post(served.url + "/api/v1/values", timeout=60,
                             headers={"Origin": "https://elsewhere.example"})
    refusal(response, 403, "foreign_origin")


def test_an_unexpected_error_is_json_without_a_traceback(served, monkeypatch):
    data = served.app.server.extensions[DATA]

    def broken(**_: Any) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(data, "values", broken)
    # A query of its own: the rows of one already answered would be kept, not read again.
    body = refusal(served.get("/api/v1/values?limit=3&from=2017&to=2019"), 500,
                   "server_error")
    assert "secret detail" not in str(body) and "Traceback" not in str(body)


# --- parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "parameter"), [
    ("/api/v1/values?limit=0", "limit"), ("/api/v1/values?limit=1001", "limit"),
    ("/api/v1/values?limit=ten", "limit"), ("/api/v1/values?page=0", "page"),
    ("/api/v1/values?from=20x", "from"), ("/api/v1/values?to=99999", "to"),
    ("/api/v1/values?from=2020&to=2019", "from"), ("/api/v1/values?as_of=yesterday", "as_of"),
    ("/api/v1/values?as_of=2020-01-01&values=accepted", "values"),
    ("/api/v1/values?values=some", "values"), ("/api/v1/values?regoin=220100", "regoin"),
    ("/api/v1/statuses?year=1900", "year"), ("/api/v1/statuses?year=2020.5", "year"),
    ("/api/v1/statuses?method=sdg", "method"), ("/api/v1/regions?level=town", "level"),
    # Given twice where one is meant: refused, not the first silently taken.
    ("/api/v1/values?values=all&values=accepted", "values"),
    ("/api/v1/values?limit=5&limit=7", "limit"), ("/api/v1/values?page=2&page=3", "page"),
    ("/api/v1/statuses?year=2019&year=2020", "year"), ("/api/v1/indicators?theme=a&theme=b",
                                                       "theme"),
    # Empty, or in digits other than ASCII ones.
    ("/api/v1/values?region=", "region"), ("/api/v1/values?indicator=", "indicator"),
    ("/api/v1/values?page=２", "page"), ("/api/v1/values?limit=１０", "limit"),
    ("/api/v1/statuses?year=２０１９", "year"),
])
def test_a_malformed_parameter_is_a_400_naming_it(served, query, parameter):
    body = refusal(served.get(query), 400, "bad_parameter")
    assert parameter in body["details"]["parameters"]


def test_an_unknown_region_or_indicator_is_a_404_with_close_names(served):
    body = refusal(served.get("/api/v1/values?region=长春"), 404, "unknown_region")
    assert "长春市" in body["details"]["close"]
    body = refusal(served.get("/api/v1/statuses?indicator=绿地率"), 404, "unknown_indicator")
    assert "建成区绿地率" in body["details"]["close"]
    refusal(served.get("/api/v1/nothing"), 404, "not_found")
    # Themes and documents too, not an empty page.
    body = refusal(served.get("/api/v1/indicators?theme=园林"), 404, "unknown_theme")
    assert "园林绿化" in body["details"]["close"]
    body = refusal(served.get("/api/v1/targets?document=食品药品安全工作"), 404,
                   "unknown_document")
    assert "食品药品安全" in body["details"]["close"]


def test_themes_and_documents_are_found_by_code_number_or_name(served):
    by_code = served.get("/api/v1/indicators?theme=urban_greening").json()
    for name in ("园林绿化", "Urban greening"):
        assert served.get(f"/api/v1/indicators?theme={name}").json()["items"] == \
            by_code["items"]
    assert by_code["total"] > 0 and {i["theme"] for i in by_code["items"]} == {"urban_greening"}
    number = "吉政办发〔2018〕10号"
    by_number = served.get("/api/v1/targets", params={"document": number}).json()
    assert by_number["total"] > 0 and {t["document"] for t in by_number["items"]} == {number}
    for title in ("2018年全省食品药品安全重点工作安排", "食品药品安全"):
        assert served.get("/api/v1/targets", params={"document": title}).json()["items"] == \
            by_number["items"]


def test_as_of_with_an_unencoded_plus_in_its_offset_is_read_as_that_offset(served):
    moment = served.before_draft.astimezone(dt.timezone(dt.timedelta(hours=8)))
    text = moment.isoformat()
    assert "+08:00" in text
    key = f"region={CITY}&indicator={GREEN}&from=2015&to=2015"
    encoded = served.get(f"/api/v1/values?{key}", params={"as_of": text}).json()
    raw = served.get(f"/api/v1/values?{key}&as_of={text}")  # "+" arrives as a space
    assert raw.status_code == 200, raw.text
    assert raw.json()["as_of"] == encoded["as_of"] == moment.isoformat()
    assert raw.json()["items"] == encoded["items"] and encoded["items"][0]["value"] != DRAFT
    # A date and a time apart by a space stay a time in UTC, not an offset.
    spaced = served.get(f"/api/v1/values?{key}&as_of=2019-06-30 08:00").json()
    assert spaced["as_of"] == "2019-06-30T08:00:00+00:00"


def test_regions_and_indicators_are_found_by_code_or_name(served):
    by_code = served.get(f"/api/v1/values?region={CITY}&indicator={GREEN}").json()
    by_name = served.get("/api/v1/values?region=长春市&indicator=建成区绿地率").json()
    assert by_code["items"] == by_name["items"] and by_code["total"] > 0
    assert {item["region_code"] for item in by_code["items"]} == {CITY}


# --- ETag and paging -------------------------------------------------------------------------

def test_an_unchanged_answer_is_not_sent_twice_and_a_write_changes_its_tag(served):
    first = served.get(f"/api/v1/values?region={CITY}")
    tag = first.headers["ETag"]
    again = served.get(f"/api/v1/values?region={CITY}", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
    assert served.get(f"/api/v1/values?region={CITY}&limit=5").headers["ETag"] != tag
    assert served.get("/api/v1/regions").headers["ETag"] != tag
    assert first.headers["Cache-Control"] == "no-cache"
    Store(served.database).load(make_rows(("220200", GREEN, 2016, 38.5)), by="planner",
                                source="form", kind="form")
    changed = served.get(f"/api/v1/values?region={CITY}", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_paging_gives_every_value_once_in_a_stable_order(served):
    seen: list[tuple[str, str, int]] = []
    link: str | None = "/api/v1/values?limit=1000"
    pages = 0
    while link:
        body = served.get(link).json()
        seen += [(i["indicator_id"], i["region_code"], i["period"]) for i in body["items"]]
        link, pages = body["next"], pages + 1
    stored = Store(served.database).current(view="accepted")
    assert pages == body["pages"] > 1
    assert len(seen) == len(set(seen)) == body["total"] == len(stored)
    assert seen == list(zip(stored["indicator_id"], stored["region_code"], stored["period"],
                            strict=True))
    # A page past the last is a 404 whose details link the last page.
    beyond = refusal(served.get(f"/api/v1/values?limit=1000&page={pages + 1}"), 404,
                     "no_such_page")
    last = served.get(beyond["details"]["last"]).json()
    assert last["page"] == pages and last["next"] is None and last["items"]


def test_walking_the_pages_of_one_query_reads_its_selection_once(served, monkeypatch):
    data = served.app.server.extensions[DATA]
    calls: list[dict[str, Any]] = []
    real = data.values

    def counted(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(data, "values", counted)
    query = f"/api/v1/values?indicator={GREEN}&values=all&limit=7"
    first = served.get(query).json()
    pages = [served.get(f"{query}&page={page}").json() for page in (2, 3)]
    assert len(calls) == 1 and first["pages"] >= 3
    assert [item["revision_id"] for page in (first, pages[0]) for item in page["items"]] == [
        item["revision_id"] for item in served.get(
            f"/api/v1/values?indicator={GREEN}&values=all&limit=14").json()["items"]]
    assert len(calls) == 1  # another limit: the same selection
    served.get(f"/api/v1/values?indicator={GREEN}&values=accepted&limit=7")
    assert len(calls) == 2  # another query: its own


# --- the data --------------------------------------------------------------------------------

def test_values_are_the_extracts_accepted_by_default_all_on_request_and_as_of(served):
    reference = Reference.load()
    store = Store(served.database)
    for view in ("accepted", "all"):
        body = served.get(f"/api/v1/values?region={CITY}&values={view}&limit=1000").json()
        extract = export_table(store, reference, regions=[CITY], view=view).drop_duplicates(
            ["indicator_id", "region_code", "period"])
        assert [i["value"] for i in body["items"]] == extract["value"].tolist()
        assert body["values"] == view and body["demo"] is True
    key = f"region={CITY}&indicator={GREEN}&from=2015&to=2015"
    accepted = served.get(f"/api/v1/values?{key}").json()["items"]
    every = served.get(f"/api/v1/values?{key}&values=all").json()["items"]
    then = served.get(f"/api/v1/values?{key}",
                      params={"as_of": served.before_draft.isoformat()}).json()
    assert accepted[0]["accepted"] is True and accepted[0]["value"] != DRAFT
    assert every[0]["value"] == DRAFT and every[0]["accepted"] is False
    assert every[0]["source"]["kind"] == "form" and every[0]["demo"] is False
    assert then["values"] == "all" and then["items"][0]["value"] == accepted[0]["value"]
    item = accepted[0]
    assert item["demo"] is True and item["source"]["kind"] == "demo"
    assert (item["unit"], item["unit_zh"], item["unit_en"]) == ("percent", "%", "%")


def test_statuses_are_targets_status_by_year_and_method(served):
    reference = Reference.load()
    values = Store(served.database).values(view="accepted")
    for method, labels in (("escap", {"已达标", "未达标", "无数据", "逾期达标", "进展顺利",
                                      "有风险", "进度滞后"}),
                           ("opensdg", {"已达目标", "进展显著", "进展一般", "进展有限", "倒退",
                                        "无法评估"})):
        body = served.get(f"/api/v1/statuses?year=2019&method={method}&limit=1000").json()
        table = status_table(values, reference, 2019, method)
        assert body["total"] == len(table) and body["demo"] is True
        expected = dict(zip(zip(table["target_id"], table["region_code"], strict=True),
                            table["status"], strict=True))
        for item in body["items"]:
            assert item["status"] == expected[(item["target_id"], item["region_code"])]
            assert item["as_of_year"] == 2019 and item["demo"] is True
        assert {item["status_zh"] for item in body["items"]} <= labels
    one = served.get(f"/api/v1/statuses?region={CITY}&limit=1000").json()
    assert one["total"] > 0 and {i["region_code"] for i in one["items"]} == {CITY}
    # Without a year, the envelope names the year judged: the latest with data.
    latest = int(Store(served.database).values(regions=[CITY], view="accepted")["period"].max())
    assert one["year"] == latest == one["items"][0]["as_of_year"]


def test_the_reference_routes_carry_codes_with_labels_and_sources(served):
    indicator = served.get(f"/api/v1/indicators?id={GREEN}").json()["items"][0]
    assert indicator["unit_zh"] == "%" and indicator["decimals"] >= 0 and indicator["target_ids"]
    target = served.get(f"/api/v1/targets?indicator={GREEN}").json()["items"][0]
    assert target["document"] and target["clause"] and target["quote_zh"]
    assert target["kind_zh"] and target["kind_en"]
    region = served.get("/api/v1/regions?code=长春市").json()
    assert [r["code"] for r in region["items"]] == [CITY]
