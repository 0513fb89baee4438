"""Messages to the applicant are queued in the outbox in the transaction of each case event.

The domicile example notifies by email and WhatsApp when `kabari_saya` is answered yes.
SQLite, and PostgreSQL when LOKET_TEST_DATABASE_URL is set (the `engine` fixture).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from runtime import store
from runtime.models import OutboxMessage, Submission
from runtime.notify import case_messages
from runtime.references import hash_secret
from tests.runtime.api.conftest import AGENCY, VALID, publish, variant
from tests.runtime.office.conftest import ANSWERS, DOMISILI, Filed, Office, csrf_of, parse
from tests.runtime.web.conftest import Citizen, status_link

EMAIL = "warga@example.org"
BASE = "http://testserver"


def outbox(office: Office, case_id: str | None = None) -> list[OutboxMessage]:
    """The queued messages (of one case), oldest first."""
    with office.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)  # type: ignore[arg-type]
        if case_id is not None:
            query = query.where(OutboxMessage.submission_id == case_id)
        return list(session.exec(query).all())


def file_through_the_form(office: Office, *, consent: str | None) -> tuple[Citizen, str]:
    """Fill and send the domicile form as a citizen; returns the citizen and the status link."""
    citizen = Citizen(office.client(), office.definitions[DOMISILI])
    overrides: dict[str, Any] = {"email": EMAIL, "kabari_saya": consent}
    page = citizen.start()
    for _ in range(20):
        if page.url.path.endswith("/periksa"):
            break
        page = citizen.follow(citizen.fill_page(page, overrides))
    sent = citizen.submit(page)
    assert sent.status_code == 303, sent.text[:500]
    return citizen, status_link(citizen.follow(sent))


def filed_with_consent(office: Office) -> Filed:
    """A case filed with an email, a phone and consent, with its 'received' messages queued."""
    answers = {**ANSWERS, "email": EMAIL, "kabari_saya": True}
    with office.session() as session:
        version = store.current_version(session, "disdukcapil", "surat-keterangan-domisili")
        assert version is not None and version.id is not None
        case, secret = store.file_case(
            session,
            service_version_id=version.id,
            service_id=version.service_id,
            agency_id="disdukcapil",
            answers=answers,
            initial_state="diajukan",
            due_at=None,
            secret_key=office.settings.secret_key,
        )
        links = case_messages.Links(BASE, office.settings.secret_key)
        case_messages.case_filed(session, links, case, office.definitions[DOMISILI], secret)
        session.commit()
        return Filed(case.id, case.reference, secret)


def officer_acts(office: Office, username: str, filed: Filed, action: str, comment: str) -> None:
    """An officer takes an action on the case page."""
    client: TestClient = office.login(username)
    token = csrf_of(parse(client.get(f"/kantor/kasus/{filed.id}")))
    version = office.case(filed.id).row_version
    response = client.post(
        f"/kantor/kasus/{filed.id}/aksi",
        data={
            "csrf_token": token,
            "action": action,
            "comment": comment,
            "row_version": version,
            "confirm": "1",
        },
    )
    assert response.status_code == 303, response.text[:500]


def test_filing_through_the_form_queues_received_per_consented_channel(office: Office) -> None:
    _, link = file_through_the_form(office, consent="ya")
    messages = outbox(office)
    assert [(m.kind, m.channel, m.recipient) for m in messages] == [
        ("case.received", "email", EMAIL),
        ("case.received", "whatsapp", ANSWERS["telepon"]),
    ]
    for message in messages:
        assert BASE + link in message.body
        assert message.status == "pending" and message.submission_id is not None
        assert link not in str(message.payload)  # the secret travels only in the body
    assert "permohonan" in messages[0].subject and messages[1].subject == ""
    reference = link.split("/")[2]
    assert messages[0].body.startswith(f"Permohonan {reference} diterima.")


@pytest.mark.parametrize("consent", ["tidak", None])
def test_no_message_without_consent(office: Office, consent: str | None) -> None:
    file_through_the_form(office, consent=consent)
    assert len(office.case_ids()) == 1
    assert outbox(office) == []


def test_a_filing_that_rolls_back_queues_nothing(office: Office) -> None:
    with office.session() as session:
        version = store.current_version(session, "disdukcapil", "surat-keterangan-domisili")
        assert version is not None and version.id is not None
        case, _ = store.file_case(
            session,
            service_version_id=version.id,
            service_id=version.service_id,
            agency_id="disdukcapil",
            answers={**ANSWERS, "kabari_saya": True},
            initial_state="diajukan",
            due_at=None,
            secret_key=office.settings.secret_key,
        )
        links = case_messages.Links(BASE, office.settings.secret_key)
        assert case_messages.case_filed(session, links, case, office.definitions[DOMISILI]) == 1
        session.rollback()
    assert outbox(office) == [] and office.case_ids() == []


def test_a_send_back_queues_the_officers_note_and_the_link(office: Office) -> None:
    filed = filed_with_consent(office)
    officer_acts(office, "petugas.uji", filed, "minta_perbaikan", "Foto KTP buram, unggah ulang.")
    sent_back = [m for m in outbox(office, filed.id) if m.kind == "case.sent_back"]
    assert [m.channel for m in sent_back] == ["email", "whatsapp"]
    link = f"{BASE}/status/{filed.reference}/{filed.secret}"
    assert sent_back[0].body == (
        f"Permohonan {filed.reference} perlu perbaikan: Foto KTP buram, unggah ulang. {link}"
    )


def test_an_internal_comment_is_never_sent(office: Office) -> None:
    filed = filed_with_consent(office)
    officer_acts(office, "petugas.uji", filed, "verifikasi", "Catatan internal rahasia")
    assert {m.kind for m in outbox(office, filed.id)} == {"case.received"}  # not final: nothing
    officer_acts(office, "kepala.uji", filed, "setujui", "Catatan internal rahasia")
    decided = [m for m in outbox(office, filed.id) if m.kind == "case.decided"]
    assert len(decided) == 2
    assert all("rahasia" not in m.body for m in decided)
    assert "selesai: Surat sudah terbit." in decided[0].body


def test_a_rejection_queues_decided_with_the_reason_in_an_override(office: Office) -> None:
    definition = office.definitions[DOMISILI]
    filed = filed_with_consent(office)
    officer_acts(office, "petugas.uji", filed, "tolak", "Alamat di luar wilayah kota.")
    (email, _) = [m for m in outbox(office, filed.id) if m.kind == "case.decided"]
    assert "Permohonan ditolak" in email.body
    # a definition may put the reason in the message
    definition = {
        **definition,
        "notifications": {**definition["notifications"], "messages": {"decided": "{note}"}},
    }
    with office.session() as session:
        case = session.get(Submission, filed.id)
        assert case is not None
        links = case_messages.Links(BASE, office.settings.secret_key)
        queued = case_messages.enqueue_case_message(
            session, links, case, "decided", definition=definition, event_id=0, note="Alasan."
        )
        assert queued == 2
        added = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.idempotency_key == f"case:{filed.id}:decided:0:email"
            )
        ).one()
        assert added.body == "Alasan."
        session.rollback()


def test_withdrawing_queues_withdrawn(office: Office) -> None:
    citizen, link = file_through_the_form(office, consent="ya")
    status = parse(citizen.get(link))
    form = next(f for f in status.css("form") if f.attributes.get("action", "").endswith("/tarik"))
    version = form.css_first("input[name=row_version]").attributes["value"]
    done = citizen.client.post(
        form.attributes["action"] or "",
        data={"csrf_token": csrf_of(status), "row_version": version, "confirm": "ya"},
    )
    assert done.status_code == 303
    withdrawn = [m for m in outbox(office) if m.kind == "case.withdrawn"]
    assert [m.channel for m in withdrawn] == ["email", "whatsapp"]
    assert withdrawn[0].body.endswith(f"Status: {BASE}{link}")


def test_queueing_is_idempotent_per_event_and_channel(office: Office) -> None:
    filed = filed_with_consent(office)
    links = case_messages.Links(BASE, office.settings.secret_key)
    with office.session() as session:
        case = session.get(Submission, filed.id)
        assert case is not None
        assert case_messages.case_filed(session, links, case, office.definitions[DOMISILI]) == 0
        session.commit()
    assert len(outbox(office, filed.id)) == 2
    keys = {m.idempotency_key for m in outbox(office, filed.id)}
    assert all(key.startswith(f"case:{filed.id}:received:") for key in keys)


def test_a_case_whose_secret_is_not_derived_gets_the_status_page(office: Office) -> None:
    filed = office.file_case(answers={**ANSWERS, "kabari_saya": True})  # a random secret
    links = case_messages.Links(BASE, office.settings.secret_key)
    with office.session() as session:
        case = session.get(Submission, filed.id)
        assert case is not None and case.secret_hash == hash_secret(filed.secret)
        assert links.status_link(case) == f"{BASE}/status"
        assert links.status_link(case, filed.secret).endswith(filed.secret)


@pytest.mark.parametrize("key", [None, "coba-kirim-1"])
def test_filing_through_the_api_queues_received_once(office: Office, key: str | None) -> None:
    definition = variant("layanan-kabar")
    fields = definition["form"]["pages"][0]["fields"]
    fields.insert(0, {"key": "email", "type": "email", "label": "Email"})
    definition["notifications"] = {"email": "email", "consent": "setuju"}
    publish(office.engine, definition)
    client = office.client()
    url = f"/api/v1/services/{AGENCY}/layanan-kabar/submissions"
    headers = {"Idempotency-Key": key} if key else {}
    body = {**VALID, "email": EMAIL}
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    created = first.json()
    if key:  # a retry answers with the same case and secret, and queues nothing again
        again = client.post(url, json=body, headers=headers)
        assert again.status_code in {200, 201} and again.json()["secret"] == created["secret"]
    link = f"{BASE}/status/{created['reference']}/{created['secret']}"
    (message,) = outbox(office)
    assert (message.kind, message.channel, message.recipient) == ("case.received", "email", EMAIL)
    assert message.body.endswith(link)
    # later messages can carry the same private link: the secret is derived, not stored
    with office.session() as session:
        case = session.get(Submission, message.submission_id)
        assert case is not None
        assert case_messages.Links(BASE, office.settings.secret_key).status_link(case) == link
