"""Users and their roles and regions: who may log in to the dashboard and write what.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_failed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("name", name="uq_app_user_name"),
        sa.CheckConstraint("role IN ('admin', 'planner', 'leader', 'statistician')",
                           name="ck_app_user_role"),
    )
    op.create_table(
        "user_region",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("region_code", sa.String(6), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("user_region")
    op.drop_table("app_user")
