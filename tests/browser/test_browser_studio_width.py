"""The studio fits a 1280×800 screen: the workflow section of an example needs no horizontal
scrolling, with the preview folded (the default) and opened beside the editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lifecycle_steps as steps
import pytest

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
