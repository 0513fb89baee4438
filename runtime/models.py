"""Database tables of the runtime (SQLModel on SQLAlchemy 2), shared by SQLite and PostgreSQL.

The tables live in their own registry and :data:`metadata`, with a naming convention so that
constraint names are the same on both databases (Alembic needs names to alter them later).
Timestamps are stored in UTC and always read back timezone-aware (:class:`UTCDateTime`).
The first Alembic migration (``migrations/versions/0001_initial.py``) creates exactly these
tables; a test compares the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    UniqueConstraint,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapper, registry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from runtime.references import new_token

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)

SERVICE_STATUSES = ("draft", "in_review", "changes_requested", "published", "retired")
VERSION_STATES = ("published", "draft", "in_review", "changes_requested", "superseded")
ACTOR_KINDS = ("applicant", "user", "system")
GLOBAL_ROLES = ("reviewer", "admin")

TOKEN_LENGTH = 64  # room for new_token(32); ids are new_token(16) = 22 characters
SHA256_LENGTH = 64


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and read back timezone-aware; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Convert to UTC (naive UTC for SQLite, which has no time zones)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime (UTC)")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Table(SQLModel, registry=registry(metadata=metadata)):
    """Base class of the runtime's tables (own registry and metadata)."""


# -- services and their published versions -------------------------------------------------


class Agency(Table, table=True):
    """An OPD (regional government agency), identified by its slug, e.g. ``disdukcapil``."""

    __tablename__ = "agencies"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    # what a letterhead and a signature block need (runtime/agencies.py checks the values)
    parent_government: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    website: str = Field(default="", max_length=300)
    signatory_position: str = Field(default="", max_length=200)
    signatory_name: str = Field(default="", max_length=200)
    signatory_nip: str = Field(default="", max_length=18)


class AgencyLogo(Table, table=True):
    """An agency's logo image (PNG or JPEG), kept apart so agencies load without it."""

    __tablename__ = "agency_logos"

    agency_id: str = Field(foreign_key="agencies.id", primary_key=True, max_length=64)
    content_type: str = Field(max_length=100)
    content: bytes
    sha256: str = Field(max_length=SHA256_LENGTH)


class DocumentCounter(Table, table=True):
    """The last document number taken per agency, document type and year (gap-free numbering)."""

    __tablename__ = "document_counters"

    agency_id: str = Field(foreign_key="agencies.id", primary_key=True, max_length=64)
    doc_type: str = Field(primary_key=True, max_length=64)
    year: int = Field(primary_key=True)
    last: int = Field(default=0)


