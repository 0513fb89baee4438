"""The back-office pages: inbox, case page, acting with and without htmx, NIK reveal, files."""

from __future__ import annotations

import datetime as dt

import pytest
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import update
from sqlmodel import col

from runtime.models import CaseEvent, Submission
from runtime.routes import office as office_routes
from runtime.workdays import WIB
from tests.runtime.office.conftest import NIK, PDF, Office, csrf_of, parse, post_action

HTMX = {"HX-Request": "true"}


def set_due(office: Office, case_id: str, due: dt.datetime | None) -> None:
    """Change a case's due date."""
    with office.session() as session:
        session.exec(update(Submission).where(col(Submission.id) == case_id).values(due_at=due))
        session.commit()


def text_of(response_text: str, selector: str) -> str:
    """The text of the first element matching `selector`."""
    node = parse_text(response_text).css_first(selector)
    assert node is not None, selector
    return node.text(deep=True).strip()


def parse_text(html: str) -> LexborHTMLParser:
    """Parse HTML text."""
    return LexborHTMLParser(html)


# -- the inbox -------------------------------------------------------------------------------


def test_the_inbox_lists_waiting_cases_with_labels_due_dates_and_overdue(office: Office) -> None:
    late = office.file_case()
    set_due(office, late.id, dt.datetime(2020, 1, 6, 16, 59, 59, tzinfo=dt.UTC))
    soon = office.file_case()
    office.file_case("dinsos/surat-keterangan-tidak-mampu")
    client = office.login("petugas.uji")
    response = client.get("/kantor")
    assert response.status_code == 200
    doc = parse(response)
    rows = doc.css("#inbox tbody tr")
    assert [r.attributes["data-case"] for r in rows] == [late.id, soon.id]
    first = rows[0]
    assert first.css_first("a").attributes["href"] == f"/kantor/kasus/{late.id}"
    assert first.css_first("a").text() == late.reference
    cells = [c.text(deep=True).strip() for c in first.css("td")]
    assert cells[0] == "Budi Santoso"  # the applicant's name
    assert cells[1] == "Surat Keterangan Domisili"
    # the officers' label of the state, the same the status filter offers
    filter_labels = {o.attributes.get("value"): o.text() for o in doc.css("#f-status option")}
    assert cells[2] == filter_labels["diajukan"] == "Diajukan"
    assert cells[3] == dt.datetime.now(WIB).strftime("%d-%m-%Y")  # filed today
    assert cells[4].startswith("06-01-2020 23:59 WIB")
    assert "hari kerja" in cells[4] and "terlambat" in cells[4]
    assert "Terlambat" in cells[4] and "overdue" in (first.attributes.get("class") or "")
    assert "Terlambat" not in rows[1].text(deep=True)
    assert "hari kerja lagi" in rows[1].css("td")[4].text() or "hari ini" in rows[1].text()
    # every cell names itself for the narrow (card) layout
    assert all(c.attributes.get("data-label") for c in first.css("td"))
    labels = {n.attributes.get("for") for n in doc.css("#inbox-filters label")}
    assert labels == {"f-layanan", "f-status", "f-nomor", "f-terlambat", "f-saya"}
    options = [o.text() for o in doc.css("#f-layanan option")]
    assert options == ["Semua", "Surat Keterangan Domisili"]


