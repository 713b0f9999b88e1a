"""Current values: the latest revision of each (region, indicator, period), kept on write
so that pages read one row per value instead of scanning the history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actual",
        sa.Column("region_code", sa.String(6), primary_key=True),
        sa.Column("indicator_id", sa.String(100), primary_key=True),
        sa.Column("period", sa.Integer, primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("revision_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                  nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
    )
    # Fill it from the history an existing store already holds.
    op.execute("""
        INSERT INTO actual (region_code, indicator_id, period, value, revision_id, is_demo)
        SELECT r.region_code, r.indicator_id, r.period, r.value, r.id, l.is_demo
        FROM revision r JOIN load l ON l.id = r.load_id
        WHERE r.id = (SELECT max(id) FROM revision latest
                      WHERE latest.region_code = r.region_code
                        AND latest.indicator_id = r.indicator_id
                        AND latest.period = r.period)
    """)


def downgrade() -> None:
    op.drop_table("actual")
