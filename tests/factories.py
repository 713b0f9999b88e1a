"""Small factories for tests: a catalogue from a few entries, actual values from tuples."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from indicators.catalogue import Catalogue, build_catalogue

GAZETTE = "测试公报。长春市、吉林市达到26%以上。其他城市达到16%以上。\n药占比不超过30%。"

INDICATOR: dict[str, Any] = {
    "id": "share", "name_zh": "分担率", "name_en": "Share", "theme": "transport",
    "unit": "percent", "direction": "higher",
}
TARGET: dict[str, Any] = {
    "id": "test1-01", "indicator": "share", "region_class": "changchun_jilin",
    "deadline": "2018-12", "kind": "at_least", "value": 26, "unit": "percent",
    "clause": "三(一)2", "quote_zh": "长春市、吉林市达到26%以上",
}


def make_file(*targets: dict[str, Any], indicators: list[dict[str, Any]] | None = None,
              **overrides: Any) -> dict[str, Any]:
    """A parsed catalogue file; each target dict overrides the default TARGET."""
    content: dict[str, Any] = {
        "document": {"number": "测试〔2018〕1号", "title_zh": "测试文件", "title_en": "Test",
                     "issued": "2018-06-08"},
        "themes": {"transport": {"zh": "交通", "en": "Transport"}},
        "indicators": indicators or [copy.deepcopy(INDICATOR)],
        "targets": [{**TARGET, "id": f"test1-{n:02d}", **target}
                    for n, target in enumerate(targets or ({},), start=1)],
    }
    content.update(overrides)
    return content


def make_catalogue(*targets: dict[str, Any], indicators: list[dict[str, Any]] | None = None,
                   gazette: str = GAZETTE) -> Catalogue:
    return build_catalogue({"test-1.yaml": make_file(*targets, indicators=indicators)}, gazette)


def make_actuals(*rows: tuple[str, str, int, float]) -> pd.DataFrame:
    """Actual values from (region_code, indicator_id, period, value) tuples."""
    return pd.DataFrame(list(rows), columns=["region_code", "indicator_id", "period", "value"])


def make_memberships(**classes: list[str]) -> pd.DataFrame:
    """Region-class memberships, e.g. make_memberships(changchun_jilin=["220100"])."""
    rows = [(code, region_class) for region_class, codes in classes.items() for code in codes]
    frame = pd.DataFrame(rows, columns=["region_code", "region_class"])
    frame["valid_from"] = pd.NaT
    frame["valid_to"] = pd.NaT
    return frame


def make_rows(*rows: tuple[str, str, int, float], **columns: Any) -> pd.DataFrame:
    """Validated rows ready for Store.load, from (region, indicator, period, value) tuples."""
    frame = make_actuals(*rows)
    frame["source_row"] = range(2, len(frame) + 2)
    for name, values in columns.items():
        frame[name] = values
    return frame
