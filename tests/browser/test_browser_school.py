"""School registration (language 1.1 in a browser): a region field restricted to Kota Bandar
Lampung, the schools offered filtered by the kelurahan chosen (dependent options from a shared
list), an age computed at a fixed date (on the check page), a rule comparing two choices, an age
limit with the service's own message, and documents
that depend on the admission route. Filed end to end with JavaScript on (htmx swaps the next
list in place) and off (each "Tampilkan ..." button posts the page back, answers kept)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import form_steps
import pytest
import sktm_journey as sktm
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SERVICE = "/layanan/disdikbud/pendaftaran-peserta-didik-baru-smp"
NIK_CHILD = "1871011505140003"  # born 15-05-2014


def choose_region(page: Any, label: str, option: str, *, js: bool) -> None:
    """Pick one level of the region field; without JavaScript, ask for the next list."""
    page.get_by_label(label, exact=True).select_option(label=option)
    if js:
        return
    with page.expect_navigation():
        page.get_by_role("button", name="Tampilkan pilihan berikutnya").click()


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_school_registration_end_to_end(
    open_session: Callable[..., Any], request: pytest.FixtureRequest, js: bool
) -> None:
    page, check = form_steps.open_walk(open_session, request, SERVICE, js=js)

    form_steps.start(page, SERVICE, "murid")

    # the age limit: 17 on 1 July 2027 is too old; the message beside the date, answers kept
    page.get_by_label("NIK calon peserta didik").fill(NIK_CHILD)
    page.get_by_label("Nama lengkap calon peserta didik").fill("Putri Lestari")
    page.get_by_label("Tanggal lahir").fill("2010-03-01")
    page.get_by_label("Perempuan").check()
    page.get_by_label("Sekolah asal (SD/MI)").fill("SD Negeri 2 Rawa Laut")
    sktm.save_and_continue(page)
    form_steps.on_page(page, SERVICE, "murid")
    expect(page.locator("#wrap-f-tanggal_lahir .msg")).to_contain_text("paling tinggi 15 tahun")
    expect(page.get_by_label("Nama lengkap calon peserta didik")).to_have_value("Putri Lestari")
    check("age-rule")
    page.get_by_label("Tanggal lahir").fill("2014-05-15")
    sktm.save_and_continue(page)

    # the region, level by level; the first choice of school follows the kelurahan chosen
    form_steps.on_page(page, SERVICE, "domisili")
    first = page.get_by_label("Sekolah pilihan pertama")
    choose_region(page, "Kecamatan", "Kedaton", js=js)
    village = page.get_by_label("Kelurahan/desa", exact=True)
    expect(village).to_be_visible()
    village.select_option(label="Kedaton")
    if not js:
        with page.expect_navigation():
            page.get_by_role("button", name="Tampilkan pilihan yang sesuai").click()
    expect(first.locator("option", has_text="SMP Negeri 8 Bandar Lampung")).to_have_count(1)
    expect(first.locator("option", has_text="SMP Negeri 1 Bandar Lampung")).to_have_count(0)
    page.get_by_label("Alamat lengkap").fill("Jl. Teuku Umar No. 10, RT 003")
    page.get_by_label("Afirmasi (keluarga tidak mampu)").check()
    first.select_option(label="SMP Negeri 8 Bandar Lampung")
    second = page.get_by_label("Sekolah pilihan kedua")
    second.select_option(label="SMP Negeri 8 Bandar Lampung")  # the same school twice
    sktm.save_and_continue(page)
    form_steps.on_page(page, SERVICE, "domisili")
    expect(page.locator("#wrap-f-pilihan_2 .msg")).to_contain_text("sekolah lain")
    expect(page.get_by_label("Alamat lengkap")).to_have_value("Jl. Teuku Umar No. 10, RT 003")
    check("choice-rule")
    page.get_by_label("Sekolah pilihan kedua").select_option(label="SMP Negeri 9 Bandar Lampung")
    sktm.save_and_continue(page)

    form_steps.on_page(page, SERVICE, "orang_tua")
    page.get_by_label("Nama orang tua/wali").fill("Siti Aminah")
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")
    page.get_by_role("group", name=re.compile("Kirimi saya kabar")).get_by_label(
        "Tidak", exact=True
    ).check()
    sktm.save_and_continue(page)

    # the affirmative route asks for the KIP; the other routes' documents are not asked for
    form_steps.on_page(page, SERVICE, "dokumen")
    expect(page.get_by_label("Surat penugasan orang tua/wali")).to_have_count(0)
    page.get_by_label("Kartu Keluarga", exact=True).set_input_files(sktm.pdf_file("kk.pdf"))
    page.get_by_label("Akta kelahiran").set_input_files(sktm.pdf_file("akta.pdf"))
    page.get_by_label(re.compile("^Kartu Indonesia Pintar")).set_input_files(
        sktm.pdf_file("kip.pdf")
    )
    check("documents")

    # check answers: the region by name, the computed age, then the receipt
    body = form_steps.to_check_page(page, SERVICE)
    expect(body).to_contain_text("Kedaton, Kec. Kedaton, Kota Bandar Lampung")
    expect(body).to_contain_text("Umur pada 1 Juli 2027")
    expect(body).to_contain_text("SMP Negeri 9 Bandar Lampung")
    check("check")
    sktm.send_from_check(page, SERVICE, "Saya menyatakan data dan dokumen")
    check("receipt")
