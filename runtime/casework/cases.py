"""Working a case: who may open it, applying a workflow action exactly once, and audit records.

Plain functions on a Session. A transition is stored with a conditional UPDATE on the case's
row version, in the same transaction as its audit event: when two officers act at once, the
second UPDATE matches no row (PostgreSQL re-checks the condition after the first commits; SQLite
serialises writers) and nothing of the second attempt is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from builder.answers import AnswerError
from builder.compiler import CompiledService
from runtime import catalog, db, store
from runtime.auth import StaffUser
from runtime.casework import assignments, corrections, deadlines
from runtime.casework.workflow import APPLICANT, Actor, CaseSnapshot, apply
from runtime.documents.issue import Issuer, IssuingRefused, issued_documents
from runtime.documents.issued import REVOKE_ACTION
from runtime.documents.verify import verification_url
from runtime.models import Attachment, CaseEvent, IssuedDocument, Submission, utcnow
from runtime.notify import case_messages, webhooks
from runtime.workdays import Calendar

APPROVAL = "approval"  # an event's details key: one role's part of a joint approval
VIEW_NIK = "view_nik"
VIEW_SENSITIVE = "view_sensitive"  # an answer of a field marked `sensitive` shown on the case page
EXPORT_SENSITIVE = "export_sensitive"  # the case's sensitive answers went into an export
DOWNLOAD = "download_attachment"
DOWNLOAD_DOCUMENT = "download_document"  # an issued document downloaded by staff
REVOKE_DOCUMENT = REVOKE_ACTION  # an issued document revoked (the row keeps who and why)
# recorded, but they are not decisions
ACCESS_ACTIONS = frozenset(
    {VIEW_NIK, VIEW_SENSITIVE, EXPORT_SENSITIVE, DOWNLOAD, DOWNLOAD_DOCUMENT, REVOKE_DOCUMENT}
)


class CaseNotFound(LookupError):
    """No such case, or one the user may not know about (another agency)."""


class CaseForbidden(Exception):
    """The case is in one of the user's agencies, but none of their roles works on it."""


class FieldsRefused(Exception):
    """The officer's fields of a transition do not pass their checks; nothing was written."""

    def __init__(self, errors: list[AnswerError], values: Mapping[str, Any]) -> None:
        super().__init__(f"{len(errors)} officer field(s) refused")
        self.errors = errors
        self.values = dict(values)


class AlreadyProcessed(Exception):
    """This case was already processed: its row version moved on since the form was shown."""

    def __init__(self, current_state: str, row_version: int) -> None:
        super().__init__(f"this case was already processed (now in state {current_state!r})")
        self.current_state = current_state
        self.row_version = row_version


@dataclass(frozen=True)
class OpenedCase:
    """A case with the definition version it was filed under."""

    case: Submission
    version: catalog.PublishedVersion
    compiled: CompiledService

    @property
    def definition(self) -> Mapping[str, Any]:
        """The frozen definition the case follows."""
        return self.version.definition


def definition_roles(definition: Mapping[str, Any]) -> frozenset[str]:
    """Staff roles a definition knows: its declared roles and those named by transitions."""
    roles = set(definition.get("roles") or {})
    for transition in definition.get("workflow", {}).get("transitions", []):
        roles.update(str(r) for r in transition.get("roles", []) if r != APPLICANT)
    return frozenset(roles)


def may_open(roles: frozenset[str], definition: Mapping[str, Any]) -> bool:
    """Whether a user with `roles` in the case's agency may open cases of this definition.

    The one rule of the back office: the case page, its NIK and sensitive answers, its files
    and the exports of a service all ask it.
    """
    return bool(roles & definition_roles(definition))


def open_case(session: Session, *, case_id: str, user: StaffUser) -> OpenedCase:
    """The case if `user` may work on it; CaseNotFound (other agency) or CaseForbidden (no role)."""
    case = session.get(Submission, case_id, populate_existing=True) if len(case_id) <= 64 else None
    if case is None or not user.roles_in(case.agency_id):
        raise CaseNotFound(case_id)
    found = catalog.compiled_version(session, case.service_version_id)
    if found is None:
        raise CaseNotFound(case_id)
    version, compiled = found
    if not may_open(user.roles_in(case.agency_id), version.definition):
        raise CaseForbidden(case_id)
    return OpenedCase(case, version, compiled)


def last_decided_by(session: Session, case_id: str) -> int | None:
    """The staff user of the latest state change, if a user made it (separation of duties)."""
    event = session.exec(
        select(CaseEvent)
        .where(
            CaseEvent.submission_id == case_id,
            col(CaseEvent.to_state).is_not(None),
            col(CaseEvent.action).not_in(ACCESS_ACTIONS),
        )
        .order_by(col(CaseEvent.id).desc())
        .limit(1)
    ).first()
    return event.actor_user_id if event is not None and event.actor_kind == "user" else None


