"""The officers' deadline digest: a daily e-mail, on working days, of cases due soon and overdue.

An officer chooses per agency whether to get it and how far ahead it looks (1–10 working days,
``digest_preferences``). The daily job puts one e-mail per officer in the outbox (all their
chosen agencies together), with the idempotency key ``digest:<user>:<date>``: a second run on
the same day adds nothing. An officer with nothing due gets no e-mail. The e-mail names the
case's reference, service, state and due date only: no personal data of the citizen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from builder.messages import DEFAULT_KIND, kind_of
from builder.texts import localise
from runtime import db
from runtime.auth import StaffUser
from runtime.casework import inbox
from runtime.i18n import kind_nouns
from runtime.models import Agency, DigestPreference, Membership, ServiceVersion, Submission, User
from runtime.notify.outbox import enqueue
from runtime.workdays import WIB, Calendar

MIN_DAYS = 1
MAX_DAYS = 10
DEFAULT_DAYS = 3
KIND = "digest.deadlines"


@dataclass(frozen=True)
class DigestCase:
    """One case of a digest (no personal data of the citizen)."""

    case_id: str
    reference: str
    agency_id: str
    service: str
    state: str
    due_at: dt.datetime
    overdue: bool
    kind: str = DEFAULT_KIND  # what the citizen sent (the service's `kind`): the digest's words


class DigestError(ValueError):
    """A preference that cannot be stored (unknown agency, days out of range)."""


def preferences(session: Session, user_id: int) -> dict[str, int]:
    """The user's digest choices: agency -> working days ahead."""
    rows = session.exec(select(DigestPreference).where(DigestPreference.user_id == user_id)).all()
    return {row.agency_id: row.days for row in rows}


def set_preference(
    session: Session, user: StaffUser, agency_id: str, days: int | None, now: dt.datetime
) -> None:
    """Opt in (days) or out (None) of the digest for one of the user's agencies; commits."""
    if agency_id not in user.agencies:
        raise DigestError(agency_id)
    if days is not None and not MIN_DAYS <= days <= MAX_DAYS:
        raise DigestError(str(days))
    with db.serialised_writes(session):
        found = session.get(DigestPreference, (user.id, agency_id))
        if days is None:
            if found is not None:
                session.delete(found)
        elif found is None:
            session.add(
                DigestPreference(user_id=user.id, agency_id=agency_id, days=days, updated_at=now)
            )
        else:
            found.days = days
            found.updated_at = now
            session.add(found)
        session.commit()


def _staff(session: Session, user: User) -> StaffUser:
    roles: dict[str, set[str]] = {}
    for membership in session.exec(select(Membership).where(Membership.user_id == user.id)).all():
        roles.setdefault(membership.agency_id, set()).add(membership.role)
    assert user.id is not None
    return StaffUser(
        user.id,
        user.username,
        user.display_name,
        frozenset(user.global_roles),
        {agency: frozenset(found) for agency, found in roles.items()},
        "",
    )


def digest_cases(
    session: Session,
    user: StaffUser,
    agency_id: str,
    days: int,
    calendar: Calendar,
    now: dt.datetime,
) -> list[DigestCase]:
    """Cases of an agency the user may act on, overdue or due within `days` working days."""
    horizon = calendar.due_at(now, days)
    definitions: dict[int, Mapping[str, Any]] = {}
    found: dict[str, DigestCase] = {}
    for lane in inbox.lanes(session, user):
        if lane.agency_id != agency_id or lane.escalated_only:
            continue
        stmt = select(Submission).where(
            col(Submission.agency_id) == agency_id,
            col(Submission.state) == lane.state,
            col(Submission.due_at).is_not(None),
            col(Submission.due_at) <= horizon,
        )
        if lane.version_ids is not None:
            stmt = stmt.where(col(Submission.service_version_id).in_(sorted(lane.version_ids)))
        for case in session.exec(stmt).all():
            assert case.due_at is not None
            if case.service_version_id not in definitions:
                version = session.get(ServiceVersion, case.service_version_id)
                definitions[case.service_version_id] = version.definition if version else {}
            definition = definitions[case.service_version_id]
            state = definition.get("workflow", {}).get("states", {}).get(case.state, {})
            found[case.id] = DigestCase(
                case.id,
                case.reference,
                agency_id,
                localise(definition.get("title"), "id") or "",
                localise(state.get("label"), "id") or case.state,
                case.due_at,
                case.due_at < now,
                kind_of(definition),
            )
    return sorted(found.values(), key=lambda c: (c.due_at, c.reference))