class Service(Table, table=True):
    """A service of an agency; its live definition is the version ``current_version_id``."""

    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("agency_id", "slug"),
        CheckConstraint(_one_of("status", SERVICE_STATUSES), name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: str = Field(foreign_key="agencies.id", max_length=64)
    slug: str = Field(max_length=100)
    status: str = Field(default="draft", max_length=32)
    # services <-> service_versions is a cycle, so this key is created after both tables.
    current_version_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("service_versions.id", use_alter=True)]
    )
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServiceVersion(Table, table=True):
    """One numbered, content-hashed version of a service definition; frozen once published."""

    __tablename__ = "service_versions"
    __table_args__ = (
        UniqueConstraint("service_id", "number"),
        CheckConstraint(_one_of("state", VERSION_STATES), name="state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id")
    number: int
    definition: dict[str, Any] = Field(sa_type=JSON)
    sha256: str = Field(max_length=SHA256_LENGTH)
    format: str = Field(max_length=64)
    state: str = Field(default="draft", max_length=32)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_by: int | None = Field(default=None, foreign_key="users.id")
    row_version: int = Field(default=1)
    # the draft's definition before its last saved change: one level of undo
    previous_definition: dict[str, Any] | None = Field(
        default=None, sa_type=JSON(none_as_null=True)
    )


# -- citizens' drafts, cases, files and the audit trail -------------------------------------


class FormDraft(Table, table=True):
    """Answers in progress of an anonymous visitor, kept server-side until sent or expired.

    ``submission_id`` is set in the transaction that files the case; it is unique, so one
    draft can never become two cases (double click, reload, two tabs).
    """

    __tablename__ = "form_drafts"

    id: str = Field(default_factory=new_token, primary_key=True, max_length=TOKEN_LENGTH)
    service_version_id: int = Field(foreign_key="service_versions.id")
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    submission_id: str | None = Field(
        default=None, foreign_key="submissions.id", unique=True, max_length=TOKEN_LENGTH
    )
    editing_submission_id: str | None = Field(
        default=None, foreign_key="submissions.id", index=True, max_length=TOKEN_LENGTH
    )
    # sha256 of the draft's resume token, set when a resume link is first asked for
    resume_hash: str | None = Field(default=None, unique=True, max_length=SHA256_LENGTH)


class Submission(Table, table=True):
    """A case filed by a citizen. Its private status link carries a secret stored only hashed."""

    __tablename__ = "submissions"
    __table_args__ = (
        # officers' inboxes: keyset pagination in due-date order per agency or per service
        Index("ix_submissions_agency_inbox", "agency_id", "state", "due_at", "id"),
        Index("ix_submissions_service_inbox", "service_id", "state", "due_at", "id"),
    )

    id: str = Field(default_factory=new_token, primary_key=True, max_length=TOKEN_LENGTH)
    reference: str = Field(unique=True, max_length=32)
    secret_hash: str = Field(max_length=SHA256_LENGTH)
    service_version_id: int = Field(foreign_key="service_versions.id")
    agency_id: str = Field(foreign_key="agencies.id", max_length=64)
    service_id: int = Field(foreign_key="services.id")
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    state: str = Field(max_length=64)
    state_entered_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    sla_paused: bool = Field(default=False)
    # when the case was escalated (the state's "escalate"); it counts for the current stay in
    # the state only while escalated_at >= state_entered_at
    escalated_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    final_outcome: str | None = Field(default=None, max_length=32)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    row_version: int = Field(default=1)
    filed_by_user_id: int | None = Field(default=None, foreign_key="users.id")
    # the language the applicant filed in ('id' or 'en'): their messages are written in it
    language: str = Field(default="id", max_length=8)
    # the officer the case is assigned to (disposisi, runtime.casework.assignments) and since when
    assigned_to_user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    assigned_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Attachment(Table, table=True):
    """Metadata of an uploaded file; the bytes live in the data folder under ``storage_name``."""

    __tablename__ = "attachments"

    id: str = Field(default_factory=new_token, primary_key=True, max_length=TOKEN_LENGTH)
    submission_id: str | None = Field(
        default=None, foreign_key="submissions.id", index=True, max_length=TOKEN_LENGTH
    )
    draft_id: str | None = Field(
        default=None,
        foreign_key="form_drafts.id",
        ondelete="SET NULL",
        index=True,
        max_length=TOKEN_LENGTH,
    )
    field_key: str = Field(max_length=100)
    original_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=SHA256_LENGTH)
    storage_name: str = Field(default_factory=new_token, unique=True, max_length=TOKEN_LENGTH)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseEvent(Table, table=True):
    """One entry of a case's audit trail. Append-only: never updated, never deleted."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_submission_id_id", "submission_id", "id"),
        CheckConstraint(_one_of("actor_kind", ACTOR_KINDS), name="actor_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: str = Field(foreign_key="submissions.id", max_length=TOKEN_LENGTH)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_kind: str = Field(max_length=16)
    actor_user_id: int | None = Field(default=None, foreign_key="users.id")
    actor_role: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64)
    from_state: str | None = Field(default=None, max_length=64)
    to_state: str | None = Field(default=None, max_length=64)
    comment: str | None = None
    comment_public: bool = Field(default=False)
    details: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))


DOCUMENT_STATUSES = ("valid", "superseded", "revoked")


class IssuedDocument(Table, table=True):
    """A document (letter) issued for a case: numbered, rendered, signed, immutable.

    The signed PDF lives in the data folder under ``storage_name``; its sha256 is kept here. A
    correction issues a new document that supersedes this one; a revocation records who, when
    and why. Only ``status`` and the supersede/revoke columns ever change.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (
        UniqueConstraint("agency_id", "doc_type", "year", "seq"),
        CheckConstraint(_one_of("status", DOCUMENT_STATUSES), name="status"),
    )

    id: str = Field(default_factory=new_token, primary_key=True, max_length=TOKEN_LENGTH)
    submission_id: str = Field(foreign_key="submissions.id", index=True, max_length=TOKEN_LENGTH)
    event_id: int | None = Field(default=None, foreign_key="case_events.id")
    agency_id: str = Field(foreign_key="agencies.id", max_length=64)
    doc_type: str = Field(max_length=64)  # the document's id in the definition
    title: str = Field(max_length=300)
    number: str = Field(max_length=100)
    year: int
    seq: int
    issued_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    issued_by_user_id: int | None = Field(default=None, foreign_key="users.id")
    holder_name: str = Field(default="", max_length=200)  # shown partly masked when verified
    sha256: str = Field(index=True, max_length=SHA256_LENGTH)
    size: int
    storage_name: str = Field(unique=True, max_length=TOKEN_LENGTH + 8)
    verify_code: str = Field(unique=True, max_length=TOKEN_LENGTH)
    visible_to_applicant: bool = Field(default=True)
    status: str = Field(default="valid", max_length=16)
    superseded_by_id: str | None = Field(
        default=None, foreign_key="issued_documents.id", max_length=TOKEN_LENGTH
    )
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by_user_id: int | None = Field(default=None, foreign_key="users.id")
    revoked_reason: str | None = None


