"""The shape of every value a callback request carries, checked before Dash runs a callback.

Each (component id, property) the callbacks read has a check of the values its component can
send: a year is a whole number, a region a piece of text, a multiple choice a list of texts.
A request naming an unknown callback, or other components than its callback declares, or
carrying a value of another shape (a list for a region, text for a year, an object for a
language), or a page address whose query a page's layout cannot take (a parameter repeated
where one is expected, a year in other than ASCII digits), is refused with 400 and a message in
both languages, so that no callback meets such a value as an exception. Whether a well-formed
value names something that exists (an indicator id, a region code) is for the page's callback
to check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import dash
import flask
from werkzeug.wrappers import Response

from dashboard.security import answer

Check = Callable[[Any], bool]
UPDATE_PATH = "/_dash-update-component"
# Years a page may be asked about; the pages offer the store's years, all within these.
FIRST_YEAR, LAST_YEAR = 1949, 2100
MAX_ID = 2**63  # ids are 64-bit integers in the store
LISTED_PARAMETERS = frozenset({"indicator", "region"})  # of the downloads page
YEAR_PARAMETERS = frozenset({"year", "start", "end"})


def _text(value: Any) -> bool:
    """A piece of text that can be written as UTF-8: JSON can carry a lone surrogate
    ("\\ud800"), which no encoder, database or file takes (UnicodeEncodeError: a 500)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _path(value: Any) -> bool:
    """A path on this site, as the browser's location gives it."""
    return isinstance(value, str) and value.startswith("/")


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _year(value: Any) -> bool:
    return _integer(value) and FIRST_YEAR <= value <= LAST_YEAR


def _scalar(value: Any) -> bool:
    return value is None or _text(value) or isinstance(value, int | float | bool)


def _number_or_text(value: Any) -> bool:
    """A typed cell: the grid sends text, or a number when pasted or sent by a script."""
    return _text(value) or (isinstance(value, int | float) and not isinstance(value, bool))


def _maybe(check: Check) -> Check:
    return lambda value: value is None or check(value)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _language(value: Any) -> bool:
    return value in ("zh", "en")


def _record(value: Any) -> bool:
    """A grid row: field names to plain values."""
    return isinstance(value, dict) and all(_text(key) and _scalar(item)
                                           for key, item in value.items())


def _records(value: Any) -> bool:
    return isinstance(value, list) and all(_record(item) for item in value)


def _entry_row(value: Any) -> bool:
    """An entry grid row as the page fills it (etl and entry.py read these fields): an
    indicator id, the typed value and note, the revision the grid showed (0 for none)."""
    return (_record(value) and _text(value.get("indicator_id"))
            and _maybe(_number_or_text)(value.get("value")) and _maybe(_text)(value.get("note"))
            and _maybe(_revision_id)(value.get("revision_id")))


def _entry_rows(value: Any) -> bool:
    return isinstance(value, list) and all(_entry_row(item) for item in value)


def _revision_id(value: Any) -> bool:
    return _integer(value) and 0 <= value < MAX_ID


def _revisions(value: Any) -> bool:
    """The history grid's selected rows: each has the revision's whole-number id."""
    return _records(value) and all(_integer(row.get("id")) and 0 < row["id"] < MAX_ID
                                   for row in value)


def _cell(value: Any) -> bool:
    """A grid cell click: which column and row, and the cell's value."""
    return (isinstance(value, dict) and _maybe(_text)(value.get("colId"))
            and _maybe(_text)(value.get("rowId")) and _scalar(value.get("value")))


def _header_event(value: Any) -> bool:
    """A grid's event data as the overview's header click sends it: a column id and when."""
    return (isinstance(value, dict) and _maybe(_text)(value.get("data"))
            and _maybe(_number_or_text)(value.get("timestamp")))


def _filename(value: Any) -> bool:
    """A file's name as the browser gives it: never a NUL byte (no file system allows one,
    and PostgreSQL text cannot hold one: the name is stored as the values' source)."""
    return _text(value) and "\x00" not in value


def _upload(value: Any) -> bool:
    return (isinstance(value, dict) and _text(value.get("contents"))
            and _filename(value.get("filename")) and _maybe(_flag)(value.get("skip")))


def _briefing_target(value: Any) -> bool:
    """The region page's briefing: {"region": a code, "year": a year} and which values it
    shows ("values", optional: the accepted ones when left out)."""
    return (isinstance(value, dict) and set(value) - {"values"} == {"region", "year"}
            and _text(value["region"]) and _year(value["year"])
            and _values_name(value.get("values", "accepted")))


def _values_name(value: Any) -> bool:
    """Which values a reading page shows (dashboard.values_switch): accepted or all; none
    (a request that leaves it out) is the accepted ones."""
    return value is None or value in ("accepted", "all")


def _flag(value: Any) -> bool:
    """A checkbox's value."""
    return isinstance(value, bool)


def _count(value: Any) -> bool:
    """A count of steps taken on a page (the review page's refresh)."""
    return _integer(value) and 0 <= value < MAX_ID


def _any(_value: Any) -> bool:
    return True


