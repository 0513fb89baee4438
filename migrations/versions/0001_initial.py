"""Initial schema: agencies, services and versions, drafts, cases, files, audit trail, staff.

Revision ID: 0001
Revises:
Create Date: 2025-11-28

Hand-written; it must match runtime/models.py (tests/runtime/test_db.py compares them) and run
on SQLite and PostgreSQL. case_events is append-only: triggers on both databases refuse UPDATE
and DELETE (and TRUNCATE on PostgreSQL), whatever code path tries it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN = 64
SHA256 = 64
APPEND_ONLY_MESSAGE = "case_events is append-only: its rows cannot be changed or deleted"


def _at(name: str, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _one_of(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    """Create every table of the runtime."""
    sqlite = op.get_bind().dialect.name == "sqlite"

    op.create_table(
        "agencies",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("global_roles", sa.JSON(), nullable=False),
        _at("created_at"),
        _at("disabled_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    # services <-> service_versions reference each other: SQLite accepts the forward reference
    # inline; PostgreSQL gets the key once service_versions exists.
    current_version_fk = (
        [
            sa.ForeignKeyConstraint(
                ["current_version_id"],
                ["service_versions.id"],
                name="fk_services_current_version_id_service_versions",
            )
        ]
        if sqlite
        else []
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_services"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_services_agency_id_agencies"
        ),
        sa.UniqueConstraint("agency_id", "slug", name="uq_services_agency_id_slug"),
        sa.CheckConstraint(
            _one_of("status", ("draft", "in_review", "changes_requested", "published", "retired")),
            name="ck_services_status",
        ),
        *current_version_fk,
    )
    op.create_table(
        "service_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(SHA256), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        _at("created_at"),
        _at("published_at", nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_service_versions"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name="fk_service_versions_service_id_services"
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name="fk_service_versions_published_by_users"
        ),
        sa.UniqueConstraint("service_id", "number", name="uq_service_versions_service_id_number"),
        sa.CheckConstraint(
            _one_of(
                "state", ("published", "draft", "in_review", "changes_requested", "superseded")
            ),
            name="ck_service_versions_state",
        ),
    )
    if not sqlite:
        op.create_foreign_key(
            "fk_services_current_version_id_service_versions",
            "services",
            "service_versions",
            ["current_version_id"],
            ["id"],
        )

    op.create_table(
        "submissions",
        sa.Column("id", sa.String(TOKEN), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(SHA256), nullable=False),
        sa.Column("service_version_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(64), nullable=False),
        _at("state_entered_at"),
        _at("due_at", nullable=True),
        sa.Column("sla_paused", sa.Boolean(), nullable=False),
        sa.Column("final_outcome", sa.String(32), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("filed_by_user_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.ForeignKeyConstraint(
            ["service_version_id"],
            ["service_versions.id"],
            name="fk_submissions_service_version_id_service_versions",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_submissions_agency_id_agencies"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name="fk_submissions_service_id_services"
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_user_id"], ["users.id"], name="fk_submissions_filed_by_user_id_users"
        ),
        sa.UniqueConstraint("reference", name="uq_submissions_reference"),
    )
    op.create_index(
        "ix_submissions_agency_inbox", "submissions", ["agency_id", "state", "due_at", "id"]
    )
    op.create_index(
        "ix_submissions_service_inbox", "submissions", ["service_id", "state", "due_at", "id"]
    )

    op.create_table(
        "form_drafts",
        sa.Column("id", sa.String(TOKEN), nullable=False),
        sa.Column("service_version_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        _at("expires_at"),
        sa.Column("submission_id", sa.String(TOKEN), nullable=True),
        sa.Column("editing_submission_id", sa.String(TOKEN), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_form_drafts"),
        sa.ForeignKeyConstraint(
            ["service_version_id"],
            ["service_versions.id"],
            name="fk_form_drafts_service_version_id_service_versions",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_form_drafts_submission_id_submissions"
        ),
        sa.ForeignKeyConstraint(
            ["editing_submission_id"],
            ["submissions.id"],
            name="fk_form_drafts_editing_submission_id_submissions",
        ),
        sa.UniqueConstraint("submission_id", name="uq_form_drafts_submission_id"),
    )
    op.create_index("ix_form_drafts_expires_at", "form_drafts", ["expires_at"])
    op.create_index(
        "ix_form_drafts_editing_submission_id", "form_drafts", ["editing_submission_id"]
    )

    op.create_table(
        "attachments",
        sa.Column("id", sa.String(TOKEN), nullable=False),
        sa.Column("submission_id", sa.String(TOKEN), nullable=True),
        sa.Column("draft_id", sa.String(TOKEN), nullable=True),
        sa.Column("field_key", sa.String(100), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(SHA256), nullable=False),
        sa.Column("storage_name", sa.String(TOKEN), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_attachments_submission_id_submissions"
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["form_drafts.id"],
            ondelete="SET NULL",
            name="fk_attachments_draft_id_form_drafts",
        ),
        sa.UniqueConstraint("storage_name", name="uq_attachments_storage_name"),
    )
    op.create_index("ix_attachments_submission_id", "attachments", ["submission_id"])
    op.create_index("ix_attachments_draft_id", "attachments", ["draft_id"])

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(TOKEN), nullable=False),
        _at("at"),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("from_state", sa.String(64), nullable=True),
        sa.Column("to_state", sa.String(64), nullable=True),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("comment_public", sa.Boolean(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_case_events_submission_id_submissions"
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name="fk_case_events_actor_user_id_users"
        ),
        sa.CheckConstraint(
            _one_of("actor_kind", ("applicant", "user", "system")), name="ck_case_events_actor_kind"
        ),
    )
    op.create_index("ix_case_events_submission_id_id", "case_events", ["submission_id", "id"])
    _forbid_case_event_changes(sqlite)

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], ondelete="CASCADE", name="fk_memberships_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            ondelete="CASCADE",
            name="fk_memberships_agency_id_agencies",
        ),
        sa.UniqueConstraint(
            "user_id", "agency_id", "role", name="uq_memberships_user_id_agency_id_role"
        ),
    )
    op.create_index("ix_memberships_agency_id", "memberships", ["agency_id"])

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(SHA256), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_secret", sa.String(TOKEN), nullable=False),
        _at("created_at"),
        _at("last_seen_at"),
        _at("expires_at"),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], ondelete="CASCADE", name="fk_web_sessions_user_id_users"
        ),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])

    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        _at("at"),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_address_at", "login_attempts", ["address", "at"])


def _forbid_case_event_changes(sqlite: bool) -> None:
    """Make the database itself refuse UPDATE and DELETE on case_events."""
    if sqlite:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER case_events_no_{operation.lower()} BEFORE {operation} "
                f"ON case_events BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION loket_case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE} (%)', TG_OP "
        "USING ERRCODE = 'integrity_constraint_violation'; END $$"
    )
    op.execute(
        "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
        "FOR EACH ROW EXECUTE FUNCTION loket_case_events_append_only()"
    )
    op.execute(
        "CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION loket_case_events_append_only()"
    )


def downgrade() -> None:
    """Drop every table of the runtime (and the audit trail's triggers)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("login_attempts", "web_sessions", "memberships"):
        op.drop_table(table)
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS case_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
        op.drop_table("case_events")
    else:
        op.drop_table("case_events")  # drops its triggers too
        op.execute("DROP FUNCTION IF EXISTS loket_case_events_append_only()")
    for table in ("attachments", "form_drafts", "submissions"):
        op.drop_table(table)
    if not sqlite:
        op.drop_constraint(
            "fk_services_current_version_id_service_versions", "services", type_="foreignkey"
        )
    for table in ("service_versions", "services", "users", "agencies"):
        op.drop_table(table)
