"""A store's first load (etl/first_load.py, etl/acceptance.py), on SQLite and PostgreSQL: the
revision table's indexes and foreign keys are there after it, and after one that failed; its
accepted values inserted without replacing are replaced by a later accepted load; the revision
columns it leaves out are NULL."""

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.store import Store, StoreWriteError
from tests.factories import make_rows

SHARE = "transit_modal_share"


def _revision_structure(store: Store) -> tuple[list, list]:
    inspector = sa.inspect(store.engine)
    indexes = sorted((index["name"], index["column_names"])
                     for index in inspector.get_indexes("revision"))
    keys = sorted((key["referred_table"], key["constrained_columns"])
                  for key in inspector.get_foreign_keys("revision"))
    return indexes, keys


def test_a_first_load_leaves_the_revision_table_as_the_migrations_made_it(store_url):
    store = Store(store_url)
    before = _revision_structure(store)
    assert before[0], "the revision table has secondary indexes to keep"
    store.load(make_rows(("220100", SHARE, 2018, 25.0), ("220200", SHARE, 2018, 30.0)),
               by="a", source="first.csv")
    assert _revision_structure(store) == before


def test_a_first_load_that_fails_keeps_the_indexes_and_writes_nothing(store_url, monkeypatch):
    store = Store(store_url)
    before = _revision_structure(store)

    def refused(*_args, **_kwargs):
        raise sa.exc.OperationalError("refresh", {}, Exception("refused"))

    monkeypatch.setattr(Store, "_refresh_actual", staticmethod(refused))
    with pytest.raises(StoreWriteError):
        store.load(make_rows(("220100", SHARE, 2018, 25.0)), by="a", source="first.csv")
    monkeypatch.undo()
    assert _revision_structure(store) == before
    assert store.counts() == {"load": 0, "revision": 0, "actual": 0, "accepted": 0}


def test_a_second_accepted_load_replaces_the_first_ones_accepted_values(store_url):
    store = Store(store_url)
    store.load(make_rows(("220100", SHARE, 2018, 25.0), ("220200", SHARE, 2018, 30.0)),
               by="a", source="first.csv", accept=True)
    store.load(make_rows(("220100", SHARE, 2018, 26.0)), by="a", source="second.csv",
               accept=True)
    with store.engine.connect() as connection:
        found = pd.DataFrame(connection.execute(sa.text(
            "SELECT s.region_code, t.value FROM accepted t JOIN series s ON s.id = t.series_id "
            "ORDER BY s.region_code")).all(), columns=["region_code", "value"])
    assert found.to_dict("records") == [{"region_code": "220100", "value": 26.0},
                                        {"region_code": "220200", "value": 30.0}]


def test_the_revision_columns_a_load_leaves_out_are_null_and_those_it_has_are_kept(store_url):
    store = Store(store_url)
    store.load(make_rows(("220100", SHARE, 2018, 25.0)), by="a", source="first.csv")
    store.load(make_rows(("220100", SHARE, 2018, 26.0), note=["corrected"]), by="a",
               source="second.csv")
    with store.engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT value, value_entered, note, source_row, previous_value, "
            "previous_revision_id FROM revision ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(25.0, None, None, 2, None, None),
                                            (26.0, None, "corrected", 2, 25.0, 1)]
