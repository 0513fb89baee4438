"""A reviewer sees what they publish (the citizen's form page by page with conditions in words,
the standard and privacy notice, the workflow), confirms what publishing or sending back will
do, and talks with the designers in a conversation kept with the version."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import col, select

from runtime import lifecycle
from runtime.models import ServiceEvent
from tests.runtime.review.conftest import (
    AGENCY,
    SLUG,
    V1,
    Loket,
    csrf_of,
    parse,
    v2_definition,
)

STUDIO = f"/studio/{AGENCY}/{SLUG}"


def _conditional() -> dict[str, Any]:
    """V1 with a choice, a field shown for one of its options, and a second conditional page."""
    body = copy.deepcopy(V1)
    fields = body["form"]["pages"][0]["fields"]
    fields.append(
        {
            "key": "keperluan",
            "type": "choice",
            "label": {"id": "Keperluan surat", "en": "Purpose"},
            "required": True,
            "options": [
                {"value": "sekolah", "label": {"id": "Pendaftaran sekolah", "en": "School"}},
                {"value": "lain", "label": {"id": "Keperluan lain", "en": "Other"}},
            ],
        }
    )
    fields.append(
        {
            "key": "keperluan_lain",
            "type": "text",
            "label": {"id": "Sebutkan keperluannya", "en": "Say which"},
            "visible_if": {"field": "keperluan", "equals": "lain"},
        }
    )
    body["form"]["pages"].append(
        {
            "id": "sekolah",
            "title": "Data sekolah",
            "visible_if": {"field": "keperluan", "equals": "sekolah"},
            "fields": [{"key": "nama_sekolah", "type": "text", "label": "Nama sekolah"}],
        }
    )
    return body


def test_a_new_service_shows_every_page_read_only_with_conditions_in_words(loket: Loket) -> None:
    _, version = loket.create_service(_conditional())
    doc = parse(loket.login("reviewer").get(f"/tinjau/{version}").text)
    preview = doc.css_first("#pratinjau")
    assert preview is not None
    pages = preview.css(".preview-page")
    assert [p.css_first("h3").text() for p in pages] == [
        "Halaman 1: Data pemohon",
        "Halaman 2: Data sekolah",
    ]
    # the real field templates, inside a disabled fieldset: nothing can be typed or sent
    for page in pages:
        assert "disabled" in page.css_first("fieldset").attributes
    first = pages[0]
    assert first.css_first("input#f-nama") is not None
    assert first.css_first("textarea#f-alamat") is not None
    assert len(first.css("input[name=keperluan][type=radio]")) == 2 or first.css_first(
        "select[name=keperluan]"
    )
    # a conditional field is shown too, marked with its condition in words (labels, not keys)
    assert first.css_first("input#f-keperluan_lain") is not None
    note = first.css_first('.condition-note[data-field="keperluan_lain"]').text()
    assert "Ditampilkan bila «Keperluan surat» sama dengan «Keperluan lain»" in note
    assert "keperluan" not in note.replace("Keperluan", "")
    page_note = pages[1].css_first(".condition-note").text()
    assert "«Keperluan surat» sama dengan «Pendaftaran sekolah»" in page_note
    # the standard and the privacy notice as on the start page
    standard = preview.css_first("#pratinjau-standar").text()
    assert "5 hari kerja" in standard and "UU 25/2009" in standard and "30 hari" in standard
    assert "Menguji layanan." in standard
    # the workflow picture and table of the studio
    assert preview.css_first("#pratinjau-alur svg.wf") is not None
    assert "Disetujui" in preview.css_first("#pratinjau-alur table.arrows").text()
    # in English too
    english = parse(loket.login("reviewer").get(f"/tinjau/{version}?lang=en").text)
    assert "Shown when «Purpose» is «Other»" in english.css_first("#pratinjau").text()


def test_a_new_version_shows_the_preview_and_the_readable_diff(loket: Loket) -> None:
    service_id, _ = loket.publish_v1()
    v2 = loket.submit_draft(service_id, v2_definition())
    doc = parse(loket.login("reviewer").get(f"/tinjau/{v2}").text)
    assert doc.css_first("#pratinjau .preview-page") is not None
    assert doc.css("#perubahan li.change")


def _form(doc: Any, selector: str) -> dict[str, str]:
    form = doc.css_first(selector)
    return {
        str(i.attributes["name"]): str(i.attributes.get("value") or "")
        for i in form.css("input[type=hidden]")
    }


def test_publishing_asks_to_confirm_what_happens_to_open_cases(loket: Loket) -> None:
    service_id, v1 = loket.publish_v1()
    for _ in range(3):
        loket.file_case(v1, "diajukan")
    loket.file_case(v1, "selesai")  # final: not open
    loket.file_case(v1, "diperiksa")  # in a state v2 removes: to be mapped
    v2 = loket.submit_draft(service_id, v2_definition())
    reviewer = loket.login("reviewer")
    doc = parse(reviewer.get(f"/tinjau/{v2}").text)
    box = doc.css_first("#form-terbitkan input#confirm-publish")
    assert box is not None and "required" in box.attributes
    statement = doc.css_first("label[for=confirm-publish]").text()
    assert "versi 2 terbit menggantikan versi 1" in statement
    assert "5 permohonan yang sedang berjalan pada versi 1" in statement
    assert "1 di antaranya pindah ke versi 2" in statement
    changes = doc.css_first("label[for=confirm-changes]").text()
    assert "Versi 1 tetap berlaku" in changes and "5 permohonan" in changes

    data = {**_form(doc, "#form-terbitkan"), "peta.diperiksa": "diajukan"}
    refused = reviewer.post(f"/tinjau/{v2}/terbitkan", data=data)
    assert refused.status_code == 422
    assert loket.version(v2).state == "in_review"
    page = parse(refused.text)
    assert "Centang pernyataan" in page.css_first("#confirm-publish-error").text()
    chosen = page.css_first("#peta-diperiksa option[selected]")
    assert chosen is not None and chosen.attributes["value"] == "diajukan"  # the mapping kept

    done = reviewer.post(f"/tinjau/{v2}/terbitkan", data={**data, "confirm": "1"})
    assert done.status_code == 303
    assert loket.service(service_id).current_version_id == v2


def test_a_new_service_says_no_application_is_affected(loket: Loket) -> None:
    _, version = loket.create_service()
    doc = parse(loket.login("reviewer").get(f"/tinjau/{version}").text)
    assert "tampil di katalog" in doc.css_first("label[for=confirm-publish]").text()
    assert "tidak ada permohonan" in doc.css_first("label[for=confirm-changes]").text()


def test_sending_back_without_confirming_keeps_the_comments_typed(loket: Loket) -> None:
    _, version = loket.create_service()
    reviewer = loket.login("reviewer")
    doc = parse(reviewer.get(f"/tinjau/{version}").text)
    box = doc.css_first("#daftar-periksa textarea")
    name = box.attributes["name"] or ""
    data = {
        "csrf_token": csrf_of(doc.html or ""),
        name: "Tambahkan dasar hukum daerah.",
        "komentar-umum": "Ringkasan terlalu pendek.",
    }
    refused = reviewer.post(f"/tinjau/{version}/minta-perubahan", data=data)
    assert refused.status_code == 422
    assert loket.version(version).state == "in_review"
    page = parse(refused.text)
    assert page.css_first("#confirm-changes-error") is not None
    assert page.css_first(f"textarea[name={name}]").text() == "Tambahkan dasar hukum daerah."
    assert page.css_first("#komentar-umum").text() == "Ringkasan terlalu pendek."
    done = reviewer.post(f"/tinjau/{version}/minta-perubahan", data={**data, "confirm": "1"})
    assert done.status_code == 303
    assert loket.version(version).state == "changes_requested"


def _conversation(loket: Loket, service_id: int) -> list[tuple[str, str | None]]:
    with loket.session() as session:
        rows = session.exec(
            select(ServiceEvent)
            .where(
                ServiceEvent.service_id == service_id,
                col(ServiceEvent.action).in_(lifecycle.CONVERSATION),
            )
            .order_by(col(ServiceEvent.id))
        ).all()
        return [(e.action, e.comment) for e in rows]


def test_designer_and_reviewer_keep_a_conversation_with_the_version(loket: Loket) -> None:
    service_id, version = loket.create_service()
    reviewer = loket.login("reviewer")
    page = parse(reviewer.get(f"/tinjau/{version}").text)
    assert page.css_first("#conversation-empty") is not None
    send_back = {
        "csrf_token": csrf_of(page.html or ""),
        "komentar-umum": "Mengapa alamat tidak wajib?",
        "confirm": "1",
    }
    assert reviewer.post(f"/tinjau/{version}/minta-perubahan", data=send_back).status_code == 303

    designer = loket.login("designer")
    studio = parse(designer.get(STUDIO).text)
    assert "Mengapa alamat tidak wajib?" in studio.css_first("#percakapan").text()
    reply = {"csrf_token": csrf_of(studio.html or ""), "catatan": "Sebagian warga tidak punya."}
    answered = designer.post(f"{STUDIO}/balas", data=reply)
    assert answered.status_code == 303
    assert answered.headers["location"] == f"{STUDIO}#percakapan"
    empty = designer.post(f"{STUDIO}/balas", data={**reply, "catatan": "   "})
    assert empty.status_code == 422
    assert parse(empty.text).css_first("#catatan-error") is not None
    assert loket.version(version).state == "changes_requested"  # a reply decides nothing

    # the designer sends it again; the reviewer adds a note without deciding
    with loket.session() as session:
        draft = lifecycle.open_draft(session, service_id)
        assert draft is not None
        lifecycle.submit_for_review(session, user=loket.staff["designer"], version=draft)
        session.commit()
    page = parse(reviewer.get(f"/tinjau/{version}").text)
    note = {"csrf_token": csrf_of(page.html or ""), "catatan": "Baik, dapat diterima."}
    assert reviewer.post(f"/tinjau/{version}/catatan", data=note).status_code == 303
    assert loket.version(version).state == "in_review"

    expected = [
        ("changes_requested", "Mengapa alamat tidak wajib?"),
        ("designer_replied", "Sebagian warga tidak punya."),
        ("review_note", "Baik, dapat diterima."),
    ]
    assert _conversation(loket, service_id) == expected
    for client, url in ((reviewer, f"/tinjau/{version}"), (designer, STUDIO)):
        shown = parse(client.get(url).text).css("#percakapan li.note")
        assert [n.css_first("p").text() for n in shown] == [text for _, text in expected]
        assert [("from-designer" in (n.attributes.get("class") or "")) for n in shown] == [
            False,
            True,
            False,
        ]
    history = reviewer.get(f"/tinjau/layanan/{service_id}/riwayat").text
    assert "Balasan perancang" in history and "Catatan peninjau" in history


def test_notes_are_refused_once_published_and_to_strangers(loket: Loket) -> None:
    service_id, version = loket.publish_v1()
    reviewer = loket.login("reviewer")
    token = csrf_of(reviewer.get(f"/tinjau/{version}").text)
    closed = reviewer.post(f"/tinjau/{version}/catatan", data={"csrf_token": token, "catatan": "x"})
    assert closed.status_code == 409
    other = loket.login("other-designer")
    token = csrf_of(other.get("/studio").text)
    stranger = other.post(f"{STUDIO}/balas", data={"csrf_token": token, "catatan": "x"})
    assert stranger.status_code == 404
    assert _conversation(loket, service_id) == []
