"""The officer's inbox: cases waiting for one of the user's roles, in due-date order, page by page.

Which states a user can act in depends on each case's definition version, so "lanes" are worked
out from the definitions first: an agency (or one service) and a state, plus the version ids
when only some versions let the user act there. Each lane is read in order straight from the
index (agency_id, state, due_at, id) — or (service_id, state, due_at, id) — with a LIMIT, in two
parts (cases with a due date, then those without, so NULLs come last on SQLite and PostgreSQL
alike); the parts are merged and cut to the page. Keyset pagination: the opaque cursor holds the
(due_at, id) of the last row shown, so a later page costs what the first does (no OFFSET).

Escalated cases (runtime.oversight.escalations) also reach the users who hold a state's `escalate.to`
role, in lanes that show only the cases escalated in their current stay in the state.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, tuple_, union_all
from sqlalchemy import select as core_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlmodel import Session, col

from builder.model import sources
from runtime import catalog
from runtime.auth import StaffUser
from runtime.casework.cases import definition_roles
from runtime.casework.workflow import APPLICANT
from runtime.models import Service, ServiceVersion, Submission, utcnow
from runtime.oversight.escalations import escalated_states
from runtime.references import normalise_reference

AnySelect = Select[*tuple[Any, ...]]
CASE_VERSION_STATES = ("published", "superseded")  # versions that can have cases
MAX_LIMIT = 200
_COLUMNS = (
    col(Submission.id),
    col(Submission.reference),
    col(Submission.agency_id),
    col(Submission.service_id),
    col(Submission.service_version_id),
    col(Submission.state),
    col(Submission.due_at),
    col(Submission.created_at),
    col(Submission.state_entered_at),
    col(Submission.escalated_at),
    col(Submission.assigned_to_user_id),
)


class InvalidCursor(ValueError):
    """An `after` cursor that was not made by this module."""


@dataclass(frozen=True)
class Lane:
    """Cases of one agency (or one service) in one state, optionally only some versions."""

    agency_id: str
    state: str
    service_id: int | None = None
    version_ids: frozenset[int] | None = None
    escalated_only: bool = False


@dataclass(frozen=True)
class InboxRow:
    """One case of the inbox."""

    id: str
    reference: str
    agency_id: str
    service_id: int
    service_version_id: int
    state: str
    due_at: dt.datetime | None
    created_at: dt.datetime
    state_entered_at: dt.datetime | None = None
    escalated_at: dt.datetime | None = None
    assigned_to_user_id: int | None = None

    @property
    def escalated(self) -> bool:
        """Whether the case was escalated in its current stay in its state."""
        return (
            self.escalated_at is not None
            and self.state_entered_at is not None
            and self.escalated_at >= self.state_entered_at
        )


@dataclass(frozen=True)
class InboxPage:
    """A page of the inbox and the cursor of the next page (None on the last page)."""

    rows: list[InboxRow]
    next_cursor: str | None


@dataclass(frozen=True)
class ServiceChoice:
    """A service in which the user can act, with its latest definition (for the filter form)."""

    service_id: int
    agency_id: str
    definition: Mapping[str, Any]
    states: tuple[str, ...]


def acting_states(definition: Mapping[str, Any], roles: frozenset[str]) -> set[str]:
    """States of a definition in which one of `roles` has a transition (final states excluded)."""
    workflow = definition.get("workflow", {})
    states = workflow.get("states", {})
    found: set[str] = set()
    for transition in workflow.get("transitions", []):
        if roles & {str(r) for r in transition.get("roles", []) if r != APPLICANT}:
            found.update(s for s in sources(transition) if not states.get(s, {}).get("final"))
    return found


def _versions(session: Session, user: StaffUser) -> list[tuple[str, int, int, Mapping[str, Any]]]:
    """(agency, service, version, definition) of every version in the user's agencies."""
    if not user.agencies:
        return []
    rows = session.execute(
        core_select(
            col(Service.agency_id),
            col(Service.id),
            col(ServiceVersion.id),
            col(ServiceVersion.number),
            col(ServiceVersion.sha256),
        )
        .join(ServiceVersion, col(ServiceVersion.service_id) == col(Service.id))
        .where(
            col(Service.agency_id).in_(user.agencies),
            col(ServiceVersion.state).in_(CASE_VERSION_STATES),
        )
        .order_by(col(Service.id), col(ServiceVersion.number))
    ).all()
    # the definitions come from the compiled cache (by content hash), not from every request
    found = []
    for agency, service, version, number, sha256 in rows:
        if service is None or version is None:
            continue
        known = catalog.version_by_hash(session, version, service, number, sha256)
        if known is not None:
            found.append((agency, int(service), int(version), known.definition))
    return found


