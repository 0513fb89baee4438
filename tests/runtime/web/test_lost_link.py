"""Lost status link: sent again to the case's own contact, same answer whatever happens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import select

from runtime import link_messages, link_requests
from runtime.models import LinkRequest, OutboxMessage
from runtime.prune import prune
from runtime.references import new_reference

from .conftest import Loket, csrf_of, file_a_case, parse

DOMISILI = "disdukcapil/surat-keterangan-domisili"
CSRF_INPUT = re.compile(r'name="csrf_token" value="[^"]*"')


def _links(loket: Loket) -> list[OutboxMessage]:
    with loket.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "link.status")
        return list(session.exec(query).all())


def _ask(client: TestClient, reference: str, contact: str) -> Response:
    page = client.get("/status")
    assert page.status_code == 200
    form = {"csrf_token": csrf_of(parse(page)), "reference": reference, "contact": contact}
    return client.post("/status", data=form)


def _without_csrf(response: Response) -> str:
    return CSRF_INPUT.sub("", response.text)


@pytest.mark.postgres
def test_matching_contact_gets_the_status_link_on_its_channel(loket: Loket) -> None:
    _, link = file_a_case(loket, DOMISILI)
    reference = link.split("/")[2]
    stranger = loket.new_client()
    by_mail = _ask(stranger, reference.lower().replace("-", " "), "  BUDI@contoh.ID ")
    by_phone = _ask(loket.new_client(), reference, "+62 812-3456-7890")
    assert by_mail.status_code == by_phone.status_code == 200
    sent = _links(loket)
    assert [(m.channel, m.recipient) for m in sent] == [
        ("email", "budi@contoh.id"),
        ("whatsapp", "+6281234567890"),
    ]
    for message in sent:
        assert message.body.endswith("http://testserver" + link), message.body
        assert reference in message.body
    assert sent[0].subject and not sent[1].subject


@pytest.mark.postgres
def test_no_match_answers_byte_for_byte_the_same_and_sends_nothing(loket: Loket) -> None:
    _, link = file_a_case(loket, DOMISILI)
    reference = link.split("/")[2]
    client = loket.new_client()
    matched = _ask(client, reference, "budi@contoh.id")
    wrong_contact = _ask(client, reference, "orang.lain@contoh.id")
    wrong_phone = _ask(client, reference, "0813 1111 2222")
    unknown_case = _ask(client, new_reference(), "budi@contoh.id")
    responses = [matched, wrong_contact, wrong_phone, unknown_case]
    assert {r.status_code for r in responses} == {200}
    assert len({_without_csrf(r) for r in responses}) == 1
    # every response has its own random X-Request-ID (unrelated to the answer); the rest match
    headers = [{k: v for k, v in r.headers.items() if k != "x-request-id"} for r in responses]
    assert len({tuple(sorted(h.items())) for h in headers[1:]}) == 1
    assert len(_links(loket)) == 1


def test_each_lookup_is_ratelimited_per_reference_and_per_address(loket: Loket) -> None:
    _, link = file_a_case(loket, DOMISILI)
    reference = link.split("/")[2]
    per_reference = link_messages.LOST_LINK_PER_REFERENCE.per_window
    answers = [_ask(loket.new_client(), reference, "budi@contoh.id") for _ in range(per_reference)]
    assert len(_links(loket)) == per_reference
    limited = _ask(loket.new_client(), reference, "budi@contoh.id")
    assert limited.status_code == 200
    assert _without_csrf(limited) == _without_csrf(answers[0])
    assert len(_links(loket)) == per_reference  # the same page, nothing sent
    # refused requests are not recorded: the count stays at the limit
    with loket.session() as session:
        rows = session.exec(select(LinkRequest).where(LinkRequest.scope == "lost_link.reference"))
        assert len(list(rows)) == per_reference
        assert all(reference not in row.key for row in session.exec(select(LinkRequest)))


def test_one_address_is_limited_across_references(loket: Loket) -> None:
    _, first = file_a_case(loket, DOMISILI)
    client = loket.new_client()
    per_address = link_messages.LOST_LINK_PER_ADDRESS.per_window
    for _ in range(per_address):  # guesses at other references use up the address's allowance
        assert _ask(client, new_reference(), "budi@contoh.id").status_code == 200
    assert _ask(client, first.split("/")[2], "budi@contoh.id").status_code == 200
    assert _links(loket) == []


def test_the_form_needs_its_csrf_token(loket: Loket) -> None:
    _, link = file_a_case(loket, DOMISILI)
    client = loket.new_client()
    client.get("/status")
    response = client.post(
        "/status", data={"reference": link.split("/")[2], "contact": "budi@contoh.id"}
    )
    assert response.status_code == 403
    assert _links(loket) == []


def test_input_that_cannot_be_a_reference_or_contact_is_refused_clearly(loket: Loket) -> None:
    client = loket.new_client()
    response = _ask(client, "bukan nomor", "bukan kontak")
    assert response.status_code == 422
    errors = [a.text(deep=True) for a in parse(response).css("#error-summary a")]
    assert len(errors) == 2
    assert _ask(client, "x" * 5000, "y" * 5000).status_code == 422
    assert client.get("/status?lang=en").text.count("Lost your status link?") == 1


def test_requests_older_than_an_hour_are_pruned(loket: Loket) -> None:
    _ask(loket.new_client(), new_reference(), "budi@contoh.id")
    later = dt.datetime.now(dt.UTC) + link_requests.WINDOW + dt.timedelta(seconds=1)
    result = dict(prune(loket.engine, loket.settings.data_dir, later))
    assert result["permintaan tautan lama / old link requests"] == 2  # reference and address
    assert loket.count(LinkRequest) == 0


@pytest.mark.postgres
@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_link_comes_in_the_language_the_case_was_filed_in(loket: Loket, lang: str) -> None:
    filer = loket.new_client()
    filer.cookies.set("loket_lang", lang)
    _, link = file_a_case(loket, DOMISILI, filer)
    reference = link.split("/")[2]
    asker = loket.new_client()
    asker.cookies.set("loket_lang", "id" if lang == "en" else "en")  # asked from the other
    assert _ask(asker, reference, "budi@contoh.id").status_code == 200
    (message,) = _links(loket)
    expected = "Status link of application" if lang == "en" else "Tautan status permohonan"
    assert message.body.startswith(f"{expected} {reference}: "), message.body
    assert message.payload["lang"] == lang
