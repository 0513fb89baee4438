"""Bad requests get a clear 4xx page, never a 500, and nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from runtime.models import Attachment, CaseEvent, FormDraft, Submission
from runtime.routes import form_pages

from .conftest import PDF, Citizen, Loket, csrf_of, parse

SKTM = "dinsos/surat-keterangan-tidak-mampu"
LIMIT = 256 * 1024


@pytest.fixture
def small(make_loket: Callable[..., Loket]) -> Loket:
    """The app with a small global body limit."""
    return make_loket(body_limit_bytes=LIMIT)


def _rows(loket: Loket) -> tuple[int, ...]:
    return tuple(loket.count(m) for m in (FormDraft, Submission, Attachment, CaseEvent))


def _stored_files(loket: Loket) -> list[str]:
    folder = loket.settings.data_dir / "attachments"
    return [p.name for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _is_error_page(response: Response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    doc = parse(response)
    assert doc.css_first("h1") is not None


def _on_page(loket: Loket, service: str = SKTM) -> tuple[Citizen, str, str]:
    citizen = loket.citizen(service)
    page = citizen.start()
    return citizen, str(page.url.path), csrf_of(parse(page))


def test_malformed_multipart_bodies(loket: Loket) -> None:
    citizen, url, token = _on_page(loket)
    before = _rows(loket)
    bodies = [
        ("multipart/form-data; boundary=abc", b"this is not multipart at all"),
        ("multipart/form-data; boundary=abc", b"--abc\r\nContent-Disposition: form-data\r\n\r\nx"),
        ("multipart/form-data", b"--abc\r\n\r\n--abc--"),
        (
            "multipart/form-data; boundary=abc",
            b'--abc\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            + token.encode()
            + b'\r\n--abc\r\nContent-Disposition: form-data; name="nama"\r\n\r\nBudi',
        ),
        ("multipart/form-data; boundary=" + "b" * 300, b"--"),
    ]
    for content_type, body in bodies:
        response = citizen.client.post(url, content=body, headers={"content-type": content_type})
        assert 400 <= response.status_code < 500, (content_type, response.status_code)
        assert parse(response).css_first("h1") is not None
    assert _rows(loket) == before


def test_invalid_utf8_in_an_urlencoded_body(loket: Loket) -> None:
    citizen, url, token = _on_page(loket)
    before = _rows(loket)
    for body in (
        f"csrf_token={token}&nama=%FF%FE%FD".encode(),
        f"csrf_token={token}&nama=".encode() + b"\xff\xfe",
        b"\xff\xfe=\xfd&csrf_token=" + token.encode(),
    ):
        response = citizen.client.post(
            url, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code in {303, 400, 422}, response.status_code
        assert response.status_code != 500
    assert _rows(loket)[1:] == before[1:]


def test_odd_values_in_hidden_controls(loket: Loket) -> None:
    citizen = loket.citizen(SKTM)
    page = citizen.start()
    while not page.url.path.endswith("/isi/keluarga"):
        page = citizen.follow(citizen.fill_page(page))
    for action in (
        "remove:anggota_keluarga:abc",
        "remove:anggota_keluarga:99",
        "remove:nope:0",
        "add:nope",
        "add:",
        "hapus",
        ":::",
        "remove:anggota_keluarga:-1",
    ):
        response = citizen.post_form(page, action=action, fill=False)
        assert response.status_code in {200, 303, 422}, action
    for count in ("999999999", "-3", "x", ""):
        response = citizen.post_form(page, {"anggota_keluarga._count": count})
        assert response.status_code in {200, 303, 422}, count
        page = citizen.get(f"{citizen.base}/isi/keluarga")
        assert len(parse(page).css("fieldset.item")) <= 15
    response = citizen.post_form(page, {"_return": "https://example.com", "_shown": "x" * 10_000})
    assert response.status_code in {200, 303, 422}
    assert response.headers.get("location", "/").startswith("/")


def test_oversized_request_with_content_length(small: Loket) -> None:
    citizen, url, token = _on_page(small)
    before = _rows(small)
    big = b"a" * (LIMIT + 1)
    response = citizen.client.post(
        url, data={"csrf_token": token}, files={"berkas_ktp": ("besar.pdf", big, "application/pdf")}
    )
    assert response.status_code == 413
    assert _rows(small) == before
    assert _stored_files(small) == []


def test_oversized_streamed_request(small: Loket) -> None:
    citizen, url, token = _on_page(small)
    before = _rows(small)
    boundary = "loketbatas"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="berkas_ktp"; '
            'filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
        ).encode()
        for _ in range(LIMIT // 8192 + 4):
            yield b"0" * 8192
        yield f"\r\n--{boundary}--\r\n".encode()

    response = citizen.client.post(
        url,
        content=body(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert "content-length" not in response.request.headers
    _is_error_page(response, 413)
    assert _rows(small) == before
    assert _stored_files(small) == []
    # a streamed urlencoded body too
    response = citizen.client.post(
        url,
        content=(b"nama=" + b"a" * 8192 for _ in range(LIMIT // 8192 + 2)),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _is_error_page(response, 413)
    assert _rows(small) == before


def test_a_bad_content_length_header(small: Loket) -> None:
    citizen, url, _ = _on_page(small)
    response = citizen.client.post(
        url, content=b"x=1", headers={"content-length": "lots", "content-type": "text/plain"}
    )
    assert response.status_code == 400


def test_unknown_services_pages_and_versions(loket: Loket) -> None:
    client: TestClient = loket.client
    for path in (
        "/layanan/tidak-ada/layanan",
        "/layanan/disdukcapil/tidak-ada",
        "/layanan/disdukcapil/tidak-ada/isi/pemohon",
        "/status/LKT-22222-22222/rahasia",
        "/status/" + "x" * 5000 + "/y",
        "/tidak/ada/sama/sekali",
    ):
        response = client.get(path)
        assert response.status_code in {303, 404}, path
        if response.status_code == 404:
            assert parse(response).css_first("h1") is not None
    citizen, _, token = _on_page(loket)
    assert citizen.get(f"{citizen.base}/isi/tidak-ada").status_code == 404
    before = _rows(loket)
    for path in (
        f"{citizen.base}/isi/tidak-ada",
        f"{citizen.base}/isi/tidak-ada/validasi?field=x",
        f"{citizen.base}/isi/tidak-ada/tampil",
        "/layanan/tidak-ada/layanan/mulai",
        "/layanan/tidak-ada/layanan/kirim",
    ):
        response = citizen.client.post(path, data={"csrf_token": token, "nama": "x"})
        assert response.status_code in {303, 404}, path
    assert _rows(loket) == before


def test_sending_an_incomplete_form_files_nothing(loket: Loket) -> None:
    citizen, url, token = _on_page(loket)
    response = citizen.client.post(
        f"{citizen.base}/kirim", data={"csrf_token": token, "pernyataan_benar": "ya"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == url
    assert loket.count(Submission) == 0
    # the check page is not shown before the form is complete either
    check = citizen.get(f"{citizen.base}/periksa")
    assert check.headers["location"] == url


def test_the_declaration_is_required_to_send(loket: Loket) -> None:
    citizen = loket.citizen("ppid/permohonan-informasi-publik")
    check = citizen.fill_all()
    response = citizen.post_form(check, fill=False)
    assert response.status_code == 422
    doc = parse(response)
    (link,) = doc.css("#error-summary a")
    target = link.attributes["href"]
    assert target is not None
    assert doc.css_first(target) is not None
    assert doc.css_first(f"{target}-error") is not None
    assert loket.count(Submission) == 0


def test_an_oversized_body_gets_a_page_or_json_error_before_the_app_reads_it(
    small: Loket,
) -> None:
    citizen, url, _ = _on_page(small)
    before = _rows(small)
    big = b"a" * (LIMIT + 1)
    page = citizen.client.post(url, content=big, headers={"content-type": "text/plain"})
    _is_error_page(page, 413)
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-content-type-options"] == "nosniff"
    api = small.client.post(
        "/api/v1/services/dinsos/surat-keterangan-tidak-mampu/submissions",
        content=big,
        headers={"content-type": "application/json"},
    )
    assert api.status_code == 413
    assert api.json()["error"] == "too_large"
    assert _rows(small) == before


def _on_the_files_page(loket: Loket) -> tuple[Citizen, Response]:
    """A citizen on SKTM's page of documents (the first with berkas_ktp), earlier pages filled."""
    citizen = loket.citizen(SKTM)
    page = citizen.start()
    for _ in range(10):
        if 'name="berkas_ktp"' in page.text:
            return citizen, page
        page = citizen.follow(citizen.fill_page(page))
    raise AssertionError("no page asks for berkas_ktp")


