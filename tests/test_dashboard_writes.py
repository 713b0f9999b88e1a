"""Saves and uploads through the real app: each file or form checked once, stored as sent."""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

import pytest

from benchmarks import pages
from benchmarks.pages import SAVE, Bench, Call, Case
from dashboard import state
from targets.cli import main as targets


@pytest.fixture
def bench(tmp_path, monkeypatch) -> Bench:
    from dashboard.app import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the session key file
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert targets(["--database", url, "demo"]) == 0
    app = create_app(url)
    client = app.server.test_client()
    dependencies = client.get("/_dash-dependencies", base_url=pages.BASE_URL).get_json()
    bench = Bench(app, {"reader": client}, dependencies)
    source = state.of(app)
    bench.own = pages._planner(source.store, source.regions,
                               source.values()["region_code"].value_counts())
    bench.clients["planner"] = pages._logged_in(app)
    return bench


def page_module(page: str) -> Any:
    return next(module for name, module in sys.modules.items()
                if name.endswith(f"pages.{page}"))


def test_a_save_checks_once_and_stores_what_the_grid_holds(bench, monkeypatch):
    region, year = bench.own[0], state.of(bench.app).years()[-1]
    fill = Case("entry", pages.ENTRY_ROWS, "", lambda i: Call({}), client="planner")
    rows = bench.post(fill, Call({"entry-region.value": region, "entry-year.value": year,
                                  "entry-language.children": "en"}))["entry-grid"]["rowData"]
    editable = [row for row in rows if pages._editable(row)][:2]
    for row, factor in zip(editable, (1.01, 0.99), strict=True):
        row["value"] = f"{row['stored'] * factor:.6g}"
    module = page_module("entry")
    validated = []
    validate = module.validate
    monkeypatch.setattr(module, "validate", lambda *a, **k: validated.append(1) or validate(
        *a, **k))
    save = Case("entry", SAVE, "", lambda i: Call({}), client="planner", expect="entry-saved")
    bench.post(save, Call({"entry-save.n_clicks": 1, "entry-grid.rowData": rows,
                           "entry-region.value": region, "entry-year.value": year,
                           "entry-language.children": "en"}, ("entry-save.n_clicks",)))
    assert validated == [1]
    stored = state.of(bench.app).store.current(
        indicators=[row["indicator_id"] for row in editable], regions=[region],
        first_period=year, last_period=year)
    stored = stored.set_index("indicator_id")
    for row in editable:
        assert stored.at[row["indicator_id"], "value"] == pytest.approx(float(row["value"]))
        assert stored.at[row["indicator_id"], "source_kind"] == "form"
        assert stored.at[row["indicator_id"], "revision_id"] > row["revision_id"]
    assert sorted(stored["source_row"]) == [1, 2]


def upload(lines: list[str]) -> dict[str, str]:
    raw = ("\n".join(["region,indicator,period,value", *lines]) + "\n").encode()
    return {"contents": "data:text/csv;base64," + base64.b64encode(raw).decode(),
            "filename": "values.csv"}


def test_a_confirm_takes_the_check_of_its_preview_and_only_of_the_same_bytes(bench,
                                                                               monkeypatch):
    region, year = bench.own[0], state.of(bench.app).years()[-1]
    values = state.of(bench.app).region_values(region)
    latest = values[values["period"] == year].iloc[:2]
    lines = [f"{region},{row.indicator_id},{year},{row.value * 1.001:.6g}"
             for row in latest.itertuples()]
    module = page_module("upload")
    checked = []
    validate_file = module.validate_file
    monkeypatch.setattr(module, "validate_file", lambda *a, **k: checked.append(1) or
                        validate_file(*a, **k))
    preview = Case("upload", ("upload-preview.children", "upload-confirm.disabled",
                              "upload-contents.data", "upload-result.children"), "",
                   lambda i: Call({}), client="planner", expect="upload-ok")
    confirm = Case("upload", ("upload-result.children", "upload-confirm.disabled"), "",
                   lambda i: Call({}), client="planner", expect="upload-loaded")

    def confirmed(file: dict[str, str], expect: str = "upload-loaded") -> None:
        bench.post(Case(confirm.page, confirm.outputs, "", confirm.call, client="planner",
                        expect=expect),
                   Call({"upload-confirm.n_clicks": 1, "upload-contents.data": file,
                         "upload-language.children": "en"}, ("upload-confirm.n_clicks",)))

    file = upload(lines)
    bench.post(preview, Call({"upload-file.contents": file["contents"],
                              "upload-file.filename": file["filename"],
                              "upload-language.children": "en"}, ("upload-file.contents",)))
    confirmed(file)
    assert checked == [1]  # the preview's check, not a second one
    stored = state.of(bench.app).store.current(regions=[region], first_period=year,
                                               last_period=year)
    assert set(stored["source"]) >= {"values.csv"}
    # Other bytes than those previewed are checked on their own: here refused.
    foreign = "220100" if region != "220100" else "220200"
    confirmed(upload([f"{foreign},{latest.iloc[0].indicator_id},{year},1"]),
              expect="danger")
    assert checked == [1, 1]


