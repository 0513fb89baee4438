"""The review page: problems, checklist, the diff written for a person, removed-state counts."""

from __future__ import annotations

import copy

from sqlmodel import select

from builder import edit_documents
from runtime.models import ServiceVersion
from tests.runtime.review.conftest import V1, Loket, parse, v2_definition


def _texts(doc, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [" ".join(node.text(deep=True).split()) for node in doc.css(selector)]


def test_review_page_shows_problems_checklist_diff_and_removed_states(loket: Loket) -> None:
    service_id, v1 = loket.publish_v1()
    loket.file_case(v1, "diperiksa")
    loket.file_case(v1, "diperiksa")
    loket.file_case(v1, "diajukan")
    body = v2_definition()
    body["roles"]["kepala"] = "Kepala seksi"  # unused: a warning
    del body["standard"]["contact"]  # a failed checklist item
    v2 = loket.submit_draft(service_id, body)

    response = loket.login("reviewer").get(f"/tinjau/{v2}")

    assert response.status_code == 200
    doc = parse(response.text)
    assert doc.css_first("h1").text() == "Surat Uji Baru"
    assert "Peran 'kepala' tidak dipakai di transisi mana pun." in _texts(
        doc, "li.problem.warning .text"
    )
    assert doc.css_first("li.problem.error") is None
    checks = {n.attributes["data-code"]: n for n in doc.css("li.check")}
    assert "failed" in (checks["contact-present"].attributes["class"] or "")
    assert "Belum terpenuhi" in checks["contact-present"].text()
    assert "passed" in (checks["privacy-declared"].attributes["class"] or "")
    changes = _texts(doc, "li.change .text")
    assert "Field 'Alamat' sekarang wajib diisi." in changes
    assert "Judul layanan: “Surat Uji” → “Surat Uji Baru”" in changes
    assert _texts(doc, "li.change.breaking .text") == ["Status 'Diperiksa' dihapus."]
    assert _texts(doc, "li.change.breaking .tag") == ["Berdampak pada kasus berjalan"]
    removed = doc.css("ul.removed-states li")
    assert [n.attributes["data-state"] for n in removed] == ["diperiksa"]
    assert removed[0].css_first(".count").text() == "2 kasus terbuka di status ini"
    select_node = doc.css_first("#form-terbitkan select[name='peta.diperiksa']")
    assert select_node is not None
    options = [o.attributes.get("value") for o in select_node.css("option")]
    assert options == ["", "diajukan", "perlu_perbaikan"]  # final states are not offered


def test_every_item_has_a_comment_box_with_its_pointer(loket: Loket) -> None:
    service_id, _ = loket.publish_v1()
    v2 = loket.submit_draft(service_id, v2_definition())
    doc = parse(loket.login("reviewer").get(f"/tinjau/{v2}").text)
    form = doc.css_first("form#minta-perubahan")
    assert form is not None
    items = form.css("li.problem, li.check, li.change")
    assert len(items) == len(form.css("textarea[name^='komentar-']")) - 1  # + the general one
    alamat = next(n for n in form.css("li.change") if "Alamat" in n.text())
    box = alamat.css_first("textarea")
    number = (box.attributes["name"] or "").removeprefix("komentar-")
    pointer = alamat.css_first(f"input[name='penunjuk-{number}']")
    assert pointer.attributes["value"] == "/form/pages/0/fields/1"
    label = form.css_first(f"label[for='komentar-{number}']")
    assert label is not None
    assert form.css_first("textarea[name='komentar-umum']") is not None


def test_diff_in_english(loket: Loket) -> None:
    service_id, _ = loket.publish_v1()
    v2 = loket.submit_draft(service_id, v2_definition())
    doc = parse(loket.login("reviewer").get(f"/tinjau/{v2}?lang=en").text)
    changes = _texts(doc, "li.change .text")
    assert "Field 'Alamat' is now required." in changes
    assert "State 'Diperiksa' removed." in changes
    assert "Checklist" in _texts(doc, "h2")


def test_a_new_service_says_so_instead_of_a_diff(loket: Loket) -> None:
    _, version = loket.create_service()
    doc = parse(loket.login("reviewer").get(f"/tinjau/{version}").text)
    assert doc.css_first("#new-service") is not None
    assert doc.css("li.change") == []
    assert doc.css("ul.removed-states") == []


def test_errors_are_shown_and_block_publishing(loket: Loket) -> None:
    _, version_id = loket.create_service()
    with loket.session() as session:
        version = session.exec(select(ServiceVersion).where(ServiceVersion.id == version_id)).one()
        broken = copy.deepcopy(V1)
        broken["workflow"]["initial"] = "tidak_ada"
        version.definition = broken
        session.add(version)
        session.commit()
    doc = parse(loket.login("reviewer").get(f"/tinjau/{version_id}").text)
    errors = _texts(doc, "li.problem.error .text")
    assert any("tidak_ada" in text for text in errors)
    button = doc.css_first("#form-terbitkan button")
    assert "disabled" in button.attributes


def test_definition_texts_are_escaped(loket: Loket) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    body = copy.deepcopy(V1)
    body["title"] = f"Surat {hostile}"
    body["form"]["pages"][0]["fields"][1]["label"] = f"Alamat {hostile}"
    service_id, _ = loket.publish_v1()
    changed = v2_definition()
    changed["title"] = body["title"]
    changed["form"]["pages"][0]["fields"][1]["label"] = body["form"]["pages"][0]["fields"][1][
        "label"
    ]
    v2 = loket.submit_draft(service_id, changed)
    response = loket.login("reviewer").get(f"/tinjau/{v2}")
    assert response.status_code == 200
    doc = parse(response.text)
    assert doc.css("img") == []
    assert all("alert" not in (s.text() or "") for s in doc.css("script"))
    assert all(s.attributes.get("src", "").startswith("https://") for s in doc.css("script"))
    assert doc.css_first("h1").text() == f"Surat {hostile}"
    assert f"Field 'Alamat {hostile}' sekarang wajib diisi." in _texts(doc, "li.change .text")


def _with_letter(body: dict[str, object]) -> dict[str, object]:
    """A definition with a letter issued by `setujui` (made as the studio makes it)."""
    index = [t["action"] for t in body["workflow"]["transitions"]].index("setujui")  # type: ignore[index]
    return edit_documents.add_document(
        body, {"title": "Surat Keterangan Uji", "issued_by": str(index)}
    )


def test_the_diff_names_a_document_added_in_words(loket: Loket) -> None:
    service_id, _ = loket.publish_v1()
    v2 = loket.submit_draft(service_id, _with_letter(copy.deepcopy(V1)))
    changes = _texts(parse(loket.login("reviewer").get(f"/tinjau/{v2}").text), "li.change .text")
    assert "Dokumen 'Surat Keterangan Uji' (surat_keterangan_uji) ditambahkan." in changes
    assert (
        "Transisi 'setujui': dokumen yang diterbitkan (tidak ada) → “Surat Keterangan Uji”"
        " (surat_keterangan_uji)." in changes
    )


def test_the_diff_shows_a_document_changed_in_words(loket: Loket) -> None:
    before = _with_letter(copy.deepcopy(V1))
    service_id, _ = loket.publish_v1(before)
    after = edit_documents.set_document(
        before,
        "surat_keterangan_uji",
        {
            "title.id": "Surat Keterangan Uji",
            "title.en": "Test certificate",
            "body": "Menerangkan bahwa {nama} telah mengajukan permohonan.",
            "signatory": "acting_officer",
            "visible_to": "officers",
        },
    )
    v2 = loket.submit_draft(service_id, after)
    reviewer = loket.login("reviewer")
    doc = parse(reviewer.get(f"/tinjau/{v2}").text)
    changes = _texts(doc, "li.change .text")
    assert (
        "Dokumen 'Surat Keterangan Uji': penanda tangan pejabat yang ditetapkan instansi"
        " → pejabat yang menjalankan transisi." in changes
    )
    assert "Dokumen 'Surat Keterangan Uji': dapat dilihat oleh pemohon dan petugas → petugas." in (
        changes
    )
    assert any(
        c.startswith("Dokumen 'Surat Keterangan Uji': teks bagian isi ke-1 berubah: “Yang bertanda")
        and c.endswith("→ “Menerangkan bahwa {nama} telah mengajukan permohonan.”.")
        for c in changes
    ), changes
    assert (
        "Dokumen 'Surat Keterangan Uji': bagian isi ke-2 dihapus: “Demikian surat ini dibuat"
        in (" ".join(changes))
    )
    # each change carries its place for the reviewer's comment
    item = next(n for n in doc.css("li.change") if "dapat dilihat oleh" in n.text())
    number = (item.css_first("textarea").attributes["name"] or "").removeprefix("komentar-")
    pointer = item.css_first(f"input[name='penunjuk-{number}']")
    assert pointer.attributes["value"] == "/documents/surat_keterangan_uji/visible_to"
    english = _texts(parse(reviewer.get(f"/tinjau/{v2}?lang=en").text), "li.change .text")
    assert (
        "Document 'Test certificate': visible to the applicant and the officers → the officers."
        in english
    )
