"""Values keyed by integers: a `series` numbers each (region, indicator), and `revision`,
`actual` and `accepted` name their rows by series id and period instead of repeating the
region code and indicator id as text in every row and in two indexes each (issue 19).

Each table is rebuilt: the new one created beside it, filled by INSERT ... SELECT joined to
`series`, the old one dropped and the new one renamed. Revision ids are kept as they were,
and on PostgreSQL the sequence goes on after the highest, so a later load's revisions come
after every earlier one. The data is the same value by value (tests/test_store_series.py).

Revision ID: 0009_series
Revises: 0008_api_token
Create Date: 2026-12-05
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0009_series"
down_revision = "0008_api_token"
branch_labels = None
depends_on = None

RevisionId = sa.BigInteger().with_variant(sa.Integer, "sqlite")
REVISION_REST = ("value, value_entered, unit_entered, note, source_row, previous_value, "
                 "previous_revision_id")


def _revision_rest() -> list[sa.Column]:
    return [sa.Column("period", sa.Integer, nullable=False),
            sa.Column("value", sa.Float, nullable=False),
            sa.Column("value_entered", sa.String(100)),
            sa.Column("unit_entered", sa.String(50)),
            sa.Column("note", sa.Text),
            sa.Column("source_row", sa.Integer),
            sa.Column("previous_value", sa.Float),
            sa.Column("previous_revision_id", RevisionId)]


def _value_rest() -> list[sa.Column]:
    return [sa.Column("value", sa.Float, nullable=False),
            sa.Column("revision_id", RevisionId, nullable=False),
            sa.Column("is_demo", sa.Boolean, nullable=False)]


def _by_series() -> list[sa.Column]:
    return [sa.Column("series_id", sa.Integer, primary_key=True),
            sa.Column("period", sa.Integer, primary_key=True)]


def _by_text() -> list[sa.Column]:
    return [sa.Column("region_code", sa.String(6), primary_key=True),
            sa.Column("indicator_id", sa.String(100), primary_key=True),
            sa.Column("period", sa.Integer, primary_key=True)]


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.UniqueConstraint("indicator_id", "region_code", name="uq_series_indicator_region"),
    )
    op.create_index("ix_series_region", "series", ["region_code"])
    # Numbered in indicator and region order: what reads are ordered by.
    op.execute("""
        INSERT INTO series (id, region_code, indicator_id)
        SELECT ROW_NUMBER() OVER (ORDER BY indicator_id, region_code), region_code, indicator_id
        FROM (SELECT region_code, indicator_id FROM revision
              UNION SELECT region_code, indicator_id FROM actual
              UNION SELECT region_code, indicator_id FROM accepted) pairs""")
    join = "JOIN series s ON s.region_code = t.region_code AND s.indicator_id = t.indicator_id"
    _rebuild("revision", [sa.Column("series_id", sa.Integer, nullable=False)],
             f"id, load_id, series_id, period, {REVISION_REST}",
             f"SELECT t.id, t.load_id, s.id, t.period, {_prefixed(REVISION_REST)} "
             f"FROM revision t {join}",
             {"ix_revision_key": ["series_id", "period", "id"]})
    for name in ("actual", "accepted"):
        _rebuild_values(name, _by_series, "series_id, period", "s.id, t.period",
                        f"{name} t {join}", {})


def downgrade() -> None:
    join = "JOIN series s ON s.id = t.series_id"
    _rebuild("revision", [sa.Column("region_code", sa.String(6), nullable=False),
                          sa.Column("indicator_id", sa.String(100), nullable=False)],
             f"id, load_id, region_code, indicator_id, period, {REVISION_REST}",
             f"SELECT t.id, t.load_id, s.region_code, s.indicator_id, t.period, "
             f"{_prefixed(REVISION_REST)} FROM revision t {join}",
             {"ix_revision_key": ["region_code", "indicator_id", "period", "id"]})
    order = ["indicator_id", "region_code", "period"]
    for name in ("actual", "accepted"):
        _rebuild_values(name, _by_text, "region_code, indicator_id, period",
                        "s.region_code, s.indicator_id, t.period", f"{name} t {join}",
                        {f"ix_{name}_indicator_region_period": order})
    op.drop_table("series")


def _prefixed(columns: str) -> str:
    return ", ".join(f"t.{name.strip()}" for name in columns.split(","))


def _rebuild(name: str, key: list[sa.Column], columns: str, select: str,
             indexes: dict[str, list[str]]) -> None:
    """`revision` rebuilt with another key: ids kept, the sequence set after the highest."""
    op.create_table(
        f"{name}_new",
        sa.Column("id", RevisionId, primary_key=True, autoincrement=True),
        sa.Column("load_id", sa.Integer, sa.ForeignKey("load.id"), nullable=False),
        *key, *_revision_rest())
    _swap(name, columns, select)
    for index, on in {**indexes, "ix_revision_load": ["load_id"]}.items():
        op.create_index(index, name, on)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {name}_new_load_id_fkey "
                   f"TO {name}_load_id_fkey")
        op.execute(f"ALTER SEQUENCE {name}_new_id_seq RENAME TO {name}_id_seq")
        op.execute(f"SELECT setval('{name}_id_seq', COALESCE(MAX(id), 0) + 1, false) "
                   f"FROM {name}")


def _rebuild_values(name: str, key: Callable[[], list[sa.Column]], key_columns: str,
                    key_select: str, source: str, indexes: dict[str, list[str]]) -> None:
    """`actual` or `accepted` rebuilt with another key, its other columns as they were."""
    rest = _value_rest() + ([sa.Column("event_id", sa.Integer, nullable=False)]
                            if name == "accepted" else [])
    names = ", ".join(column.name for column in rest)
    op.create_table(f"{name}_new", *key(), *rest)
    _swap(name, f"{key_columns}, {names}", f"SELECT {key_select}, {_prefixed(names)} "
          f"FROM {source}")
    if name == "accepted":
        indexes = {**indexes, "ix_accepted_event": ["event_id"]}
    for index, on in indexes.items():
        op.create_index(index, name, on)


def _swap(name: str, columns: str, select: str) -> None:
    op.execute(f"INSERT INTO {name}_new ({columns}) {select}")
    op.drop_table(name)
    op.rename_table(f"{name}_new", name)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {name}_new_pkey TO {name}_pkey")
