"""End to end: a citizen applies for an SKTM in Chromium, with JavaScript on and with it off."""

from __future__ import annotations

import re
from collections.abc import Callable
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
