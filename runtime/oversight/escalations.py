"""Escalations: a case left in a state `after_days` working days past its due date is flagged
to the state's `escalate.to` role (e.g. the head of the agency).

The case keeps the moment in ``submissions.escalated_at``; it counts for the current stay in the
state only (``escalated_at >= state_entered_at``), so a case that leaves the state and comes back
can be escalated again from its new due date. The flag is set with a conditional UPDATE, in the
same transaction as the internal audit event ``escalated``: running the job twice, or on two
workers at once, escalates a case once. The event has no ``to_state``, so the citizen's
timeline (``store.list_public_events``) never shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from runtime import db, store
from runtime.models import CaseEvent, ServiceVersion, Submission
from runtime.workdays import WIB, Calendar

ESCALATED_ACTION = "escalated"


@dataclass(frozen=True)
class Escalation:
    """A state's escalation: after how many working days overdue, and to which role."""

    after_days: int
    to: str


def escalation_of(definition: Mapping[str, Any], state: str) -> Escalation | None:
    """The escalation a definition declares on `state`, if any."""
    found = definition.get("workflow", {}).get("states", {}).get(state, {}).get("escalate")
    if not isinstance(found, Mapping):
        return None
    return Escalation(int(found["after_days"]), str(found["to"]))


def escalated_states(definition: Mapping[str, Any], roles: frozenset[str]) -> set[str]:
    """States of a definition whose escalation goes to one of `roles`."""
    return {
        name
        for name in definition.get("workflow", {}).get("states", {})
        if (escalation := escalation_of(definition, name)) and escalation.to in roles
    }


def days_overdue(due_at: dt.datetime, now: dt.datetime, calendar: Calendar) -> int:
    """Working days since the due day (0 on the due day itself or before)."""
    return calendar.working_days_between(due_at.astimezone(WIB).date(), now.astimezone(WIB).date())


def is_escalated(case: Submission) -> bool:
    """Whether the case was escalated during its current stay in its state."""
    return case.escalated_at is not None and case.escalated_at >= case.state_entered_at


def escalate_due(engine: Engine, calendar: Calendar, now: dt.datetime) -> int:
    """Escalate every open case that is far enough overdue and not yet escalated in its state.

    Catches up: whatever became due since the last run is escalated now. Returns the count.
    """
    with Session(engine) as session:
        rules: dict[tuple[int, str], Escalation] = {}
        for version_id, definition in session.exec(
            select(ServiceVersion.id, ServiceVersion.definition)
        ).all():
            for name in definition.get("workflow", {}).get("states", {}):
                escalation = escalation_of(definition, name)
                if escalation is not None and version_id is not None:
                    rules[(version_id, name)] = escalation
        if not rules:
            return 0
        candidates = session.exec(
            select(Submission).where(
                col(Submission.final_outcome).is_(None),
                col(Submission.sla_paused).is_(False),
                col(Submission.due_at).is_not(None),
                col(Submission.due_at) < now,
                col(Submission.service_version_id).in_(sorted({v for v, _ in rules})),
                or_(
                    col(Submission.escalated_at).is_(None),
                    col(Submission.escalated_at) < col(Submission.state_entered_at),
                ),
            )
        ).all()
        due = []
        for case in candidates:
            escalation = rules.get((case.service_version_id, case.state))
            if escalation is None or case.due_at is None:
                continue
            late = days_overdue(case.due_at, now, calendar)
            if late >= escalation.after_days:
                due.append((case.id, case.state, case.state_entered_at, escalation, late))
    count = 0
    for case_id, state, entered, escalation, late in due:
        count += _escalate(engine, case_id, state, entered, escalation, late, now)
    return count


def _escalate(
    engine: Engine,
    case_id: str,
    state: str,
    entered: dt.datetime,
    escalation: Escalation,
    late: int,
    now: dt.datetime,
) -> int:
    with Session(engine) as session, db.serialised_writes(session):
        changed = session.exec(
            update(Submission)
            .where(
                col(Submission.id) == case_id,
                col(Submission.state) == state,
                col(Submission.state_entered_at) == entered,
                or_(
                    col(Submission.escalated_at).is_(None),
                    col(Submission.escalated_at) < col(Submission.state_entered_at),
                ),
            )
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            session.rollback()
            return 0  # the case moved on, or another worker escalated it first
        store.add_event(
            session,
            submission_id=case_id,
            action=ESCALATED_ACTION,
            actor_kind="system",
            details={"to_role": escalation.to, "state": state, "days_overdue": late},
            at=now,
        )
        session.commit()
    return 1


def current_escalation(session: Session, case: Submission) -> CaseEvent | None:
    """The `escalated` event of the case's current stay in its state, if it was escalated."""
    if not is_escalated(case):
        return None
    return session.exec(
        select(CaseEvent)
        .where(
            col(CaseEvent.submission_id) == case.id,
            col(CaseEvent.action) == ESCALATED_ACTION,
            col(CaseEvent.at) >= case.state_entered_at,
        )
        .order_by(col(CaseEvent.id).desc())
    ).first()
