"""The shipped catalogue is complete and consistent; malformed entries are refused."""

import re

import pytest
import yaml

from indicators.catalogue import (
    KIND_FIELDS,
    CatalogueError,
    TargetKind,
    build_catalogue,
    load_catalogue,
    normalised_text,
)
from indicators.paths import CATALOGUE_DIR, gazette_file
from indicators.units import conversion_factor, is_convertible
from tests.factories import INDICATOR, make_catalogue, make_file

DOCUMENTS = {
    "吉政办发〔2018〕10号", "吉政办发〔2018〕15号", "吉政办发〔2018〕16号", "吉政办发〔2018〕17号",
    "吉政办发〔2018〕18号", "吉政办函〔2018〕52号", "吉政办函〔2018〕72号",
}


@pytest.fixture(scope="module")
def gazette_text():
    return normalised_text(gazette_file().read_text(encoding="utf-8"))


def test_one_file_per_source_document_and_one_of_context_indicators(catalogue):
    assert set(catalogue.documents) == DOCUMENTS
    assert len(list(CATALOGUE_DIR.glob("*.yaml"))) == len(DOCUMENTS) + 1
    assert catalogue.context == {"built_up_green_coverage_ratio",
                                 "park_green_space_service_radius_coverage"}
    targeted = {target.indicator for target in catalogue.targets}
    assert targeted.isdisjoint(catalogue.context)
    assert targeted | catalogue.context == set(catalogue.indicators)


def test_every_quote_is_verbatim_in_the_shipped_gazette(catalogue, gazette_text):
    # Checked here independently of the loader, on the raw files.
    for path in CATALOGUE_DIR.glob("*.yaml"):
        for target in yaml.safe_load(path.read_text(encoding="utf-8")).get("targets", []):
            assert target["quote_zh"] in gazette_text, (path.name, target["id"])


def test_every_document_number_is_printed_in_the_gazette(catalogue, gazette_text):
    compact = gazette_text.replace(" ", "")
    for number in catalogue.documents:
        assert number in compact


def test_every_target_unit_converts_to_its_indicator_unit(catalogue):
    relative = {TargetKind.ANNUAL_STEP, TargetKind.REDUCTION_VS_BASELINE}
    for target in catalogue.targets:
        if target.kind not in relative:
            assert is_convertible(target.unit, catalogue.indicator_of(target).unit), target.id


def test_every_kind_in_the_gazette_is_represented(catalogue):
    kinds = {target.kind for target in catalogue.targets}
    assert kinds >= {TargetKind.AT_LEAST, TargetKind.AT_MOST, TargetKind.EQUAL,
                     TargetKind.COUNT_RANGE, TargetKind.HIGHER_THAN_PREVIOUS,
                     TargetKind.ANNUAL_STEP, TargetKind.REDUCTION_VS_BASELINE,
                     TargetKind.CUMULATIVE, TargetKind.ZERO, TargetKind.MILESTONE}


def test_every_indicator_has_both_names_and_a_declared_theme(catalogue):
    for indicator in catalogue.indicators.values():
        assert re.search(r"[\u4e00-\u9fff]", indicator.name_zh), indicator.id
        assert re.search(r"[A-Za-z]", indicator.name_en), indicator.id
        assert indicator.theme in catalogue.themes


def _find(catalogue, indicator_fragment, region_class, deadline):
    found = [t for t in catalogue.targets if indicator_fragment in t.indicator
             and t.region_class == region_class and t.deadline == deadline]
    assert len(found) == 1, (indicator_fragment, region_class, deadline, found)
    return found[0]


@pytest.mark.parametrize(("indicator", "region_class", "deadline", "kind", "value", "unit"), [
    ("mechanized_sweeping", "changchun_jilin", "2018-12", "at_least", 100, "percent"),
    ("mechanized_sweeping", "other_cities_counties", "2018-12", "at_least", 80, "percent"),
    ("mechanized_sweeping", "all_cities_counties", "2019-12", "at_least", 90, "percent"),
    ("transit_modal_share", "changchun_jilin", "2018-12", "at_least", 26, "percent"),
    ("transit_modal_share", "other_cities", "2018-12", "at_least", 16, "percent"),
    ("transit_modal_share", "changchun_jilin", "2020-12", "at_least", 30, "percent"),
    ("park_green_space_per_capita", "all_cities_counties", "2018-12", "at_least", 11,
     "square_meter / person"),
    ("park_green_space_per_capita", "all_cities_counties", "2019-12", "at_least", 12,
     "square_meter / person"),
    ("park_green_space_per_capita", "all_cities_counties", "2020-12", "at_least", 13,
     "square_meter / person"),
    ("new_urban_green_area", "province", "2020-12", "cumulative", 2000, "hectare"),
    ("domestic_waste", "county_town", "2020-12", "at_least", 80, "percent"),
    ("built_up_green_space_ratio", "all_cities_counties", "2020-12", "annual_step", 0.4,
     "percentage_point"),
])
def test_targets_named_in_the_brief(catalogue, indicator, region_class, deadline, kind, value,
                                    unit):
    target = _find(catalogue, indicator, region_class, deadline)
    assert (target.kind.value, target.value, target.unit) == (kind, value, unit)


