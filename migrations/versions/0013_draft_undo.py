"""The draft's definition before its last change (service_versions.previous_definition): undo.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add service_versions.previous_definition (empty: nothing to undo yet)."""
    with op.batch_alter_table("service_versions") as batch:
        batch.add_column(sa.Column("previous_definition", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop service_versions.previous_definition."""
    with op.batch_alter_table("service_versions") as batch:
        batch.drop_column("previous_definition")
