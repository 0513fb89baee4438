"""Family-card change (language 1.1 in a browser): the applicant's age computed and held to 17,
a repeatable group of family members with a document per member and the rule "exactly one head
of the family", the old family card that may follow later; then the applicant action: the
citizen sends the old card from the status page while the case waits for verification (a
refused attempt first: the errors beside the fields), and an officer sees it on the case.
Filed end to end with JavaScript on and off, 360 px wide."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import form_steps
import lifecycle_steps as steps
import pytest
import sktm_journey as sktm
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SERVICE = "/layanan/disdukcapil/perubahan-kartu-keluarga"
NIK_HEAD = "1871011705800001"  # born 17-05-1980, Bandar Lampung
NIK_CHILD = "1871010101100003"  # born 01-01-2010
OFFICER = "petugas.kk"


@pytest.fixture(scope="module")
def officer(live_engine: Any) -> str:
    """A verification officer (petugas) of Disdukcapil in the live server's database."""
    from sqlmodel import Session as DbSession

    from runtime import auth

    with DbSession(live_engine) as session:
        user = auth.create_user(
            session, username=OFFICER, display_name="Petugas KK Uji", password=steps.PASSWORD
        )
        auth.grant(session, user=user, agency_id="disdukcapil", role="petugas")
        session.commit()
    return OFFICER


def member(page: Any, number: int) -> Any:
    return page.get_by_role("group", name=f"Anggota keluarga {number}", exact=True)


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_family_card_change_end_to_end(
    open_session: Callable[..., Any], request: pytest.FixtureRequest, officer: str, js: bool
) -> None:
    page, check = form_steps.open_walk(open_session, request, SERVICE, js=js)

    form_steps.start(page, SERVICE, "pemohon")

    # the computed age: an applicant under 17 is refused beside the date, answers kept
    page.get_by_label("NIK pemohon").fill(NIK_HEAD)
    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_label("Tanggal lahir").fill("2015-01-01")
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")
    sktm.save_and_continue(page)
    form_steps.on_page(page, SERVICE, "pemohon")
    expect(page.locator("#wrap-f-tanggal_lahir .msg")).to_contain_text("paling sedikit 17 tahun")
    expect(page.get_by_label("Nama lengkap")).to_have_value("Budi Santoso")
    check("age rule")
    page.get_by_label("Tanggal lahir").fill("1980-05-17")
    sktm.save_and_continue(page)

    # the change: adding a member reveals the date of the event
    form_steps.on_page(page, SERVICE, "perubahan")
    page.get_by_label("Nomor KK").fill("1871010101080001")
    event_date = page.get_by_label(re.compile("^Tanggal peristiwa"))
    expect(event_date).to_have_count(0)
    sktm.choose(page, page.get_by_label(re.compile("^Menambah anggota")), js=js)
    if not js:
        sktm.save_and_continue(page)
        form_steps.on_page(page, SERVICE, "perubahan")
    expect(event_date).to_be_visible()
    event_date.fill("2026-03-03")
    sktm.save_and_continue(page)

    # the members, a document each; two heads of the family are refused
    form_steps.on_page(page, SERVICE, "anggota")
    first = member(page, 1)
    first.get_by_label("NIK", exact=True).fill(NIK_HEAD)
    first.get_by_label("Nama lengkap").fill("Budi Santoso")
    sktm.choose(page, first.get_by_label("Kepala keluarga", exact=True), js=js)
    first.get_by_label("Tanggal lahir").fill("1980-05-17")
    first.get_by_label(re.compile("^Dokumen anggota")).set_input_files(sktm.pdf_file("ktp.pdf"))
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah Anggota keluarga").click()
    form_steps.on_page(page, SERVICE, "anggota")
    second = member(page, 2)
    second.get_by_label("NIK", exact=True).fill(NIK_CHILD)
    second.get_by_label("Nama lengkap").fill("Rina Santoso")
    sktm.choose(page, second.get_by_label("Kepala keluarga", exact=True), js=js)
    second.get_by_label("Tanggal lahir").fill("2010-01-01")
    second.get_by_label(re.compile("^Dokumen anggota")).set_input_files(sktm.pdf_file("akta.pdf"))
    sktm.save_and_continue(page)
    form_steps.on_page(page, SERVICE, "anggota")
    expect(page.locator("main")).to_contain_text("tepat satu kepala keluarga")
    check("one head rule")
    sktm.choose(page, member(page, 2).get_by_label("Anak", exact=True), js=js)
    sktm.save_and_continue(page)

    # the old family card may follow later: the page says so, and goes on without it
    form_steps.on_page(page, SERVICE, "dokumen")
    expect(page.locator("label[for=f-kk_lama]")).to_contain_text("boleh menyusul")
    page.get_by_label(re.compile("^Surat pengantar RT")).set_input_files(
        sktm.pdf_file("pengantar.pdf")
    )
    check("documents")

    body = form_steps.to_check_page(page, SERVICE)
    expect(body).to_contain_text("Rina Santoso")
    expect(body).to_contain_text("akta.pdf")
    expect(body).to_contain_text("Jumlah anggota keluarga")
    reference = sktm.send_from_check(page, SERVICE, "Saya menyatakan bahwa data anggota keluarga")
    status_url = sktm.status_link(page, reference)

    # the applicant action on the status page: refused without the file and the statement
    page.goto(status_url)
    action = page.locator("form#aksi-kirim_kk_lama")
    expect(page.locator("#applicant-actions")).to_contain_text("Yang dapat Anda lakukan sekarang")
    check("status with the action")
    with page.expect_navigation():
        action.get_by_role("button", name="Kirim KK lama").click()
    expect(page.locator("#wrap-aksi-kirim_kk_lama-f-kk_lama .msg")).to_be_visible()
    expect(page.locator("#confirm-kirim_kk_lama-error")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_visible()
    check("action refused")
    action.get_by_label(re.compile("^KK lama")).set_input_files(sktm.pdf_file("kk-lama.pdf"))
    action.get_by_label(re.compile("^Saya menyatakan berkas ini")).check()
    with page.expect_navigation():
        action.get_by_role("button", name="Kirim KK lama").click()
    expect(page).to_have_url(re.compile(re.escape(status_url) + r"\?terkirim=aksi$"))
    expect(page.locator("#confirmation")).to_contain_text("Terkirim")
    expect(page.locator("ol.timeline")).to_contain_text("Kirim KK lama")
    expect(page.locator("form#aksi-kirim_kk_lama")).to_have_count(0)
    expect(page.get_by_role("link", name="kk-lama.pdf")).to_be_visible()
    check("action sent")

    # the officer sees what the applicant sent, and may now pass the case on
    steps.login(page, officer, "/kantor")
    steps.open_case(page, reference)
    expect(page.locator("#timeline li[data-action=kirim_kk_lama]")).to_be_visible()
    expect(page.locator("#corrections")).to_contain_text("Dikirim pemohon: Kirim KK lama")
    expect(page.locator("#corrections")).to_contain_text("kk-lama.pdf")
    steps.act(page, "Data dan berkas lengkap, teruskan", "Menunggu tanda tangan", js=js)
