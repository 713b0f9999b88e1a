"""A tiny run of benchmarks/hostile.py: small files of each kind, checked as an upload."""

import sys

import pytest

from benchmarks import hostile
from etl.validation import validate_file
from indicators.catalogue import load_catalogue
from indicators.regions import load_regions

LIMIT = 20_000


@pytest.mark.parametrize("number", range(len(hostile.FILES)))
def test_each_file_is_within_its_size_and_is_checked_without_a_traceback(tmp_path, number):
    name = list(hostile.FILES)[number]
    path = tmp_path / f"hostile{hostile.suffix(name)}"
    assert hostile.main(["--write", str(number), str(path),
                         "--megabytes", str(LIMIT / 2**20)]) == 0
    assert 0 < path.stat().st_size <= LIMIT
    validation = validate_file(path, load_catalogue(), load_regions())
    assert validation.ok == (name == "largest valid long-layout file"), name


def test_a_process_is_measured_and_its_check_time_read(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("x\n")
    measure = hostile.measured([sys.executable, "-c", "print('seconds checking: 0.25')"], path)
    assert measure.verdict == "passed" and measure.checking == 0.25
    assert measure.seconds > 0 and measure.peak_mb > 1
    row = hostile.table([hostile.Outcome("f", 2**20, measure, measure)]).splitlines()[-1]
    assert row.startswith("| f | 1.0 MiB | passed |") and "(0.2 s)" in row
