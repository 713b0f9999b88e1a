"""The result of a validation: its rows and problems, assembled and sorted; text for a terminal."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import pandas as pd

from etl.bounded import HIDDEN, SUMMARY
from etl.layout import PROBLEM_COLUMNS, SKIPPED, problems_frame
from etl.read import FileRejected

ROW_COLUMNS = ["row", "region_code", "indicator_id", "period", "value", "value_entered",
               "unit_entered", "note"]


@dataclass
class Validation:
    """The rows that may be stored, and every problem found (errors and warnings)."""

    rows: pd.DataFrame
    problems: pd.DataFrame
    strict: bool = False
    # Left out as unknown indicators or regions (skip_unknown): whole columns of a wide table,
    # and rows of the file (a row counted once, whatever number of values it holds).
    skipped_columns: int = 0
    skipped_rows: int = 0

    @property
    def skipped(self) -> int:
        """Columns and rows left out, as a load records it."""
        return self.skipped_columns + self.skipped_rows

    def skipped_text(self) -> tuple[str, str]:
        """已跳过 2 列、1 行 / skipped 2 columns and 1 row (unknown indicators and regions)."""
        columns, rows = self.skipped_columns, self.skipped_rows
        return (f"已跳过 {columns} 列、{rows} 行（未知的指标和地区）",
                f"skipped {columns} column{'s' * (columns != 1)} and {rows} "
                f"row{'s' * (rows != 1)} (unknown indicators and regions)")

    @property
    def ok(self) -> bool:
        """No errors; with strict, no warnings either."""
        blocking = ("error", "warning") if self.strict else ("error",)
        return not self.problems["severity"].isin(blocking).any()

    def store_rows(self) -> pd.DataFrame:
        """The rows as Store.load takes them: the user's row number is the source row."""
        return self.rows.rename(columns={"row": "source_row"})


def rejected(name: str | None, rejected: FileRejected, strict: bool) -> Validation:
    """A file refused whole: one problem without a row, naming the file."""
    problems = problems_frame([{
        "row": None, "column": None, "value": name, "severity": "error",
        "problem_zh": rejected.problem_zh, "problem_en": rejected.problem_en}])
    return Validation(empty_rows(), problems, strict)


def with_uid(problems: pd.DataFrame, uids: list[int]) -> pd.DataFrame:
    problems["uid"] = pd.Series(uids, index=problems.index, dtype="Int64")
    return problems


def combine(parts: list[pd.DataFrame | None]) -> pd.DataFrame:
    frames = [part for part in parts if part is not None and not part.empty]
    if not frames:
        empty = problems_frame([])
        empty["uid"] = pd.Series(dtype="Int64")
        return empty
    combined = pd.concat(frames, ignore_index=True)
    if "uid" not in combined:
        combined["uid"] = pd.NA
    combined["uid"] = combined["uid"].astype("Int64")
    combined["row"] = combined["row"].astype("Int64")
    return combined


def skipping(problems: pd.DataFrame, frame: pd.DataFrame
             ) -> tuple[pd.DataFrame, tuple[int, int]]:
    """The problems without those of skipped rows (a skipped row is checked no further, so an
    error in it blocks nothing) and with one note per row and reason where a wide row gave
    several values; and how many columns and rows were skipped."""
    skipped = problems["severity"].eq(SKIPPED)
    if not skipped.any():
        return problems, (0, 0)
    uids = problems.loc[skipped, "uid"].dropna().astype(int).unique()
    problems = problems[skipped | ~problems["uid"].isin(uids)]
    skipped = problems["severity"].eq(SKIPPED)
    never = pd.Series(False, index=problems.index)
    summary, hidden = (problems.get(flag, never).eq(True) for flag in (SUMMARY, HIDDEN))
    sheet_of = frame["sheet"] if "sheet" in frame else pd.Series(None, index=frame.index,
                                                                  dtype=object)
    columns = problems[skipped & problems["uid"].isna() & ~summary]
    skipped_columns = len(pd.DataFrame({"sheet": columns.get("sheet"),
                                        "column": columns["column"]})
                          .drop_duplicates())
    where = frame.loc[uids, ["row"]].assign(sheet=sheet_of.loc[uids])
    skipped_rows = len(where.drop_duplicates())
    notes = problems[skipped & problems["uid"].notna() & ~hidden]
    keys = pd.DataFrame({"sheet": sheet_of.reindex(notes["uid"].astype(int)).to_numpy(),
                         "row": notes["row"].to_numpy(), "column": notes["column"].to_numpy(),
                         "problem": notes["problem_zh"].to_numpy()})
    repeated = notes.index[keys.duplicated().to_numpy()]
    return problems.drop(index=repeated), (skipped_columns, skipped_rows)


