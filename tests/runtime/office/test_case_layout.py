"""The case page as officers work it: answers before actions, one form per action with its own
note, a confirmed final decision, the applicant's corrections (old → new, by label), and the
inbox's deadlines in working days."""

from __future__ import annotations

import datetime as dt

from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.office_views import deadline, name_key
from runtime.workdays import WIB, Calendar
from tests.runtime.office.conftest import ANSWERS, NIK, Office, csrf_of, parse, post_action


def test_answers_and_files_come_before_the_actions_each_a_form_of_its_own(office: Office) -> None:
    filed = office.file_case()
    office.attach(filed.id)
    client = office.login("petugas.uji")
    html = client.get(f"/kantor/kasus/{filed.id}").text
    doc = parse(client.get(f"/kantor/kasus/{filed.id}"))
    assert html.index('id="answers"') < html.index('id="attachments"') < html.index("action-")
    assert doc.css_first("#case-applicant").text() == "Budi Santoso"
    forms = doc.css("form.action")
    names = [f.css_first("input[name=action]").attributes["value"] for f in forms]
    assert names == ["verifikasi", "minta_perbaikan", "tolak"]
    for form in forms:
        name = form.css_first("input[name=action]").attributes["value"]
        # its own note, its own button, its own CSRF token and row version
        assert len(form.css("textarea[name=comment]")) == 1, name
        assert len(form.css("button[type=submit]")) == 1, name
        assert form.css_first("input[name=csrf_token]") is not None
        assert form.css_first("input[name=row_version]") is not None
    # only the final decision (reject) asks for a confirmation, and says what it does
    confirms = {
        f.css_first("input[name=action]").attributes["value"]: f.css_first("input[name=confirm]")
        for f in forms
    }
    assert confirms["verifikasi"] is None and confirms["minta_perbaikan"] is None
    box = confirms["tolak"]
    assert box is not None and "required" in box.attributes
    label = doc.css_first(f"label[for={box.attributes['id']}]").text()
    assert "Saya yakin" in label and "Ditolak" in label and "final" in label


