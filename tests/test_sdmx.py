"""SDMX-CSV values and targets and the SDMX-ML structure (etl.sdmx, etl.sdmx_structure,
targets.cli_sdmx), read back by an SDMX library independent of the writers: pysdmx (BIS)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from lxml import etree
from pysdmx.errors import Invalid
from pysdmx.io import read_sdmx

from etl.export import export_table
from etl.sdmx import number_text, unit_id
from etl.sdmx_ids import VALUE_ATTRIBUTES, VALUE_DIMENSIONS, VALUES_FLOW_REF
from etl.store import Store
from indicators.reference import Reference
from targets.cli import main
from tests.factories import make_rows

CHANGCHUN = "220100"
SHARE = "transit_modal_share"
SWEEPING = "mechanized_sweeping_rate"
NAMES = {"com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
         "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sdmx") / "demo.sqlite"
    url = f"sqlite:///{path}"
    assert main(["--database", url, "demo"]) == 0
    return url


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.load()


@pytest.fixture(scope="module")
def structure(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The structure written by `targets sdmx structure`, read by pysdmx with the SDMX-ML 2.1
    schemas checked."""
    path = tmp_path_factory.mktemp("structure") / "dsd.xml"
    assert main(["sdmx", "structure", "-o", str(path)]) == 0
    return path, read_sdmx(path, validate=True)


def read_values(path) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    datasets = read_sdmx(path).data
    assert len(datasets) == 1
    assert datasets[0].structure == f"Dataflow={VALUES_FLOW_REF}"
    return datasets[0].data


