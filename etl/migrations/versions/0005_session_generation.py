"""A session generation per user, moved on by a logout or a new password: the session keys
made before (user id and a stamp of the password hash and this number) no longer match, so a
cookie captured before a logout is refused after it.

Revision ID: 0005_session_generation
Revises: 0004_actual_indicator_index
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_session_generation"
down_revision = "0004_actual_indicator_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("session_generation", sa.Integer, nullable=False,
                                        server_default="0"))


def downgrade() -> None:
    # batch: SQLite drops a column by copying the table.
    with op.batch_alter_table("app_user") as table:
        table.drop_column("session_generation")
