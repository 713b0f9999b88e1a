"""The indicator page shows the names sources print and the definition with its source."""

import pytest

from dashboard.app import create_app
from indicators.catalogue import load_catalogue
from tests.test_dashboard_writes import page_module


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        create_app(f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.sqlite'}")
    # The module as Dash registered it: importing it by another name would register the page
    # twice in this process.
    return page_module("indicator")


def text_of(component) -> str:
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list):
        children = [children]
    return "".join(text_of(child) for child in children)


def test_the_definition_is_shown_with_its_source_and_the_names_sources_print(page):
    indicators = load_catalogue().indicators
    shown = text_of(page._definition(indicators["park_green_space_per_capita"], "zh"))
    assert "统计资料中的名称: 人均公园绿地面积" in shown
    assert "统计口径: 人均公园绿地面积指报告期末城区内平均每人拥有的公园绿地面积。" in shown
    assert "出处: 中国风景园林网" in shown and "chla.com.cn" in shown
    english = text_of(page._definition(indicators["park_green_space_per_capita"], "en"))
    assert "Statistical definition: 人均公园绿地面积指" in english and "(source: " in english


def test_a_measure_not_to_confuse_is_named_with_why(page):
    green = load_catalogue().indicators["built_up_green_space_ratio"]
    shown = text_of(page._definition(green, "zh"))
    assert "yangling.gov.cn" in shown
    assert "勿与“建成区绿化覆盖率”混淆: 绿化覆盖率按" in shown
    assert "Not to be confused with 建成区绿化覆盖率: the green coverage ratio" in text_of(
        page._definition(green, "en"))


def test_without_a_citable_definition_the_page_says_so(page):
    road = load_catalogue().indicators["road_area_ratio"]
    assert "尚无可引用的出处" in text_of(page._definition(road, "zh"))
