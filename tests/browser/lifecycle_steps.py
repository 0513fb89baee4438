"""A service's whole life in the browser, step by step: studio, review, citizen, back office.

Shared by tests/browser/test_browser_lifecycle.py. Every step is done the way a person does it:
controls are found by their labels, legends and button texts (scoped to the section, table row
or form they sit in), never by typing JSON and never by posting requests directly. The same
steps run with JavaScript on (htmx swaps the studio editor, the condition drop-downs and the
case panel in place) and with it off (plain forms and full page loads); `js` says which, so a
step knows what to wait for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sktm_journey as sktm
from playwright.sync_api import expect

AGENCY = "dpmptsp"  # published by the live server (izin-reklame), so roles can be granted in it
PASSWORD = "Siklus-Layanan-Uji-2026!"  # a test account only


@dataclass(frozen=True)
class Staff:
    """The staff accounts the journey signs in with (created before the browser starts)."""

    designer: str
    reviewer: str
    officer: str  # role `petugas` in AGENCY
    head: str  # role `kepala` in AGENCY


@dataclass(frozen=True)
class Service:
    """The service the designer builds (one per test variant, so the slugs differ)."""

    slug: str
    title: str

    @property
    def public(self) -> str:
        """The citizen's start page."""
        return f"/layanan/{AGENCY}/{self.slug}"


# -- waiting for the result of a click -----------------------------------------------------------


def _swap(page: Any, target: str, control: Any, *, js: bool) -> None:
    """Click `control` and wait until the element `target` was replaced (JS) or the page loaded."""
    if not js:
        with page.expect_navigation():
            control.click()
        return
    page.evaluate("(sel) => document.querySelector(sel).setAttribute('data-stale', '1')", target)
    control.click()
    # htmx settles after the swap: for a moment the new elements carry the old ones' classes (an
    # item that was open still looks open), until the `htmx-settling` class goes away.
    page.wait_for_selector(f"{target}:not([data-stale]):not(.htmx-settling)")


def studio_click(page: Any, control: Any, *, js: bool) -> None:
    """A button or link of the studio editor (hx-boost swaps #studio; without JS: a page load)."""
    _swap(page, "#studio", control, js=js)


def panel_click(page: Any, control: Any, *, js: bool) -> None:
    """An action button of a case (htmx swaps #case-panel; without JS: post, redirect, load)."""
    _swap(page, "#case-panel", control, js=js)


