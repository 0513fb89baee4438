"""The life of a service definition: draft, review, changes requested, published, retired.

Plain functions on a Session (the caller commits). Designers (role `designer` in the agency)
edit drafts and send them for review; reviewers (global role `reviewer`) request changes,
publish and retire. A published version is immutable; cases stay on the version they were
filed under, unless the reviewer maps a removed state when publishing (recorded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from builder.bundle import make_bundle, normalise, write_bundle
from builder.canonical import digest
from builder.diff import removed_states
from builder.problems import Problem, has_errors
from builder.validate import validate
from runtime.auth import StaffUser
from runtime.models import (
    Agency,
    CaseEvent,
    Service,
    ServiceEvent,
    ServiceVersion,
    Submission,
    User,
    utcnow,
)

DESIGNER = "designer"
REVIEWER = "reviewer"
OPEN_STATES = ("draft", "in_review", "changes_requested")
AUTHOR_ACTIONS = ("created", "edited", "submitted")  # events that make an author of a version


class LifecycleError(Exception):
    """An operation that is not allowed now; `code` is stable, the message bilingual."""

    def __init__(
        self,
        code: str,
        message: str,
        problems: list[Problem] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.problems = problems or []
        self.details = dict(details or {})


def can_design(user: StaffUser, agency_id: str) -> bool:
    """Whether the user may edit the agency's services."""
    return DESIGNER in user.roles_in(agency_id)


def _require_designer(user: StaffUser, agency_id: str) -> None:
    if not can_design(user, agency_id):
        raise LifecycleError(
            "not-designer",
            "Anda bukan perancang layanan instansi ini. / "
            "You are not a service designer of this agency.",
        )


def _require_reviewer(user: StaffUser) -> None:
    if not user.has_global(REVIEWER):
        raise LifecycleError(
            "not-reviewer", "Hanya peninjau Diskominfo yang boleh. / Only Diskominfo reviewers may."
        )


