"""Write extracts for statisticians: Excel-safe CSV and XLSX, JSON and Parquet."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pandas as pd

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_START = r"^[=+\-@\t\r]"
CHUNK_ROWS = 100_000
BINARY_FORMATS = {"xlsx", "parquet"}
Progress = Callable[[int, int], None]


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            text = safe[column]
            risky = text.astype("string").str.contains(FORMULA_START, regex=True, na=False)
            if risky.any():
                safe[column] = text.mask(risky, "'" + text.astype(str))
    return safe


def _spreadsheet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralised text, and times without a zone (Excel has none) in UTC."""
    ready = neutralise_formulas(frame)
    for column in ready.columns:
        if isinstance(ready[column].dtype, pd.DatetimeTZDtype):
            ready[column] = ready[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return ready


def to_csv_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly; formulas neutralised."""
    buffer = io.StringIO()
    total = len(frame)
    for start in range(0, max(total, 1), CHUNK_ROWS):
        chunk = _spreadsheet_ready(frame.iloc[start:start + CHUNK_ROWS])
        chunk.to_csv(buffer, index=False, header=start == 0, lineterminator="\r\n")
        if progress:
            progress(min(start + CHUNK_ROWS, total), total)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    buffer = io.BytesIO()
    _spreadsheet_ready(frame).to_excel(buffer, index=False, engine="openpyxl")
    if progress:
        progress(len(frame), len(frame))
    return buffer.getvalue()


def to_parquet_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    if progress:
        progress(len(frame), len(frame))
    return buffer.getvalue()


def to_json_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    records = json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    if progress:
        progress(len(frame), len(frame))
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS: dict[str, Callable[..., bytes]] = {
    "csv": to_csv_bytes, "xlsx": to_xlsx_bytes, "parquet": to_parquet_bytes, "json": to_json_bytes,
}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}


def write_extract(frame: pd.DataFrame, file_format: str, output: Path | None,
                  stdout: IO[bytes] | None = None, progress: Progress | None = None) -> None:
    """Write `frame` in `file_format` to `output`, or to standard output when None."""
    payload = WRITERS[file_format](frame, progress)
    if output is None:
        (stdout or sys.stdout.buffer).write(payload)
        return
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(payload)
    partial.replace(output)  # never leave a half-written extract under the real name