def rows(kept: pd.DataFrame, problems: pd.DataFrame, strict: bool) -> pd.DataFrame:
    if strict:
        warned = problems.loc[problems["severity"] == "warning", "uid"].dropna().astype(int)
        kept = kept[~kept.index.isin(set(warned))]
    rows = kept.reset_index(drop=True)[ROW_COLUMNS].copy()
    return rows.astype({"row": int, "period": int, "value": float})


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype=int), "region_code": pd.Series(dtype=object),
                         "indicator_id": pd.Series(dtype=object),
                         "period": pd.Series(dtype=int), "value": pd.Series(dtype=float),
                         "value_entered": pd.Series(dtype=object),
                         "unit_entered": pd.Series(dtype=object),
                         "note": pd.Series(dtype=object)})


def finished(problems: pd.DataFrame, frame: pd.DataFrame, sheets: list[str]) -> pd.DataFrame:
    """The problems to show, each of a workbook's row named by its sheet, sorted."""
    return _sorted(_in_sheets(_shown(problems), frame, sheets))


def _in_sheets(problems: pd.DataFrame, frame: pd.DataFrame, sheets: list[str]) -> pd.DataFrame:
    """For a workbook read sheet by sheet, each problem of a row begins with its sheet and row
    (工作表“2018年”第3行：…), and problems go sheet by sheet (`_sheet`, for `_sorted`)."""
    if not sheets or problems.empty:
        return problems
    own = problems["sheet"] if "sheet" in problems else pd.Series(None, index=problems.index)
    uids = problems["uid"].dropna().astype(int)
    by_row = pd.Series(frame["sheet"].reindex(uids).to_numpy(), index=uids.index, dtype=object)
    sheet = own.astype(object).where(own.notna(), by_row.reindex(problems.index))
    named = sheet.notna() & problems["row"].notna()
    rows = problems["row"].astype(object)
    zh = [f"工作表“{s}”第{r}行：" if n else "" for s, r, n in zip(sheet, rows, named, strict=True)]
    en = [f"sheet '{s}' row {r}: " if n else "" for s, r, n in zip(sheet, rows, named,
                                                                     strict=True)]
    order = {name: i for i, name in enumerate(sheets)}
    return problems.assign(problem_zh=zh + problems["problem_zh"],
                           problem_en=en + problems["problem_en"],
                           _sheet=[order.get(s, -1) if n else -1 for s, n in zip(sheet, named,
                                                                               strict=True)])


def _shown(problems: pd.DataFrame) -> pd.DataFrame:
    """Without the problems kept only to exclude their rows (bounded.omitted)."""
    if HIDDEN not in problems:
        return problems
    return problems[~problems[HIDDEN].eq(True)]


def _sorted(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems sorted by sheet and row (whole-file ones first, the counts of those not listed
    last), in PROBLEM_COLUMNS."""
    sheet = problems.get("_sheet", 0)
    last = problems[SUMMARY].eq(True) if SUMMARY in problems else False
    ordered = problems.assign(_order=problems["row"].fillna(0), _sheet=sheet,
                              _last=last).sort_values(["_last", "_sheet", "_order"],
                                                      kind="stable")
    return ordered[PROBLEM_COLUMNS].reset_index(drop=True)


# --- for the terminal -----------------------------------------------------------------------


def format_problems(problems: pd.DataFrame, language: str = "zh") -> str:
    """A plain-text table (row, column, value, severity, message) in the order of `problems`
    (Validation.problems is sorted by sheet and row), whole-file problems first."""
    zh = language == "zh"
    if problems.empty:
        return "没有发现问题。" if zh else "No problems found."
    header = ["行", "列", "值", "级别", "问题"] if zh else ["row", "column", "value", "severity",
                                                      "problem"]
    severity = ({"error": "错误", "warning": "警告", SKIPPED: "已跳过"} if zh
                else {"error": "error", "warning": "warning", SKIPPED: "skipped"})
    lines = [[("" if pd.isna(row.row) else str(row.row)), _cell(row.column), _cell(row.value),
              severity.get(row.severity, row.severity),
              row.problem_zh if zh else row.problem_en]
             for row in _file_first(problems).itertuples()]
    widths = [max(_width(line[i]) for line in [header, *lines]) for i in range(4)]
    return "\n".join(_line(line, widths) for line in [header, *lines])


def _file_first(problems: pd.DataFrame) -> pd.DataFrame:
    return problems.assign(_row=problems["row"].notna()).sort_values("_row", kind="stable")


def _cell(text: Any, limit: int = 24) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    text = str(text).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths,
                                                                         strict=False)]
    return "  ".join([*padded, cells[-1]]).rstrip()
