"""Write extracts for statisticians: Excel-safe CSV and XLSX, JSON and Parquet."""

from __future__ import annotations

import codecs
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_START = r"^[=+\-@\t\r]"
CHUNK_ROWS = 100_000
BINARY_FORMATS = {"xlsx", "parquet"}
Progress = Callable[[int, int], None]


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe. Each
    distinct text is tested once: an extract repeats names and units millions of times."""
    safe = frame.copy(deep=False)
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            codes, distinct = pd.factorize(safe[column])
            texts = pd.Series(distinct, dtype=object).astype(str)
            risky = texts.str.contains(FORMULA_START, regex=True).to_numpy(dtype=bool)
            if risky.any():
                fixed = texts.where(~risky, "'" + texts).to_numpy(dtype=object)
                safe[column] = pd.Series(fixed[codes], index=safe.index).where(codes >= 0)
    return safe


def _spreadsheet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralised text, and times without a zone (Excel has none) in UTC."""
    ready = neutralise_formulas(frame)
    for column in ready.columns:
        if isinstance(ready[column].dtype, pd.DatetimeTZDtype):
            ready[column] = ready[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return ready


def write_csv(frame: pd.DataFrame, sink: IO[bytes], progress: Progress | None = None) -> None:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly; formulas neutralised. Arrow's
    CSV writer, in batches for progress: several times faster than DataFrame.to_csv."""
    sink.write(codecs.BOM_UTF8)
    ready = _spreadsheet_ready(frame)
    # One Arrow chunk at a time, in a schema fixed from the whole frame: a national extract
    # converted at once would double the memory.
    schema = pa.Schema.from_pandas(ready, preserve_index=False)
    options = pa_csv.WriteOptions(include_header=True, quoting_style="needed")
    total = len(ready)
    with pa_csv.CSVWriter(sink, schema, write_options=options) as writer:
        for start in range(0, total, CHUNK_ROWS):
            chunk = ready.iloc[start:start + CHUNK_ROWS]
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
            if progress:
                progress(min(start + CHUNK_ROWS, total), total)


def to_csv_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer, progress)
    return buffer.getvalue()


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
    if output is None:
        (stdout or sys.stdout.buffer).write(WRITERS[file_format](frame, progress))
        return
    partial = output.with_name(output.name + ".partial")
    with partial.open("wb") as sink:
        if file_format == "csv":
            write_csv(frame, sink, progress)  # streamed: a national extract is a gigabyte
        else:
            sink.write(WRITERS[file_format](frame, progress))
    partial.replace(output)  # never leave a half-written extract under the real name
