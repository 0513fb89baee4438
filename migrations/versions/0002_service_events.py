"""Service events: the review and publication history of service definitions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create service_events."""
    op.create_table(
        "service_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("pointer", sa.String(length=500), nullable=True),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("details", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_service_events"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name="fk_service_events_service_id_services"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["service_versions.id"],
            name="fk_service_events_version_id_service_versions",
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name="fk_service_events_actor_user_id_users"
        ),
    )
    op.create_index("ix_service_events_service_id_id", "service_events", ["service_id", "id"])


def downgrade() -> None:
    """Drop service_events."""
    op.drop_index("ix_service_events_service_id_id", table_name="service_events")
    op.drop_table("service_events")
