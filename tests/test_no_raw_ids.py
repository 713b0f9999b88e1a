"""No raw ids before people: target ids (jzbf17-09) and six-digit region codes (220100) stay in
extracts and URLs, never in the text a page shows."""

from __future__ import annotations

import json
import re
from typing import Any

import plotly
import pytest
from dash import html

from dashboard import auth
from etl.users import User
from tests.factories import make_rows
from tests.test_context_comparison_pages import SHARE, make_app
from tests.test_dashboard_writes import page_module

TARGET_ID = re.compile(r"[a-z]+[0-9]+-[0-9]{2,3}")
# A markdown link's target ("[填报页](/entry?region=220100)", a grid's markdown cell) is an
# href: only its text is shown.
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
REGION_CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
PLANNER = User(id=1, name="planner", role="planner", regions=frozenset({"220100"}))
# A planner's small file: a value of their region sitting exactly on its target (a warning that
# names the target), a misspelt region, a region not theirs and a mistyped code.
UPLOAD = ("地区,指标,年份,数值,单位,备注\n"
          "长春市,transit_modal_share,2018,26%,,\n"
          "长村市,transit_modal_share,2019,27,,\n"
          "吉林市,transit_modal_share,2019,22,,\n"
          "220101,transit_modal_share,2019,22,,\n")


# --- what a page shows --------------------------------------------------------------------

def plain(component: Any) -> Any:
    """A component tree as plain JSON (components, figures and frames all made plain)."""
    return json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder,
                                 ensure_ascii=False))


def shown(node: Any) -> list[str]:
    """The texts a reader sees in a (plain) component tree: children, labels, table headers
    and cells of the columns shown, chart titles, labels and ticks. Not hrefs, ids, values
    of choices, hidden elements or a table's fields that no column shows."""
    if isinstance(node, str | int | float) and not isinstance(node, bool):
        return [MARKDOWN_LINK.sub(r"\1", str(node))]
    if isinstance(node, list):
        return [text for item in node for text in shown(item)]
    if not isinstance(node, dict):
        return []
    if "props" in node and "type" in node:
        return _component(node["type"], node["props"])
    if "data" in node and "layout" in node:
        return _figure(node)
    return []


def _component(kind: str, props: dict[str, Any]) -> list[str]:
    if props.get("hidden") is True:
        return []
    texts = shown(props.get("children"))
    texts += [str(props[key]) for key in ("label", "placeholder", "title") if props.get(key)]
    if kind == "AgGrid":
        fields = [column.get("field") for column in props.get("columnDefs", [])]
        texts += [str(column.get("headerName", "")) for column in props.get("columnDefs", [])]
        texts += [MARKDOWN_LINK.sub(r"\1", str(row.get(field)))
                  for row in props.get("rowData") or []
                  for field in fields if row.get(field) is not None]
    if kind == "Dropdown":
        texts += [str(option["label"]) for option in props.get("options") or []]
    if kind == "Graph" and props.get("figure"):
        texts += _figure(props["figure"])
    return texts


def _figure(figure: dict[str, Any]) -> list[str]:
    texts = []
    for trace in figure.get("data", []):
        for key in ("name", "text", "hovertext", "x", "y"):
            value = trace.get(key)
            values = value if isinstance(value, list) else [value]
            texts += [str(item) for item in values if isinstance(item, str)]
    return texts + _layout_texts(figure.get("layout", {}))


def _layout_texts(node: Any) -> list[str]:
    if isinstance(node, list):
        return [text for item in node for text in _layout_texts(item)]
    if not isinstance(node, dict):
        return []
    texts = [str(node["text"]) for key in ("text",) if isinstance(node.get(key), str)]
    texts += [str(tick) for tick in node.get("ticktext") or []]
    return texts + [text for key, value in node.items() if key != "ticktext"
                    for text in _layout_texts(value)]


def raw_ids(*components: Any) -> list[str]:
    """Every target id or six-digit code in the texts the components show."""
    return [found for text in shown(plain(list(components)))
            for found in TARGET_ID.findall(text) + REGION_CODE.findall(text)]


# --- the check itself ---------------------------------------------------------------------

def test_the_check_finds_an_id_in_shown_text_and_not_in_a_link_or_hidden_element():
    assert raw_ids(html.Div(["2018-12 jzbf17-09 ", html.Span("长春市")])) == ["jzbf17-09"]
    assert raw_ids(html.P("长春市 (220100)")) == ["220100"]
    assert raw_ids(html.P("[长春市](/region/220100) [220100](/region/220100)")) == ["220100"]
    assert raw_ids(html.A("长春市", href="/region/220100", id="link-220100"),
                   html.Div("220100", hidden=True)) == []


