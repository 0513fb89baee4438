"""Issued documents end to end: the head approves a domisili case on the case page and the
signed letter is issued in the same transaction; the citizen downloads it from the status page
and the API; officers download it (recorded, never shown to the citizen) and revoke it; a
correction supersedes it; signing that is not set up refuses the action with a message.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import os
import re
import time
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import select

from builder.canonical import digest
from builder.document_samples import SAMPLE_NAME, sample_answers, sample_officer_values
from builder.numbering import format_number
from runtime import auth, seed, store
from runtime.app import create_app
from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.documents import issued
from runtime.documents.files import document_path, write_document
from runtime.documents.signing import certificate_path, check_signature
from runtime.models import DocumentCounter, IssuedDocument, OutboxMessage, User, WebhookEndpoint
from runtime.workdays import WIB
from tests.runtime.office.conftest import (
    DOMISILI,
    EXAMPLES,
    PASSWORD,
    SIGNING_PASSPHRASE,
    Filed,
    Office,
    csrf_of,
    install_certificates,
    load_example,
    parse,
    post_action,
)

API_STATUS = "/api/v1/status/{reference}"


def _documents(office: Office, case_id: str) -> list[IssuedDocument]:
    with office.session() as session:
        return list(
            session.exec(
                select(IssuedDocument)
                .where(IssuedDocument.submission_id == case_id)
                .order_by(IssuedDocument.seq)
            ).all()
        )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _root(office: Office, agency_id: str) -> bytes:
    """The agency's (self-signed) certificate as installed, to trust it as a root."""
    p12 = certificate_path(office.settings, agency_id).read_bytes()
    loaded = pkcs12.load_pkcs12(p12, SIGNING_PASSPHRASE.encode())
    assert loaded.cert is not None
    return loaded.cert.certificate.public_bytes(Encoding.DER)


def _approve_on_the_page(office: Office, filed: Filed) -> TestClient:
    """petugas.uji verifies, kepala.uji approves (both through the case page)."""
    assert post_action(office.login("petugas.uji"), office, filed, "verifikasi").status_code == 303
    head = office.login("kepala.uji")
    response = post_action(head, office, filed, "setujui")
    assert response.status_code == 303, response.text[:2000]
    return head


def _status_page(office: Office, filed: Filed) -> Any:
    response = office.client().get(f"/status/{filed.reference}/{filed.secret}")
    assert response.status_code == 200
    return parse(response)


def _with_definition(office: Office, change: Any) -> dict[str, Any]:
    """Publish a new domisili version changed by `change(definition)`; new cases file on it."""
    definition = copy.deepcopy(office.definitions[DOMISILI])
    change(definition)
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
    office.definitions[DOMISILI] = definition
    return definition


def test_the_head_issues_a_numbered_signed_letter_on_the_case_page(office: Office) -> None:
    filed = office.file_case()
    _approve_on_the_page(office, filed)
    assert office.case(filed.id).state == "selesai"
    (doc,) = _documents(office, filed.id)
    today = dt.datetime.now(WIB).date()
    pattern = office.definitions[DOMISILI]["documents"]["surat_domisili"]["number"]
    assert doc.number == format_number(pattern, seq=1, issued_on=today)
    assert doc.number.startswith("470/0001/DUKCAPIL/")
    assert (doc.status, doc.seq, doc.year, doc.doc_type) == (
        "valid",
        1,
        today.year,
        "surat_domisili",
    )
    assert doc.title == "Surat Keterangan Domisili"
    assert doc.holder_name == "Budi Santoso"
    assert doc.issued_by_user_id == office.user_ids["kepala.uji"]
    assert len(doc.verify_code) >= 22  # new_token: at least 128 random bits
    events = office.events(filed.id)
    assert doc.event_id == next(e.id for e in events if e.action == "setujui")
    pdf = document_path(office.settings.data_dir, doc.storage_name).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == doc.sha256 and len(pdf) == doc.size
    text = _text(pdf)
    for expected in (
        doc.number,
        "BUDI SANTOSO",
        "SURAT KETERANGAN DOMISILI",
        "benar bertempat tinggal di Jalan Kartini nomor 5",
        "PEMERINTAH KOTA BANDAR LAMPUNG",
        "Rina Marlina",  # the agency's signatory (demo data)
    ):
        assert expected in text.replace("\n", " "), expected
    # the address may wrap at a dash of the code
    assert f"/verifikasi/{doc.verify_code}" in re.sub(r"\s+", "", text)
    assert re.search(r"Bandar Lampung, \d{1,2} \w+ \d{4}", text)
    check = check_signature(pdf, [_root(office, "disdukcapil")])
    assert check.ok, check
    with office.session() as session:
        counter = session.get(DocumentCounter, ("disdukcapil", "surat_domisili", today.year))
        assert counter is not None and counter.last == 1


