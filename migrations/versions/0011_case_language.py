"""The language a case was filed in (submissions.language), for the applicant's messages.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add submissions.language; cases filed before it get 'id' (their messages were so)."""
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="id")
        )


def downgrade() -> None:
    """Drop submissions.language."""
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("language")
