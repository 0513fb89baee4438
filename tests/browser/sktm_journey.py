"""The citizen's way through the SKTM example (surat-keterangan-tidak-mampu), step by step.

Shared by the browser tests: each step fills one page the way a person would (inputs found by
their labels) and checks where the browser lands. The SKTM example has everything the end-to-end
test needs: several pages, conditional fields (`keperluan` = pendidikan reveals the school
questions; `terdaftar_dtks` = ya reveals the KKS number), a repeatable group (household
members) and required file uploads.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

SERVICE = "/layanan/dinsos/surat-keterangan-tidak-mampu"
TITLE = "Surat Keterangan Tidak Mampu (SKTM)"
NIK_APPLICANT = "1871011705800001"  # born 17-05-1980, Bandar Lampung
NIK_SPOUSE = "1871015708850002"  # woman (day + 40), born 17-08-1985
NIK_CHILD = "1871010101100003"  # born 01-01-2010
REFERENCE = re.compile(r"^LKT-[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$")
MARKER = "() => window.__loketMarker"


def small_pdf(title: str) -> bytes:
    """A small but real one-page PDF (starts with %PDF-, so the magic-byte check accepts it)."""
    return (
        b"%PDF-1.4\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
        + f"% {title}\n".encode("ascii")
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_file(name: str) -> dict[str, Any]:
    """A file for `set_input_files`."""
    return {"name": name, "mimeType": "application/pdf", "buffer": small_pdf(name)}


def on_page(page: Any, page_id: str, *, service: str = SERVICE) -> None:
    """Assert the browser shows the form page `page_id` (of SKTM unless told)."""
    expect(page).to_have_url(re.compile(re.escape(f"{service}/isi/{page_id}") + r"(\?.*)?$"))


def save_and_continue(page: Any) -> None:
    """Press the page's main button (a full form post, with or without JavaScript)."""
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan dan lanjutkan").click()


# Set a flag once htmx has settled the answer of a "reveal" request (the page's fields again).
ARM_REVEAL = """() => {
  window.__loketRevealed = false;
  const on = (event) => {
    const url = (event.detail && event.detail.xhr && event.detail.xhr.responseURL) || "";
    if (url.includes("/tampil")) {
      document.removeEventListener("htmx:afterSettle", on);
      window.__loketRevealed = true;
    }
  };
  document.addEventListener("htmx:afterSettle", on);
}"""


def choose(page: Any, control: Any, *, js: bool) -> None:
    """Tick a radio button or checkbox; with htmx, wait until a conditional reveal has settled.

    A person takes longer than the round trip before touching the next field; a test does not,
    so it waits (see test_typing_during_a_reveal_is_kept for what happens otherwise).
    """
    reveals = js and (control.get_attribute("hx-post") or "").endswith("/tampil")
    if reveals:
        page.evaluate(ARM_REVEAL)
    control.check()
    if reveals:
        page.wait_for_function("() => window.__loketRevealed === true")


def set_marker(page: Any) -> None:
    """Mark the current document; a full page load forgets the mark."""
    page.evaluate("() => { window.__loketMarker = 'same-document'; }")


def open_service(page: Any) -> None:
    """From the catalogue to the first form page."""
    page.goto("/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Mulai permohonan").click()
    on_page(page, "pemohon")


def fill_applicant(page: Any, *, nik: str = NIK_APPLICANT, kelurahan: str = "Kupang Kota") -> None:
    """The applicant page (values as given)."""
    page.get_by_label("NIK", exact=True).fill(nik)
    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_label("Tanggal lahir").fill("1980-05-17")
    page.get_by_label("Alamat sesuai Kartu Keluarga").fill("Jl. Pattimura No. 5, RT 002")
    page.get_by_label("Kecamatan").select_option(label="Teluk Betung Utara")
    page.get_by_label("Kelurahan").fill(kelurahan)
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")


def choose_purpose(page: Any, *, js: bool) -> None:
    """The purpose page: education, which reveals the school questions."""
    school = page.get_by_label("Nama sekolah atau perguruan tinggi")
    education = page.get_by_label("Keringanan biaya pendidikan atau beasiswa")
    if not education.is_checked():
        expect(school).to_have_count(0)
        choose(page, education, js=js)
    if not js:
        # Without JavaScript the follow-up questions come with the next full page.
        page.get_by_label("Surat ditujukan kepada").fill("Kepala SMA Negeri 2 Bandar Lampung")
        save_and_continue(page)
        on_page(page, "keperluan")
        expect(page.get_by_role("status")).to_contain_text("pertanyaan tambahan")
    expect(school).to_be_visible()
    school.fill("SMA Negeri 2 Bandar Lampung")
    choose(
        page, page.get_by_role("group", name="Jenjang pendidikan").get_by_label("SMA/SMK/MA"), js=js
    )
    page.get_by_label("Surat ditujukan kepada").fill("Kepala SMA Negeri 2 Bandar Lampung")
    save_and_continue(page)


