"""The region scorecard on a small store: counts, the rate and what it counts, the rank among
the regions of its level, the change since the year before, targets by document with those
behind first, and no target id or region code in the text people read."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest

from etl.store import Store
from tests.factories import make_rows
from tests.test_dashboard_writes import page_module

SHARE = "transit_modal_share"  # 17号: >= 26 % by 2018-12, >= 28 % by 2019-12, >= 30 % 2020
PARK = "park_green_space_per_capita"  # 17号: >= 11 m²/person 2018, 12 in 2019, 13 in 2020
RELICS = "relics_coordination_mechanism_established"  # 15号: a milestone due 2018-07
VALUES = [("220100", SHARE, 2018, 24.0), ("220100", SHARE, 2019, 26.5),
          ("220100", PARK, 2018, 8.0), ("220100", PARK, 2019, 12.5),
          ("220100", RELICS, 2018, 1.0),
          ("220200", SHARE, 2018, 27.0), ("220200", SHARE, 2019, 29.0)]


@pytest.fixture
def app(tmp_path, monkeypatch) -> Any:
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the session key file
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    Store(url).load(make_rows(*VALUES), by="planner", source="values.csv", accept=True)
    return create_app(url)


def texts(component: Any) -> list[str]:
    """Every text a reader sees (children strings), in page order; no ids, hrefs or props."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
        elif hasattr(node, "children"):
            walk(node.children)

    walk(component)
    return found


def page(app: Any, year: int, language: str = "zh", code: str = "220100") -> list[str]:
    region = page_module("region")
    with app.server.test_request_context("/"):
        return texts(region.layout(code=code, year=str(year), lang=language))


def by_id(app: Any, element_id: str, year: int = 2019, language: str = "zh") -> str:
    region = page_module("region")
    with app.server.test_request_context("/"):
        layout = region.layout(code="220100", year=str(year), lang=language)
    found = [node for node in layout._traverse() if getattr(node, "id", None) == element_id]
    assert len(found) == 1, element_id
    return " ".join(texts(found[0]))


def test_counts_and_the_rate_say_what_they_count(app):
    # 2019: due with a verdict: 17-04 missed, 17-09 missed, 17-15 missed, 17-19 met, the
    # milestone met = 2 of 5 met; the 2020 targets are not yet due; other due targets no data.
    assert by_id(app, "region-count-met") == "2"
    assert by_id(app, "region-count-missed") == "3"
    assert by_id(app, "region-rate") == "40 %"
    summary = by_id(app, "region-summary")
    assert "已到期且有结果的 5 个目标中达标 2 个" in summary
    assert "未到期的目标不计入" in summary
    assert "有风险 1" in summary and "进展顺利 1" in summary  # 17-29 at risk, 17-34 on track


def test_rank_among_the_prefecture_level_divisions(app):
    # 220200 met both its due targets (100 %), 220100 40 %, the other seven have no rate.
    assert by_id(app, "region-rank") == "第 2 / 9（市州）"
    assert by_id(app, "region-rank", language="en") == "2 of 9 (prefecture-level divisions)"


def test_change_since_the_year_before_names_the_targets(app):
    change = by_id(app, "region-change")
    assert "新达标 1 项" in change and "城市人均公园绿地面积（2019-12）" in change
    assert "新未达标 1 项" in change and "公共交通机动化出行分担率（2019-12）" in change
    # 2018 is the store's first year: nothing to compare with.
    assert "无上年数据可比" in by_id(app, "region-change", year=2018)


