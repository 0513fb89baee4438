"""The officers' deadline digest: working days only, opted-in officers with an address, the
cases they may act on, one e-mail each through the outbox, never twice on the same day.

Friday 1 May 2026 is Labour Day (a national holiday); Monday 4 May is a working day.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select

from runtime import auth
from runtime.models import DigestPreference, OutboxMessage, Submission, User
from runtime.notify.jobs import REGISTRY, JobContext
from runtime.oversight import digests
from runtime.oversight.digests import send_digests, set_preference
from runtime.workdays import WIB, Calendar
from tests.runtime.office.conftest import ANSWERS, NIK, SKTM, Office, csrf_of, parse

HOLIDAY = dt.datetime(2026, 5, 1, 7, 0, tzinfo=WIB)
SATURDAY = dt.datetime(2026, 5, 2, 7, 0, tzinfo=WIB)
MONDAY = dt.datetime(2026, 5, 4, 7, 0, tzinfo=WIB)


def set_email(office: Office, username: str, email: str | None) -> None:
    with office.session() as session:
        user = session.get(User, office.user_ids[username])
        assert user is not None
        auth.set_email(session, user=user, email=email)
        session.commit()


def opt_in(office: Office, username: str, agency: str, days: int | None) -> None:
    with office.session() as session:
        set_preference(session, office.staff(username), agency, days, MONDAY)


def messages(office: Office) -> list[OutboxMessage]:
    with office.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def send(office: Office, now: dt.datetime) -> int | None:
    return send_digests(office.engine, Calendar(), now, "https://loket.example.go.id")


@pytest.mark.postgres
def test_one_digest_per_opted_in_officer_on_working_days_only(office: Office) -> None:
    overdue = office.file_case(now=dt.datetime(2026, 4, 29, 10, 0, tzinfo=WIB))  # due 30 April
    soon = office.file_case(now=dt.datetime(2026, 5, 4, 6, 0, tzinfo=WIB))  # due 5 May
    later = office.file_case(due_at=dt.datetime(2026, 5, 8, 16, 0, tzinfo=WIB))  # due Friday
    signing = office.file_case(
        state="diverifikasi", due_at=dt.datetime(2026, 5, 6, 16, 0, tzinfo=WIB)
    )  # only the head signs
    other = office.file_case(SKTM, now=dt.datetime(2026, 4, 20, 10, 0, tzinfo=WIB))  # dinsos
    for username, email in [
        ("petugas.uji", "petugas@disdukcapil.example.go.id"),
        ("kepala.uji", "kepala@disdukcapil.example.go.id"),
        ("arsip.uji", "arsip@disdukcapil.example.go.id"),  # a role without cases
    ]:
        set_email(office, username, email)
    opt_in(office, "petugas.uji", "disdukcapil", 1)
    opt_in(office, "kepala.uji", "disdukcapil", 3)
    opt_in(office, "arsip.uji", "disdukcapil", 10)
    opt_in(office, "petugas.dinsos", "dinsos", 5)  # no e-mail address: nothing sent

    assert send(office, HOLIDAY) is None
    assert send(office, SATURDAY) is None
    assert messages(office) == []

    assert send(office, MONDAY) == 2
    sent = {m.recipient: m for m in messages(office)}
    assert set(sent) == {"petugas@disdukcapil.example.go.id", "kepala@disdukcapil.example.go.id"}
    officer = sent["petugas@disdukcapil.example.go.id"]
    assert officer.channel == "email" and officer.kind == "digest.deadlines"
    assert officer.idempotency_key == f"digest:{office.user_ids['petugas.uji']}:2026-05-04"
    assert overdue.reference in officer.body and soon.reference in officer.body
    assert later.reference not in officer.body  # beyond one working day
    assert signing.reference not in officer.body and other.reference not in officer.body
    assert officer.body.index(overdue.reference) < officer.body.index(soon.reference)
    assert f"https://loket.example.go.id/kantor/kasus/{overdue.id}" in officer.body
    assert "1 terlambat, 1 segera" in officer.subject
    head = sent["kepala@disdukcapil.example.go.id"]
    # the head acts in both states (sends back, rejects, signs); three days reach Thursday
    assert signing.reference in head.body and overdue.reference in head.body
    assert later.reference not in head.body and other.reference not in head.body
    for message in sent.values():  # no personal data of the citizen
        for secret in (NIK, str(ANSWERS["nama"]), str(ANSWERS["telepon"])):
            assert secret not in message.body and secret not in message.subject

    # again the same day (a second run, another worker): no second e-mail
    assert send(office, MONDAY + dt.timedelta(hours=5)) == 0
    assert len(messages(office)) == 2


@pytest.mark.postgres
def test_closed_cases_and_opted_out_officers_get_nothing(office: Office) -> None:
    filed = office.file_case(now=dt.datetime(2026, 4, 29, 10, 0, tzinfo=WIB))
    set_email(office, "petugas.uji", "petugas@disdukcapil.example.go.id")
    opt_in(office, "petugas.uji", "disdukcapil", 2)
    opt_in(office, "petugas.uji", "disdukcapil", None)
    assert send(office, MONDAY) == 0
    opt_in(office, "petugas.uji", "disdukcapil", 2)
    with office.session() as session:
        session.exec(
            update(Submission)
            .where(col(Submission.id) == filed.id)
            .values(state="selesai", final_outcome="approved", due_at=None)
        )
        session.commit()
    assert send(office, MONDAY) == 0


def test_the_daily_job_runs_at_seven_wib(office: Office) -> None:
    import runtime.oversight.jobs  # noqa: F401  (loket worker and loket serve import it)

    job = REGISTRY["deadline_digest"]
    assert job.period(MONDAY) == "2026-05-04T00:00:00Z"  # 07:00 WIB
    assert job.period(MONDAY - dt.timedelta(minutes=1)) == "2026-05-03T00:00:00Z"
    assert job.run(JobContext(office.engine, office.settings, HOLIDAY)).startswith("bukan hari")
    assert job.run(JobContext(office.engine, office.settings, MONDAY)).endswith(": 0")


@pytest.mark.postgres
def test_the_inbox_page_keeps_the_choices(office: Office) -> None:
    client = office.login("petugas.uji")
    page = parse(client.get("/kantor"))
    assert page.css_first("#digest-form") is not None
    assert page.css_first("#digest-no-email") is not None  # no address yet
    token = csrf_of(page)
    saved = client.post("/kantor/ringkasan", data={"csrf_token": token, "hari_disdukcapil": "5"})
    assert saved.status_code == 303
    with office.session() as session:
        (row,) = session.exec(select(DigestPreference)).all()
    assert (row.user_id, row.agency_id, row.days) == (
        office.user_ids["petugas.uji"],
        "disdukcapil",
        5,
    )
    page = parse(client.get("/kantor?ringkasan=1"))
    chosen = page.css_first("#hari-disdukcapil option[selected]")
    assert chosen is not None and chosen.attributes.get("value") == "5"
    assert page.css_first("#digest-saved") is not None

    for bad in ("11", "0", "x", "5.5"):
        refused = client.post(
            "/kantor/ringkasan", data={"csrf_token": token, "hari_disdukcapil": bad}
        )
        assert refused.status_code == 400
    assert client.post("/kantor/ringkasan", data={"hari_disdukcapil": "3"}).status_code == 403
    off = client.post("/kantor/ringkasan", data={"csrf_token": token, "hari_disdukcapil": ""})
    assert off.status_code == 303
    with office.session() as session:
        assert session.exec(select(func.count()).select_from(DigestPreference)).one() == 0


def test_an_account_address_is_checked(office: Office) -> None:
    with office.session() as session:
        user = session.get(User, office.user_ids["petugas.uji"])
        assert user is not None
        with pytest.raises(auth.AuthError) as refused:
            auth.set_email(session, user=user, email="bukan alamat")
        assert refused.value.code == "bad-email"
        auth.set_email(session, user=user, email="  petugas@example.go.id ")
        assert user.email == "petugas@example.go.id"
        auth.set_email(session, user=user, email="")
        assert user.email is None


def test_the_digest_names_what_the_citizens_sent() -> None:
    due = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)

    def case(kind: str) -> digests.DigestCase:
        return digests.DigestCase("c", "LKT-X", "a", "Layanan", "Diajukan", due, True, kind)

    _, complaints = digests.digest_text([("Diskominfo", [case("pengaduan")])], None, due.date())
    assert complaints.startswith("Aduan yang terlambat") and "\nComplaints overdue" in complaints
    assert "Permohonan" not in complaints and "Applications" not in complaints
    _, both = digests.digest_text(
        [("A", [case("permohonan")]), ("B", [case("pengaduan")])], None, due.date()
    )
    assert both.startswith("Permohonan dan aduan yang terlambat")
