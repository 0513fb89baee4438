"""Files through the JSON API: upload (POST .../files), then name the upload in a submission.

SQLite, and PostgreSQL when LOKET_TEST_DATABASE_URL is set; the end-to-end case with the
officer's download runs on local and on database storage.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from runtime import api_uploads, prune
from runtime.app import create_app
from runtime.models import Attachment, FormDraft, Submission, utcnow
from runtime.references import new_token
from runtime.routes.api import PREFIX, UPLOAD_MARGIN_BYTES
from runtime.uploads import attachment_key
from tests import kit
from tests.runtime.api.conftest import AGENCY, BASE, VALID, Api, publish, retire, variant
from tests.runtime.office.conftest import PDF, Office, build_office

FILES = f"{BASE}/files"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MB = 1024 * 1024


def upload(
    api: Api, content: bytes, field: str = "ktp", name: str = "ktp.pdf", url: str = FILES
) -> Any:
    """POST one file as the part `field`."""
    return api.client.post(url, files={field: (name, content, "application/octet-stream")})


def upload_id(api: Api, content: bytes = PDF, field: str = "ktp", url: str = FILES) -> str:
    """Upload a file that is accepted; its upload id."""
    response = upload(api, content, field, url=url)
    assert response.status_code == 201, response.text
    value: str = response.json()["upload"]
    return value


def attachments(engine: Engine) -> list[Attachment]:
    with Session(engine) as session:
        return list(session.exec(select(Attachment)).all())


def holders(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(FormDraft)
            .where(col(FormDraft.id).startswith(api_uploads.HOLDER_PREFIX))
        ).one()


def case_of(engine: Engine, reference: str) -> Submission:
    with Session(engine) as session:
        return session.exec(select(Submission).where(Submission.reference == reference)).one()


def problems(response: Any) -> list[tuple[str, str]]:
    return [(e["pointer"], e["rule"]) for e in response.json()["errors"]]


# -- upload, then submit ---------------------------------------------------------------------


def test_upload_then_submit_makes_the_file_the_cases(api: Api) -> None:
    response = upload(api, PDF, name="../scan <KTP>.pdf")
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"upload", "field", "name", "size", "content_type", "sha256", "expires_at"}
    assert body["field"] == "ktp"
    assert body["name"] == "scan KTP.pdf"  # cleaned as the pages clean it
    assert (body["size"], body["content_type"]) == (len(PDF), "application/pdf")
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    expires = dt.datetime.fromisoformat(body["expires_at"])
    hours = api.settings.draft_ttl_hours
    assert abs(expires - (utcnow() + dt.timedelta(hours=hours))) < dt.timedelta(minutes=1)
    (held,) = attachments(api.engine)
    assert held.id == body["upload"] and held.submission_id is None
    assert api.app.state.store.exists(attachment_key(held.storage_name))

    filed = api.submit({**VALID, "ktp": body["upload"]})
    assert filed.status_code == 201, filed.text
    case = case_of(api.engine, filed.json()["reference"])
    assert case.answers["ktp"] == {
        "id": body["upload"],
        "name": "scan KTP.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
        "sha256": body["sha256"],
    }
    (kept,) = attachments(api.engine)
    assert (kept.submission_id, kept.draft_id, kept.field_key) == (case.id, None, "ktp")
    assert holders(api.engine) == 0  # the holder went with the filing
    # the applicant downloads it from the private status page like a file sent by the pages
    status = filed.json()["status_page_url"]
    mine = api.client.get(f"{status}/berkas/{kept.id}")
    assert mine.status_code == 200 and mine.content == PDF


def test_a_service_with_a_required_file_is_filed_through_the_api(api: Api) -> None:
    publish(api.engine, variant("dengan-berkas", required_file=True))
    base = f"{PREFIX}/services/{AGENCY}/dengan-berkas"
    assert api.client.get(base).json()["accepts_api_submissions"] is True
    schema = api.client.get(f"{base}/schema").json()
    assert "ktp" in schema["required"]
    assert schema["properties"]["ktp"]["type"] == "string"
    sent = {**VALID, "ktp": upload_id(api, JPEG, url=f"{base}/files")}
    response = api.client.post(f"{base}/submissions", json=sent)
    assert response.status_code == 201, response.text
    answers = case_of(api.engine, response.json()["reference"]).answers
    assert answers["ktp"]["content_type"] == "image/jpeg"


def test_a_retry_with_the_idempotency_key_returns_the_same_case(api: Api) -> None:
    sent = {**VALID, "ktp": upload_id(api)}
    first = api.submit(sent, **{"Idempotency-Key": "berkas-ulang-1"})
    again = api.submit(sent, **{"Idempotency-Key": "berkas-ulang-1"})
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    other = api.submit({**sent, "ktp": upload_id(api)}, **{"Idempotency-Key": "berkas-ulang-1"})
    assert other.status_code == 422
    assert other.json()["error"] == "idempotency_key_reused"


def test_an_upload_for_a_hidden_field_is_not_claimed(api: Api) -> None:
    definition = variant("berkas-bersyarat")
    fields = definition["form"]["pages"][0]["fields"]
    ktp = next(f for f in fields if f["key"] == "ktp")
    ktp["visible_if"] = {"field": "status_kawin", "equals": "kawin"}
    publish(api.engine, definition)
    base = f"{PREFIX}/services/{AGENCY}/berkas-bersyarat"
    held = upload_id(api, url=f"{base}/files")
    response = api.client.post(f"{base}/submissions", json={**VALID, "ktp": held})
    assert response.status_code == 201, response.text
    assert "ktp" not in case_of(api.engine, response.json()["reference"]).answers
    (still,) = attachments(api.engine)
    assert still.submission_id is None  # free until it expires


# -- uploads a submission cannot use ---------------------------------------------------------


def test_an_unknown_upload_id_is_refused(api: Api) -> None:
    response = api.submit({**VALID, "ktp": new_token()})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_uploads"
    assert problems(response) == [("/ktp", "upload_not_found")]
    assert "Upload the file again" in response.json()["errors"][0]["message"]["en"]
    for wrong in ("x", 5, ["a" * 22]):
        refused = api.submit({**VALID, "ktp": wrong})
        assert problems(refused) == [("/ktp", "upload_id")]


def test_an_upload_serves_one_case_only(api: Api) -> None:
    held = upload_id(api)
    assert api.submit({**VALID, "ktp": held}).status_code == 201
    again = api.submit({**VALID, "nama": "Siti", "ktp": held})
    assert again.status_code == 422
    assert problems(again) == [("/ktp", "upload_used")]
    with Session(api.engine) as session:
        assert session.exec(select(func.count()).select_from(Submission)).one() == 1


def test_an_upload_for_another_service_is_refused(api: Api) -> None:
    publish(api.engine, variant("layanan-lain"))
    held = upload_id(api, url=f"{PREFIX}/services/{AGENCY}/layanan-lain/files")
    response = api.submit({**VALID, "ktp": held})
    assert response.status_code == 422
    assert problems(response) == [("/ktp", "upload_other_service")]


def test_an_upload_for_another_field_is_refused(api: Api) -> None:
    definition = variant("dua-berkas")
    definition["form"]["pages"][0]["fields"].append(
        {"key": "kk", "type": "file", "label": "Kartu Keluarga", "accept": ["application/pdf"]}
    )
    publish(api.engine, definition)
    base = f"{PREFIX}/services/{AGENCY}/dua-berkas"
    kk = upload_id(api, field="kk", url=f"{base}/files")
    response = api.client.post(f"{base}/submissions", json={**VALID, "ktp": kk})
    assert response.status_code == 422
    assert problems(response) == [("/ktp", "upload_other_field")]
    assert "(kk)" in response.json()["errors"][0]["message"]["en"]
    both = api.client.post(f"{base}/submissions", json={**VALID, "kk": kk, "ktp": kk})
    assert problems(both) == [("/ktp", "upload_other_field")]
    ok = api.client.post(
        f"{base}/submissions", json={**VALID, "kk": kk, "ktp": upload_id(api, url=f"{base}/files")}
    )
    assert ok.status_code == 201, ok.text


def test_a_file_the_pages_uploaded_is_no_upload(api: Api) -> None:
    """An attachment of a citizen's draft cannot be named through the API, even by its id."""
    held = upload_id(api)
    with Session(api.engine) as session:
        draft = session.exec(select(FormDraft)).one()
        page_draft = FormDraft(
            id=new_token(),
            service_version_id=draft.service_version_id,
            expires_at=utcnow() + dt.timedelta(hours=1),
        )
        session.add(page_draft)
        session.flush()
        session.exec(update(Attachment).values(draft_id=page_draft.id))
        session.commit()
    response = api.submit({**VALID, "ktp": held})
    assert problems(response) == [("/ktp", "upload_not_found")]