# --- the pages ----------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path, monkeypatch) -> Any:
    made = make_app(tmp_path, monkeypatch, "ids")
    monkeypatch.setattr(auth, "current_user", lambda: PLANNER)
    return made


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_indicator_page_names_targets_and_regions(app, language):
    indicator = page_module("indicator")
    with app.server.test_request_context("/"):
        page = indicator.layout(SHARE, region="220100", year="2019", lang=language)
        parts = indicator.update("220100", 2019, "escap", SHARE, language)
        table = indicator._shown_table(SHARE, "220100", language)
    assert "吉政办发〔2018〕17号" in " ".join(shown(plain(parts[1])))  # the chips cite it
    assert raw_ids(page, *parts, table) == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_upload_preview_names_regions(app, language):
    upload = page_module("upload")
    with app.server.test_request_context("/"):
        page = upload.layout(lang=language)
        validation = upload._checked_file(UPLOAD.encode(), "small.csv", PLANNER, language)
        preview = upload._preview(validation, language)
    texts = " ".join(shown(plain(preview)))
    assert "长春市" in texts and "吉林市" in texts  # regions named, in rows and problems
    assert "220101" in texts  # the mistyped code the planner typed may be echoed
    found = raw_ids(page, preview)
    assert set(found) <= {"220101"}, found


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_entry_history_and_downloads_pages_name_regions(app, language):
    entry, history = page_module("entry"), page_module("history")
    downloads = page_module("downloads")
    with app.server.test_request_context("/"):
        pages = [entry.layout(lang=language), history.layout(lang=language),
                 downloads.layout(lang=language)]
        rows = entry._rows("220100", 2018, language)
        for row in rows:
            if row["indicator_id"] == SHARE:
                row["value"] = "26"  # exactly on its target: the warning names it
        checked, _errors, _validation, notes = entry._validated(rows, "220100", 2018, language)
        revisions = history.show("220100", SHARE, None, language)
    problems = [row["problem"] for row in checked if row["problem"]]
    assert problems, "the value on its target is warned of"
    grid = {"type": "AgGrid", "namespace": "dash_ag_grid",
            "props": {"columnDefs": entry._columns(language), "rowData": checked}}
    assert raw_ids(*pages, revisions, notes) == [] and raw_ids(grid) == []
    assert shown(grid) and shown(plain(revisions))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_overview_region_and_map_pages_name_targets_and_regions(app, language):
    overview, region, map_page = (page_module("overview"), page_module("region"),
                                  page_module("map"))
    with app.server.test_request_context("/"):
        pages = [overview.layout(lang=language), overview.summary(2019, language),
                 *overview.update(2019, "", "", "", language),
                 region.layout(code="220100", year="2019", lang=language),
                 region.layout(code="000000", year="2019", lang=language),
                 map_page.layout(lang=language),
                 *map_page.update(2019, "prefecture", None, language),
                 *map_page.update(2019, "county", SHARE, language)]
    texts = " ".join(shown(plain(pages)))
    assert "长春市" in texts or "Changchun City" in texts  # the regions are named
    assert raw_ids(*pages) == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_review_page_and_the_review_panels_name_regions(app, monkeypatch, language):
    from dashboard import state
    from dashboard.review_view import locked_alert
    from etl.acceptance import LockedError

    review_page, entry, history = (page_module("review"), page_module("entry"),
                                   page_module("history"))
    review = state.of(app).review
    review.act(PLANNER, "submit", "220100", 2019)
    review.act(User(2, "reviewer", "reviewer", frozenset({"220100"})), "return", "220100",
               2019, "请核实")
    review.act(PLANNER, "submit", "220100", 2019)
    statistician = User(3, "province", "statistician")
    monkeypatch.setattr(auth, "current_user", lambda: statistician)
    with app.server.test_request_context("/"):
        page = review_page.layout(year="2019", lang=language)
        queue, progress, options = review_page.show(2019, 0, language)
        panel = entry._review("220100", 2019, language)[0]
        steps = history.steps("220100", None, language)
        try:
            state.of(app).store.load(make_rows(("220100", SHARE, 2019, 30.0)), by="planner",
                                     source="form")
        except LockedError as locked:
            alert = locked_alert(locked, state.of(app).region_names(language), language, "x")
    texts = " ".join(shown(plain([queue, progress, panel, steps, alert])))
    assert ("长春市" in texts or "Changchun City" in texts) and "请核实" in texts
    assert [option["label"] for option in options]  # the statistician may return it
    assert raw_ids(page, queue, progress, panel, steps, alert) == []
    assert raw_ids([option["label"] for option in options]) == []
