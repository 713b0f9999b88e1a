"""What a store's first load (no revisions yet) builds after its rows instead of row by row:
the revision table's foreign keys (PostgreSQL) and secondary indexes (SQLite)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from etl.schema import revision


@contextlib.contextmanager
def revision_checks_after(connection: sa.Connection, dialect: str) -> Iterator[None]:
    """Around the writing of a load's revisions: on a store without revisions, the table's
    foreign keys (PostgreSQL) or secondary indexes (SQLite) dropped, then made again once the
    rows are in, which checks or sorts them all at once instead of row by row (on PostgreSQL
    the check row by row was most of the COPY's time: docs/benchmarks.md, "What was measured
    before"). Dropping locks the table until the load commits, so only a store with nothing to
    read yet does it; the load's transaction holds both steps (DDL is transactional on both
    databases), so a failed load keeps the constraints and indexes."""
    if connection.execute(sa.select(revision.c.id).limit(1)).first() is not None:
        yield
        return
    if dialect == "postgresql":
        keys = connection.execute(sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'revision'::regclass AND contype = 'f'")).all()
        for name, _definition in keys:
            connection.execute(sa.text(f'ALTER TABLE revision DROP CONSTRAINT "{name}"'))
        yield
        for name, definition in keys:
            connection.execute(sa.text(f'ALTER TABLE revision ADD CONSTRAINT "{name}" '
                                       f"{definition}"))
        return
    if dialect != "sqlite":
        yield
        return
    # The indexes as the database states them (its own CREATE INDEX), whatever migration made
    # them; the primary key's own index has no statement and stays.
    indexes = connection.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'revision' "
        "AND sql IS NOT NULL")).all()
    for name, _statement in indexes:
        connection.execute(sa.text(f'DROP INDEX "{name}"'))
    yield
    for _name, statement in indexes:
        connection.execute(sa.text(statement))
