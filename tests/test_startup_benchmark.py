"""benchmarks/startup.py at toy size: its file is valid, its report reads (no timings judged)."""

from __future__ import annotations

import os

from benchmarks.startup import ROWS, Case, import_times, run_once, table, write_values
from targets.cli import main


def test_the_benchmark_file_passes_check(tmp_path, capsys):
    path = tmp_path / "values.csv"
    write_values(path)
    assert len(path.read_text(encoding="utf-8").splitlines()) == ROWS + 1
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    assert main(["--database", url, "check", str(path)]) == 0
    assert f"check passed: {ROWS} values" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()


def test_the_table_gives_each_case_against_the_bare_import():
    cases = [Case("bare", [], seconds=[1.0, 2.0, 1.5], cpu=[0.5, 0.5, 0.6]),
             Case("check", [], seconds=[3.0, 2.0], cpu=[1.0, 1.0])]
    assert table(cases).splitlines()[2:] == [
        "| bare | 1.50 | 1.00-2.00 | 1.00 | 1.00 | 0.50 | 1.00 |",
        "| check | 2.50 | 2.00-3.00 | 1.67 | 2.00 | 1.00 | 2.00 |"]


def test_a_run_gives_wall_and_cpu_time(tmp_path):
    seconds, cpu = run_once(Case("bare", ["-c", "pass"]), dict(os.environ), tmp_path)
    assert seconds > 0 and cpu >= 0


def test_import_times_are_summed_by_package():
    times = import_times(["-c", "import json.decoder"], dict(os.environ))
    assert "json" in times and all(seconds >= 0 for seconds in times.values())