SHAPES: dict[tuple[str, str], Check] = {
    ("url", "href"): _maybe(_text),
    ("_pages_location", "pathname"): _path,
    ("_pages_location", "search"): _maybe(_text),
    ("overview-year", "value"): _year,
    ("overview-document", "value"): _maybe(_text),
    ("overview-theme", "value"): _maybe(_text),
    ("overview-class", "value"): _maybe(_text),
    ("overview-grid-table", "cellClicked"): _maybe(_cell),
    ("overview-grid-table", "eventData"): _maybe(_header_event),
    ("indicator-id", "children"): _text,
    ("indicator-region", "value"): _maybe(_text),
    ("indicator-year", "value"): _year,
    ("indicator-method", "value"): _maybe(_text),
    ("map-year", "value"): _year,
    ("map-level", "value"): _maybe(_text),
    ("map-indicator", "value"): _maybe(_text),
    ("downloads-indicator", "value"): _maybe(_texts),
    ("downloads-region", "value"): _maybe(_texts),
    ("downloads-from", "value"): _maybe(_year),
    ("downloads-to", "value"): _maybe(_year),
    ("downloads-format", "value"): _text,
    ("entry-region", "value"): _maybe(_text),
    ("entry-year", "value"): _year,
    ("entry-grid", "rowData"): _entry_rows,
    ("entry-grid", "cellValueChanged"): _any,  # only says that a cell changed
    ("history-region", "value"): _maybe(_text),
    ("history-indicator", "value"): _maybe(_text),
    ("history-grid", "selectedRows"): _maybe(_revisions),
    ("history-message", "children"): _any,  # only says that a revert was answered
    ("upload-region", "value"): _maybe(_text),
    ("upload-year", "value"): _year,
    ("upload-file", "contents"): _maybe(_text),
    ("upload-file", "filename"): _maybe(_filename),
    ("upload-contents", "data"): _maybe(_upload),
    ("upload-skip", "value"): _maybe(_flag),
    ("region-briefing-target", "data"): _briefing_target,
    ("review-year", "value"): _year,
    ("review-region", "value"): _maybe(_text),
    ("review-comment", "value"): _maybe(_text),
    ("review-done", "data"): _maybe(_count),
    ("review-queue", "cellClicked"): _maybe(_cell),
    ("review-progress", "cellClicked"): _maybe(_cell),
}


def init_callback_checks(app: dash.Dash) -> None:
    """Check each callback request's shape before Dash sees it."""
    app.server.before_request(lambda: _checked(app))


def _checked(app: dash.Dash) -> Response | None:
    request = flask.request
    if request.path != UPDATE_PATH or request.method != "POST":
        return None
    body = _body(request)
    if not isinstance(body, dict) or not _server_callback(app, body.get("output")):
        return answer("bad_request", 400)
    if not _envelope(body):
        return answer("bad_request", 400)
    declared = app.callback_map[body["output"]]
    for key in ("inputs", "state"):
        items = _flat(body.get(key, []))
        if _names(items) != _names(declared.get(key, [])) or not all(map(_well_formed, items)):
            return answer("bad_request", 400)
    sent = {(item["id"], item["property"]): item.get("value") for item in body["inputs"]}
    if ("_pages_location", "search") in sent and not _page_query(
            sent.get(("_pages_location", "pathname")), sent[("_pages_location", "search")]):
        return answer("bad_request", 400)
    return None


def _body(request: flask.Request) -> Any:
    """The parsed JSON body, or None: a body nested too deep for the parser (RecursionError)
    or otherwise not JSON is refused, not left to raise in Dash."""
    try:
        return request.get_json(silent=True)
    except (RecursionError, ValueError):
        return None


def _envelope(body: dict[str, Any]) -> bool:
    """The parts Dash reads before any callback runs: `outputs` (one {id, property} or a list
    of them, as many as `output` names), `changedPropIds` (a list of texts). A missing or
    other-shaped part made Dash raise IndexError or TypeError: a 500."""
    outputs, changed = body.get("outputs"), body.get("changedPropIds", [])
    parts = body["output"].strip(".").split("...") if body["output"].startswith("..") else None
    if parts is None or (len(parts) == 1 and isinstance(outputs, dict)):
        shaped = _output(outputs)
    else:
        shaped = (isinstance(outputs, list) and len(outputs) == len(parts)
                  and all(map(_output, outputs)))
    return shaped and _texts(changed)


def _output(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), str)
            and isinstance(item.get("property"), str))


def _page_query(path: str, search: str | None) -> bool:
    """A page's query as its layout takes it (Dash passes each parameter as an argument, a
    repeated one as a list): only the downloads page takes lists, of indicators and regions;
    years are ASCII digits ("²".isdigit() holds, int("²") fails)."""
    if not search or not search.startswith("?"):
        return True
    for key, values in parse_qs(search[1:], keep_blank_values=True).items():
        if len(values) > 1 and not (path == "/downloads" and key in LISTED_PARAMETERS):
            return False
        if key in YEAR_PARAMETERS and not all(v.isascii() for v in values):
            return False
    return True


def _server_callback(app: dash.Dash, output: Any) -> bool:
    """Whether `output` names a callback that runs here (not one that runs in the browser)."""
    return isinstance(output, str) and callable(app.callback_map.get(output, {}).get("callback"))


def _flat(items: Any) -> list[Any]:
    """Inputs and states, a list of {id, property, value} (a nested list for wildcards,
    which no callback here uses: such an item is refused as not well formed)."""
    return items if isinstance(items, list) else [None]


def _names(items: list[Any]) -> list[tuple[Any, Any]]:
    """The (component, property) of each item, in order: a request must name exactly those
    its callback declares."""
    return [(item.get("id"), item.get("property")) if isinstance(item, dict) else (None, None)
            for item in items]


def _well_formed(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    component, prop = item.get("id"), item.get("property")
    if not isinstance(component, str) or not isinstance(prop, str):
        return False
    if component.endswith("-language") and prop == "children":
        return _language(item.get("value"))
    if component.endswith("-values-name") and prop == "children":
        return _values_name(item.get("value"))
    if prop == "n_clicks":
        return _maybe(_integer)(item.get("value"))
    check = SHAPES.get((component, prop))
    return check is not None and check(item.get("value"))
