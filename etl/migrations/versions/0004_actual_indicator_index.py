"""An index on the current values by indicator, region and period. The export reads them in
that order, one group of whole indicators at a time (without it the database sorts every
current value before giving the first: on SQLite a temporary B-tree of millions of rows), and
the indicator page and one indicator's extract read actual by indicator_id, which the primary
key (region first) cannot serve: without the index, one indicator's values are found by
scanning every current value.

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
