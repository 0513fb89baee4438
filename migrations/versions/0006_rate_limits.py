"""Rate limits per client address and minute (public document verification).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create rate_limit_windows."""
    op.create_table(
        "rate_limit_windows",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("window", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "address", "window", name="pk_rate_limit_windows"),
    )
    op.create_index("ix_rate_limit_windows_window", "rate_limit_windows", ["window"])


def downgrade() -> None:
    """Drop rate_limit_windows."""
    op.drop_table("rate_limit_windows")
