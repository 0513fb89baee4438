"""Issued documents: numbered, signed letters of a case, with their verification codes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create issued_documents."""
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=72), nullable=False),
        sa.Column("verify_code", sa.String(length=64), nullable=False),
        sa.Column("visible_to_applicant", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("superseded_by_id", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_reason", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_issued_documents"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_issued_documents_submission_id_submissions",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["case_events.id"], name="fk_issued_documents_event_id_case_events"
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_issued_documents_agency_id_agencies"
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"], ["users.id"], name="fk_issued_documents_issued_by_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_user_id"],
            ["users.id"],
            name="fk_issued_documents_revoked_by_user_id_users",
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["issued_documents.id"],
            name="fk_issued_documents_superseded_by_id_issued_documents",
        ),
        sa.UniqueConstraint(
            "agency_id",
            "doc_type",
            "year",
            "seq",
            name="uq_issued_documents_agency_id_doc_type_year_seq",
        ),
        sa.UniqueConstraint("storage_name", name="uq_issued_documents_storage_name"),
        sa.UniqueConstraint("verify_code", name="uq_issued_documents_verify_code"),
        sa.CheckConstraint(
            "status IN ('valid', 'superseded', 'revoked')", name="ck_issued_documents_status"
        ),
    )
    op.create_index("ix_issued_documents_submission_id", "issued_documents", ["submission_id"])
    op.create_index("ix_issued_documents_sha256", "issued_documents", ["sha256"])


def downgrade() -> None:
    """Drop issued_documents."""
    op.drop_table("issued_documents")
