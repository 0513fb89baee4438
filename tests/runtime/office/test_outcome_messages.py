"""The applicant's messages speak the language the case was filed in, and a decision that
issued a document links to that document.

The domicile example notifies by e-mail and WhatsApp when `kabari_saya` is answered yes and
issues a signed letter on `setujui`. SQLite, and PostgreSQL when LOKET_TEST_DATABASE_URL is
set (the `engine` fixture).
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import select

from runtime import store
from runtime.models import IssuedDocument, OutboxMessage, Submission
from runtime.notify import case_messages
from runtime.references import document_secret
from tests.runtime.api.conftest import AGENCY, VALID, publish, variant
from tests.runtime.notify.test_email import Mailbox, plain_sender, start
from tests.runtime.office.conftest import ANSWERS, DOMISILI, Filed, Office
from tests.runtime.office.test_case_messages import BASE, EMAIL, officer_acts, outbox
from tests.runtime.web.conftest import Citizen, status_link

DOCUMENT_LINK = re.compile(r"http://testserver/surat/(LKT-[0-9A-Z-]+)/([A-Za-z0-9_-]{22})")


def file_in(office: Office, lang: str, *, how: str) -> str:
    """File the domicile form in `lang` (the language cookie, or Accept-Language); the case id."""
    client = office.client()
    if how == "cookie":
        client.cookies.set("loket_lang", lang)
    else:
        client.headers["Accept-Language"] = "en-GB,en;q=0.9" if lang == "en" else "id-ID,id"
    citizen = Citizen(client, office.definitions[DOMISILI])
    overrides: dict[str, Any] = {"email": EMAIL, "kabari_saya": "ya"}
    page = citizen.start()
    for _ in range(20):
        if page.url.path.endswith("/periksa"):
            break
        page = citizen.follow(citizen.fill_page(page, overrides))
    sent = citizen.submit(page)
    assert sent.status_code == 303, sent.text[:500]
    reference = status_link(citizen.follow(sent)).split("/")[2]
    with office.session() as session:
        case = session.exec(select(Submission).where(Submission.reference == reference)).one()
        return case.id


def filed_in(office: Office, lang: str) -> Filed:
    """A case filed in `lang` with an e-mail, a phone and consent; 'received' queued."""
    with office.session() as session:
        version = store.current_version(session, "disdukcapil", "surat-keterangan-domisili")
        assert version is not None and version.id is not None
        case, secret = store.file_case(
            session,
            service_version_id=version.id,
            service_id=version.service_id,
            agency_id="disdukcapil",
            answers={**ANSWERS, "email": EMAIL, "kabari_saya": True},
            initial_state="diajukan",
            due_at=None,
            secret_key=office.settings.secret_key,
            language=lang,
        )
        links = case_messages.Links(BASE, office.settings.secret_key)
        case_messages.case_filed(session, links, case, office.definitions[DOMISILI], secret)
        session.commit()
        return Filed(case.id, case.reference, secret)


def email_of(office: Office, case_id: str, kind: str) -> OutboxMessage:
    """The one e-mail of `kind` queued for the case."""
    (found,) = [m for m in outbox(office, case_id) if m.kind == kind and m.channel == "email"]
    return found


# -- the language of the case ------------------------------------------------------------------


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
def test_a_case_filed_in_english_gets_the_english_received_message(
    office: Office, how: str
) -> None:
    case_id = file_in(office, "en", how=how)
    assert office.case(case_id).language == "en"
    reference = office.case(case_id).reference
    for message in [m for m in outbox(office, case_id) if m.kind == "case.received"]:
        assert message.body.startswith(f"Application {reference} received. Follow its status: ")
        assert message.payload["lang"] == "en"
    mail = email_of(office, case_id, "case.received")
    assert mail.subject == f"Certificate of Domicile: {reference} received"


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
def test_a_case_filed_in_indonesian_gets_the_indonesian_received_message(
    office: Office, how: str
) -> None:
    case_id = file_in(office, "id", how=how)
    assert office.case(case_id).language == "id"
    reference = office.case(case_id).reference
    mail = email_of(office, case_id, "case.received")
    assert mail.body.startswith(f"Permohonan {reference} diterima. Pantau statusnya: ")
    assert mail.subject == f"Surat Keterangan Domisili: permohonan {reference} diterima"
    assert mail.payload["lang"] == "id"


def test_later_messages_keep_the_language_of_the_filing(office: Office) -> None:
    english, indonesian = filed_in(office, "en"), filed_in(office, "id")
    for filed in (english, indonesian):
        officer_acts(office, "petugas.uji", filed, "minta_perbaikan", "Foto KTP buram.")
    assert email_of(office, english.id, "case.sent_back").body.startswith(
        f"Application {english.reference} needs a fix: Foto KTP buram. "
    )
    assert email_of(office, indonesian.id, "case.sent_back").body.startswith(
        f"Permohonan {indonesian.reference} perlu perbaikan: Foto KTP buram. "
    )
    # a rejection's outcome label is the state's English label too
    other = filed_in(office, "en")
    officer_acts(office, "petugas.uji", other, "tolak", "Di luar wilayah kota.")
    decided = email_of(office, other.id, "case.decided")
    assert decided.body.startswith(f"Application {other.reference} decided: Application rejected.")


def test_a_case_filed_before_languages_were_kept_is_written_to_in_indonesian(
    office: Office,
) -> None:
    filed = filed_in(office, "id")
    with office.session() as session:
        case = session.get(Submission, filed.id)
        assert case is not None
        case.language = "fr"  # not a language Loket writes: Indonesian
        links = case_messages.Links(BASE, office.settings.secret_key)
        case_messages.enqueue_case_message(
            session, links, case, "withdrawn", definition=office.definitions[DOMISILI], event_id=9
        )
        session.commit()
    body = email_of(office, filed.id, "case.withdrawn").body
    assert body.startswith(f"Permohonan {filed.reference} telah ditarik kembali.")


@pytest.mark.parametrize(
    ("header", "lang"),
    [("en", "en"), ("en-US,en;q=0.8,id;q=0.5", "en"), ("id", "id"), (None, "id"), ("de", "id")],
)
def test_the_api_takes_the_language_from_accept_language(
    office: Office, header: str | None, lang: str
) -> None:
    definition = variant("layanan-bahasa")
    fields = definition["form"]["pages"][0]["fields"]
    fields.insert(0, {"key": "email", "type": "email", "label": "Email"})
    definition["notifications"] = {"email": "email", "consent": "setuju"}
    publish(office.engine, definition)
    headers = {"Accept-Language": header} if header else {}
    response = office.client().post(
        f"/api/v1/services/{AGENCY}/layanan-bahasa/submissions",
        json={**VALID, "email": EMAIL},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["language"] == lang
    (message,) = outbox(office)
    expected = "Application" if lang == "en" else "Permohonan"
    assert message.body.startswith(f"{expected} {created['reference']} ")
    with office.session() as session:
        case = session.get(Submission, message.submission_id)
        assert case is not None and case.language == lang


def test_the_openapi_schema_documents_the_language(office: Office) -> None:
    schema = office.client().get("/api/openapi.json").json()
    post = schema["paths"]["/api/v1/services/{agency}/{service}/submissions"]["post"]
    (header,) = [p for p in post["parameters"] if p["name"] == "Accept-Language"]
    assert header["in"] == "header" and "`en`" in header["description"]
    created = schema["components"]["schemas"]["SubmissionCreated"]
    assert created["properties"]["language"]["enum"] == ["id", "en"]
    assert "language" in created["required"]


# -- the document link of a decision -----------------------------------------------------------


def approve_on_the_case_pages(office: Office, filed: Filed) -> IssuedDocument:
    """The officer verifies, the head approves (and signs); the document issued."""
    officer_acts(office, "petugas.uji", filed, "verifikasi", "")
    officer_acts(office, "kepala.uji", filed, "setujui", "")
    with office.session() as session:
        return session.exec(
            select(IssuedDocument).where(IssuedDocument.submission_id == filed.id)
        ).one()


def test_the_decided_email_links_to_the_document_and_the_link_gives_the_pdf(
    office: Office, tmp_path: Path
) -> None:
    filed = filed_in(office, "id")
    document = approve_on_the_case_pages(office, filed)
    controller, server = start(Mailbox())
    try:
        sender = plain_sender(tmp_path, server.port)
        sender.send(email_of(office, filed.id, "case.decided"))
    finally:
        controller.stop()
    (received,) = server.mailbox.messages
    assert received["rcpt_tos"] == [EMAIL]
    body = received["message"].get_content()
    found = DOCUMENT_LINK.search(body)
    assert found is not None, body
    assert found.group(1) == filed.reference
    assert found.group(2) == document_secret(office.settings.secret_key, document.id)
    assert filed.secret not in body  # the link names the document only, not the status page
    # the WhatsApp message carries the same link
    (whatsapp,) = [m for m in outbox(office, filed.id) if m.kind == "case.decided"][1:]
    assert found.group(0) in whatsapp.body

    citizen = office.client()  # anyone holding the link: no cookie, no sign-in
    response = citizen.get(found.group(0))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == document.sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert document.number in text and filed.reference in text


def test_a_document_link_with_a_wrong_part_is_not_found(office: Office) -> None:
    filed = filed_in(office, "id")
    document = approve_on_the_case_pages(office, filed)
    other = filed_in(office, "id")
    token = document_secret(office.settings.secret_key, document.id)
    client = office.client()
    for path in (
        f"/surat/{other.reference}/{token}",  # another case's reference
        f"/surat/{filed.reference}/{token[:-1]}{'B' if token[-1] == 'A' else 'A'}",  # one off
        f"/surat/{filed.reference}/{document_secret('another-key' * 4, document.id)}",
        f"/surat/{filed.reference}/{filed.secret}",  # the status secret is not a document's
        f"/surat/LKT-XXXXX-XXXXX/{token}",
        f"/surat/{filed.reference}/{'x' * 5000}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
    assert client.get(f"/surat/{filed.reference.lower()}/{token}").status_code == 200


def test_a_decision_without_a_document_keeps_the_status_link(office: Office) -> None:
    filed = filed_in(office, "id")
    officer_acts(office, "petugas.uji", filed, "tolak", "Di luar wilayah kota.")
    body = email_of(office, filed.id, "case.decided").body
    assert body.endswith(f"Lihat: {BASE}/status/{filed.reference}/{filed.secret}")
    assert "/surat/" not in body


def test_a_document_hidden_from_the_applicant_is_not_linked(office: Office) -> None:
    filed = filed_in(office, "id")
    links = case_messages.Links(BASE, office.settings.secret_key)
    with office.session() as session:
        case = session.get(Submission, filed.id)
        assert case is not None
        hidden = IssuedDocument(
            submission_id=case.id,
            agency_id=case.agency_id,
            doc_type="x",
            title="x",
            number="1",
            year=2026,
            seq=1,
            sha256="0" * 64,
            size=1,
            storage_name="x.pdf",
            verify_code="x" * 22,
            visible_to_applicant=False,
        )
        shown = hidden.model_copy(update={"visible_to_applicant": True, "id": "another-id"})
        assert links.documents_link(case, [hidden]) is None
        assert links.documents_link(case, [hidden, shown]) == links.document_link(case, shown)
        both = links.documents_link(case, [shown, shown.model_copy(update={"id": "third"})])
        assert both == f"{BASE}/status/{filed.reference}/{filed.secret}#dokumen"
