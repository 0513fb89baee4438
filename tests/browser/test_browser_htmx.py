"""htmx from the CDN: the pinned file passes the SRI check; a tampered or blocked one changes nothing."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
import sktm_journey as sktm
from playwright.sync_api import expect

from runtime.assets import HTMX_SRI, HTMX_URL, HTMX_VERSION

pytestmark = pytest.mark.browser


def _sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii")


def _console(page: Any) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    return messages


def test_pinned_htmx_matches_its_sri_hash(htmx_bytes: bytes) -> None:
    assert _sri(htmx_bytes) == HTMX_SRI


def test_htmx_loads_from_the_cdn_with_a_matching_integrity(
    open_session: Callable[..., Any],
) -> None:
    visitor = open_session(js=True)
    page = visitor.page
    console = _console(page)
    sktm.open_service(page)
    script = page.locator(f'script[src="{HTMX_URL}"]')
    expect(script).to_have_attribute("integrity", HTMX_SRI)
    expect(script).to_have_attribute("crossorigin", "anonymous")
    # The browser ran the file only because its sha384 matched the integrity attribute.
    page.wait_for_function("() => typeof window.htmx === 'object' && !!window.htmx.version")
    assert page.evaluate("() => window.htmx.version") == HTMX_VERSION
    assert HTMX_URL in visitor.network.cdn_hits
    assert not visitor.network.blocked, visitor.network.blocked
    assert not [m for m in console if "integrity" in m.lower()], console


def _degrades_to_full_page_loads(page: Any) -> None:
    """The form works without htmx: whole pages, follow-up questions on the next load."""
    sktm.open_service(page)
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    sktm.fill_applicant(page)
    sktm.save_and_continue(page)
    sktm.on_page(page, "keperluan")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sktm.choose_purpose(page, js=False)
    sktm.on_page(page, "ekonomi")
    assert not [url for url in requests if "/tampil" in url or "/validasi" in url], requests


def test_tampered_htmx_is_refused_and_the_form_still_works(
    open_session: Callable[..., Any], htmx_bytes: bytes
) -> None:
    tampered = htmx_bytes.replace(b"htmx", b"HTMX", 1)
    assert tampered != htmx_bytes
    visitor = open_session(js=True, htmx_body=tampered)
    console = _console(visitor.page)
    _degrades_to_full_page_loads(visitor.page)
    assert HTMX_URL in visitor.network.cdn_hits
    assert [m for m in console if "integrity" in m.lower()], console


def test_blocked_cdn_leaves_the_form_working(open_session: Callable[..., Any]) -> None:
    visitor = open_session(js=True, block_cdn=True)
    _degrades_to_full_page_loads(visitor.page)
    assert HTMX_URL in visitor.network.blocked


def test_typing_during_a_reveal_is_kept(open_session: Callable[..., Any]) -> None:
    page = open_session(js=True).page
    sktm.open_service(page)
    sktm.fill_applicant(page)
    sktm.save_and_continue(page)
    sktm.on_page(page, "keperluan")
    held: list[Any] = []
    page.route(re.compile(r"/isi/keperluan/tampil$"), lambda route: held.append(route))
    page.evaluate(sktm.ARM_REVEAL)
    page.get_by_label("Keringanan biaya pendidikan atau beasiswa").check()
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the reveal request was never sent"
    # The citizen keeps going while the slow answer is on its way.
    addressed = page.get_by_label("Surat ditujukan kepada")
    addressed.fill("Kepala SMA Negeri 2 Bandar Lampung")
    held[0].continue_()
    page.wait_for_function("() => window.__loketRevealed === true")
    expect(page.get_by_label("Nama sekolah atau perguruan tinggi")).to_be_visible()
    expect(addressed).to_have_value("Kepala SMA Negeri 2 Bandar Lampung", timeout=2000)
