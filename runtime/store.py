"""The case store: published versions, drafts, submissions and their audit events.

Plain functions on a Session. They flush but never commit: the caller owns the transaction
(``runtime.db.session_scope``), so a state change and its audit event commit together, and a
reference number is shown only after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, or_, update
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from builder.texts import DEFAULT_LANGUAGE, LANGUAGES
from runtime.models import (
    ACTOR_KINDS,
    Agency,
    Attachment,
    CaseEvent,
    FormDraft,
    Service,
    ServiceVersion,
    Submission,
    utcnow,
)
from runtime.references import (
    hash_secret,
    new_reference,
    new_token,
    normalise_reference,
    secrets_equal,
    status_secret,
)

# Compared against when a reference is unknown, so both failures cost the same work.
_NO_SECRET_HASH = hash_secret("no such case")
_REFERENCE_ATTEMPTS = 8
SUBMIT_ACTION = "submit"  # the action of the event that records the filing of a case
FILED_CASES = "loket_filed_cases"
"""`Session.info` key: the agencies of the cases filed in the session's transaction (Core
inserts, which no ORM flush event sees), for the counters that follow commits."""

# Built once: the rows of a case just filed (every column given, so no defaults are needed).
_CASE_INSERT = insert(Submission.__table__)  # type: ignore[attr-defined]
_DRAFT_INSERT = insert(FormDraft.__table__)  # type: ignore[attr-defined]
_EVENT_INSERT = insert(CaseEvent.__table__).returning(  # type: ignore[attr-defined]
    CaseEvent.__table__.c.id  # type: ignore[attr-defined]
)


class StoreError(Exception):
    """A store operation cannot be done as asked."""


class DraftNotFound(StoreError, LookupError):
    """No draft with this id, or it has expired."""


class DraftAlreadySubmitted(StoreError):
    """The draft was already sent; it can no longer change."""


# -- published versions --------------------------------------------------------------------


def publish_version(
    session: Session,
    *,
    definition: Mapping[str, Any],
    sha256: str,
    agency_name: str | None = None,
    published_by: int | None = None,
    now: dt.datetime | None = None,
) -> ServiceVersion:
    """Publish a definition as the next version of its service (no-op if already current)."""
    now = now or utcnow()
    agency_id, slug, fmt = _identity(definition)
    agency = session.get(Agency, agency_id)
    if agency is None:
        agency = Agency(id=agency_id, name=agency_name or agency_id)
        session.add(agency)
    elif agency_name and agency.name != agency_name:
        agency.name = agency_name
    service = session.exec(
        select(Service).where(Service.agency_id == agency_id, Service.slug == slug)
    ).first()
    if service is None:
        service = Service(
            agency_id=agency_id, slug=slug, status="published", created_at=now, updated_at=now
        )
        session.add(service)
        session.flush()
    current = get_version(session, service.current_version_id)
    if current is not None and current.sha256 == sha256:
        return current
    last = session.exec(
        select(func.max(ServiceVersion.number)).where(ServiceVersion.service_id == service.id)
    ).one()
    assert service.id is not None
    version = ServiceVersion(
        service_id=service.id,
        number=(last or 0) + 1,
        definition=dict(definition),
        sha256=sha256,
        format=fmt,
        state="published",
        created_at=now,
        published_at=now,
        published_by=published_by,
    )
    session.add(version)
    if current is not None:
        current.state = "superseded"
    session.flush()
    service.current_version_id = version.id
    service.status = "published"
    service.updated_at = now
    session.flush()
    return version


def _identity(definition: Mapping[str, Any]) -> tuple[str, str, str]:
    values = []
    for key in ("agency", "id", "format"):
        value = definition.get(key)
        if not isinstance(value, str) or not value:
            raise StoreError(f"the definition has no {key!r}: validate it with `loket validate`")
        values.append(value)
    return values[0], values[1], values[2]


def current_version(session: Session, agency_id: str, slug: str) -> ServiceVersion | None:
    """The live version of a service, or None if unknown, unpublished or retired."""
    return session.exec(
        select(ServiceVersion)
        .join(Service, col(Service.current_version_id) == col(ServiceVersion.id))
        .where(Service.agency_id == agency_id, Service.slug == slug, Service.status != "retired")
    ).first()


def get_version(session: Session, version_id: int | None) -> ServiceVersion | None:
    """A service version by id (any state), or None."""
    return None if version_id is None else session.get(ServiceVersion, version_id)


# -- drafts --------------------------------------------------------------------------------


def create_draft(
    session: Session,
    *,
    service_version_id: int,
    ttl: dt.timedelta,
    answers: Mapping[str, Any] | None = None,
    editing_submission_id: str | None = None,
    now: dt.datetime | None = None,
) -> FormDraft:
    """Start a draft for a visitor; its unguessable id is what the visitor's cookie holds."""
    now = now or utcnow()
    draft = FormDraft(
        id=new_token(),
        service_version_id=service_version_id,
        answers=dict(answers or {}),
        created_at=now,
        updated_at=now,
        expires_at=now + ttl,
        editing_submission_id=editing_submission_id,
    )
    session.add(draft)
    session.flush()
    return draft


