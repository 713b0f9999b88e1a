"""API tokens: machines read /api/v1 with a bearer token, stored as its SHA-256 only.

Revision ID: 0008_api_token
Revises: 0007_review
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_api_token"
down_revision = "0007_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
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


def downgrade() -> None:
    op.drop_table("api_token")