def test_the_inbox_pages_with_a_cursor_link_and_htmx_gets_the_results_only(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office_routes, "PAGE_SIZE", 2)
    filed = [office.file_case() for _ in range(5)]
    client = office.login("petugas.uji")
    seen: list[str] = []
    url = "/kantor"
    for _ in range(5):
        doc = parse(client.get(url))
        seen.extend(r.attributes["data-case"] or "" for r in doc.css("#inbox tbody tr"))
        link = doc.css_first("#next-page")
        if link is None:
            break
        url = link.attributes["href"] or ""
        assert "setelah=" in url and "offset" not in url.lower()
    assert sorted(seen) == sorted(f.id for f in filed) and len(seen) == 5
    partial = client.get("/kantor?terlambat=1", headers=HTMX)
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert parse(partial).css_first("#inbox-results") is not None
    restore = client.get("/kantor", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text
    assert client.get("/kantor?setelah=garbage").status_code == 200


def test_the_inbox_searches_by_reference(office: Office) -> None:
    filed = office.file_case()
    office.file_case()
    client = office.login("petugas.uji")
    typed = filed.reference.lower().replace("-", " ")
    doc = parse(client.get("/kantor", params={"nomor": typed}))
    assert [r.attributes["data-case"] for r in doc.css("#inbox tbody tr")] == [filed.id]
    doc = parse(client.get("/kantor", params={"nomor": "LKT-12345"}))
    assert doc.css_first("#bad-reference") is not None
    assert doc.css_first("#inbox-empty") is not None


# -- the case page ---------------------------------------------------------------------------


def test_the_case_page_shows_answers_masked_nik_files_timeline_and_actions(
    office: Office,
) -> None:
    filed = office.file_case(now=dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC))
    attachment = office.attach(filed.id)
    client = office.login("petugas.uji")
    response = client.get(f"/kantor/kasus/{filed.id}")
    assert response.status_code == 200
    doc = parse(response)
    assert doc.css_first("h1").text() == filed.reference
    assert [h.text() for h in doc.css("#answers h3")] == ["Data pemohon", "Alamat domisili"]
    answers = doc.css_first("#answers").text(deep=True)
    assert NIK not in response.text
    assert "187101••••••0001" in answers and "Budi Santoso" in answers
    assert "Laki-laki" in answers  # a choice shown by its label
    reveal = doc.css_first("#nik-nik form")
    assert reveal is not None and reveal.attributes["action"] == f"/kantor/kasus/{filed.id}/nik"
    link = doc.css_first("#attachments a")
    assert link.attributes["href"] == f"/kantor/kasus/{filed.id}/berkas/{attachment}"
    due = doc.css_first("#case-due").text(deep=True).strip()
    assert due.startswith("03-06-2025 23:59 WIB (terlambat ")  # one working day, long past
    assert due.endswith("hari kerja) Terlambat")
    timeline = doc.css("#timeline li")
    assert [li.attributes["data-action"] for li in timeline] == ["submit"]
    assert "02-06-2025 09:00 WIB" in timeline[0].text()  # stored 02:00 UTC
    forms = {f.attributes["id"]: f for f in doc.css("form.action")}
    assert set(forms) == {"action-verifikasi", "action-minta_perbaikan", "action-tolak"}
    for form in forms.values():
        version = form.css_first("input[name=row_version]")
        assert version.attributes["value"] == "1"
        assert form.attributes["hx-target"] == "#case-panel"
    reject = forms["action-tolak"]
    assert "required" in reject.css_first("textarea").attributes
    assert "(wajib)" in reject.css_first("label").text(deep=True)
    assert reject.css_first("label").attributes["for"] == "comment-tolak"