def approvals_given(
    session: Session, case: Submission
) -> dict[int, tuple[tuple[str, int | None], ...]]:
    """The joint approvals given in the case's current stay in its state, by transition index:
    (role, user id) of each, oldest first (their events have no ``to_state``)."""
    events = session.exec(
        select(CaseEvent)
        .where(
            col(CaseEvent.submission_id) == case.id,
            col(CaseEvent.to_state).is_(None),
            col(CaseEvent.at) >= case.state_entered_at,
            col(CaseEvent.from_state) == case.state,
        )
        .order_by(col(CaseEvent.id))
    ).all()
    found: dict[int, list[tuple[str, int | None]]] = {}
    for event in events:
        approval = event.details.get(APPROVAL) if isinstance(event.details, Mapping) else None
        if isinstance(approval, Mapping) and isinstance(approval.get("transition"), int):
            found.setdefault(approval["transition"], []).append(
                (str(approval.get("role")), event.actor_user_id)
            )
    return {index: tuple(given) for index, given in found.items()}


def snapshot(session: Session, case: Submission) -> CaseSnapshot:
    """What the workflow engine needs to know about a stored case."""
    return CaseSnapshot(
        state=case.state,
        answers=case.answers,
        filed_by_user_id=case.filed_by_user_id,
        last_decided_by=last_decided_by(session, case.id),
        approvals=approvals_given(session, case),
    )


def clock(
    definition: Mapping[str, Any], state: str, now: dt.datetime, calendar: Calendar
) -> tuple[dt.datetime | None, bool]:
    """(due_at, sla_paused) on entering `state`: paused while the applicant edits, none if final."""
    info = definition.get("workflow", {}).get("states", {}).get(state, {})
    if info.get("final"):
        return None, False
    if info.get("applicant_edits"):
        return None, True
    return deadlines.due_on_entering(definition, state, now, calendar), False


