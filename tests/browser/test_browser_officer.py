"""The officer's journey in Chromium, at 360 and 1366 px wide: the inbox (the applicant's name,
working days left), the case page (answers first, one form per action), sending a case back,
seeing what the applicant changed, and a confirmed final decision with the officer's fields.

One walk per width and JavaScript setting; every page visited is checked with axe-core (with
JavaScript off, on the document that browser got), must not scroll sideways, and is kept as a screenshot under
.artifacts/screenshots/. The case is filed and corrected directly in the live server's
database (the citizen's side has its own browser tests); the officer does everything else in
the browser. The detailed behaviours are tested over HTTP in tests/runtime/office/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import lifecycle_steps as steps
import pytest
from page_checks import check
from playwright.sync_api import expect
from sqlmodel import Session

from runtime import store
from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.models import Submission
from runtime.workdays import Calendar

pytestmark = pytest.mark.browser

SLUG = "izin-reklame"
ANSWERS: dict[str, Any] = {
    "jenis_pemohon": "perorangan",
    "nik": "1871011705800001",
    "nama": "Rahmat Hidayat",
    "telepon": "+6281234567890",
    "email": "rahmat@example.com",
    "alamat_lokasi": "Jl. Kartini",
    "koordinat": "-5.4292, 105.2610",
}


def _file_case(engine: Any) -> tuple[str, str]:
    """A reklame case in `diajukan`, as the citizen's form files it: (id, reference)."""
    with Session(engine, expire_on_commit=False) as session:
        version = store.current_version(session, steps.AGENCY, SLUG)
        assert version is not None and version.id is not None
        now = dt.datetime.now(dt.UTC)
        draft = store.create_draft(
            session, service_version_id=version.id, ttl=dt.timedelta(hours=1), now=now
        )
        case, _ = store.submit_draft(
            session,
            draft_id=draft.id,
            answers=dict(ANSWERS),
            initial_state="diajukan",
            due_at=Calendar().due_at(now, 3),
            now=now,
        )
        session.commit()
        return case.id, case.reference


def _correct(engine: Any, case_id: str) -> None:
    """The applicant corrects the site address and sends the case again."""
    with Session(engine, expire_on_commit=False) as session:
        case = session.get(Submission, case_id)
        assert case is not None
        answers = {**case.answers, "alamat_lokasi": "Jl. Kartini No. 12, Palapa"}
        cases.apply_transition(
            session,
            case_id=case_id,
            actor=Actor.applicant(),
            action="kirim_ulang",
            comment=None,
            expected_row_version=case.row_version,
            calendar=Calendar(),
            answers=answers,
        )


WALKS = [(360, True), (1366, True), (360, False), (1366, False)]


@pytest.mark.parametrize(("width", "js"), WALKS, ids=["360-js", "1366-js", "360-nojs", "1366-nojs"])
def test_officer_journey(
    open_session: Callable[..., Any],
    staff: steps.Staff,
    live_engine: Any,
    axe_source: str,
    width: int,
    js: bool,
) -> None:
    case_id, reference = _file_case(live_engine)
    page = open_session(js=js, width=width, bypass_csp=js).page
    tag = f"officer-{width}-{'js' if js else 'nojs'}"

    # The inbox: the applicant's name, the filing date, working days left; a card on a phone.
    steps.login(page, staff.officer, "/kantor")
    row = page.locator(f'#inbox tr[data-case="{case_id}"]')
    expect(row).to_contain_text("Rahmat Hidayat")
    expect(row).to_contain_text(re.compile(r"hari kerja lagi|Batas waktunya hari ini"))
    expect(row).to_contain_text("Diajukan")
    check(page, f"{tag}-1-inbox", width=width, axe_source=axe_source)

    # The case page: the answers before the actions, each action its own form.
    steps.open_case(page, reference)
    answers = page.locator("#answers")
    actions = page.locator("#actions-title")
    expect(answers).to_contain_text("Jl. Kartini")
    assert answers.bounding_box()["y"] < actions.bounding_box()["y"] or width > 1000
    expect(page.locator("form.action").first).to_be_visible()
    assert page.locator("form.action").count() >= 2
    check(page, f"{tag}-2-case", width=width, axe_source=axe_source)

    # Send it back with a note and the answer it questions ticked; the applicant corrects it.
    note = "Tuliskan nomor bangunan lokasi reklame."
    send_back = steps.form_with(page.locator("#case-panel"), "Kembalikan untuk diperbaiki")
    send_back.locator("fieldset.questioned-fields").get_by_label("Alamat lokasi pemasangan").check()
    steps.act(page, "Kembalikan untuk diperbaiki", "Perlu perbaikan", js=js, comment=note)
    expect(page.locator("#timeline")).to_contain_text("Jawaban ditandai: Alamat lokasi pemasangan")
    _correct(live_engine, case_id)

    # What the applicant changed, old → new, by label.
    page.reload()
    changes = page.locator("#corrections")
    expect(changes).to_contain_text("Alamat lokasi pemasangan")
    expect(changes.locator("del")).to_have_text("Jl. Kartini")
    expect(changes.locator("ins")).to_have_text("Jl. Kartini No. 12, Palapa")
    check(page, f"{tag}-3-corrected", width=width, axe_source=axe_source)

    # A final decision: its fields, its note, and the statement ticked.
    form = steps.form_with(page.locator("#case-panel"), "Tolak")
    reason = form.get_by_label("Berkas tidak sah atau tidak lengkap")
    if reason.count():
        reason.check()
    else:
        form.get_by_label("Alasan penolakan").select_option(
            label="Berkas tidak sah atau tidak lengkap"
        )
    steps.act(page, "Tolak", "Ditolak", js=js, comment="Izin lokasi tidak dilampirkan.")
    expect(page.locator("#no-actions")).to_be_visible()
    check(page, f"{tag}-4-decided", width=width, axe_source=axe_source)
