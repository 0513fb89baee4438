"""Files kept in the database (LOKET_STORAGE=database): stored_files and their file_chunks.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create stored_files and file_chunks."""
    op.create_table(
        "stored_files",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_stored_files"),
    )
    op.create_table(
        "file_chunks",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key"],
            ["stored_files.key"],
            name="fk_file_chunks_key_stored_files",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "seq", name="pk_file_chunks"),
    )


def downgrade() -> None:
    """Drop file_chunks and stored_files."""
    op.drop_table("file_chunks")
    op.drop_table("stored_files")
