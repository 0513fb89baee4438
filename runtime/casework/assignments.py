"""Assigning a case to an officer (disposisi): who may assign, to whom, and recording it.

The rule, with nothing to declare in the definition: in a case's current state, the officers who
may act there (a role with a transition from the state) may assign the case to a colleague of
the same agency who may also act there, reassign it, or take it themselves (*ambil*). A final
state has no one to assign. The officer who filed the case on a citizen's behalf never gets it
(they may not decide on it). An assignment holds while the case is in states its officer may
act in: a transition to a state where they may not clears it (``still_assigned``).

Each assignment is an internal audit event ``assigned`` (no ``to_state``: the citizen's
timeline never shows it), written in the same transaction as a conditional UPDATE that checks
the case is still in its state and still assigned as the officer saw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from builder.model import sources
from builder.texts import Message, msg
from runtime import db, store
from runtime.auth import StaffUser
from runtime.casework.workflow import APPLICANT
from runtime.models import CaseEvent, Membership, Submission, User, utcnow

ASSIGNED_ACTION = "assigned"
MAX_NOTE = 2000


class AssignmentRefused(Exception):
    """An assignment that may not be made; `status` is the HTTP status a route answers with."""

    def __init__(self, status: int, code: str, message: Message) -> None:
        super().__init__(message["en"])
        self.status = status
        self.code = code
        self.message = message


class AssignmentChanged(Exception):
    """The case moved on or was assigned by someone else since the form was shown."""


@dataclass(frozen=True)
class Colleague:
    """An officer a case may be assigned to."""

    user_id: int
    name: str


def acting_roles(definition: Mapping[str, Any], state: str) -> frozenset[str]:
    """The staff roles with a transition from `state` (none in a final state)."""
    workflow = definition.get("workflow", {})
    if workflow.get("states", {}).get(state, {}).get("final"):
        return frozenset()
    return frozenset(
        str(role)
        for transition in workflow.get("transitions", [])
        if state in sources(transition)
        for role in transition.get("roles", [])
        if role != APPLICANT
    )


def may_assign(definition: Mapping[str, Any], state: str, roles: frozenset[str]) -> bool:
    """Whether an officer with `roles` in the case's agency may assign a case in `state`."""
    return bool(acting_roles(definition, state) & roles)


def colleagues(
    session: Session, case: Submission, definition: Mapping[str, Any]
) -> list[Colleague]:
    """The active officers of the case's agency who may act in its state, by name."""
    roles = acting_roles(definition, case.state)
    if not roles:
        return []
    rows = session.exec(
        select(User.id, User.display_name)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(
            col(Membership.agency_id) == case.agency_id,
            col(Membership.role).in_(sorted(roles)),
            col(User.is_active).is_(True),
        )
        .distinct()
    ).all()
    found = [
        Colleague(int(user_id), str(name))
        for user_id, name in rows
        if user_id is not None and user_id != case.filed_by_user_id
    ]
    return sorted(found, key=lambda c: (c.name.casefold(), c.user_id))


def still_assigned(
    session: Session, case: Submission, definition: Mapping[str, Any], state: str
) -> bool:
    """Whether the case's officer may still act once the case is in `state`."""
    if case.assigned_to_user_id is None:
        return False
    roles = acting_roles(definition, state)
    if not roles:
        return False
    found = session.exec(
        select(Membership.id).where(
            col(Membership.user_id) == case.assigned_to_user_id,
            col(Membership.agency_id) == case.agency_id,
            col(Membership.role).in_(sorted(roles)),
        )
    ).first()
    return found is not None


def assign(
    session: Session,
    *,
    case: Submission,
    definition: Mapping[str, Any],
    user: StaffUser,
    assignee_id: int,
    note: str = "",
    expected: int | None,
    now: dt.datetime | None = None,
) -> CaseEvent:
    """Assign `case` to `assignee_id` (the user themselves: taking it) and commit the event.

    `expected` is the assignee the officer saw (None: unassigned). Raises AssignmentRefused
    (403: the user may not assign here; 422: not a colleague who may act on it, or no change)
    and AssignmentChanged (409) when the case moved on or was assigned meanwhile.
    """
    mine = user.roles_in(case.agency_id)
    allowed = acting_roles(definition, case.state) & mine
    if not allowed:
        raise AssignmentRefused(
            403,
            "assign-not-allowed",
            msg(
                "Anda tidak dapat menugaskan kasus pada status ini.",
                "You cannot assign a case in this state.",
            ),
        )
    if assignee_id not in {c.user_id for c in colleagues(session, case, definition)}:
        raise AssignmentRefused(
            422,
            "assignee-not-allowed",
            msg(
                "Petugas ini tidak dapat menangani kasus pada status ini.",
                "This officer cannot handle the case in this state.",
            ),
        )
    if case.assigned_to_user_id != expected:
        raise AssignmentChanged(case.id)
    if assignee_id == expected:
        raise AssignmentRefused(
            422,
            "already-assigned",
            msg("Kasus ini sudah ditugaskan kepada petugas itu.", "The case is already theirs."),
        )
    now = now or utcnow()
    kind = "take" if assignee_id == user.id else "reassign" if expected is not None else "assign"
    current = (
        col(Submission.assigned_to_user_id).is_(None)
        if expected is None
        else col(Submission.assigned_to_user_id) == expected
    )
    with db.serialised_writes(session):
        try:
            changed = session.exec(
                update(Submission)
                .where(col(Submission.id) == case.id, col(Submission.state) == case.state, current)
                .values(assigned_to_user_id=assignee_id, assigned_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed != 1:
                raise AssignmentChanged(case.id)
            event = store.add_event(
                session,
                submission_id=case.id,
                action=ASSIGNED_ACTION,
                actor_kind="user",
                actor_user_id=user.id,
                actor_role=sorted(allowed)[0],
                comment=note.strip() or None,
                comment_public=False,
                details={
                    "kind": kind,
                    "to_user_id": assignee_id,
                    "from_user_id": expected,
                    "state": case.state,
                },
                at=now,
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return event
