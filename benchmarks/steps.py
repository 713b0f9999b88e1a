"""One measured step of the benchmark, run in a process of its own so that its peak memory is
its own: `python -m benchmarks.steps STEP --database URL ...` prints one JSON object.

The data folder (synthetic register) comes from TARGETS_DATA_DIR, as for the product itself.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

Result = dict[str, Any]


def read_csv(args: argparse.Namespace) -> Result:
    """The baseline of `targets load`: pandas reading the same file, nothing else."""
    started = time.perf_counter()
    frame = pd.read_csv(args.file)
    return {"seconds": time.perf_counter() - started, "rows": len(frame)}


def evaluate_all(args: argparse.Namespace) -> Result:
    """Every target for every region it applies to, from the store's current values (which
    the store's table already keeps unique and typed, so evaluate() does not check them)."""
    from etl.store import Store
    from indicators.evaluate import evaluate
    from indicators.reference import Reference
    from indicators.status import status_table
    from targets.memory import keep_large_blocks

    keep_large_blocks()  # as the product's processes do (the targets command, the app)
    reference = Reference.load()
    started = time.perf_counter()
    values = Store(args.database).values()
    read = time.perf_counter() - started
    year = int(values["period"].max())
    started = time.perf_counter()
    evaluation = evaluate(values, reference.catalogue.targets_frame,
                          reference.register.memberships, year, reference.register.successors,
                          checked=True)
    evaluated = time.perf_counter() - started
    # The first evaluation of a process also pays the kernel for fresh memory (glibc hands big
    # freed arrays back to the system); a long-lived server's later ones do not.
    warm = []
    for _ in range(3):
        started = time.perf_counter()
        evaluate(values, reference.catalogue.targets_frame, reference.register.memberships,
                 year, reference.register.successors, checked=True)
        warm.append(time.perf_counter() - started)
    started = time.perf_counter()
    table = status_table(values, reference, year)
    tabled = time.perf_counter() - started
    return {"seconds": evaluated, "warm_seconds": statistics.median(warm),
            "read_store_seconds": read, "status_table_seconds": tabled,
            "values": len(values), "evaluations": len(evaluation), "status_rows": len(table),
            "statuses": evaluation["status"].value_counts().to_dict()}


def to_csv(args: argparse.Namespace) -> Result:
    """The baseline of `targets export`: DataFrame.to_csv of the very rows it exports, beside
    the product's own CSV writer on the same rows in the same process."""
    from etl.export import export_table
    from etl.extract import write_extract
    from etl.store import Store
    from indicators.reference import Reference

    table = export_table(Store(args.database), Reference.load())
    started = time.perf_counter()
    table.to_csv(args.output, index=False)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    write_extract(table, "csv", args.output.with_suffix(".ours.csv"))
    ours = time.perf_counter() - started
    return {"seconds": baseline, "write_extract_seconds": ours, "rows": len(table),
            "columns": len(table.columns)}


def store_floor(args: argparse.Namespace) -> Result:
    """A reference for the load: the file's rows written into the product's own (empty)
    tables by the bare driver (SQLite: executemany of plain tuples; PostgreSQL: COPY), with
    no checking, converting or bookkeeping: its series (each region and indicator pair once,
    numbered in the file's order) and every value as a revision, as a current value and as an
    accepted value, by series id. Not a strict lower bound (the product fills the current
    values by one INSERT ... SELECT, which can be quicker), but the order of what storing
    every value as a revision costs."""
    from etl.store import Store

    frame = pd.read_csv(args.file, dtype={"region_code": str, "indicator_id": str})
    store = Store(args.database)  # builds the schema outside the timing
    started = time.perf_counter()
    with store.engine.begin() as connection:
        load_id = connection.exec_driver_sql(
            "INSERT INTO load (loaded_at, loaded_by, source, kind, is_demo, revision_count) "
            "VALUES (CURRENT_TIMESTAMP, 'floor', 'floor', 'file', false, 0) RETURNING id",
        ).scalar_one()
        pair = ["region_code", "indicator_id"]
        codes = frame.groupby(pair, sort=False).ngroup().to_numpy()  # first seen, first
        pairs = frame[pair].drop_duplicates()
        _bare_write(connection, "series", pairs.assign(id=range(1, len(pairs) + 1))[
            ["id", *pair]])
        revisions = frame[["period", "value"]].assign(
            series_id=codes + 1, load_id=load_id, id=range(1, len(frame) + 1), is_demo=False)
        _bare_write(connection, "revision", revisions[
            ["id", "load_id", "series_id", "period", "value"]])
        current = revisions.rename(columns={"id": "revision_id"})
        _bare_write(connection, "actual", current[
            ["series_id", "period", "value", "revision_id", "is_demo"]])
        # The load measured accepts its values (`targets load --accepted`, as an operator
        # loads a published file): they are written once more as accepted values here too.
        _bare_write(connection, "accepted", current.assign(event_id=1)[
            ["series_id", "period", "value", "revision_id", "is_demo", "event_id"]])
    return {"seconds": time.perf_counter() - started, "rows": len(frame)}


def _bare_write(connection: Any, table: str, frame: pd.DataFrame) -> None:
    columns = ", ".join(frame.columns)
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(frame.to_csv(index=False, header=False))
        return
    marks = ", ".join("?" * len(frame.columns))
    driver.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                       frame.itertuples(index=False, name=None))


def pages(args: argparse.Namespace) -> Result:
    from benchmarks.pages import measure_pages

    table = measure_pages(args.database, repeats=args.repeats)
    return {"callbacks": table.to_dict(orient="records")}


def first_request(args: argparse.Namespace) -> Result:
    from benchmarks.first_request import measure_first_request

    return measure_first_request(args.database)


STEPS: dict[str, Callable[[argparse.Namespace], Result]] = {
    "read_csv": read_csv, "evaluate": evaluate_all, "to_csv": to_csv, "pages": pages,
    "store_floor": store_floor, "first_request": first_request,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--database")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(STEPS[args.step](args), default=str))


if __name__ == "__main__":
    main()