def lanes(
    session: Session, user: StaffUser, *, service_id: int | None = None, state: str | None = None
) -> list[Lane]:
    """The lanes of a user's inbox (empty when the user can act nowhere)."""
    allowed: dict[tuple[str, int | None, str], set[int]] = {}
    escalating: dict[tuple[str, int | None, str], set[int]] = {}
    known: dict[tuple[str, int | None, str], set[int]] = {}
    for agency, service, version, definition in _versions(session, user):
        if service_id is not None and service != service_id:
            continue
        scope = service if service_id is not None else None
        for name in definition.get("workflow", {}).get("states", {}):
            known.setdefault((agency, scope, name), set()).add(version)
        acting = acting_states(definition, user.roles_in(agency))
        for name in acting:
            if state is None or name == state:
                allowed.setdefault((agency, scope, name), set()).add(version)
        for name in escalated_states(definition, user.roles_in(agency)) - acting:
            if state is None or name == state:
                escalating.setdefault((agency, scope, name), set()).add(version)
    result = []
    for key, ids in sorted(allowed.items(), key=lambda item: str(item[0])):
        agency, scope, name = key
        result.append(Lane(agency, name, scope, None if ids == known[key] else frozenset(ids)))
    for key, ids in sorted(escalating.items(), key=lambda item: str(item[0])):
        agency, scope, name = key
        only = None if ids == known[key] else frozenset(ids)
        result.append(Lane(agency, name, scope, only, escalated_only=True))
    return result


def service_choices(session: Session, user: StaffUser) -> list[ServiceChoice]:
    """Services where the user can act, with the states they can act in (for the filter form)."""
    found: dict[int, ServiceChoice] = {}
    for agency, service, _, definition in _versions(session, user):
        states = acting_states(definition, user.roles_in(agency))
        earlier = found.get(service)
        if states or earlier:
            merged = set(states) | set(earlier.states if earlier else ())
            found[service] = ServiceChoice(service, agency, definition, tuple(sorted(merged)))
    return list(found.values())


# -- cursors ---------------------------------------------------------------------------------


