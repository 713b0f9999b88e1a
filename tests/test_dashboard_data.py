"""The dashboard's state: statuses from the store, cached per data version, one per app."""

from dashboard.state import DashboardState, ExportFilters
from etl.export import export_table
from etl.store import Store
from indicators.reference import Reference
from tests.factories import make_rows

SHARE = "transit_modal_share"


def test_a_new_entry_is_seen_at_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.load(make_rows(("220100", SHARE, 2018, 25.0)), by="a", source="x.csv")
    data = DashboardState(store)

    def changchun_status() -> str:
        status = data.status(2018)
        row = status[(status["region_code"] == "220100") & (status["target_id"] == "jzbf17-04")]
        return str(row["status"].iloc[0])

    assert changchun_status() == "missed"
    assert data.status(2018) is data.status(2018)  # unchanged store: computed once
    store.load(make_rows(("220100", SHARE, 2018, 27.0)), by="b", source="form")
    assert changchun_status() == "met"
    assert data.years() == [2018]
    assert not data.demo_in_use()


def test_export_is_the_same_as_the_command(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.load(make_rows(("220100", SHARE, 2018, 25.0), ("220200", SHARE, 2019, 29.0)),
               by="a", source="x.csv")
    data = DashboardState(store)
    shown = data.export(ExportFilters(indicators=(SHARE,), regions=("220200",)))
    expected = export_table(store, Reference.load(), indicators=[SHARE], regions=["220200"])
    assert shown.equals(expected) and len(shown) == 1


def test_the_app_is_set_up_before_its_first_real_request(tmp_path, monkeypatch):
    """Guards against plotly/dash#3971: concurrent first callbacks in a new worker failed."""
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    app = create_app(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert app._got_first_request["setup_server"]  # Dash's own flag; no public accessor


def test_the_objects_the_app_starts_with_are_out_of_the_collectors_sight(tmp_path,
                                                                       monkeypatch):
    """A full garbage collection would otherwise walk every object of the imports and the
    app (130-160 ms) in the middle of some request."""
    import gc

    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    create_app(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    watched = len(gc.get_objects())
    assert gc.get_freeze_count() > 10 * watched