def digest_text(
    agencies: Sequence[tuple[str, list[DigestCase]]], base_url: str | None, day: dt.date
) -> tuple[str, str]:
    """(subject, body) of one officer's digest: Bahasa Indonesia, then English."""
    overdue = sum(c.overdue for _, found in agencies for c in found)
    soon = sum(not c.overdue for _, found in agencies for c in found)
    subject = (
        f"Ringkasan tenggat {day:%d-%m-%Y}: {overdue} terlambat, {soon} segera jatuh tempo"
        f" / Deadline digest: {overdue} overdue, {soon} due soon"
    )
    kinds = {c.kind for _, found in agencies for c in found}
    lines = [
        f"{kind_nouns(kinds, 'id')['Nouns']} yang terlambat atau segera jatuh tempo di instansi Anda.",
        f"{kind_nouns(kinds, 'en')['Nouns']} overdue or due soon in your agencies.",
    ]
    for name, found in agencies:
        lines += ["", f"== {name} =="]
        for late, title in ((True, "Terlambat / Overdue"), (False, "Segera / Due soon")):
            chosen = [c for c in found if c.overdue is late]
            if not chosen:
                continue
            lines.append(f"{title}:")
            for case in chosen:
                due = case.due_at.astimezone(WIB).strftime("%d-%m-%Y")
                line = f"- {case.reference} · {case.service} · {case.state} · {due}"
                if base_url:
                    line += f" · {base_url.rstrip('/')}/kantor/kasus/{case.case_id}"
                lines.append(line)
    lines += [
        "",
        "Ubah atau hentikan ringkasan ini di halaman Kotak masuk.",
        "Change or stop this digest on the Inbox page.",
    ]
    return subject, "\n".join(lines) + "\n"


def send_digests(
    engine: Engine, calendar: Calendar, now: dt.datetime, base_url: str | None = None
) -> int | None:
    """Queue today's digests; None on a day off (nothing is sent), else how many were queued."""
    day = now.astimezone(WIB).date()
    if not calendar.is_working_day(day):
        return None
    queued = 0
    with Session(engine) as session:
        rows = session.exec(
            select(User, DigestPreference)
            .join(DigestPreference, col(DigestPreference.user_id) == col(User.id))
            .where(col(User.is_active).is_(True), col(User.email).is_not(None), User.email != "")
            .order_by(col(User.id), col(DigestPreference.agency_id))
        ).all()
        chosen: dict[int, tuple[User, list[DigestPreference]]] = {}
        for user, preference in rows:
            assert user.id is not None
            chosen.setdefault(user.id, (user, []))[1].append(preference)
        names = {a.id: a.name for a in session.exec(select(Agency)).all()}
        for user_id, (user, prefs) in chosen.items():
            staff = _staff(session, user)
            parts = [
                (names.get(p.agency_id, p.agency_id), found)
                for p in prefs
                if (found := digest_cases(session, staff, p.agency_id, p.days, calendar, now))
            ]
            if not parts:
                continue
            subject, body = digest_text(parts, base_url, day)
            with db.serialised_writes(session):
                added = enqueue(
                    session,
                    kind=KIND,
                    channel="email",
                    recipient=str(user.email),
                    subject=subject,
                    body=body,
                    idempotency_key=f"digest:{user_id}:{day.isoformat()}",
                    now=now,
                )
                session.commit()
            queued += int(added)
    return queued
