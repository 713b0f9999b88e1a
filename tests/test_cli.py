"""The `targets` command line."""

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from etl.extract import neutralise_formulas, to_csv_bytes
from indicators.catalogue import load_catalogue
from targets.cli import main

REQUIRED_COLUMNS = ["document", "clause", "indicator_id", "indicator_zh", "indicator_en",
                    "region_class", "deadline", "kind", "value", "value_high", "unit", "quote_zh"]


def test_catalogue_csv_opens_in_excel_and_has_every_target(tmp_path):
    output = tmp_path / "catalogue.csv"
    assert main(["catalogue", "--format", "csv", "-o", str(output)]) == 0
    raw = output.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the file as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert set(REQUIRED_COLUMNS) <= set(rows[0])
    assert len(rows) == len(load_catalogue().targets)
    transit = next(r for r in rows if r["quote_zh"] == "其他城市达到16%以上")
    assert (transit["value"], transit["unit"], transit["region_class"], transit["deadline"]) == (
        "16", "percent", "other_cities", "2018-12")
    assert not (tmp_path / "catalogue.csv.partial").exists()


def test_catalogue_json_is_a_list_of_targets(capsysbinary):
    assert main(["catalogue", "--format", "json"]) == 0
    targets = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert len(targets) == len(load_catalogue().targets)
    step = next(t for t in targets if t["kind"] == "annual_step")
    assert step["value"] == 0.4 and step["unit"] == "percentage_point"


def test_console_script_runs():
    done = subprocess.run([sys.executable, "-m", "targets", "regions"], capture_output=True,
                          check=True)
    assert "长春市".encode() in done.stdout


def test_unknown_format_is_refused(capsys):
    with pytest.raises(SystemExit) as refused:
        main(["catalogue", "--format", "pdf"])
    assert refused.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


def test_csv_cells_that_start_a_formula_are_neutralised():
    frame = pd.DataFrame({"note": ["=HYPERLINK(1)", "+1", "-2", "@x", "plain"],
                          "n": [1, 2, 3, 4, 5]})
    safe = neutralise_formulas(frame)
    assert safe["note"].tolist() == ["'=HYPERLINK(1)", "'+1", "'-2", "'@x", "plain"]
    assert safe["n"].tolist() == [1, 2, 3, 4, 5]
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"))))
    assert rows[1] == ["'=HYPERLINK(1)", "1"]


@pytest.mark.parametrize(("argv", "zh"), [
    (["export", "--values", "draft"], "取值无效"),
    (["calendar", "set", "--year", "2020"], "缺少必需参数"),
    (["status", "--year", "abc"], "命令参数有误"),
    (["export", "--no-such-option"], "无法识别的参数"),
])
def test_a_usage_error_is_said_in_chinese_and_english(argv, zh, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    told = capsys.readouterr().err
    assert f"错误：{zh}（" in told and "error: " in told and "--help" in told
