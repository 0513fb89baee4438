"""Agencies: letterhead and signatory data, the logo table, and document number counters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "parent_government": 200,
    "city": 100,
    "address": 500,
    "phone": 30,
    "email": 254,
    "website": 300,
    "signatory_position": 200,
    "signatory_name": 200,
    "signatory_nip": 18,
}


def upgrade() -> None:
    """Add the letterhead columns (empty for existing agencies), agency_logos, counters."""
    with op.batch_alter_table("agencies") as batch:
        for name, length in COLUMNS.items():
            batch.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
    op.create_table(
        "agency_logos",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", name="pk_agency_logos"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_agency_logos_agency_id_agencies"
        ),
    )
    op.create_table(
        "document_counters",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "doc_type", "year", name="pk_document_counters"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_document_counters_agency_id_agencies"
        ),
    )


def downgrade() -> None:
    """Drop document_counters, agency_logos and the letterhead columns."""
    op.drop_table("document_counters")
    op.drop_table("agency_logos")
    with op.batch_alter_table("agencies") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
