"""Applying workflow actions to stored cases: exactly once, all or nothing, with SLA clocks."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from runtime import store
from runtime.casework import cases
from runtime.casework.cases import (
    AlreadyProcessed,
    CaseForbidden,
    CaseNotFound,
    apply_transition,
    open_case,
)
from runtime.casework.workflow import ActionRefused, Actor
from runtime.db import make_engine
from tests.runtime.office.conftest import SKTM, Office

MONDAY = dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC)  # 09:00 WIB, a working day


def act(
    office: Office,
    case_id: str,
    actor: Actor,
    action: str,
    *,
    comment: str | None = None,
    version: int | None = None,
    now: dt.datetime = MONDAY,
) -> cases.Applied:
    """Apply an action in a new session."""
    with office.session() as session:
        expected = version if version is not None else office.case(case_id).row_version
        return apply_transition(
            session,
            case_id=case_id,
            actor=actor,
            action=action,
            comment=comment,
            expected_row_version=expected,
            calendar=office.calendar,
            issuer=office.issuer(),
            now=now,
        )


def officer(office: Office, username: str) -> Actor:
    """The actor of an officer with their roles in disdukcapil."""
    staff = office.staff(username)
    return Actor.user(staff.id, sorted(staff.roles_in("disdukcapil")))


def test_a_transition_moves_the_case_and_records_one_event(office: Office) -> None:
    filed = office.file_case(now=MONDAY)
    applied = act(office, filed.id, officer(office, "petugas.uji"), "verifikasi", comment="Lengkap")
    case = office.case(filed.id)
    assert (case.state, case.row_version, case.sla_paused, case.final_outcome) == (
        "diverifikasi",
        2,
        False,
        None,
    )
    assert case.state_entered_at == MONDAY
    assert case.due_at == office.calendar.due_at(MONDAY, 2)  # diverifikasi: 2 working days
    assert applied.case.row_version == 2
    events = office.events(filed.id)
    assert [e.action for e in events] == ["submit", "verifikasi"]
    last = events[-1]
    assert (last.actor_kind, last.actor_role, last.from_state, last.to_state, last.comment) == (
        "user",
        "petugas",
        "diajukan",
        "diverifikasi",
        "Lengkap",
    )
    assert last.actor_user_id == office.user_ids["petugas.uji"]


def test_a_stale_row_version_is_already_processed_and_writes_nothing(office: Office) -> None:
    filed = office.file_case(now=MONDAY)
    act(office, filed.id, officer(office, "petugas.uji"), "verifikasi")
    with pytest.raises(AlreadyProcessed) as caught:
        act(office, filed.id, officer(office, "petugas.uji"), "tolak", comment="x", version=1)
    assert caught.value.current_state == "diverifikasi"
    assert caught.value.row_version == 2
    assert office.case(filed.id).state == "diverifikasi"
    assert len(office.events(filed.id)) == 2


@pytest.mark.parametrize(
    ("username", "action", "comment", "code"),
    [
        ("kepala.uji", "verifikasi", None, "action-not-allowed"),
        ("petugas.uji", "tolak", "   ", "comment-required"),
        ("arsip.uji", "verifikasi", None, "action-not-allowed"),
    ],
)
def test_refused_actions_pass_through_and_write_nothing(
    office: Office, username: str, action: str, comment: str | None, code: str
) -> None:
    filed = office.file_case(now=MONDAY)
    with pytest.raises(ActionRefused) as caught:
        act(office, filed.id, officer(office, username), action, comment=comment)
    assert caught.value.code == code
    case = office.case(filed.id)
    assert (case.state, case.row_version) == ("diajukan", 1)
    assert len(office.events(filed.id)) == 1


def test_the_clock_pauses_for_the_applicant_and_restarts_on_resubmission(office: Office) -> None:
    filed = office.file_case(now=MONDAY)
    act(office, filed.id, officer(office, "petugas.uji"), "minta_perbaikan", comment="Foto buram")
    waiting = office.case(filed.id)
    assert (waiting.state, waiting.due_at, waiting.sla_paused) == ("perlu_perbaikan", None, True)
    later = MONDAY + dt.timedelta(days=10)
    with office.session() as session:
        apply_transition(
            session,
            case_id=filed.id,
            actor=Actor.applicant(),
            action="kirim_ulang",
            comment=None,
            expected_row_version=2,
            calendar=office.calendar,
            answers={**waiting.answers, "rt": "006"},
            now=later,
        )
    back = office.case(filed.id)
    assert (back.state, back.sla_paused, back.row_version) == ("diajukan", False, 3)
    assert back.due_at == office.calendar.due_at(later, 1)
    assert back.answers["rt"] == "006"
    assert office.events(filed.id)[-1].actor_kind == "applicant"


def test_a_final_state_clears_the_due_date(office: Office) -> None:
    filed = office.file_case(now=MONDAY)
    act(office, filed.id, officer(office, "petugas.uji"), "tolak", comment="Bukan warga kota")
    case = office.case(filed.id)
    assert (case.state, case.due_at, case.sla_paused, case.final_outcome) == (
        "ditolak",
        None,
        False,
        "rejected",
    )
    with pytest.raises(ActionRefused) as caught:
        act(office, filed.id, officer(office, "kepala.uji"), "setujui")
    assert caught.value.code == "case-closed"


def test_separation_of_duties_uses_the_last_decision_not_views(office: Office) -> None:
    filed = office.file_case(now=MONDAY)
    both = Actor.user(office.user_ids["petugas.uji"], ["petugas", "kepala"])
    act(office, filed.id, both, "verifikasi")
    with office.session() as session:
        cases.record_nik_view(
            session, case_id=filed.id, user_id=office.user_ids["kepala.uji"], field="nik"
        )
        assert cases.last_decided_by(session, filed.id) == office.user_ids["petugas.uji"]
    with pytest.raises(ActionRefused):
        act(office, filed.id, both, "setujui")  # distinct_actor: not the one who verified
    act(office, filed.id, officer(office, "kepala.uji"), "setujui")
    assert office.case(filed.id).final_outcome == "approved"


def test_access_events_are_recorded_without_a_state_change(office: Office) -> None:
    filed = office.file_case(now=MONDAY)
    attachment = office.attach(filed.id)
    user = office.user_ids["petugas.uji"]
    with office.session() as session:
        cases.record_nik_view(session, case_id=filed.id, user_id=user, field="nik")
        cases.record_download(session, case_id=filed.id, user_id=user, attachment_id=attachment)
    events = office.events(filed.id)
    assert [(e.action, e.to_state, e.details) for e in events[1:]] == [
        ("view_nik", None, {"field": "nik"}),
        ("download_attachment", None, {"attachment_id": attachment}),
    ]
    assert office.case(filed.id).row_version == 1


def test_a_failure_between_the_state_change_and_the_event_leaves_neither(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    filed = office.file_case(now=MONDAY)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "add_event", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        act(office, filed.id, officer(office, "petugas.uji"), "verifikasi")
    monkeypatch.undo()
    case = office.case(filed.id)
    assert (case.state, case.row_version, case.due_at) == (
        "diajukan",
        1,
        office.calendar.due_at(MONDAY, 1),
    )
    assert [e.action for e in office.events(filed.id)] == ["submit"]


def run_together(threads: int, work: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `work` in several threads released at the same moment; collect results and errors."""
    barrier = threading.Barrier(threads)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def runner() -> None:
        barrier.wait()
        try:
            result = work()
        except BaseException as error:
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(result)

    workers = [threading.Thread(target=runner) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return results, errors


def test_twenty_concurrent_transitions_give_one_success_and_one_event(office: Office) -> None:
    filed = office.file_case(now=MONDAY)
    actor = officer(office, "petugas.uji")

    def work() -> cases.Applied:
        with Session(office.engine, expire_on_commit=False) as session:
            return apply_transition(
                session,
                case_id=filed.id,
                actor=actor,
                action="verifikasi",
                comment=None,
                expected_row_version=1,
                calendar=office.calendar,
            )

    results, errors = run_together(20, work)
    assert len(results) == 1, errors
    assert len(errors) == 19
    assert all(isinstance(e, AlreadyProcessed) for e in errors), errors
    assert {e.current_state for e in errors if isinstance(e, AlreadyProcessed)} == {"diverifikasi"}
    assert office.case(filed.id).row_version == 2
    assert [e.action for e in office.events(filed.id)] == ["submit", "verifikasi"]


def test_open_case_hides_other_agencies_and_forbids_unknown_roles(office: Office) -> None:
    filed = office.file_case()
    with office.session() as session:
        opened = open_case(session, case_id=filed.id, user=office.staff("petugas.uji"))
        assert opened.case.id == filed.id and opened.version.number == 1
        with pytest.raises(CaseNotFound):
            open_case(session, case_id=filed.id, user=office.staff("petugas.dinsos"))
        with pytest.raises(CaseForbidden):
            open_case(session, case_id=filed.id, user=office.staff("arsip.uji"))
        with pytest.raises(CaseNotFound):
            open_case(session, case_id="x" * 22, user=office.staff("petugas.uji"))
    sktm = office.file_case(SKTM)
    with office.session() as session, pytest.raises(CaseNotFound):
        open_case(session, case_id=sktm.id, user=office.staff("petugas.uji"))


def test_concurrent_writers_on_sqlite_queue_instead_of_timing_out(office: Office) -> None:
    """Twenty officers acting on twenty cases at once: no "database is locked", on SQLite even
    with a 1 ms busy timeout, because the process serialises its SQLite write transactions."""
    if office.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has row locks; the write lock is for SQLite only")
    engine = make_engine(office.engine.url)
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout=1"))
    filed = [office.file_case(now=MONDAY).id for _ in range(20)]
    actor = officer(office, "petugas.uji")
    queue = list(filed)
    lock = threading.Lock()

    def work() -> cases.Applied:
        with lock:
            case_id = queue.pop()
        with Session(engine, expire_on_commit=False) as session:
            return apply_transition(
                session,
                case_id=case_id,
                actor=actor,
                action="verifikasi",
                comment=None,
                expected_row_version=1,
                calendar=office.calendar,
            )

    try:
        results, errors = run_together(20, work)
    finally:
        engine.dispose()
    assert errors == []
    assert len(results) == 20
    assert {office.case(case_id).state for case_id in filed} == {"diverifikasi"}
