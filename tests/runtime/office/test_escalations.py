"""Escalations: a case left `after_days` working days past its due date is flagged to a role.

The clock is fixed. Domisili's state `diajukan` (1 working day) escalates to a head of agency
(`kadis`, a role without transitions) two working days after the due date. A case filed on
Wednesday 29 April 2026 is due Thursday 30 April; Friday 1 May is Labour Day (a national
holiday), so the two working days after the due date are Monday 4 and Tuesday 5 May.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from sqlalchemy import update
from sqlmodel import col

from builder.canonical import digest
from runtime import auth, store
from runtime.casework.inbox import inbox
from runtime.models import Submission, User
from runtime.notify.jobs import REGISTRY, JobContext
from runtime.oversight.escalations import ESCALATED_ACTION, escalate_due
from runtime.workdays import WIB, Calendar
from tests.runtime.office.conftest import (
    DOMISILI,
    Filed,
    Office,
    parse,
    password_hash,
)

FILED = dt.datetime(2026, 4, 29, 10, 0, tzinfo=WIB)  # Wednesday
MONDAY = dt.datetime(2026, 5, 4, 16, 0, tzinfo=WIB)  # one working day overdue (1 May is a holiday)
TUESDAY = dt.datetime(2026, 5, 5, 8, 0, tzinfo=WIB)  # two working days overdue


def with_escalation(office: Office) -> None:
    """Publish domisili v2 with a head of agency `kadis` who gets escalations of `diajukan`."""
    definition = copy.deepcopy(office.definitions[DOMISILI])
    definition["roles"]["kadis"] = {"id": "Kepala Dinas", "en": "Head of Agency"}
    definition["workflow"]["states"]["diajukan"]["escalate"] = {"after_days": 2, "to": "kadis"}
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        user = User(username="kadis.uji", display_name="Kadis Uji", password_hash=password_hash())
        session.add(user)
        session.flush()
        auth.grant(session, user=user, agency_id="disdukcapil", role="kadis")
        assert user.id is not None
        office.user_ids["kadis.uji"] = user.id
        session.commit()
    office.definitions[DOMISILI] = definition


def escalate(office: Office, now: dt.datetime) -> int:
    return escalate_due(office.engine, Calendar(), now)


def escalations(office: Office, filed: Filed) -> list[dict[str, object]]:
    return [e.details or {} for e in office.events(filed.id) if e.action == ESCALATED_ACTION]


@pytest.mark.postgres
def test_escalated_after_n_working_days_over_a_holiday_once(office: Office) -> None:
    with_escalation(office)
    filed = office.file_case(now=FILED)
    due = office.case(filed.id).due_at
    assert due is not None and due.astimezone(WIB).date() == dt.date(2026, 4, 30)
    assert escalate(office, FILED) == 0
    assert escalate(office, MONDAY) == 0  # Friday was a holiday: only one working day late
    assert escalations(office, filed) == []
    assert escalate(office, TUESDAY) == 1
    assert escalate(office, TUESDAY + dt.timedelta(hours=1)) == 0  # once per stay in the state
    assert escalate(office, TUESDAY + dt.timedelta(days=3)) == 0
    assert escalations(office, filed) == [
        {"to_role": "kadis", "state": "diajukan", "days_overdue": 2}
    ]
    (event,) = [e for e in office.events(filed.id) if e.action == ESCALATED_ACTION]
    assert event.actor_kind == "system" and event.actor_user_id is None
    assert event.to_state is None  # internal: never on the citizen's timeline
    with office.session() as session:
        public = store.list_public_events(session, filed.id)
    assert ESCALATED_ACTION not in [e.action for e in public]


@pytest.mark.postgres
def test_a_cuti_bersama_day_counts_as_a_day_off(office: Office) -> None:
    with_escalation(office)
    office.file_case(now=FILED)
    assert escalate_due(office.engine, Calendar([dt.date(2026, 5, 4)]), TUESDAY) == 0
    assert (
        escalate_due(office.engine, Calendar([dt.date(2026, 5, 4)]), TUESDAY + dt.timedelta(days=1))
        == 1
    )


@pytest.mark.postgres
def test_only_escalating_states_of_open_running_cases(office: Office) -> None:
    before = office.file_case(now=FILED)  # version 1 has no escalation
    with_escalation(office)
    moved = office.file_case(now=FILED, state="diverifikasi")  # no escalation in that state
    paused = office.file_case(now=FILED)
    office_update(office, paused.id, sla_paused=True)
    assert escalate(office, TUESDAY + dt.timedelta(days=7)) == 0
    assert all(escalations(office, f) == [] for f in (before, moved, paused))


def office_update(office: Office, case_id: str, **values: object) -> None:
    with office.session() as session:
        session.exec(update(Submission).where(col(Submission.id) == case_id).values(**values))
        session.commit()


@pytest.mark.postgres
def test_a_new_stay_in_the_state_can_escalate_again(office: Office) -> None:
    with_escalation(office)
    filed = office.file_case(now=FILED)
    assert escalate(office, TUESDAY) == 1
    # the case went back and forth and came back to the state on Wednesday 6 May, due Thursday
    back = dt.datetime(2026, 5, 6, 9, 0, tzinfo=WIB)
    office_update(office, filed.id, state_entered_at=back, due_at=Calendar().due_at(back, 1))
    assert escalate(office, dt.datetime(2026, 5, 8, 9, 0, tzinfo=WIB)) == 0  # 1 day late
    assert escalate(office, dt.datetime(2026, 5, 11, 9, 0, tzinfo=WIB)) == 1
    assert len(escalations(office, filed)) == 2


@pytest.mark.postgres
def test_the_escalation_role_sees_the_case_flagged(office: Office) -> None:
    with_escalation(office)
    late = office.file_case(now=FILED)
    fresh = office.file_case(now=TUESDAY)
    escalate(office, TUESDAY)
    with office.session() as session:
        head = inbox(session, office.staff("kadis.uji"), now=TUESDAY).rows
        officer = inbox(session, office.staff("petugas.uji"), now=TUESDAY).rows
    # the head sees only the escalated case; the officer sees both, the late one flagged
    assert [(r.id, r.escalated) for r in head] == [(late.id, True)]
    assert {(r.id, r.escalated) for r in officer} == {(late.id, True), (fresh.id, False)}

    client = office.login("kadis.uji")
    page = parse(client.get("/kantor"))
    row = page.css_first(f'tr[data-case="{late.id}"]')
    assert row is not None and row.css_first(".tag.escalated").text() == "Eskalasi"
    assert page.css_first(f'tr[data-case="{fresh.id}"]') is None

    case_page = client.get(f"/kantor/kasus/{late.id}")
    assert case_page.status_code == 200
    doc = parse(case_page)
    shown = doc.css_first("#case-escalation")
    assert shown is not None and "Kepala Dinas" in shown.text()
    assert "2 hari kerja" in shown.text()
    assert doc.css("form.action") == []  # the head has no transition here: read-only

    citizen = office.client()
    status = citizen.get(f"/status/{late.reference}/{late.secret}")
    assert status.status_code == 200
    assert "Eskalasi" not in status.text and "Kepala Dinas" not in status.text


def test_the_worker_registers_the_job_hourly(office: Office) -> None:
    import runtime.oversight.jobs  # noqa: F401  (loket worker and loket serve import it)

    job = REGISTRY["escalate"]
    assert job.every == dt.timedelta(hours=1)
    with_escalation(office)
    office.file_case(now=FILED)
    result = job.run(JobContext(office.engine, office.settings, TUESDAY))
    assert result.endswith(": 1")
