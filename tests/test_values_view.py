"""What leaders see: the accepted values by default, every current value with `values=all`
(those not accepted marked 未确认), on the pages, in the extract, the statuses and the briefing."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pandas as pd
import plotly
import pytest

from dashboard import state
from etl.review import Review
from etl.store import Store
from etl.users import User
from tests.factories import make_rows
from tests.test_dashboard_writes import page_module

SHARE = "transit_modal_share"
COUNTY = "220300"  # 四平市: its own target of the transit share (other cities, 2020: 20 %)
CITY = "220100"  # 长春市
PLANNER = User(1, "siping_planner", "planner", frozenset({COUNTY}))
REVIEWER = User(3, "siping_reviewer", "reviewer", frozenset({COUNTY}))
STATISTICIAN = User(5, "province_statistician", "statistician")
DRAFT = 17.25  # a value nobody has accepted yet


def text(component: Any) -> str:
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder,
                      ensure_ascii=False)


@pytest.fixture
def app(tmp_path, monkeypatch) -> Any:
    """An app whose store holds accepted values of 长春市 and 四平市 and one draft value of
    四平市."""
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = Store(url)
    store.load(make_rows((CITY, SHARE, 2019, 24.0), (CITY, SHARE, 2020, 26.0),
                         (COUNTY, SHARE, 2019, 15.0)),
               by="operator", source="published.csv", accept=True)
    store.load(make_rows((COUNTY, SHARE, 2020, DRAFT)), by=PLANNER.name, source="form",
               kind="form")
    return create_app(url)


def accept_draft(app: Any) -> None:
    review = Review(state.of(app).store, state.of(app).reference.register)
    for user, action in ((PLANNER, "submit"), (REVIEWER, "approve"), (STATISTICIAN, "accept")):
        review.act(user, action, COUNTY, 2020, comment="")


def table_rows(app: Any, values: str | None, language: str = "zh") -> pd.DataFrame:
    indicator = page_module("indicator")
    with app.server.test_request_context("/"):
        shown = indicator.shown_table(COUNTY, SHARE, language, values)
    return pd.DataFrame(shown.to_plotly_json()["props"]["rowData"])


def test_the_views_hold_their_own_values_and_statuses(app):
    source = state.of(app)
    accepted, every = source.view(), source.view("all")
    assert accepted.name == "accepted" and every.all_values
    assert DRAFT not in set(accepted.values()["value"]) and DRAFT in set(every.values()["value"])
    county = every.region_values(COUNTY)
    assert list(every.not_accepted(county)) == [False, True]
    assert not accepted.not_accepted(accepted.region_values(COUNTY)).any()
    # The statuses of 2020 judge the draft in the all view only.
    judged = {view.name: view.status_of(2020, region_code=COUNTY) for view in (accepted, every)}
    shares = {name: rows.loc[rows["indicator_id"] == SHARE, "actual"].dropna().tolist()
              for name, rows in judged.items()}
    assert DRAFT in shares["all"] and DRAFT not in shares["accepted"]
    # Acceptance is applied as a change to the accepted view.
    accept_draft(app)
    assert DRAFT in set(accepted.values()["value"])
    assert not every.not_accepted(every.region_values(COUNTY)).any()
    rows = accepted.status_of(2020, region_code=COUNTY)
    assert DRAFT in rows.loc[rows["indicator_id"] == SHARE, "actual"].tolist()


def test_the_indicator_table_hides_a_draft_and_marks_it_in_the_all_view(app):
    default = table_rows(app, None)
    assert DRAFT not in set(default["value"]) and "acceptance" not in default
    every = table_rows(app, "all")
    draft = every[every["value"] == DRAFT]
    assert list(draft["acceptance"]) == ["未确认"]
    assert set(every.loc[every["value"] != DRAFT, "acceptance"]) == {"已确认"}
    assert list(table_rows(app, "all", "en").query(f"value == {DRAFT}")["acceptance"]) == [
        "not accepted"]
    accept_draft(app)
    assert DRAFT in set(table_rows(app, None)["value"])
    assert set(table_rows(app, "all")["acceptance"]) == {"已确认"}


def test_the_indicator_chart_marks_the_draft_with_a_hollow_marker(app):
    indicator = page_module("indicator")
    with app.server.test_request_context("/"):
        every = indicator.update(COUNTY, 2020, "escap", SHARE, "zh", "all")[0]
        default = indicator.update(COUNTY, 2020, "escap", SHARE, "zh", None)[0]
    marked = [trace for trace in every.data if trace.name == "未确认"]
    assert len(marked) == 1 and list(marked[0].y) == [DRAFT]
    assert marked[0].marker.symbol == "circle-open" and "未确认" in marked[0].hovertemplate
    assert not [trace for trace in default.data if trace.name == "未确认"]
    assert all(trace.y is None or DRAFT not in list(trace.y) for trace in default.data)


def test_each_page_says_which_values_its_statuses_come_from_and_keeps_the_choice(app):
    pages = {name: page_module(name) for name in ("overview", "map", "indicator", "region",
                                                  "downloads")}
    arguments = {"indicator": {"indicator_id": SHARE}, "region": {"code": COUNTY}}
    for name, module in pages.items():
        with app.server.test_request_context("/"):
            default = text(module.layout(**arguments.get(name, {})))
        with app.server.test_request_context("/"):
            every = text(module.layout(**arguments.get(name, {}), values="all"))
        assert "状态按已确认数值计算" in default and "含未确认数值" not in default, name
        assert "状态含未确认数值计算" in every, name
        assert f'"id": "{name}-values", "value": true' in every.replace(
            '"value": true, "id"', '"id"'), name
    # Links made in the all view keep it; the default's carry no parameter.
    with app.server.test_request_context("/"):
        linked = text(pages["region"].layout(code=COUNTY, values="all"))
    with app.server.test_request_context("/"):
        plain = text(pages["region"].layout(code=COUNTY))
    assert "/indicator/transit_modal_share?region=220300&year=2020&values=all" in linked
    assert "values=all" not in plain


def test_the_region_scorecard_marks_the_draft_and_hides_it_by_default(app):
    region = page_module("region")
    with app.server.test_request_context("/"):
        every = text(region.layout(code=COUNTY, year="2020", values="all"))
    with app.server.test_request_context("/"):
        default = text(region.layout(code=COUNTY, year="2020"))
    assert "17.25" in every and "not-accepted-mark" in every and "未确认" in every
    assert "17.25" not in default and "not-accepted-mark" not in default
    accept_draft(app)
    with app.server.test_request_context("/"):
        accepted = text(region.layout(code=COUNTY, year="2020"))
    assert "17.25" in accepted and "not-accepted-mark" not in accepted


def test_the_overview_counts_the_draft_in_the_all_view_only(app):
    overview = page_module("overview")

    def summary(values: str | None) -> str:
        with app.server.test_request_context("/"):
            return text(overview.summary(2020, "zh", values))

    every = summary("all")
    assert "values=all" in every and "values=all" not in summary(None)
    # 四平市's draft 17.25 (short of its 20 % of 2020) is counted in the all view only.
    shown = every.replace("&values=all", "").replace("?values=all", "")
    assert summary(None) != shown
    accept_draft(app)
    assert summary(None) == shown


def test_the_downloads_extract_follows_the_choice(app):
    downloads = page_module("downloads")

    def extract(values: str | None) -> pd.DataFrame:
        with app.server.test_request_context("/"):
            sent = downloads.download(1, [SHARE], None, None, None, "csv", "zh", values)[0]
        return pd.read_csv(io.BytesIO(base64.b64decode(sent["content"])),
                           encoding="utf-8-sig", dtype={"region_code": str})

    default, every = extract(None), extract("all")
    assert DRAFT not in set(default["value"]) and set(default["accepted"]) == {True}
    assert list(every.loc[every["value"] == DRAFT, "accepted"]) == [False]
    assert set(every.loc[every["value"] != DRAFT, "accepted"]) == {True}


def test_the_downloads_zip_and_xlsx_carry_the_dictionary_and_the_view(app):
    """The CSV with its datapackage.json in a ZIP; the XLSX's about sheet names the filters
    and the values view asked for."""
    import zipfile

    from etl.dictionary import ABOUT_SHEET, DICTIONARY_SHEET

    downloads = page_module("downloads")

    def sent(file_format: str, values: str | None) -> bytes:
        with app.server.test_request_context("/"):
            answer = downloads.download(1, [SHARE], None, 2019, None, file_format, "zh", values)
        return base64.b64decode(answer[0]["content"])

    archive = zipfile.ZipFile(io.BytesIO(sent("zip", "all")))
    assert sorted(archive.namelist()) == ["datapackage.json", "targets-export.csv"]
    package = json.loads(archive.read("datapackage.json"))
    assert package["resources"][0]["path"] == "targets-export.csv"
    for values, view in ((None, "仅已确认数值"), ("all", "全部当前数值")):
        sheets = pd.read_excel(io.BytesIO(sent("xlsx", values)), sheet_name=None)
        assert DICTIONARY_SHEET in sheets
        about = dict(zip(sheets[ABOUT_SHEET]["item"], sheets[ABOUT_SHEET]["内容 value"],
                         strict=True))
        assert about["values view"].startswith(view)
        assert about["indicators"] == SHARE and str(about["from year"]) == "2019"
