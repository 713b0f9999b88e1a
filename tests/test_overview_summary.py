"""The overview's first screen on a small store, against counts worked out by hand.

Values of 公共交通机动化出行分担率 (transit_modal_share, 吉政办发〔2018〕17号):
- 长春市 (changchun_jilin: >= 26 % by 2018, 28 % by 2019, 30 % by 2020): 27 in 2018, 27.5 in
  2019, so as of 2019 the 2018 target is met, the 2019 one missed (it was at risk in 2018:
  newly missed) and the 2020 one, not yet due, off track;
- 四平市 (other_cities: 16 %, 18 %, 20 %): 15 in 2018, 18.5 in 2019: the 2018 target stays
  missed (missed in 2018 too: not newly missed), the 2019 one met (newly met), 2020 on track;
- 吉林市 and every other target: no data.
Every target of the two cities due by 2019 other than these is due without data."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import plotly
import pytest

from dashboard import overview_grid, state
from dashboard.overview_summary import behind_phrase, short_name
from etl.store import Store
from tests.factories import make_rows
from tests.test_dashboard_writes import page_module

SHARE = "transit_modal_share"
VALUES = [("220100", SHARE, 2018, 27.0), ("220100", SHARE, 2019, 27.5),
          ("220300", SHARE, 2018, 15.0), ("220300", SHARE, 2019, 18.5)]


@pytest.fixture
def app(tmp_path, monkeypatch) -> Any:
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    Store(url).load(make_rows(*VALUES), by="planner", source="share.csv", accept=True)
    return create_app(url)


def found(component: Any, element_id: str) -> dict[str, Any]:
    """The component with `element_id` in a layout, as plain JSON."""
    tree = json.loads(json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder))
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == element_id:
                return node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"no {element_id}")


def texts(node: Any) -> list[str]:
    """Every piece of text under a node, in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        children = node.get("props", {}).get("children") if "props" in node else None
        return texts(children) if children is not None else []
    if isinstance(node, list):
        return [text for child in node for text in texts(child)]
    return []


def row_of(summary: Any, element_id: str) -> tuple[str, str, str, str]:
    """A summary row's name, link, counts and rate."""
    row = found(summary, element_id)
    name, _bar, counts, rate = row["props"]["children"]
    return (name["props"]["children"], name["props"]["href"], counts["props"]["children"],
            rate["props"]["children"])


def summary_of(app: Any, year: int, language: str = "zh") -> Any:
    overview = page_module("overview")
    with app.server.test_request_context("/"):
        return overview._summary(year, language)


def test_the_document_rows_count_met_missed_and_not_yet_due_apart(app):
    summary = summary_of(app, 2019)
    # 城市管理 (吉政办发〔2018〕17号) is the fourth document: met 2 (长春 2018, 四平 2019),
    # missed 2 (长春 2019, 四平 2018), rate 2 / 4.
    name, link, counts, rate = row_of(summary, "overview-document-row-3")
    assert name == "城市管理" and rate == "50% (2/4)"
    assert link == f"/?year=2019&document={quote('吉政办发〔2018〕17号')}"
    assert counts.startswith("✓2 ✗2 ")
    assert "↗1 !0 ↘1" in counts  # the 2020 targets: 四平 on track, 长春 off track
    # A document without any value has no rate, not 0 %.
    assert row_of(summary, "overview-document-row-0")[3] == "—"
    full = found(summary, "overview-document-row-3")["props"]["children"][0]["props"]["title"]
    assert full == "吉林省城市管理效能提升三年行动方案 · 吉政办发〔2018〕17号"


def test_the_prefecture_rows_count_each_division_s_own_targets(app):
    summary = summary_of(app, 2019)
    names = [row_of(summary, f"overview-prefecture-row-{n}")[0] for n in range(9)]
    assert names == ["长春市", "吉林市", "四平市", "辽源市", "通化市", "白山市", "松原市",
                     "白城市", "延边朝鲜族自治州"]
    name, link, counts, rate = row_of(summary, "overview-prefecture-row-0")
    assert (name, link, rate) == ("长春市", "/region/220100?year=2019", "50% (1/2)")
    with app.server.test_request_context("/"):
        status = state.of(app).status(2019)
    own = status[status["region_code"] == "220100"]
    due = int((own["deadline_year"] <= 2019).sum())
    # Due: met 1, missed 1, the rest without data; not yet due: all but the due ones.
    assert counts == f"✓1 ✗1 ·{due - 2} ｜ 未到期 {len(own) - due}（↗0 !0 ↘1）"
    assert row_of(summary, "overview-prefecture-row-2")[3] == "50% (1/2)"  # 四平市
    assert row_of(summary, "overview-prefecture-row-1")[3] == "—"  # 吉林市: nothing reported


