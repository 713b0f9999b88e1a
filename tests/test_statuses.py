"""Statuses and target kinds are defined once (indicators.statuses, TargetKind); every table
keyed by them covers each member exactly, so a new one cannot be forgotten."""

import re
from pathlib import Path

import pytest

from dashboard.components import STATUS_LETTERS
from dashboard.figures import OPENSDG_ORDER, STATUS_COLOURS, STATUS_ORDER, STATUS_SYMBOLS
from dashboard.i18n import KIND_LABELS, OPENSDG_STATUS_LABELS, STATUS_LABELS, TEXT, kind_key, t
from indicators import opensdg, schemas
from indicators.catalogue import TargetKind
from indicators.evaluate import evaluate
from indicators.statuses import OpenSdgStatus, Status
from tests.factories import make_actuals, make_catalogue, make_memberships

ASSETS = Path(__file__).resolve().parent.parent / "dashboard" / "assets"
BOTH = set(Status) | set(OpenSdgStatus)


def test_status_vocabularies_are_apart_and_in_display_order():
    assert not set(Status) & set(OpenSdgStatus)
    assert STATUS_ORDER == ["met", "met_late", "on_track", "at_risk", "off_track", "missed",
                            "no_data"]
    assert OPENSDG_ORDER == ["target_achieved", "substantial", "moderate", "limited",
                             "deterioration", "not_available"]
    assert all(type(status) is str for status in STATUS_ORDER + OPENSDG_ORDER)


def test_schemas_take_their_statuses_from_the_enums():
    assert sorted(schemas.STATUSES) == sorted(Status)
    assert list(opensdg.STATUSES) == list(OpenSdgStatus)


@pytest.mark.parametrize(("table", "members"), [
    (STATUS_COLOURS, BOTH), (STATUS_SYMBOLS, BOTH), (STATUS_LETTERS, set(Status)),
    (STATUS_LABELS, set(Status)), (OPENSDG_STATUS_LABELS, set(OpenSdgStatus))],
    ids=["colours", "symbols", "letters", "labels", "opensdg_labels"])
def test_each_status_table_covers_every_status_exactly(table, members):
    assert len(table) == len(members) and set(table) == members


def test_every_status_has_its_label_in_both_languages():
    for status in BOTH:
        assert status in TEXT and all(t(status, language) for language in ("zh", "en"))


def test_status_letters_are_distinct_and_the_grid_script_reads_them_back():
    assert len(set(STATUS_LETTERS.values())) == len(STATUS_LETTERS)
    script = (ASSETS / "dashAgGridFunctions.js").read_text(encoding="utf-8")

    def table(name):
        body = re.search(rf"var {name} = \{{(.*?)\}};", script).group(1)
        return dict(re.findall(r'(\w+): "([^"]*)"', body))

    assert table("STATUS_OF_LETTER") == {letter: status
                                         for status, letter in STATUS_LETTERS.items()}
    assert table("STATUS_SYMBOLS") == {status: STATUS_SYMBOLS[status] for status in Status}


def test_every_target_kind_has_its_label():
    assert set(KIND_LABELS) == set(TargetKind) and len(KIND_LABELS) == len(TargetKind)
    for kind in TargetKind:
        assert kind_key(kind) == f"kind_{kind.value}"
        assert all(t(kind_key(kind), language) for language in ("zh", "en"))


def test_an_evaluation_holds_plain_status_strings():
    catalogue = make_catalogue({"kind": "at_least", "value": 26, "deadline": "2018"})
    actuals = make_actuals(("220100", "share", 2018, 30.0))
    result = evaluate(actuals, catalogue.targets_frame,
                      make_memberships(changchun_jilin=["220100"]), 2018)
    assert list(result["status"]) == [Status.MET]
    assert all(type(status) is str for status in result["status"])
