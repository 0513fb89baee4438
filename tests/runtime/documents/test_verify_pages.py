"""Public verification of issued documents: page, JSON, file check, not-found, rate limit.

Runs on SQLite, and on PostgreSQL too when LOKET_TEST_DATABASE_URL is set (the `engine`
fixture of tests/runtime/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import Engine

from runtime.documents.verify import new_verify_code
from runtime.routes.api_verify import VerifiedDocument
from runtime.routes.verify import MAX_UPLOAD_BYTES
from tests.runtime.documents.verify_site import ANSWERS, Site, close, make_site

CODE_FORM = re.compile(r"([2-9A-Z]{5}-){4}[2-9A-Z]{5}")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:
    made = make_site(engine, tmp_path / "data")
    yield made
    close(made)


def page(client: TestClient, code: str, **params: str) -> Response:
    return client.get(f"/verifikasi/{code}", params=params)


def text_of(response: Response, selector: str) -> str:
    node = LexborHTMLParser(response.text).css_first(selector)
    assert node is not None, f"{selector} missing"
    return node.text(deep=True).strip()


def upload(client: TestClient, code: str, content: bytes, *, token: bool = True) -> Response:
    form = page(client, code)
    data = {"csrf_token": CSRF.search(form.text).group(1)} if token else {}  # type: ignore[union-attr]
    files = {"berkas": ("surat.pdf", content, "application/pdf")}
    return client.post(f"/verifikasi/{code}", data=data, files=files)


# -- what the page and the JSON show --------------------------------------------------------------


def test_a_valid_document_shows_its_public_details_only(site: Site) -> None:
    doc, _ = site.issue()
    client = site.visitor()
    response = page(client, doc.verify_code)
    assert response.status_code == 200
    assert text_of(response, "#verify-status") == "Dokumen sah"
    assert text_of(response, "#verify-agency") == "Dinas Contoh"
    assert text_of(response, "#verify-doc-title") == "Surat Keterangan Domisili"
    assert text_of(response, "#verify-number") == doc.number
    assert text_of(response, "#verify-issued") == "02-12-2026"
    assert text_of(response, "#verify-holder") == "Bu** Sa*****"
    assert text_of(response, "#verify-sha256") == doc.sha256
    assert text_of(response, "#verify-address") == f"http://testserver/verifikasi/{doc.verify_code}"
    assert "Utuh" in text_of(response, "#verify-signature")
    assert "BUKAN SERTIFIKAT RESMI" in text_of(response, "#verify-development")
    # nothing of the applicant's answers, not even the full name
    for answer in ANSWERS.values():
        assert answer not in response.text
    # accessible and CSP-compatible: one h1, labelled file input, no inline script or style
    tree = LexborHTMLParser(response.text)
    assert len(tree.css("h1")) == 1
    assert tree.css_first('label[for="verify-file"]') is not None
    assert not [s for s in tree.css("script") if not s.attributes.get("src")]
    assert not tree.css("style") and not tree.css("[style]")


def test_the_page_is_available_in_english(site: Site) -> None:
    doc, _ = site.issue()
    response = page(site.visitor(), doc.verify_code, lang="en")
    assert text_of(response, "#verify-status") == "Valid document"
    assert "Development certificate" in text_of(response, "#verify-development")


def test_a_valid_document_as_json(site: Site) -> None:
    doc, _ = site.issue()
    response = site.visitor().get(f"/api/v1/verifikasi/{doc.verify_code}")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "code": doc.verify_code,
        "status": "valid",
        "agency": "contoh",
        "agency_name": "Dinas Contoh",
        "document_type": "surat_domisili",
        "title": "Surat Keterangan Domisili",
        "number": doc.number,
        "issued_at": "2026-12-02T03:15:00+00:00",
        "issued_on": "2026-12-02",
        "holder": "Bu** Sa*****",
        "sha256": doc.sha256,
        "size": doc.size,
        "superseded_by": None,
        "revoked_at": None,
        "signature_intact": True,
        "signer": body["signer"],
        "development_certificate": True,
        "page": f"/verifikasi/{doc.verify_code}",
    }
    assert "BUKAN SERTIFIKAT RESMI" in body["signer"]
    VerifiedDocument.model_validate(body)  # as the OpenAPI document describes it


def test_the_openapi_document_describes_verification_with_valid_examples(site: Site) -> None:
    document = site.visitor().get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/verifikasi/{code}"]["get"]
    assert {"200", "404", "429"} <= set(operation["responses"])
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    (parameter,) = operation["parameters"]
    assert all(CODE_FORM.fullmatch(code) for code in parameter["schema"]["examples"])
    schema = document["components"]["schemas"]["VerifiedDocument"]
    for example in schema["examples"]:
        VerifiedDocument.model_validate(example)


def test_a_superseded_document_links_to_the_newer_one(site: Site) -> None:
    old, _ = site.issue()
    new, _ = site.issue()
    site.supersede(old, new)
    client = site.visitor()
    response = page(client, old.verify_code)
    assert text_of(response, "#verify-status") == "Dokumen sudah diganti"
    link = LexborHTMLParser(response.text).css_first("#verify-successor")
    assert link is not None and link.attributes["href"] == f"/verifikasi/{new.verify_code}"
    assert text_of(page(client, new.verify_code), "#verify-status") == "Dokumen sah"
    body = client.get(f"/api/v1/verifikasi/{old.verify_code}").json()
    assert body["status"] == "superseded"
    assert body["superseded_by"] == {
        "code": new.verify_code,
        "page": f"/verifikasi/{new.verify_code}",
        "api": f"/api/v1/verifikasi/{new.verify_code}",
    }


def test_a_revoked_document_shows_the_date_but_not_the_internal_reason(site: Site) -> None:
    doc, _ = site.issue()
    reason = "Pemohon memalsukan surat pengantar RT"
    site.revoke(doc, reason, dt.datetime(2026, 12, 5, 20, 30, tzinfo=dt.UTC))  # 6 Dec in WIB
    client = site.visitor()
    response = page(client, doc.verify_code)
    assert text_of(response, "#verify-status") == "Dokumen dicabut"
    assert "dicabut oleh instansi penerbit pada 06-12-2026" in text_of(response, "#verify-revoked")
    assert reason not in response.text
    api = client.get(f"/api/v1/verifikasi/{doc.verify_code}")
    assert api.json()["status"] == "revoked"
    assert api.json()["revoked_at"] == "2026-12-05T20:30:00+00:00"
    assert reason not in api.text


def test_texts_from_the_document_are_escaped(site: Site) -> None:
    doc, _ = site.issue(holder="<script>alert(1)</script>", title='<img src=x onerror="x()">')
    response = page(site.visitor(), doc.verify_code)
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;img src=x onerror=&#34;x()&#34;&gt;" in response.text


def test_a_typed_code_is_found_in_any_case_and_without_dashes(site: Site) -> None:
    doc, _ = site.issue()
    client = site.visitor()
    typed = doc.verify_code.replace("-", " ").lower()
    found = client.get("/verifikasi", params={"kode": typed})
    assert found.status_code == 303
    assert page(client, found.headers["location"].rsplit("/", 1)[1]).status_code == 200
    assert LexborHTMLParser(client.get("/verifikasi").text).css_first("label[for=verify-code]")


# -- wrong codes ---------------------------------------------------------------------------------


WRONG_CODES = [
    new_verify_code(),  # well-formed, unknown
    "7Q2MK-4XD93",  # too short
    "x" * 300,  # far too long
    "..%2F..%2Fetc%2Fpasswd",
    "%27%20OR%201%3D1--",
    "%E2%80%AE%F0%9F%98%80",  # bidi override and an emoji
    "-",  # the placeholder key itself
]


def test_every_wrong_code_gets_the_same_not_found_page(site: Site) -> None:
    site.issue()
    client = site.visitor()
    client.get("/verifikasi")  # take the CSRF cookie first, so every answer below has none
    answers = {(r.status_code, r.text) for r in (page(client, code) for code in WRONG_CODES)}
    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 404
    assert "Dokumen tidak ditemukan" in body


def test_every_wrong_code_gets_the_same_json_not_found(site: Site) -> None:
    site.issue()
    client = site.visitor()
    answers = {
        (r.status_code, r.text)
        for r in (client.get(f"/api/v1/verifikasi/{code}") for code in WRONG_CODES)
    }
    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 404
    assert '"error":"document_not_found"' in body


# -- the rate limit ------------------------------------------------------------------------------


def test_lookups_are_limited_per_address_across_page_json_and_upload(site: Site) -> None:
    doc, pdf = site.issue()
    limit = site.settings.verify_rate_limit
    assert limit == 30
    crawler = site.visitor("198.51.100.9")
    answered = [page(crawler, new_verify_code()).status_code for _ in range(10)]
    answered += [
        crawler.get(f"/api/v1/verifikasi/{doc.verify_code}").status_code for _ in range(10)
    ]
    answered += [upload(crawler, doc.verify_code, pdf).status_code for _ in range(5)]  # 2 each
    assert answered == [404] * 10 + [200] * 10 + [200] * 5
    refused = page(crawler, doc.verify_code)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Terlalu banyak permintaan" in refused.text
    as_json = crawler.get(f"/api/v1/verifikasi/{doc.verify_code}")
    assert as_json.status_code == 429 and as_json.json()["error"] == "too_many_requests"
    assert as_json.headers["retry-after"]
    # a visitor from another address is not affected
    assert page(site.visitor("192.0.2.44"), doc.verify_code).status_code == 200


# -- comparing a file ----------------------------------------------------------------------------


def test_the_exact_pdf_matches(site: Site) -> None:
    doc, pdf = site.issue()
    response = upload(site.visitor(), doc.verify_code, pdf)
    assert response.status_code == 200
    result = LexborHTMLParser(response.text).css_first("#verify-result")
    assert result is not None and result.attributes["data-match"] == "yes"
    assert "Utuh" in result.text(deep=True)


def test_a_pdf_with_one_byte_changed_does_not_match(site: Site) -> None:
    doc, pdf = site.issue()
    changed = bytearray(pdf)
    changed[len(pdf) // 2] ^= 0x01
    response = upload(site.visitor(), doc.verify_code, bytes(changed))
    assert response.status_code == 200
    result = LexborHTMLParser(response.text).css_first("#verify-result")
    assert result is not None and result.attributes["data-match"] == "no"
    assert "Tidak cocok" in result.text(deep=True)


def test_another_documents_pdf_does_not_match(site: Site) -> None:
    doc, _ = site.issue()
    _, other = site.issue()
    response = upload(site.visitor(), doc.verify_code, other)
    node = LexborHTMLParser(response.text).css_first("#verify-result")
    assert node is not None and node.attributes["data-match"] == "no"


def test_the_upload_needs_the_csrf_token(site: Site) -> None:
    doc, pdf = site.issue()
    response = upload(site.visitor(), doc.verify_code, pdf, token=False)
    assert response.status_code == 403
    assert "verify-result" not in response.text


def test_an_oversized_upload_is_refused_with_a_clear_message(site: Site) -> None:
    doc, _ = site.issue()
    response = upload(site.visitor(), doc.verify_code, b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES)
    assert response.status_code == 413
    assert "lebih besar dari 5 MB" in text_of(response, "#verify-file-error")
    assert "verify-result" not in response.text


def test_an_upload_without_a_file_asks_for_one(site: Site) -> None:
    doc, _ = site.issue()
    client = site.visitor()
    token = CSRF.search(page(client, doc.verify_code).text).group(1)  # type: ignore[union-attr]
    response = client.post(f"/verifikasi/{doc.verify_code}", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Pilih berkas PDF" in text_of(response, "#verify-file-error")


def test_an_upload_to_a_wrong_code_gets_the_not_found_page(site: Site) -> None:
    doc, pdf = site.issue()
    client = site.visitor()
    client.get("/verifikasi")
    expected = page(client, new_verify_code())
    token = CSRF.search(page(client, doc.verify_code).text).group(1)  # type: ignore[union-attr]
    files = {"berkas": ("surat.pdf", pdf, "application/pdf")}
    response = client.post(
        f"/verifikasi/{new_verify_code()}", data={"csrf_token": token}, files=files
    )
    assert (response.status_code, response.text) == (expected.status_code, expected.text)
