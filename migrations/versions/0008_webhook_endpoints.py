"""Webhook endpoints of agencies (signed deliveries through the outbox).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create webhook_endpoints."""
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("allowed_private_host", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_endpoints"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_webhook_endpoints_agency_id_agencies"
        ),
    )
    op.create_index("ix_webhook_endpoints_agency_id", "webhook_endpoints", ["agency_id"])


def downgrade() -> None:
    """Drop webhook_endpoints."""
    op.drop_index("ix_webhook_endpoints_agency_id", table_name="webhook_endpoints")
    op.drop_table("webhook_endpoints")
