"""The studio's document editor in Chromium: with JavaScript the chosen placeholder is inserted
into the letter's body at the cursor (no policy violation); without it the insert button is
hidden and the placeholders are listed beside the body to copy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lifecycle_steps as steps
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EDITOR = "/studio/disdukcapil/surat-keterangan-domisili?open=/documents/surat_domisili"
ITEM = "#s-documents-surat_domisili"
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def designer_name(disdukcapil_designer: str) -> str:
    """A designer of Disdukcapil in the live server's database."""
    return disdukcapil_designer


def test_with_javascript_a_placeholder_is_inserted_at_the_cursor(
    open_session: Callable[..., Any], designer_name: str
) -> None:
    session = open_session(js=True)
    page = session.page
    session.context.add_init_script(WATCH_VIOLATIONS)
    steps.login(page, designer_name, "/studio")
    page.goto(EDITOR)
    item = page.locator(ITEM)
    body = item.locator("textarea[name=body]")
    expect(body).to_be_visible()
    button = item.get_by_role("button", name="Sisipkan ke isi surat")
    expect(button).to_be_visible()
    before = body.input_value()
    body.focus()
    body.evaluate("area => area.setSelectionRange(0, 0)")
    item.get_by_label("Tempat isian").select_option("{case.reference}")
    button.click()
    expect(body).to_have_value("{case.reference}" + before)
    assert page.evaluate("window.__csp") == []


def test_without_javascript_the_placeholders_are_listed_to_copy(
    open_session: Callable[..., Any], designer_name: str
) -> None:
    session = open_session(js=False)
    page = session.page
    steps.login(page, designer_name, "/studio")
    page.goto(EDITOR)
    item = page.locator(ITEM)
    expect(item.locator("textarea[name=body]")).to_be_visible()
    expect(item.get_by_role("button", name="Sisipkan ke isi surat")).to_be_hidden()
    listed = item.locator("details.placeholders")
    expect(listed).to_be_visible()
    expect(listed.locator("code", has_text="{case.reference}")).to_be_visible()