def encode_cursor(due_at: dt.datetime | None, case_id: str) -> str:
    """An opaque cursor for the position after (due_at, id)."""
    raw = json.dumps([due_at.isoformat() if due_at else None, case_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime | None, str]:
    """(due_at, id) from a cursor; InvalidCursor if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        due, case_id = json.loads(raw)
        moment = dt.datetime.fromisoformat(due) if due is not None else None
    except (ValueError, TypeError, binascii.Error) as error:
        raise InvalidCursor(cursor) from error
    if not isinstance(case_id, str) or len(case_id) > 64 or (moment and moment.tzinfo is None):
        raise InvalidCursor(cursor)
    return moment, case_id


# -- the query -------------------------------------------------------------------------------


def _arm(
    lane: Lane,
    *,
    dated: bool,
    after: tuple[dt.datetime | None, str] | None,
    overdue_before: dt.datetime | None,
    limit: int,
    assigned_to: int | None = None,
) -> AnySelect | None:
    """One lane's cases with (dated) or without a due date, in index order, or None if empty."""
    due, case_id = col(Submission.due_at), col(Submission.id)
    if lane.service_id is not None:
        stmt = core_select(*_COLUMNS).where(col(Submission.service_id) == lane.service_id)
    else:
        stmt = core_select(*_COLUMNS).where(col(Submission.agency_id) == lane.agency_id)
    stmt = stmt.where(col(Submission.state) == lane.state)
    if lane.version_ids is not None:
        stmt = stmt.where(col(Submission.service_version_id).in_(sorted(lane.version_ids)))
    if assigned_to is not None:
        stmt = stmt.where(col(Submission.assigned_to_user_id) == assigned_to)
    if lane.escalated_only:
        stmt = stmt.where(
            col(Submission.escalated_at).is_not(None),
            col(Submission.escalated_at) >= col(Submission.state_entered_at),
        )
    if dated:
        if after is not None and after[0] is None:
            return None  # the cursor is already past every dated case
        stmt = stmt.where(due.is_not(None))
        if after is not None:
            stmt = stmt.where(tuple_(due, case_id) > after)
        if overdue_before is not None:
            stmt = stmt.where(due < overdue_before)
        return stmt.order_by(due, case_id).limit(limit)
    if overdue_before is not None:
        return None
    stmt = stmt.where(due.is_(None))
    if after is not None and after[0] is None:
        stmt = stmt.where(case_id > after[1])
    # due_at is NULL throughout, but naming it keeps the index order usable on PostgreSQL
    return stmt.order_by(due, case_id).limit(limit)


def inbox_statement(
    session: Session,
    user: StaffUser,
    *,
    service_id: int | None = None,
    state: str | None = None,
    overdue: bool = False,
    after: str | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
    assigned_to: int | None = None,
) -> AnySelect | None:
    """The inbox query (limit + 1 rows, to know whether a next page exists), or None if empty."""
    position = decode_cursor(after) if after else None
    overdue_before = (now or utcnow()) if overdue else None
    arms = [
        arm
        for lane in lanes(session, user, service_id=service_id, state=state)
        for dated in (True, False)
        if (
            arm := _arm(
                lane,
                dated=dated,
                after=position,
                overdue_before=overdue_before,
                limit=limit + 1,
                assigned_to=assigned_to,
            )
        )
        is not None
    ]
    if not arms:
        return None
    merged = union_all(*(core_select(*arm.subquery().c) for arm in arms)).subquery("inbox")
    return (
        core_select(*merged.c).order_by(merged.c.due_at.nulls_last(), merged.c.id).limit(limit + 1)
    )


def _row(values: Any) -> InboxRow:
    return InboxRow(*values)


def inbox(
    session: Session,
    user: StaffUser,
    *,
    service_id: int | None = None,
    state: str | None = None,
    overdue: bool = False,
    reference: str | None = None,
    after: str | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
    mine: bool = False,
) -> InboxPage:
    """Cases in the user's agencies where one of their roles can act, by due date then id.

    A `reference` search finds that one case in any state, if the user may open it (the other
    filters still apply). `after` is the `next_cursor` of the previous page. `mine`: only the
    cases assigned to the user (runtime.casework.assignments).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    if reference is not None and reference.strip():
        return InboxPage(
            _by_reference(session, user, reference, service_id, state, overdue, now, mine), None
        )
    stmt = inbox_statement(
        session,
        user,
        service_id=service_id,
        state=state,
        overdue=overdue,
        after=after,
        limit=limit,
        now=now,
        assigned_to=user.id if mine else None,
    )
    if stmt is None:
        return InboxPage([], None)
    rows = [_row(values) for values in session.connection().execute(stmt).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1].due_at, rows[-1].id) if more and rows else None
    return InboxPage(rows, cursor)


def _by_reference(
    session: Session,
    user: StaffUser,
    reference: str,
    service_id: int | None,
    state: str | None,
    overdue: bool,
    now: dt.datetime | None,
    mine: bool = False,
) -> list[InboxRow]:
    canonical = normalise_reference(reference)
    if canonical is None or not user.agencies:
        return []
    values = (
        session.connection()
        .execute(
            core_select(*_COLUMNS).where(
                col(Submission.reference) == canonical, col(Submission.agency_id).in_(user.agencies)
            )
        )
        .first()
    )
    if values is None:
        return []
    row = _row(values)
    version = session.get(ServiceVersion, row.service_version_id)
    if version is None or not definition_roles(version.definition) & user.roles_in(row.agency_id):
        return []
    late = row.due_at is not None and row.due_at < (now or utcnow())
    if (service_id is not None and row.service_id != service_id) or (state and row.state != state):
        return []
    if mine and row.assigned_to_user_id != user.id:
        return []
    return [row] if late or not overdue else []


# -- query plans (for the benchmark and docs/) -------------------------------------------------


class _Explain(Executable, ClauseElement):
    """EXPLAIN of a statement, compiled by the same dialect (bound values processed as usual)."""

    inherit_cache = False

    def __init__(self, statement: AnySelect) -> None:
        self.statement = statement


@compiles(_Explain)
def _compile_explain(element: _Explain, compiler: SQLCompiler, **kw: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if compiler.dialect.name == "sqlite" else "EXPLAIN "
    return prefix + compiler.process(element.statement, **kw)


def explain_inbox(session: Session, user: StaffUser, **filters: Any) -> list[str]:
    """The database's query plan of an inbox page (the filters of `inbox`, without reference)."""
    stmt = inbox_statement(session, user, **filters)
    if stmt is None:
        return []
    rows = session.connection().execute(_Explain(stmt)).all()
    return [" | ".join(str(value) for value in row) for row in rows]
