"""The limits on what checking one file may cost (an upload's cells, unknown names, problems
listed, names in a message) and the helpers that keep to them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from etl.read import MAX_PROBLEMS, ROW, FileRejected, RawTable

# Names quoted in one message ("Headers found: ...", the rows that disagree ...).
MAX_LISTED = 20
# Distinct unknown indicators, regions or columns in one file: past this the file is not a
# planner's file with typos but another kind of file, and each name costs a suggestion.
MAX_UNKNOWN_NAMES = 200
# Filled cells of a file uploaded to the dashboard (a whole province's values over every year
# in the long layout is some 550,000): checking more would hold a server worker for seconds
# and gigabytes. `targets load` has no such limit: an administrator loads national files.
MAX_UPLOAD_CELLS = 1_000_000
# Set on the problems kept only for the rows they exclude from storing (never shown), and on
# the line that counts them (shown last).
HIDDEN = "_hidden"
SUMMARY = "_summary"


def listed_zh(names: Sequence[str]) -> str:
    """甲、乙: at most MAX_LISTED names, then how many in all."""
    shown = "、".join(names[:MAX_LISTED])
    return f"{shown}等{len(names)}个" if len(names) > MAX_LISTED else shown


def listed_en(names: Sequence[str]) -> str:
    """a, b: at most MAX_LISTED names, then how many more."""
    shown = ", ".join(names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def refuse_unknown(names: Sequence[str], what_zh: str, what_en: str) -> None:
    """FileRejected when there are more than MAX_UNKNOWN_NAMES distinct unknown names."""
    if len(names) <= MAX_UNKNOWN_NAMES:
        return
    quoted_zh, quoted_en = [f"“{name}”" for name in names], [f"'{name}'" for name in names]
    raise FileRejected(
        f"文件中有{len(names)}个无法识别的{what_zh}，超过上限{MAX_UNKNOWN_NAMES}个，"
        f"可能不是本系统的填报文件：{listed_zh(quoted_zh)}",
        f"the file has {len(names)} unknown {what_en}, more than the limit of "
        f"{MAX_UNKNOWN_NAMES}; it may not be a file for this system: "
        f"{listed_en(quoted_en)}")


def refuse_many_cells(tables: list[RawTable], limit: int) -> None:
    """FileRejected when the tables have more than `limit` filled cells, before any is laid
    out or resolved."""
    cells = sum(int(table.frame.drop(columns=ROW).notna().to_numpy().sum()) for table in tables)
    if cells > limit:
        raise FileRejected(f"文件有{cells}个非空单元格，超过上传上限{limit}个；"
                           "请拆分为几个文件上传，或请管理员用 targets load 命令装入",
                           f"the file has {cells} filled cells, more than the upload limit of "
                           f"{limit}: split it into several files, or ask an administrator to "
                           "load it with the targets load command")


def split_shown(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Of `count` failures in file order, which are written out and which only counted."""
    positions = np.arange(count)
    return positions[:MAX_PROBLEMS], positions[MAX_PROBLEMS:]


def omitted(rows: pd.Series, uids: Sequence[int], column: str | None, severity: str,
            what_zh: str, what_en: str) -> pd.DataFrame:
    """Problems for rows past MAX_PROBLEMS: hidden ones carrying each row's uid (so the row is
    still kept from the store), and one line saying how many were left out."""
    if len(rows) == 0:
        return pd.DataFrame()
    hidden = pd.DataFrame({"row": pd.array(rows, dtype="Int64"), "column": column,
                           "value": None, "severity": severity, "problem_zh": None,
                           "problem_en": None, "uid": pd.array(uids, dtype="Int64"),
                           HIDDEN: True, SUMMARY: False})
    summary = pd.DataFrame([{
        "row": pd.NA, "column": column, "value": None, "severity": severity,
        "problem_zh": f"另有{len(rows)}行有同类问题（{what_zh}），未逐一列出",
        "problem_en": f"{len(rows)} more rows with the same kind of problem ({what_en}) are "
                      "not listed", "uid": pd.NA, HIDDEN: False, SUMMARY: True}])
    return pd.concat([hidden, summary], ignore_index=True)