def test_an_expired_upload_is_refused_and_pruned(api: Api) -> None:
    held = upload_id(api)
    with Session(api.engine) as session:
        session.exec(update(FormDraft).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
        session.commit()
    response = api.submit({**VALID, "ktp": held})
    assert problems(response) == [("/ktp", "upload_expired")]
    (stored,) = attachments(api.engine)
    key = attachment_key(stored.storage_name)
    assert api.app.state.store.exists(key)
    prune.prune(api.engine, api.app.state.store, utcnow())
    assert attachments(api.engine) == [] and holders(api.engine) == 0
    assert not api.app.state.store.exists(key)
    assert problems(api.submit({**VALID, "ktp": held})) == [("/ktp", "upload_not_found")]


def test_a_claim_loses_to_an_earlier_one(api: Api) -> None:
    """Of two filings naming one upload at once, the second claim finds it taken."""
    held = upload_id(api)
    with Session(api.engine) as session:
        holder = session.exec(select(FormDraft.id)).one()
        first = api.submit({**VALID, "ktp": held})
        assert first.status_code == 201
        case = case_of(api.engine, first.json()["reference"])
        with pytest.raises(api_uploads.UploadTaken):
            api_uploads.claim(session, case.id, {held: holder}, {held: "ktp"})
        session.rollback()


# -- uploads that are refused ----------------------------------------------------------------


def test_an_oversize_file_is_413(api: Api) -> None:
    big = PDF + b"0" * (2 * MB)  # the field takes 2 MB
    response = upload(api, big)
    assert response.status_code == 413
    assert response.json()["error"] == "file_too_large"
    assert problems(response) == [("/ktp", "too_big")]
    assert "2 MB" in response.json()["errors"][0]["message"]["en"]
    # far over: the body is cut off as it streams in
    huge = upload(api, PDF + b"0" * (2 * MB + 2 * UPLOAD_MARGIN_BYTES))
    assert huge.status_code == 413
    assert huge.json()["error"] == "file_too_large"
    assert attachments(api.engine) == [] and holders(api.engine) == 0
    exactly = upload(api, PDF + b"0" * (2 * MB - len(PDF)))
    assert exactly.status_code == 201, exactly.text


@pytest.mark.parametrize(
    ("content", "status", "code", "rule"),
    [
        (PNG, 415, "file_type_not_accepted", "bad_type"),  # an image type the field omits
        (b"<html><script>alert(1)</script></html>", 415, "file_type_not_accepted", "bad_type"),
        (b"", 422, "file_empty", "empty"),
    ],
)
def test_a_file_the_field_does_not_take_is_refused(
    api: Api, content: bytes, status: int, code: str, rule: str
) -> None:
    response = upload(api, content, name="ktp.pdf")  # the name does not decide the type
    assert response.status_code == status
    assert response.json()["error"] == code
    assert problems(response) == [("/ktp", rule)]
    assert attachments(api.engine) == []


def test_malformed_upload_requests_are_4xx(api: Api) -> None:
    as_json = api.client.post(FILES, json={"ktp": "x"})
    assert (as_json.status_code, as_json.json()["error"]) == (415, "upload_not_multipart")
    two = api.client.post(
        FILES, files=[("ktp", ("a.pdf", PDF, "application/pdf")), ("ktp", ("b.pdf", PDF, "x/y"))]
    )
    assert (two.status_code, two.json()["error"]) == (422, "one_file")
    none = api.client.post(FILES, data={"ktp": "teks"}, files={"x": ("", b"", "text/plain")})
    assert none.status_code == 422
    text_only = api.client.post(
        FILES,
        content=b'--b\r\nContent-Disposition: form-data; name="ktp"\r\n\r\nteks\r\n--b--\r\n',
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert (text_only.status_code, text_only.json()["error"]) == (422, "one_file")
    other = upload(api, PDF, field="nama")
    assert (other.status_code, other.json()["error"]) == (422, "not_a_file_field")
    broken = api.client.post(
        FILES, content=b"no parts here", headers={"Content-Type": "multipart/form-data"}
    )
    assert (broken.status_code, broken.json()["error"]) == (400, "invalid_multipart")
    missing = upload(api, PDF, url=f"{PREFIX}/services/{AGENCY}/tidak-ada/files")
    assert (missing.status_code, missing.json()["error"]) == (404, "service_not_found")
    retire(api.engine, AGENCY, "layanan-uji")
    gone = upload(api, PDF)
    assert (gone.status_code, gone.json()["error"]) == (410, "service_retired")
    assert attachments(api.engine) == []


def test_errors_follow_the_request_language(api: Api) -> None:
    response = api.client.post(
        f"{FILES}?lang=en", files={"ktp": ("a.png", PNG, "image/png")}, headers={}
    )
    assert response.status_code == 415
    assert response.json()["message"] == "The field does not accept this type of file."


# -- end to end with the officer's download --------------------------------------------------

DOMISILI_BASE = f"{PREFIX}/services/disdukcapil/surat-keterangan-domisili"
DOMISILI_ANSWERS: dict[str, Any] = {
    **kit.DOMISILI_ANSWERS,
    "tinggal_sejak": "2020-01-15",
    "status_tempat_tinggal": "milik_sendiri",
    "keperluan": "pendidikan",
    "pernyataan_benar": True,
}


@pytest.fixture(params=["local", "database"])
def office(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> Iterator[Office]:
    """The back office with the domisili service, its files kept in `request.param` storage."""
    base = build_office(engine, tmp_path / "setup")
    settings = replace(base.settings, data_dir=tmp_path / "data", storage=request.param)
    built = Office(create_app(settings), settings, base.definitions, base.user_ids)
    yield built
    for made in (base, built):
        for client in made.clients:
            client.close()
        made.engine.dispose()


def test_an_officer_downloads_the_files_sent_through_the_api(office: Office) -> None:
    client = office.client()
    contents = {"berkas_ktp": JPEG, "berkas_kk": PDF, "berkas_pengantar_rt": PNG}
    sent = copy.deepcopy(DOMISILI_ANSWERS)
    for key, content in contents.items():
        response = client.post(
            f"{DOMISILI_BASE}/files", files={key: (f"{key}.bin", content, "image/x")}
        )
        assert response.status_code == 201, response.text
        sent[key] = response.json()["upload"]
    filed = client.post(f"{DOMISILI_BASE}/submissions", json=sent)
    assert filed.status_code == 201, filed.text
    with office.session() as session:
        case = session.exec(
            select(Submission).where(Submission.reference == filed.json()["reference"])
        ).one()
        rows = session.exec(select(Attachment).where(Attachment.submission_id == case.id)).all()
    assert {row.field_key: row.id for row in rows} == {k: sent[k] for k in contents}
    officer = office.login("petugas.uji")
    page = officer.get(f"/kantor/kasus/{case.id}")
    assert page.status_code == 200
    for row in rows:
        assert f"/kantor/kasus/{case.id}/berkas/{row.id}" in page.text
        download = officer.get(f"/kantor/kasus/{case.id}/berkas/{row.id}")
        assert download.status_code == 200, download.text[:300]
        assert download.content == contents[row.field_key]
        assert "attachment;" in download.headers["content-disposition"]
    stored_locally = (office.settings.data_dir / "attachments").exists()
    assert stored_locally == (office.settings.storage == "local")
    # an officer of another agency does not get them
    other = office.login("petugas.dinsos")
    assert other.get(f"/kantor/kasus/{case.id}/berkas/{rows[0].id}").status_code == 404


def test_a_field_may_allow_more_than_the_global_body_limit(api: Api) -> None:
    """As on the form pages, a file field's `max_mb` holds even above LOKET_BODY_LIMIT_BYTES
    (up to `security.upload_read_limit`); other API bodies keep the global limit."""
    settings = replace(api.settings, body_limit_bytes=MB)
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            big = PDF + b"0" * (MB + MB // 2)  # over the global limit, within the field's 2 MB
            sent = client.post(FILES, files={"ktp": ("ktp.pdf", big, "application/pdf")})
            assert sent.status_code == 201, sent.text
            assert sent.json()["size"] == len(big)
            over = client.post(FILES, files={"ktp": ("ktp.pdf", big + big, "application/pdf")})
            assert (over.status_code, over.json()["error"]) == (413, "file_too_large")
            json_body = client.post(f"{BASE}/submissions", content=b" " * (MB + 1))
            assert json_body.status_code == 413
    finally:
        app.state.engine.dispose()