def _event(
    session: Session,
    *,
    service: Service,
    version: ServiceVersion | None,
    user: StaffUser | None,
    action: str,
    pointer: str | None = None,
    comment: str | None = None,
    details: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> None:
    assert service.id is not None
    session.add(
        ServiceEvent(
            service_id=service.id,
            version_id=version.id if version else None,
            actor_user_id=user.id if user else None,
            action=action,
            pointer=pointer,
            comment=comment,
            details=dict(details) if details else None,
            at=now or utcnow(),
        )
    )


def open_draft(session: Session, service_id: int) -> ServiceVersion | None:
    """The service's version being edited or reviewed, if any."""
    return session.exec(
        select(ServiceVersion)
        .where(ServiceVersion.service_id == service_id, col(ServiceVersion.state).in_(OPEN_STATES))
        .order_by(col(ServiceVersion.number).desc())
    ).first()


def status(session: Session, service: Service) -> str:
    """draft, in_review, changes_requested, published, published_with_draft or retired."""
    if service.status == "retired":
        return "retired"
    assert service.id is not None
    draft = open_draft(session, service.id)
    if service.current_version_id is None:
        return draft.state if draft else "draft"
    if draft is not None:
        return "published_with_draft" if draft.state == "draft" else draft.state
    return "published"


def _next_number(session: Session, service_id: int) -> int:
    last = session.exec(
        select(func.max(ServiceVersion.number)).where(ServiceVersion.service_id == service_id)
    ).one()
    return int(last or 0) + 1


def create_service(
    session: Session,
    *,
    user: StaffUser,
    agency_id: str,
    definition: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> tuple[Service, ServiceVersion]:
    """A new service with its first draft (the definition's agency is forced to `agency_id`)."""
    _require_designer(user, agency_id)
    if session.get(Agency, agency_id) is None:
        session.add(Agency(id=agency_id, name=agency_id))
    body = dict(definition)
    body["agency"] = agency_id
    slug = str(body.get("id") or "")
    if (
        not slug
        or session.exec(
            select(Service).where(Service.agency_id == agency_id, Service.slug == slug)
        ).first()
    ):
        raise LifecycleError(
            "slug-taken",
            f"Id layanan '{slug}' sudah dipakai atau kosong. / "
            f"Service id '{slug}' is taken or empty.",
        )
    moment = now or utcnow()
    service = Service(
        agency_id=agency_id, slug=slug, status="draft", created_at=moment, updated_at=moment
    )
    session.add(service)
    session.flush()
    assert service.id is not None
    version = ServiceVersion(
        service_id=service.id,
        number=1,
        definition=body,
        sha256=digest(body),
        format=str(body.get("format", "loket/service@1")),
        state="draft",
        created_at=moment,
    )
    session.add(version)
    session.flush()
    _event(session, service=service, version=version, user=user, action="created", now=moment)
    return service, version


def start_draft(
    session: Session, *, user: StaffUser, service: Service, now: dt.datetime | None = None
) -> ServiceVersion:
    """The open draft of a service, or a new one copied from the live version."""
    _require_designer(user, service.agency_id)
    assert service.id is not None
    existing = open_draft(session, service.id)
    if existing is not None:
        return existing
    live = (
        session.get(ServiceVersion, service.current_version_id)
        if service.current_version_id
        else None
    )
    body = dict(live.definition) if live else {}
    version = ServiceVersion(
        service_id=service.id,
        number=_next_number(session, service.id),
        definition=body,
        sha256=digest(body),
        format=str(body.get("format", "loket/service@1")),
        state="draft",
        created_at=now or utcnow(),
    )
    session.add(version)
    session.flush()
    return version


def save_draft(
    session: Session,
    *,
    user: StaffUser,
    version: ServiceVersion,
    definition: Mapping[str, Any],
    expected_row_version: int,
    now: dt.datetime | None = None,
    undo: bool = False,
) -> ServiceVersion:
    """Save the draft's definition; refuses when someone saved in between (no silent overwrite).
    The definition it replaces is kept for one undo (`undo=True` saves without keeping it)."""
    service = session.get(Service, version.service_id)
    assert service is not None
    _require_designer(user, service.agency_id)
    if version.state not in ("draft", "changes_requested"):
        raise LifecycleError(
            "frozen",
            "Versi ini sedang ditinjau atau sudah terbit; tidak dapat diubah. / "
            "This version is under review or published; it cannot change.",
        )
    body = dict(definition)
    body["agency"] = service.agency_id
    body["id"] = service.slug
    previous = dict(version.definition)
    changed = session.exec(
        update(ServiceVersion)
        .where(
            col(ServiceVersion.id) == version.id,
            col(ServiceVersion.row_version) == expected_row_version,
            col(ServiceVersion.state).in_(("draft", "changes_requested")),
        )
        .values(
            definition=body,
            sha256=digest(body),
            state="draft",
            row_version=expected_row_version + 1,
            previous_definition=None if undo else previous,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(version)
    if changed != 1:
        raise LifecycleError(
            "edit-conflict",
            "Draf ini sudah diubah orang lain sejak Anda membukanya. Muat ulang "
            "untuk melihat versi terbaru. / Someone else changed this draft since "
            "you opened it. Reload to see the latest version.",
            details={"row_version": version.row_version},
        )
    service.updated_at = now or utcnow()
    if undo:
        _event(session, service=service, version=version, user=user, action="undone", now=now)
    elif user.id not in editors_of(session, version):
        _event(session, service=service, version=version, user=user, action="edited", now=now)
    return version


def undo_last_change(
    session: Session, *, user: StaffUser, version: ServiceVersion, expected_row_version: int
) -> ServiceVersion:
    """Put back the definition the draft had before its last change (one level)."""
    if version.previous_definition is None:
        raise LifecycleError(
            "nothing-to-undo",
            "Tidak ada perubahan untuk dibatalkan. / There is no change to undo.",
        )
    return save_draft(
        session,
        user=user,
        version=version,
        definition=version.previous_definition,
        expected_row_version=expected_row_version,
        undo=True,
    )


def discard_draft(
    session: Session,
    *,
    user: StaffUser,
    version: ServiceVersion,
    expected_row_version: int,
    now: dt.datetime | None = None,
) -> None:
    """Throw the draft away (it stays in the history as superseded, never published); the
    service goes back to its live version. Only a service with a live version has one to keep."""
    service = session.get(Service, version.service_id)
    assert service is not None
    _require_designer(user, service.agency_id)
    if service.current_version_id is None:
        raise LifecycleError(
            "no-live-version",
            "Layanan ini belum pernah terbit; drafnya tidak dapat dibuang. / "
            "This service was never published; its draft cannot be discarded.",
        )
    changed = session.exec(
        update(ServiceVersion)
        .where(
            col(ServiceVersion.id) == version.id,
            col(ServiceVersion.row_version) == expected_row_version,
            col(ServiceVersion.state).in_(("draft", "changes_requested")),
        )
        .values(state="superseded", row_version=expected_row_version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(version)
    if changed != 1:
        raise LifecycleError(
            "edit-conflict",
            "Draf ini sudah diubah sejak Anda membukanya. / "
            "This draft changed since you opened it.",
        )
    service.updated_at = now or utcnow()
    _event(
        session,
        service=service,
        version=version,
        user=user,
        action="draft_discarded",
        details={"number": version.number},
        now=now,
    )


def editors_of(session: Session, version: ServiceVersion) -> set[int]:
    """The accounts that created, edited or submitted this version (they may not publish it)."""
    rows = session.exec(
        select(ServiceEvent.actor_user_id).where(
            ServiceEvent.version_id == version.id,
            col(ServiceEvent.action).in_(AUTHOR_ACTIONS),
            col(ServiceEvent.actor_user_id).is_not(None),
        )
    ).all()
    return {int(user_id) for user_id in rows if user_id is not None}


def submitted_rounds(session: Session, version: ServiceVersion) -> list[dict[str, Any]]:
    """Each review round of a version as it was sent (`sha256`, `definition`), oldest first."""
    rows = session.exec(
        select(ServiceEvent.details)
        .where(ServiceEvent.version_id == version.id, ServiceEvent.action == "submitted")
        .order_by(col(ServiceEvent.id))
    ).all()
    return [dict(d) for d in rows if d and "sha256" in d and "definition" in d]


def submitted_round(
    session: Session, version: ServiceVersion, sha256: str
) -> dict[str, Any] | None:
    """The definition as it was sent for review with content hash `sha256`, if it ever was."""
    for details in reversed(submitted_rounds(session, version)):
        if details["sha256"] == sha256:
            return dict(details["definition"])
    return None


def submit_for_review(
    session: Session, *, user: StaffUser, version: ServiceVersion, now: dt.datetime | None = None
) -> ServiceVersion:
    """Send a draft without errors to Diskominfo; it is frozen until the reviewer decides."""
    service = session.get(Service, version.service_id)
    assert service is not None
    _require_designer(user, service.agency_id)
    if version.state not in ("draft", "changes_requested"):
        raise LifecycleError(
            "not-a-draft", "Hanya draf yang dapat diajukan. / Only a draft can be submitted."
        )
    problems = validate(version.definition)
    if has_errors(problems):
        raise LifecycleError(
            "has-errors",
            "Perbaiki galat sebelum mengajukan. / Fix the errors before submitting.",
            problems,
        )
    version.state = "in_review"
    version.row_version += 1
    # the round as sent: a reviewer's stale publish is refused and shown what changed since
    _event(
        session,
        service=service,
        version=version,
        user=user,
        action="submitted",
        details={"sha256": version.sha256, "definition": version.definition},
        now=now,
    )
    session.flush()
    return version


def request_changes(
    session: Session,
    *,
    user: StaffUser,
    version: ServiceVersion,
    comments: list[tuple[str | None, str]],
    now: dt.datetime | None = None,
) -> ServiceVersion:
    """Send a version back to its designers with comments on the items they concern."""
    _require_reviewer(user)
    if version.state != "in_review":
        raise LifecycleError(
            "not-in-review", "Versi ini tidak sedang ditinjau. / This version is not in review."
        )
    texts = [(pointer, text.strip()) for pointer, text in comments if text.strip()]
    if not texts:
        raise LifecycleError(
            "comment-required", "Tulis paling sedikit satu catatan. / Write at least one comment."
        )
    service = session.get(Service, version.service_id)
    assert service is not None
    version.state = "changes_requested"
    version.row_version += 1
    for pointer, text in texts:
        _event(
            session,
            service=service,
            version=version,
            user=user,
            action="changes_requested",
            pointer=pointer or None,
            comment=text,
            now=now,
        )
    session.flush()
    return version


# -- the conversation of a version between its reviewers and designers ------------------------

REVIEW_NOTE = "review_note"  # a reviewer's note without a decision
DESIGNER_REPLY = "designer_replied"
CONVERSATION = ("changes_requested", REVIEW_NOTE, DESIGNER_REPLY)
MAX_NOTE = 4000


def add_note(
    session: Session,
    *,
    user: StaffUser,
    version: ServiceVersion,
    text: str,
    as_reviewer: bool,
    pointer: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """A reviewer's note or a designer's reply, kept with the version (open versions only)."""
    service = session.get(Service, version.service_id)
    assert service is not None
    if as_reviewer:
        _require_reviewer(user)
    else:
        _require_designer(user, service.agency_id)
    if version.state not in OPEN_STATES:
        raise LifecycleError(
            "closed",
            "Versi ini sudah terbit; percakapannya tidak dapat ditambah. / "
            "This version is published; its conversation is closed.",
        )
    body = text.strip()[:MAX_NOTE]
    if not body:
        raise LifecycleError("note-empty", "Tulis catatan Anda. / Write your note.")
    _event(
        session,
        service=service,
        version=version,
        user=user,
        action=REVIEW_NOTE if as_reviewer else DESIGNER_REPLY,
        pointer=pointer if pointer and pointer.startswith("/") else None,
        comment=body,
        now=now,
    )
    session.flush()


def conversation(session: Session, version: ServiceVersion) -> list[tuple[ServiceEvent, str]]:
    """The version's notes and replies in the order they were written, with their authors."""
    rows = session.exec(
        select(ServiceEvent, User)
        .join(User, col(User.id) == col(ServiceEvent.actor_user_id), isouter=True)
        .where(ServiceEvent.version_id == version.id, col(ServiceEvent.action).in_(CONVERSATION))
        .order_by(col(ServiceEvent.id))
    ).all()
    return [(event, user.display_name if user else "") for event, user in rows]


def open_cases_of(session: Session, version_id: int | None) -> int:
    """How many cases filed under a version are still open (not final)."""
    if version_id is None:
        return 0
    return int(
        session.exec(
            select(func.count())
            .select_from(Submission)
            .where(
                Submission.service_version_id == version_id,
                col(Submission.final_outcome).is_(None),
            )
        ).one()
    )


def live_cases_in(session: Session, service_id: int, states: list[str]) -> dict[str, int]:
    """Open cases of a service (any version) sitting in each of `states`."""
    if not states:
        return {}
    rows = session.exec(
        select(Submission.state, func.count())
        .where(
            Submission.service_id == service_id,
            col(Submission.state).in_(states),
            col(Submission.final_outcome).is_(None),
        )
        .group_by(col(Submission.state))
    ).all()
    return {str(state): int(count) for state, count in rows}


def publish(
    session: Session,
    *,
    user: StaffUser | None,
    version: ServiceVersion,
    data_dir: Path | None,
    state_mapping: Mapping[str, str] | None = None,
    seen_sha256: str | None = None,
    now: dt.datetime | None = None,
) -> ServiceVersion:
    """Publish a reviewed version: immutable, numbered, hashed; new applicants get it.

    Refused while open cases sit in a state the new version removes, unless each such state is
    mapped to a state of the new version; mapped cases move to the new version (recorded).
    Publishing takes two people: a reviewer who created, edited or submitted the version may
    not publish it. `seen_sha256` pins the publication to the content the reviewer saw: when the
    version changed since, it is refused (`changed-since-seen`).
    `user` None means the command line (`loket publish`), which has no reviewer account.
    """
    if user is not None:
        _require_reviewer(user)
    if version.state != "in_review":
        raise LifecycleError(
            "not-in-review",
            "Hanya versi yang sedang ditinjau yang dapat diterbitkan. / "
            "Only a version in review can be published.",
        )
    if user is not None and user.id in editors_of(session, version):
        raise LifecycleError(
            "own-version",
            "Anda ikut menyusun atau mengajukan versi ini; peninjau lain harus menerbitkannya. / "
            "You created, edited or submitted this version; another reviewer must publish it.",
        )
    if seen_sha256 is not None and seen_sha256 != version.sha256:
        raise LifecycleError(
            "changed-since-seen",
            "Versi ini berubah sejak Anda membukanya; periksa perubahannya di bawah, lalu "
            "terbitkan lagi bila sudah sesuai. / This version changed since you opened it; check "
            "the changes below, then publish again if they are right.",
            details={"seen_sha256": seen_sha256},
        )
    problems = validate(version.definition)
    if has_errors(problems):
        raise LifecycleError(
            "has-errors", "Definisi masih punya galat. / The definition still has errors.", problems
        )
    service = session.get(Service, version.service_id)
    assert service is not None and service.id is not None
    moment = now or utcnow()
    live = (
        session.get(ServiceVersion, service.current_version_id)
        if service.current_version_id
        else None
    )
    mapping = dict(state_mapping or {})
    if live is not None:
        removed = removed_states(live.definition, version.definition)
        waiting = live_cases_in(session, service.id, removed)
        new_states = {
            name
            for name, info in version.definition["workflow"]["states"].items()
            if not info.get("final")
        }  # a mapped case continues, so never into a final state
        unmapped = {s: n for s, n in waiting.items() if mapping.get(s) not in new_states}
        if unmapped:
            raise LifecycleError(
                "cases-in-removed-states",
                "Masih ada kasus di status yang dihapus; petakan setiap "
                "status itu ke status versi baru. / Cases sit in removed states; map each of them "
                "to a state of the new version.",
                details={"waiting": unmapped},
            )
        for old_state, count in waiting.items():
            target = mapping[old_state]
            cases = session.exec(
                select(Submission).where(
                    Submission.service_id == service.id,
                    Submission.state == old_state,
                    col(Submission.final_outcome).is_(None),
                )
            ).all()
            for case in cases:
                session.add(
                    CaseEvent(
                        submission_id=case.id,
                        at=moment,
                        actor_kind="system",
                        actor_user_id=user.id if user else None,
                        action="state_mapped",
                        from_state=old_state,
                        to_state=target,
                        details={"from_version": case.service_version_id, "to_version": version.id},
                    )
                )
                assert version.id is not None
                case.state = target
                case.service_version_id = version.id
                case.row_version += 1
            _event(
                session,
                service=service,
                version=version,
                user=user,
                action="state_mapped",
                details={"from": old_state, "to": target, "cases": count},
                now=moment,
            )
        live.state = "superseded"
    body = normalise(version.definition)
    body["version"] = version.number
    version.definition = body
    version.sha256 = digest(body)
    version.state = "published"
    version.published_at = moment
    version.published_by = user.id if user else None
    version.row_version += 1
    session.flush()
    service.current_version_id = version.id
    service.status = "published"
    service.updated_at = moment
    _event(
        session,
        service=service,
        version=version,
        user=user,
        action="published",
        details={"number": version.number, "sha256": version.sha256},
        now=moment,
    )
    session.flush()
    if data_dir is not None:
        write_bundle(make_bundle(body, version.number), data_dir / "bundles")
    return version


def retire(
    session: Session, *, user: StaffUser, service: Service, now: dt.datetime | None = None
) -> None:
    """Stop new applications; open cases continue."""
    _require_reviewer(user)
    if service.status == "retired":
        return
    if service.current_version_id is None:
        raise LifecycleError(
            "never-published",
            "Layanan ini belum pernah terbit. / This service was never published.",
        )
    service.status = "retired"
    service.updated_at = now or utcnow()
    _event(session, service=service, version=None, user=user, action="retired", now=now)
    session.flush()


def publish_definition(
    session: Session,
    *,
    definition: Mapping[str, Any],
    data_dir: Path | None,
    agency_name: str | None = None,
    state_mapping: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> ServiceVersion:
    """`loket publish`: the same checks as the web review, without the review step.

    Publishing an unchanged definition again is a no-op that returns the live version.
    """
    problems = validate(definition)
    if has_errors(problems):
        raise LifecycleError(
            "has-errors", "Definisi punya galat. / The definition has errors.", problems
        )
    body = normalise(definition)
    agency_id, slug = str(body["agency"]), str(body["id"])
    agency = session.get(Agency, agency_id)
    if agency is None:
        session.add(Agency(id=agency_id, name=agency_name or agency_id))
    elif agency_name and agency.name != agency_name:
        agency.name = agency_name
    service = session.exec(
        select(Service).where(Service.agency_id == agency_id, Service.slug == slug)
    ).first()
    moment = now or utcnow()
    if service is None:
        service = Service(
            agency_id=agency_id, slug=slug, status="draft", created_at=moment, updated_at=moment
        )
        session.add(service)
        session.flush()
    assert service.id is not None
    live = (
        session.get(ServiceVersion, service.current_version_id)
        if service.current_version_id
        else None
    )
    if live is not None:
        comparable = dict(body)
        comparable["version"] = live.number
        if digest(comparable) == live.sha256:
            return live
    version = ServiceVersion(
        service_id=service.id,
        number=_next_number(session, service.id),
        definition=body,
        sha256=digest(body),
        format=str(body["format"]),
        state="in_review",
        created_at=moment,
    )
    session.add(version)
    session.flush()
    return publish(
        session,
        user=None,
        version=version,
        data_dir=data_dir,
        state_mapping=state_mapping,
        now=moment,
    )
