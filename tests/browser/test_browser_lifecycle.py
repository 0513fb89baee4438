"""A service's whole life in Chromium, with no JSON typed by hand (issue 5, section 3).

A designer builds a new service in the studio (two pages, a conditional field, a file, a
workflow of three open states with a send-back path), fixes a problem the builder points out
and submits it; a reviewer sees the checklist and the diff and publishes; a citizen files it;
an officer sends it back; the citizen corrects it; the officer checks it and the head of section
approves; the citizen sees the result. Once with JavaScript on (htmx from the intercepted CDN
address), once with it off. Only the staff accounts are made beforehand, in the live server's
database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lifecycle_steps as steps
import pytest
import sktm_journey as sktm
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_service_lifecycle(open_session: Callable[..., Any], staff: steps.Staff, js: bool) -> None:
    variant = "a" if js else "b"
    service = steps.Service(
        slug=f"izin-keramaian-{variant}", title=f"Izin Keramaian Acara Warga {variant.upper()}"
    )

    # The designer builds the service in the studio.
    studio = open_session(js=js)
    designer = studio.page
    steps.login(designer, staff.designer, "/studio")
    steps.create_blank(designer, service, js=js)
    if js:
        sktm.set_marker(designer)  # every edit below is swapped in by htmx, no page load
    steps.edit_texts_and_standard(designer, js=js)
    steps.build_form(designer, js=js)
    steps.build_workflow(designer, js=js)
    steps.submit_refused(designer, js=js)
    steps.fix_workflow(designer, js=js)
    steps.submit_for_review(designer, js=js)
    if js:
        assert designer.evaluate(sktm.MARKER) == "same-document"
        assert studio.network.cdn_hits, "htmx was not loaded from the (intercepted) CDN"
    assert not studio.network.blocked, studio.network.blocked

    # The reviewer publishes it.
    reviewer = open_session(js=js).page
    steps.login(reviewer, staff.reviewer, "/tinjau")
    steps.review_and_publish(reviewer, service)

    # A citizen applies (no account).
    citizen = open_session(js=js).page
    status_url = steps.apply(citizen, service, js=js)
    reference = status_url.split("/")[2]
    steps.see_status(citizen, status_url, "Sedang diperiksa")

    # The officer sends it back with a note for the applicant.
    officer = open_session(js=js).page
    steps.login(officer, staff.officer, "/kantor")
    steps.open_case(officer, reference)
    if js:
        sktm.set_marker(officer)  # the action below swaps the case panel in place
    note = "Alamat lokasi belum lengkap: tuliskan nomor rumah dan RT/RW."
    steps.act(officer, "Kembalikan untuk diperbaiki", "Perlu perbaikan", js=js, comment=note)
    if js:
        assert officer.evaluate(sktm.MARKER) == "same-document"

    # The citizen reads the note and corrects the answer.
    steps.correct(citizen, service, status_url, note)

    # The officer sees the corrected answer and checks the case; approving is not theirs.
    steps.open_case(officer, reference)
    expect(officer.locator("#answers")).to_contain_text("RT 03/RW 01")
    expect(officer.get_by_role("button", name="Setujui")).to_have_count(0)
    steps.act(officer, "Verifikasi berkas", "Diverifikasi", js=js)
    expect(officer.get_by_role("button", name="Setujui")).to_have_count(0)

    # The head of section approves.
    head = open_session(js=js).page
    steps.login(head, staff.head, "/kantor")
    steps.open_case(head, reference)
    steps.act(head, "Setujui", "Disetujui", js=js)
    expect(head.locator("#no-actions")).to_be_visible()

    # The citizen sees the result.
    steps.see_status(citizen, status_url, "Disetujui")
    expect(citizen.get_by_role("button", name="Perbaiki jawaban")).to_have_count(0)
