"""The store's tables as SQLAlchemy Core; the migrations in etl/migrations build them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
RevisionId = sa.BigInteger().with_variant(sa.Integer, "sqlite")

load = sa.Table(
    "load", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("loaded_by", sa.String(100), nullable=False),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("source_sha256", sa.String(64)),
    sa.Column("kind", sa.String(10), nullable=False),  # file | form | demo | revert
    sa.Column("is_demo", sa.Boolean, nullable=False),
    sa.Column("revision_count", sa.Integer, nullable=False),
    # Columns and rows of the file skipped as unknown (indicators, regions): --skip-unknown.
    sa.Column("skipped", sa.Integer, nullable=False, server_default="0"),
)

revision = sa.Table(
    "revision", metadata,
    sa.Column("id", RevisionId, primary_key=True, autoincrement=True),
    sa.Column("load_id", sa.Integer, sa.ForeignKey("load.id"), nullable=False),
    sa.Column("region_code", sa.String(6), nullable=False),
    sa.Column("indicator_id", sa.String(100), nullable=False),
    sa.Column("period", sa.Integer, nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("value_entered", sa.String(100)),
    sa.Column("unit_entered", sa.String(50)),
    sa.Column("note", sa.Text),
    sa.Column("source_row", sa.Integer),
    sa.Column("previous_value", sa.Float),
    sa.Column("previous_revision_id", RevisionId),
    sa.Index("ix_revision_key", "region_code", "indicator_id", "period", "id"),
    sa.Index("ix_revision_load", "load_id"),
)

actual = sa.Table(
    "actual", metadata,
    sa.Column("region_code", sa.String(6), primary_key=True),
    sa.Column("indicator_id", sa.String(100), primary_key=True),
    sa.Column("period", sa.Integer, primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("revision_id", RevisionId, nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
    # The export's order, and one indicator's values without a scan (migration 0004).
    sa.Index("ix_actual_indicator_region_period", "indicator_id", "region_code", "period"),
)

REVISION_COLUMNS = ["load_id", "region_code", "indicator_id", "period", "value", "value_entered",
                    "unit_entered", "note", "source_row", "previous_value",
                    "previous_revision_id"]

ROLES = ("admin", "planner", "leader", "statistician")

app_user = sa.Table(
    "app_user", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_failed_at", sa.DateTime(timezone=True)),
    # Moved on by a logout or a new password: session keys made before no longer match.
    sa.Column("session_generation", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("name", name="uq_app_user_name"),
    sa.CheckConstraint("role IN ('admin', 'planner', 'leader', 'statistician')",
                       name="ck_app_user_role"),
)

user_region = sa.Table(
    "user_region", metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("region_code", sa.String(6), primary_key=True),
)
