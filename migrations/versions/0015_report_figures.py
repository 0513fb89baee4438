"""Report figures of big services, worked out by the worker: report_figures.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create report_figures (one row per service with many cases)."""
    op.create_table(
        "report_figures",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("median_seconds", sa.Float(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("service_id", name="pk_report_figures"),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name="fk_report_figures_service_id_services",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop report_figures."""
    op.drop_table("report_figures")
