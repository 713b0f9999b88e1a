"""The tile map: its layout covers Jilin's regions, and its colours follow the statuses."""

import pandas as pd
import pytest

from dashboard.figures import STATUS_COLOURS, STATUS_SYMBOLS
from dashboard.map_figure import (
    NO_TARGET_COLOUR,
    NO_VERDICT_COLOUR,
    RATE_SCALE,
    drawn_codes,
    rate_colour,
    region_map,
    tiles,
)
from dashboard.state import DashboardState
from etl.store import Store
from indicators.regions import load_regions
from indicators.statuses import Status
from indicators.summary import tally
from targets.cli import main as targets

PREFECTURES = ["220100", "220200", "220300", "220400", "220500", "220600", "220700", "220800",
               "222400"]


@pytest.fixture(scope="module")
def register():
    return load_regions()


@pytest.fixture(scope="module")
def names(register):
    return dict(zip(register.regions["code"], register.regions["name_zh"], strict=True))


def rows(*items):
    """Hand-made status rows: (region_code, indicator_id, target_id, deadline_year, status)."""
    frame = pd.DataFrame(list(items), columns=["region_code", "indicator_id", "target_id",
                                               "deadline_year", "status"])
    return frame.assign(as_of_year=2019)


def tile_of(figure, code):
    """The filled tile of `code` (its customdata is the code at every vertex)."""
    found = [trace for trace in figure.data if trace.fill == "toself"
             and set(trace.customdata) == {code}]
    assert len(found) == 1, code
    return found[0]


def test_the_layout_places_every_jilin_region_once_and_no_two_on_one_tile(register):
    layout = tiles()
    jilin = register.regions[register.regions["level"].isin(["prefecture", "county"])]
    assert set(layout["code"]) == set(jilin["code"])
    assert not layout["code"].duplicated().any()
    for level, frame in layout.groupby("level"):
        cells = frame.merge(register.regions[["code", "name_zh"]], on="code",
                            suffixes=("", "_register"))
        assert (cells["name_zh"] == cells["name_zh_register"]).all()  # the CSV names its codes
        # Only the two codes of 公主岭 (220381 until 2020-06-19, 220184 after) share a tile.
        shared = cells[cells.duplicated(["col", "row"], keep=False)]
        assert set(shared["name_zh"]) <= {"公主岭市"}, level


def test_a_tile_is_coloured_by_its_share_of_due_targets_met(register, names):
    status = rows(
        ("220100", "a", "a1", 2019, Status.MET), ("220100", "b", "b1", 2018, Status.MET_LATE),
        ("220100", "c", "c1", 2019, Status.MISSED), ("220100", "d", "d1", 2020, Status.AT_RISK),
        ("220200", "a", "a1", 2019, Status.MISSED),
        ("220300", "a", "a1", 2019, Status.MET),
        ("220400", "a", "a1", 2019, Status.NO_DATA), ("220400", "d", "d1", 2021, Status.ON_TRACK),
    )
    figure = region_map(status, register, names, "zh", 2019)
    assert tile_of(figure, "220300").fillcolor == RATE_SCALE[-1][1]  # all met
    assert tile_of(figure, "220200").fillcolor == RATE_SCALE[0][1]  # none met
    assert tile_of(figure, "220400").fillcolor == NO_VERDICT_COLOUR  # nothing with a verdict
    assert tile_of(figure, "220500").fillcolor == NO_VERDICT_COLOUR  # no rows at all
    changchun = tile_of(figure, "220100")
    # 2 of 3 due with a verdict are met (met late counts); the target due in 2020 is not due.
    assert "2/3" in changchun.text and "长春市" in changchun.text
    assert changchun.fillcolor not in {RATE_SCALE[0][1], RATE_SCALE[-1][1], NO_VERDICT_COLOUR}
    assert tally(status[status["region_code"] == "220100"]).rate == pytest.approx(200 / 3)


