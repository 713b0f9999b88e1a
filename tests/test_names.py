"""Names as people and sources print them: source names resolve, spelling variants get a
suggestion in bounded time, other measures and regions outside Jilin never do."""

import random
from collections import Counter

import pytest

from etl import names as etl_names
from etl.names import (
    COUNTRY_ALIASES,
    PROVINCE_ALIASES,
    Closest,
    IndicatorNames,
    RegionNames,
    allowed_edits,
    edit_distance,
    normalise,
)


def full_distance(first: str, second: str) -> int:
    """Optimal-string-alignment distance over the whole table, without a limit."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(second) + 1)]
             for i in range(len(first) + 1)]
    for i in range(1, len(first) + 1):
        for j in range(1, len(second) + 1):
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1,
                              table[i - 1][j - 1] + (first[i - 1] != second[j - 1]))
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


def every_choice(text: str, choices: dict[str, str], rank=None) -> str | None:
    """The suggestion by brute force: the distance to every key."""
    if len(text) < 2:
        return None
    distances = {}
    for key in choices:
        if abs(len(key) - len(text)) > allowed_edits(text, key):
            continue  # the distance is at least the difference in length
        distance = 1 if Counter(key) == Counter(text) and key != text else full_distance(text, key)
        if distance <= allowed_edits(text, key):
            distances[key] = distance
    if not distances:
        return None
    best = min(distances.values())
    values = sorted({choices[key] for key, distance in distances.items() if distance == best})
    if len(values) == 1:
        return values[0]
    return None if rank is None else min(values, key=rank)


def typos(keys: list[str], count: int, seed: int) -> list[str]:
    """Keys with a character dropped, swapped for another key's, or added; some random."""
    chance = random.Random(seed)
    alphabet = "".join(sorted(set("".join(keys))))
    texts = []
    for _ in range(count):
        key = list(chance.choice(keys))
        for _ in range(chance.randint(1, 3)):
            at = chance.randrange(len(key))
            edit = chance.choice(("drop", "swap", "add"))
            if edit == "drop" and len(key) > 1:
                del key[at]
            elif edit == "swap":
                key[at] = chance.choice(alphabet)
            else:
                key.insert(at, chance.choice(alphabet))
        texts.append("".join(key))
    texts += ["".join(chance.choices(alphabet, k=chance.randint(1, 12))) for _ in range(count)]
    return texts


def test_indicator_suggestions_equal_brute_force_over_every_choice(catalogue):
    choices = IndicatorNames(catalogue).by_form
    index = Closest(choices)
    texts = typos(list(choices), 60, seed=20)
    assert [index(text) for text in texts] == [every_choice(text, choices) for text in texts]
    assert sum(index(text) is not None for text in texts) > 20  # the typos are found


def test_region_suggestions_equal_brute_force_over_every_choice(register):
    names = RegionNames(register)
    aliases = {normalise(alias) for alias in (*PROVINCE_ALIASES, *COUNTRY_ALIASES)}
    choices = {form: min(found, key=names._rank) for form, found in names.by_form.items()
               if form not in aliases}
    texts = typos(list(choices), 300, seed=21)
    assert [names._closest(text) for text in texts] == [
        every_choice(text, choices, names._rank) for text in texts]


@pytest.mark.parametrize(("first", "second", "distance"), [
    ("长春市", "长村市", 1), ("长春", "春长", 1), ("建成区绿化覆盖率", "建成区绿地率", 3),
    ("道路面积", "道路面积率", 1), ("abc", "", 3), ("", "", 0)])
def test_edit_distance(first, second, distance):
    assert edit_distance(first, second, 10) == distance == full_distance(first, second)
    assert edit_distance(first, second, distance - 1) == distance if distance else True


def test_ten_thousand_unknown_names_are_suggested_for_without_comparing_every_choice(
        catalogue, monkeypatch):
    """The index, not the distance to every key, bounds the work: a name is compared with at
    most MAX_COMPARED keys, and these, sharing too few characters with any key to be a
    spelling variant of it, with none (brute force: 10,000 x every key)."""
    names = IndicatorNames(catalogue)
    compared = [0]
    distance = etl_names.edit_distance

    def counted(*args):
        compared[0] += 1
        return distance(*args)

    monkeypatch.setattr(etl_names, "edit_distance", counted)
    texts = [f"未知指标{i}号率" for i in range(10_000)]
    suggestions, per_name = [], []
    for text in texts:
        compared[0] = 0
        suggestions.append(names.suggest(text))
        per_name.append(compared[0])
    assert max(per_name) <= Closest.MAX_COMPARED
    assert sum(per_name) == 0
    assert suggestions == [None] * 10_000


# --- names as sources print them --------------------------------------------------------------


def test_source_names_resolve_to_their_indicator(catalogue):
    names = IndicatorNames(catalogue)
    assert names.find("人均公园绿地面积") == "park_green_space_per_capita"
    assert names.find("人均 公园绿地面积") == "park_green_space_per_capita"
    assert names.find("城市人均公园绿地面积") == "park_green_space_per_capita"
    assert names.find("建成区路网密度") == "road_network_density"
    assert names.find("居民医保人均财政补助标准") == (
        "resident_medical_insurance_government_subsidy_per_person")
    assert names.known("人均公园绿地面积（平方米）")