def check_officer_fields(
    compiled: CompiledService,
    transition: int,
    values: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> tuple[dict[str, Any], list[AnswerError]]:
    """The values to store for a transition's officer fields, and their errors.

    The same pruning and checks as the form (`CompiledService.check`); conditions may read the
    case's (visible) answers. A transition without fields takes no values.
    """
    form = compiled.officer_form(transition) if transition >= 0 else None
    if form is None:
        return {}, []
    return form.check(values, context=compiled.prune(answers))


def check_applicant_fields(
    compiled: CompiledService,
    transition: int,
    values: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> tuple[dict[str, Any], list[AnswerError]]:
    """The values an applicant action's form fields take, and their errors (each is required);
    conditions may read the case's (visible) answers. A transition that asks for none: none."""
    form = compiled.applicant_form(transition) if transition >= 0 else None
    if form is None:
        return {}, []
    return form.check(values, context=compiled.prune(answers))


def officer_values(events: Iterable[CaseEvent]) -> dict[str, tuple[Any, CaseEvent]]:
    """What officers entered on the case's transitions, by field key, with the event that holds
    it (keys are unique across a definition; a transition taken twice: the latest value)."""
    found: dict[str, tuple[Any, CaseEvent]] = {}
    for event in events:
        fields = event.details.get("fields") if isinstance(event.details, Mapping) else None
        if isinstance(fields, Mapping):
            found.update((str(key), (value, event)) for key, value in fields.items())
    return found


@dataclass(frozen=True)
class Applied:
    """A stored transition: the case as it is now and its audit event."""

    case: Submission
    event: CaseEvent


def _event_details(
    before: Mapping[str, Any],
    answers: Mapping[str, Any] | None,
    kept: Mapping[str, Any] | None,
    questioned: list[str] | None = None,
    approval: Mapping[str, Any] | None = None,
    *,
    sent: bool = False,
) -> dict[str, Any] | None:
    """An event's details: the officer's values, the answers a send-back questions, what a
    correction (or, with `sent`, an applicant action) changed in the answers, and the approval
    it gives (of a joint approval)."""
    details: dict[str, Any] = {}
    if approval is not None:
        details[APPROVAL] = dict(approval)
    if kept is not None:
        details["fields"] = kept
    if questioned:
        details[corrections.QUESTIONED] = questioned
    if answers is not None:
        changed = corrections.changed_answers(before, answers)
        details[corrections.SENT if sent else corrections.CORRECTED] = changed
    return details or None


def _questioned(
    definition: Mapping[str, Any], compiled: CompiledService, state: str, keys: Sequence[str]
) -> list[str]:
    """The questioned keys checked (in form order), for a transition into `state`."""
    if not keys:
        return []
    target = definition.get("workflow", {}).get("states", {}).get(state, {})
    if not target.get("applicant_edits"):
        raise corrections.QuestionedRefused("not_sent_back", list(keys)[:10])
    return corrections.check_questioned(compiled, keys)


def apply_transition(
    session: Session,
    *,
    case_id: str,
    actor: Actor,
    action: str,
    comment: str | None,
    expected_row_version: int,
    calendar: Calendar,
    answers: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    files: Sequence[Attachment] = (),
    questioned: Sequence[str] = (),
    sent: Mapping[str, Any] | None = None,
    issuer: Issuer | None = None,
    links: case_messages.Links | None = None,
    now: dt.datetime | None = None,
) -> Applied:
    """Apply a workflow action once and commit it with its audit event, or write nothing.

    Raises AlreadyProcessed when the case moved on since `expected_row_version`, ActionRefused
    when the actor may not take the action, FieldsRefused when the transition's officer fields
    do not pass their checks, CaseNotFound for an unknown case. `answers` replaces the case's
    answers in the same transaction (the applicant's corrections). `fields` are the officer's
    values (pruned and checked here; kept in the event's ``details["fields"]``) and `files` the
    uploads they name (stored with the case; files no kept value names are not added).
    `sent`: what the applicant fills in on an applicant action that asks for form fields
    (`applicant_fields`; checked here, FieldsRefused otherwise): the values join the case's
    answers, what they changed is kept in ``details["sent"]``, and `files` the uploads they
    name are stored with the case.
    `questioned`: the answers a send-back asks the applicant to correct (field keys, kept in
    ``details["questioned"]``); QuestionedRefused, before anything is written, for a key that
    is not an answer field of the service or an action that does not send the case back.
    A transition that ``issues`` documents needs `issuer`: they are numbered, signed, written
    and added in the same transaction (IssuingRefused, before anything is written, when they
    cannot be; a rollback deletes the files written).
    With `links`, the applicant's message of the new state (sent back, decided, withdrawn) is
    queued in the same transaction (`runtime.notify.case_messages`), in the language the case
    was filed in; a decision's message links to the documents it issued.
    The session is committed on success and rolled back on any failure.
    """
    now = now or utcnow()
    case = session.get(Submission, case_id, populate_existing=True)
    found = catalog.compiled_version(session, case.service_version_id) if case else None
    if case is None or found is None:
        raise CaseNotFound(case_id)
    if case.row_version != expected_row_version:
        raise AlreadyProcessed(case.state, case.row_version)
    definition = found[0].definition
    outcome = apply(definition, snapshot(session, case), actor, action, comment, now=now)
    kept, errors = check_officer_fields(found[1], outcome.transition, fields or {}, case.answers)
    if errors:
        raise FieldsRefused(errors, kept)
    sent_kept, sent_errors = check_applicant_fields(
        found[1], outcome.transition if actor.kind == "applicant" else -1, sent or {}, case.answers
    )
    if sent_errors:
        raise FieldsRefused(sent_errors, sent_kept)
    if sent_kept:
        answers = {**case.answers, **sent_kept}
    asked = _questioned(definition, found[1], outcome.to_state, questioned)
    named = {v.get("id") for v in [*kept.values(), *sent_kept.values()] if isinstance(v, Mapping)}
    doc_ids = issued_documents(definition, outcome.transition) if outcome.moves else []
    if doc_ids:
        if issuer is None:
            raise IssuingRefused(
                "Tindakan ini menerbitkan surat dan hanya dapat dilakukan dari halaman kasus.",
                "This action issues a letter and can only be taken from the case page.",
            )
        issuer.prepare(session, agency_id=case.agency_id, definition=definition, doc_ids=doc_ids)
    due_at, paused = clock(definition, outcome.to_state, now, calendar)
    values: dict[str, Any] = {
        "row_version": expected_row_version + 1,
        "state": outcome.to_state,
        "state_entered_at": now,
        "due_at": due_at,
        "sla_paused": paused,
        "final_outcome": outcome.final,
        "updated_at": now,
    }
    if not outcome.moves:  # one approval of several: the case stays, its clock runs on
        values = {"row_version": expected_row_version + 1, "updated_at": now}
    if answers is not None:
        values["answers"] = dict(answers)
    if (
        outcome.moves
        and case.assigned_to_user_id is not None
        and not assignments.still_assigned(session, case, definition, outcome.to_state)
    ):
        values.update(assigned_to_user_id=None, assigned_at=None)  # its officer cannot act there
    with db.serialised_writes(session):
        try:
            changed = session.exec(
                update(Submission)
                .where(
                    col(Submission.id) == case_id,
                    col(Submission.row_version) == expected_row_version,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed != 1:
                session.rollback()
                current = session.get(Submission, case_id, populate_existing=True)
                assert current is not None
                raise AlreadyProcessed(current.state, current.row_version)
            for file in files:
                if file.id in named:
                    file.submission_id = case_id
                    session.add(file)
            event = outcome.event
            has_fields = found[1].officer_form(outcome.transition) is not None
            stored = store.add_event(
                session,
                submission_id=case_id,
                action=event["action"],
                actor_kind=event["actor_kind"],
                actor_user_id=event["actor_user_id"],
                actor_role=event["actor_role"],
                from_state=event["from_state"],
                to_state=event["to_state"],
                comment=event["comment"],
                comment_public=event["comment_public"],
                details=_event_details(
                    case.answers,
                    answers,
                    kept if has_fields else None,
                    asked,
                    {**event["approval"], "transition": outcome.transition}
                    if "approval" in event
                    else None,
                    sent=bool(sent_kept),
                ),
                at=now,
            )
            documents: list[IssuedDocument] = []
            if doc_ids and issuer is not None:
                documents = issuer.issue(
                    session,
                    case=case,
                    answers=values.get("answers", case.answers),
                    definition=definition,
                    compiled=found[1],
                    doc_ids=doc_ids,
                    event=stored,
                    now=now,
                )
                for document in documents:
                    webhooks.document_issued(
                        session,
                        case,
                        document,
                        verification_url=verification_url(issuer.base_url, document.verify_code),
                    )
            if not outcome.moves:
                session.commit()
                updated = session.get(Submission, case_id, populate_existing=True)
                assert updated is not None
                return Applied(updated, stored)
            case_messages.after_transition(
                session,
                links,
                case,
                stored,
                definition,
                values.get("answers", case.answers),
                documents,
            )
            assert stored.id is not None
            webhooks.state_changed(
                session,
                case,
                event_id=stored.id,
                from_state=stored.from_state,
                to_state=stored.to_state,
                action=stored.action,
                final_outcome=outcome.final,
                due_at=due_at,
                at=now,
            )
            session.commit()
        except BaseException:
            session.rollback()
            if issuer is not None:
                issuer.discard()
            raise
    updated = session.get(Submission, case_id, populate_existing=True)
    assert updated is not None
    return Applied(updated, stored)


def _record_access(
    session: Session, *, case_id: str, user_id: int, action: str, details: dict[str, Any]
) -> CaseEvent:
    with db.serialised_writes(session):
        try:
            event = store.add_event(
                session,
                submission_id=case_id,
                action=action,
                actor_kind="user",
                actor_user_id=user_id,
                details=details,
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return event


def record_nik_view(session: Session, *, case_id: str, user_id: int, field: str) -> CaseEvent:
    """Record (and commit) that a user saw a full NIK of a case."""
    return _record_access(
        session, case_id=case_id, user_id=user_id, action=VIEW_NIK, details={"field": field}
    )


def record_sensitive_view(session: Session, *, case_id: str, user_id: int, field: str) -> CaseEvent:
    """Record (and commit) that a user saw a sensitive answer of a case."""
    return _record_access(
        session, case_id=case_id, user_id=user_id, action=VIEW_SENSITIVE, details={"field": field}
    )


def record_sensitive_export(
    session: Session,
    *,
    case_ids: list[str],
    user_id: int,
    fields: list[str],
    kind: str,
    now: dt.datetime | None = None,
) -> None:
    """Record (and commit), on each case, that its sensitive answers went into an export."""
    if not case_ids:
        return
    at = now or utcnow()
    details = {"fields": fields, "format": kind}
    with db.serialised_writes(session):
        try:
            session.add_all(
                CaseEvent(
                    submission_id=case_id,
                    at=at,
                    actor_kind="user",
                    actor_user_id=user_id,
                    action=EXPORT_SENSITIVE,
                    details=details,
                )
                for case_id in case_ids
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise


def record_download(
    session: Session, *, case_id: str, user_id: int, attachment_id: str
) -> CaseEvent:
    """Record (and commit) that a user downloaded one of a case's files."""
    return _record_access(
        session,
        case_id=case_id,
        user_id=user_id,
        action=DOWNLOAD,
        details={"attachment_id": attachment_id},
    )


def record_document_download(
    session: Session, *, case_id: str, user_id: int, document_id: str, number: str
) -> CaseEvent:
    """Record (and commit) that a user downloaded one of the case's issued documents."""
    return _record_access(
        session,
        case_id=case_id,
        user_id=user_id,
        action=DOWNLOAD_DOCUMENT,
        details={"document_id": document_id, "number": number},
    )