def test_health_targets_named_in_the_brief(catalogue):
    by_quote = {t.quote_zh: t for t in catalogue.targets}
    drug_share = next(t for q, t in by_quote.items() if "药占比" in q)
    assert (drug_share.kind, drug_share.value) == (TargetKind.AT_MOST, 30)
    subsidy = [t for t in catalogue.targets if t.value == 490]
    assert len(subsidy) == 1 and subsidy[0].unit == "yuan / person"


def test_targets_frame_has_the_catalogue_columns(catalogue):
    frame = catalogue.targets_frame
    for column in ("document", "clause", "indicator_id", "indicator_zh", "indicator_en",
                   "region_class", "deadline", "kind", "value", "value_high", "unit", "quote_zh"):
        assert column in frame.columns
    assert frame["target_id"].is_unique
    assert len(frame) == len(catalogue.targets)


def test_target_values_are_converted_to_the_indicator_unit():
    hectares = {**INDICATOR, "id": "green", "unit": "hectare"}
    catalogue = make_catalogue(
        {"indicator": "green", "value": 30, "unit": "亩", "quote_zh": "测试公报"},
        indicators=[hectares])
    row = catalogue.targets_frame.iloc[0]
    assert row["target_value"] == pytest.approx(2.0)
    assert conversion_factor("亩", "公顷") == pytest.approx(1 / 15)


# --- malformed entries: each refused with file, entry and problem named ---------------------

MALFORMED = [
    ({"kind": "at_least", "value": None}, "kind at_least needs `value`"),
    ({"kind": "milestone", "unit": "done", "value": 1}, "kind milestone takes no `value`"),
    ({"kind": "range", "value": 90, "value_high": 80}, "value_high 80.0 is below value 90.0"),
    ({"kind": "count_range", "value": 2.5, "value_high": 3}, "whole numbers"),
    ({"kind": "sometimes"}, "kind: Input should be"),
    ({"region_class": "everywhere"}, "region_class: Input should be"),
    ({"deadline": "2018-13"}, "deadline: String should match pattern"),
    ({"deadline": "１８"}, "deadline: String should match pattern"),
    ({"deadline": "2099"}, "not a plausible year"),
    ({"kind": "at_least", "deadline": "ongoing"}, "only a milestone can be ongoing"),
    ({"kind": "annual_step", "value": 0.4, "baseline_year": 2019, "deadline": "2018",
      "unit": "percentage_point"}, "baseline_year must come before the deadline"),
    ({"unit": "斤斤"}, "unknown unit"),
    ({"unit": "公顷"}, "cannot convert"),
    ({"indicator": "nonexistent"}, "unknown indicator 'nonexistent'"),
    ({"quote_zh": "长春市达到99%"}, "quote_zh is not verbatim"),
    ({"clause": None}, "clause: Input should be a valid string"),
    ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ({"id": "Bad Id"}, "id: String should match pattern"),
]


@pytest.mark.parametrize(("override", "problem"), MALFORMED)
def test_malformed_target_is_refused_naming_file_entry_and_problem(override, problem):
    content = make_file({}, {"id": "test1-02", **override})
    with pytest.raises(CatalogueError) as refused:
        build_catalogue({"jzbf-bad.yaml": content}, "长春市、吉林市达到26%以上")
    message = str(refused.value)
    assert "jzbf-bad.yaml" in message
    assert "targets[1]" in message
    assert problem in message


@pytest.mark.parametrize(("override", "problem"), [
    ({"direction": "sideways"}, "direction: Input should be 'higher' or 'lower'"),
    ({"theme": "undeclared"}, "theme 'undeclared' is not declared"),
    ({"unit": "zorkmid"}, "unknown unit"),
    ({"name_zh": ""}, "name_zh: String should have at least 1 character"),
])
def test_malformed_indicator_is_refused(override, problem):
    content = make_file(indicators=[{**INDICATOR, **override}])
    with pytest.raises(CatalogueError) as refused:
        build_catalogue({"jzbf-bad.yaml": content}, "长春市、吉林市达到26%以上")
    assert "jzbf-bad.yaml: indicators[0]" in str(refused.value)
    assert problem in str(refused.value)


def test_duplicate_ids_across_files_are_refused():
    first = make_file()
    second = make_file(document={**first["document"], "number": "测试〔2018〕2号"})
    with pytest.raises(CatalogueError, match="b.yaml: indicators\\[0\\] \\(id share\\): duplicate"):
        build_catalogue({"a.yaml": first, "b.yaml": second}, "长春市、吉林市达到26%以上")
    second["indicators"] = [{**INDICATOR, "id": "other", "name_zh": "其他"}]
    second["targets"][0]["indicator"] = "other"
    with pytest.raises(CatalogueError, match="b.yaml: targets\\[0\\] \\(id test1-01\\): duplicate"):
        build_catalogue({"a.yaml": first, "b.yaml": second}, "长春市、吉林市达到26%以上")


