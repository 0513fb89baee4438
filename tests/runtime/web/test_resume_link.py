"""Continue later: a link by message that opens the draft on another device, while it lives."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import update
from sqlmodel import select

from runtime import link_messages
from runtime.models import FormDraft, OutboxMessage
from runtime.resume import resume_token

from .conftest import SECRET_KEY, Citizen, Loket, form_values, parse, the_form

DOMISILI = "disdukcapil/surat-keterangan-domisili"
LINK = re.compile(r"http://testserver(/lanjut/([A-Za-z0-9_-]+))")


def _messages(loket: Loket) -> list[OutboxMessage]:
    with loket.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "link.resume")
        return list(session.exec(query).all())


def _ask(client: TestClient, page: Response, contact: str) -> Response:
    form = parse(page).css_first("form.resume-form")
    assert form is not None, "no continue-later form on the page"
    data = {
        node.attributes["name"] or "": node.attributes.get("value") or ""
        for node in form.css("input[type=hidden]")
    }
    return client.post(form.attributes["action"] or "", data={**data, "contact": contact})


def _started(loket: Loket) -> tuple[Citizen, Response]:
    """A citizen who filled the first page and stands on the second."""
    citizen = loket.citizen(DOMISILI, loket.new_client())
    first = citizen.start()
    second = citizen.follow(citizen.fill_page(first))
    assert second.status_code == 200
    return citizen, second


def _link(message: OutboxMessage) -> tuple[str, str]:
    found = LINK.search(message.body)
    assert found is not None, message.body
    return found.group(1), found.group(2)


@pytest.mark.postgres
def test_resume_link_opens_the_draft_in_another_browser(loket: Loket) -> None:
    citizen, second = _started(loket)
    sent = _ask(citizen.client, second, "0812 3456 7890")
    assert sent.status_code == 200
    assert "Tautan untuk melanjutkan sudah dikirim" in sent.text
    [message] = _messages(loket)
    assert (message.channel, message.recipient) == ("whatsapp", "+6281234567890")
    path, token = _link(message)
    with loket.session() as session:
        [draft] = session.exec(select(FormDraft)).all()
        assert token != draft.id and draft.id not in message.body
    other = loket.new_client()
    opened = other.get(path)
    assert opened.status_code == 303
    page = citizen.follow(opened)
    while page.status_code == 303:  # /periksa sends on to the first page still to fill in
        page = citizen.follow(page)
    assert page.status_code == 200
    assert page.url.path == second.url.path
    # the other browser sees the answers given in the first: the first page's values are kept
    first_page = _first_page(loket, citizen)
    mine = form_values(the_form(parse(citizen.get(first_page))))
    theirs = form_values(the_form(parse(other.get(first_page))))
    strip = {"csrf_token"}
    assert [v for v in theirs if v[0] not in strip] == [v for v in mine if v[0] not in strip]
    assert any(value for name, value in theirs if name not in strip)


def _first_page(loket: Loket, citizen: Citizen) -> str:
    return f"{citizen.base}/isi/{citizen.pages_seen[0]}"


def test_email_contact_and_english(loket: Loket) -> None:
    citizen, second = _started(loket)
    sent = _ask(citizen.client, citizen.get(second.url.path + "?lang=en"), "Budi@Contoh.id")
    assert sent.status_code == 200
    [message] = _messages(loket)
    assert (message.channel, message.recipient) == ("email", "budi@contoh.id")
    assert message.body.startswith("Continue ") and message.subject


@pytest.mark.postgres
def test_the_link_stops_working_when_the_draft_is_filed(loket: Loket) -> None:
    citizen, second = _started(loket)
    _ask(citizen.client, second, "budi@contoh.id")
    path, _ = _link(_messages(loket)[0])
    check = citizen.fill_all(citizen.follow(citizen.fill_page(second)))
    assert citizen.submit(check).status_code == 303
    gone = loket.new_client().get(path)
    assert gone.status_code == 410
    assert "Tautan tidak berlaku lagi" in gone.text
    assert "loket_draft" not in gone.headers.get("set-cookie", "")


@pytest.mark.postgres
def test_the_link_stops_working_when_the_draft_expires(loket: Loket) -> None:
    citizen, second = _started(loket)
    _ask(citizen.client, second, "budi@contoh.id")
    path, _ = _link(_messages(loket)[0])
    assert loket.new_client().get(path).status_code == 303
    with loket.session() as session:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.exec(update(FormDraft).values(expires_at=past))  # type: ignore[call-overload]
        session.commit()
    assert loket.new_client().get(path).status_code == 410


def test_tokens_are_unguessable_and_not_derivable_without_the_key(loket: Loket) -> None:
    citizen, second = _started(loket)
    _ask(citizen.client, second, "budi@contoh.id")
    _, token = _link(_messages(loket)[0])
    with loket.session() as session:
        [draft] = session.exec(select(FormDraft)).all()
        assert draft.resume_hash and token not in draft.resume_hash
    assert token == resume_token(SECRET_KEY, draft.id)
    assert token != resume_token("another-key-" + SECRET_KEY, draft.id)
    assert len(token) >= 22
    stranger = loket.new_client()
    for guess in (token[:-1] + ("A" if token[-1] != "A" else "B"), draft.id, "x" * 500, "0"):
        assert stranger.get(f"/lanjut/{guess}").status_code == 410


def test_resume_requests_are_rate_limited_and_need_csrf(loket: Loket) -> None:
    citizen, second = _started(loket)
    limit = link_messages.RESUME_PER_DRAFT.per_window
    for _ in range(limit):
        assert _ask(citizen.client, second, "budi@contoh.id").status_code == 200
    limited = _ask(citizen.client, second, "budi@contoh.id")
    assert limited.status_code == 429
    assert len(_messages(loket)) == limit
    no_token = citizen.client.post(
        f"{citizen.base}/lanjut-nanti", data={"contact": "budi@contoh.id", "page": "x"}
    )
    assert no_token.status_code == 403
    bad = _ask(citizen.client, second, "bukan kontak")
    assert bad.status_code == 422
    assert len(_messages(loket)) == limit
