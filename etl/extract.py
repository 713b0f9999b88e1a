"""Write extracts for statisticians: Excel-safe CSV and XLSX, JSON and Parquet, with the data
dictionary beside the full extract (an XLSX sheet; a Data Package descriptor by the CSV)."""

from __future__ import annotations

import codecs
import io
import json
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet

from etl import dictionary
from indicators.codes import text_codes

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
            codes, distinct = text_codes(safe[column])
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


class Chunk(NamedTuple):
    """Rows of an extract written as they come, and how far their producer has got (in its
    own units: the export counts stored values read) for the progress bar."""

    rows: pd.DataFrame
    done: int
    total: int


def write_csv(frame: pd.DataFrame, sink: IO[bytes], progress: Progress | None = None) -> None:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly; formulas neutralised. Arrow's
    CSV writer, in batches for progress: several times faster than DataFrame.to_csv."""
    ready = _spreadsheet_ready(frame)
    # In a schema inferred from the whole frame: every batch then has the same columns.
    schema = pa.Schema.from_pandas(ready, preserve_index=False)
    total = len(ready)
    batches = (Chunk(ready.iloc[start:start + CHUNK_ROWS], min(start + CHUNK_ROWS, total), total)
               for start in range(0, total, CHUNK_ROWS))
    _write_arrow_csv(batches, schema, sink, progress)


def write_csv_chunks(chunks: Iterable[Chunk], schema: pa.Schema, sink: IO[bytes],
                     progress: Progress | None = None) -> None:
    """write_csv for an extract that never is in memory whole: each chunk made ready and
    written as it comes, in `schema`, fixed before the first (one chunk's types, inferred,
    could be another's nulls)."""
    ready = (Chunk(_spreadsheet_ready(chunk.rows), chunk.done, chunk.total) for chunk in chunks)
    _write_arrow_csv(ready, schema, sink, progress)


def _write_arrow_csv(chunks: Iterable[Chunk], schema: pa.Schema, sink: IO[bytes],
                     progress: Progress | None) -> None:
    sink.write(codecs.BOM_UTF8)
    options = pa_csv.WriteOptions(include_header=True, quoting_style="needed")
    with pa_csv.CSVWriter(sink, schema, write_options=options) as writer:
        for chunk in chunks:
            # Converted to Arrow a slice at a time: a chunk converted at once would double it.
            for start in range(0, len(chunk.rows), CHUNK_ROWS):
                writer.write_table(_arrow_table(chunk.rows.iloc[start:start + CHUNK_ROWS],
                                                schema))
            if progress:
                progress(chunk.done, chunk.total)


def _arrow_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """`frame` in `schema`. A column with nothing in it is nulls of the schema's type, whatever
    pandas made of it (floats of NaN would not convert to text)."""
    arrays = [pa.nulls(len(frame), field.type) if frame[field.name].isna().all()
              else pa.array(frame[field.name], type=field.type, from_pandas=True)
              for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def to_csv_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer, progress)
    return buffer.getvalue()


def to_xlsx_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    """One sheet; the full extract (etl.export) also gets its data dictionary and an about
    sheet (etl.dictionary)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _spreadsheet_ready(frame).to_excel(writer, index=False, sheet_name="数据 Data")
        if dictionary.is_extract(list(frame.columns)):
            dictionary.dictionary_frame().to_excel(writer, index=False,
                                                   sheet_name=dictionary.DICTIONARY_SHEET)
            _spreadsheet_ready(dictionary.about_frame(frame)).to_excel(
                writer, index=False, sheet_name=dictionary.ABOUT_SHEET)
    if progress:
        progress(len(frame), len(frame))
    return buffer.getvalue()


def to_parquet_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    """The full extract's fields carry their dictionary entry (title, description) as
    metadata."""
    buffer = io.BytesIO()
    if dictionary.is_extract(list(frame.columns)):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        described = dictionary.field_metadata()
        schema = pa.schema([field.with_metadata(described[field.name]) for field in table.schema],
                           metadata=table.schema.metadata)
        pa_parquet.write_table(pa.Table.from_arrays(table.columns, schema=schema), buffer)
    else:
        frame.to_parquet(buffer, index=False, engine="pyarrow")
    if progress:
        progress(len(frame), len(frame))
    return buffer.getvalue()


def _json_number(text: str) -> float | int:
    """A number as the CSV writes it: 55, not 55.0, for a whole one (JSON has one number
    type, so the reader sees the same value either way)."""
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number


def to_json_bytes(frame: pd.DataFrame, progress: Progress | None = None) -> bytes:
    records = json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"),
                         parse_float=_json_number)
    if progress:
        progress(len(frame), len(frame))
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_zip_bytes(frame: pd.DataFrame, progress: Progress | None = None,
                 name: str = "targets-export") -> bytes:
    """The CSV and its Data Package descriptor (datapackage.json, etl.dictionary) in one ZIP:
    for the full extract only."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.csv", to_csv_bytes(frame, progress))
        archive.writestr("datapackage.json", _descriptor_bytes(f"{name}.csv", name))
    return buffer.getvalue()


