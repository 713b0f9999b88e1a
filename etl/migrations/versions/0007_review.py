"""Review before values are final: submissions and their events, the accepted values, reporting
deadlines, and the reviewer role.

The values already in a store were final the moment they were written, and leaders have seen
them. They become accepted *without review*: one `import` event per region-year (actor
MIGRATION_ACTOR, the comment saying so), their values copied into `accepted`, and every
region-year left in draft, so that leaders keep seeing what they saw, nothing claims a review
that never happened, and planners can still correct a figure (the correction is a draft until
it is accepted in turn).

Revision ID: 0007_review
Revises: 0006_load_skipped
Create Date: 2026-12-05
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0007_review"
down_revision = "0006_load_skipped"
branch_labels = None
depends_on = None

MIGRATION_ACTOR = "迁移 migration"
MIGRATION_COMMENT = ("审核流程启用前录入的数值，未经审核，迁移时按原样视为已确认 / entered before "
                     "review existed: not reviewed, taken as accepted as they stood")
OLD_ROLES = "role IN ('admin', 'planner', 'leader', 'statistician')"
NEW_ROLES = "role IN ('admin', 'planner', 'reviewer', 'leader', 'statistician')"
RevisionId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    _create_tables()
    _set_roles(NEW_ROLES)
    _import_current_values()


def _create_tables() -> None:
    op.create_table(
        "submission",
        sa.Column("region_code", sa.String(6), primary_key=True),
        sa.Column("period", sa.Integer, primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("submitted_by", sa.String(100)),
        sa.CheckConstraint("state IN ('draft', 'submitted', 'approved', 'accepted')",
                           name="ck_submission_state"),
    )
    op.create_table(
        "submission_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("from_state", sa.String(10), nullable=False),
        sa.Column("to_state", sa.String(10), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_submission_event_key", "submission_event",
                    ["region_code", "period", "id"])
    op.create_table(
        "accepted",
        sa.Column("region_code", sa.String(6), primary_key=True),
        sa.Column("indicator_id", sa.String(100), primary_key=True),
        sa.Column("period", sa.Integer, primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("revision_id", RevisionId, nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
    )
    op.create_index("ix_accepted_indicator_region_period", "accepted",
                    ["indicator_id", "region_code", "period"])
    op.create_index("ix_accepted_event", "accepted", ["event_id"])
    op.create_table(
        "reporting_deadline",
        sa.Column("indicator_id", sa.String(100), primary_key=True),
        sa.Column("period", sa.Integer, primary_key=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def _set_roles(check: str) -> None:
    # batch: SQLite changes a constraint by copying the table.
    with op.batch_alter_table("app_user") as table:
        table.drop_constraint("ck_app_user_role", type_="check")
        table.create_check_constraint("ck_app_user_role", check)


def _import_current_values() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("""
        INSERT INTO submission_event (region_code, period, action, from_state, to_state, actor,
                                      happened_at, comment)
        SELECT DISTINCT region_code, period, 'import', 'draft', 'draft', :actor, :now, :comment
        FROM actual"""), {"actor": MIGRATION_ACTOR, "now": dt.datetime.now(dt.UTC),
                          "comment": MIGRATION_COMMENT})
    connection.execute(sa.text("""
        INSERT INTO accepted (region_code, indicator_id, period, value, revision_id, is_demo,
                              event_id)
        SELECT a.region_code, a.indicator_id, a.period, a.value, a.revision_id, a.is_demo, e.id
        FROM actual a JOIN submission_event e
          ON e.region_code = a.region_code AND e.period = a.period"""))


def downgrade() -> None:
    _set_roles(OLD_ROLES)
    for name in ("reporting_deadline", "accepted", "submission_event", "submission"):
        op.drop_table(name)
