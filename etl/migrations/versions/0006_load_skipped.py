"""How many columns and rows of a loaded file were skipped (unknown indicators and regions,
`--skip-unknown`): 0 for every load before, and for a load that skipped nothing.

Revision ID: 0006_load_skipped
Revises: 0005_session_generation
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_load_skipped"
down_revision = "0005_session_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("load", sa.Column("skipped", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    # batch: SQLite drops a column by copying the table.
    with op.batch_alter_table("load") as table:
        table.drop_column("skipped")