def test_a_file_over_its_own_limit_is_cut_off_as_it_arrives_and_the_page_keeps_the_rest(
    loket: Loket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """berkas_ktp allows 2 MB; a 3 MB upload is below the page's cap (the sum of its files) but
    is never spooled whole: at most one byte over the field's limit reaches the store."""
    seen: dict[str, int] = {}
    original = form_pages.store_upload

    def recording(upload: Any, **options: Any) -> Any:
        seen[str(upload.filename)] = len(upload.file.read())
        upload.file.seek(0)
        return original(upload, **options)

    monkeypatch.setattr(form_pages, "store_upload", recording)
    citizen, page = _on_the_files_page(loket)
    limit = 2 * 1024 * 1024
    big = PDF + b"0" * (3 * 1024 * 1024)
    response = citizen.post_form(page, files={"berkas_ktp": ("besar.pdf", big, "application/pdf")})
    assert response.status_code == 422
    doc = parse(response)
    error = doc.css_first("#f-berkas_ktp-error")
    assert error is not None and "2 MB" in error.text()
    assert seen["besar.pdf"] == limit + 1
    # the other files of the page were stored and are shown as kept
    assert doc.css_first("#f-berkas_kk-current") is not None
    assert any(size <= limit for name, size in seen.items() if name != "besar.pdf")


def test_malformed_multipart_on_a_page_with_files_is_a_400_and_changes_nothing(
    loket: Loket,
) -> None:
    citizen, page = _on_the_files_page(loket)
    url, token = str(page.url.path), csrf_of(parse(page))
    before = _rows(loket)
    no_boundary = citizen.client.post(
        url,
        content=b"csrf_token=" + token.encode(),
        headers={"content-type": "multipart/form-data"},
    )
    _is_error_page(no_boundary, 400)
    cut_short = citizen.client.post(
        url,
        content=(
            b'--b\r\nContent-Disposition: form-data; name="berkas_ktp"; filename="a.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n" + b"0" * 5000
        ),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert cut_short.status_code in {400, 403}  # never a 500; no CSRF token was read
    assert _rows(loket) == before
