"""Server time of every dashboard page's callbacks, through the real app (issue 6, item 1c).

`measure_pages` builds the app with `dashboard.app.create_app`, then POSTs to
`/_dash-update-component` through Flask's test client exactly the JSON a browser sends for
each callback (the page layouts are callbacks too: Dash Pages renders them through
`_pages_content`). Payloads are built from the app's own `/_dash-dependencies`, so they
follow the callbacks' Inputs and States; each response must be 200 and carry every output,
so a broken payload cannot pass as a fast answer.

The first request of the new process is reported on its own row (it reads the store), and
so is, with `warm`, the evaluation of every year that the app runs in the background after
it. Then each case is asked once (`first_ms`) and `repeats` times (n, median, p95, max in ms
of wall time around the request; `p95_cpu_ms`, the CPU time of the thread that served it,
does not grow when other work shares the machine). "varied" cases change their inputs across
repeats (indicators, regions, years, languages, filters) so the numbers are not one cached
answer; "same" cases ask the same thing again (the cached path); "after save" times the
first request after a planner's save, the path that must see a new entry at once. Entry and
upload run as a planner logged in through /login. Writes (save, upload) go to the store
given: run it on a copy.

    python -m benchmarks.pages --database sqlite:////tmp/pages/national.sqlite --repeats 20
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from flask.testing import FlaskClient

from etl.store import Store
from etl.users import UserStore

PLANNER = "bench-planner"
PASSWORD = "bench planner password"
BASE_URL = "https://localhost"  # session cookies are Secure: the test client sends them on https
COLUMNS = ["page", "callback", "variant", "n", "median_ms", "p95_ms", "max_ms", "first_ms",
           "p95_cpu_ms"]


@dataclass(frozen=True)
class Call:
    """One request of a callback: "id.property" -> value for its inputs and states, and the
    inputs that changed (empty for the call a page makes when it appears)."""

    values: dict[str, Any]
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    page: str
    outputs: tuple[str, ...]  # "id.property" of the callback's outputs, without @hash
    variant: str
    call: Callable[[int], Call]  # repeat number -> request (0: the first, reported apart)
    client: str = "reader"  # or "planner"
    before: Callable[[int], None] | None = None  # untimed preparation of each repeat
    expect: str = ""  # a text the response must hold


@dataclass
class Bench:
    """The app, its clients and what the cases choose from."""

    app: Any
    clients: dict[str, FlaskClient]
    dependencies: list[dict[str, Any]]
    years: list[int] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    revisions: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)

    def post(self, case: Case, call: Call) -> dict[str, Any]:
        return self.timed(case, call)[0]

    def timed(self, case: Case, call: Call) -> tuple[dict[str, Any], float, float]:
        """The callback's answer, the wall time in ms of the request alone (the checks after
        it are not counted) and the CPU time of the thread that served it (the test client
        serves in this thread): the second does not grow when other work shares the CPU."""
        body = payload(self.dependency(case.outputs), call)
        client = self.clients[case.client]
        started, cpu = time.perf_counter(), time.thread_time()
        response = client.post("/_dash-update-component", json=body, base_url=BASE_URL)
        text = response.get_data(as_text=True)
        elapsed = 1000 * (time.perf_counter() - started)
        used = 1000 * (time.thread_time() - cpu)
        # Checked every time: a refused or empty answer must not count as a fast one.
        assert response.status_code == 200 and text, (case, response.status_code, text[:300])
        answer = json.loads(text)["response"]
        ids = {output.split(".", 1)[0] for output in case.outputs}
        assert ids <= set(answer), (case, sorted(answer))
        assert case.expect in json.dumps(answer, ensure_ascii=False), (case, text[:300])
        return answer, elapsed, used

    def dependency(self, outputs: tuple[str, ...]) -> dict[str, Any]:
        for dependency in self.dependencies:
            if dependency.get("clientside_function"):
                continue
            if tuple(_strip_hash(o) for o in output_list(dependency["output"])) == outputs:
                return dependency
        raise KeyError(outputs)


def output_list(output: str) -> list[str]:
    """Dash's output string ("..a.b...c.d.." for several, "a.b" for one) as "id.property"."""
    if output.startswith(".."):
        return output[2:-2].split("...")
    return [output]


def _strip_hash(output: str) -> str:
    return output.split("@", 1)[0]