def _descriptor_bytes(data_name: str, name: str = "targets-export",
                      file_format: str = "csv") -> bytes:
    return (json.dumps(dictionary.datapackage(data_name, name, file_format), ensure_ascii=False,
                       indent=2) + "\n").encode("utf-8")


def descriptor_path(output: Path) -> Path:
    """Where the Data Package descriptor of a CSV or JSON extract is written: beside it, named
    after its whole file name (x.csv: x.csv.datapackage.json, x.json:
    x.json.datapackage.json), so that no two extracts in one folder share one, not even a CSV
    and a JSON of the same stem."""
    return output.with_name(f"{output.name}.datapackage.json")


# The formats whose dictionary travels beside them as a descriptor; the XLSX carries it as a
# sheet and the Parquet file as field metadata.
DESCRIBED_BESIDE = ("csv", "json")


def _write_descriptor(output: Path, names: list[str], file_format: str = "csv") -> None:
    if file_format in DESCRIBED_BESIDE and dictionary.is_extract(names):
        with _replacing(descriptor_path(output)) as sink:
            sink.write(_descriptor_bytes(output.name, output.stem, file_format))


WRITERS: dict[str, Callable[..., bytes]] = {
    "csv": to_csv_bytes, "xlsx": to_xlsx_bytes, "parquet": to_parquet_bytes, "json": to_json_bytes,
    "zip": to_zip_bytes,
}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
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
    with _replacing(output) as sink:
        if file_format == "csv":
            write_csv(frame, sink, progress)  # in batches: a national extract is a gigabyte
        else:
            sink.write(WRITERS[file_format](frame, progress))
    _write_descriptor(output, list(frame.columns), file_format)


def write_extract_chunks(chunks: Iterable[Chunk], schema: pa.Schema, file_format: str,
                         output: Path | None, stdout: IO[bytes] | None = None,
                         progress: Progress | None = None,
                         filters: dict[str, object] | None = None) -> None:
    """write_extract for an extract given in chunks. CSV is written as the chunks come, so
    memory holds one chunk; the other formats are built whole in memory first (an XLSX
    sheet, a JSON array and a Parquet file are written from the whole table by their
    writers here), for extracts small enough for a spreadsheet anyway. `filters`: what the
    extract was asked for, said in the XLSX's about sheet."""
    if file_format != "csv":
        frames = [chunk.rows for chunk in chunks]
        frame = pd.concat(frames, ignore_index=True) if frames \
            else pd.DataFrame(columns=schema.names)
        frame.attrs["filters"] = filters or {}
        write_extract(frame, file_format, output, stdout, progress)
        return
    if output is None:
        write_csv_chunks(chunks, schema, stdout or sys.stdout.buffer, progress)
        return
    with _replacing(output) as sink:
        write_csv_chunks(chunks, schema, sink, progress)
    _write_descriptor(output, schema.names)


@contextmanager
def _replacing(output: Path) -> Iterator[IO[bytes]]:
    """A sink that becomes `output` only once written whole: never a half-written extract
    under the real name, whatever fails on the way (the partial file is removed)."""
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("wb") as sink:
            yield sink
        partial.replace(output)  # fails too when `output` is a folder: no .partial stays then
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
