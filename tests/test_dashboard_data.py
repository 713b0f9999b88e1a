"""The dashboard's state: statuses from the store, cached per data version, one per app."""

from dashboard import state
from dashboard.state import DashboardState, ExportFilters
from etl.export import export_table
from etl.store import Store
from indicators.reference import Reference
from tests.factories import make_rows

SHARE = "transit_modal_share"


def test_a_new_entry_is_seen_at_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.load(make_rows(("220100", SHARE, 2018, 25.0)), by="a", source="x.csv")
    data = DashboardState(store).view("all")  # a planner's entry: among all values at once

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
               by="a", source="x.csv", accept=True)
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


PARK = "park_green_space_per_capita"


def test_pages_open_on_the_latest_year_with_data_and_show_lagged_values(tmp_path, monkeypatch):
    """Published figures come late: 长春市's 2021 park green space (13.13 m²) against ">= 13 by
    2020", and 吉林市's 2019 transit share. The store's latest year with data is 2021, not the
    calendar year; a region's or an indicator's page opens on its own latest year."""
    import json

    import plotly

    from dashboard.app import create_app
    from tests.test_dashboard_writes import page_module

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    Store(url).load(make_rows(("220100", PARK, 2021, 13.13), ("220200", SHARE, 2019, 20.0)),
                    by="a", source="x.csv", accept=True)
    app = create_app(url)
    # The page modules as Dash registered them: importing them by another name would register
    # each page twice in this process.
    indicator, overview, region = (page_module(name) for name in ("indicator", "overview",
                                                                   "region"))
    data = state.of(app)
    assert data.years() == [2019, 2021] and data.default_year() == 2021
    assert data.latest_year(region_code="220200") == 2019
    assert data.latest_year(indicator_id=SHARE) == 2019
    assert data.latest_year(region_code="220300") == 2021  # no values: the store's latest
    status = data.status(2021).set_index(["region_code", "target_id"])
    row = status.loc[("220100", "jzbf17-34")]
    assert (row["status"], row["actual"], row["actual_period"]) == ("met_late", 13.13, 2021)

    def text(component) -> str:
        return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder,
                          ensure_ascii=False)

    def dropdown_value(page: str, element_id: str) -> object:
        found = json.loads(page)
        stack = [found]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if node.get("props", {}).get("id") == element_id:
                    return node["props"]["value"]
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        raise AssertionError(element_id)

    with app.server.test_request_context("/"):
        page = text(overview.layout())
        assert "数据截至 2021年" in page and dropdown_value(page, "overview-year") == 2021
        page = text(region.layout(code="220100"))
        assert "数据截至 2021年" in page and dropdown_value(page, "region-year") == 2021
        # The loaded value in its own year, judged met late against each passed deadline.
        assert "实际 13.13 平方米/人（2021年）" in page and "逾期达标" in page
        page = text(region.layout(code="220200", lang="en"))
        assert "Data as of 2019" in page and dropdown_value(page, "region-year") == 2019
        page = text(indicator.layout(indicator_id=SHARE))
        assert "数据截至 2019年" in page and dropdown_value(page, "indicator-year") == 2019
