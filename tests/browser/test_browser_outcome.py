"""A service's outcome in Chromium on a phone-sized screen (360×740): a citizen files an SKTM,
the verification officer passes it to the head, the head approves and signs, the citizen
downloads the letter from the private status page, opens its verification page from the link
beside it and checks the downloaded file there. Once with JavaScript on, once with it off;
the pages of the outcome are checked with axe-core (page_checks.check) in both.

The SKTM's approval (`setujui`) issues the letter; neither it nor the officer's step declares
officer fields, so the officers only press the action buttons. The staff accounts are made
beforehand in the live server's database; every other step goes through the pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lifecycle_steps as steps
import pytest
import sktm_journey as sktm
from page_checks import check
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import Session

from runtime import auth, db
from runtime.settings import sqlite_url

pytestmark = pytest.mark.browser

AGENCY = "dinsos"
PHONE = {"width": 360, "height": 740}
HEAD_NAME = "Kepala Bidang Uji Hasil"  # SKTM letters are signed by the acting head
NUMBER = re.compile(r"460/\d{4}/DINSOS/[IVXLC]+/\d{4}")


@dataclass(frozen=True)
class Officers:
    """The SKTM's two roles in the live server's database."""

    officer: str  # petugas: checks the case and passes it on
    head: str  # kepala: approves and signs


@pytest.fixture(scope="session")
def officers(live_server: Any) -> Iterator[Officers]:
    """A verification officer and a head of Dinsos (created once for the browser session)."""
    accounts = Officers(officer="petugas.hasil", head="kepala.hasil")
    engine = db.make_engine(sqlite_url(live_server.data_dir))
    try:
        with Session(engine) as session:
            for username, name, role in (
                (accounts.officer, "Petugas Verifikasi Uji Hasil", "petugas"),
                (accounts.head, HEAD_NAME, "kepala"),
            ):
                user = auth.create_user(
                    session, username=username, display_name=name, password=steps.PASSWORD
                )
                auth.grant(session, user=user, agency_id=AGENCY, role=role)
            session.commit()
        yield accounts
    finally:
        engine.dispose()


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_citizen_gets_and_checks_the_issued_letter(
    open_session: Callable[..., Any],
    officers: Officers,
    axe_source: str,
    js: bool,
    tmp_path: Path,
) -> None:
    tag = f"outcome-{'js' if js else 'nojs'}"

    def checked(page: Any, name: str) -> None:
        check(page, f"{tag}-{name}", width=PHONE["width"], axe_source=axe_source)

    # The citizen files an SKTM on a phone and keeps the private status link (axe is injected
    # as a script: with JavaScript on, the citizen's context bypasses the app's CSP).
    visitor = open_session(js=js, bypass_csp=js, **PHONE)
    citizen = visitor.page
    reference = sktm.complete(citizen, js=js)
    status_url = sktm.status_link(citizen, reference)
    steps.see_status(citizen, status_url, "Berkas sedang diperiksa")
    expect(citizen.locator("#documents")).to_have_count(0)

    # The officer finds it registered in DTKS and passes it to the head.
    officer = open_session(js=js, **PHONE).page
    steps.login(officer, officers.officer, "/kantor")
    steps.open_case(officer, reference)
    expect(officer.get_by_role("button", name="Setujui dan tandatangani")).to_have_count(0)
    steps.act(officer, "Terdaftar DTKS/DTSEN, teruskan ke kepala", "Menunggu persetujuan", js=js)

    # The head approves and signs: the letter is issued.
    head = open_session(js=js, **PHONE).page
    steps.login(head, officers.head, "/kantor")
    steps.open_case(head, reference)
    steps.act(head, "Setujui dan tandatangani", "SKTM terbit", js=js)

    # The citizen sees the letter on the status page and downloads it.
    steps.see_status(citizen, status_url, "SKTM sudah terbit")
    listed = citizen.locator("#documents li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Surat Keterangan Tidak Mampu")
    expect(listed).to_contain_text("Berlaku")
    checked(citizen, "1-status-with-letter")
    found = NUMBER.search(listed.inner_text())
    assert found is not None, listed.inner_text()
    number = found.group(0)
    with citizen.expect_download() as download:
        listed.get_by_role("link", name="Surat Keterangan Tidak Mampu").click()
    saved = tmp_path / "sktm.pdf"
    download.value.save_as(saved)
    assert (
        download.value.suggested_filename
        == f"Surat Keterangan Tidak Mampu {number}.pdf".replace("/", "-")
    )
    content = saved.read_bytes()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in (reference, number, "BUDI SANTOSO", sktm.NIK_APPLICANT, HEAD_NAME):
        assert expected in text, expected

    # The verification page, reached from the link beside the letter, says it is valid.
    with citizen.expect_navigation():
        listed.get_by_role("link", name="Periksa keasliannya").click()
    expect(citizen).to_have_url(re.compile(r"/verifikasi/[A-Za-z0-9_-]{16,64}$"))
    expect(citizen.locator("#verify-status")).to_have_attribute("data-status", "valid")
    expect(citizen.locator("#verify-status")).to_have_text("Dokumen sah")
    expect(citizen.locator("#verify-number")).to_have_text(number)
    checked(citizen, "2-verification")
    expect(citizen.locator("#verify-doc-title")).to_have_text("Surat Keterangan Tidak Mampu")
    code = citizen.url.rsplit("/", 1)[1]
    # the address printed under the QR code (the PDF may break it across lines)
    assert f"/verifikasi/{code}" in re.sub(r"\s", "", text)

    # The downloaded file is exactly the issued one.
    citizen.get_by_label("Berkas PDF", exact=True).set_input_files(saved)
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Cocokkan").click()
    result = citizen.locator("#verify-result")
    expect(result).to_have_attribute("data-match", "yes")
    expect(result).to_contain_text("Cocok")
    expect(result).to_contain_text("sama persis dengan dokumen yang diterbitkan")
    checked(citizen, "3-file-matches")

    # Nothing left the machine, and the pages fit the phone's width.
    for page in (citizen, officer, head):
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"], (page.url, overflow)
    assert not visitor.network.blocked, visitor.network.blocked
    if js:
        assert visitor.network.cdn_hits, "htmx was not loaded from the (intercepted) CDN"
