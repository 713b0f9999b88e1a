"""The store: every revision of every actual value, in SQLite (default) or any SQLAlchemy URL.

Nothing is overwritten. A load is one transaction that adds a `load` row (who, when, from
which source) and one `revision` per value that is new or changed (with its source row and
the value it replaces), and keeps `actual`, the latest revision of each key, in step.
Values equal to the current ones are skipped, so loading the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from etl.acceptance import import_accepted, last_event_id, refuse_locked
from etl.driver_rows import batches, copy_rows, frame_of, insert_many
from etl.first_load import revision_checks_after
from etl.schema import REVISION_COLUMNS, accepted, actual, load, revision, series
from etl.series_ids import PAIR, with_series
from etl.store_errors import ConflictError, StoreWriteError
from etl.value_groups import ValueGroup, whole_indicators
from indicators.paths import data_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
KEY = ["region_code", "indicator_id", "period"]
# A series' key in the values' tables: the pair numbered (etl/schema.py series).
SERIES_KEY = ["series_id", "period"]
CHUNK_ROWS = 50_000
# The revision columns a load always writes (NOT NULL in etl/schema.py).
REQUIRED_REVISION_COLUMNS = {"load_id", "series_id", "period", "value"}
# Values per group of whole indicators that current_by_indicator gives: a national indicator
# has some 44,000, so a group is a few indicators and a few tens of megabytes.
GROUP_ROWS = 200_000
CURRENT_FOR = {"series_id": "int64", "period": "int64", "value": "float64", "revision_id": "Int64"}
CURRENT_DTYPES = {"period": "int64", "source_row": "Int64", "accepted": "bool"}
# Serialises writers on PostgreSQL; SQLite has a single writer already.
WRITE_LOCK_ID = 20181115
Progress = Callable[[int, int], None]
# Which values a reader gets: the accepted ones (what leaders see by default) or all current
# values, drafts and values under review too (etl/review.py).
VIEWS = ("accepted", "all")


def database_url(url: str | None = None) -> str:
    """The given URL, else TARGETS_DATABASE_URL, else the embedded SQLite file in data/."""
    return url or os.environ.get("TARGETS_DATABASE_URL") or (
        f"sqlite:///{data_dir() / 'targets.sqlite'}")


@dataclass(frozen=True)
class LoadResult:
    load_id: int | None
    new: int
    changed: int
    unchanged: int

    @property
    def written(self) -> int:
        return self.new + self.changed


# Alembic's table of the migration a database is at, and the latest migration in
# migrations/versions.
VERSION_TABLE = "alembic_version"
HEAD_REVISION = "0009_series"


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


class Store:
    """The one way to read and write stored values."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True) -> None:
        self.url = database_url(url)
        self.engine = _engine(self.url)
        if upgrade:
            self.upgrade()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- schema --------------------------------------------------------------------------

    def upgrade(self, to: str = "head") -> None:
        """Bring the schema up to date in place; the data stays."""
        # Alembic is imported here, not with the module: a command that only reads (`targets
        # check`) never migrates, and starting the program is most of what it costs.
        from alembic import command

        config = _alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, to)

    def schema_revision(self) -> str | None:
        """The migration the database is at (None: no schema yet), as Alembic records it."""
        with self.engine.connect() as connection:
            if not sa.inspect(connection).has_table(VERSION_TABLE):
                return None
            return connection.execute(
                sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()

    @staticmethod
    def head_revision() -> str:
        """The latest migration (tests/test_store.py checks it against Alembic's scripts)."""
        return HEAD_REVISION

    # --- writing -------------------------------------------------------------------------

    def load(self, rows: pd.DataFrame, *, by: str, source: str, kind: str = "file",
             source_sha256: str | None = None, is_demo: bool = False,
             progress: Progress | None = None, skipped: int = 0,
             accept: bool = False) -> LoadResult:
        """Store validated rows (region_code, indicator_id, period, value and optionally
        value_entered, unit_entered, note, source_row, expected_revision_id) in one
        transaction: all or nothing. Raises ConflictError when an expected_revision_id is stale,
        StoreWriteError when the database refuses the write, LockedError (nothing written)
        when a region-year of the rows is not in draft. `skipped` records how many
        columns and rows of the file were left out as unknown (--skip-unknown). With `accept`
        the values are accepted without review (published figures, demo data, an operator's
        `targets load --accepted`): etl.acceptance.import_accepted."""
        rows = _prepare(rows)
        try:
            return self._load(rows, by=by, source=source, kind=kind,
                              source_sha256=source_sha256, is_demo=is_demo, progress=progress,
                              skipped=skipped, accept=accept)
        except (sa.exc.DBAPIError, self.engine.dialect.dbapi.Error) as error:
            # The driver's own errors too: PostgreSQL's COPY goes past SQLAlchemy.
            raise StoreWriteError.of(error) from error

    def _load(self, rows: pd.DataFrame, *, by: str, source: str, kind: str,
              source_sha256: str | None, is_demo: bool,
              progress: Progress | None, skipped: int = 0,
              accept: bool = False) -> LoadResult:
        with self.engine.connect() as connection, connection.begin() as transaction:
            self._lock(connection)
            now = dt.datetime.now(dt.UTC)
            # The load row first: on SQLite the first write takes the one writer's lock, so
            # the lock check below and the write it allows see the same submissions.
            load_id = connection.execute(load.insert().values(
                loaded_at=now, loaded_by=by, source=source,
                source_sha256=source_sha256, kind=kind, is_demo=is_demo, revision_count=0,
                skipped=skipped,
            )).inserted_primary_key[0]
            refuse_locked(connection, rows)
            rows = with_series(connection, rows, self.dialect, CHUNK_ROWS)
            current = self._current_for(connection, rows)
            changes, unchanged = _diff(rows, current)
            if changes.empty:
                transaction.rollback()  # a load that changes nothing leaves no trace
                return LoadResult(None, 0, 0, unchanged)
            changes["load_id"] = load_id
            with revision_checks_after(connection, self.dialect):
                self._insert_revisions(connection, changes, progress)
            self._refresh_actual(connection, load_id, is_demo)
            if accept:
                # The comment names the source; the event's action says it was not reviewed.
                import_accepted(connection, load_id, actor=by, at=now, comment=source)
            connection.execute(load.update().where(load.c.id == load_id).values(
                revision_count=len(changes)))
        new = int(changes["previous_revision_id"].isna().sum())
        return LoadResult(int(load_id), new, len(changes) - new, unchanged)

    def revert(self, revision_id: int, *, by: str) -> LoadResult:
        """Make an earlier revision's value current again, as a new revision (nothing is
        deleted). Refused with ConflictError if the key changed since the caller looked."""
        history = self.history_of_revision(revision_id)
        if history.empty:
            raise KeyError(f"no revision {revision_id}")
        old = history.iloc[0]
        current = history["id"].max()
        row = pd.DataFrame([{
            "region_code": old["region_code"], "indicator_id": old["indicator_id"],
            "period": int(old["period"]), "value": float(old["value"]),
            "value_entered": old["value_entered"], "unit_entered": old["unit_entered"],
            "note": old["note"], "expected_revision_id": int(current),
        }])
        return self.load(row, by=by, source=f"revision {revision_id}", kind="revert")

    def history_of_revision(self, revision_id: int) -> pd.DataFrame:
        """The given revision first, then every revision of the same key (any order)."""
        with self.engine.connect() as connection:
            found = connection.execute(sa.select(series.c.region_code, series.c.indicator_id,
                                                 revision.c.period)
                                       .join(series, series.c.id == revision.c.series_id)
                                       .where(revision.c.id == revision_id)).first()
        if found is None:
            return pd.DataFrame()
        every = self.history(found.region_code, found.indicator_id, found.period)
        chosen = every["id"] == revision_id
        return pd.concat([every[chosen], every[~chosen]], ignore_index=True)

    def _lock(self, connection: sa.Connection) -> None:
        if self.dialect == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": WRITE_LOCK_ID})

    def lock_writes(self, connection: sa.Connection) -> None:
        """Hold the store's one writer lock until the transaction ends, before reading what
        a write depends on (a review step: etl/review.py)."""
        self._lock(connection)
        if self.dialect == "sqlite":
            # A write statement takes SQLite's writer lock even when it changes no row; a
            # read first would fail, not wait, once another writer committed meanwhile.
            connection.execute(sa.text("UPDATE submission SET state = state WHERE 0 = 1"))

    def _current_for(self, connection: sa.Connection, rows: pd.DataFrame) -> pd.DataFrame:
        """The current values (series_id, period, value, revision_id) of the rows' series:
        of those series when they are few (a planner's save), else of every series."""
        query = sa.select(actual.c.series_id, actual.c.period, actual.c.value,
                          actual.c.revision_id)
        ids = rows["series_id"].unique().tolist()
        if len(ids) <= 500:
            return frame_of(connection, query.where(actual.c.series_id.in_(ids)), CURRENT_FOR)
        # Many series: those of the file's indicators, or of its regions, when they are few.
        of_rows = sa.select(series.c.id)
        for column in PAIR:
            names = rows[column].unique().tolist()
            if len(names) <= 500:
                of_rows = of_rows.where(series.c[column].in_(names))
        if of_rows.whereclause is not None:
            query = query.where(actual.c.series_id.in_(of_rows))
        return frame_of(connection, query, CURRENT_FOR)

    def _insert_revisions(self, connection: sa.Connection, changes: pd.DataFrame,
                          progress: Progress | None) -> None:
        # Only the columns with a value in some row (a file without notes or entered texts,
        # a first load with nothing replaced): the others are NULL by default, and each
        # column left out is one value less per row for the driver to bind and the database
        # to store.
        frame = changes[[column for column in REVISION_COLUMNS
                         if column in REQUIRED_REVISION_COLUMNS
                         or changes[column].notna().any()]]
        total = len(frame)
        for start in range(0, total, CHUNK_ROWS):
            chunk = frame.iloc[start:start + CHUNK_ROWS]
            if self.dialect == "postgresql":
                copy_rows(connection, "revision", chunk)
            else:
                insert_many(connection, "revision", chunk)
            if progress:
                progress(min(start + CHUNK_ROWS, total), total)

    @staticmethod
    def _refresh_actual(connection: sa.Connection, load_id: int, is_demo: bool) -> None:
        """The load's revisions made current: new keys inserted, known keys updated. A key is
        new exactly when its revision replaces none (the writer holds the write lock since it
        read the current values). A plain insert is cheaper than ON CONFLICT on PostgreSQL
        (docs/benchmarks.md, "What was measured before")."""
        insert = """
            INSERT INTO actual (series_id, period, value, revision_id, is_demo)
            SELECT series_id, period, value, id, :is_demo
            FROM revision WHERE load_id = :load_id AND previous_revision_id IS {}"""
        parameters = {"load_id": load_id, "is_demo": is_demo}
        connection.execute(sa.text(insert.format("NULL")), parameters)
        connection.execute(sa.text(insert.format("NOT NULL") + """
            ON CONFLICT (series_id, period) DO UPDATE
            SET value = excluded.value, revision_id = excluded.revision_id,
                is_demo = excluded.is_demo"""), parameters)

    # --- reading -------------------------------------------------------------------------

    def current(self, *, as_of: dt.datetime | None = None,
                indicators: Iterable[str] | None = None, regions: Iterable[str] | None = None,
                first_period: int | None = None, last_period: int | None = None,
                view: str = "all") -> pd.DataFrame:
        """The current value of each key, or the value it had at `as_of`, with provenance and
        whether it is the accepted one (`accepted`). `view`: "all" (every current value) or
        "accepted" (the accepted ones only); `as_of` reads every value as written then."""
        keys = _keys(as_of, view)
        query = (self._current_query(as_of, indicators, regions, first_period, last_period,
                                     view)
                 .add_columns(load.c.is_demo, load.c.loaded_at, load.c.loaded_by, load.c.source,
                              load.c.kind.label("source_kind"))
                 .join(load, load.c.id == revision.c.load_id)
                 .order_by(series.c.indicator_id, series.c.region_code, keys.c.period))
        with self.engine.connect() as connection:
            return frame_of(connection, query, CURRENT_DTYPES)

    def current_by_indicator(self, *, as_of: dt.datetime | None = None,
                             indicators: Iterable[str] | None = None,
                             regions: Iterable[str] | None = None,
                             group_rows: int = GROUP_ROWS, batch_rows: int = CHUNK_ROWS,
                             view: str = "all") -> Iterator[ValueGroup]:
        """What current() gives, as groups of whole indicators in the same order: one query
        streamed `batch_rows` at a time, cut where an indicator ends once a group holds at
        least `group_rows` values, so that memory holds a group, not the whole store."""
        keys = _keys(as_of, view)
        conditions = self._key_conditions(as_of, indicators, regions, view=view)
        # Both figures come from the streamed statement itself: one statement, one snapshot,
        # so a load committed meanwhile cannot give a year or a count the rows do not match.
        # They need the keys only: joined to the revisions they cost far more.
        whole = sa.select(keys.c.period).select_from(_named(keys)).where(
            *conditions).subquery()
        query = self._current_query(as_of, indicators, regions, view=view).add_columns(
            revision.c.load_id,
            sa.select(sa.func.max(whole.c.period)).scalar_subquery().label("latest_period"),
            sa.select(sa.func.count()).select_from(whole).scalar_subquery().label("selected"),
        ).order_by(series.c.indicator_id, series.c.region_code, keys.c.period)
        loads = self.loads().set_index("id")
        with self.engine.connect() as connection:
            streamed = batches(connection, query, batch_rows, CURRENT_DTYPES)
            yield from whole_indicators(streamed, loads, group_rows)

    def _current_query(self, as_of: dt.datetime | None, indicators: Iterable[str] | None,
                       regions: Iterable[str] | None, first_period: int | None = None,
                       last_period: int | None = None, view: str = "all") -> sa.Select:
        """The selected keys' current (or as-of) revisions, without order or load columns."""
        # The current values start from `actual` or `accepted` (the key is the primary key),
        # joined to their revisions: "revision.id IN (every current revision)" reads every
        # current revision even for one region.
        keys = _keys(as_of, view)
        if keys is accepted:
            is_accepted: sa.ColumnElement[Any] = sa.true()
        else:
            is_accepted = sa.case((accepted.c.revision_id == revision.c.id, True), else_=False)
        query = sa.select(revision.c.id.label("revision_id"), series.c.region_code,
                          series.c.indicator_id, keys.c.period, revision.c.value,
                          revision.c.value_entered, revision.c.unit_entered, revision.c.note,
                          revision.c.source_row, is_accepted.label("accepted"))
        joined = _named(keys) if as_of is not None else _named(keys).join(
            revision, revision.c.id == keys.c.revision_id)
        if keys is not accepted:
            joined = joined.outerjoin(accepted, sa.and_(
                accepted.c.series_id == keys.c.series_id, accepted.c.period == keys.c.period))
        return query.select_from(joined).where(*self._key_conditions(
            as_of, indicators, regions, first_period, last_period, view))

    def _key_conditions(self, as_of: dt.datetime | None, indicators: Iterable[str] | None,
                        regions: Iterable[str] | None, first_period: int | None = None,
                        last_period: int | None = None,
                        view: str = "all") -> list[sa.ColumnElement[bool]]:
        """Which keys are selected, on `actual` or `accepted` (current values) or `revision`
        (as of), joined to `series` (_named)."""
        keys = _keys(as_of, view)
        conditions = [] if as_of is None else [revision.c.id.in_(self._latest_revisions(as_of))]
        if indicators is not None:
            conditions.append(series.c.indicator_id.in_(list(indicators)))
        if regions is not None:
            conditions.append(series.c.region_code.in_(list(regions)))
        if first_period is not None:
            conditions.append(keys.c.period >= first_period)
        if last_period is not None:
            conditions.append(keys.c.period <= last_period)
        return conditions

    @staticmethod
    def _latest_revisions(as_of: dt.datetime) -> sa.Select:
        return (sa.select(sa.func.max(revision.c.id))
                .join(load, load.c.id == revision.c.load_id)
                .where(load.c.loaded_at <= _utc(as_of))
                .group_by(revision.c.series_id, revision.c.period))

    def values(self, *, regions: Iterable[str] | None = None,
               indicators: Iterable[str] | None = None, view: str = "all") -> pd.DataFrame:
        """Current values only (region_code, indicator_id, period, value), of every key or of
        the given regions and indicators: what evaluation and the jump check need. In the order
        evaluation takes them (indicator by indicator): unordered, SQLite gives them region by
        region, and evaluating them in that order is slower while reading them is no quicker."""
        keys = _keys(None, view)
        query = (sa.select(series.c.region_code, series.c.indicator_id, keys.c.period,
                           keys.c.value)
                 .select_from(_named(keys))
                 .where(*self._key_conditions(None, indicators, regions, view=view))
                 .order_by(series.c.indicator_id, series.c.region_code, keys.c.period))
        with self.engine.connect() as connection:
            return frame_of(connection, query, {"period": "int64"})

    def series_values(self, region_codes: Iterable[str],
                      indicator_ids: Iterable[str]) -> pd.DataFrame:
        """The current values (region_code, indicator_id, period, value) of the series of
        these regions and indicators: what validation's jump check compares a file with
        (validation.History). Every pair of them is read and validation keeps the file's
        own: asking for the pairs themselves would take two parameters a pair, past SQLite's
        limit for a national file, where regions and indicators number a few hundred."""
        return self.values(regions=sorted(set(region_codes)),
                           indicators=sorted(set(indicator_ids)))

    def changed_since(self, version: int) -> pd.DataFrame:
        """The current value and demo flag (region_code, indicator_id, period, value, is_demo)
        of every key with a revision newer than data version `version`, once per key: what a
        reader holding the values of `version` must apply to be current."""
        # The revision ids come from the primary key and the values from actual's: no scan.
        newer = revision.alias("newer")
        query = (sa.select(series.c.region_code, series.c.indicator_id, actual.c.period,
                           actual.c.value, actual.c.is_demo)
                 .select_from(newer)
                 .join(actual, sa.and_(actual.c.series_id == newer.c.series_id,
                                       actual.c.period == newer.c.period))
                 .join(series, series.c.id == actual.c.series_id)
                 .where(newer.c.id > version))
        with self.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        frame = pd.DataFrame(rows, columns=[*KEY, "value", "is_demo"]).drop_duplicates(KEY)
        return frame.astype({"region_code": "str", "indicator_id": "str", "period": "int64",
                             "value": "float64", "is_demo": "bool"}).reset_index(drop=True)

    def value_sources(self, indicator_id: str, region_code: str | None = None, *,
                      view: str = "all") -> pd.DataFrame:
        """Where each current value of one indicator (of `region_code`, else of every region)
        comes from: region_code, period, source (the load's title, file or form), note (the
        revision's: a published figure's verbatim phrase and its doubts) and kind (the load's:
        file, form, demo, published ...). One query from actual's primary key, in region and
        period order: what a page shows beside the values it holds."""
        keys = _keys(None, view)
        query = (sa.select(series.c.region_code, keys.c.period, load.c.source,
                           revision.c.note, load.c.kind)
                 .select_from(_named(keys).join(revision, revision.c.id == keys.c.revision_id)
                              .join(load, load.c.id == revision.c.load_id))
                 .where(series.c.indicator_id == indicator_id)
                 .order_by(series.c.region_code, keys.c.period))
        if region_code is not None:
            query = query.where(series.c.region_code == region_code)
        with self.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        frame = pd.DataFrame(rows, columns=["region_code", "period", "source", "note", "kind"])
        return frame.astype({"region_code": "str", "period": "int64", "source": "object",
                             "note": "object", "kind": "object"})

    def region_period(self, region_code: str, period: int) -> pd.DataFrame:
        """The region's current values of `period` with their revision ids (indicator_id,
        value, revision_id), by actual's primary key: what a form shows and saves against.
        current() gives the same with provenance, joined to revision and load."""
        query = (sa.select(series.c.indicator_id, actual.c.value, actual.c.revision_id)
                 .select_from(_named(actual))
                 .where(series.c.region_code == region_code, actual.c.period == period)
                 .order_by(series.c.indicator_id))
        with self.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        frame = pd.DataFrame(rows, columns=["indicator_id", "value", "revision_id"])
        return frame.astype({"indicator_id": "str", "value": "float64", "revision_id": "int64"})

    def latest_period(self, region_code: str) -> int | None:
        """The latest year with a current value of the region, accepted or not (by actual's
        primary key); None when it has none: the year a writer's form opens on."""
        with self.engine.connect() as connection:
            latest = connection.execute(sa.select(sa.func.max(actual.c.period))
                                        .select_from(_named(actual))
                                        .where(series.c.region_code == region_code)).scalar()
        return None if latest is None else int(latest)

    def history(self, region_code: str | None = None, indicator_id: str | None = None,
                period: int | None = None) -> pd.DataFrame:
        """Every revision, newest first, with who, when and from which source and row."""
        columns = [series.c[name] if name in PAIR else revision.c[name]
                   for name in ("id", *REVISION_COLUMNS[:1], *PAIR, *REVISION_COLUMNS[2:])]
        query = (sa.select(*columns, load.c.loaded_at, load.c.loaded_by, load.c.source,
                           load.c.kind.label("source_kind"), load.c.is_demo)
                 .select_from(_named(revision).join(load, load.c.id == revision.c.load_id)))
        for column, wanted in ((series.c.region_code, region_code),
                               (series.c.indicator_id, indicator_id),
                               (revision.c.period, period)):
            if wanted is not None:
                query = query.where(column == wanted)
        with self.engine.connect() as connection:
            return frame_of(connection, query.order_by(revision.c.id.desc()),
                          {"previous_revision_id": "Int64", "source_row": "Int64"})

    def loads(self) -> pd.DataFrame:
        with self.engine.connect() as connection:
            return frame_of(connection, sa.select(load).order_by(load.c.id), {})

    def data_version(self) -> int:
        """Grows with every write: a cache keyed by it sees a new entry at once."""
        with self.engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.coalesce(
                sa.func.max(revision.c.id), 0))).scalar_one())

    def demo_in_use(self, view: str = "all") -> bool:
        """Whether any current (or accepted) value comes from demo data: then every view must
        say so."""
        keys = _keys(None, view)
        with self.engine.connect() as connection:
            # No demo load at all (a real store) is answered by the few rows of `load`, not by
            # a scan of millions of current values.
            if connection.execute(sa.select(load.c.id).where(load.c.is_demo).limit(1)).first() \
                    is None:
                return False
            return connection.execute(
                sa.select(keys.c.revision_id).where(keys.c.is_demo).limit(1)
            ).first() is not None

    def review_version(self) -> int:
        """Grows with every review event (a submission, an acceptance, an import): with
        data_version(), what a holder of the accepted values checks."""
        with self.engine.connect() as connection:
            return last_event_id(connection)

    def accepted_changed_since(self, event_id: int) -> pd.DataFrame:
        """The accepted value and demo flag (region_code, indicator_id, period, value, is_demo)
        of every key accepted by an event after `event_id`: what a reader holding the accepted
        values as of `event_id` must apply (accepted values are replaced, never removed)."""
        query = (sa.select(series.c.region_code, series.c.indicator_id, accepted.c.period,
                           accepted.c.value, accepted.c.is_demo)
                 .select_from(_named(accepted))
                 .where(accepted.c.event_id > event_id))
        with self.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        frame = pd.DataFrame(rows, columns=[*KEY, "value", "is_demo"])
        return frame.astype({"region_code": "str", "indicator_id": "str", "period": "int64",
                             "value": "float64", "is_demo": "bool"}).reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {table.name: int(connection.execute(
                sa.select(sa.func.count()).select_from(table)).scalar_one())
                for table in (load, revision, actual, accepted)}


