"""How many uploaded files one server process checks at a time.

Checking a file holds its bytes, its cells as text and the validation's frames: a 10 MB file
costs a few hundred MB for seconds. Parallel uploads would add up until the worker is killed,
so at most MAX_CHECKS run at once per process; a request beyond that waits up to
WAIT_SECONDS for one to finish, then is told to try again shortly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import flask

MAX_CHECKS = 2
WAIT_SECONDS = 5.0
KEY = "targets_upload_checks"  # of the semaphore in server.extensions


class BusyError(Exception):
    """Every check slot stayed taken for WAIT_SECONDS."""


def semaphore(server: flask.Flask) -> threading.BoundedSemaphore:
    """The server's semaphore, made at its first use. dict.setdefault is one step under the
    GIL, so two first requests at once still share one semaphore."""
    made = threading.BoundedSemaphore(MAX_CHECKS)
    return server.extensions.setdefault(KEY, made)


@contextmanager
def check_slot() -> Iterator[None]:
    """Hold one of the current server's check slots for the block; BusyError if none frees."""
    slots = semaphore(flask.current_app)
    if not slots.acquire(timeout=WAIT_SECONDS):
        raise BusyError
    try:
        yield
    finally:
        slots.release()
