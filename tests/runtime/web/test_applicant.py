"""The applicant's side of the workflow: correct and resubmit after a send-back, withdraw."""

from __future__ import annotations

import datetime as dt

import pytest
from httpx2 import Response
from sqlmodel import select

from builder import values
from builder.model import sources
from runtime import auth
from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.models import CaseEvent, Submission

from .conftest import Citizen, Loket, attr, csrf_of, file_a_case, parse

DOMISILI = "disdukcapil/surat-keterangan-domisili"
SKTM = "dinsos/surat-keterangan-tidak-mampu"  # tanggal_masuk: min today-90d, max today+30d


def _case(loket: Loket, link: str) -> Submission:
    reference = link.split("/")[2]
    with loket.session() as session:
        return session.exec(select(Submission).where(Submission.reference == reference)).one()


def _send_back(
    loket: Loket,
    case: Submission,
    service: str = DOMISILI,
    comment: str = "Foto KTP buram, unggah ulang.",
) -> str:
    """An officer sends the case back for correction; returns the state it is now in."""
    definition = loket.definitions[service]
    states = definition["workflow"]["states"]
    transition = next(
        t
        for t in definition["workflow"]["transitions"]
        if case.state in sources(t) and states[t["to"]].get("applicant_edits")
    )
    with loket.session() as session:
        officer = auth.create_user(
            session,
            username="petugas.uji",
            display_name="Petugas",
            password="kalimat-sandi-yang-panjang-sekali",
        )
        session.commit()
        assert officer.id is not None
        cases.apply_transition(
            session,
            case_id=case.id,
            actor=Actor.user(officer.id, transition["roles"]),
            action=transition["action"],
            comment=comment,
            expected_row_version=case.row_version,
            calendar=loket.app.state.calendar,
        )
    return str(transition["to"])


def test_send_back_then_correct_and_resubmit(loket: Loket) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    case = _case(loket, link)
    waiting = _send_back(loket, case)
    status = parse(citizen.get(link))
    assert "Foto KTP buram, unggah ulang." in status.css_first("ol.timeline").text()
    form = next(
        f for f in status.css("form") if f.attributes.get("action", "").endswith("/perbaiki")
    )
    started = citizen.client.post(form.attributes["action"], data={"csrf_token": csrf_of(status)})
    assert started.status_code == 303
    first = citizen.follow(started)
    # the form comes back pre-filled with the filed answers
    name_input = parse(first).css_first("input[name=nama]")
    assert name_input is not None and name_input.attributes["value"] == case.answers["nama"]
    check = citizen.fill_all(first)
    sent = citizen.submit(check)
    assert sent.status_code == 303 and sent.headers["location"] == f"{link}?terkirim=perbaikan"
    after = _case(loket, link)
    assert after.state != waiting
    assert after.row_version == case.row_version + 2
    assert after.sla_paused is False and after.due_at is not None
    assert loket.count(Submission) == 1
    with loket.session() as session:
        actions = [
            e.action
            for e in session.exec(
                select(CaseEvent).where(CaseEvent.submission_id == case.id).order_by(CaseEvent.id)
            )
        ]
    assert actions[0] == "submit" and actions[-1] != "submit" and len(actions) == 3


def _correct_and_resubmit(citizen: Citizen, link: str) -> Response:
    """Open the sent-back case for correction, go through every page again and send it."""
    status = parse(citizen.get(link))
    form = next(
        f for f in status.css("form") if f.attributes.get("action", "").endswith("/perbaiki")
    )
    started = citizen.client.post(form.attributes["action"], data={"csrf_token": csrf_of(status)})
    assert started.status_code == 303
    return citizen.submit(citizen.fill_all(citizen.follow(started)))


def test_dates_bounded_by_today_count_from_the_filing_day_on_resubmission(
    loket: Loket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filed with the earliest date allowed (today-90d); corrected a day later: still accepted,
    because "today" is the day the case was first filed. A new application that day is not."""
    filed_on = values.today()
    citizen, link = file_a_case(loket, SKTM)
    case = _case(loket, link)
    earliest = (filed_on - dt.timedelta(days=90)).isoformat()
    assert case.answers["tanggal_masuk"] == earliest
    waiting = _send_back(loket, case, SKTM)
    monkeypatch.setattr(values, "today", lambda: filed_on + dt.timedelta(days=1))
    sent = _correct_and_resubmit(citizen, link)
    assert sent.status_code == 303 and sent.headers["location"] == f"{link}?terkirim=perbaikan", (
        sent.text[:3000]
    )
    after = _case(loket, link)
    assert after.state != waiting and after.answers["tanggal_masuk"] == earliest
    # the clock did move: a new application with that date is refused today
    newcomer = loket.citizen(SKTM, loket.new_client())
    compiled = newcomer.compiled
    _, errors = compiled.check({**after.answers, "tanggal_masuk": earliest})
    assert [(e.pointer, e.rule) for e in errors] == [("/tanggal_masuk", "min")]
    assert compiled.check(after.answers, filed_on)[1] == []


def test_withdraw_ends_the_case(loket: Loket) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    status = parse(citizen.get(link))
    form = next(f for f in status.css("form") if f.attributes.get("action", "").endswith("/tarik"))
    version = form.css_first("input[name=row_version]").attributes["value"]
    asked = citizen.client.post(
        form.attributes["action"],
        data={
            "csrf_token": csrf_of(status),
            "row_version": version,
            "comment": "Sudah tidak perlu",
        },
    )
    # the first press asks to confirm (a page, no JavaScript), the reason kept; nothing changed
    assert asked.status_code == 200
    assert _case(loket, link).final_outcome is None
    confirm = parse(asked)
    assert confirm.css_first("h1").text().strip() == "Tarik kembali permohonan ini?"
    assert confirm.css_first("textarea[name=comment]").text() == "Sudah tidak perlu"
    assert attr(confirm.css_first("a[href='" + link + "']"), "href") == link  # cancel
    done = citizen.post_form(asked, fill=False)
    assert done.status_code == 303
    case = _case(loket, link)
    assert case.final_outcome == "withdrawn" and case.due_at is None
    again = parse(citizen.get(link))
    assert not [f for f in again.css("form") if f.attributes.get("action", "").endswith("/tarik")]


def test_withdraw_needs_the_status_link_and_csrf(loket: Loket) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    case = _case(loket, link)
    wrong = link.rsplit("/", 1)[0] + "/" + "y" * 22
    status = parse(citizen.get(link))
    refused = citizen.client.post(
        f"{wrong}/tarik", data={"csrf_token": csrf_of(status), "row_version": str(case.row_version)}
    )
    assert refused.status_code == 404
    forged = citizen.client.post(
        f"{link}/tarik", data={"csrf_token": "x" * 64, "row_version": str(case.row_version)}
    )
    assert forged.status_code == 403
    assert _case(loket, link).row_version == case.row_version
