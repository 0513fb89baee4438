"""Outgoing messages that need attention: the administrator's list and "send again"."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from runtime.models import AdminEvent, AppendOnlyError, OutboxMessage
from runtime.notify.attention import mask
from runtime.notify.outbox import enqueue
from tests.runtime.admin.conftest import Site, csrf, page

PAGE = "/admin/pesan"
SECRET_BODY = "NIK 1871010101900001 dan alamat lengkap"


def _messages(site: Site) -> dict[str, int]:
    """A failed, a skipped, a sent and a pending message; their ids by status."""
    ids = {}
    with site.session() as session:
        for status, channel, recipient in (
            ("failed", "email", "warga.teladan@example.org"),
            ("skipped", "whatsapp", "+6281234567890"),
            ("sent", "sms", "+6281299998888"),
            ("pending", "webhook", "https://hooks.example.org/secret-token"),
        ):
            enqueue(
                session,
                kind="case.received",
                channel=channel,
                recipient=recipient,
                subject="Permohonan diterima",
                body=SECRET_BODY,
                idempotency_key=f"k-{status}",
            )
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.idempotency_key) == f"k-{status}")
                .values(status=status, attempts=8, last_error=f"error of {status}")
            )
        session.commit()
        for message in session.exec(select(OutboxMessage)).all():
            ids[message.status] = message.id or 0
    return ids


def test_the_list_shows_failed_and_skipped_masked_without_bodies(site: Site) -> None:
    ids = _messages(site)
    response = site.login("admin").get(PAGE)
    assert response.status_code == 200
    doc = page(response)
    rows = {int(r.attributes["data-message"] or 0): r.text() for r in doc.css("tr[data-message]")}
    assert set(rows) == {ids["failed"], ids["skipped"]}
    assert "wa…@example.org" in rows[ids["failed"]] and "error of failed" in rows[ids["failed"]]
    assert "+62812…890" in rows[ids["skipped"]]
    assert "warga.teladan" not in response.text and "+6281234567890" not in response.text
    assert SECRET_BODY not in response.text and "Permohonan diterima" not in response.text
    assert doc.css_first(f'nav a[href="{PAGE}"]') is not None  # in the admin's navigation


def test_masking() -> None:
    assert (
        mask("webhook", "https://hooks.example.org/secret-token") == "https://hooks.example.org/…"
    )
    assert mask("email", "ab@x.id") == "ab…@x.id"
    assert mask("sms", "123") == "…"


def test_send_again_requeues_and_is_audited_once(site: Site) -> None:
    ids = _messages(site)
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    url = f"{PAGE}/{ids['failed']}/kirim-lagi"
    response = admin.post(url, data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?selesai=queued"
    again = admin.post(url, data={"csrf_token": token})  # a second click changes nothing
    assert again.headers["location"] == f"{PAGE}?selesai=unchanged"
    with site.session() as session:
        message = session.get(OutboxMessage, ids["failed"])
        assert message is not None
        assert (message.status, message.attempts, message.locked_by) == ("pending", 0, None)
        (event,) = session.exec(select(AdminEvent)).all()
        assert event.actor_user_id == site.user("admin").id
        assert (event.action, event.target) == (
            "outbox.send_again",
            f"outbox_messages/{ids['failed']}",
        )
        assert event.details == {"status": "failed", "attempts": 8, "last_error": "error of failed"}
        event.action = "changed"
        try:
            session.commit()
        except AppendOnlyError:
            session.rollback()
        else:
            raise AssertionError("an admin event could be changed")
    assert "wa…@example.org" not in admin.get(PAGE).text  # no longer listed


def test_send_again_needs_csrf_an_admin_and_a_message(site: Site) -> None:
    ids = _messages(site)
    admin = site.login("admin")
    url = f"{PAGE}/{ids['skipped']}/kirim-lagi"
    assert admin.post(url, data={"csrf_token": "forged"}).status_code == 403
    token = csrf(page(admin.get(PAGE)))
    assert admin.post(f"{PAGE}/999999/kirim-lagi", data={"csrf_token": token}).status_code == 404
    officer = site.login("petugas.dukcapil")
    assert officer.get(PAGE).status_code == 403
    officer_token = csrf(page(officer.get("/kantor")))
    assert officer.post(url, data={"csrf_token": officer_token}).status_code == 403
    with site.session() as session:
        message = session.get(OutboxMessage, ids["skipped"])
        assert message is not None and message.status == "skipped"
        assert session.exec(select(AdminEvent)).all() == []
