"""Resolve `--region` and `--indicator` texts (codes, ids, Chinese or English names) to codes."""

from __future__ import annotations

import difflib
import re

from etl.names import IndicatorNames, RegionNames, normalise
from indicators.reference import Reference

SUGGESTIONS = 3


def region_codes(texts: list[str] | None, reference: Reference,
                 year: int | None = None) -> list[str] | None:
    """The region codes `texts` stand for (a GB/T 2260 code; a Chinese name with or without
    its suffix, with every code it has held; an English name), None for no filter; a
    UserError naming the close matches for a text that stands for no region."""
    if not texts:
        return None
    from targets.cli import UserError

    names = RegionNames(reference.register)
    regions = reference.register.regions
    english = {normalise(str(name)): code for code, name in
               zip(regions["code"], regions["name_en"], strict=True) if isinstance(name, str)}
    codes: list[str] = []
    for text in texts:
        form = normalise(text)
        if re.fullmatch(r"[0-9]{6}", form) and form in names.name_of:
            codes.append(form)  # a code of any year: the store keeps the years it held
            continue
        match = names.resolve(text, year)
        code = english.get(form) or match.code
        if code is not None:
            # Every code the name has held: the store keeps each year under its own code.
            codes.extend(names.codes_of.get(names.name_of[code], [code]))
            continue
        close = _close(text, [*names.codes_of, *(n for n in regions["name_en"]
                                                 if isinstance(n, str))])
        raise UserError(f"{match.problem_zh}{_also_zh(close)} / {match.problem_en}"
                        f"{_also_en(close)}")
    return list(dict.fromkeys(codes))


def indicator_ids(texts: list[str] | None, reference: Reference) -> list[str] | None:
    """The indicator ids `texts` stand for (an id, a Chinese name or a name sources print,
    an English name), None for no filter; a UserError naming the close matches for a text
    that stands for no indicator."""
    if not texts:
        return None
    from targets.cli import UserError

    catalogue = reference.catalogue
    names = IndicatorNames(catalogue)
    english = {normalise(indicator.name_en): key
               for key, indicator in catalogue.indicators.items()}
    ids: list[str] = []
    for text in texts:
        found = names.find(text) or english.get(normalise(text))
        if found is not None:
            ids.append(found)
            continue
        choices = [name for indicator in catalogue.indicators.values()
                   for name in (indicator.id, indicator.name_zh, indicator.name_en)]
        close = _close(text, choices)
        hint_zh, hint_en = names.hint(text)
        raise UserError(f"未知指标“{text}”{hint_zh}{_also_zh(close)} / unknown indicator "
                        f"'{text}'{hint_en}{_also_en(close)}")
    return ids


def _close(text: str, choices: list[str]) -> list[str]:
    """The choices nearest `text`, at most SUGGESTIONS, compared case-insensitively."""
    by_form = {choice.casefold(): choice for choice in choices}
    found = difflib.get_close_matches(text.casefold(), list(by_form), n=SUGGESTIONS, cutoff=0.5)
    return [by_form[form] for form in found]


def _also_zh(close: list[str]) -> str:
    return f"（相近：{'、'.join(close)}）" if close else ""


def _also_en(close: list[str]) -> str:
    return f" (close: {', '.join(close)})" if close else ""
