"""The reviewer's journey in Chromium, at 360 and 1366 px wide: a designer sends a new service
(started from an example) for review; the reviewer sees what would be published (every page of
the form, read-only, conditions in words; the standard, privacy notice and workflow), sends it
back with a confirmed note; the designer replies and sends it again; the reviewer reads the
conversation in order and publishes, confirming what that does.

One walk per width and JavaScript setting; every review page visited is checked with axe-core
(with JavaScript off, on the document that browser got), must not scroll sideways, and is kept as a screenshot under
.artifacts/screenshots/. The detailed behaviours are tested over HTTP in tests/runtime/review/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import lifecycle_steps as steps
import pytest
from page_checks import check
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EXAMPLE = "surat-keterangan-domisili"
WALKS = [(360, True), (1366, True), (360, False), (1366, False)]


def _create_and_submit(page: Any, designer: str, slug: str, *, js: bool) -> None:
    """The designer starts the service from an example and sends it for review."""
    steps.login(page, designer, "/studio")
    page.goto("/studio/baru")
    page.get_by_label("Instansi").select_option(steps.AGENCY)
    page.get_by_label("Id layanan (untuk alamat web)").fill(slug)
    page.get_by_label("Salah satu contoh").check()
    page.get_by_label("Contoh", exact=True).select_option(EXAMPLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Buat draf").click()
    expect(page).to_have_url(re.compile(re.escape(f"/studio/{steps.AGENCY}/{slug}") + "$"))
    steps.submit_for_review(page, js=js)


def _open_review(page: Any, slug: str) -> None:
    """From the queue to the review page of the service `slug`."""
    page.goto("/tinjau")
    row = page.locator("tr.queue-item").filter(has_text=slug)
    with page.expect_navigation():
        row.get_by_role("link").click()
    expect(page.locator("#version-state")).to_have_text("Sedang ditinjau")


@pytest.mark.parametrize(("width", "js"), WALKS, ids=["360-js", "1366-js", "360-nojs", "1366-nojs"])
def test_reviewer_journey(
    open_session: Callable[..., Any],
    staff: steps.Staff,
    axe_source: str,
    width: int,
    js: bool,
) -> None:
    slug = f"domisili-tinjau-{width}-{'js' if js else 'nojs'}"
    tag = f"reviewer-{width}-{'js' if js else 'nojs'}"
    designer = open_session(js=js, width=width).page
    _create_and_submit(designer, staff.designer, slug, js=js)

    # What would be published: every page, conditions in words, standard, workflow.
    reviewer = open_session(js=js, width=width, bypass_csp=js).page
    steps.login(reviewer, staff.reviewer, "/tinjau")
    _open_review(reviewer, slug)
    preview = reviewer.locator("#pratinjau")
    expect(preview.locator(".preview-page")).to_have_count(4)
    expect(preview.get_by_label("Nama lengkap")).to_be_disabled()
    note = preview.locator('.condition-note[data-field="status_lainnya"]')
    expect(note).to_contain_text("Ditampilkan bila «Status tempat tinggal» sama dengan")
    expect(preview.locator("#pratinjau-standar")).to_contain_text("hari kerja")
    expect(preview.locator("#pratinjau-alur svg.wf")).to_be_visible()
    expect(reviewer.locator("label[for=confirm-changes]")).to_contain_text(
        "tidak ada permohonan yang terdampak"
    )
    check(reviewer, f"{tag}-1-review", width=width, axe_source=axe_source)

    # Send it back with a note, confirming what that does.
    reviewer.get_by_label("Catatan umum").fill("Jelaskan dasar hukum daerahnya.")
    form = reviewer.locator("form#minta-perubahan")
    form.get_by_role("checkbox", name=re.compile("^Saya yakin")).check()
    with reviewer.expect_navigation():
        form.get_by_role("button", name="Minta perubahan").click()
    expect(reviewer.get_by_role("status")).to_contain_text("dikembalikan")

    # The designer reads the note in the studio, replies and sends the service again.
    designer.reload()
    conversation = designer.locator("#percakapan")
    expect(conversation).to_contain_text("Jelaskan dasar hukum daerahnya.")
    conversation.get_by_label("Balasan untuk peninjau").fill("Sudah ditambahkan Perda 2024.")
    steps.studio_click(designer, conversation.get_by_role("button", name="Kirim balasan"), js=js)
    expect(designer.locator("#percakapan li.note")).to_have_count(2)
    steps.submit_for_review(designer, js=js)

    # The reviewer sees the conversation in order and publishes, confirming what it does.
    _open_review(reviewer, slug)
    notes = reviewer.locator("#percakapan li.note")
    expect(notes).to_have_count(2)
    expect(notes.nth(0)).to_contain_text("Jelaskan dasar hukum daerahnya.")
    expect(notes.nth(1)).to_contain_text("Sudah ditambahkan Perda 2024.")
    expect(reviewer.locator("label[for=confirm-publish]")).to_contain_text("tampil di katalog")
    check(reviewer, f"{tag}-2-conversation", width=width, axe_source=axe_source)
    steps.publish(reviewer)
    expect(reviewer.get_by_role("status")).to_contain_text("Surat Keterangan Domisili")
    check(reviewer, f"{tag}-3-published", width=width, axe_source=axe_source)
