"""Paged JSON answers with an ETag: a page of items in a stable order, the total, next and
previous links; 304 with no body when the client holds the same answer already.

The ETag is a SHA-256 of what the answer depends on (the store's data and review versions, or
the catalogue's fingerprint for the reference routes) and of the normalised query: computed
before the data is read, so an unchanged answer costs two small queries. The rows of the last
few queries (the same key without page and limit) are kept, so that walking the pages of one
answer reads and shapes its rows once, not once a page.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import flask
import pandas as pd
from werkzeug.wrappers import Response

from api.access import is_private
from api.errors import ApiError

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
SELECTIONS = 4  # answers kept whole (each one query's rows at one data version)
SELECTION_ROWS = 300_000  # and at most so many rows in all: a larger answer is not kept
YEAR_COLUMNS = ("period", "deadline_year", "actual_period", "baseline_year", "period_start",
                "as_of_year")


def etag_of(version: Any, args: dict[str, Any]) -> str:
    """The tag of the answer of this route to `args` (parsed, so `?limit=050` and `?limit=50`
    agree) at `version`."""
    normal = {key: sorted(value) if isinstance(value, list) else value
              for key, value in args.items() if value is not None}
    text = json.dumps([flask.request.path, version, normal], sort_keys=True, default=str,
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


Built = tuple[pd.DataFrame, dict[str, Any]]


class Selections:
    """The last few answers whole, by the tag of their query without page and limit; shared
    by the server's threads (one lock; an answer is built outside it)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, Built] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, build: Callable[[], Built]) -> Built:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        built = build()
        if len(built[0]) <= SELECTION_ROWS:
            with self._lock:
                self._kept[key] = built
                while len(self._kept) > SELECTIONS or sum(
                        len(frame) for frame, _ in self._kept.values()) > SELECTION_ROWS:
                    self._kept.popitem(last=False)
        return built


SELECTED = Selections()


def answer(version: Any, args: dict[str, Any], build: Callable[[], Built]) -> Response:
    """304 if the client's If-None-Match holds this answer's tag; else the page of `build()`'s
    rows (a frame in its stable order) in an envelope with `build()`'s other fields; a page
    past the last is a 404 naming the last one."""
    tag = etag_of(version, args)
    if flask.request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        whole = etag_of(version, {key: value for key, value in args.items()
                                  if key not in ("page", "limit")})
        frame, extra = SELECTED.get(whole, build)
        response = flask.jsonify(envelope(frame, args, extra))
    response.set_etag(tag)
    return _cached(response)


def single(version: Any, args: dict[str, Any], build: Callable[[], Any]) -> Response:
    """Like answer(), for a body that is not a list of rows."""
    tag = etag_of(version, args)
    response = Response(status=304) if flask.request.if_none_match.contains_weak(tag) \
        else flask.jsonify(build())
    response.set_etag(tag)
    return _cached(response)


def _cached(response: Response) -> Response:
    # Revalidated each time (no-cache), kept by the client only when it was given to someone
    # logged in or holding a token (private); never stored by a shared cache for another reader.
    response.headers["Cache-Control"] = "private, no-cache" if is_private() else "no-cache"
    response.headers["Vary"] = "Authorization, Cookie"
    return response


def envelope(frame: pd.DataFrame, args: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    page, limit = int(args.get("page") or 1), int(args.get("limit") or DEFAULT_LIMIT)
    total = len(frame)
    start = (page - 1) * limit
    pages = max(1, -(-total // limit))
    if page > pages:
        raise ApiError("no_such_page", 404, parameters={"page": [f"> {pages}"]}, pages=pages,
                       last=_link(pages))
    chosen = frame.iloc[start:start + limit]
    return {
        **extra,
        "items": records(chosen),
        "total": total, "page": page, "limit": limit, "pages": pages,
        "next": _link(page + 1) if start + limit < total else None,
        "previous": _link(page - 1) if page > 1 else None,
    }


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON objects: missing values null, numbers as numbers, times in ISO 8601."""
    if frame.empty:
        return []
    # Years held as floats beside missing ones (2018.0) are written as whole numbers.
    years = [column for column in YEAR_COLUMNS if column in frame.columns]
    if years:
        frame = frame.astype({column: "Int64" for column in years})
    text = frame.to_json(orient="records", date_format="iso", double_precision=15,
                         force_ascii=False)
    return list(json.loads(text))


def _link(page: int) -> str:
    query = [(key, value) for key, value in flask.request.args.items(multi=True)
             if key != "page"]
    return f"{flask.request.path}?{urlencode([*query, ('page', page)])}"
