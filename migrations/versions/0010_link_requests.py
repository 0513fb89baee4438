"""Links sent again by message: rate-limit rows (link_requests) and drafts' resume token hash.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create link_requests; add form_drafts.resume_hash (unique)."""
    op.create_table(
        "link_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_requests"),
    )
    op.create_index("ix_link_requests_scope_key_at", "link_requests", ["scope", "key", "at"])
    op.create_index("ix_link_requests_at", "link_requests", ["at"])
    with op.batch_alter_table("form_drafts") as batch:
        batch.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_form_drafts_resume_hash", ["resume_hash"])


def downgrade() -> None:
    """Drop form_drafts.resume_hash and link_requests."""
    with op.batch_alter_table("form_drafts") as batch:
        batch.drop_constraint("uq_form_drafts_resume_hash", type_="unique")
        batch.drop_column("resume_hash")
    op.drop_table("link_requests")