# --- helpers ---------------------------------------------------------------------------------

def _keys(as_of: dt.datetime | None, view: str) -> sa.Table:
    """The table whose keys a read selects: the revisions (as of a moment: every value as
    written then), else the accepted values or all current ones."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    if as_of is not None:
        if view != "all":
            raise ValueError("as_of reads every value as written then: use view='all'")
        return revision
    return accepted if view == "accepted" else actual


def _named(keys: sa.Table) -> sa.Join:
    """A values' table joined to `series`, whose region code and indicator id name its rows."""
    return keys.join(series, series.c.id == keys.c.series_id)


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer nor see half a load.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MB of page cache (the default is 2 MB): a national load updates indexes of millions
    # of rows, and each cache miss is a page read.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _prepare(rows: pd.DataFrame) -> pd.DataFrame:
    prepared = rows.copy(deep=False)  # new columns only: the caller's frame is left alone
    for column in ("value_entered", "unit_entered", "note"):
        if column not in prepared:
            prepared[column] = None
    for column in ("source_row", "expected_revision_id"):
        if column not in prepared:
            prepared[column] = pd.NA
    prepared["period"] = prepared["period"].astype("int64")
    prepared["value"] = prepared["value"].astype(float)
    return prepared


def _diff(rows: pd.DataFrame, current: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows that are new or change a value, each with the revision it replaces."""
    if current.empty:  # a first load: no merge of millions of rows against nothing
        merged = rows.assign(previous_value=np.nan,
                             previous_revision_id=pd.Series(pd.NA, index=rows.index,
                                                            dtype="Int64"))
    else:
        merged = rows.merge(current.rename(columns={"value": "previous_value",
                                                    "revision_id": "previous_revision_id"}),
                            on=SERIES_KEY, how="left")
    stale = merged["expected_revision_id"].notna() & (
        merged["expected_revision_id"].astype("Int64").fillna(0)
        != merged["previous_revision_id"].fillna(0))
    if stale.any():
        raise ConflictError(merged.loc[stale, [*KEY, "previous_value", "previous_revision_id"]])
    same = merged["previous_value"].notna() & np.isclose(
        merged["value"].to_numpy(float), merged["previous_value"].to_numpy(float), rtol=1e-12,
        atol=0)
    return merged.loc[~same].reset_index(drop=True), int(same.sum())


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
