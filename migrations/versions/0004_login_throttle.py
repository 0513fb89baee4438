"""Login throttling per (account, address): whether the account existed, and matching indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add login_attempts.known; index by (username, address, at) and by at (for pruning)."""
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(
            sa.Column("known", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.drop_index("ix_login_attempts_username_at", table_name="login_attempts")
    op.create_index(
        "ix_login_attempts_username_address_at", "login_attempts", ["username", "address", "at"]
    )
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])


def downgrade() -> None:
    """Back to 0002's login_attempts."""
    op.drop_index("ix_login_attempts_at", table_name="login_attempts")
    op.drop_index("ix_login_attempts_username_address_at", table_name="login_attempts")
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("known")