def test_targets_grouped_by_document_behind_first(app):
    shown = page(app, 2019)
    relics = shown.index("吉林省人民政府办公厅关于进一步加强文物安全工作的实施意见")
    city = shown.index("吉林省城市管理效能提升三年行动方案")
    assert relics < city  # catalogue order
    assert "建立政府分管负责人牵头的文物安全协调机制" in shown[relics:city]
    assert "已完成（2018年）" in shown[relics:city]
    section = shown[city:]
    first_missed = section.index("✗ 未达标")
    first_risk = section.index("! 有风险")
    first_on_track = section.index("↗ 进展顺利")
    first_met = section.index("✓ 已达标")
    assert first_missed < first_risk < first_on_track < first_met
    no_data = next(i for i, text in enumerate(section) if text.startswith("无数据的目标 ("))
    assert first_met < no_data
    # Disjoint counts of its 33 targets: 16 due by 2019 (4 with a verdict, 12 without
    # data), 17 due in 2020.
    assert "已达标 1 · 未达标 3 · 到期无数据 12 · 未到期 17" in section


def test_values_have_units_and_gaps_are_worded(app):
    shown = " ".join(page(app, 2019))
    assert "目标 ≥ 28 % · 实际 26.5 %（2019年） · 落后 1.5 百分点" in shown
    assert "目标 ≥ 12 平方米/人 · 实际 12.5 平方米/人（2019年） · 超出 0.5 平方米/人" in shown
    english = " ".join(page(app, 2019, "en"))
    assert "target ≥ 28 % · actual 26.5 % (2019) · 1.5 points behind" in english
    assert "差距(实际−目标)" not in shown and "完成(1/0)" not in shown


def test_no_target_id_or_region_code_in_the_text(app):
    for language in ("zh", "en"):
        shown = " ".join(page(app, 2019, language))
        assert "jzbf" not in shown and "jzbh" not in shown
        assert "220100" not in shown and "220200" not in shown
        assert "长春市" in shown or "Changchun" in shown


def test_a_briefing_slot_near_the_top(app):
    region = page_module("region")
    with app.server.test_request_context("/"):
        layout = region.layout(code="220100")
    ids = [getattr(node, "id", None) for node in layout._traverse()]
    assert ids.index("region-briefing-slot") < ids.index("region-summary")


def test_the_briefing_button_gives_the_regions_one_page_pdf(app):
    from pypdf import PdfReader

    region = page_module("region")
    with app.server.test_request_context("/"):
        sent = region.briefing(1, {"region": "220100", "year": 2019}, "zh")
    assert sent["filename"] == "briefing-220100-2019.pdf"
    pdf = base64.b64decode(sent["content"])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "长春市" in text and "2019" in text
    assert "220100" not in text


def test_a_hand_made_briefing_request_for_a_bad_region_is_refused(app):
    client = app.server.test_client()
    body = {"output": "region-briefing-download.data",
            "outputs": {"id": "region-briefing-download", "property": "data"},
            "inputs": [{"id": "region-briefing-button", "property": "n_clicks", "value": 1}],
            "state": [{"id": "region-briefing-target", "property": "data",
                       "value": {"region": "220100", "year": "2019; drop"}},
                      {"id": "region-briefing-language", "property": "children",
                       "value": "zh"}],
            "changedPropIds": ["region-briefing-button.n_clicks"]}
    assert client.post("/_dash-update-component", json=body).status_code == 400
    body["state"][0]["value"] = {"region": "999999", "year": 2019}
    assert client.post("/_dash-update-component", json=body).status_code == 404
    body["state"][0]["value"] = {"region": "220100", "year": 2019}  # the positive control
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200 and b"briefing-220100-2019.pdf" in answer.data


def test_a_rank_on_few_results_says_so(app):
    # 长春市 in 2019: of its many due targets, only the transit share, park green space and
    # a milestone have values: the rank carries the caveat; a full tally would not.
    caveat = by_id(app, "region-rank-caveat")
    assert "有结果" in caveat and "仅供参考" in caveat
    from dashboard.scorecard import sparse
    from indicators.summary import Tally
    full = Tally(counts={}, due=4, due_with_verdict=2, due_without_data=2, not_yet_due=0, met=1)
    assert not sparse(full) and sparse(Tally(counts={}, due=5, due_with_verdict=2,
                                             due_without_data=3, not_yet_due=0, met=1))
