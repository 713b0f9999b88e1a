"""Rows to and from the database driver in bulk: SQLite's executemany and PostgreSQL's COPY
for writing, the driver's own tuples (not SQLAlchemy Rows) made into typed frames for
reading. The store (etl/store.py) says what to write and read; this module only moves rows."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa


def insert_many(connection: sa.Connection, table: str, chunk: pd.DataFrame) -> None:
    """SQLite bulk insert: plain tuples straight to the driver's executemany, several times
    faster than SQLAlchemy's per-row processing of dicts (docs/benchmarks.md)."""
    columns = [_driver_values(chunk[column]) for column in chunk.columns]
    marks = ", ".join("?" * len(chunk.columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(chunk.columns)}) VALUES ({marks})",
        list(zip(*columns, strict=True)))


def _driver_values(column: pd.Series) -> list[Any]:
    """Plain Python values with None for missing; a column with none missing (most of a
    load) skips the conversion to objects."""
    missing = column.isna()
    if not missing.any():
        return column.tolist()
    return column.astype(object).where(~missing, None).tolist()


def copy_rows(connection: sa.Connection, table: str, chunk: pd.DataFrame) -> None:
    """PostgreSQL bulk insert through COPY: a thousand times faster than multi-row INSERT."""
    buffer = io.BytesIO()
    # Arrow's CSV writer, several times quicker than DataFrame.to_csv. It writes a missing
    # value as an unquoted empty field, which COPY's CSV format reads as NULL, and an empty
    # text as "", which it reads as an empty text.
    pa_csv.write_csv(pa.Table.from_pandas(chunk, preserve_index=False), buffer,
                     pa_csv.WriteOptions(include_header=False, quoting_style="needed"))
    columns = ", ".join(chunk.columns)
    dbapi = connection.connection.dbapi_connection
    with dbapi.cursor() as cursor, cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())


def frame_of(connection: sa.Connection, query: sa.Select, dtypes: dict[str, str]) -> pd.DataFrame:
    result = connection.execute(query)
    # The driver's plain tuples, not SQLAlchemy Rows: building a Row for each of millions of
    # values costs more than the query.
    cursor = result.cursor
    rows = cursor.fetchall() if cursor is not None else []
    type_codes = [entry[1] for entry in cursor.description] if cursor is not None else []
    result.close()
    return _typed_frame(connection.dialect, query, type_codes, rows, dtypes)


def _typed_frame(dialect: sa.Dialect, query: sa.Select, type_codes: list[Any],
                 rows: list[tuple[Any, ...]], dtypes: dict[str, str], *,
                 convert: bool = True) -> pd.DataFrame:
    """The driver's rows as a frame. Columns whose type converts what the driver gives (times,
    booleans on SQLite) are converted once per distinct value, by the type's own result
    processor, unless the rows come through SQLAlchemy (`convert` false) and are converted."""
    columns = [column.key for column in query.selected_columns]
    frame = pd.DataFrame.from_records(rows, columns=columns, coerce_float=False) if rows \
        else pd.DataFrame(columns=columns)
    for column, type_code in zip(query.selected_columns, type_codes, strict=False):
        processor = dialect.type_descriptor(column.type).result_processor(dialect, type_code)
        if processor is not None and convert and len(frame):
            codes, distinct = pd.factorize(frame[column.key], use_na_sentinel=False)
            converted = np.empty(len(distinct), dtype=object)
            converted[:] = [processor(value) for value in distinct]
            frame[column.key] = pd.Series(converted[codes], index=frame.index).infer_objects()
    frame = frame.astype({k: v for k, v in dtypes.items() if k in frame.columns})
    text = [c for c in ("value_entered", "unit_entered", "note") if c in frame.columns]
    frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
    return frame


def batches(connection: sa.Connection, query: sa.Select, size: int,
            dtypes: dict[str, str]) -> Iterator[pd.DataFrame]:
    """The query's rows, `size` at a time, from the driver's cursor: server-side on
    PostgreSQL (stream_results); SQLite's cursor steps through the rows as they are asked for.
    The driver's tuples, not SQLAlchemy Rows, which a frame takes seven times longer to build
    from."""
    result = connection.execution_options(stream_results=True).execute(query)
    try:
        # A streamed result has read one row ahead into SQLAlchemy's buffer: that row comes
        # through the result (converted already), the rest straight from the driver.
        cursor = result.cursor
        type_codes = [entry[1] for entry in cursor.description]
        head = [tuple(row) for row in result.fetchmany(1)]
        if not head:
            return  # nothing selected; the result has closed its cursor
        yield _typed_frame(connection.dialect, query, type_codes, head, dtypes,
                           convert=False)
        while rows := cursor.fetchmany(size):
            yield _typed_frame(connection.dialect, query, type_codes, rows, dtypes)
    finally:
        result.close()
