"""CSRF, security headers, htmx partials, inert definition texts, and no NIK in URLs or logs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from httpx2 import Request, Response
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import select

from builder.bundle import json_copy
from runtime import assets
from runtime.models import Attachment, CaseEvent, FormDraft, Submission

from .conftest import (
    ALL_FIELDS,
    NIK,
    Loket,
    attr,
    csrf_of,
    file_a_case,
    load_definition,
    parse,
    status_link,
)

DOMISILI = "disdukcapil/surat-keterangan-domisili"
PAYLOAD = '<script>alert(1)</script> {{7*7}} " hx-get="/x <img src=x onerror=alert(1)>'
TEXT_KEYS = {
    "label",
    "help",
    "title",
    "summary",
    "text",
    "description",
    "item_label",
    "unit",
    "purpose",
    "cost",
    "public_label",
    "output",
    "placeholder",
}


def _rows(loket: Loket) -> tuple[int, int, int, int]:
    return (
        loket.count(FormDraft),
        loket.count(Submission),
        loket.count(Attachment),
        loket.count(CaseEvent),
    )


def _answers(loket: Loket) -> list[dict[str, Any]]:
    with loket.session() as session:
        return [dict(d.answers) for d in session.exec(select(FormDraft)).all()]


# -- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "0" * 64, "forged"])
def test_every_post_needs_the_csrf_token(loket: Loket, token: str | None) -> None:
    citizen = loket.citizen(DOMISILI)
    first = citizen.start()
    page = citizen.follow(citizen.fill_page(first))
    before, answers = _rows(loket), _answers(loket)
    base = citizen.base
    posts = [
        f"{base}/mulai",
        f"{base}/isi/domisili",
        f"{base}/isi/domisili/validasi?field=rt",
        f"{base}/isi/domisili/tampil",
        f"{base}/kirim",
    ]
    for url in posts:
        data = {"rt": "009", "nama": "Penyusup", "pernyataan_benar": "ya"}
        if token is not None:
            data["csrf_token"] = token
        response = citizen.client.post(url, data=data)
        assert response.status_code == 403, url
        assert parse(response).css_first("h1") is not None
        multipart = citizen.client.post(
            url, data=data, files={"berkas_ktp": ("k.pdf", b"%PDF-1.4", "application/pdf")}
        )
        assert multipart.status_code == 403, url
    assert _rows(loket) == before
    assert _answers(loket) == answers
    assert page.status_code == 200


def test_a_token_only_works_with_its_own_cookie(loket: Loket) -> None:
    victim = loket.citizen(DOMISILI)
    victim.start()
    attacker = loket.new_client()
    token = csrf_of(parse(attacker.get(victim.base)))
    before = _rows(loket)
    # the attacker's valid token, sent from the victim's browser (with the victim's cookie)
    response = victim.client.post(f"{victim.base}/mulai", data={"csrf_token": token})
    assert response.status_code == 403
    # and a visitor without any cookie
    fresh = loket.new_client()
    response = fresh.post(f"{victim.base}/mulai", data={"csrf_token": token})
    assert response.status_code == 403
    assert _rows(loket) == before


# -- headers -------------------------------------------------------------------------------------


def _check_headers(response: Response, *, personal: bool) -> None:
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d}
    assert directives["frame-ancestors"] == ["'none'"]
    # scripts: this site and the pinned htmx file, not the rest of its CDN
    assert directives["script-src"] == ["'self'", assets.HTMX_URL]
    assert directives["style-src"] == ["'self'"]
    assert "default-src" in directives
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in {"no-referrer", "same-origin"}
    vary = {v.strip().lower() for v in response.headers.get("vary", "").split(",")}
    assert "hx-request" in vary
    if personal:
        assert "no-store" in response.headers["cache-control"]


def test_security_headers_on_every_kind_of_page(loket: Loket) -> None:
    client = loket.client
    _check_headers(client.get("/"), personal=False)
    _check_headers(client.get("/layanan/disdukcapil/surat-keterangan-domisili"), personal=False)
    _check_headers(client.get("/layanan/tidak/ada"), personal=False)
    citizen = loket.citizen(DOMISILI)
    first = citizen.start()
    _check_headers(first, personal=True)
    invalid = citizen.post_form(first, {"nik": "1"})
    assert invalid.status_code == 422
    _check_headers(invalid, personal=True)
    check = citizen.fill_all(citizen.follow(citizen.fill_page(invalid)))
    _check_headers(check, personal=True)
    sent = citizen.submit(check)
    _check_headers(sent, personal=True)
    receipt = citizen.follow(sent)
    _check_headers(receipt, personal=True)
    status = citizen.get(status_link(receipt))
    _check_headers(status, personal=True)
    # no inline styles or scripts anywhere: the CSP would block them
    for response in (first, invalid, check, receipt, status):
        doc = parse(response)
        assert doc.css("[style]") == []
        assert all(attr(s, "src") for s in doc.css("script"))
        assert not any(name.startswith("on") for n in doc.css("*") for name in n.attributes)


def test_the_stylesheet_is_cacheable_and_small(loket: Loket) -> None:
    response = loket.client.get("/static/loket.css")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in response.headers.get("cache-control", "")


# -- htmx ----------------------------------------------------------------------------------------


def test_htmx_gets_partials_and_browsers_get_pages(loket: Loket) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    first = citizen.start()
    token = csrf_of(parse(first))
    url = f"{citizen.base}/isi/data"
    htmx = {"HX-Request": "true"}
    data = {"csrf_token": token, "nik": "123", "warna": "lainnya"}

    partial = citizen.client.post(f"{url}/validasi?field=nik", data=data, headers=htmx)
    assert partial.status_code == 200
    doc = parse(partial)
    assert "<html" not in partial.text.lower()
    assert doc.css_first("main") is None
    wrap = doc.css_first("#wrap-f-nik")
    assert wrap is not None
    assert attr(doc.css_first("#f-nik"), "aria-invalid") == "true"
    assert doc.css_first("#f-nik-error") is not None
    assert "hx-request" in partial.headers["vary"].lower()

    fine = citizen.client.post(f"{url}/validasi?field=nik", data={**data, "nik": NIK}, headers=htmx)
    assert parse(fine).css_first("#f-nik-error") is None

    # a reveal sends only the questions that appear or disappear, into their slots
    form_doc = parse(first)
    slot = form_doc.css_first("#wrap-f-warna_lain")
    assert slot is not None
    assert "hidden" in slot.attributes
    assert slot.css_first("input") is None
    shown = attr(form_doc.css_first("#shown-fields"), "value")
    assert "warna_lain" not in shown.split()
    revealed = citizen.client.post(f"{url}/tampil", data={**data, "_shown": shown}, headers=htmx)
    assert revealed.status_code == 200
    assert "<html" not in revealed.text.lower()
    doc = parse(revealed)
    wrap = doc.css_first("#wrap-f-warna_lain")
    assert attr(wrap, "hx-swap-oob") == "true"
    assert wrap.css_first("input[name=warna_lain]") is not None
    assert doc.css_first("#wrap-f-nama") is None  # what the citizen is typing is left alone
    assert doc.css_first("input[name=nik]") is None
    new_shown = doc.css_first("#shown-fields")
    assert attr(new_shown, "hx-swap-oob") == "true"
    assert "warna_lain" in attr(new_shown, "value").split()
    assert doc.body is not None
    assert doc.body.text(deep=True).strip().startswith("Ada pertanyaan tambahan")
    hidden_again = citizen.client.post(
        f"{url}/tampil",
        data={**data, "warna": "merah", "_shown": attr(new_shown, "value")},
        headers=htmx,
    )
    doc = parse(hidden_again)
    slot = doc.css_first("#wrap-f-warna_lain")
    assert "hidden" in slot.attributes
    assert attr(slot, "hx-swap-oob") == "true"
    reveal_target = attr(form_doc.css_first("input[name=warna]"), "hx-target")
    assert form_doc.css_first(reveal_target) is not None
    assert attr(form_doc.css_first(reveal_target), "role") == "status"

    # the same addresses without htmx answer with a whole page
    full = citizen.client.post(f"{url}/validasi?field=nik", data=data)
    assert full.status_code == 422
    doc = parse(full)
    assert doc.css_first("html") is not None
    assert doc.css_first("main form") is not None
    assert doc.css_first("#error-summary a[href='#f-nik']") is not None
    page = citizen.client.post(f"{url}/tampil", data=data)
    assert page.status_code == 200
    assert parse(page).css_first("main form input[name=warna_lain]") is not None

    # validation and revealing save nothing
    assert "nik" not in _answers(loket)[0]
    # the form page tells htmx where to send these
    nik = form_doc.css_first("#f-nik")
    assert attr(nik, "hx-post") == f"{url}/validasi?field=nik"
    assert attr(form_doc.css_first("input[name=warna]"), "hx-post") == f"{url}/tampil"


def test_htmx_without_a_draft_is_sent_to_the_start_page(loket: Loket) -> None:
    client = loket.new_client()
    page = client.get("/layanan/contoh/semua-jenis-field")
    token = csrf_of(parse(page))
    response = client.post(
        "/layanan/contoh/semua-jenis-field/isi/data/validasi?field=nik",
        data={"csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.headers["hx-redirect"] == "/layanan/contoh/semua-jenis-field"


# -- definition text is data ----------------------------------------------------------------------


def _poison(value: Any, key: str = "") -> Any:
    if key in TEXT_KEYS and isinstance(value, str):
        return PAYLOAD
    if key in TEXT_KEYS and isinstance(value, dict) and set(value) <= {"id", "en"}:
        return dict.fromkeys(value, PAYLOAD)
    if key in {"requirements", "procedure", "legal_basis"} and isinstance(value, list):
        return [PAYLOAD for _ in value]
    if isinstance(value, dict):
        return {k: _poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v) for v in value]
    return value


def _assert_inert(doc: LexborHTMLParser) -> None:
    scripts = doc.css("script")
    assert [attr(s, "src") for s in scripts] == [assets.HTMX_URL]
    for node in doc.css("*"):
        names = set(node.attributes)
        assert "hx-get" not in names
        assert "onerror" not in names
        assert not any(name.startswith("on") for name in names)
        assert attr(node, "hx-post") != "/x"
    assert doc.css("img") == []
    text = doc.body.text(deep=True) if doc.body else ""
    assert "{{7*7}}" in text
    assert "<script>alert(1)</script>" in text
    assert "49" not in text


def test_definition_texts_render_inert(make_loket: Callable[..., Loket]) -> None:
    definition = _poison(json_copy(load_definition(ALL_FIELDS)))
    definition["id"] = "uji-teks"
    loket = make_loket([definition])
    citizen = loket.citizen("contoh/uji-teks")
    start = citizen.get(citizen.base)
    assert start.status_code == 200
    _assert_inert(parse(start))
    catalogue = loket.client.get("/")
    _assert_inert(parse(catalogue))
    first = citizen.start()
    _assert_inert(parse(first))
    # an attempt with errors: the messages include labels
    errors = citizen.post_form(first, {"nama": "", "umur": "x"}, fill=False)
    assert errors.status_code == 422
    _assert_inert(parse(errors))
    partial = citizen.client.post(
        f"{citizen.base}/isi/data/validasi?field=umur",
        data={"csrf_token": csrf_of(parse(first)), "umur": "x"},
        headers={"HX-Request": "true"},
    )
    for node in parse(partial).css("*"):
        assert "onerror" not in node.attributes
        assert "hx-get" not in node.attributes
    page = errors
    while not page.url.path.endswith("/periksa"):
        _assert_inert(parse(page))
        page = citizen.follow(citizen.fill_page(page))
    _assert_inert(parse(page))
    sent = citizen.submit(page)
    status = citizen.get(status_link(citizen.follow(sent)))
    doc = parse(status)
    assert [attr(s, "src") for s in doc.css("script")] == [assets.HTMX_URL]
    assert doc.css(".tag")[0].text() == PAYLOAD


# -- no NIK in URLs or logs ----------------------------------------------------------------------


def test_the_nik_is_never_in_a_url_or_a_log(loket: Loket, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def on_request(request: Request) -> None:
        seen.append(str(request.url))

    def on_response(response: Response) -> None:
        seen.append(response.headers.get("location", ""))
        seen.extend(response.headers.get_list("set-cookie"))

    client = loket.new_client()
    client.event_hooks = {"request": [on_request], "response": [on_response]}
    citizen, link = file_a_case(loket, DOMISILI, client)
    citizen.get(link)
    bad = citizen.get(f"{citizen.base}/isi/pemohon")
    assert bad.status_code == 303
    assert citizen.sent["nik"] == NIK
    assert seen
    assert not [url for url in seen if NIK in url]
    assert NIK not in caplog.text
    for record in caplog.records:
        assert NIK not in record.getMessage()
        assert NIK not in repr(record.args)
