"""The officer a case is assigned to (disposisi): submissions.assigned_to_user_id and since when.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add submissions.assigned_to_user_id (indexed, a user) and submissions.assigned_at."""
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("assigned_to_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_submissions_assigned_to_user_id_users", "users", ["assigned_to_user_id"], ["id"]
        )
        batch.create_index("ix_submissions_assigned_to_user_id", ["assigned_to_user_id"])


def downgrade() -> None:
    """Drop the assignment columns."""
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index("ix_submissions_assigned_to_user_id")
        batch.drop_constraint("fk_submissions_assigned_to_user_id_users", type_="foreignkey")
        batch.drop_column("assigned_at")
        batch.drop_column("assigned_to_user_id")