def codes(message, codelist: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A codelist's codes with their names, as pysdmx reads them."""
    found = [item for item in message.structures if item.id == codelist]
    assert len(found) == 1
    return {code.id: code.name for code in found[0].items}


def test_values_come_back_as_the_extract_gives_them(demo, reference, tmp_path, capsys):
    output = tmp_path / "values.csv"
    assert main(["--database", demo, "export", "--format", "sdmx-csv", "-o", str(output)]) == 0
    assert "DATA_KIND = DEMO" in capsys.readouterr().err
    back = read_values(output)
    extract = export_table(Store(demo), reference).drop_duplicates(
        ["region_code", "indicator_id", "period"])
    assert len(back) == len(extract) > 1000
    expected = pd.DataFrame({
        "REGION": extract["region_code"].astype(str),
        "INDICATOR": extract["indicator_id"].astype(str),
        "TIME_PERIOD": extract["period"].astype(str),
        "UNIT_MEASURE": extract["unit"].map(unit_id),
        "REVIEW_STATUS": "ACCEPTED", "DATA_KIND": "DEMO",
        "SOURCE": extract["source"].astype(str)}).reset_index(drop=True)
    pd.testing.assert_frame_equal(back[list(expected.columns)].astype(object),
                                  expected.astype(object))
    # The same numbers, at the extract's published precision.
    assert [float(text) if text else math.nan for text in back["OBS_VALUE"]] == \
        pytest.approx(list(extract["value"]), nan_ok=True, rel=0, abs=0)


def test_the_codelists_hold_every_code_used_with_both_names(demo, reference, structure,
                                                             tmp_path):
    path, message = structure
    output = tmp_path / "values.csv"
    assert main(["--database", demo, "export", "--format", "sdmx-csv", "-o", str(output),
                 "--values", "all"]) == 0
    back = read_values(output)
    for column, codelist in (("REGION", "CL_REGION"), ("INDICATOR", "CL_INDICATOR"),
                             ("UNIT_MEASURE", "CL_UNIT"), ("REVIEW_STATUS", "CL_REVIEW_STATUS"),
                             ("DATA_KIND", "CL_DATA_KIND")):
        assert set(back[column]) <= set(codes(message, codelist)), column
    regions = codes(message, "CL_REGION")
    assert set(reference.region_names["region_code"]) == set(regions)
    assert regions[CHANGCHUN] == "Changchun City"
    # Chinese and English names of each code, in the file itself.
    tree = etree.parse(str(path))
    names = tree.xpath("//str:Codelist[@id='CL_REGION']/str:Code[@id='220100']/com:Name",
                       namespaces=NAMES)
    assert {(name.get("{http://www.w3.org/XML/1998/namespace}lang"), name.text)
            for name in names} == {("zh", "长春市"), ("en", "Changchun City")}
    dsd = next(item for item in message.structures if item.id == "DSD_TARGET_VALUES")
    # The DSD's components in the order of the SDMX-CSV's columns.
    assert [component.id for component in dsd.components] == \
        [*VALUE_DIMENSIONS, "OBS_VALUE", *VALUE_ATTRIBUTES]
    roles = {component.id: component.role.name for component in dsd.components}
    assert roles == {"REGION": "DIMENSION", "INDICATOR": "DIMENSION",
                     "TIME_PERIOD": "DIMENSION", "OBS_VALUE": "MEASURE",
                     "UNIT_MEASURE": "ATTRIBUTE", "REVIEW_STATUS": "ATTRIBUTE",
                     "DATA_KIND": "ATTRIBUTE", "SOURCE": "ATTRIBUTE"}


def test_a_structure_breaking_the_sdmx_schemas_is_refused(structure, tmp_path):
    path, _ = structure
    broken = tmp_path / "broken.xml"
    broken.write_text(path.read_text(encoding="utf-8").replace(
        'id="CL_REGION"', 'id="CL REGION"', 1), encoding="utf-8")
    with pytest.raises(Invalid):
        read_sdmx(broken, validate=True)


def test_values_not_accepted_and_real_ones_say_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = Store(url)
    store.load(make_rows((CHANGCHUN, SHARE, 2018, 28.39)), by="operator", source="公报",
               accept=True)
    store.load(make_rows((CHANGCHUN, SWEEPING, 2018, 71.0)), by="planner", source="form",
               kind="form")
    output = tmp_path / "values.csv"
    assert main(["--database", url, "export", "--format", "sdmx-csv", "--values", "all",
                 "-o", str(output)]) == 0
    back = read_values(output).set_index("INDICATOR")
    assert back.loc[SHARE, ["OBS_VALUE", "REVIEW_STATUS", "DATA_KIND", "SOURCE"]].tolist() == \
        ["28.39", "ACCEPTED", "REPORTED", "公报"]
    # pysdmx reads a column of numbers through floats ("71" comes back "71.0").
    assert float(back.loc[SWEEPING, "OBS_VALUE"]) == 71.0
    assert back.loc[SWEEPING, "REVIEW_STATUS"] == "NOT_ACCEPTED"
    assert f"{CHANGCHUN},{SWEEPING},2018,71,PERCENT,NOT_ACCEPTED,REPORTED,form\r\n" in \
        output.read_bytes().decode("utf-8")
    assert main(["--database", url, "export", "--format", "sdmx-csv", "-o", str(output)]) == 0
    assert list(read_values(output)["INDICATOR"]) == [SHARE]


def test_targets_come_back_as_the_catalogue_has_them(reference, structure, tmp_path, capsys):
    output = tmp_path / "targets.csv"
    assert main(["sdmx", "targets", "-o", str(output)]) == 0
    err = capsys.readouterr().err
    datasets = read_sdmx(output).data
    assert datasets[0].structure == "Dataflow=JL_TARGETS:DF_TARGETS(1.0)"
    back = datasets[0].data.set_index("TARGET")
    targets = reference.catalogue.targets_frame.set_index("target_id")
    undated = targets.index[targets["deadline_year"].isna()]
    assert len(undated) > 0 and all(target in err for target in undated)
    assert set(back.index) == set(targets.index) - set(undated)
    for target, row in back.iterrows():
        source = targets.loc[target]
        assert row["INDICATOR"] == source["indicator_id"]
        assert row["REGION_CLASS"] == source["region_class"]
        assert row["TIME_PERIOD"] == str(int(source["deadline_year"]))
        assert row["TARGET_KIND"] == source["kind"]
        assert row["UNIT_MEASURE"] == unit_id(source["unit"])
        assert row["DOCUMENT"] == source["document"] and row["CLAUSE"] == source["clause"]
        assert row["OBS_VALUE"] == number_text(source["target_value"])
    _, message = structure
    for column, codelist in (("INDICATOR", "CL_INDICATOR"), ("REGION_CLASS", "CL_REGION_CLASS"),
                             ("TARGET_KIND", "CL_TARGET_KIND"), ("UNIT_MEASURE", "CL_UNIT")):
        assert set(back[column]) <= set(codes(message, codelist)), column
    assert set(back.index) <= set(codes(message, "CL_TARGET"))


def test_filters_by_name_and_the_region_not_known(demo, tmp_path, capsys):
    output = tmp_path / "values.csv"
    assert main(["--database", demo, "export", "--format", "sdmx-csv", "--region", "长春市",
                 "--from", "2019", "-o", str(output)]) == 0
    back = read_values(output)
    assert set(back["REGION"]) == {CHANGCHUN}
    assert min(back["TIME_PERIOD"].astype(int)) >= 2019
    capsys.readouterr()
    assert main(["--database", demo, "export", "--format", "sdmx-csv", "--region",
                 "长春", "--region", "Atlantis", "-o", str(output)]) == 2
    assert "Atlantis" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["sdmx", "structure"], ["sdmx", "targets"],
                                     ["export", "--format", "sdmx-csv"]])
def test_an_unwritable_output_is_an_error_not_a_traceback(demo, tmp_path, capsys, command):
    output = tmp_path / "missing" / "out.file"
    assert main(["--database", demo, *command, "-o", str(output)]) == 2
    assert "cannot read or write the file" in capsys.readouterr().err
    assert not output.exists()


def test_the_screen_gets_the_same_csv(tmp_path, capsys):
    output = tmp_path / "targets.csv"
    assert main(["sdmx", "targets", "-o", str(output)]) == 0
    capsys.readouterr()
    assert main(["sdmx", "targets"]) == 0
    assert capsys.readouterr().out.replace("\r\n", "\n") == \
        output.read_text(encoding="utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize(("number", "text"), [(0.93, "0.93"), (12.0, "12"), (-0.5, "-0.5"),
                                              (1234567.25, "1234567.25"), (math.nan, ""),
                                              (None, ""), (0.0001, "0.0001")])
def test_numbers_are_written_positionally_in_their_shortest_form(number, text):
    assert number_text(number) == text


def test_unit_codes_are_sdmx_ids():
    assert unit_id("square_meter / person") == "SQUARE_METER_PER_PERSON"
    assert unit_id("percent") == "PERCENT"
