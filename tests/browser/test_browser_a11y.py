"""Accessibility in a real browser: axe-core scans, and a 320 px wide screen without sideways scroll."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sktm_journey as sktm
from page_checks import assert_accessible as _assert_accessible
from page_checks import axe_violations as _axe_violations
from page_checks import scroll_width as _scroll_width
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NARROW = 320


@pytest.fixture
def axe_page(open_session: Callable[..., Any], axe_source: str) -> Any:
    """A JavaScript page that may inject axe-core (the app's CSP rightly forbids inline scripts)."""
    return open_session(js=True, bypass_csp=True).page


def _error_page(page: Any) -> None:
    sktm.open_service(page)
    sktm.fill_applicant(page, nik="18710117", kelurahan="")
    sktm.save_and_continue(page)
    expect(page.locator("#error-summary")).to_be_visible()


def test_axe_catalogue(axe_page: Any, axe_source: str) -> None:
    axe_page.goto("/")
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Daftar layanan")
    _assert_accessible(axe_page, axe_source, "the catalogue")


def test_axe_form_page_with_errors(axe_page: Any, axe_source: str) -> None:
    _error_page(axe_page)
    _assert_accessible(axe_page, axe_source, "a form page with errors")


def test_axe_receipt_and_status(axe_page: Any, axe_source: str) -> None:
    sktm.complete(axe_page, js=True)
    _assert_accessible(axe_page, axe_source, "the receipt")
    with axe_page.expect_navigation():
        axe_page.locator("main a[href^='/status/']").click()
    expect(axe_page.locator(".tag")).to_be_visible()
    _assert_accessible(axe_page, axe_source, "the status page")


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_form_page_fits_320px(open_session: Callable[..., Any], js: bool) -> None:
    page = open_session(js=js, width=NARROW).page
    sktm.open_service(page)
    assert _scroll_width(page) <= NARROW, "the first form page scrolls sideways at 320 px"
    sktm.save_and_continue(page)
    expect(page.locator("#error-summary")).to_be_visible()
    assert _scroll_width(page) <= NARROW, "a form page with errors scrolls sideways at 320 px"


def test_repeatable_group_page_fits_320px_and_items_come_and_go(
    open_session: Callable[..., Any],
) -> None:
    page = open_session(js=False, width=NARROW).page
    sktm.open_service(page)
    sktm.fill_applicant(page)
    sktm.save_and_continue(page)
    sktm.choose_purpose(page, js=False)
    sktm.fill_economy(page, js=False)
    sktm.on_page(page, "keluarga")
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah Anggota keluarga").click()
    expect(page.get_by_role("group", name="Anggota keluarga 2", exact=True)).to_be_visible()
    assert _scroll_width(page) <= NARROW, "the household page scrolls sideways at 320 px"
    # The remove buttons work without JavaScript too.
    with page.expect_navigation():
        page.get_by_role("button", name="Hapus Anggota keluarga 2").click()
    expect(page.get_by_role("group", name="Anggota keluarga 2", exact=True)).to_have_count(0)
    expect(page.get_by_role("group", name="Anggota keluarga 1", exact=True)).to_be_visible()


def test_axe_checks_a_page_without_javascript(
    open_session: Callable[..., Any], axe_source: str
) -> None:
    """The JavaScript-off check sees what that browser got: the faults in the document are
    found, the page's own scripts never run and what is in <noscript> is checked."""
    session = open_session(js=False)
    page = session.page
    probe = f"{session.base_url}/axe-uji"
    faulty = (
        '<!doctype html><html lang="id"><head><title>Uji</title>'
        '<link rel="stylesheet" href="/static/loket.css"></head><body><main><h1>Uji</h1>'
        '<img src="/static/tidak-ada.png"><input type="text" name="nama">'
        "<script>document.querySelector('img').alt = 'x';</script>"
        "<noscript><input type='text' name='tanpa_js'></noscript></main></body></html>"
    )
    page.route(probe, lambda route: route.fulfill(body=faulty, content_type="text/html"))
    page.goto(probe)
    found = {v["id"]: len(v["nodes"]) for v in _axe_violations(page, axe_source)}
    # the image has no alt (the script that would add one does not run); both inputs, the
    # one inside <noscript> too, have no label
    assert found == {"image-alt": 1, "label": 2}, found
    page.goto("/")
    assert _axe_violations(page, axe_source) == []