def get_draft(
    session: Session, draft_id: str, *, now: dt.datetime | None = None
) -> FormDraft | None:
    """A draft that has not expired (it may already be submitted), or None."""
    draft = session.get(FormDraft, draft_id, populate_existing=True)
    if draft is None or draft.expires_at <= (now or utcnow()):
        return None
    return draft


def save_draft_answers(
    session: Session,
    *,
    draft_id: str,
    answers: Mapping[str, Any],
    ttl: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> FormDraft:
    """Replace a draft's answers (and extend its life by ``ttl`` if given)."""
    now = now or utcnow()
    values: dict[str, Any] = {"answers": dict(answers), "updated_at": now}
    if ttl is not None:
        values["expires_at"] = now + ttl
    changed = session.exec(
        update(FormDraft)
        .where(
            col(FormDraft.id) == draft_id,
            col(FormDraft.submission_id).is_(None),
            col(FormDraft.expires_at) > now,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    draft = session.get(FormDraft, draft_id, populate_existing=True)
    if changed != 1 or draft is None:
        if draft is not None and draft.submission_id is not None:
            raise DraftAlreadySubmitted(f"draft {draft_id} was already submitted")
        raise DraftNotFound(f"no draft {draft_id} (or it has expired)")
    return draft


@dataclass(frozen=True)
class PrunedDrafts:
    """What `prune_expired_drafts` removed: drafts, their files' rows, and the files to delete."""

    drafts: int
    attachments: int
    storage_names: list[str]


def prune_expired_drafts(session: Session, now: dt.datetime) -> PrunedDrafts:
    """Delete the drafts that expired unsent (by `now`), with the files uploaded to them.

    A draft that was filed stays: it is the record that lets a retried API submission with the
    same Idempotency-Key find its case, and its files belong to the case. Correction drafts that
    were never sent go like any other. The files' rows go in this transaction; the caller
    deletes the files themselves (`storage_names`) once it has committed.
    """
    expired = select(FormDraft.id).where(
        col(FormDraft.expires_at) <= now, col(FormDraft.submission_id).is_(None)
    )
    of_expired = (col(Attachment.draft_id).in_(expired), col(Attachment.submission_id).is_(None))
    files = list(session.exec(select(Attachment.storage_name).where(*of_expired)).all())
    if files:
        session.exec(
            delete(Attachment).where(*of_expired).execution_options(synchronize_session=False)
        )
    removed = session.exec(
        delete(FormDraft)
        .where(col(FormDraft.expires_at) <= now, col(FormDraft.submission_id).is_(None))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.flush()
    return PrunedDrafts(removed, len(files), files)


# -- submissions ---------------------------------------------------------------------------


def submit_draft(
    session: Session,
    *,
    draft_id: str,
    answers: Mapping[str, Any],
    initial_state: str,
    due_at: dt.datetime | None,
    filed_by_user_id: int | None = None,
    secret_key: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    now: dt.datetime | None = None,
    attach: bool = True,
) -> tuple[Submission, str | None]:
    """File a draft as a case, once: return (case, status secret), or (case, None) if repeated.
    A new case is in the session unless ``attach=False`` (see `file_case_event`).

    The first statement claims the draft with a conditional UPDATE. A concurrent caller blocks
    on it (the row lock on PostgreSQL, the write lock on SQLite) and then matches no row, so
    it returns the case the first caller filed instead of filing a second one.
    """
    now = now or utcnow()
    claimed = session.exec(
        update(FormDraft)
        .where(
            col(FormDraft.id) == draft_id,
            col(FormDraft.submission_id).is_(None),
            col(FormDraft.expires_at) > now,
            col(FormDraft.editing_submission_id).is_(None),
        )
        .values(answers=dict(answers), updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    draft = session.get(FormDraft, draft_id, populate_existing=True)
    if draft is None:
        raise DraftNotFound(f"no draft {draft_id}")
    if claimed != 1:
        if draft.submission_id is not None:
            existing = session.get(Submission, draft.submission_id)
            assert existing is not None
            return existing, None
        if draft.editing_submission_id is not None:
            raise StoreError(f"draft {draft_id} corrects a case; it is not filed as a new one")
        raise DraftNotFound(f"draft {draft_id} has expired")
    version = session.get(ServiceVersion, draft.service_version_id)
    service = session.get(Service, version.service_id) if version else None
    if version is None or service is None or version.id is None or service.id is None:
        raise StoreError(f"draft {draft_id} refers to a missing service version")
    submission, secret = file_case(
        session,
        service_version_id=version.id,
        service_id=service.id,
        agency_id=service.agency_id,
        answers=answers,
        initial_state=initial_state,
        due_at=due_at,
        filed_by_user_id=filed_by_user_id,
        secret_key=secret_key,
        language=language,
        now=now,
        attach=attach,
    )
    draft.submission_id = submission.id
    session.exec(
        update(Attachment)
        .where(col(Attachment.draft_id) == draft_id, col(Attachment.submission_id).is_(None))
        .values(submission_id=submission.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return submission, secret


def file_case(
    session: Session,
    *,
    service_version_id: int,
    service_id: int,
    agency_id: str,
    answers: Mapping[str, Any],
    initial_state: str,
    due_at: dt.datetime | None,
    filed_by_user_id: int | None = None,
    check_reference: bool = True,
    secret_key: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    now: dt.datetime | None = None,
    attach: bool = True,
) -> tuple[Submission, str]:
    """File a case and its first audit event; return the case and its status secret
    (see `file_case_event`)."""
    submission, secret, _ = file_case_event(
        session,
        service_version_id=service_version_id,
        service_id=service_id,
        agency_id=agency_id,
        answers=answers,
        initial_state=initial_state,
        due_at=due_at,
        filed_by_user_id=filed_by_user_id,
        check_reference=check_reference,
        secret_key=secret_key,
        now=now,
        language=language,
        attach=attach,
    )
    return submission, secret


def file_case_event(
    session: Session,
    *,
    service_version_id: int,
    service_id: int,
    agency_id: str,
    answers: Mapping[str, Any],
    initial_state: str,
    due_at: dt.datetime | None,
    filed_by_user_id: int | None = None,
    check_reference: bool = True,
    secret_key: str | None = None,
    now: dt.datetime | None = None,
    language: str = DEFAULT_LANGUAGE,
    attach: bool = True,
) -> tuple[Submission, str, int]:
    """File a case and its first audit event; return the case, its status secret and the
    event's id.

    The JSON API calls it directly (no draft); web forms go through `submit_draft`, which also
    makes a repeated submit of the same draft file one case. The caller commits. With
    `check_reference=False` the reference is not looked up first: the unique index refuses the
    (about one in 10^13) clash and the caller retries. With `secret_key` (the server's key) the
    status secret is derived from it and the case's id (`references.status_secret`), so
    messages about the case can carry the status link later; without it, it is random.
    `language` ('id' or 'en') is the one the applicant filed in: their messages use it.

    The two rows are written with prebuilt Core INSERTs on the session's connection (the
    event's id comes back with RETURNING), not with ORM objects and a flush: building the
    table rows and the flush cost more than the database's work for them. The case returned is
    a `Submission` in the session (`attach`, what callers that go on changing it need: no
    query is made for it) or, with ``attach=False``, a detached copy to read only (cheaper; the
    routes that file a case and answer need no more).
    """
    now = now or utcnow()
    case_id = new_token()
    secret = status_secret(secret_key, case_id) if secret_key else new_token()
    values: dict[str, Any] = {
        "id": case_id,
        "reference": _unused_reference(session) if check_reference else new_reference(),
        "secret_hash": hash_secret(secret),
        "service_version_id": service_version_id,
        "agency_id": agency_id,
        "service_id": service_id,
        "answers": dict(answers),
        "state": initial_state,
        "state_entered_at": now,
        "due_at": due_at,
        "sla_paused": False,
        "escalated_at": None,
        "final_outcome": None,
        "created_at": now,
        "updated_at": now,
        "row_version": 1,
        "filed_by_user_id": filed_by_user_id,
        "language": language if language in LANGUAGES else DEFAULT_LANGUAGE,
        "assigned_to_user_id": None,
        "assigned_at": None,
    }
    session.flush()  # the rows the case refers to first (a Core statement does not autoflush)
    connection = session.connection()  # in the session's transaction
    connection.execute(_CASE_INSERT, values)
    event_id: int = connection.execute(
        _EVENT_INSERT,
        {
            "submission_id": case_id,
            "at": now,
            "actor_kind": "user" if filed_by_user_id is not None else "applicant",
            "actor_user_id": filed_by_user_id,
            "actor_role": None,
            "action": SUBMIT_ACTION,
            "from_state": None,
            "to_state": initial_state,
            "comment": None,
            "comment_public": False,
            "details": None,
        },
    ).scalar_one()
    session.info.setdefault(FILED_CASES, []).append(agency_id)
    if attach:
        submission = Submission(**values)
        make_transient_to_detached(submission)  # the row exists: persistent once added
        session.add(submission)
    else:
        submission = Submission.model_construct(**values)
    return submission, secret, event_id


def record_filed_draft(
    session: Session, *, draft_id: str, case: Submission, expires_at: dt.datetime
) -> None:
    """Write a draft already filed as `case` (one Core INSERT, in the caller's transaction).

    The JSON API keeps one for a submission with an Idempotency-Key: the draft's id is derived
    from the key, so a retry finds the case through it, and a concurrent attempt with the same
    key is refused by the primary key (the caller then answers with the first one's case).
    """
    session.connection().execute(
        _DRAFT_INSERT,
        {
            "id": draft_id,
            "service_version_id": case.service_version_id,
            "answers": dict(case.answers),
            "created_at": case.created_at,
            "updated_at": case.created_at,
            "expires_at": expires_at,
            "submission_id": case.id,
            "editing_submission_id": None,
            "resume_hash": None,
        },
    )


def _unused_reference(session: Session) -> str:
    # 44 random bits make a clash very rare; it is still checked, and the unique constraint
    # on submissions.reference stays the final guard.
    for _ in range(_REFERENCE_ATTEMPTS):
        reference = new_reference()
        taken = session.exec(select(Submission.id).where(Submission.reference == reference)).first()
        if taken is None:
            return reference
    raise StoreError("could not find an unused case reference")


def find_submission(session: Session, reference: str, secret: str) -> Submission | None:
    """The case with this reference and status secret; None if either is wrong (no hint which)."""
    canonical = normalise_reference(reference)
    submission = None
    if canonical is not None:
        submission = session.exec(
            select(Submission).where(Submission.reference == canonical)
        ).first()
    stored = submission.secret_hash if submission is not None else _NO_SECRET_HASH
    if secrets_equal(hash_secret(secret), stored) and submission is not None:
        return submission
    return None


def add_event(
    session: Session,
    *,
    submission_id: str,
    action: str,
    actor_kind: str,
    actor_user_id: int | None = None,
    actor_role: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    comment_public: bool = False,
    details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Append one event to a case's audit trail (in the caller's transaction)."""
    if actor_kind not in ACTOR_KINDS:
        raise StoreError(f"actor_kind must be one of {', '.join(ACTOR_KINDS)}, got {actor_kind!r}")
    if actor_kind == "user" and actor_user_id is None:
        raise StoreError("an event by a user needs actor_user_id")
    event = CaseEvent(
        submission_id=submission_id,
        at=at or utcnow(),
        actor_kind=actor_kind,
        actor_user_id=actor_user_id,
        actor_role=actor_role,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        comment_public=comment_public,
        details=dict(details) if details is not None else None,
    )
    session.add(event)
    session.flush()
    return event


def list_events(session: Session, submission_id: str) -> list[CaseEvent]:
    """A case's audit trail, oldest first."""
    return list(
        session.exec(
            select(CaseEvent)
            .where(CaseEvent.submission_id == submission_id)
            .order_by(col(CaseEvent.id))
        ).all()
    )


def list_public_events(session: Session, submission_id: str) -> list[CaseEvent]:
    """The events the applicant may see, oldest first: the filing and every change of state.

    An allow-list, not a deny-list: the audit trail also holds internal records (a NIK shown, a
    file downloaded, sensitive answers revealed ...) and any kind added later stays internal
    unless it moves the case to a state.
    """
    return list(
        session.exec(
            select(CaseEvent)
            .where(
                CaseEvent.submission_id == submission_id,
                or_(col(CaseEvent.action) == SUBMIT_ACTION, col(CaseEvent.to_state).is_not(None)),
            )
            .order_by(col(CaseEvent.id))
        ).all()
    )
