"""Steps the browser walks of the language 1.1 examples share: start a service, check which
form page the browser is on, answer a yes/no question, get to the check page, and a PNG to
upload. Each walk then fills its own service's pages (see `sktm_journey` for the SKTM steps
these build on)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import page_checks
import pytest
import sktm_journey as sktm

from tests import kit


def png(name: str) -> dict[str, Any]:
    """A real 1x1 PNG for `set_input_files` (the type is judged by the bytes)."""
    return {"name": name, "mimeType": "image/png", "buffer": kit.png()}


def on_page(page: Any, service: str, page_id: str) -> None:
    """Assert the browser shows the form page `page_id` of `service`."""
    sktm.on_page(page, page_id, service=service)


def yes_no(page: Any, question: str, answer: str, *, js: bool) -> None:
    """Answer the radio group whose legend starts with `question`."""
    group = page.get_by_role("group", name=re.compile("^" + re.escape(question)))
    sktm.choose(page, group.get_by_label(answer, exact=True), js=js)


def open_walk(
    open_session: Callable[..., Any], request: pytest.FixtureRequest, service: str, *, js: bool
) -> tuple[Any, Callable[[str], None]]:
    """A 360 px wide page with JavaScript on or off, and the page check for it (axe where
    JavaScript runs, width, screenshot named after the service, the step and the mode)."""
    session = open_session(js=js, width=360, height=740, bypass_csp=js)
    page = session.page
    axe = request.getfixturevalue("axe_source") if js else None

    def check(what: str) -> None:
        page_checks.check(page, f"{service}-{what}-{session.js}", width=360, axe_source=axe)

    return page, check


def start(page: Any, service: str, first_page: str) -> None:
    """Open the service's start page, press "Mulai" and land on its first form page."""
    page.goto(service)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Mulai")).click()
    sktm.on_page(page, first_page, service=service)


def to_check_page(page: Any, service: str) -> Any:
    """Save the last page, go on to check-your-answers and return its main region."""
    sktm.save_and_continue(page)
    sktm.to_check_page(page, service=service)
    return page.locator("main")
