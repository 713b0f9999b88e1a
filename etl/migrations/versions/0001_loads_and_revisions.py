"""Loads and revisions: every value ever stored, who stored it, when and from where.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "load",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(100), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("source_sha256", sa.String(64)),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.Column("revision_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "revision",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
                  autoincrement=True),
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
        sa.Column("previous_revision_id", sa.BigInteger().with_variant(sa.Integer, "sqlite")),
    )
    op.create_index("ix_revision_key", "revision", ["region_code", "indicator_id", "period", "id"])
    op.create_index("ix_revision_load", "revision", ["load_id"])


def downgrade() -> None:
    op.drop_table("revision")
    op.drop_table("load")
