"""Aid for disaster victims (language 1.1 in a browser): an exit page for a disaster outside the
city (shown, then left by going back and changing the answer), a time field, a repeatable group
of household members whose ages and disabilities reveal a page (a group condition), a date
limited by another answer (evacuated not before the event) and several photos in one field.
Filed end to end with JavaScript on and off, 360 px wide."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import form_steps
import lifecycle_steps as steps
import pytest
import sktm_journey as sktm
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SERVICE = "/layanan/bpbd/bantuan-korban-bencana"
NIK_HEAD = "1871011705800001"  # born 17-05-1980, Bandar Lampung


@pytest.fixture(scope="module")
def bpbd_staff(live_engine: Any) -> dict[str, str]:
    """One officer of BPBD for each role of the aid's workflow: username by role."""
    from sqlmodel import Session as DbSession

    from runtime import auth

    accounts = {role: f"{role}.bencana" for role in ("trc", "kabid", "kalak")}
    with DbSession(live_engine) as session:
        for role, username in accounts.items():
            user = auth.find_user(session, username) or auth.create_user(
                session,
                username=username,
                display_name=f"Petugas {role.upper()} BPBD",
                password=steps.PASSWORD,
            )
            auth.grant(session, user=user, agency_id="bpbd", role=role)
        session.commit()
    return accounts


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_disaster_aid_end_to_end(
    open_session: Callable[..., Any],
    request: pytest.FixtureRequest,
    bpbd_staff: dict[str, str],
    js: bool,
) -> None:
    page, check = form_steps.open_walk(open_session, request, SERVICE, js=js)

    today = dt.date.today()
    event = today - dt.timedelta(days=2)
    form_steps.start(page, SERVICE, "kejadian")

    # the village first (without JavaScript each level posts the page back, answers kept)
    page.get_by_label("Kecamatan", exact=True).select_option(label="Kedaton")
    if not js:
        with page.expect_navigation():
            page.get_by_role("button", name="Tampilkan pilihan berikutnya").click()
    village = page.get_by_label("Kelurahan/desa", exact=True)
    expect(village).to_be_visible()
    village.select_option(label="Kedaton")

    # a disaster outside the city: the exit page says where to go, nothing is filed
    form_steps.yes_no(page, "Apakah bencana terjadi di Kota Bandar Lampung?", "Tidak", js=js)
    page.get_by_label("Banjir", exact=True).check()
    page.get_by_label("Tanggal kejadian").fill(event.isoformat())
    page.get_by_label("Perkiraan jam kejadian").fill("14:30")
    page.get_by_label("Alamat rumah yang terdampak").fill("Jl. Teuku Umar No. 10, RT 003")
    sktm.save_and_continue(page)
    expect(page).to_have_url(re.compile(re.escape(SERVICE) + "/keluar/di_luar_kota$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporkan ke BPBD tempat kejadian")
    expect(page.get_by_role("status")).to_contain_text("telepon 112")
    link = page.get_by_role("link", name="BPBD Provinsi Lampung")
    assert link.get_attribute("href") == "https://bpbd.lampungprov.go.id"
    check("exit")

    # back to the page, the answers kept; the right answer lets the citizen go on
    with page.expect_navigation():
        page.get_by_role("link", name="kembali dan ubah jawaban.").click()
    form_steps.on_page(page, SERVICE, "kejadian")
    expect(page.get_by_label("Alamat rumah yang terdampak")).to_have_value(
        "Jl. Teuku Umar No. 10, RT 003"
    )
    expect(page.get_by_label("Perkiraan jam kejadian")).to_have_value("14:30")
    form_steps.yes_no(page, "Apakah bencana terjadi di Kota Bandar Lampung?", "Ya", js=js)
    check("event")
    sktm.save_and_continue(page)

    # the household: a child under five reveals the page for vulnerable members
    form_steps.on_page(page, SERVICE, "rumah_tangga")
    page.get_by_label("NIK kepala keluarga").fill(NIK_HEAD)
    page.get_by_label("Nama kepala keluarga").fill("Budi Santoso")
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")
    form_steps.yes_no(page, "Kirimi saya kabar", "Tidak", js=js)
    first = page.get_by_role("group", name="Anggota rumah tangga 1", exact=True)
    expect(first).to_have_count(0)  # no member is asked for until one is added (min_items 0)
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah Anggota rumah tangga").click()
    form_steps.on_page(page, SERVICE, "rumah_tangga")
    first.get_by_label("Nama", exact=True).fill("Siti Aminah")
    first.get_by_label("Tanggal lahir").fill("1985-08-17")
    sktm.choose(page, first.get_by_label("Tidak", exact=True), js=js)
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah Anggota rumah tangga").click()
    form_steps.on_page(page, SERVICE, "rumah_tangga")
    second = page.get_by_role("group", name="Anggota rumah tangga 2", exact=True)
    second.get_by_label("Nama", exact=True).fill("Rina Santoso")
    second.get_by_label("Tanggal lahir").fill(today.replace(year=today.year - 2).isoformat())
    sktm.choose(page, second.get_by_label("Tidak", exact=True), js=js)
    check("household")
    sktm.save_and_continue(page)

    form_steps.on_page(page, SERVICE, "kebutuhan_khusus")
    page.get_by_label("Makanan bayi dan susu").check()
    check("needs")
    sktm.save_and_continue(page)

    # staying with relatives asks since when: not before the event
    form_steps.on_page(page, SERVICE, "kerusakan")
    page.get_by_label("Rusak berat atau roboh").check()
    since = page.get_by_label("Sejak tanggal berapa mengungsi?")
    expect(since).to_have_count(0)
    sktm.choose(page, page.get_by_label("Menumpang di rumah kerabat"), js=js)
    if not js:
        sktm.save_and_continue(page)
        form_steps.on_page(page, SERVICE, "kerusakan")
    expect(since).to_be_visible()
    since.fill((event - dt.timedelta(days=1)).isoformat())
    sktm.save_and_continue(page)
    form_steps.on_page(page, SERVICE, "kerusakan")
    expect(page.locator("#wrap-f-tanggal_mengungsi .msg")).to_contain_text(
        "tidak boleh sebelum tanggal kejadian"
    )
    check("date-limit")
    page.get_by_label("Sejak tanggal berapa mengungsi?").fill(event.isoformat())
    page.get_by_label("Foto kerusakan").set_input_files(
        [form_steps.png("atap.png"), form_steps.png("dapur.png")]
    )
    page.get_by_label("Kartu Keluarga", exact=True).set_input_files(sktm.pdf_file("kk.pdf"))

    # check answers: the time the Indonesian way, both photos, the members; then the receipt
    body = form_steps.to_check_page(page, SERVICE)
    expect(body).to_contain_text("14.30")
    expect(body).to_contain_text("Kedaton, Kec. Kedaton, Kota Bandar Lampung")
    expect(body).to_contain_text("Rina Santoso")
    expect(body).to_contain_text("atap.png")
    expect(body).to_contain_text("dapur.png")
    check("check")
    reference = sktm.send_from_check(page, SERVICE, "Saya menyatakan laporan ini benar")
    check("receipt")

    # the aid needs both heads (joint approval, "required": "all"): the first approval is
    # recorded and the case waits; the second moves it
    for username, button, state in (
        (bpbd_staff["trc"], "Kaji cepat selesai, teruskan", "Sudah dikaji"),
        (bpbd_staff["kabid"], "Setujui bantuan", "Sudah dikaji"),
        (bpbd_staff["kalak"], "Setujui bantuan", "Bantuan disetujui"),
    ):
        officer = open_session(js=js, width=1366, height=900).page
        steps.login(officer, username, "/kantor")
        steps.open_case(officer, reference)
        steps.act(officer, button, state, js=js)
        if username == bpbd_staff["kabid"]:
            approvals = officer.locator("#case-panel dd.approvals[data-action=setujui]")
            expect(approvals).to_contain_text("1 dari 2 persetujuan")
            expect(approvals).to_contain_text("Kepala Bidang Kedaruratan dan Logistik")
        officer.context.close()