def login(page: Any, username: str, target: str) -> None:
    """Sign in on /masuk and land on `target`."""
    page.goto(f"/masuk?next={target}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(target) + r"(\?.*)?$"))


# -- the studio ----------------------------------------------------------------------------------


def section(page: Any, name: str) -> Any:
    """An editor section (a <section> labelled by its heading), e.g. "Halaman 2: Dokumen"."""
    return page.get_by_role("region", name=name, exact=True)


def form_with(scope: Any, button: str) -> Any:
    """The form inside `scope` that holds the button `button`."""
    return scope.locator("form").filter(
        has=scope.page.get_by_role("button", name=button, exact=True)
    )


def row_with(page: Any, button: str) -> Any:
    """The table row that holds the button `button` (its name includes the hidden item name)."""
    return page.get_by_role("row").filter(has=page.get_by_role("button", name=button, exact=True))


def open_item(page: Any) -> Any:
    """The field whose edit forms are open (the editor opens one item at a time)."""
    return page.locator("li.sitem.open")


def counts(page: Any) -> Any:
    """The line "<n> galat, <m> peringatan" at the top of the editor."""
    return page.locator("#studio-counts")


def create_blank(page: Any, service: Service, *, js: bool) -> None:
    """From the studio list: a new service from the blank skeleton, with its title."""
    page.goto("/studio")
    expect(page.get_by_role("heading", level=1)).to_have_text("Studio layanan")
    with page.expect_navigation():
        page.get_by_role("link", name="Layanan baru").click()
    page.get_by_label("Instansi").select_option(AGENCY)
    page.get_by_label("Id layanan (untuk alamat web)").fill(service.slug)
    page.get_by_label("Kosong (kerangka sederhana)").check()
    page.get_by_label("Judul layanan").fill(service.title)
    with page.expect_navigation():
        page.get_by_role("button", name="Buat draf").click()
    expect(page).to_have_url(re.compile(re.escape(f"/studio/{AGENCY}/{service.slug}") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(service.title)
    expect(page.locator("#studio-status")).to_have_text("Draf")


def edit_texts_and_standard(page: Any, *, js: bool) -> None:
    """The summary, and the service standard's legal basis, duration and contact."""
    texts = section(page, "Judul dan ringkasan")
    texts.get_by_label("Ringkasan (Bahasa Indonesia)").fill(
        "Izin keramaian untuk acara warga yang memakai jalan atau fasilitas umum."
    )
    studio_click(page, texts.get_by_role("button", name="Simpan", exact=True), js=js)
    standard = section(page, "Standar pelayanan")
    standard.get_by_text("Ubah bagian ini").click()  # a <details>: works without JavaScript
    standard.get_by_label("Dasar hukum (Bahasa Indonesia)").fill(
        "Peraturan Daerah Kota Bandar Lampung tentang Ketertiban Umum"
    )
    standard.get_by_label("Jangka waktu (hari kerja)").fill("7")
    standard.get_by_label("Telepon").fill("0721 123456")
    studio_click(page, standard.get_by_role("button", name="Simpan", exact=True), js=js)
    expect(counts(page)).to_have_text(re.compile(r"^0 galat"))


def add_field(page: Any, page_title: str, kind: str, label: str, *, js: bool) -> Any:
    """Add a question to a page with the form at its end; the new field opens for editing."""
    adder = form_with(section(page, page_title), "Tambah pertanyaan")
    adder.get_by_label("Jenis").select_option(label=kind)
    adder.get_by_label("Pertanyaan").fill(label)
    studio_click(page, adder.get_by_role("button", name="Tambah pertanyaan"), js=js)
    item = open_item(page)
    expect(item).to_contain_text(label)
    expect(item.get_by_label("Label (Bahasa Indonesia)", exact=True)).to_have_value(label)
    return item


def save_field(page: Any, item: Any, *, js: bool) -> None:
    """Press the field form's own "Simpan"."""
    studio_click(page, item.get_by_role("button", name="Simpan", exact=True), js=js)


def set_condition(page: Any, *, field: str, value: str, js: bool) -> None:
    """Build "show only when <field> equals <value>" on the open item from the drop-downs."""
    condition = open_item(page).get_by_role("group", name="Tampilkan hanya bila")
    condition.get_by_label("Pertanyaan").select_option(label=field)
    if js:
        # htmx fetched the operator and value drop-downs for the chosen question.
        expect(condition.get_by_label("Syarat")).to_be_visible()
    else:
        studio_click(page, condition.get_by_role("button", name="Lanjut"), js=js)
        condition = open_item(page).get_by_role("group", name="Tampilkan hanya bila")
    expect(condition.get_by_label("Syarat")).to_have_value("equals")  # "sama dengan"
    condition.get_by_label("Nilai").select_option(label=value)
    studio_click(page, condition.get_by_role("button", name="Simpan syarat"), js=js)


def build_form(page: Any, *, js: bool) -> None:
    """Page 1: a choice and a conditional explanation; page 2: an address and a file."""
    first = "Halaman 1: Data pemohon"
    choice = add_field(page, first, "Pilihan tunggal", "Jenis acara", js=js)
    choice.get_by_label("Wajib diisi", exact=True).check()
    for row, (value, label) in enumerate(
        (("pernikahan", "Pernikahan"), ("khitanan", "Khitanan"), ("lainnya", "Acara lainnya")),
        start=1,
    ):  # the options are rows of label and value
        choice.get_by_label(f"Label (Bahasa Indonesia) {row}", exact=True).fill(label)
        choice.get_by_label(f"Nilai (kode) {row}", exact=True).fill(value)
    choice.get_by_label("Tampilan").select_option(label="Tombol bulat")
    save_field(page, choice, js=js)
    expect(open_item(page)).to_contain_text("wajib")

    explain = add_field(page, first, "Teks panjang", "Jelaskan acaranya", js=js)
    explain.get_by_label("Wajib diisi", exact=True).check()
    save_field(page, explain, js=js)
    set_condition(page, field="Jenis acara (jenis_acara)", value="Acara lainnya (lainnya)", js=js)
    expect(open_item(page)).to_contain_text("bersyarat")

    # A new page starts empty: the builder says so next to that page.
    adder = form_with(section(page, "Halaman dan pertanyaan"), "Tambah halaman")
    adder.get_by_label("Judul halaman baru").fill("Lokasi dan dokumen")
    studio_click(page, adder.get_by_role("button", name="Tambah halaman"), js=js)
    second = "Halaman 2: Lokasi dan dokumen"
    expect(section(page, second).locator(".problems")).to_contain_text("too-few-items")
    expect(counts(page)).to_have_text(re.compile(r"^1 galat"))
    expect(page.locator("#preview-unavailable")).to_be_visible()

    place = add_field(page, second, "Teks singkat", "Alamat lokasi acara", js=js)
    place.get_by_label("Wajib diisi", exact=True).check()
    save_field(page, place, js=js)
    expect(counts(page)).to_have_text(re.compile(r"^0 galat"))
    letter = add_field(page, second, "Unggah berkas", "Surat pengantar RT/RW", js=js)
    letter.get_by_label("Wajib diisi", exact=True).check()
    save_field(page, letter, js=js)
    # the key suggested from the label is short: its first three words
    expect(section(page, second)).to_contain_text("Unggah berkas · surat_pengantar_rt · wajib")


def build_workflow(page: Any, *, js: bool) -> None:
    """A head of section approves after the officer's check; a problem appears on the way."""
    roles = section(page, "Peran")
    adder = form_with(roles, "Tambah peran")
    adder.get_by_label("Nama", exact=True).fill("kepala")
    adder.get_by_label("Label (Bahasa Indonesia)").fill("Kepala bidang perizinan")
    studio_click(page, adder.get_by_role("button", name="Tambah peran"), js=js)

    workflow = section(page, "Alur kerja")
    adder = form_with(workflow, "Tambah status")
    adder.get_by_label("Nama", exact=True).fill("diverifikasi")
    adder.get_by_label("Label (Bahasa Indonesia)").fill("Diverifikasi")
    studio_click(page, adder.get_by_role("button", name="Tambah status"), js=js)
    state = row_with(page, "Simpan diverifikasi")
    state.get_by_label("Label untuk warga: diverifikasi").fill("Menunggu persetujuan kepala")
    state.get_by_label("Batas waktu: diverifikasi", exact=True).fill("2")  # working days
    studio_click(page, state.get_by_role("button", name="Simpan diverifikasi"), js=js)
    # Nothing leads into the new state yet: the builder reports it on the state's row.
    state = row_with(page, "Simpan diverifikasi")
    expect(state.locator(".problems")).to_contain_text("unreachable-state")
    expect(state.locator(".problems")).to_contain_text("tidak pernah dapat dicapai")
    expect(counts(page)).to_have_text(re.compile(r"^1 galat"))


def submit_refused(page: Any, *, js: bool) -> None:
    """Sending the draft with an error is refused, and the error is listed."""
    submit = section(page, "Ajukan untuk ditinjau")
    studio_click(page, submit.get_by_role("button", name="Ajukan untuk ditinjau"), js=js)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("unreachable-state")
    expect(page.locator("#studio-status")).to_have_text("Draf")


def fix_workflow(page: Any, *, js: bool) -> None:
    """Approval moves to the new state (another person, the head); the check leads into it."""
    approve = row_with(page, "Simpan setujui")
    approve.get_by_label("diajukan", exact=True).uncheck()
    approve.get_by_label("diverifikasi", exact=True).check()
    approve.get_by_label("petugas", exact=True).uncheck()
    approve.get_by_label("kepala", exact=True).check()
    approve.get_by_label("petugas lain").check()
    studio_click(page, approve.get_by_role("button", name="Simpan setujui"), js=js)

    new = row_with(page, "Tambah transisi")
    new.get_by_label("Aksi baru").fill("verifikasi")
    new.get_by_label("Label (Bahasa Indonesia) baru").fill("Verifikasi berkas")
    new.get_by_label("diajukan", exact=True).check()
    new.get_by_label("Ke baru").select_option("diverifikasi")
    new.get_by_label("petugas", exact=True).check()
    studio_click(page, new.get_by_role("button", name="Tambah transisi"), js=js)

    expect(counts(page)).to_have_text(re.compile(r"^0 galat"))
    expect(row_with(page, "Simpan diverifikasi").locator(".problems")).to_have_count(0)
    arrows = page.locator("table.arrows")
    expect(arrows).to_contain_text("verifikasi")
    expect(page.locator("svg.wf")).to_contain_text("Diverifikasi")


def submit_for_review(page: Any, *, js: bool) -> None:
    """Send the draft; it is then frozen."""
    submit = section(page, "Ajukan untuk ditinjau")
    studio_click(page, submit.get_by_role("button", name="Ajukan untuk ditinjau"), js=js)
    expect(page.locator("#studio-status")).to_have_text("Sedang ditinjau")
    expect(page.locator("#studio-readonly")).to_be_visible()


# -- review --------------------------------------------------------------------------------------


def review_and_publish(page: Any, service: Service) -> None:
    """The queue, the checklist, the diff of a new service, publish."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean tinjauan")
    with page.expect_navigation():
        page.get_by_role("link", name=service.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(service.title)
    expect(page.locator("#version-state")).to_have_text("Sedang ditinjau")
    checklist = page.locator("#daftar-periksa")
    expect(checklist.get_by_role("heading")).to_have_text("Daftar periksa")
    items = checklist.get_by_role("listitem")
    expect(items).to_have_count(7)
    for code in ("privacy-declared", "legal-basis-present", "send-back-path", "rejection-path"):
        expect(checklist.locator(f'[data-code="{code}"]')).to_contain_text("Terpenuhi")
    expect(checklist.locator(".failed")).to_have_count(0)
    expect(page.locator("#perubahan")).to_contain_text("Layanan baru")
    publish(page)
    expect(page.get_by_role("status")).to_contain_text(service.title)


def publish(page: Any) -> None:
    """Tick the statement of what publishing does, then publish."""
    form = page.locator("#form-terbitkan")
    form.get_by_role("checkbox", name=re.compile("^Saya yakin")).check()
    with page.expect_navigation():
        form.get_by_role("button", name="Terbitkan versi ini").click()


# -- the citizen ---------------------------------------------------------------------------------


def on_form_page(page: Any, service: Service, page_id: str) -> None:
    """The browser shows the form page `page_id` of the service."""
    sktm.on_page(page, page_id, service=service.public)


def apply(page: Any, service: Service, *, js: bool) -> str:
    """Find the service in the catalogue, fill both pages, upload a PDF, send; the status link."""
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name=service.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(service.title)
    with page.expect_navigation():
        page.get_by_role("button", name="Mulai permohonan").click()
    on_form_page(page, service, "pemohon")
    page.get_by_label("Nama lengkap").fill("Rahmat Hidayat")
    explain = page.get_by_label("Jelaskan acaranya")
    expect(explain).to_have_count(0)
    kinds = page.get_by_role("group", name="Jenis acara")
    sktm.choose(page, kinds.get_by_label("Acara lainnya"), js=js)
    if not js:
        # Without JavaScript the follow-up question comes with the next full page.
        sktm.save_and_continue(page)
        on_form_page(page, service, "pemohon")
        expect(page.get_by_role("status")).to_contain_text("pertanyaan tambahan")
    expect(explain).to_be_visible()
    explain.fill("Syukuran kampung, panggung kecil di jalan lingkungan.")
    sktm.save_and_continue(page)

    on_form_page(page, service, "lokasi_dan_dokumen")
    page.get_by_label("Alamat lokasi acara").fill("Jl. Kartini")
    page.get_by_label("Surat pengantar RT/RW").set_input_files(sktm.pdf_file("pengantar.pdf"))
    sktm.save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa jawaban Anda")
    expect(page.get_by_role("main")).to_contain_text("Syukuran kampung")
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan terkirim")
    reference = page.locator(".ref").inner_text().strip()
    assert sktm.REFERENCE.match(reference), reference
    return sktm.status_link(page, reference)


def see_status(page: Any, status_url: str, state: str) -> None:
    """Open the private status link and check the state the citizen is shown."""
    page.goto(status_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Status permohonan")
    expect(page.locator("p").filter(has_text="Status saat ini")).to_contain_text(state)


def correct(page: Any, service: Service, status_url: str, comment: str) -> None:
    """Read the officer's note, correct the address through "Perbaiki jawaban", send again."""
    see_status(page, status_url, "Perlu perbaikan")
    expect(page.locator("ol.timeline")).to_contain_text(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="Perbaiki jawaban").click()
    on_form_page(page, service, "pemohon")
    expect(page.locator("#correction-note")).to_contain_text(comment)  # the note on top
    expect(page.get_by_label("Nama lengkap")).to_have_value("Rahmat Hidayat")
    expect(page.get_by_label("Jelaskan acaranya")).to_have_value(re.compile("^Syukuran"))
    sktm.save_and_continue(page)
    on_form_page(page, service, "lokasi_dan_dokumen")
    expect(page.get_by_label("Alamat lokasi acara")).to_have_value("Jl. Kartini")
    expect(page.get_by_text("Berkas tersimpan: pengantar.pdf")).to_be_visible()
    page.get_by_label("Alamat lokasi acara").fill("Jl. Kartini No. 12, RT 03/RW 01, Palapa")
    sktm.save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa perbaikan Anda")
    expect(page.get_by_role("main")).to_contain_text("RT 03/RW 01")
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim perbaikan").click()
    expect(page).to_have_url(re.compile(re.escape(status_url) + r"\?terkirim=perbaikan$"))
    expect(page.locator("#confirmation")).to_contain_text("Perbaikan Anda sudah terkirim")
    expect(page.locator("p").filter(has_text="Status saat ini")).to_contain_text("Sedang diperiksa")
    expect(page.get_by_role("button", name="Perbaiki jawaban")).to_have_count(0)


# -- the back office -----------------------------------------------------------------------------


def open_case(page: Any, reference: str) -> None:
    """From the inbox to the case page."""
    page.goto("/kantor")
    with page.expect_navigation():
        page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)


def act(page: Any, button: str, state: str, *, js: bool, comment: str | None = None) -> None:
    """Press an action of the case (with its note) and see the case's new state."""
    form = form_with(page.locator("#case-panel"), button)
    if comment is not None:
        form.get_by_role("textbox", name=re.compile("^Catatan")).fill(comment)
    final = form.get_by_role("checkbox", name=re.compile("^Saya yakin"))
    if final.count():  # a final decision: its statement is ticked first
        final.check()
    panel_click(page, form.get_by_role("button", name=button, exact=True), js=js)
    expect(page.locator("#case-state")).to_have_text(state)
