"""A new server process: its first overview request, and every year's status, timed (issue 19).

What a process started after a load must do before its first page: read the current values and
one year's status; then every year's status is evaluated in the background. With the snapshots
written by `targets load` (etl/value_snapshot.py, etl/status_snapshot.py) it reads them from
files; with TARGETS_SNAPSHOT_DIR=off it reads the store and evaluates, as before them. Times in
ms: `app_ms` building the app (create_app), `first_request_ms` the overview page asked first
(its layout callback, as the "first request of the process" row of benchmarks/pages.py), and
`every_year_ms` from just before that request until every year's status is held.

    python -m benchmarks.first_request --database sqlite:////tmp/pages/national.sqlite
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from etl import value_snapshot
from etl.store import Store


def measure_first_request(database_url: str) -> dict[str, Any]:
    from benchmarks.pages import BASE_URL, PAGES, Bench, Case, _no_call, _page_call
    from dashboard import state
    from dashboard.app import create_app

    store = Store(database_url, upgrade=False)
    present = value_snapshot.read_key(store, "accepted", store.review_version())
    started = time.perf_counter()
    app = create_app(database_url)
    built = time.perf_counter()
    bench = Bench(app, {"reader": app.server.test_client()}, [])
    bench.dependencies = bench.clients["reader"].get("/_dash-dependencies",
                                                     base_url=BASE_URL).get_json()
    asked = time.perf_counter()
    first = bench.timed(Case("overview", PAGES, "cold", _no_call), _page_call("/", ""))[1]
    state.of(app).warm()  # waits for the years the background is evaluating
    every = 1000 * (time.perf_counter() - asked)
    return {"snapshot_present": present, "app_ms": round(1000 * (built - started), 1),
            "first_request_ms": round(first, 1), "every_year_ms": round(every, 1),
            "years": len(state.of(app).years())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    print(json.dumps(measure_first_request(args.database)))


if __name__ == "__main__":
    main()
