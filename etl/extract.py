"""Write extracts for statisticians: Excel-safe CSV and machine formats."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import IO

import pandas as pd

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            text = safe[column]
            risky = text.map(
                lambda cell: isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES))
            safe[column] = text.mask(risky, "'" + text.astype(str))
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly; formulas neutralised."""
    buffer = io.StringIO()
    neutralise_formulas(frame).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def to_json_bytes(frame: pd.DataFrame) -> bytes:
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS = {"csv": to_csv_bytes, "json": to_json_bytes}


def write_extract(frame: pd.DataFrame, file_format: str, output: Path | None,
                  stdout: IO[bytes] | None = None) -> None:
    """Write `frame` in `file_format` to `output`, or to standard output when None."""
    payload = WRITERS[file_format](frame)
    if output is None:
        (stdout or sys.stdout.buffer).write(payload)
        return
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(payload)
    partial.replace(output)  # never leave a half-written extract under the real name