def test_with_an_indicator_a_tile_takes_that_indicator_status_colour_and_symbol(register,
                                                                                  names):
    status = rows(
        ("220100", "a", "a1", 2019, Status.MET), ("220100", "b", "b1", 2019, Status.MISSED),
        ("220200", "a", "a1", 2017, Status.MISSED), ("220200", "a", "a2", 2021, Status.AT_RISK),
        ("220300", "b", "b1", 2019, Status.MET), ("220400", "a", "a1", 2019, Status.MISSED),
    )
    figure = region_map(status, register, names, "zh", 2019, indicator_id="a")
    assert tile_of(figure, "220100").fillcolor == STATUS_COLOURS[Status.MET]
    # The target due this year or the next one due, as in the overview grid.
    assert tile_of(figure, "220200").fillcolor == STATUS_COLOURS[Status.AT_RISK]
    assert tile_of(figure, "220300").fillcolor == NO_TARGET_COLOUR  # no target of indicator a
    labels = next(trace for trace in figure.data if trace.mode == "text")
    by_code = dict(zip(labels.customdata, labels.text, strict=True))
    assert by_code["220100"].endswith(STATUS_SYMBOLS[Status.MET])
    assert by_code["220200"].endswith(STATUS_SYMBOLS[Status.AT_RISK])
    inks = dict(zip(labels.customdata, labels.textfont.color, strict=True))
    # Whichever contrasts more: black on green and orange, white on the dark purple of missed.
    assert inks["220100"] == inks["220200"] == "#111111" and inks["220400"] == "#FFFFFF"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_prefecture_is_drawn_once_with_its_code_and_nothing_else(register, language):
    names = dict(zip(register.regions["code"], register.regions[
        "name_zh" if language == "zh" else "name_en"], strict=True))
    status = rows(("000000", "a", "a1", 2019, Status.MET), ("220000", "a", "a1", 2019,
                                                           Status.MISSED))
    figure = region_map(status, register, names, language, 2019)
    filled = [trace.customdata[0] for trace in figure.data if trace.fill == "toself"]
    assert sorted(filled) == PREFECTURES
    assert "000000" not in filled and "220000" not in filled  # 全国 and the province: never
    labels = next(trace for trace in figure.data if trace.mode == "text")
    assert sorted(labels.customdata) == PREFECTURES


def test_the_county_map_draws_the_code_of_gongzhuling_valid_that_year(register):
    before, after = drawn_codes(register, "county", 2019), drawn_codes(register, "county", 2021)
    assert "220381" in before and "220184" not in before
    assert "220184" in after and "220381" not in after
    assert len(before) == len(after) == 60
    assert not set(before) & set(PREFECTURES)


def status_csv(database: str, year: int, folder) -> pd.DataFrame:
    """`targets status --format csv` for `year`, read back (the demo's note line left out)."""
    output = folder / f"status-{year}.csv"
    assert targets(["--database", database, "status", "--year", str(year), "--format", "csv",
                    "-o", str(output)]) == 0
    frame = pd.read_csv(output, dtype={"region_code": str}, encoding="utf-8-sig")
    return frame[frame["region_code"].str.fullmatch(r"\d{6}", na=False)]


def expected_colours(status: pd.DataFrame, codes: list[str]) -> dict[str, str]:
    """Each region's colour worked out from `targets status` rows, apart from the map code."""
    colours = {}
    for code in codes:
        own = status[(status["region_code"] == code)
                     & (status["deadline_year"] <= status["as_of_year"])]
        verdict = own[own["status"].isin(["met", "met_late", "missed"])]
        met = verdict["status"].isin(["met", "met_late"]).sum()
        colours[code] = rate_colour(met / len(verdict)) if len(verdict) else NO_VERDICT_COLOUR
    return colours


def test_the_map_colours_agree_with_targets_status_for_a_store(tmp_path):
    database = f"sqlite:///{tmp_path / 'small.sqlite'}"
    assert targets(["--database", database, "demo"]) == 0
    source = DashboardState(Store(database))
    register = source.reference.register
    for year, level in ((2019, "prefecture"), (2020, "county")):
        expected = expected_colours(status_csv(database, year, tmp_path),
                                    drawn_codes(register, level, year))
        figure = region_map(source.status(year), register, source.region_names("zh"), "zh",
                            year, level)
        drawn = {trace.customdata[0]: trace.fillcolor for trace in figure.data
                 if trace.fill == "toself"}
        assert drawn == expected
        assert len(set(drawn.values())) > 3  # the demo's regions differ: a real comparison
