"""A complaint (`"kind": "pengaduan"`) is called a complaint everywhere: in the messages to the
citizen and on the officer's inbox and case pages, in Indonesian and English.

The complaint example is filed through the citizen pages (in each language), an officer of
Diskominfo works it through the back office; the queued messages and the pages must never say
"permohonan" / "application".
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from runtime import auth
from runtime.models import OutboxMessage, Submission
from tests import kit

from .conftest import Loket, attr, csrf_of, file_a_case, parse

COMPLAINT = "diskominfo/pengaduan-masyarakat"
DOMISILI = "disdukcapil/surat-keterangan-domisili"
PASSWORD = "kalimat-sandi-yang-panjang-sekali"
WRONG = {"id": re.compile(r"permohonan", re.I), "en": re.compile(r"application", re.I)}
RIGHT = {"id": re.compile(r"\baduan\b", re.I), "en": re.compile(r"\bcomplaints?\b", re.I)}


def _officer(loket: Loket, agency: str, role: str, username: str) -> TestClient:
    with loket.session() as session:
        user = auth.create_user(
            session, username=username, display_name=username.title(), password=PASSWORD
        )
        auth.grant(session, user=user, agency_id=agency, role=role)
        session.commit()
    return kit.signed_in(loket.new_client(), username, PASSWORD, "/kantor")


def _file(loket: Loket, lang: str) -> Submission:
    client = loket.new_client()
    client.get(f"/?lang={lang}")  # the language cookie: the case is filed in `lang`
    _, link = file_a_case(loket, COMPLAINT, client)
    with loket.session() as session:
        query = select(Submission).where(Submission.reference == link.split("/")[2])
        case = session.exec(query).one()
    assert case.language == lang
    return case


def _text(html: str) -> str:
    """What a page says (its visible text and its title)."""
    doc = parse(html)
    return " ".join(node.text(separator=" ") for node in doc.css("title, body"))


@pytest.mark.postgres
def test_a_complaints_messages_say_complaint(loket: Loket) -> None:
    officer = _officer(loket, "diskominfo", "admin", "admin.aduan")
    for lang in ("id", "en"):
        case = _file(loket, lang)
        page = parse(officer.get(f"/kantor/kasus/{case.id}"))
        form = page.css_first("form#action-minta_perbaikan")
        sent = officer.post(
            f"/kantor/kasus/{case.id}/aksi",
            data={
                "csrf_token": csrf_of(page),
                "action": "minta_perbaikan",
                "comment": "Lampirkan foto lokasi.",
                "row_version": attr(form.css_first("input[name=row_version]"), "value"),
            },
        )
        assert sent.status_code == 303
        with loket.session() as session:
            rows = session.exec(
                select(OutboxMessage).where(OutboxMessage.submission_id == case.id)
            ).all()
        kinds = {row.kind for row in rows}
        assert {"case.received", "case.sent_back"} <= kinds, kinds
        for row in rows:
            words = f"{row.subject} {row.body}"
            assert not WRONG[lang].search(words), (lang, row.kind, words)
            assert RIGHT[lang].search(row.body if lang == "id" else words), (lang, row.body)


@pytest.mark.postgres
def test_the_office_pages_of_a_complaint_say_complaint(loket: Loket) -> None:
    case = _file(loket, "id")
    officer = _officer(loket, "diskominfo", "admin", "admin.aduan")
    for lang in ("id", "en"):
        inbox = officer.get(f"/kantor?lang={lang}")
        assert case.reference in inbox.text
        case_page = officer.get(f"/kantor/kasus/{case.id}?lang={lang}")
        empty = officer.get(f"/kantor?lang={lang}&nomor=LKT-00000-00000")
        for response in (inbox, case_page, empty):
            assert response.status_code == 200
            text = _text(response.text)
            assert not WRONG[lang].search(text), (lang, WRONG[lang].findall(text), text[:3000])
        assert RIGHT[lang].search(parse(case_page).css_first("#panel-title").text())
        assert RIGHT[lang].search(parse(empty).css_first("#inbox-empty").text())
    # the words that follow the kind, where they are
    page = parse(officer.get(f"/kantor/kasus/{case.id}?lang=id"))
    assert page.css_first("#panel-title").text() == "Status aduan"
    assert "Aduan selesai dengan status" in page.css_first("form#action-tolak").text()
    inbox_doc = parse(officer.get("/kantor?lang=id"))
    assert inbox_doc.css_first("label[for=f-nomor]").text() == "Nomor aduan"
    assert inbox_doc.css("thead th")[1].text() == "Nama pelapor"


@pytest.mark.postgres
def test_an_officer_of_both_kinds_reads_both_words(loket: Loket) -> None:
    officer = _officer(loket, "diskominfo", "admin", "admin.dua")
    with loket.session() as session:
        user = auth.find_user(session, "admin.dua")
        assert user is not None
        auth.grant(session, user=user, agency_id="disdukcapil", role="petugas")
        session.commit()
    doc = parse(officer.get("/kantor?lang=id"))
    assert doc.css_first("main p").text().startswith("Permohonan dan aduan yang menunggu")
    assert doc.css_first("label[for=f-nomor]").text() == "Nomor permohonan atau aduan"
    # an application's case page keeps its own word
    filed, _ = file_a_case(loket, DOMISILI)
    with loket.session() as session:
        case = session.exec(select(Submission).where(Submission.agency_id == "disdukcapil")).one()
    assert filed is not None
    page = parse(officer.get(f"/kantor/kasus/{case.id}"))
    assert page.css_first("#panel-title").text() == "Status permohonan"
    # the inbox of both kinds heads the sender's name with a word for both
    assert parse(officer.get("/kantor?lang=id")).css("thead th")[1].text() == "Nama pengirim"
    assert parse(officer.get("/kantor?lang=en")).css("thead th")[1].text() == "Sender's name"


@pytest.mark.postgres
def test_the_complainant_and_the_report_of_complaints_are_named_so(loket: Loket) -> None:
    case = _file(loket, "id")
    officer = _officer(loket, "diskominfo", "admin", "admin.laporan")
    panel = parse(officer.get(f"/kantor/kasus/{case.id}?lang=id"))
    label = panel.css_first("#case-applicant").parent.css_first("dt").text()
    assert label == "Nama pelapor"
    english = parse(officer.get(f"/kantor/kasus/{case.id}?lang=en"))
    assert english.css_first("#case-applicant").parent.css_first("dt").text() == (
        "Complainant's name"
    )
    for lang, total in (("id", "Jumlah aduan"), ("en", "Complaints")):
        report = officer.get(f"/kantor/laporan/diskominfo?lang={lang}")
        assert report.status_code == 200
        text = _text(report.text)
        assert not WRONG[lang].search(text), (lang, WRONG[lang].findall(text))
        section = parse(report).css_first("#service-pengaduan-masyarakat")
        assert section.css_first("dl dt").text() == total
