"""A service's whole life in Chromium, with no JSON typed by hand (issue 5, section 3).

A designer builds a new service in the studio (two pages, a conditional field, a file, a
workflow of three open states with a send-back path), fixes a problem the builder points out
and submits it; a reviewer sees the checklist and the diff and publishes; a citizen files it;
an officer sends it back; the citizen corrects it; the officer checks it and the head of section
approves; the citizen sees the result. Once with JavaScript on (htmx from the intercepted CDN
address), once with it off. Only the staff accounts are made beforehand, in the live server's
database. The pages along the way are checked with axe-core and for sideways scrolling
(page_checks.check), with JavaScript on and off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lifecycle_steps as steps
import pytest
import sktm_journey as sktm
from page_checks import check
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WIDTH = 1024  # the sessions' default window


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_service_lifecycle(
    open_session: Callable[..., Any], staff: steps.Staff, axe_source: str, js: bool
) -> None:
    variant = "a" if js else "b"
    service = steps.Service(
        slug=f"izin-keramaian-{variant}", title=f"Izin Keramaian Acara Warga {variant.upper()}"
    )
    tag = f"lifecycle-{'js' if js else 'nojs'}"

    def checked(page: Any, name: str) -> None:
        check(page, f"{tag}-{name}", width=WIDTH, axe_source=axe_source)

    # The designer builds the service in the studio (axe is injected as a script: with
    # JavaScript on, the contexts bypass the app's CSP).
    studio = open_session(js=js, bypass_csp=js, width=WIDTH)
    designer = studio.page
    steps.login(designer, staff.designer, "/studio")
    steps.create_blank(designer, service, js=js)
    if js:
        sktm.set_marker(designer)  # every edit below is swapped in by htmx, no page load
    steps.edit_texts_and_standard(designer, js=js)
    steps.build_form(designer, js=js)
    steps.build_workflow(designer, js=js)
    checked(designer, "1-studio")
    steps.submit_refused(designer, js=js)
    checked(designer, "2-studio-refused")
    steps.fix_workflow(designer, js=js)
    steps.submit_for_review(designer, js=js)
    if js:
        assert designer.evaluate(sktm.MARKER) == "same-document"
        assert studio.network.cdn_hits, "htmx was not loaded from the (intercepted) CDN"
    assert not studio.network.blocked, studio.network.blocked

    # The reviewer publishes it.
    reviewer = open_session(js=js, bypass_csp=js, width=WIDTH).page
    steps.login(reviewer, staff.reviewer, "/tinjau")
    checked(reviewer, "3-review-queue")
    steps.review_and_publish(reviewer, service)
    checked(reviewer, "4-published")

    # A citizen applies (no account).
    citizen = open_session(js=js, bypass_csp=js, width=WIDTH).page
    status_url = steps.apply(citizen, service, js=js)
    checked(citizen, "5-receipt")
    reference = status_url.split("/")[2]
    steps.see_status(citizen, status_url, "Sedang diperiksa")

    # The officer sends it back with a note for the applicant.
    officer = open_session(js=js, bypass_csp=js, width=WIDTH).page
    steps.login(officer, staff.officer, "/kantor")
    checked(officer, "6-inbox")
    steps.open_case(officer, reference)
    if js:
        sktm.set_marker(officer)  # the action below swaps the case panel in place
    note = "Alamat lokasi belum lengkap: tuliskan nomor rumah dan RT/RW."
    steps.act(officer, "Kembalikan untuk diperbaiki", "Perlu perbaikan", js=js, comment=note)
    if js:
        assert officer.evaluate(sktm.MARKER) == "same-document"
    checked(officer, "7-sent-back")

    # The citizen reads the note and corrects the answer.
    steps.see_status(citizen, status_url, "Perlu perbaikan")
    checked(citizen, "8-status-to-correct")
    steps.correct(citizen, service, status_url, note)
    checked(citizen, "9-corrected")

    # The officer sees the corrected answer and checks the case; approving is not theirs.
    steps.open_case(officer, reference)
    expect(officer.locator("#answers")).to_contain_text("RT 03/RW 01")
    expect(officer.get_by_role("button", name="Setujui")).to_have_count(0)
    steps.act(officer, "Verifikasi berkas", "Diverifikasi", js=js)
    expect(officer.get_by_role("button", name="Setujui")).to_have_count(0)

    # The head of section approves.
    head = open_session(js=js, bypass_csp=js, width=WIDTH).page
    steps.login(head, staff.head, "/kantor")
    steps.open_case(head, reference)
    steps.act(head, "Setujui", "Disetujui", js=js)
    expect(head.locator("#no-actions")).to_be_visible()
    checked(head, "10-approved")

    # The citizen sees the result.
    steps.see_status(citizen, status_url, "Disetujui")
    expect(citizen.get_by_role("button", name="Perbaiki jawaban")).to_have_count(0)
    checked(citizen, "11-decided")