def test_a_measure_easily_confused_is_refused_with_why_and_no_suggestion(catalogue):
    names = IndicatorNames(catalogue)
    # 绿化率 is one character from 绿地率, yet a colloquial name of neither ratio.
    for text in ("绿化率", " 绿化率 "):
        assert names.find(text) is None
        assert names.suggest(text) is None
        hint_zh, hint_en = names.hint(text)
        assert "不是“建成区绿化覆盖率”，" in hint_zh
        assert "built_up_green_coverage_ratio" not in hint_zh + hint_en  # no id to people
        assert "不是统计指标" in hint_zh
        assert "是否为" not in hint_zh
        assert "is not 建成区绿化覆盖率" in hint_en
        assert "did you mean" not in hint_en


def test_a_name_declared_not_to_confuse_that_is_a_context_indicator_resolves_to_it(catalogue):
    names = IndicatorNames(catalogue)
    for text in ("建成区绿化覆盖率", "城市建成区绿化覆盖率"):
        assert names.find(text) == "built_up_green_coverage_ratio"
    assert "建成区绿化覆盖率" in names.confusions  # still said on 建成区绿地率's page


@pytest.mark.parametrize(("text", "built_up"), [("绿地率", "建成区绿地率"),
                                                ("绿化覆盖率", "建成区绿化覆盖率")])
def test_a_ratio_printed_without_its_area_is_refused_with_how_to_check(catalogue, text,
                                                                       built_up):
    # 长春's and 延吉's sources print 绿地率 without 建成区: its denominator may be the city's.
    names = IndicatorNames(catalogue)
    assert names.find(text) is None
    hint_zh, hint_en = names.hint(text)
    assert f"请核实来源的口径，确为建成区的，写作“{built_up}”" in hint_zh
    assert f"write {built_up}" in hint_en


def test_the_abbreviation_a_newspaper_prints_names_park_green_space(catalogue):
    assert IndicatorNames(catalogue).find("人均公园面积") == "park_green_space_per_capita"


def test_a_real_typo_still_gets_its_suggestion(catalogue):
    names = IndicatorNames(catalogue)
    assert names.suggest("城市人均公园绿地面基") == "park_green_space_per_capita"
    assert names.suggest("人均公园绿地面基") == "park_green_space_per_capita"  # of a source name
    assert names.suggest("建成区绿地律") == "built_up_green_space_ratio"
    assert names.hint("城市人均公园绿地面基") == (
        "，是否为“城市人均公园绿地面积”？",
        "; did you mean 城市人均公园绿地面积?")


def test_a_similar_name_of_another_indicator_is_no_spelling_variant():
    index = Closest({"建成区绿地率": "green", "道路面积率": "road", "道路密度率": "density"})
    assert index("建成区绿化覆盖率") is None  # three edits in eight characters
    assert index("道路面积率") == "road"
    assert index("道路面度率") is None  # one edit from two indicators: no guess
    assert index("区成建绿地率") == "green"  # the same characters reordered


def test_two_indicators_one_edit_apart_get_no_suggestion_for_either():
    index = Closest({"a率": "one", "b率": "two"})
    assert index("c率") is None


@pytest.mark.parametrize("text", ["辽宁省", "辽宁", "黑龙江省", "广西壮族自治区", "北京"])
def test_other_provinces_are_not_taken_for_jilin(register, text):
    match = RegionNames(register).resolve(text, 2018)
    assert match.code is None
    assert "吉林省(220000)" not in str(match.problem_zh)
    assert "是否为" not in str(match.problem_zh)
    assert match.problem_zh == (f"“{text}”不是吉林省的地区：只能填报吉林省及其市、县的数值，"
                                "以及作为对比的全国数值")
    assert "is not a region of Jilin" in str(match.problem_en)


@pytest.mark.parametrize("text", ["全国", "中国", "全國", "中國", "中华人民共和国", "全国平均",
                                  "China", "000000"])
def test_the_country_as_sources_print_it_is_the_comparison_region(register, text):
    assert RegionNames(register).resolve(text, 2018).code == "000000"


def test_a_register_without_a_country_still_refuses_it(register):
    from indicators.regions import RegionRegister
    jilin = RegionRegister(register.regions[register.regions["level"] != "country"])
    match = RegionNames(jilin).resolve("全国", 2018)
    assert match.code is None and "不是吉林省的地区" in str(match.problem_zh)


def test_a_one_character_change_of_quan_sheng_is_no_province(register):
    names = RegionNames(register)
    assert names.resolve("全省", 2018).code == "220000"
    for text in ("全市", "全县", "全州"):
        assert "220000" not in str(names.resolve(text, 2018).problem_zh)


def test_region_spelling_variants_are_still_suggested(register):
    names = RegionNames(register)
    assert "是否为“长春市”？" in str(names.resolve("长村市", 2018).problem_zh)
    assert "是否为“长春市”？" in str(names.resolve("春长市", 2018).problem_zh)