def test_a_final_decision_without_its_confirmation_is_refused_and_nothing_is_stored(
    office: Office,
) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    before = len(office.events(filed.id))
    response = post_action(client, office, filed, "tolak", "Dokumen palsu", confirm=False)
    assert response.status_code == 422
    assert office.case(filed.id).state == "diajukan"
    assert len(office.events(filed.id)) == before
    form = parse(response).css_first("#action-tolak")
    assert form.css_first("textarea").text() == "Dokumen palsu"  # what was typed is kept
    assert "Centang pernyataan" in form.css_first("#confirm-tolak-error").text()
    assert form.css_first("#confirm-tolak").attributes.get("aria-invalid") == "true"
    # htmx gets the panel with the same message (200, so htmx swaps it in)
    swapped = post_action(
        client, office, filed, "tolak", "x", confirm=False, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200
    assert parse(swapped).css_first("#confirm-tolak-error") is not None
    # ticked: decided
    done = post_action(client, office, filed, "tolak", "Dokumen palsu")
    assert done.status_code == 303
    assert office.case(filed.id).state == "ditolak"


def test_a_non_final_action_needs_no_confirmation(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    response = post_action(client, office, filed, "verifikasi", confirm=False)
    assert response.status_code == 303
    assert office.case(filed.id).state == "diverifikasi"


def _correct(office: Office, case_id: str, answers: dict[str, object]) -> None:
    """The applicant files corrected answers (as the status page's correction does)."""
    with office.session() as session:
        cases.apply_transition(
            session,
            case_id=case_id,
            actor=Actor.applicant(),
            action="kirim_ulang",
            comment=None,
            expected_row_version=office.case(case_id).row_version,
            calendar=office.calendar,
            answers=answers,
        )


def test_after_a_correction_the_case_page_shows_what_changed_by_label(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    note = "Alamat belum lengkap."
    assert post_action(client, office, filed, "minta_perbaikan", note).status_code == 303
    assert parse(client.get(f"/kantor/kasus/{filed.id}")).css_first("#corrections") is None
    corrected = dict(ANSWERS)
    corrected["alamat_domisili"] = "Jalan Kartini nomor 5 RT 005, Enggal"
    corrected["status_perkawinan"] = "belum_kawin"
    corrected["nik"] = "1871015708900002"
    _correct(office, filed.id, corrected)
    events = office.events(filed.id)
    assert events[-1].details is not None
    assert events[-1].details["corrected"]["alamat_domisili"] == [
        ANSWERS["alamat_domisili"],
        corrected["alamat_domisili"],
    ]
    doc = parse(client.get(f"/kantor/kasus/{filed.id}"))
    section = doc.css_first("#corrections")
    assert section is not None
    rows = {
        r.css_first("th").text(): (r.css("td")[0].text(), r.css("td")[1].text())
        for r in section.css("tr.correction")
    }
    # labels, not keys; the choice by its label; the NIK masked on both sides
    assert rows["Alamat tempat tinggal sekarang"] == (
        "Jalan Kartini nomor 5, Enggal",
        "Jalan Kartini nomor 5 RT 005, Enggal",
    )
    assert rows["Status perkawinan"] == ("Kawin", "Belum kawin")
    old_nik, new_nik = rows["NIK"]
    assert NIK not in old_nik and "1871015708900002" not in new_nik
    assert "••" in old_nik or "*" in old_nik
    assert list(rows) == ["NIK", "Status perkawinan", "Alamat tempat tinggal sekarang"]
    assert "alamat_domisili" not in section.text()
    # the corrected answers come before the actions too
    html = client.get(f"/kantor/kasus/{filed.id}").text
    assert html.index('id="corrections"') < html.index('id="answers"') < html.index("action-")


def test_the_deadline_says_how_many_working_days_are_left_or_late() -> None:
    calendar = Calendar()
    # Monday 7 December 2026, 09:00 WIB
    now = dt.datetime(2026, 12, 7, 9, 0, tzinfo=WIB)
    due = calendar.due_at(now, 3)  # Thursday
    shown = deadline(due, now, calendar, "id")
    assert shown["left"] == "3 hari kerja lagi" and not shown["overdue"]
    assert deadline(due, now, calendar, "en")["left"] == "3 working days left"
    today = calendar.due_at(now, 0)
    assert deadline(today, now, calendar, "id")["left"] == "Batas waktunya hari ini"
    later = now + dt.timedelta(days=7)  # the Monday after: Friday and Monday are late
    late = deadline(due, later, calendar, "id")
    assert late["overdue"] and late["left"] == "terlambat 2 hari kerja"
    assert deadline(None, now, calendar, "id") == {
        "due": "",
        "left": "",
        "overdue": False,
        "limit": "",
        "special": False,
    }


def test_the_applicant_name_field_is_found_by_its_key_unless_sensitive_or_conditional() -> None:
    def form(*fields: dict[str, object]) -> dict[str, object]:
        return {"form": {"pages": [{"id": "p", "fields": list(fields)}]}}

    assert name_key(form({"key": "nama", "type": "text"})) == "nama"
    assert name_key(form({"key": "nama_lengkap", "type": "text"})) == "nama_lengkap"
    assert name_key(form({"key": "nama", "type": "text", "sensitive": True})) is None
    conditional = {"key": "nama", "type": "text", "visible_if": {"field": "x", "filled": True}}
    assert name_key(form(conditional)) is None
    assert name_key(form({"key": "judul", "type": "text"})) is None


def test_the_inbox_fits_a_phone_as_cards_and_shows_no_name_when_the_form_has_none(
    office: Office,
) -> None:
    answers = dict(ANSWERS)
    del answers["nama"]
    filed = office.file_case(answers=answers)
    client = office.login("petugas.uji")
    doc = parse(client.get("/kantor"))
    row = doc.css_first(f'#inbox tr[data-case="{filed.id}"]')
    assert row.css_first("td.name").text() == "–"
    assert "stack" in (doc.css_first("#inbox").attributes.get("class") or "")
    css = "".join(
        client.get(link.attributes["href"] or "").text for link in doc.css("link[rel=stylesheet]")
    )
    assert "table.stack td[data-label]::before" in css
    assert csrf_of(doc)
