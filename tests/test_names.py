"""Name suggestions: the index gives what difflib over every choice gives, in bounded time."""

import difflib
import random
from types import SimpleNamespace

from etl import names as etl_names
from etl.names import SUGGESTION_CUTOFF, Closest, IndicatorNames, RegionNames, normalise


def every_choice(text: str, choices: dict[str, str], rank=lambda value: 0) -> str | None:
    """The suggestion as it was made before the index: difflib against every key."""
    scores = {key: difflib.SequenceMatcher(None, text, key).ratio() for key in choices}
    best = max(scores.values(), default=0.0)
    if best < SUGGESTION_CUTOFF:
        return None
    return min((choices[key] for key, score in scores.items() if score == best), key=rank)


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


def test_indicator_suggestions_equal_difflib_over_every_choice(catalogue):
    choices = {normalise(i.name_zh): i.id for i in catalogue.indicators.values()} | {
        i.id: i.id for i in catalogue.indicators.values()}
    index = Closest(choices)
    texts = typos(list(choices), 150, seed=20)
    assert [index(text) for text in texts] == [every_choice(text, choices) for text in texts]
    assert sum(index(text) is not None for text in texts) > 50  # the typos are found


def test_region_suggestions_equal_difflib_over_every_choice(register):
    names = RegionNames(register)
    choices = {form: min(found, key=names._rank) for form, found in names.by_form.items()}
    texts = typos(list(choices), 300, seed=21)
    assert [names._closest(text) for text in texts] == [
        every_choice(text, choices, names._rank) for text in texts]


def test_ten_thousand_unknown_names_are_suggested_for_without_comparing_every_choice(
        catalogue, monkeypatch):
    """The index, not difflib over every key, bounds the work: a name is compared with at
    most MAX_COMPARED keys, and these, sharing too few characters with any key for its bound
    to reach the cutoff, with hardly any (difflib over every key: 10,000 x every key)."""
    names = IndicatorNames(catalogue)
    compared = [0]

    class Counted(difflib.SequenceMatcher):
        def __init__(self, *args, **kwargs) -> None:
            compared[0] += 1
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(etl_names, "difflib", SimpleNamespace(SequenceMatcher=Counted))
    texts = [f"未知指标{i}号率" for i in range(10_000)]
    suggestions, per_name = [], []
    for text in texts:
        compared[0] = 0
        suggestions.append(names.suggest(text))
        per_name.append(compared[0])
    assert max(per_name) <= Closest.MAX_COMPARED
    assert sum(per_name) <= len(texts)  # on average at most one key each, of some 240
    assert len(suggestions) == 10_000
