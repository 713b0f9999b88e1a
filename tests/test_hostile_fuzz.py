"""Damaged CSV files, generated with a fixed seed: each is refused with FileRejected, or read
and validated, with a message in both languages for every problem; never another exception."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from etl.read import FileRejected, read_tables
from etl.validation import validate_file
from indicators.catalogue import load_catalogue
from indicators.regions import load_regions

SEED = 20
CSV_DEFAULT_FIELD_LIMIT = 131_072
CASES = 300
LONG = "地区,指标,年份,数值,单位,备注\n" + "".join(
    f"{region},{indicator},{year},{value},{unit},说明{year}\n"
    for region, indicator, year, value, unit in [
        ("长春市", "transit_modal_share", 2018, "26%", ""),
        ("吉林市", "道路面积率", 2019, "15", "%"),
        ("220100", "general_practitioners_trained", 2018, "1,200", "人"),
        ("通化县", "transit_modal_share", 2017, "0.3", ""),
        ("延边州", "relics_training_course_held", 2018, "是", ""),
    ])
WIDE = ("地区,年份,公共交通机动化出行分担率（%）,道路面积率\n"
        "长春市,2018,26,15\n吉林市,2018,\"1,2\",16\n")
SEEDS = [LONG.encode("utf-8"), LONG.encode("gb18030"), b"\xef\xbb\xbf" + WIDE.encode("utf-8"),
         WIDE.encode("gbk"), LONG.replace(",", ";").encode("utf-8"),
         LONG.replace(",", "\t").encode("utf-16")]


def truncated(chance: random.Random, data: bytes) -> bytes:
    return data[:chance.randrange(1, len(data))]


def bit_flipped(chance: random.Random, data: bytes) -> bytes:
    damaged = bytearray(data)
    for _ in range(chance.randint(1, 8)):
        damaged[chance.randrange(len(damaged))] ^= 1 << chance.randrange(8)
    return bytes(damaged)


def bytes_inserted(chance: random.Random, data: bytes) -> bytes:
    at = chance.randrange(len(data))
    return data[:at] + chance.randbytes(chance.randint(1, 40)) + data[at:]


def odd_quoting(chance: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    for _ in range(chance.randint(1, 5)):
        at = chance.randrange(len(text))
        text = text[:at] + chance.choice(['"', '""', '"\n', '\'"', '\\"', '"",']) + text[at:]
    return text.encode("utf-8")


def mixed_encodings(chance: random.Random, data: bytes) -> bytes:
    lines = LONG.splitlines(keepends=True)
    return b"".join(line.encode(chance.choice(["utf-8", "gbk", "utf-16-le", "cp1252"]),
                                errors="replace") for line in lines)


def long_cell(chance: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    at = text.find("\n", chance.randrange(len(text))) + 1
    cell = chance.choice(["9", "说", "\"", ","]) * chance.choice([150_000, 10_001, 101])
    return (text[:at] + f"长春市,transit_modal_share,2018,{cell}\n" + text[at:]).encode("utf-8")


def nuls(chance: random.Random, data: bytes) -> bytes:
    at = chance.randrange(len(data))
    return data[:at] + b"\x00" * chance.randint(1, 3) + data[at:]


MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    truncated, bit_flipped, bytes_inserted, odd_quoting, mixed_encodings, long_cell, nuls]


def damaged_files() -> list[tuple[str, bytes]]:
    chance = random.Random(SEED)
    files = []
    for number in range(CASES):
        mutation = MUTATIONS[number % len(MUTATIONS)]
        data = chance.choice(SEEDS)
        for _ in range(chance.randint(1, 2)):
            data = mutation(chance, data) or b","
        files.append((f"{number}-{mutation.__name__}", data))
    return files


@pytest.fixture(scope="module")
def reference():
    return load_catalogue(), load_regions()


def test_every_damaged_csv_is_refused_or_read_and_validated(tmp_path, reference):
    catalogue, register = reference
    outcomes = {"refused": 0, "read": 0}
    for name, data in damaged_files():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        # The csv module's limit as in a fresh process: no file may rely on an earlier one's.
        csv.field_size_limit(CSV_DEFAULT_FIELD_LIMIT)
        try:
            read_tables(path)
        except FileRejected as rejected:
            assert rejected.problem_zh and rejected.problem_en, name
            outcomes["refused"] += 1
        else:
            outcomes["read"] += 1
        validation = validate_file(path, catalogue, register)  # never raises
        problems = validation.problems
        assert problems["problem_zh"].map(bool).all(), name
        assert problems["problem_en"].map(bool).all(), name
        assert validation.ok or not validation.problems.empty, name
    # Both outcomes are exercised: the damage is neither always fatal nor always harmless.
    assert outcomes["refused"] > 30 and outcomes["read"] > 30, outcomes


def test_the_generated_files_are_the_same_each_run():
    assert damaged_files() == damaged_files()


@pytest.mark.parametrize("data", [b"\x00", b"\"", b"\"\n\"", b",\n,\n", b"\xff\xfe\x00",
                                  b"\xef\xbb\xbf", b"a\rb\rc", "地区\r\n".encode() * 3])
def test_tiny_damaged_files(tmp_path: Path, reference, data):
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    assert not validate_file(path, *reference).ok
