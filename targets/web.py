"""The web server's entry for gunicorn: `gunicorn "targets.web:create_server()"`."""

from __future__ import annotations

from flask import Flask

from dashboard.app import create_app
from targets.memory import keep_large_blocks


def create_server(database_url: str | None = None) -> Flask:
    """The dashboard's Flask server, in a process whose allocator keeps large blocks (see
    targets.memory), as `targets serve` runs it."""
    keep_large_blocks()
    return create_app(database_url).server
