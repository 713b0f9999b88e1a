"""The app's small caches: pages' results per data version, results that last through writes,
and the validations of the last upload previews."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class VersionedCache:
    """Keeps a few results per store data version; a new version drops the old ones.
    One thread computes a missing result while the others asking for it wait."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.version: int | None = None
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.pending: dict[Any, threading.Lock] = {}
        self.lock = threading.Lock()

    def get(self, version: int, key: Any, compute: Callable[[], Any]) -> Any:
        while True:
            with self.lock:
                if version != self.version:
                    self.items.clear()
                    self.version = version
                if key in self.items:
                    self.items.move_to_end(key)
                    return self.items[key]
                running = self.pending.get(key)
                if running is None:
                    running = self.pending[key] = threading.Lock()
                    running.acquire()
                    break
            with running:  # another thread computes it: wait, then look again
                pass
        try:
            value = compute()
            with self.lock:
                if version == self.version:
                    self.items[key] = value
                    while len(self.items) > self.size:
                        self.items.popitem(last=False)
            return value
        finally:
            with self.lock:
                self.pending.pop(key, None)
            running.release()


class LastingCache:
    """Results kept per generation of the values held (full reads so far), not per version:
    for what depends on which status rows there are and where, not on their values."""

    def __init__(self) -> None:
        self.items: dict[Any, Any] = {}  # (generation, key) -> a page's lasting result
        self.lock = threading.Lock()

    def get(self, generation: int, key: Any, compute: Callable[[], Any]) -> Any:
        with self.lock:
            found = self.items.get((generation, key))
        if found is None:
            found = compute()
            with self.lock:
                self.items[(generation, key)] = found
        return found

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


class Previews:
    """The validations of the last upload previews, for their confirm. A file's validation
    follows from its bytes and suffix, the user's regions, the day, and the catalogue and
    register (held by the app's state, one for its lifetime); a confirm of the very same bytes
    by the same user that day takes the preview's instead of reading and checking them again.
    Its warnings compared with the values stored at the preview; what is stored and its errors
    do not depend on them. Small files only: a planner's, not a bulk load held in memory."""

    def __init__(self, size: int = 8, max_rows: int = 20_000) -> None:
        self.size, self.max_rows = size, max_rows
        self.items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()  # key -> a Validation
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self.lock:
            return self.items.get(key)

    def put(self, key: tuple[Any, ...], validation: Any) -> None:
        if len(validation.rows) + len(validation.problems) > self.max_rows:
            return
        with self.lock:
            self.items[key] = validation
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