def test_changes_since_the_year_before_are_newly_met_and_newly_missed(app):
    changes = found(summary_of(app, 2019), "overview-changes")
    words = texts(changes)
    assert "新达标 1 项" in words and "新未达标 1 项" in words
    links = [node for node in changes["props"]["children"] if node["type"] == "Ul"]
    met, missed = (texts(ul) for ul in links)
    assert met == ["四平市 · 公共交通机动化出行分担率"]
    assert missed == ["长春市 · 公共交通机动化出行分担率"]
    first = links[0]["props"]["children"][0]["props"]["children"]["props"]["href"]
    assert first == f"/indicator/{SHARE}?region=220300&year=2019"
    # The first year has no year before it.
    assert "没有上一年的数据可比。" in texts(found(summary_of(app, 2018), "overview-changes"))


def test_the_furthest_behind_are_ordered_by_shortfall_and_worded_for_people(app):
    behind = found(summary_of(app, 2019), "overview-behind")
    items = behind["props"]["children"]["props"]["children"]
    # 长春 2020 off track (8.3 % short), 四平 2018 missed (6.25 %), 长春 2019 missed (1.8 %).
    assert [texts(item) for item in items] == [
        ["长春市 · 公共交通机动化出行分担率", " ↘ 实际 27.5 % · 目标 30 % · 落后 2.5 百分点"],
        ["四平市 · 公共交通机动化出行分担率", " ✗ 实际 15 % · 目标 16 % · 落后 1 百分点"],
        ["长春市 · 公共交通机动化出行分担率", " ✗ 实际 27.5 % · 目标 28 % · 落后 0.5 百分点"]]
    link = items[0]["props"]["children"][0]["props"]["href"]
    assert link == f"/indicator/{SHARE}?region=220100&year=2019"


def test_the_english_summary_uses_short_english_titles(app):
    summary = summary_of(app, 2019, "en")
    assert row_of(summary, "overview-document-row-3")[0] == "City management"
    assert row_of(summary, "overview-prefecture-row-0")[0] == "Changchun City"


class Row:
    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)


def test_a_lower_is_better_gap_is_worded_as_over():
    row = Row(unit="working_day", actual=12.0, target_value=5.0, gap=7.0, direction="lower")
    assert behind_phrase(row, "zh").endswith("超出 7 工作日")
    assert behind_phrase(row, "en").startswith("actual 12 working days · target 5")
    done = Row(unit="done", actual=0.0, target_value=1.0, gap=-1.0, direction="higher")
    assert behind_phrase(done, "zh") == "实际 未完成 · 目标 已完成"


def test_short_names_cut_a_bracketed_aside_then_long_text():
    assert short_name("企业投资项目最多需办理事项数（省、市、县三级）") == "企业投资项目最多需办理…"
    assert short_name("医改") == "医改"


def test_a_wide_document_is_shown_a_theme_at_a_time(app):
    overview = page_module("overview")
    city = "吉政办发〔2018〕17号"  # 26 indicators in six themes
    with app.server.test_request_context("/"):
        targets, themes = state.current().targets, state.current().indicators.index
        assert overview_grid.chosen(targets, city, "", themes) == (city, "city_cleanliness")
        assert overview_grid.chosen(targets, "吉政办发〔2018〕10号", "", themes) == (
            "吉政办发〔2018〕10号", "")  # six indicators: the whole document
        _, grid, _ = overview.update(2019, city, "", "", "zh")
    found = [node for node in grid._traverse() if getattr(node, "id", None) in (
        "overview-theme-pages", "overview-grid-table")]
    pages, table = found
    headers = [column for column in table.columnDefs if column.get("field") != "region"]
    assert 0 < len(headers) <= overview_grid.MAX_COLUMNS
    links = [node.href for node in pages._traverse() if getattr(node, "href", None)]
    assert len(links) == 5 and all("theme=" in link for link in links)  # the other five
