"""An index on the current values by indicator, region and period: the export reads them in
that order, one group of whole indicators at a time, and without it the database sorts every
current value before giving the first (SQLite: a temporary B-tree of millions of rows).

The name and columns are agreed with the other users of this index: a second branch adding
the same migration must match it exactly (revision id, index name, columns).

Revision ID: 0004_actual_indicator_index
Revises: 0003
Create Date: 2026-11-28
"""

from alembic import op

revision = "0004_actual_indicator_index"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_actual_indicator_region_period", "actual",
                    ["indicator_id", "region_code", "period"])


def downgrade() -> None:
    op.drop_index("ix_actual_indicator_region_period", table_name="actual")
