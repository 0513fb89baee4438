"""Escalations (submissions.escalated_at), users' e-mail and deadline digest preferences.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add submissions.escalated_at, users.email and create digest_preferences."""
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "digest_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "agency_id", name="pk_digest_preferences"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_digest_preferences_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name="fk_digest_preferences_agency_id_agencies",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop digest_preferences, users.email and submissions.escalated_at."""
    op.drop_table("digest_preferences")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("escalated_at")
