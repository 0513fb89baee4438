"""The citizen's journey in a real browser, once per (screen, JavaScript) combination: start
button in view, the household folded item by item, an oversize upload shown beside its field,
the grouped check page, the receipt (reference on one line, copy button with JavaScript only),
the withdraw confirmation and the withdrawn label; axe-core on every page visited, and a
screenshot of each saved under .artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sktm_journey as sktm
from page_checks import axe_violations, describe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"
SCREENS = {"phone": (360, 740), "desktop": (1366, 768)}


class Visit:
    """Checks each page the journey lands on: axe (JavaScript on or off), no sideways scroll,
    and a screenshot."""

    def __init__(self, page: Any, name: str, axe_source: str, width: int) -> None:
        self.page, self.name, self.axe_source, self.width = page, name, axe_source, width
        self.count = 0

    def __call__(self, what: str) -> None:
        self.count += 1
        page = self.page
        assert page.evaluate("() => document.documentElement.scrollWidth") <= self.width, what
        violations = axe_violations(page, self.axe_source)
        assert not violations, f"{what}:\n{describe(violations)}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SHOTS / f"{self.name}-{self.count:02d}-{what}.png"), full_page=True
        )


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
@pytest.mark.parametrize("screen", list(SCREENS), ids=list(SCREENS))
def test_citizen_journey(
    open_session: Callable[..., Any], request: pytest.FixtureRequest, screen: str, js: bool
) -> None:
    width, height = SCREENS[screen]
    # axe is injected as a script, which the app's CSP forbids: JavaScript runs bypass it (with
    # JavaScript off, each page's document is checked in a context of its own)
    session = open_session(js=js, width=width, bypass_csp=js)
    page = session.page
    page.set_viewport_size({"width": width, "height": height})
    axe_source = request.getfixturevalue("axe_source")
    visit = Visit(page, f"{screen}-{'js' if js else 'nojs'}", axe_source, width)

    # start: the button is on the first screen, no scrolling needed
    page.goto(sktm.SERVICE)
    start = page.get_by_role("button", name="Mulai permohonan")
    box = start.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    expect(page.locator("details.standard")).not_to_have_attribute("open", "")
    visit("start")
    with page.expect_navigation():
        start.click()
    sktm.on_page(page, "pemohon")
    visit("form")
    sktm.fill_applicant(page)
    sktm.save_and_continue(page)
    sktm.choose_purpose(page, js=js)
    sktm.fill_economy(page, js=js)
    sktm.fill_household(page, js=js)

    # an upload far over its limit: the form again, the error beside the file field
    sktm.on_page(page, "dokumen")
    big = {
        "name": "ktp.pdf",
        "mimeType": "application/pdf",
        "buffer": sktm.small_pdf("x") + b"0" * (3 * 1024 * 1024),
    }
    page.get_by_label("KTP-el pemohon").set_input_files(big)
    page.get_by_label("Kartu Keluarga", exact=True).set_input_files(sktm.pdf_file("kk.pdf"))
    sktm.save_and_continue(page)
    expect(page.locator("#wrap-f-berkas_ktp .msg")).to_contain_text("lebih besar dari 2 MB")
    expect(page.locator("#f-berkas_kk-current")).to_contain_text("kk.pdf")
    visit("upload-too-big")
    page.get_by_label("KTP-el pemohon").set_input_files(sktm.pdf_file("ktp.pdf"))
    page.get_by_label("Surat pengantar RT diketahui Lurah").set_input_files(sktm.pdf_file("p.pdf"))
    page.get_by_label(
        "Surat keterangan aktif atau bukti pendaftaran sekolah/kuliah"
    ).set_input_files(sktm.pdf_file("sekolah.pdf"))
    sktm.save_and_continue(page)

    # check answers: one section per page, each with its change link
    sktm.to_check_page(page)
    expect(page.locator("section.check-section .section-head a").first).to_be_visible()
    expect(page.locator("ol.items li")).to_have_count(2)
    visit("check")
    sktm.submit(page)

    # receipt: the reference on one line; the copy button only with JavaScript
    ref = page.locator("#reference")
    lines = page.evaluate(
        "() => { const r = document.getElementById('reference'); const s = getComputedStyle(r);"
        " return Math.round(r.getBoundingClientRect().height / parseFloat(s.lineHeight)); }"
    )
    assert lines == 1, lines
    copy = page.get_by_role("button", name="Salin nomor")
    if js:
        expect(copy).to_be_visible()
    else:
        expect(copy).to_have_count(0)
    expect(page.locator("ol.next-steps")).to_contain_text("hari kerja")
    visit("receipt")
    assert re.match(r"^LKT-", ref.inner_text())

    # withdraw: a confirmation page first, then the state with its label
    with page.expect_navigation():
        page.locator("#status-link").click()
    visit("status")
    with page.expect_navigation():
        page.get_by_role("button", name="Tarik kembali permohonan ini").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarik kembali permohonan ini?")
    visit("withdraw-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Ya, tarik kembali").click()
    expect(page.locator(".tag")).to_have_text("Ditarik kembali oleh pemohon")
    visit("withdrawn")
