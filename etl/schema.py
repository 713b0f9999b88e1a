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

# One row per (region, indicator) that has ever had a value: the values' tables name it by its
# integer id, so that their rows and indexes do not repeat two texts each (migration 0009). Ids
# are given by the store under its write lock (max + 1), never reused.
series = sa.Table(
    "series", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("region_code", sa.String(6), nullable=False),
    sa.Column("indicator_id", sa.String(100), nullable=False),
    # Indicator first: reads in indicator order, and one indicator's series, come from it.
    sa.UniqueConstraint("indicator_id", "region_code", name="uq_series_indicator_region"),
    sa.Index("ix_series_region", "region_code"),
)

revision = sa.Table(
    "revision", metadata,
    sa.Column("id", RevisionId, primary_key=True, autoincrement=True),
    sa.Column("load_id", sa.Integer, sa.ForeignKey("load.id"), nullable=False),
    sa.Column("series_id", sa.Integer, nullable=False),
    sa.Column("period", sa.Integer, nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("value_entered", sa.String(100)),
    sa.Column("unit_entered", sa.String(50)),
    sa.Column("note", sa.Text),
    sa.Column("source_row", sa.Integer),
    sa.Column("previous_value", sa.Float),
    sa.Column("previous_revision_id", RevisionId),
    sa.Index("ix_revision_key", "series_id", "period", "id"),
    sa.Index("ix_revision_load", "load_id"),
)

actual = sa.Table(
    "actual", metadata,
    sa.Column("series_id", sa.Integer, primary_key=True),
    sa.Column("period", sa.Integer, primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("revision_id", RevisionId, nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
)

REVISION_COLUMNS = ["load_id", "series_id", "period", "value", "value_entered", "unit_entered",
                    "note", "source_row", "previous_value", "previous_revision_id"]

ROLES = ("admin", "planner", "reviewer", "leader", "statistician")
ROLE_CHECK = "role IN ('admin', 'planner', 'reviewer', 'leader', 'statistician')"

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
    sa.CheckConstraint(ROLE_CHECK, name="ck_app_user_role"),
)

user_region = sa.Table(
    "user_region", metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("region_code", sa.String(6), primary_key=True),
)

# --- review (etl/review.py): a region-year's values go from draft to accepted -------------------

REVIEW_STATES = ("draft", "submitted", "approved", "accepted")

submission = sa.Table(
    "submission", metadata,
    sa.Column("region_code", sa.String(6), primary_key=True),
    sa.Column("period", sa.Integer, primary_key=True),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_by", sa.String(100), nullable=False),
    # Who submitted the values under review: they may not approve or accept them.
    sa.Column("submitted_by", sa.String(100)),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'approved', 'accepted')",
                       name="ck_submission_state"),
)

submission_event = sa.Table(
    "submission_event", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("region_code", sa.String(6), nullable=False),
    sa.Column("period", sa.Integer, nullable=False),
    # submit | approve | return | accept | unlock | import (accepted without review)
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("from_state", sa.String(10), nullable=False),
    sa.Column("to_state", sa.String(10), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("comment", sa.Text),
    sa.Index("ix_submission_event_key", "region_code", "period", "id"),
)

accepted = sa.Table(
    "accepted", metadata,
    sa.Column("series_id", sa.Integer, primary_key=True),
    sa.Column("period", sa.Integer, primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("revision_id", RevisionId, nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
    sa.Column("event_id", sa.Integer, nullable=False),  # the acceptance (or import) it came with
    sa.Index("ix_accepted_event", "event_id"),  # what was accepted since a reader looked
)

reporting_deadline = sa.Table(
    "reporting_deadline", metadata,
    sa.Column("indicator_id", sa.String(100), primary_key=True),
    sa.Column("period", sa.Integer, primary_key=True),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("set_by", sa.String(100), nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)

# --- API tokens (etl/api_tokens.py): machines reading /api/v1 ---------------------------------

TOKEN_SCOPES = ("read",)

api_token = sa.Table(
    "api_token", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    # SHA-256 of the secret (hex): the secret itself is shown once and never stored.
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("scope", sa.String(10), nullable=False, server_default="read"),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Column("last_used_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("name", name="uq_api_token_name"),
    sa.UniqueConstraint("token_hash", name="uq_api_token_hash"),
    sa.CheckConstraint("scope IN ('read')", name="ck_api_token_scope"),
)