def test_showing_the_full_nik_is_recorded(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    doc = parse(client.get(f"/kantor/kasus/{filed.id}"))
    token = csrf_of(doc)
    url = f"/kantor/kasus/{filed.id}/nik"
    shown = client.post(url, data={"csrf_token": token, "field": "nik"})
    assert shown.status_code == 200
    assert parse(shown).css_first("#nik-nik").text(deep=True).strip() == NIK
    partial = client.post(url, data={"csrf_token": token, "field": "nik"}, headers=HTMX)
    assert partial.status_code == 200 and "<html" not in partial.text and NIK in partial.text
    views = [e for e in office.events(filed.id) if e.action == "view_nik"]
    assert len(views) == 2 and views[0].actor_user_id == office.user_ids["petugas.uji"]
    assert views[0].details == {"field": "nik"}
    unknown = client.post(url, data={"csrf_token": token, "field": "nama"})
    assert unknown.status_code == 404
    assert len([e for e in office.events(filed.id) if e.action == "view_nik"]) == 2


def test_downloads_are_attachments_and_recorded(office: Office) -> None:
    filed = office.file_case()
    attachment = office.attach(filed.id)
    other = office.attach(office.file_case().id)
    client = office.login("petugas.uji")
    response = client.get(f"/kantor/kasus/{filed.id}/berkas/{attachment}")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    events = office.events(filed.id)
    assert events[-1].action == "download_attachment"
    assert events[-1].details == {"attachment_id": attachment}
    assert client.get(f"/kantor/kasus/{filed.id}/berkas/{other}").status_code == 404
    assert client.get(f"/kantor/kasus/{filed.id}/berkas/nope").status_code == 404
    assert len(office.events(filed.id)) == len(events)


# -- acting on a case ------------------------------------------------------------------------


def test_acting_without_javascript_redirects_to_the_updated_case(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    response = post_action(client, office, filed, "verifikasi", "Data lengkap")
    assert response.status_code == 303
    assert response.headers["location"] == f"/kantor/kasus/{filed.id}"
    case = office.case(filed.id)
    assert (case.state, case.row_version) == ("diverifikasi", 2)
    doc = parse(client.get(f"/kantor/kasus/{filed.id}"))
    assert doc.css_first("#case-state").text() == "Diverifikasi"
    last = doc.css("#timeline li")[-1]
    assert last.attributes["data-action"] == "verifikasi"
    assert "Petugas.Uji (Petugas verifikasi)" in last.text(deep=True)
    assert "Data lengkap" in last.text(deep=True)


def test_acting_with_htmx_returns_the_refreshed_panel(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    response = post_action(client, office, filed, "tolak", "Bukan warga kota", headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    doc = parse_text(html)
    assert doc.css_first("#case-panel") is not None
    assert doc.css_first("#case-state").text() == "Ditolak"
    assert doc.css_first("#no-actions") is not None
    assert office.case(filed.id).final_outcome == "rejected"


def test_a_stale_form_gets_409_already_processed_with_the_new_state(office: Office) -> None:
    filed = office.file_case()
    first = office.login("petugas.uji")
    second = office.login("kepala.uji")
    stale = second.get(f"/kantor/kasus/{filed.id}")
    assert post_action(first, office, filed, "verifikasi").status_code == 303
    response = second.post(
        f"/kantor/kasus/{filed.id}/aksi",
        data={
            "csrf_token": csrf_of(parse(stale)),
            "action": "tolak",
            "comment": "Tidak lengkap",
            "row_version": "1",
        },
    )
    assert response.status_code == 409
    doc = parse(response)
    assert doc.css_first("h1").text() == "Kasus ini sudah diproses"
    assert doc.css_first("#current-state").text() == "Diverifikasi"
    assert office.case(filed.id).state == "diverifikasi"
    assert [e.action for e in office.events(filed.id)] == ["submit", "verifikasi"]
    htmx = post_action(second, office, filed, "tolak", "x", version=1, headers=HTMX)
    assert htmx.status_code == 200
    assert "Kasus ini sudah diproses" in text_of(htmx.text, "#case-notice")


def test_a_refused_action_gets_422_with_the_message_beside_the_comment(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    response = post_action(client, office, filed, "tolak", "   ")
    assert response.status_code == 422
    doc = parse(response)
    error = doc.css_first("#action-tolak #comment-tolak-error")
    assert error is not None and "Tuliskan alasan" in error.text(deep=True)
    textarea = doc.css_first("#comment-tolak")
    assert "comment-tolak-error" in (textarea.attributes.get("aria-describedby") or "")
    assert office.case(filed.id).row_version == 1
    assert len(office.events(filed.id)) == 1
    other = post_action(client, office, filed, "setujui")
    assert other.status_code == 422
    assert parse(other).css_first("#case-notice") is not None


def test_acting_needs_the_csrf_token_and_a_row_version(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    url = f"/kantor/kasus/{filed.id}/aksi"
    data = {"action": "verifikasi", "row_version": "1"}
    assert client.post(url, data=data).status_code == 403
    token = csrf_of(parse(client.get(f"/kantor/kasus/{filed.id}")))
    bad = client.post(url, data={**data, "csrf_token": token, "row_version": "x"})
    assert bad.status_code == 400
    assert office.case(filed.id).row_version == 1
    with office.session() as session:
        assert session.get(CaseEvent, 2) is None


def test_due_dates_are_shown_in_wib(office: Office) -> None:
    moment = dt.datetime(2025, 6, 2, 20, 30, tzinfo=dt.UTC)  # 03:30 WIB the next day
    filed = office.file_case()
    set_due(office, filed.id, moment)
    client = office.login("petugas.uji")
    due = text_of(client.get(f"/kantor/kasus/{filed.id}").text, "#case-due")
    assert due.startswith(moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"))
    assert due.startswith("03-06-2025 03:30 WIB")
