"""Hostile CSV files: refused cleanly and cheaply, or read whole."""

from pathlib import Path

import pytest

from etl import read
from etl.read import MAX_CELL_CHARS, MAX_COLUMNS, FileRejected, read_table

HEADER = "地区,指标,年份,数值"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rejected(path: Path) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        read_table(path)
    return caught.value


def test_a_cell_beyond_the_csv_module_limit_in_row_2_is_an_error_naming_row_and_column(
        tmp_path):
    # 200,000 characters: past the csv module's default field limit (131,072), which the
    # reader of the first rows used to hit with a traceback.
    path = write(tmp_path, "a.csv", f"{HEADER}\n长春市,x,2018,{'1' * 200_000}\n".encode())
    table = read_table(path)
    assert table.frame.empty
    [problem] = table.problems
    assert (problem["row"], problem["column"]) == (2, "数值")
    assert f"at most {MAX_CELL_CHARS}" in problem["problem_en"]


def test_an_over_long_header_cell_refuses_the_file_naming_row_and_column(tmp_path):
    path = write(tmp_path, "a.csv", f"{HEADER}{'x' * MAX_CELL_CHARS}\n长春市,x,2018,1\n".encode())
    problem = rejected(path)
    assert "row 1" in problem.problem_en and "column D" in problem.problem_en
    assert "第1行" in problem.problem_zh and "D列" in problem.problem_zh


def test_a_header_of_a_million_columns_is_refused_before_its_cells_are_looked_at(
        tmp_path, monkeypatch):
    columns = ",".join(f"c{i}" for i in range(1_000_000))
    path = write(tmp_path, "a.csv", f"地区,指标,{columns}\n长春市,x\n".encode())
    cells_read, parsed = [], []
    monkeypatch.setattr(read, "_text_cell", lambda cell: cells_read.append(cell) or cell)
    monkeypatch.setattr(read.pd, "read_csv", lambda *args, **kwargs: parsed.append(1))
    problem = rejected(path)
    # The width is checked on the record as csv splits it: not a cell of it made into a
    # table cell, nor the file handed to pandas.
    assert cells_read == [] and parsed == []
    assert f"limit of {MAX_COLUMNS}" in problem.problem_en and "row 1" in problem.problem_en
    assert f"上限{MAX_COLUMNS}列" in problem.problem_zh


def test_a_data_row_of_too_many_columns_is_refused_naming_its_row(tmp_path):
    path = write(tmp_path, "a.csv",
                 f"{HEADER}\n长春市,x,2018,1\n{'a,' * (MAX_COLUMNS + 5)}\n".encode())
    assert "row 3" in rejected(path).problem_en


def test_trailing_empty_cells_do_not_count_as_columns(tmp_path):
    path = write(tmp_path, "a.csv",
                 f"{HEADER}{',' * 5000}\n长春市,x,2018,1{',' * 5000}\n".encode())
    assert read_table(path).frame.to_dict("records") == [
        {"row": 2, "地区": "长春市", "指标": "x", "年份": "2018", "数值": "1"}]


def test_exactly_the_column_limit_is_read(tmp_path):
    extra = ",".join(f"c{i}" for i in range(MAX_COLUMNS - 4))
    path = write(tmp_path, "a.csv", f"{HEADER},{extra}\n长春市,x,2018,1\n".encode())
    assert len(read_table(path).frame.columns) == MAX_COLUMNS + 1  # and the row number


def test_a_cp1252_file_that_decodes_as_gb18030_is_refused_asking_for_utf8(tmp_path):
    # "é" then a letter is a valid GBK pair: the file used to read as a garbled header.
    text = "Région,Année,Valeur\nChangchun,2018,12\n"
    problem = rejected(write(tmp_path, "a.csv", text.encode("cp1252")))
    assert "UTF-8" in problem.problem_en and "cp1252" in problem.problem_en
    assert "UTF-8" in problem.problem_zh and "cp1252" in problem.problem_zh


def test_a_gbk_file_with_a_rare_character_among_common_ones_still_reads(tmp_path):
    path = write(tmp_path, "a.csv", f"{HEADER}\n长春市,x,2018,1\n".encode("gbk"))
    assert read_table(path).frame["地区"].tolist() == ["长春市"]


def test_a_file_of_9074_named_columns_gets_a_short_message(tmp_path):
    columns = ",".join(f"未知的列名称{i}" for i in range(9_074))
    problem = rejected(write(tmp_path, "a.csv", f"地区,年份,{columns}\n长春市,2018\n".encode()))
    assert len(problem.problem_zh) < 200 and len(problem.problem_en) < 200