class ServiceEvent(Table, table=True):
    """The life of a service: draft saved, sent for review, changes requested (with comments on
    the items they concern), published, retired, and state mappings chosen at publication."""

    __tablename__ = "service_events"
    __table_args__ = (Index("ix_service_events_service_id_id", "service_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id")
    version_id: int | None = Field(default=None, foreign_key="service_versions.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_user_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=64)
    pointer: str | None = Field(default=None, max_length=500)
    comment: str | None = None
    details: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


@sa_event.listens_for(CaseEvent, "before_update")
def _refuse_update(mapper: Mapper[Any], connection: Any, target: CaseEvent) -> None:
    raise AppendOnlyError(f"case event {target.id} is part of the audit trail: it cannot change")


@sa_event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(mapper: Mapper[Any], connection: Any, target: CaseEvent) -> None:
    raise AppendOnlyError(f"case event {target.id} is part of the audit trail: it cannot go")


# -- back office: staff, roles, sessions ----------------------------------------------------


class User(Table, table=True):
    """A staff member (officer, reviewer, administrator); citizens have no account."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254)  # for the deadline digest
    is_active: bool = Field(default=True)
    global_roles: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    disabled_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Membership(Table, table=True):
    """A role (named by the service definitions, e.g. ``petugas``) of a user in one agency."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "agency_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    agency_id: str = Field(foreign_key="agencies.id", ondelete="CASCADE", index=True, max_length=64)
    role: str = Field(max_length=64)


class DigestPreference(Table, table=True):
    """A user's choice of a daily e-mail digest for one agency: cases due within `days`
    working days and overdue cases (runtime.oversight.digests)."""

    __tablename__ = "digest_preferences"

    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    agency_id: str = Field(
        foreign_key="agencies.id", ondelete="CASCADE", primary_key=True, max_length=64
    )
    days: int = Field(default=3)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebSession(Table, table=True):
    """A back-office login session; ``id`` is the sha256 of the cookie's random token."""

    __tablename__ = "web_sessions"

    id: str = Field(primary_key=True, max_length=SHA256_LENGTH)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    csrf_secret: str = Field(max_length=TOKEN_LENGTH)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)


class LinkRequest(Table, table=True):
    """One request for a link by message (a lost status link, a resume link), for rate limits.

    ``key`` is the sha256 of what is limited (a reference, a draft, a client address), never
    the value itself; requests refused by a limit are not kept (runtime.link_requests).
    """

    __tablename__ = "link_requests"
    __table_args__ = (
        Index("ix_link_requests_scope_key_at", "scope", "key", "at"),
        Index("ix_link_requests_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=32)
    key: str = Field(max_length=SHA256_LENGTH)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginAttempt(Table, table=True):
    """One login attempt whose password was checked, kept for throttling (runtime.login_attempts).

    ``known`` says whether the account existed; attempts refused by the throttle are not kept.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_address_at", "username", "address", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    address: str = Field(max_length=64)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ok: bool
    known: bool = False


TABLES = (
    Agency,
    Service,
    ServiceVersion,
    FormDraft,
    Submission,
    Attachment,
    CaseEvent,
    User,
    Membership,
    WebSession,
    LoginAttempt,
    ServiceEvent,
)


OUTBOX_STATUSES = ("pending", "sent", "failed", "skipped")


class OutboxMessage(Table, table=True):
    """A message to deliver, written in the same transaction as the change that caused it.

    Background workers deliver it (runtime.notify) at least once; the idempotency key travels
    with it so a receiver can drop a duplicate. ``status`` ends as sent, failed (after the last
    try; an administrator may send it again) or skipped (its channel is not configured).
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        CheckConstraint(_one_of("status", OUTBOX_STATUSES), name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    kind: str = Field(max_length=64)  # e.g. case.received, case.sent_back, webhook
    channel: str = Field(max_length=32)  # email, whatsapp, sms, webhook
    recipient: str = Field(max_length=2048)  # address, +62 number or URL
    subject: str = Field(default="", max_length=300)
    body: str = ""
    payload: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    idempotency_key: str = Field(unique=True, max_length=128)
    agency_id: str | None = Field(default=None, foreign_key="agencies.id", max_length=64)
    submission_id: str | None = Field(
        default=None, foreign_key="submissions.id", index=True, max_length=TOKEN_LENGTH
    )
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_by: str | None = Field(default=None, max_length=100)
    last_error: str | None = None
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class JobRun(Table, table=True):
    """One run of a periodic job (runtime.notify.jobs) in one period, e.g. ``prune`` on a day.

    The primary key is the lock: of the workers that try to insert (job, period), one succeeds
    and runs the job; the others see the row and leave it. ``finished_at`` stays empty while it
    runs (or when its worker died); ``error`` holds what went wrong.
    """

    __tablename__ = "job_runs"

    job: str = Field(primary_key=True, max_length=64)
    period: str = Field(primary_key=True, max_length=32)
    worker: str = Field(max_length=100)
    started_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    result: str | None = None
    error: str | None = None


class ReportFigures(Table, table=True):
    """The report figures of a service with many cases, worked out by the ``report_figures``
    job (runtime.reporting.report_figures) and read by every application server.

    ``counts`` holds cases per state; ``overdue`` is as of ``computed_at`` (None until the first
    run); ``seconds`` how long working them out took. ``requested_at`` is set when an officer
    asks for fresh figures: the job's next run (within a minute) works them out again.
    """

    __tablename__ = "report_figures"

    service_id: int = Field(foreign_key="services.id", ondelete="CASCADE", primary_key=True)
    counts: dict[str, int] = Field(default_factory=dict, sa_type=JSON)
    total: int = Field(default=0)
    overdue: int = Field(default=0)
    decided: int = Field(default=0)
    median_seconds: float | None = None
    computed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    seconds: float = Field(default=0.0)
    requested_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class AdminEvent(Table, table=True):
    """An administrator's action outside cases and services, kept as an append-only trail.

    ``action`` names it (e.g. ``outbox.send_again``), ``target`` what it acted on (e.g.
    ``outbox_messages/12``); ``details`` hold what the row looked like before, without personal
    data.
    """

    __tablename__ = "admin_events"
    __table_args__ = (Index("ix_admin_events_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_user_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=64)
    target: str = Field(max_length=200)
    details: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))


@sa_event.listens_for(AdminEvent, "before_update")
def _refuse_admin_event_update(mapper: Mapper[Any], connection: Any, target: AdminEvent) -> None:
    raise AppendOnlyError(f"admin event {target.id} is part of the audit trail: it cannot change")


@sa_event.listens_for(AdminEvent, "before_delete")
def _refuse_admin_event_delete(mapper: Mapper[Any], connection: Any, target: AdminEvent) -> None:
    raise AppendOnlyError(f"admin event {target.id} is part of the audit trail: it cannot go")


class WebhookEndpoint(Table, table=True):
    """An agency's webhook: Loket POSTs signed JSON about its cases to ``url`` on ``events``.

    ``secret`` signs every delivery (HMAC-SHA256, runtime.notify.channels.webhook). It is shown
    to the administrator once, when the endpoint is added, and is stored as it is: signing needs
    it at each delivery (a hash could not sign), so the database must be protected like the
    server's key. ``allowed_private_host`` lets deliveries reach a loopback, link-local or
    private address (an administrator's explicit choice for an internal dashboard).
    """

    __tablename__ = "webhook_endpoints"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: str = Field(foreign_key="agencies.id", index=True, max_length=64)
    url: str = Field(max_length=2048)
    events: list[str] = Field(default_factory=list, sa_type=JSON)
    secret: str = Field(max_length=128, repr=False)
    active: bool = True
    allowed_private_host: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# -- files kept in the database (LOKET_STORAGE=database, runtime.storage.database) -----------


class StoredFile(Table, table=True):
    """A file of the database store: its key (``attachments/ab/ab….pdf``), size and chunk
    count. Written with its chunks in one transaction; never changed, only deleted."""

    __tablename__ = "stored_files"

    key: str = Field(primary_key=True, max_length=255)
    size: int = Field(sa_type=BigInteger)
    chunks: int
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FileChunk(Table, table=True):
    """One piece (at most 256 KiB) of a stored file's bytes, in order of ``seq``."""

    __tablename__ = "file_chunks"

    key: str = Field(
        foreign_key="stored_files.key", ondelete="CASCADE", primary_key=True, max_length=255
    )
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    data: bytes = Field(sa_type=LargeBinary)
