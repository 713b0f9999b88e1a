"""An extract evaluates the targets of its own regions and indicators only, and gives what
evaluating every region and indicator gives."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import export
from etl.export import export_table
from etl.store import Store
from indicators import status
from indicators.reference import Reference
from targets.cli import main as targets

SHARE = "transit_modal_share"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("export") / "demo.sqlite"
    assert targets(["--database", f"sqlite:///{path}", "demo"]) == 0
    return Store(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.load()


@pytest.mark.parametrize("filters", [
    {"indicators": [SHARE], "regions": ["220200"]},
    {"indicators": [SHARE, "road_area_ratio"], "regions": ["220100", "220300"],
     "first_period": 2018},
    {"regions": ["220100"]},
    {"indicators": [SHARE]},
])
def test_an_extract_evaluates_its_own_rows_only_with_the_same_result(store, reference,
                                                                     monkeypatch, filters):
    asked: list[tuple[set[str], set[str]]] = []
    evaluate = status.evaluate

    def spy(values, targets, memberships, *args, **options):  # type: ignore[no-untyped-def]
        asked.append((set(memberships["region_code"]), set(targets["indicator_id"])))
        return evaluate(values, targets, memberships, *args, **options)

    monkeypatch.setattr(status, "evaluate", spy)
    narrowed = export_table(store, reference, **filters)
    regions, indicators = asked[-1]
    assert regions <= set(filters.get("regions") or regions)
    assert indicators <= set(filters.get("indicators") or indicators)
    assert len(narrowed) > 0

    everything = status.evaluated
    monkeypatch.setattr(export, "evaluated", lambda values, ref, year, **_narrowed:
                        everything(values, ref, year))
    whole = export_table(store, reference, **filters)
    pd.testing.assert_frame_equal(narrowed, whole)
