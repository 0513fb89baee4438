"""The status page and the applicant's files: private links, same not-found, safe downloads."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from httpx2 import Response
from sqlmodel import select

from runtime.models import Attachment, Submission

from .conftest import (
    PDF,
    PNG,
    Citizen,
    Loket,
    attr,
    error_texts,
    file_a_case,
    parse,
    status_link,
)

DOMISILI = "disdukcapil/surat-keterangan-domisili"
PENGADUAN = "diskominfo/pengaduan-masyarakat"


def _attachments(loket: Loket, case_reference: str) -> list[Attachment]:
    with loket.session() as session:
        case = session.exec(select(Submission).where(Submission.reference == case_reference)).one()
        return list(session.exec(select(Attachment).where(Attachment.submission_id == case.id)))


def _stored_files(loket: Loket) -> list[Path]:
    folder = loket.settings.data_dir / "attachments"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_wrong_reference_and_wrong_secret_look_the_same(loket: Loket) -> None:
    citizen, link = file_a_case(loket, PENGADUAN)
    _, _, reference, secret = link.split("/")
    good = citizen.get(link)
    assert good.status_code == 200
    other_reference = "LKT-23456-789AB"
    stranger = loket.new_client()
    wrong_secret = stranger.get(f"/status/{reference}/{'x' * len(secret)}")
    wrong_reference = stranger.get(f"/status/{other_reference}/{secret}")
    malformed = stranger.get(f"/status/bukan-nomor/{secret}")
    assert wrong_secret.status_code == wrong_reference.status_code == malformed.status_code == 404
    assert wrong_secret.text == wrong_reference.text == malformed.text
    assert reference not in wrong_secret.text
    assert wrong_secret.headers.get("cache-control") == "no-store"
    # the reference in any case or spacing still finds the case, with the secret
    assert stranger.get(f"/status/{reference.lower()}/{secret}").status_code == 200


def test_status_shows_state_and_timeline_in_english(loket: Loket) -> None:
    citizen, link = file_a_case(loket, "contoh/semua-jenis-field")
    page = citizen.get(f"{link}?lang=en")
    doc = parse(page)
    assert doc.css_first("html").attributes["lang"] == "en"
    assert doc.css_first(".tag").text().strip() == "Being checked"
    (entry,) = doc.css("ol.timeline li")
    assert entry.css_first("strong").text().strip() == "Submitted"


def test_files_download_only_with_the_status_link(loket: Loket) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    reference = link.split("/")[2]
    attachments = _attachments(loket, reference)
    assert len(attachments) == 3
    listed = {attr(a, "href") for a in parse(citizen.get(link)).css("main ul a")}
    assert listed == {f"{link}/berkas/{a.id}" for a in attachments}
    for attachment in attachments:
        response = loket.new_client().get(f"{link}/berkas/{attachment.id}")
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-type"].split(";")[0] == attachment.content_type
        assert response.content == citizen.uploaded[attachment.field_key][1]
        # the stored name is generated, not the citizen's file name
        assert attachment.storage_name not in attachment.original_name
        wrong = link.rsplit("/", 1)[0] + "/" + "y" * 22
        refused = loket.new_client().get(f"{wrong}/berkas/{attachment.id}")
        assert refused.status_code == 404
    # nothing is served from a static route
    for attachment in attachments:
        assert loket.new_client().get(f"/static/{attachment.storage_name}").status_code == 404


@pytest.mark.postgres
def test_an_attachment_of_another_case_is_not_found(loket: Loket) -> None:
    _, first = file_a_case(loket, DOMISILI)
    _, second = file_a_case(loket, DOMISILI)
    theirs = _attachments(loket, second.split("/")[2])
    response = loket.new_client().get(f"{first}/berkas/{theirs[0].id}")
    assert response.status_code == 404
    assert loket.new_client().get(f"{first}/berkas/no-such-file").status_code == 404


def _bukti_page(loket: Loket) -> tuple[Citizen, Response]:
    citizen = loket.citizen(PENGADUAN)
    page = citizen.start()
    while not page.url.path.endswith("/isi/bukti"):
        page = citizen.follow(citizen.fill_page(page))
    return citizen, page


def test_file_type_is_judged_by_content(loket: Loket) -> None:
    citizen, page = _bukti_page(loket)
    disguised = {
        "dokumen_bukti": ("surat.pdf", PNG, "application/pdf"),
        "foto_bukti": ("foto.png", b"<html><script>alert(1)</script></html>", "image/png"),
    }
    response = citizen.post_form(page, fill=False, files=disguised)
    assert response.status_code == 422
    doc = parse(response)
    assert {attr(a, "href") for a in doc.css("#error-summary a")} == {
        "#f-dokumen_bukti",
        "#f-foto_bukti",
    }
    for key in ("dokumen_bukti", "foto_bukti"):
        message = doc.css_first(f"#f-{key}-error")
        assert message is not None
        assert "Jenis berkas tidak diterima" in message.text(deep=True)
        control = doc.css_first(f"#f-{key}")
        assert attr(control, "aria-invalid") == "true"
        assert f"f-{key}-error" in attr(control, "aria-describedby")
    assert loket.count(Attachment) == 0
    assert _stored_files(loket) == []
    # the real thing is accepted, whatever its name
    response = citizen.post_form(
        response, fill=False, files={"dokumen_bukti": ("scan", PDF, "application/octet-stream")}
    )
    assert response.status_code == 303, error_texts(parse(response))
    with loket.session() as session:
        (attachment,) = session.exec(select(Attachment)).all()
    assert attachment.content_type == "application/pdf"
    assert len(_stored_files(loket)) == 1


def test_a_file_over_the_limit_is_refused_beside_the_field(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    page = citizen.start()
    while not page.url.path.endswith("/isi/dokumen"):
        page = citizen.follow(citizen.fill_page(page))
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = citizen.post_form(page, files={"berkas_ktp": ("ktp.pdf", big, "application/pdf")})
    assert response.status_code == 422
    doc = parse(response)
    message = doc.css_first("#f-berkas_ktp-error")
    assert message is not None
    assert "2 MB" in message.text(deep=True)
    assert [attr(a, "href") for a in doc.css("#error-summary a")] == ["#f-berkas_ktp"]
    with loket.session() as session:
        keys = {a.field_key for a in session.exec(select(Attachment)).all()}
    assert keys == {"berkas_kk", "berkas_pengantar_rt"}
    assert len(_stored_files(loket)) == 2
    # the other files are kept: the page says so, and they are not asked again
    assert doc.css_first("#f-berkas_kk-current") is not None
    again = citizen.post_form(response, files={"berkas_ktp": ("ktp.pdf", PDF, "application/pdf")})
    assert again.status_code == 303


def test_a_page_body_far_over_its_files_limits_is_cut_off_while_streaming(loket: Loket) -> None:
    """A body larger than the page's files allow (plus room for text) is read to the end but
    the file is cut off at its limit as it arrives: the page comes back with the error beside
    the field, and nothing of that file is stored."""
    citizen = loket.citizen(DOMISILI)
    page = citizen.start()
    while not page.url.path.endswith("/isi/dokumen"):
        page = citizen.follow(citizen.fill_page(page))
    compiled = citizen.compiled
    allowed = sum(
        float(f.spec.get("max_mb", 2)) for f in compiled.page("dokumen").fields if f.type == "file"
    )
    huge = PDF + b"0" * int((allowed + 1) * 1024 * 1024)
    response = citizen.post_form(page, files={"berkas_ktp": ("ktp.pdf", huge, "application/pdf")})
    assert response.status_code == 422
    assert parse(response).css_first("#wrap-f-berkas_ktp .msg") is not None
    with loket.session() as session:
        stored = session.exec(select(Attachment)).all()
    assert "berkas_ktp" not in {a.field_key for a in stored}
    assert len(_stored_files(loket)) == len(stored)


@pytest.mark.postgres
def test_stored_files_take_the_detected_type_and_download_under_a_safe_name(
    loket: Loket,
) -> None:
    citizen, page = _bukti_page(loket)
    response = citizen.post_form(
        page,
        files={
            "dokumen_bukti": ("ktp.pdf.bat", PDF, "application/x-msdownload"),
            "foto_bukti": ("<b>foto;x.html", PNG, "text/html"),
        },
    )
    assert response.status_code == 303, error_texts(parse(response))
    with loket.session() as session:
        stored = {a.field_key: a for a in session.exec(select(Attachment)).all()}
    assert stored["dokumen_bukti"].storage_name.endswith(".pdf")
    assert stored["foto_bukti"].storage_name.endswith(".png")
    assert sorted(p.suffix for p in _stored_files(loket)) == [".pdf", ".png"]
    assert stored["dokumen_bukti"].original_name == "ktp.pdf.bat"
    assert stored["foto_bukti"].original_name == "b foto x.html"
    sent = citizen.submit(citizen.fill_all(citizen.follow(response)))
    link = status_link(citizen.follow(sent))
    listed = [a.text().strip() for a in parse(citizen.get(link)).css("main ul a")]
    assert sorted(listed) == ["b foto x.html", "ktp.pdf.bat"]
    for key, expected in (("dokumen_bukti", "ktp.pdf"), ("foto_bukti", "b foto x.png")):
        download = loket.new_client().get(f"{link}/berkas/{stored[key].id}")
        assert download.status_code == 200
        assert download.headers["content-disposition"] == (
            f"attachment; filename=\"{expected}\"; filename*=UTF-8''{quote(expected)}"
        )
