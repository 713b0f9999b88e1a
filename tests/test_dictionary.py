"""The extract's data dictionary (etl.dictionary): every column described, no more, and it
travels with the extract: a sheet of the XLSX, a Data Package descriptor beside the CSV that
frictionless finds valid on an extract of demo data."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from etl import dictionary
from etl.demo import generate_demo
from etl.export import EXPORT_COLUMNS, EXPORT_SCHEMA, export_chunks, export_table
from etl.extract import descriptor_path, to_xlsx_bytes, to_zip_bytes, write_extract_chunks
from etl.store import Store
from indicators.reference import Reference

INDICATORS = ["new_urban_green_area", "transit_modal_share", "built_up_green_space_ratio",
              "relics_coordination_mechanism_established", "urban_dry_toilets"]
ARROW_TYPES = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool",
               "datetime": "timestamp[us]"}


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.load()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, reference: Reference) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('dictionary') / 'store.sqlite'}")
    demo = generate_demo(reference.catalogue, reference.register, seed=3)
    demo = demo[demo["indicator_id"].isin(INDICATORS)].reset_index(drop=True)
    store.load(demo, by="demo", source="demo", kind="demo", is_demo=True, accept=True)
    return store


@pytest.fixture(scope="module")
def extract(store: Store, reference: Reference) -> pd.DataFrame:
    return export_table(store, reference)


def test_every_column_of_the_extract_is_described_and_nothing_else():
    described = [column.name for column in dictionary.columns()]
    assert described == EXPORT_COLUMNS
    assert {column.name: ARROW_TYPES[column.type] for column in dictionary.columns()} \
        == {field.name: str(field.type) for field in EXPORT_SCHEMA}
    for column in dictionary.columns():
        assert column.zh and column.en, column.name


def test_the_extract_has_the_dictionarys_columns_and_only_its_codes(extract):
    assert extract.columns.tolist() == [column.name for column in dictionary.columns()]
    assert extract["status"].notna().any()
    for column in dictionary.columns():
        if column.codes:
            present = set(extract[column.name].dropna())
            assert present <= {code for code, _zh, _en in column.codes}, column.name


def test_unit_and_status_carry_labels_in_both_languages(extract):
    row = extract[extract["indicator_id"] == "built_up_green_space_ratio"].iloc[0]
    assert (row["unit"], row["unit_zh"], row["unit_en"]) == ("percent", "%", "%")
    met = extract[extract["status"] == "met"]
    assert not met.empty
    assert set(met["status_zh"]) == {"已达标"} and set(met["status_en"]) == {"Met"}
    assert extract["status_zh"].isna().equals(extract["status"].isna())
    assert extract["unit_zh"].notna().all() and extract["unit_en"].notna().all()


def test_the_csv_has_a_valid_data_package_beside_it(store, reference, tmp_path):
    output = tmp_path / "x.csv"
    write_extract_chunks(export_chunks(store, reference), EXPORT_SCHEMA, "csv", output)
    descriptor = descriptor_path(output)
    assert descriptor == tmp_path / "x.csv.datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    fields = package["resources"][0]["schema"]["fields"]
    assert [field["name"] for field in fields] == EXPORT_COLUMNS
    status = next(field for field in fields if field["name"] == "status")
    assert "met_late" in status["constraints"]["enum"]
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.tasks[0].stats["rows"] == len(export_table(store, reference))


def test_the_json_has_a_valid_data_package_beside_it(store, reference, tmp_path):
    """The JSON extract's dictionary travels beside it too: the same fields, read as JSON."""
    output = tmp_path / "x.json"
    write_extract_chunks(export_chunks(store, reference), EXPORT_SCHEMA, "json", output)
    package = json.loads(descriptor_path(output).read_text(encoding="utf-8"))
    resource = package["resources"][0]
    assert (resource["path"], resource["format"]) == ("x.json", "json")
    assert [field["name"] for field in resource["schema"]["fields"]] == EXPORT_COLUMNS
    report = frictionless.validate(str(descriptor_path(output)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.tasks[0].stats["rows"] == len(export_table(store, reference))


def test_a_csv_and_a_json_of_one_stem_keep_their_own_descriptors(store, reference, tmp_path):
    """x.csv then x.json in one folder: the CSV's descriptor is not replaced by the JSON's."""
    for name, file_format in (("x.csv", "csv"), ("x.json", "json")):
        write_extract_chunks(export_chunks(store, reference), EXPORT_SCHEMA, file_format,
                             tmp_path / name)
    for name in ("x.csv", "x.json"):
        package = json.loads((tmp_path / f"{name}.datapackage.json").read_text(encoding="utf-8"))
        assert package["resources"][0]["path"] == name
        assert frictionless.validate(str(tmp_path / f"{name}.datapackage.json")).valid


def test_frictionless_finds_a_code_the_json_dictionary_does_not_list(store, reference,
                                                                    tmp_path):
    output = tmp_path / "x.json"
    write_extract_chunks(export_chunks(store, reference), EXPORT_SCHEMA, "json", output)
    records = json.loads(output.read_text(encoding="utf-8"))
    next(record for record in records if record["status"])["status"] = "nearly_met"
    output.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(descriptor_path(output)))
    assert {error.type for error in report.tasks[0].errors} == {"constraint-error"}


def test_frictionless_finds_a_code_the_dictionary_does_not_list(extract, tmp_path):
    """The descriptor's constraints are checked, not decoration: an unknown status fails."""
    wrong = extract.copy()
    wrong.loc[wrong["status"].notna().idxmax(), "status"] = "nearly_met"
    archive = zipfile.ZipFile(io.BytesIO(to_zip_bytes(wrong)))
    archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert {error.type for error in report.tasks[0].errors} == {"constraint-error"}


def test_the_zip_of_the_downloads_page_holds_the_csv_and_its_valid_descriptor(extract,
                                                                                tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(to_zip_bytes(extract)))
    assert sorted(archive.namelist()) == ["datapackage.json", "targets-export.csv"]
    archive.extractall(tmp_path)
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid


def test_the_xlsx_has_the_dictionary_and_about_sheets(extract):
    sheets = pd.read_excel(io.BytesIO(to_xlsx_bytes(extract)), sheet_name=None)
    assert list(sheets) == ["数据 Data", dictionary.DICTIONARY_SHEET, dictionary.ABOUT_SHEET]
    assert sheets["数据 Data"].columns.tolist() == EXPORT_COLUMNS
    assert sheets[dictionary.DICTIONARY_SHEET]["column 列名"].tolist() == EXPORT_COLUMNS
    about = dict(zip(sheets[dictionary.ABOUT_SHEET]["item"],
                     sheets[dictionary.ABOUT_SHEET]["内容 value"], strict=True))
    assert str(about["rows"]) == str(len(extract))
    assert about["data"].startswith("演示数据")
    assert about["values"].startswith("仅已确认数值")


def test_another_table_gets_no_dictionary(tmp_path: Path):
    frame = pd.DataFrame({"region_code": ["220100"], "count": [3]})
    assert list(pd.read_excel(io.BytesIO(to_xlsx_bytes(frame)), sheet_name=None)) \
        == ["数据 Data"]
    output = tmp_path / "status.csv"
    write_extract_chunks([], pa_schema(frame), "csv", output)
    assert not descriptor_path(output).exists()


def pa_schema(frame: pd.DataFrame):
    import pyarrow as pa
    return pa.Schema.from_pandas(frame, preserve_index=False)


def test_targets_export_writes_the_descriptor_beside_the_csv_and_the_filters_in_the_xlsx(
        store, tmp_path):
    from targets.cli import main

    database = ["--database", str(store.engine.url)]
    output = tmp_path / "green.csv"
    assert main([*database, "export", "--indicator", "new_urban_green_area", "--from", "2019",
                 "--format", "csv", "-o", str(output)]) == 0
    assert frictionless.validate(str(tmp_path / "green.csv.datapackage.json")).valid
    workbook = tmp_path / "green.xlsx"
    assert main([*database, "export", "--indicator", "new_urban_green_area", "--from", "2019",
                 "--format", "xlsx", "-o", str(workbook)]) == 0
    about = pd.read_excel(workbook, sheet_name=dictionary.ABOUT_SHEET)
    told = dict(zip(about["item"], about["内容 value"].astype(str), strict=True))
    assert told["indicators"] == "new_urban_green_area" and told["from year"] == "2019"
    assert told["regions"] == "全部 / all" and told["values view"].startswith("仅已确认数值")
    assert told["values as written at"].startswith("未指定")  # no as-of asked: not "all"
    written = told["data as of (latest write, UTC)"]
    assert len(written) == 19 and "." not in written  # 2026-12-05 15:12:43, no microseconds


def test_the_parquet_fields_carry_their_dictionary_entry(extract):
    import pyarrow.parquet as pq

    from etl.extract import to_parquet_bytes

    written = io.BytesIO(to_parquet_bytes(extract))
    schema = pq.read_schema(written)
    assert schema.names == EXPORT_COLUMNS
    status = schema.field("status").metadata[b"description"].decode("utf-8")
    assert "met_late = 逾期达标 / Met late" in status
    assert pd.read_parquet(written).shape == extract.shape


def test_the_xlsx_extract_loads_back_its_other_sheets_not_read_as_data(store, tmp_path):
    """`targets check` reads every sheet that looks like data: the dictionary and about
    sheets must not (a row naming 地区 and 指标代码 would be taken for a header)."""
    from targets.cli import main

    workbook = tmp_path / "extract.xlsx"
    database = ["--database", str(store.engine.url)]
    assert main([*database, "export", "--indicator", "transit_modal_share", "--format", "xlsx",
                 "-o", str(workbook)]) == 0
    assert main([*database, "check", str(workbook)]) == 0


@pytest.mark.parametrize("file_format", ["csv", "json", "datapackage"])
def test_targets_dictionary_names_every_column_of_the_extract(file_format, tmp_path, capsys):
    """An extract read from the screen carries no dictionary: `targets dictionary` gives it,
    and `targets export` to the screen says so on standard error."""
    from targets.cli import main

    output = tmp_path / f"dictionary.{'csv' if file_format == 'csv' else 'json'}"
    assert main(["dictionary", "--format", file_format, "-o", str(output)]) == 0
    if file_format == "csv":
        names = pd.read_csv(output, encoding="utf-8-sig")["column 列名"].tolist()
    elif file_format == "json":
        names = [column["name"] for column in json.loads(output.read_text(encoding="utf-8"))]
    else:
        package = json.loads(output.read_text(encoding="utf-8"))
        names = [field["name"] for field in package["resources"][0]["schema"]["fields"]]
    assert names == EXPORT_COLUMNS
    assert main(["dictionary", "--format", file_format]) == 0
    assert capsys.readouterr().out.encode("utf-8").lstrip(b"\xef\xbb\xbf") \
        == output.read_bytes().lstrip(b"\xef\xbb\xbf")


def test_targets_export_to_the_screen_points_to_the_dictionary(store, capsys):
    from targets.cli import main

    assert main(["--database", str(store.engine.url), "export", "--indicator",
                 "new_urban_green_area", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["indicator_id"] == "new_urban_green_area"
    assert "targets dictionary" in captured.err


def test_an_extract_to_a_folder_that_does_not_exist_names_the_file_asked_for(store, tmp_path,
                                                                             capsys):
    from targets.cli import main

    output = tmp_path / "missing" / "x.csv"
    assert main(["--database", str(store.engine.url), "export", "-o", str(output)]) == 2
    told = capsys.readouterr().err
    assert f"无法读写文件 {output}（" in told and ".partial" not in told
    assert not output.parent.exists()


def test_target_value_is_the_bound_derived_for_the_region_and_the_dictionary_says_so(
        extract, reference):
    """建成区绿地率 每年增加0.4个百分点: the extract's target_value is each region's bound for
    the year (baseline plus steps), not the gazette's 0.4; the dictionary says which."""
    steps = extract[(extract["target_kind"] == "annual_step") & extract["target_value"].notna()]
    assert len(steps) and (steps["target_value"] > 1).all()
    assert steps["target_value"].nunique() > 1  # one bound per region, not one figure
    entry = next(column for column in dictionary.columns() if column.name == "target_value")
    assert "binding bound" in entry.en and "not the gazette's own number" in entry.en
    assert "约束性界限" in entry.zh and "quote_zh" in entry.zh and "quote_zh" in entry.en


def test_gap_is_value_judged_minus_target_value_also_for_cumulative_targets(extract):
    """A cumulative target's gap is on the running total since the period starts, which the
    extract gives as value_judged: every gap outside a range is reproducible from its row."""
    judged = extract[extract["gap"].notna() & ~extract["target_kind"].isin(
        ["range", "count_range"])]
    assert len(judged)
    difference = (judged["value_judged"] - judged["target_value"]).round(4)
    assert (difference - judged["gap"]).abs().max() < 1e-6
    cumulative = judged[judged["target_kind"] == "cumulative"]
    assert len(cumulative) and (cumulative["value_judged"] != cumulative["value"]).any()
    ordinary = judged[judged["target_kind"] != "cumulative"]
    assert (ordinary["value_judged"] == ordinary["value"]).all()
