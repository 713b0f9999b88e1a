"""The region register: codes, hierarchy, validity and the classes the gazette names."""

import datetime as dt

import pytest

from indicators.catalogue import RegionClass, load_catalogue
from indicators.regions import RegisterError, load_regions

END_2018 = dt.date(2018, 12, 31)
END_2020 = dt.date(2020, 12, 31)


def test_codes_are_unique_six_digit_and_parents_exist(register):
    regions = register.regions
    assert regions["code"].is_unique
    jilin = regions[regions["level"] != "country"]
    assert jilin["code"].str.fullmatch(r"22[0-9]{4}").all()
    parents = set(regions["parent_code"]) - {""}
    assert parents <= set(jilin["code"])


def test_the_country_is_a_comparison_region_in_no_class(register):
    assert register.comparison == {"000000"}
    assert register.name("000000") == "全国" and register.name("000000", "en") == "China"
    assert "000000" not in set(register.memberships["region_code"])
    assert register.memberships["region_class"].notna().all()


def test_a_comparison_region_with_a_class_is_refused(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("code,name_zh,name_en,level,kind,parent_code,valid_from,valid_to,classes\n"
                    "000000,全国,China,country,country,,,,province\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="000000: a comparison region belongs to no region "
                                            "class"):
        load_regions(path)


def test_province_nine_prefectures_and_sixty_counties_at_any_date(register):
    regions = register.regions
    assert regions.loc[regions["level"] == "province", "code"].tolist() == ["220000"]
    prefectures = regions.loc[regions["level"] == "prefecture", "code"]
    assert sorted(prefectures) == ["220100", "220200", "220300", "220400", "220500", "220600",
                                   "220700", "220800", "222400"]
    for moment in (dt.date(2015, 1, 1), END_2018, END_2020):
        assert len(register.members("county_level", moment)) == 60


def test_gongzhuling_changed_code_and_parent_in_2020(register):
    regions = register.regions.set_index("code")
    assert regions.at["220381", "parent_code"] == "220300"
    assert regions.at["220184", "parent_code"] == "220100"
    in_2018 = register.members("county_level", END_2018)
    in_2020 = register.members("county_level", END_2020)
    assert "220381" in in_2018 and "220184" not in in_2018
    assert "220184" in in_2020 and "220381" not in in_2020
    assert regions.at["220381", "valid_to"] == regions.at["220184", "valid_from"]


def test_classes_the_gazette_names(register):
    regions = register.regions.set_index("code")
    kind = regions["kind"]
    assert set(register.members("changchun_jilin")) == {"220100", "220200"}
    assert set(register.members("province")) == {"220000"}
    cities = set(kind[kind.isin(["prefecture_city", "county_city"])].index)
    assert set(register.members("city")) == cities
    counties = set(kind[kind.isin(["county", "autonomous_county"])].index)
    assert set(register.members("county_town")) == counties
    assert set(register.members("other_cities")) == cities - {"220100", "220200"}
    everyone = set(kind[~kind.isin(["district", "country"])].index) - {"220000"}
    assert set(register.members("all_cities_counties")) == everyone
    assert set(register.members("other_cities_counties")) == everyone - {"220100", "220200"}
    assert "222400" not in register.members("city")  # 延边州 is a prefecture, not a city
    assert not set(register.members("all_cities_counties")) & set(kind[kind == "district"].index)


def test_every_region_class_used_by_a_target_has_members(register):
    used = {target.region_class for target in load_catalogue().targets}
    for region_class in used:
        assert register.members(region_class), region_class
    assert {c.value for c in RegionClass} >= set(register.memberships["region_class"])


def test_names_in_both_languages(register):
    assert register.name("220100") == "长春市"
    assert register.name("220100", "en") == "Changchun City"
    assert register.regions["name_en"].str.len().gt(0).all()


def test_malformed_register_is_refused(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("code,name_zh,name_en,level,kind,parent_code,valid_from,valid_to,classes\n"
                    "220000,吉林省,Jilin,province,province,,,,province\n"
                    "22010,长春市,Changchun,prefecture,prefecture_city,220000,,,nowhere\n"
                    "220000,吉林省,Jilin,province,province,,,,province\n", encoding="utf-8")
    with pytest.raises(RegisterError) as refused:
        load_regions(path)
    message = str(refused.value)
    assert "'22010' is not six digits" in message
    assert "220000 appears twice" in message
    assert "unknown region class 'nowhere'" in message


def test_the_regions_of_a_level_are_those_that_held_at_the_years_end(register):
    assert len(register.at_level("prefecture", 2018)) == 9
    in_2018, in_2020 = register.at_level("county", 2018), register.at_level("county", 2020)
    assert len(in_2018) == len(in_2020) == 60
    assert "220381" in in_2018 and "220184" not in in_2018
    assert "220184" in in_2020 and "220381" not in in_2020
    assert register.at_level("country", 2020) == ["000000"]