def test_a_typed_value_far_from_its_stored_series_is_warned_of(bench):
    region, year = bench.own[0], state.of(bench.app).years()[-1]
    fill = Case("entry", pages.ENTRY_ROWS, "", lambda i: Call({}), client="planner")
    rows = bench.post(fill, Call({"entry-region.value": region, "entry-year.value": year,
                                  "entry-language.children": "en"}))["entry-grid"]["rowData"]
    row = next(row for row in rows if pages._editable(row) and row["stored"] > 0)
    row["value"] = f"{row['stored'] * 0.05:.6g}"  # a fall of 95 %, within any plausible range
    check = Case("entry", ("entry-grid.rowData", "entry-summary.children"), "",
                 lambda i: Call({}), client="planner")
    answer = bench.post(check, Call({
        "entry-grid.cellValueChanged": [{"rowIndex": rows.index(row), "rowId": row["indicator_id"],
                                         "data": row, "oldValue": None, "value": row["value"],
                                         "colId": "value", "timestamp": 1_700_000_000_000}],
        "entry-grid.rowData": rows, "entry-region.value": region, "entry-year.value": year,
        "entry-language.children": "en"}, ("entry-grid.cellValueChanged",)))
    checked = next(r for r in answer["entry-grid"]["rowData"]
                   if r["indicator_id"] == row["indicator_id"])
    # The jump check compares with the stored series of this region and indicator.
    assert checked["severity"] == "warning" and "jumps by" in checked["problem"], checked


def test_a_save_refuses_an_area_per_person_given_in_hectares(bench):
    # Once saved as 130,000 m²/person with only a jump warning.
    year = state.of(bench.app).years()[-1]
    fill = Case("entry", pages.ENTRY_ROWS, "", lambda i: Call({}), client="planner")
    for region in bench.own:
        rows = bench.post(fill, Call({"entry-region.value": region, "entry-year.value": year,
                                      "entry-language.children": "en"}))["entry-grid"]["rowData"]
        row = next((row for row in rows if row["indicator_id"] == "park_green_space_per_capita"
                    and pages._editable(row)), None)
        if row is not None:
            break
    assert row is not None, "no region of the planner reports park green space per capita"
    before = state.of(bench.app).store.counts()
    row["value"] = "13公顷"
    save = Case("entry", SAVE, "", lambda i: Call({}), client="planner", expect="danger")
    answer = bench.post(save, Call({"entry-save.n_clicks": 1, "entry-grid.rowData": rows,
                                    "entry-region.value": region, "entry-year.value": year,
                                    "entry-language.children": "en"}, ("entry-save.n_clicks",)))
    checked = next(r for r in answer["entry-grid"]["rowData"]
                   if r["indicator_id"] == "park_green_space_per_capita")
    assert checked["severity"] == "error", checked
    assert checked["problem"].startswith(
        "the unit '公顷' cannot be converted to 'm²/person', the indicator's unit"), checked
    assert "change the unit to 平方米/人 (m²/person)" in checked["problem"]
    assert state.of(bench.app).store.counts() == before


def test_an_upload_may_skip_unknown_indicators_and_regions(bench):
    """A yearbook-like file: two known indicators, three unknown columns, a 全国 row and a row
    of the planner's region. Refused as a whole unless the planner chooses to skip; then the
    preview lists each skipped column and row, the confirm loads the known row's values and the
    load records how many were skipped. An error in the known row still refuses everything."""
    source = state.of(bench.app)
    region, year = bench.own[0], source.years()[-1]
    values = source.region_values(region)
    latest = values[values["period"] == year].iloc[:2]
    names = [source.indicators.at[i, "indicator_zh"] for i in latest["indicator_id"]]
    unknown = ["地区生产总值", "常住人口", "粮食产量"]
    header = ",".join(["地区", "年份", *names, *unknown])
    known = ",".join([region, str(year), *(f"{v * 1.001:.6g}" for v in latest["value"]),
                      "1", "2", "3"])

    def yearbook(row: str) -> dict[str, str]:
        raw = "\n".join([header, f"辽宁省,{year},1,1,1,1,1", row]).encode() + b"\n"
        return {"contents": "data:text/csv;base64," + base64.b64encode(raw).decode(),
                "filename": "yearbook.csv"}

    preview = ("upload-preview.children", "upload-confirm.disabled", "upload-contents.data",
               "upload-result.children")

    def previewed(file: dict[str, str], skip: bool | None, expect: str) -> dict[str, Any]:
        call = {"upload-file.contents": file["contents"],
                "upload-file.filename": file["filename"], "upload-language.children": "en"}
        if skip is not None:
            call["upload-skip.value"] = skip
        return bench.post(Case("upload", preview, "", lambda i: Call({}), client="planner",
                               expect=expect), Call(call, ("upload-skip.value",)))

    file = yearbook(known)
    refused = previewed(file, None, "upload-has-errors")
    assert refused["upload-contents"]["data"] is None
    assert previewed(file, False, "upload-has-errors")["upload-contents"]["data"] is None
    answer = previewed(file, True, "upload-skipped")
    text = json.dumps(answer, ensure_ascii=False)
    assert "Skipped 3 column(s) and 1 row(s)" in text
    for name in [*unknown, "辽宁省"]:
        assert f"'{name}'" in text  # each with its reason, in English
    assert "the whole column was skipped" in text and "the row was skipped" in text
    data = answer["upload-contents"]["data"]
    assert data["skip"] is True
    before = len(source.store.loads())
    bench.post(Case("upload", ("upload-result.children", "upload-confirm.disabled"), "",
                    lambda i: Call({}), client="planner", expect="4 row(s)/column(s) skipped"),
               Call({"upload-confirm.n_clicks": 1, "upload-contents.data": data,
                     "upload-language.children": "en"}, ("upload-confirm.n_clicks",)))
    loads = source.store.loads()
    assert len(loads) == before + 1
    assert loads.iloc[-1][["source", "skipped"]].tolist() == ["yearbook.csv", 4]
    stored = source.store.current(regions=[region], first_period=year, last_period=year)
    mine = stored[stored["source"] == "yearbook.csv"]
    assert sorted(mine["indicator_id"]) == sorted(latest["indicator_id"])

    broken = yearbook(",".join([region, str(year), "abc", "1", "1", "2", "3"]))
    assert previewed(broken, True, "upload-has-errors")["upload-contents"]["data"] is None