def payload(dependency: dict[str, Any], call: Call) -> dict[str, Any]:
    """The JSON body the browser posts for `dependency` with the values of `call`."""
    outputs = [dict(zip(("id", "property"), o.split(".", 1), strict=True))
               for o in output_list(dependency["output"])]

    def listed(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        rows = []
        for item in items:
            row: dict[str, Any] = {"id": item["id"], "property": item["property"]}
            key = f"{item['id']}.{item['property']}"
            if key in call.values:  # the browser leaves out a value that was never set
                row["value"] = call.values[key]
            rows.append(row)
        return rows

    body: dict[str, Any] = {
        "output": dependency["output"],
        "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
        "inputs": listed(dependency["inputs"]),
        "changedPropIds": list(call.changed), "parsedChangedPropsIds": list(call.changed),
    }
    if dependency["state"]:
        body["state"] = listed(dependency["state"])
    return body


# --- the cases ---------------------------------------------------------------------------------

def _pick(items: list[Any], i: int, step: int = 7) -> Any:
    """A spread of items across repeats, the same every run."""
    return items[(i * step) % len(items)]


def _language(i: int) -> str:
    return "en" if i % 3 == 2 else "zh"


def _page_call(path: str, search: str) -> Call:
    return Call({"_pages_location.pathname": path, "_pages_location.search": search},
                ("_pages_location.pathname", "_pages_location.search"))


def _query(**params: object) -> str:
    from urllib.parse import urlencode

    query = {k: v for k, v in params.items() if v not in (None, "", "zh")}
    return f"?{urlencode(query)}" if query else ""


PAGES = ("_pages_content.children", "_pages_store.data")
CHARTS = ("indicator-trend.figure", "indicator-region-targets.children", "indicator-gap.figure",
          "indicator-anticipation.children")


def reader_cases(b: Bench) -> list[Case]:
    latest = b.years[-1]

    def year(i: int) -> int:
        return _pick(b.years[-6:], i, 5)

    def overview(i: int) -> Call:
        document = _pick(["", *b.documents], i, 3) if i % 2 else ""
        theme = _pick(["", *b.themes], i, 5) if i % 4 == 3 else ""
        region_class = _pick(["", "prefecture_level", "county_level"], i, 1)
        return Call({"overview-year.value": year(i), "overview-document.value": document,
                     "overview-theme.value": theme, "overview-class.value": region_class,
                     "overview-language.children": _language(i)})

    def indicator(i: int, same: bool = False) -> Call:
        k = 0 if same else i
        return Call({"indicator-region.value": _pick(b.regions, k, 13),
                     "indicator-year.value": latest if same else year(i),
                     "indicator-method.value": "opensdg" if k % 4 == 3 else "escap",
                     "indicator-id.children": _pick(b.indicators, k),
                     "indicator-language.children": _language(k)})

    def header(i: int) -> Call:
        path = _pick(["/", f"/indicator/{_pick(b.indicators, i)}", f"/region/{b.regions[0]}",
                      "/downloads", "/history"], i, 1)
        return Call({"url.href": f"{BASE_URL}{path}{_query(lang=_language(i))}"}, ("url.href",))

    def download(i: int) -> Call:
        regions = [_pick(b.regions, i * 3 + k, 11) for k in range(1 + i % 4)]
        return Call({"downloads-button.n_clicks": i + 1,
                     "downloads-indicator.value": [_pick(b.indicators, i)],
                     "downloads-region.value": regions,
                     "downloads-from.value": b.years[-5] if i % 2 else None,
                     "downloads-to.value": None,
                     "downloads-format.value": _pick(["csv", "xlsx", "parquet"], i, 1),
                     "downloads-language.children": _language(i)},
                    ("downloads-button.n_clicks",))

    return [
        Case("all", ("app-header.children",), "varied", header),
        Case("overview", PAGES, "varied", lambda i: _page_call(
            "/", _query(year=year(i) if i % 2 else None, lang=_language(i)))),
        Case("overview", ("overview-counts.children", "overview-grid.children",
                          "overview-rates.children"), "varied", overview,
             expect="overview-count-met"),  # a filter may leave no grid: counts are always there
        Case("overview", ("overview-counts.children", "overview-grid.children",
                          "overview-rates.children"), "same", lambda i: overview(0),
             expect="overview-grid-table"),
        Case("overview", ("overview-summary.children",), "varied", lambda i: Call(
            {"overview-year.value": year(i), "overview-language.children": _language(i)},
            ("overview-year.value",)), expect="overview-by-prefecture"),
        Case("overview", ("overview-nav.href",), "varied", lambda i: Call(
            {"overview-grid-table.cellClicked": {"colId": _pick(b.indicators, i),
                                                 "rowId": _pick(b.regions, i, 13),
                                                 "value": "met", "rowIndex": i},
             "overview-year.value": year(i), "overview-language.children": _language(i)},
            ("overview-grid-table.cellClicked",)), expect="/indicator/"),
        Case("indicator", PAGES, "varied", lambda i: _page_call(
            f"/indicator/{_pick(b.indicators, i)}",
            _query(region=_pick(b.regions, i, 13), year=year(i), lang=_language(i)))),
        Case("indicator", CHARTS, "varied", indicator),
        Case("indicator", CHARTS, "same", lambda i: indicator(i, True)),
        Case("indicator", ("indicator-table.children",), "varied", indicator,
             expect="indicator-data-table"),
        Case("indicator", ("indicator-table.children",), "same", lambda i: indicator(i, True),
             expect="indicator-data-table"),
        Case("indicator", ("indicator-download.data",), "varied", lambda i: Call(
            {"indicator-download-button.n_clicks": i + 1,
             "indicator-id.children": _pick(b.indicators, i),
             "indicator-region.value": _pick(b.regions, i, 13),
             "indicator-language.children": _language(i)},
            ("indicator-download-button.n_clicks",)), expect="base64"),
        Case("region", PAGES, "varied", lambda i: _page_call(
            f"/region/{_pick(b.regions, i, 13)}", _query(year=year(i), lang=_language(i)))),
        Case("downloads", PAGES, "varied", lambda i: _page_call(
            "/downloads", _query(indicator=_pick(b.indicators, i), lang=_language(i)))),
        Case("downloads", ("downloads-file.data", "downloads-summary.children"), "varied",
             download, expect="base64"),
        Case("history", PAGES, "varied", lambda i: _page_call(
            "/history", _query(region=_pick(b.regions, i, 13), lang=_language(i)))),
        Case("history", ("history-table.children",), "varied", lambda i: Call(
            {"history-region.value": _pick(b.regions, i, 13),
             "history-indicator.value": _pick(b.indicators, i) if i % 2 else "",
             "history-message.children": None,
             "history-language.children": _language(i)}), expect="history-grid"),
    ]


ENTRY_ROWS = ("entry-grid.rowData", "entry-history-link.href")
SAVE = ("entry-message.children", "entry-grid.rowData")
PREVIEW = ("upload-preview.children", "upload-confirm.disabled", "upload-contents.data",
           "upload-result.children")


def planner_cases(b: Bench) -> list[Case]:
    years = b.years[-3:]

    def region_year(i: int) -> tuple[str, int]:
        return _pick(b.own, i, 1), _pick(years, i, 1)

    def fill(i: int) -> Call:
        region, year = region_year(i)
        return Call({"entry-region.value": region, "entry-year.value": year,
                     "entry-language.children": _language(i)})

    def fetch_rows(i: int) -> None:
        """The grid's rows as the browser holds them, fresh (revision ids change on save)."""
        region, year = region_year(i)
        case = Case("entry", ENTRY_ROWS, "", fill, client="planner")
        b.revisions[(region, year)] = b.post(case, fill(i))["entry-grid"]["rowData"]

    def typed(i: int) -> list[dict[str, Any]]:
        rows = [dict(row) for row in b.revisions[region_year(i)]]
        row = _pick([row for row in rows if _editable(row)], i, 1)
        row["value"] = _changed(row["stored"], i)
        return rows

    def check(i: int) -> Call:
        rows = typed(i)
        region, year = region_year(i)
        changed = next(row for row in rows if row["value"] is not None)
        return Call({"entry-grid.cellValueChanged": [{
            "rowIndex": rows.index(changed), "rowId": changed["indicator_id"], "data": changed,
            "oldValue": None, "value": changed["value"], "colId": "value",
            "timestamp": 1_700_000_000_000 + i}], "entry-grid.rowData": rows,
            "entry-region.value": region, "entry-year.value": year,
            "entry-language.children": _language(i)}, ("entry-grid.cellValueChanged",))

    def save(i: int) -> Call:
        region, year = region_year(i)
        return Call({"entry-save.n_clicks": i + 1, "entry-grid.rowData": typed(i),
                     "entry-region.value": region, "entry-year.value": year,
                     "entry-language.children": _language(i)}, ("entry-save.n_clicks",))

    def saved_first(i: int) -> None:
        fetch_rows(i + 1000)
        b.post(Case("entry", SAVE, "", save, client="planner", expect="entry-saved"),
               save(i + 1000))

    def upload_file(i: int) -> dict[str, str]:
        region, year = region_year(i)
        rows = [row for row in b.revisions.get((region, year), []) if _editable(row)][:8]
        lines = ["region,indicator,period,value"] + [
            f"{region},{row['indicator_id']},{year},{_changed(row['stored'], i)}"
            for row in rows]
        raw = ("\n".join(lines) + "\n").encode()
        return {"contents": "data:text/csv;base64," + base64.b64encode(raw).decode(),
                "filename": f"bench-{i}.csv"}

    def preview(i: int) -> Call:
        upload = upload_file(i)
        return Call({"upload-file.contents": upload["contents"],
                     "upload-file.filename": upload["filename"],
                     "upload-language.children": _language(i)}, ("upload-file.contents",))

    def confirm(i: int) -> Call:
        return Call({"upload-confirm.n_clicks": i + 1, "upload-contents.data": upload_file(i),
                     "upload-language.children": _language(i)}, ("upload-confirm.n_clicks",))

    def previewed(i: int) -> None:
        """As in the browser, where confirm is enabled by the preview of the same file."""
        fetch_rows(i)
        b.post(Case("upload", PREVIEW, "", preview, client="planner", expect="upload-ok"),
               preview(i))

    overview = ("overview-counts.children", "overview-grid.children", "overview-rates.children")
    return [
        Case("entry", PAGES, "varied", lambda i: _page_call(
            "/entry", _query(region=region_year(i)[0], year=region_year(i)[1],
                             lang=_language(i))), client="planner"),
        Case("entry", ENTRY_ROWS, "varied", fill, client="planner", expect="indicator_id"),
        Case("entry", ("entry-grid.rowData", "entry-summary.children"), "varied", check,
             client="planner", before=fetch_rows),
        Case("entry", SAVE, "varied", save, client="planner", before=fetch_rows,
             expect="entry-saved"),
        Case("overview", overview, "after save", lambda i: Call({
            "overview-year.value": b.years[-1], "overview-document.value": "",
            "overview-theme.value": "", "overview-class.value": "",
            "overview-language.children": "zh"}), client="planner", before=saved_first,
             expect="overview-grid-table"),
        Case("upload", PAGES, "varied", lambda i: _page_call("/upload", _query(
            lang=_language(i))), client="planner"),
        Case("upload", PREVIEW, "varied", preview, client="planner", before=fetch_rows,
             expect="upload-ok"),
        Case("upload", ("upload-result.children", "upload-confirm.disabled"), "varied", confirm,
             client="planner", before=previewed, expect="upload-loaded"),
        Case("upload", ("upload-template.data",), "varied", lambda i: Call({
            "upload-template-button.n_clicks": i + 1, "upload-region.value": region_year(i)[0],
            "upload-year.value": region_year(i)[1]}, ("upload-template-button.n_clicks",)),
             client="planner", expect="base64"),
    ]


COUNT_UNITS = ("item", "person", "working_day", "day", "done")


def _editable(row: dict[str, Any]) -> bool:
    """A stored measurement whose value can move a little and stay plausible."""
    stored = row["stored"]
    return (stored is not None and stored > 0 and row["unit"] not in COUNT_UNITS
            and (row["unit"] != "percent" or stored < 95))


def _changed(stored: float, i: int) -> str:
    """A value a little off the stored one, so every save writes."""
    return f"{stored * (1.003 if i % 2 else 0.997):.6g}"


# --- running ---------------------------------------------------------------------------------

def measure_pages(database_url: str, repeats: int = 20, warm: bool = True,
                  progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """One row per page x callback x variant: n, median, 95th percentile and max of the
    server time of `repeats` requests in ms, and the time of the first request (cold).

    With `warm`, every year's status is evaluated before the cases (as the app does in the
    background after its first read) and that time is reported as a row of its own."""
    from dashboard import state
    from dashboard.app import create_app

    app = create_app(database_url)
    bench = Bench(app, {"reader": app.server.test_client()}, [])
    bench.dependencies = bench.clients["reader"].get("/_dash-dependencies",
                                                     base_url=BASE_URL).get_json()
    rows = []
    # The cold start: the first page asked of a new process reads the store and evaluates.
    first = bench.timed(Case("overview", PAGES, "cold", _no_call), _page_call("/", ""))[1]
    rows.append(_row(Case("all", ("first request of the process",), "cold", _no_call), [],
                     first))
    source = state.of(app)
    _choices(bench, source)
    bench.own = _planner(source.store, source.regions,
                         source.values()["region_code"].value_counts())
    bench.clients["planner"] = _logged_in(app)
    if warm:
        rows.append(_row(Case("all", ("every year's status (warm-up)",), "cold", _no_call), [],
                         _timed_ms(source.warm)))
    for case in [*reader_cases(bench), *planner_cases(bench)]:
        if progress:
            progress(f"{case.page} {', '.join(case.outputs)} ({case.variant})")
        if case.before:
            case.before(0)
        first = bench.timed(case, case.call(0))[1]
        times, cpu = [], []
        for i in range(1, repeats + 1):
            if case.before:
                case.before(i)
            _answer, elapsed, used = bench.timed(case, case.call(i))
            times.append(elapsed)
            cpu.append(used)
        rows.append(_row(case, times, first, cpu))
    return pd.DataFrame(rows, columns=COLUMNS)


def _no_call(_i: int) -> Call:
    return Call({})


def _timed_ms(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return 1000 * (time.perf_counter() - started)


def _row(case: Case, times: list[float], first: float,
         cpu: list[float] | None = None) -> dict[str, Any]:
    values = np.array(times) if times else np.array([np.nan])
    return {"page": case.page, "callback": ", ".join(case.outputs), "variant": case.variant,
            "n": len(times), "median_ms": float(np.median(values)),
            "p95_ms": float(np.percentile(values, 95)), "max_ms": float(np.max(values)),
            "first_ms": first,
            "p95_cpu_ms": float(np.percentile(cpu, 95)) if cpu else float("nan")}


def _choices(bench: Bench, source: Any) -> None:
    """What the cases vary over: the store's years, regions with values, indicators with
    values (from the app's own data module, after the cold start has read them)."""
    values = source.values()
    bench.years = source.years()
    present = set(values["region_code"].unique())
    bench.regions = [code for code in source.regions.index if code in present]
    indicators = set(values["indicator_id"].unique())
    bench.indicators = [i for i in source.indicators.index if i in indicators]
    bench.documents = [number for number, _title in source.documents()]
    bench.themes = list(source.themes())


def _planner(store: Store, regions: pd.DataFrame, counts: pd.Series) -> list[str]:
    """A planner for a prefecture and the two of its counties with the most values (made once
    per store; an earlier run's planner keeps its regions)."""
    users = UserStore(store)
    made = users.get(PLANNER)
    if made is not None:
        return sorted(made.regions)
    counts = counts.sort_values(ascending=False, kind="stable")
    prefecture = next(code for code in counts.index
                      if regions.at[code, "level"] == "prefecture")
    children = [code for code in counts.index if regions.at[code, "parent_code"] == prefecture]
    own = [prefecture, *children[:2]]
    users.add(PLANNER, "planner", PASSWORD, own)
    return own


def _logged_in(app: Any) -> FlaskClient:
    client = app.server.test_client()
    form = client.get("/login", base_url=BASE_URL).get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token, "the login form has no token"
    response = client.post("/login", base_url=BASE_URL, data={
        "csrf": token.group(1), "name": PLANNER, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of the store "
                        "(a copy: the entry and upload cases write to it)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--no-warm", action="store_true",
                        help="do not evaluate every year before the cases")
    parser.add_argument("-o", "--output", help="also write the table as CSV here")
    args = parser.parse_args(argv)
    # A throwaway session key: the benchmark needs no key file in the home folder.
    os.environ.setdefault("TARGETS_SECRET_KEY", secrets.token_hex(32))
    table = measure_pages(args.database, args.repeats, warm=not args.no_warm,
                          progress=lambda text: print(f"… {text}", file=sys.stderr, flush=True))
    if args.output:
        table.to_csv(args.output, index=False)
    with pd.option_context("display.width", 200, "display.max_colwidth", 70,
                           "display.float_format", "{:.1f}".format):
        print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
