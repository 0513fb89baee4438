"""The submissions and transitions counters count what was committed, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from runtime import store
from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.observability import SUBMISSIONS, TRANSITIONS
from tests.runtime.office.conftest import DOMISILI, Office


def _value(counter: object, agency: str) -> float:
    return float(counter.labels(agency)._value.get())  # type: ignore[attr-defined]


def test_filings_and_transitions_are_counted_when_committed(office: Office) -> None:
    filed_before = _value(SUBMISSIONS, "disdukcapil")
    moved_before = _value(TRANSITIONS, "disdukcapil")
    filed = office.file_case()
    assert _value(SUBMISSIONS, "disdukcapil") == filed_before + 1
    assert _value(TRANSITIONS, "disdukcapil") == moved_before  # filing is no transition
    office.approve(filed.id)  # verifikasi, then setujui
    assert _value(TRANSITIONS, "disdukcapil") == moved_before + 2
    assert _value(SUBMISSIONS, "disdukcapil") == filed_before + 1


def test_a_refused_transition_is_not_counted(office: Office) -> None:
    filed = office.file_case()
    before = _value(TRANSITIONS, "disdukcapil")
    staff = office.staff("petugas.uji")
    actor = Actor.user(staff.id, sorted(staff.roles_in("disdukcapil")))
    with Session(office.engine) as session, pytest.raises(cases.AlreadyProcessed):
        cases.apply_transition(
            session,
            case_id=filed.id,
            actor=actor,
            action="verifikasi",
            comment="",
            expected_row_version=99,  # someone else was first
            calendar=office.calendar,
        )
    assert _value(TRANSITIONS, "disdukcapil") == before


def test_a_rolled_back_filing_is_not_counted(office: Office) -> None:
    before = _value(SUBMISSIONS, "disdukcapil")
    definition = office.definitions[DOMISILI]
    with office.session() as session:
        version = store.current_version(session, definition["agency"], definition["id"])
        assert version is not None and version.id is not None
        draft = store.create_draft(
            session, service_version_id=version.id, ttl=dt.timedelta(hours=1)
        )
        session.commit()
        store.submit_draft(
            session, draft_id=draft.id, answers={}, initial_state="diajukan", due_at=None
        )
        session.rollback()
    assert _value(SUBMISSIONS, "disdukcapil") == before