def fill_economy(page: Any, *, js: bool) -> None:
    """The household income page (registered in DTKS, so no house photo is asked for)."""
    on_page(page, "ekonomi")
    page.get_by_label("Pekerjaan kepala keluarga").select_option(label="Buruh harian lepas")
    page.get_by_label("Penghasilan seluruh keluarga per bulan").fill("1500000")
    page.get_by_label("Jumlah orang yang ditanggung").fill("3")
    registered = page.get_by_role("group", name="Apakah keluarga Anda terdaftar di DTKS/DTSEN?")
    choose(page, registered.get_by_label("Ya", exact=True), js=js)
    kks = page.get_by_label("Nomor Kartu Keluarga Sejahtera (KKS)")
    if js:
        expect(kks).to_be_visible()
    else:
        save_and_continue(page)
        on_page(page, "ekonomi")
        expect(kks).to_be_visible()
    choose(page, page.get_by_label("Program Keluarga Harapan (PKH)"), js=js)
    save_and_continue(page)


def fill_member(
    page: Any, number: int, *, name: str, nik: str, relation: str, born: str, js: bool
) -> None:
    """One household member, inside its own fieldset ("Anggota keluarga <n>")."""
    item = page.get_by_role("group", name=f"Anggota keluarga {number}", exact=True)
    item.get_by_label("Nama", exact=True).fill(name)
    item.get_by_label("NIK", exact=True).fill(nik)
    choose(page, item.get_by_label(relation, exact=True), js=js)
    item.get_by_label("Tanggal lahir").fill(born)


def fill_household(page: Any, *, js: bool) -> None:
    """Two household members: the second one added with the "Tambah ..." button."""
    on_page(page, "keluarga")
    expect(page.get_by_role("group", name="Anggota keluarga 2", exact=True)).to_have_count(0)
    fill_member(
        page,
        1,
        name="Siti Aminah",
        nik=NIK_SPOUSE,
        relation="Suami/istri",
        born="1985-08-17",
        js=js,
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah Anggota keluarga").click()
    on_page(page, "keluarga")
    # the complete first member is folded to one line (keeps the page small); the new one is open
    expect(page.locator("#f-anggota_keluarga-0.folded")).to_contain_text("Siti Aminah")
    expect(page.get_by_role("group", name="Anggota keluarga 2", exact=True)).to_be_visible()
    fill_member(
        page, 2, name="Rina Santoso", nik=NIK_CHILD, relation="Anak", born="2010-01-01", js=js
    )
    save_and_continue(page)


def upload_documents(page: Any) -> None:
    """The documents page: real (small) PDFs for every required file."""
    on_page(page, "dokumen")
    page.get_by_label("KTP-el pemohon").set_input_files(pdf_file("ktp.pdf"))
    page.get_by_label("Kartu Keluarga", exact=True).set_input_files(pdf_file("kk.pdf"))
    page.get_by_label("Surat pengantar RT diketahui Lurah").set_input_files(
        pdf_file("pengantar.pdf")
    )
    page.get_by_label(
        "Surat keterangan aktif atau bukti pendaftaran sekolah/kuliah"
    ).set_input_files(pdf_file("sekolah.pdf"))
    expect(page.get_by_label("Foto rumah tampak depan")).to_have_count(0)
    save_and_continue(page)


def to_check_page(page: Any, *, service: str = SERVICE) -> None:
    """Past a page holding only the declaration, to check-your-answers (of SKTM unless told)."""
    if re.search(r"/isi/pernyataan$", page.url):
        save_and_continue(page)
    expect(page).to_have_url(re.compile(re.escape(f"{service}/periksa") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa jawaban Anda")


def submit(page: Any) -> str:
    """Tick the declaration, send, and return the reference shown on the receipt."""
    page.get_by_label(re.compile("^Saya menyatakan bahwa data keluarga")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim permohonan").click()
    expect(page).to_have_url(re.compile(re.escape(f"{SERVICE}/terkirim") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan terkirim")
    reference = page.locator(".ref").inner_text().strip()
    assert REFERENCE.match(reference), reference
    return reference


def status_link(page: Any, reference: str) -> str:
    """The private status link the receipt shows for `reference` (its path)."""
    link = page.get_by_role("link", name=re.compile(re.escape(reference)))
    href = str(link.get_attribute("href") or "")
    assert href.startswith(f"/status/{reference}/"), href
    return href


def complete(page: Any, *, js: bool) -> str:
    """The whole form without detours; returns the reference on the receipt."""
    open_service(page)
    fill_applicant(page)
    save_and_continue(page)
    on_page(page, "keperluan")
    choose_purpose(page, js=js)
    fill_economy(page, js=js)
    fill_household(page, js=js)
    upload_documents(page)
    to_check_page(page)
    return submit(page)


def send_from_check(page: Any, service: str, declaration: str) -> str:
    """On a service's check page: tick the declaration (its label starts with `declaration`),
    send, land on the receipt; return the reference it shows."""
    page.get_by_label(re.compile("^" + re.escape(declaration))).check()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Kirim")).click()
    expect(page).to_have_url(re.compile(re.escape(service) + "/terkirim$"))
    reference = str(page.locator("#reference").inner_text()).strip()
    assert REFERENCE.match(reference), reference
    return reference