def test_numbers_follow_on_from_case_to_case(office: Office) -> None:
    first, second = office.file_case(), office.file_case()
    office.approve(first.id)
    office.approve(second.id)
    numbers = [d.number.split("/")[1] for c in (first, second) for d in _documents(office, c.id)]
    assert numbers == ["0001", "0002"]


def test_a_failure_after_issuing_leaves_no_document_no_number_no_file(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    filed = office.file_case()
    assert post_action(office.login("petugas.uji"), office, filed, "verifikasi").status_code == 303
    from runtime.documents import issue

    real = issue.Issuer.issue

    def issue_then_fail(self: issue.Issuer, *args: Any, **kwargs: Any) -> Any:
        found = real(self, *args, **kwargs)
        assert found and all(  # it did write, then fails
            (office.settings.data_dir / key).is_file() for key in self.written
        )
        raise RuntimeError("the database went away")

    monkeypatch.setattr(issue.Issuer, "issue", issue_then_fail)
    head = office.login("kepala.uji")
    with pytest.raises(RuntimeError, match="went away"):
        post_action(head, office, filed, "setujui")
    assert office.case(filed.id).state == "diverifikasi"
    assert _documents(office, filed.id) == []
    with office.session() as session:
        assert all(c.last == 0 for c in session.exec(select(DocumentCounter)).all())
    folder = office.settings.data_dir / "documents"
    assert not folder.exists() or list(folder.iterdir()) == []
    monkeypatch.undo()
    response = post_action(head, office, filed, "setujui")  # the number was given back
    assert response.status_code == 303
    assert [d.number.split("/")[1] for d in _documents(office, filed.id)] == ["0001"]


def test_signing_not_set_up_refuses_the_action_with_what_to_set(office: Office) -> None:
    filed = office.file_case()
    assert post_action(office.login("petugas.uji"), office, filed, "verifikasi").status_code == 303
    unsigned = create_app(replace(office.settings, signing_passphrase=None))
    head = TestClient(unsigned, follow_redirects=False)
    page = head.get("/masuk")
    login = {"csrf_token": csrf_of(parse(page)), "username": "kepala.uji", "password": PASSWORD}
    assert head.post("/masuk", data={**login, "next": "/kantor"}).status_code == 303
    response = post_action(head, office, filed, "setujui")
    assert response.status_code == 422
    assert "LOKET_SIGNING_PASSPHRASE" in response.text
    assert "penandatanganan elektronik belum disiapkan" in response.text
    assert office.case(filed.id).state == "diverifikasi"
    assert _documents(office, filed.id) == []
    head.close()
    unsigned.state.engine.dispose()


def test_an_incomplete_letterhead_refuses_the_action(office: Office) -> None:
    from runtime.models import Agency

    with office.session() as session:
        agency = session.get(Agency, "disdukcapil")
        assert agency is not None
        agency.city = ""
        session.add(agency)
        session.commit()
    filed = office.file_case()
    assert post_action(office.login("petugas.uji"), office, filed, "verifikasi").status_code == 303
    response = post_action(office.login("kepala.uji"), office, filed, "setujui")
    assert response.status_code == 422
    assert "Kota tempat surat dibuat" in response.text
    assert _documents(office, filed.id) == []


def test_the_citizen_downloads_the_letter_from_the_status_page(office: Office) -> None:
    filed = office.file_case()
    office.approve(filed.id)
    (doc,) = _documents(office, filed.id)
    page = _status_page(office, filed)
    section = page.css_first("#documents")
    assert section is not None
    assert doc.number in section.text() and "Berlaku" in section.text()
    link = section.css_first("a")
    assert link is not None
    response = office.client().get(link.attributes["href"] or "")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == doc.sha256
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "Surat Keterangan Domisili 470-0001-DUKCAPIL" in disposition
    wrong = office.client().get(f"/status/{filed.reference}/{'x' * 43}/dokumen/{doc.id}")
    assert wrong.status_code == 404
    verify_link = section.css_first("a.verify-link")
    assert verify_link is not None and verify_link.text() == "Periksa keasliannya"
    assert verify_link.attributes["href"] == f"/verifikasi/{doc.verify_code}"
    verified = office.client().get(verify_link.attributes["href"] or "")
    assert verified.status_code == 200 and doc.number in verified.text


def test_the_api_lists_the_documents_and_downloads_them_with_the_secret(office: Office) -> None:
    filed = office.file_case()
    office.approve(filed.id)
    (doc,) = _documents(office, filed.id)
    client = office.client()
    secret = {"X-Status-Secret": filed.secret}
    body = client.get(API_STATUS.format(reference=filed.reference), headers=secret).json()
    (listed,) = body["documents"]
    assert (listed["id"], listed["number"], listed["status"]) == (doc.id, doc.number, "valid")
    response = client.get(listed["download_url"], headers=secret)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == doc.sha256
    assert client.get(listed["download_url"]).status_code == 404
    other = office.file_case()
    url = f"/api/v1/status/{other.reference}/dokumen/{doc.id}"
    assert client.get(url, headers={"X-Status-Secret": other.secret}).status_code == 404


def test_an_officer_download_is_recorded_and_never_shown_to_the_citizen(office: Office) -> None:
    filed = office.file_case()
    office.approve(filed.id)
    (doc,) = _documents(office, filed.id)
    officer = office.login("petugas.uji")
    page = parse(officer.get(f"/kantor/kasus/{filed.id}"))
    item = page.css_first(f"#document-{doc.id}")
    assert item is not None and doc.number in item.text()
    response = officer.get(f"/kantor/kasus/{filed.id}/dokumen/{doc.id}")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == doc.sha256
    (audit,) = [e for e in office.events(filed.id) if e.action == "download_document"]
    assert audit.actor_user_id == office.user_ids["petugas.uji"]
    assert audit.details == {"document_id": doc.id, "number": doc.number}
    with office.session() as session:
        public = store.list_public_events(session, filed.id)
    assert "download_document" not in {e.action for e in public}
    timeline = _status_page(office, filed).css_first("ol.timeline")
    assert timeline is not None and "Mengunduh" not in timeline.text()
    case_page = parse(officer.get(f"/kantor/kasus/{filed.id}"))
    assert "Mengunduh dokumen terbit" in case_page.css_first("#timeline").text()


def test_another_agencys_officer_cannot_download(office: Office) -> None:
    filed = office.file_case()
    office.approve(filed.id)
    (doc,) = _documents(office, filed.id)
    other = office.login("petugas.dinsos")
    assert other.get(f"/kantor/kasus/{filed.id}/dokumen/{doc.id}").status_code == 404
    assert [e for e in office.events(filed.id) if e.action == "download_document"] == []


def _revoke(client: TestClient, filed: Filed, doc: IssuedDocument, **data: str) -> Any:
    page = parse(client.get(f"/kantor/kasus/{filed.id}"))
    url = f"/kantor/kasus/{filed.id}/dokumen/{doc.id}/cabut"
    return client.post(url, data={"csrf_token": csrf_of(page), **data})


def test_revocation_by_a_revoke_role_with_a_reason(office: Office) -> None:
    filed = office.file_case()
    office.approve(filed.id)
    (doc,) = _documents(office, filed.id)
    petugas = office.login("petugas.uji")
    assert _revoke(petugas, filed, doc, reason="Salah", confirm="1").status_code == 403
    assert parse(petugas.get(f"/kantor/kasus/{filed.id}")).css_first(f"#revoke-{doc.id}") is None
    head = office.login("kepala.uji")
    page = parse(head.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first(f"#revoke-{doc.id}") is not None
    missing = _revoke(head, filed, doc, reason="  ", confirm="1")
    assert missing.status_code == 422 and "Tuliskan alasan pencabutan" in missing.text
    unconfirmed = _revoke(head, filed, doc, reason="Alamat ternyata keliru")
    assert unconfirmed.status_code == 422 and "Centang pernyataan" in unconfirmed.text
    assert "Alamat ternyata keliru" in unconfirmed.text  # the reason is kept
    assert _documents(office, filed.id)[0].status == "valid"
    done = _revoke(head, filed, doc, reason="Alamat ternyata keliru", confirm="1")
    assert done.status_code == 303
    (revoked,) = _documents(office, filed.id)
    assert revoked.status == "revoked" and revoked.revoked_reason == "Alamat ternyata keliru"
    assert revoked.revoked_by_user_id == office.user_ids["kepala.uji"]
    assert revoked.revoked_at is not None
    (audit,) = [e for e in office.events(filed.id) if e.action == "revoke_document"]
    assert audit.comment == "Alamat ternyata keliru" and audit.actor_role == "kepala"
    assert _revoke(head, filed, doc, reason="Lagi", confirm="1").status_code == 409
    status = _status_page(office, filed)
    item = status.css_first("#documents li")
    assert item is not None and item.attributes["data-status"] == "revoked"
    assert "Dicabut" in item.text()
    assert revoked.revoked_at.astimezone(WIB).strftime("%d-%m-%Y") in item.text()
    with office.session() as session:
        assert "revoke_document" not in {
            e.action for e in store.list_public_events(session, filed.id)
        }
    # a revoked letter still downloads (the verification page says it is revoked)
    link = item.css_first("a")
    assert link is not None
    assert office.client().get(link.attributes["href"] or "").status_code == 200


def test_a_correction_issues_a_new_document_that_supersedes_the_old_one(office: Office) -> None:
    def with_correction(definition: dict[str, Any]) -> None:
        """Approval leads to a state where the head may still correct the letter."""
        workflow = definition["workflow"]
        workflow["states"]["terbit"] = {"label": "Surat terbit, dapat dikoreksi"}
        for move in workflow["transitions"]:
            if move["action"] == "setujui":
                move["to"] = "terbit"
        workflow["transitions"].append(
            {
                "action": "koreksi",
                "label": "Terbitkan ulang (koreksi)",
                "from": "terbit",
                "to": "terbit",
                "roles": ["kepala"],
                "comment": "required",
                "issues": ["surat_domisili"],
            }
        )

    _with_definition(office, with_correction)
    filed = office.file_case()
    (first,) = office.approve(filed.id)
    head = office.login("kepala.uji")
    response = post_action(head, office, filed, "koreksi", "Tanggal lahir dikoreksi")
    assert response.status_code == 303, response.text[:2000]
    old, new = _documents(office, filed.id)
    assert old.id == first.id
    assert (old.status, old.superseded_by_id) == ("superseded", new.id)
    assert new.status == "valid" and new.number.split("/")[1] == "0002"
    assert old.sha256 == first.sha256  # the old file is never changed
    statuses = [
        li.attributes["data-status"] for li in _status_page(office, filed).css("#documents li")
    ]
    assert statuses == ["superseded", "valid"]


def test_a_document_not_for_the_applicant_is_never_shown_to_them(office: Office) -> None:
    def officers_only(definition: dict[str, Any]) -> None:
        definition["documents"]["surat_domisili"]["visible_to"] = ["officers"]

    _with_definition(office, officers_only)
    filed = office.file_case()
    (doc,) = office.approve(filed.id)
    assert doc.visible_to_applicant is False
    assert _status_page(office, filed).css_first("#documents") is None
    citizen = office.client()
    url = f"/status/{filed.reference}/{filed.secret}/dokumen/{doc.id}"
    assert citizen.get(url).status_code == 404
    secret = {"X-Status-Secret": filed.secret}
    assert (
        citizen.get(API_STATUS.format(reference=filed.reference), headers=secret).json()[
            "documents"
        ]
        == []
    )
    api_url = f"/api/v1/status/{filed.reference}/dokumen/{doc.id}"
    assert citizen.get(api_url, headers=secret).status_code == 404
    officer = office.login("kepala.uji")
    assert officer.get(f"/kantor/kasus/{filed.id}/dokumen/{doc.id}").status_code == 200


def test_a_case_without_documents_says_so(office: Office) -> None:
    filed = office.file_case()
    page = parse(office.login("petugas.uji").get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#no-documents") is not None
    assert _status_page(office, filed).css_first("#documents") is None


def test_prune_removes_old_document_files_without_a_row(office: Office) -> None:
    filed = office.file_case()
    (doc,) = office.approve(filed.id)
    kept = document_path(office.settings.data_dir, doc.storage_name)
    old_orphan = write_document(office.settings.data_dir, "orphan-old.pdf", b"%PDF-1.7\n")
    young_orphan = write_document(office.settings.data_dir, "orphan-young.pdf", b"%PDF-1.7\n")
    two_hours_ago = time.time() - 2 * 3600
    for path in (kept, old_orphan):
        os.utime(path, (two_hours_ago, two_hours_ago))
    with office.session() as session:
        assert issued.prune_orphan_files(session, office.settings.data_dir) == 1
    assert kept.is_file() and young_orphan.is_file() and not old_orphan.exists()


def test_an_issued_letter_is_announced_and_verifiable(office: Office) -> None:
    """Issuing queues the agency's `document.issued` webhook and the printed code verifies."""
    with office.session() as session:
        session.add(
            WebhookEndpoint(
                agency_id="disdukcapil",
                url="https://hooks.kota.test/loket",
                events=["document.issued"],
                secret="whsec_uji",
            )
        )
        session.commit()
    filed = office.file_case()
    _approve_on_the_page(office, filed)
    (doc,) = _documents(office, filed.id)
    with office.session() as session:
        hooks = session.exec(select(OutboxMessage).where(OutboxMessage.channel == "webhook")).all()
    announced = [m for m in hooks if '"document.issued"' in m.body]
    assert len(announced) == 1
    assert doc.number in announced[0].body and doc.verify_code in announced[0].body
    page = office.client().get(f"/verifikasi/{doc.verify_code}")
    assert page.status_code == 200
    assert doc.number in page.text
    assert "Budi Santoso" not in page.text  # the holder's name is masked


# Every example that issues documents: the officers' actions from filing to the issuing one.
ISSUING_PATHS: dict[str, tuple[str, ...]] = {
    "surat-keterangan-domisili": ("verifikasi", "setujui"),
    "surat-keterangan-tidak-mampu": ("teruskan_ke_kepala", "setujui"),
    "permohonan-informasi-publik": ("registrasi", "kabulkan"),
    "izin-reklame": ("teruskan_tanpa_peninjauan", "terbitkan"),
}
# Answers the sample answers need changed to take that path (a guard on the action).
PATH_ANSWERS: dict[str, dict[str, Any]] = {"izin-reklame": {"jenis_reklame": "baliho"}}


def test_every_example_with_documents_has_an_issuing_path() -> None:
    with_documents = {
        path.stem for path in EXAMPLES.glob("*.json") if load_example(path.stem).get("documents")
    }
    assert with_documents == set(ISSUING_PATHS)


def _officer(office: Office, agency_id: str, role: str) -> tuple[int, str]:
    """A user with `role` in the agency (made once), as (id, display name)."""
    username = f"{role}.{agency_id}.uji"
    with office.session() as session:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            user = User(username=username, display_name=f"{role.title()} Uji", password_hash="-")
            session.add(user)
            session.flush()
            auth.grant(session, user=user, agency_id=agency_id, role=role)
            session.commit()
        assert user.id is not None
        return user.id, user.display_name


@pytest.mark.parametrize("name", sorted(ISSUING_PATHS))
def test_each_example_issues_a_signed_letter_from_sample_answers(office: Office, name: str) -> None:
    """As in the demo: the example published, demo letterheads, a development certificate;
    a case filed with plausible answers is taken to its issuing action, which issues a PDF."""
    definition = load_example(name)
    agency_id = definition["agency"]
    service = f"{agency_id}/{definition['id']}"
    if service not in office.definitions:
        with office.session() as session:
            store.publish_version(session, definition=definition, sha256=digest(definition))
            session.commit()
            seed.demo_letterheads(session)
        install_certificates(office.settings, (agency_id,))
        office.definitions[service] = definition
    answers = {**sample_answers(definition), **PATH_ANSWERS.get(name, {})}
    filed = office.file_case(service, answers=answers)
    moves = definition["workflow"]["transitions"]
    applied = None
    for action in ISSUING_PATHS[name]:
        index = next(i for i, move in enumerate(moves) if move["action"] == action)
        role = moves[index]["roles"][0]
        user_id, display_name = _officer(office, agency_id, role)
        with office.session() as session:
            applied = cases.apply_transition(
                session,
                case_id=filed.id,
                actor=Actor.user(user_id, [role]),
                action=action,
                comment="Sesuai hasil pemeriksaan.",
                expected_row_version=office.case(filed.id).row_version,
                calendar=office.calendar,
                fields=sample_officer_values(definition, transition=index),
                issuer=office.issuer(display_name, user_id),
            )
    assert applied is not None
    (doc,) = _documents(office, filed.id)
    assert doc.event_id == applied.event.id and doc.status == "valid"
    spec = definition["documents"][doc.doc_type]
    assert doc.number == format_number(spec["number"], seq=1, issued_on=dt.datetime.now(WIB).date())
    assert doc.holder_name == SAMPLE_NAME
    pdf = document_path(office.settings.data_dir, doc.storage_name).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == doc.sha256
    text = " ".join(_text(pdf).split())
    assert doc.number in text and SAMPLE_NAME.upper() in text
    assert "PEMERINTAH KOTA BANDAR LAMPUNG" in text  # the demo letterhead
    assert "PREVIEW" not in text  # a real letter, not the studio's sample
    check = check_signature(pdf, [_root(office, agency_id)])
    assert check.ok, check