def test_missing_section_and_non_mapping_are_refused():
    content = make_file()
    del content["themes"]
    with pytest.raises(CatalogueError, match="x.yaml: themes: Field required"):
        build_catalogue({"x.yaml": content}, "")
    content = make_file()
    del content["targets"]
    with pytest.raises(CatalogueError, match="^x.yaml: a document's file lists its targets$"):
        build_catalogue({"x.yaml": content}, "")
    with pytest.raises(CatalogueError, match="x.yaml: expected a mapping"):
        build_catalogue({"x.yaml": ["a", "list"]}, "")


def test_invalid_yaml_file_is_refused(tmp_path):
    (tmp_path / "broken.yaml").write_text("document: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="broken.yaml: not valid YAML"):
        load_catalogue(tmp_path)


def test_empty_catalogue_directory_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match="no catalogue files"):
        load_catalogue(tmp_path)


def test_every_kind_declares_its_fields():
    assert set(KIND_FIELDS) == set(TargetKind)


def test_source_names_definitions_and_confusions_of_the_shipped_catalogue(catalogue):
    park = catalogue.indicators["park_green_space_per_capita"]
    assert "人均公园绿地面积" in park.source_names
    assert park.definition_zh and "chla.com.cn" in str(park.definition_source)
    green = catalogue.indicators["built_up_green_space_ratio"]
    assert "建成区绿化覆盖率" in [other.name for other in green.not_to_confuse_with]
    assert "yangling.gov.cn" in str(green.definition_source)
    # Without a citable definition the field stays empty rather than written from memory.
    assert catalogue.indicators["road_area_ratio"].definition_zh is None


def _two(first: dict, second: dict) -> dict:
    return make_file(indicators=[{**INDICATOR, **first}, {**INDICATOR, **second}])


def test_a_source_name_claimed_by_two_indicators_is_refused():
    content = _two({"source_names": ["路网密度"]},
                   {"id": "other", "name_zh": "其他", "source_names": ["路网 密度"]})
    with pytest.raises(CatalogueError, match="indicators\\[1\\] \\(id other\\): name '路网 密度' "
                                             "already names indicator share"):
        build_catalogue({"a.yaml": content}, "长春市、吉林市达到26%以上")


def test_a_source_name_equal_to_another_indicators_name_is_refused():
    content = _two({}, {"id": "other", "name_zh": "其他",
                        "source_names": [INDICATOR["name_zh"]]})
    with pytest.raises(CatalogueError, match="already names indicator share"):
        build_catalogue({"a.yaml": content}, "长春市、吉林市达到26%以上")


def test_a_name_not_to_confuse_with_may_not_be_the_indicators_own():
    confusion = {"name": "分担 率", "note_zh": "不同", "note_en": "different"}
    content = make_file(indicators=[{**INDICATOR, "source_names": ["分担率"],
                                     "not_to_confuse_with": [confusion]}])
    with pytest.raises(CatalogueError, match="name '分担率' is its own name and is declared "
                                             "not to be confused with it"):
        build_catalogue({"a.yaml": content}, "长春市、吉林市达到26%以上")


def test_a_name_not_to_confuse_with_may_be_another_indicators():
    confusion = {"name": "其他", "note_zh": "不同", "note_en": "different"}
    content = make_file(indicators=[{**INDICATOR, "not_to_confuse_with": [confusion]}])
    context = {"themes": content["themes"], "indicators": [{**INDICATOR, "id": "other",
                                                             "name_zh": "其他"}]}
    # In either order of the files: the context file sorts first, or last.
    for files in ({"a.yaml": content, "context.yaml": context},
                  {"context.yaml": context, "z.yaml": content}):
        catalogue = build_catalogue(files, "长春市、吉林市达到26%以上")
        assert catalogue.context == {"other"}
        assert catalogue.indicators_frame.set_index("indicator_id")["is_context"].to_dict() == {
            "share": False, "other": True}


def test_a_context_file_has_no_targets_and_a_document_no_indicator_without_one():
    content = make_file()
    context = {"themes": content["themes"], "indicators": content["indicators"],
               "targets": content["targets"]}
    with pytest.raises(CatalogueError, match="context.yaml: a file without a document declares "
                                             "context indicators only"):
        build_catalogue({"context.yaml": context}, "长春市、吉林市达到26%以上")
    lonely = _two({}, {"id": "other", "name_zh": "其他"})
    with pytest.raises(CatalogueError, match="a.yaml: indicator other has no target; an "
                                             "indicator no target names is a context indicator"):
        build_catalogue({"a.yaml": lonely}, "长春市、吉林市达到26%以上")


def test_a_definition_needs_its_source():
    content = make_file(indicators=[{**INDICATOR, "definition_zh": "某某之比"}])
    with pytest.raises(CatalogueError, match="definition_zh and definition_source go together"):
        build_catalogue({"a.yaml": content}, "长春市、吉林市达到26%以上")
