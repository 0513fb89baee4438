"""The studio fits a 1280×800 screen: the workflow section of an example needs no horizontal
scrolling, with the preview folded (the default) and opened beside the editor. It fits a
360×740 phone too (a page, a field, the workflow, the standard open; the preview opened and
folded by its link; the trial of the draft), with axe finding nothing serious on each view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lifecycle_steps as steps
import pytest
from page_checks import SCREENSHOTS, assert_accessible

pytestmark = pytest.mark.browser

EDITOR = "/studio/disdukcapil/surat-keterangan-domisili"
FITS = "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
# nothing hidden in a table's own scrolling box either (the Save buttons sit at its right end)
TABLES_FIT = (
    "[...document.querySelectorAll('#s-workflow .scroll')]"
    ".every((box) => box.scrollWidth <= box.clientWidth)"
)
SAVE = "#s-workflow-states-diajukan button"


@pytest.fixture(scope="module")
def designer_name(disdukcapil_designer: str) -> str:
    """A designer of Disdukcapil in the live server's database."""
    return disdukcapil_designer


def test_the_workflow_section_fits_1280_pixels(
    open_session: Callable[..., Any], designer_name: str
) -> None:
    session = open_session(js=False)
    page = session.page
    page.set_viewport_size({"width": 1280, "height": 800})
    steps.login(page, designer_name, "/studio")
    page.goto(f"{EDITOR}?open=/workflow#s-workflow")
    assert page.evaluate(FITS), page.evaluate("document.scrollingElement.scrollWidth")
    assert page.evaluate(TABLES_FIT)
    box = page.locator(SAVE, has_text="Simpan").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    page.goto(f"{EDITOR}?open=/workflow&pratinjau=1#s-workflow")
    assert page.locator("#preview").is_visible()
    assert page.evaluate(FITS), page.evaluate("document.scrollingElement.scrollWidth")
    assert page.evaluate(TABLES_FIT)
    box = page.locator(SAVE, has_text="Simpan").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280


# the elements that stick out to the right of a 360 px screen (for the failure message)
WIDEST = """[...document.querySelectorAll('body *')].filter((e) => {
  if (e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1) return false;
  if (getComputedStyle(e).position === 'absolute') return true;  // escapes a scrolling box
  for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return false;
  }
  return true;
}).slice(0, 8).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' '
  + Math.round(e.getBoundingClientRect().right))"""
PHONE_VIEWS = (
    "",
    "?open=/form/pages/1#f-form-pages-1",
    "?open=/form/pages/1/fields/0#f-form-pages-1-fields-0",
    "?open=/workflow#s-workflow",
    "?open=/standard#s-standard",
    "?pratinjau=1#preview-panel",
    "/coba",  # trying the draft: the citizen's start page with the trial banner
)


@pytest.mark.parametrize("js", [False, True], ids=["no-js", "js"])
def test_the_editor_fits_360_pixels(
    open_session: Callable[..., Any], designer_name: str, axe_source: str, js: bool
) -> None:
    # axe is injected as a script: with JavaScript on, the context bypasses the app's CSP
    session = open_session(js=js, bypass_csp=js)
    page = session.page
    page.set_viewport_size({"width": 360, "height": 740})
    steps.login(page, designer_name, "/studio")
    for view in PHONE_VIEWS:
        page.goto(f"{EDITOR}{view}")
        assert page.evaluate(FITS), (view, page.evaluate(WIDEST))
        assert_accessible(page, axe_source, f"studio at 360 px{view}")
    # the preview opened and folded again by its link, the page still fits
    page.goto(EDITOR)
    page.click("#preview-toggle")
    page.wait_for_selector("#preview-panel[data-open=true]")
    assert page.locator("#preview").is_visible()
    assert page.evaluate(FITS), page.evaluate(WIDEST)
    page.click("#preview-toggle")
    page.wait_for_selector("#preview-panel[data-open=false]")
    assert not page.locator("#preview").is_visible()
    # the trial's first page, as a citizen's phone shows it
    page.goto(f"{EDITOR}/coba")
    page.click("button.start")
    page.wait_for_selector("#trial-banner")
    assert page.locator("input[name=nik]").is_visible()
    assert page.evaluate(FITS), page.evaluate(WIDEST)
    assert_accessible(page, axe_source, "the trial's first page at 360 px")


def test_an_applicant_actions_part_fits_and_is_accessible(
    open_session: Callable[..., Any], designer_name: str, axe_source: str
) -> None:
    """The family card's workflow: the applicant action's part (its fields and statement)
    under its row, at 1280 and at 360 pixels, JavaScript off."""
    session = open_session(js=False)
    page = session.page
    steps.login(page, designer_name, "/studio")
    family = "/studio/disdukcapil/perubahan-kartu-keluarga?open=/workflow#s-workflow"
    part = "#s-workflow-transitions-0-applicant"
    for width, height in ((1280, 800), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(family)
        assert page.locator(part).get_by_label("KK lama", exact=False).is_checked()
        assert page.locator(f"{part} textarea[name='confirm.en']").input_value()
        assert page.evaluate(FITS), (width, page.evaluate(WIDEST))
        if width == 1280:
            assert page.evaluate(TABLES_FIT)
        assert_accessible(page, axe_source, f"the applicant action's part at {width} px")
        page.locator(part).screenshot(
            path=str(SCREENSHOTS / f"studio-applicant-action-{width}.png")
        )
