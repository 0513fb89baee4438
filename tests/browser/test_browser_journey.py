"""End to end: a citizen applies for an SKTM in Chromium, with JavaScript on and with it off."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sktm_journey as sktm
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _check_error_page(page: Any) -> None:
    """The page came back with the error summary (focused) and the messages beside the fields."""
    sktm.on_page(page, "pemohon")
    expect(page).to_have_title(re.compile("^Galat:"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Ada yang perlu diperbaiki")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    assert {links.nth(i).get_attribute("href") for i in range(2)} == {"#f-nik", "#f-kelurahan"}
    for key in ("nik", "kelurahan"):
        field = page.locator(f"#f-{key}")
        message = page.locator(f"#f-{key}-error")
        expect(message).to_be_visible()
        expect(field).to_have_attribute("aria-invalid", "true")
        assert f"f-{key}-error" in (field.get_attribute("aria-describedby") or "").split()
        # The message sits beside its own field (inside the same wrapper), not elsewhere.
        expect(page.locator(f"#wrap-f-{key}").locator(f"#f-{key}-error")).to_have_count(1)
    # The citizen's other answers are kept.
    expect(page.get_by_label("Nama lengkap")).to_have_value("Budi Santoso")
    expect(page.get_by_label("Kecamatan")).to_have_value("teluk_betung_utara")


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_citizen_applies_for_sktm(open_session: Callable[..., Any], js: bool) -> None:
    visitor = open_session(js=js)
    page = visitor.page
    sktm.open_service(page)

    # A mistake on purpose: a NIK that is too short, and an empty required field.
    if js:
        sktm.set_marker(page)
    sktm.fill_applicant(page, nik="18710117", kelurahan="")
    if js:
        # htmx checked the NIK when it lost focus, without reloading the page.
        expect(page.locator("#f-nik-error")).to_be_visible()
        expect(page.get_by_label("NIK", exact=True)).to_have_value("18710117")
        assert page.evaluate(sktm.MARKER) == "same-document"
    with page.expect_response(re.compile(r"/isi/pemohon$")) as posted:
        page.get_by_role("button", name="Simpan dan lanjutkan").click()
    assert posted.value.status == 422
    _check_error_page(page)

    # Fixed: on to the next page.
    page.get_by_label("NIK", exact=True).fill(sktm.NIK_APPLICANT)
    page.get_by_label("Kelurahan").fill("Kupang Kota")
    sktm.save_and_continue(page)
    sktm.on_page(page, "keperluan")

    if js:
        # The controlling choice reveals the conditional field in the same document.
        sktm.set_marker(page)
        school = page.get_by_label("Nama sekolah atau perguruan tinggi")
        expect(school).to_have_count(0)
        with page.expect_response(re.compile(r"/isi/keperluan/tampil$")) as revealed:
            page.get_by_label("Keringanan biaya pendidikan atau beasiswa").check()
        assert revealed.value.status == 200
        expect(school).to_be_visible()
        assert page.evaluate(sktm.MARKER) == "same-document"
        expect(page.get_by_label("Keringanan biaya pendidikan atau beasiswa")).to_be_checked()
    sktm.choose_purpose(page, js=js)
    sktm.fill_economy(page, js=js)
    sktm.fill_household(page, js=js)
    sktm.upload_documents(page)
    sktm.to_check_page(page)

    # Check your answers: every page's answers, including the revealed ones and both members.
    answers = page.locator("dl.answers")
    expect(answers.filter(has_text="SMA Negeri 2 Bandar Lampung")).to_have_count(1)
    expect(answers.filter(has_text="Siti Aminah")).to_have_count(1)
    expect(answers.filter(has_text="Rina Santoso")).to_have_count(1)
    expect(answers.filter(has_text="ktp.pdf")).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile("^Ubah")).first).to_be_visible()

    reference = sktm.submit(page)

    link = page.locator("main a[href^='/status/']")
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(re.compile(r"/status/" + re.escape(reference) + r"/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Status permohonan {reference}")
    expect(page.locator(".tag")).to_have_text("Berkas sedang diperiksa")
    expect(page.locator("ol.timeline li")).to_have_count(1)
    expect(page.get_by_role("link", name="ktp.pdf")).to_be_visible()

    if js:
        assert visitor.network.cdn_hits, "htmx was never requested from the CDN address"
    else:
        assert not visitor.network.cdn_hits
    assert not visitor.network.blocked, visitor.network.blocked


def _submissions(data_dir: Path) -> int:
    with closing(sqlite3.connect(f"file:{data_dir / 'loket.db'}?mode=ro", uri=True)) as db:
        count: int = db.execute("SELECT count(*) FROM submissions").fetchone()[0]
        return count


def test_back_reload_change_link_and_double_submit(
    open_session: Callable[..., Any], live_server: Any
) -> None:
    visitor = open_session(js=False)
    page = visitor.page
    sktm.open_service(page)
    sktm.fill_applicant(page)
    sktm.save_and_continue(page)
    sktm.on_page(page, "keperluan")
    # The back button and a reload lose nothing: the answers are kept on the server.
    page.go_back()
    sktm.on_page(page, "pemohon")
    expect(page.get_by_label("Nama lengkap")).to_have_value("Budi Santoso")
    page.reload()
    expect(page.get_by_label("NIK", exact=True)).to_have_value(sktm.NIK_APPLICANT)
    page.go_forward()
    sktm.on_page(page, "keperluan")
    sktm.choose_purpose(page, js=False)
    sktm.fill_economy(page, js=False)
    sktm.fill_household(page, js=False)
    sktm.upload_documents(page)
    sktm.to_check_page(page)

    # "Ubah" goes to the answer's page and back to check-your-answers.
    page.get_by_role("link", name="Ubah Kelurahan").click()
    sktm.on_page(page, "pemohon")
    expect(page.get_by_label("Kelurahan")).to_have_value("Kupang Kota")
    page.get_by_label("Kelurahan").fill("Sumur Batu")
    sktm.save_and_continue(page)
    sktm.to_check_page(page)
    expect(page.locator("dl.answers").filter(has_text="Sumur Batu")).to_have_count(1)

    # The same check page open in a second tab (or kept from before): submitted from both,
    # with a double click in the first, the application is filed once.
    other = visitor.context.new_page()
    other.goto(page.url)
    other.get_by_label(re.compile("^Saya menyatakan bahwa data keluarga")).check()
    before = _submissions(live_server.data_dir)
    page.get_by_label(re.compile("^Saya menyatakan bahwa data keluarga")).check()
    page.get_by_role("button", name="Kirim permohonan").dblclick()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan terkirim")
    reference = page.locator(".ref").inner_text().strip()
    with other.expect_navigation():
        other.get_by_role("button", name="Kirim permohonan").click()
    expect(other.locator(".ref")).to_have_text(reference)
    page.go_back()
    page.reload()
    expect(page.locator(".ref")).to_have_text(reference)
    assert _submissions(live_server.data_dir) - before == 1


def test_rejected_files_are_explained_and_good_ones_kept(
    open_session: Callable[..., Any],
) -> None:
    js = False
    page = open_session(js=js).page
    sktm.open_service(page)
    sktm.fill_applicant(page)
    sktm.save_and_continue(page)
    sktm.choose_purpose(page, js=js)
    sktm.fill_economy(page, js=js)
    sktm.fill_household(page, js=js)
    sktm.on_page(page, "dokumen")

    # A text file named .pdf, and a real PDF over the 2 MB limit, beside two good ones.
    page.get_by_label("KTP-el pemohon").set_input_files(
        {"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all\n"}
    )
    big = sktm.small_pdf("kk") + b"%" + b"0" * (2 * 1024 * 1024 + 10) + b"\n"
    page.get_by_label("Kartu Keluarga", exact=True).set_input_files(
        {"name": "kk.pdf", "mimeType": "application/pdf", "buffer": big}
    )
    page.get_by_label("Surat pengantar RT diketahui Lurah").set_input_files(
        sktm.pdf_file("pengantar.pdf")
    )
    page.get_by_label(
        "Surat keterangan aktif atau bukti pendaftaran sekolah/kuliah"
    ).set_input_files(sktm.pdf_file("sekolah.pdf"))
    with page.expect_response(re.compile(r"/isi/dokumen$")) as posted:
        page.get_by_role("button", name="Simpan dan lanjutkan").click()
    assert posted.value.status == 422
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#f-berkas_ktp-error")).to_contain_text("Jenis berkas tidak diterima")
    expect(page.locator("#f-berkas_kk-error")).to_contain_text("lebih besar dari 2 MB")
    expect(page.locator("#f-berkas_pengantar-current")).to_contain_text("pengantar.pdf")
    expect(page.locator("#f-berkas_sekolah-current")).to_contain_text("sekolah.pdf")

    page.get_by_label("KTP-el pemohon").set_input_files(sktm.pdf_file("ktp.pdf"))
    page.get_by_label("Kartu Keluarga", exact=True).set_input_files(sktm.pdf_file("kk.pdf"))
    sktm.save_and_continue(page)
    sktm.to_check_page(page)
    answers = page.locator("dl.answers")
    for name in ("ktp.pdf", "kk.pdf", "pengantar.pdf", "sekolah.pdf"):
        expect(answers.filter(has_text=name)).to_have_count(1)
