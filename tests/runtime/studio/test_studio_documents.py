"""The studio's Documents section over HTTP: add, edit and remove a document through its forms,
problems next to it, the placeholder picker, and the sample PDF marked CONTOH / PREVIEW."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from builder.document_samples import SAMPLE_NAME
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse

SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"
DOC = "/documents/surat_domisili"
ANCHOR = "#s-documents-surat_domisili"
PREVIEW = f"{EDITOR}/dokumen/surat_domisili/contoh"


def _index(action: str) -> str:
    actions = [t["action"] for t in DOMISILI["workflow"]["transitions"]]
    return str(actions.index(action))


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_editor_lists_the_documents_with_a_preview_link(designer: Designer) -> None:
    doc = parse(designer.open())
    item = doc.css_first(ANCHOR)
    assert item is not None
    assert "Surat Keterangan Domisili" in item.css_first("h3").text()
    assert "Setujui" in item.text()  # the transition that issues it
    assert attr(item.css_first("a.doc-preview"), "href") == PREVIEW
    assert attr(item.css_first("a.doc-preview"), "hx-boost") == "false"
    assert item.css_first("form.sform") is None  # closed until opened
    assert doc.css_first("#s-newdocument") is not None
    assert "defer" in doc.css_first("script[src='/static/studio.js']").attributes
    script = designer.client.get("/static/studio.js")
    assert script.status_code == 200 and "data-insert-into" in script.text


def test_the_open_document_has_its_form_and_the_placeholders(designer: Designer) -> None:
    doc = parse(designer.open(open=DOC))
    form = doc.css_first(f"{ANCHOR} form.sform")
    assert form is not None
    body = form.css_first("textarea[name=body]").text(deep=True)
    assert body.startswith("Yang bertanda tangan di bawah ini, {signatory.position}")
    assert "| Nama | {nama|upper}\n| NIK | {nik}" in body
    # the picker: a select (shown with JavaScript) and the list written out (always there)
    options = [attr(o, "value") for o in form.css("select#s-documents-surat_domisili-ph option")]
    assert "{nama}" in options and "{case.reference}" in options and "{agency.name}" in options
    assert "{email|default:-}" in options  # an optional answer comes with its default
    assert "js-only" in attr(form.css_first("select#s-documents-surat_domisili-ph").parent, "class")
    button = form.css_first("button[data-insert-into]")
    assert attr(button, "type") == "button"
    assert attr(button, "data-insert-into") == "s-documents-surat_domisili-body"
    written = [c.text() for c in form.css("details.placeholders code")]
    assert written == options
    assert attr(form.css_first("select[name=signatory] option[selected]"), "value") == "agency"
    checked = [attr(i, "value") for i in form.css("input[name=issued_by][checked]")]
    assert checked == [_index("setujui")]
    # the applicant's transition cannot issue a document
    offered = [attr(i, "value") for i in form.css("input[name=issued_by]")]
    assert _index("kirim_ulang") not in offered


def test_edit_a_document_through_its_form(designer: Designer, studio: Studio) -> None:
    designer.open(open=DOC)
    form = designer.doc.css_first(f"{ANCHOR} form.sform")
    body = form.css_first("textarea[name=body]").text(deep=True)
    designer.submit_ok(
        form,
        {
            "title.en": "Certificate of Domicile",
            "number": "470/{seq:03}/DKP/{year}",
            "body": body + "\n\nDiterbitkan untuk {nama} pada {document.issued_on}.",
            "signatory": "acting_officer",
            "visible_to": ["applicant"],
            "issued_by": [_index("setujui"), _index("verifikasi")],
            "revoke_roles": ["kepala", "petugas"],
        },
    )
    definition = studio.draft().definition
    spec = definition["documents"]["surat_domisili"]
    assert spec["title"] == {"id": "Surat Keterangan Domisili", "en": "Certificate of Domicile"}
    assert spec["number"] == "470/{seq:03}/DKP/{year}"
    assert spec["body"][-1] == "Diterbitkan untuk {nama} pada {document.issued_on}."
    assert spec["body"][:-1] == DOMISILI["documents"]["surat_domisili"]["body"]  # rows kept
    assert spec["signatory"] == "acting_officer" and spec["visible_to"] == ["applicant"]
    assert spec["revoke_roles"] == ["kepala", "petugas"]
    issuing = [t["action"] for t in definition["workflow"]["transitions"] if t.get("issues")]
    assert issuing == ["verifikasi", "setujui"]
    # back on the editor, the document is open again with what was saved
    form = designer.doc.css_first(f"{ANCHOR} form.sform")
    assert form is not None
    assert attr(form.css_first("input[name=number]"), "value") == "470/{seq:03}/DKP/{year}"


def test_a_placeholder_problem_is_shown_next_to_the_document(
    designer: Designer, studio: Studio
) -> None:
    designer.open(open=DOC)
    form = designer.doc.css_first(f"{ANCHOR} form.sform")
    designer.submit_ok(form, {"body": "Nama: {nama_lengkapp}.\n\n| Alamat | {alamat_domisili}"})
    assert studio.draft().definition["documents"]["surat_domisili"]["body"] == [
        "Nama: {nama_lengkapp}.",
        {"rows": [["Alamat", "{alamat_domisili}"]]},
    ]
    problems = designer.doc.css(f"{ANCHOR} .problems li")
    texts = [p.text(deep=True) for p in problems]
    assert any("document-unknown-key" in t and "bagian isi ke-1" in t for t in texts), texts
    assert f"{DOC}/body/0" in [c.text() for c in designer.doc.css(f"{ANCHOR} .problems .ptr")]
    # a draft with errors has no sample document: the link says why, the address refuses
    assert designer.doc.css_first(f"{ANCHOR} a.doc-preview") is None
    assert designer.doc.css_first(f"{ANCHOR} .doc-preview-unavailable") is not None
    refused = designer.get(PREVIEW)
    assert refused.status_code == 422
    assert "masih punya galat" in parse(refused).css_first("#error-summary").text()


def test_a_row_without_its_value_is_refused_and_nothing_is_saved(
    designer: Designer, studio: Studio
) -> None:
    designer.open(open=DOC)
    before = studio.draft()
    form = designer.doc.css_first(f"{ANCHOR} form.sform")
    response = designer.submit(form, {"body": "| Nama {nama}"})
    assert response.status_code == 422
    assert "tulis label dan isi dipisah" in parse(response).css_first("#error-summary").text()
    assert parse(response).css_first(f"{ANCHOR} form.sform") is not None  # still open
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_add_and_remove_a_document(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(
        "#s-newdocument",
        {"title": "Surat Pengantar", "issued_by": [_index("setujui")]},
    )
    definition = studio.draft().definition
    spec = definition["documents"]["surat_pengantar"]
    assert spec["title"] == "Surat Pengantar" and spec["signatory"] == "agency"
    assert "{seq:04}" in spec["number"]
    setujui = definition["workflow"]["transitions"][int(_index("setujui"))]
    assert setujui["issues"] == ["surat_domisili", "surat_pengantar"]
    # the new document is open, valid as it starts, and can be previewed
    item = designer.doc.css_first("#s-documents-surat_pengantar")
    assert item is not None and item.css_first("form.sform") is not None
    assert item.css(".problems li") == []
    assert designer.get(f"{EDITOR}/dokumen/surat_pengantar/contoh").status_code == 200
    designer.open()
    removal = designer.form("document_remove", "#s-documents-surat_pengantar")
    designer.submit_ok(removal)
    definition = studio.draft().definition
    assert list(definition["documents"]) == ["surat_domisili"]
    setujui = definition["workflow"]["transitions"][int(_index("setujui"))]
    assert setujui["issues"] == ["surat_domisili"]


def test_the_preview_is_an_unsigned_pdf_marked_as_a_sample(designer: Designer) -> None:
    designer.open()
    response = designer.get(PREVIEW)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    text = _pdf_text(response.content)
    flat = " ".join(text.split())
    assert SAMPLE_NAME.upper() in flat  # {nama|upper}
    assert "CONTOH" in flat and "PREVIEW" in flat
    assert "470/0001/DUKCAPIL/" in flat  # a number from the pattern, sequence 1
    assert b"/Sig" not in response.content  # never signed
    assert "/verifikasi/CONTOH-PREVIEW" in "".join(text.split())


def test_posts_to_documents_need_the_csrf_token(designer: Designer, studio: Studio) -> None:
    designer.open()
    before = studio.draft().row_version
    for data in (
        {"op": "document_add", "title": "Tanpa token"},
        {"op": "document_remove", "at": "surat_domisili"},
    ):
        response = designer.client.post(f"{EDITOR}/ubah", data={**data, "row_version": str(before)})
        assert response.status_code == 403
    assert studio.draft().row_version == before
    assert "surat_domisili" in studio.draft().definition["documents"]


def test_only_the_services_designers_edit_and_preview_documents(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    before = studio.draft()
    stranger = studio.login("perancang.dinsos")
    assert stranger.get(PREVIEW).status_code == 404
    stranger.get("/studio")  # a page with its own CSRF token
    token = attr(stranger.doc.css_first("input[name=csrf_token]"), "value")
    post = {"csrf_token": token, "row_version": str(before.row_version)}
    removal = {**post, "op": "document_remove", "at": "surat_domisili"}
    assert stranger.client.post(f"{EDITOR}/ubah", data=removal).status_code == 404
    officer = studio.login("petugas")
    assert officer.get(PREVIEW).status_code == 403
    reviewer = studio.login("peninjau")
    assert reviewer.get(PREVIEW).status_code == 404
    assert studio.client().get(PREVIEW).status_code == 303  # to the sign-in page
    assert designer.get(f"{EDITOR}/dokumen/tidak_ada/contoh").status_code == 404
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_a_broken_documents_part_still_opens_the_editor(designer: Designer, studio: Studio) -> None:
    broken = json.loads(json.dumps(DOMISILI))
    broken["documents"] = {"a": 5, "b": {"title": 3, "body": "x", "visible_to": 7}}
    broken["workflow"]["transitions"][0]["issues"] = 5
    designer.get(f"{EDITOR}/json")
    saved = designer.submit("main form", {"definition": json.dumps(broken), "anyway": "1"})
    assert saved.status_code == 303
    page = designer.open(open="/documents/b")
    assert page.status_code == 200
    assert parse(page).css_first("#s-documents-b") is not None
    assert designer.get(f"{EDITOR}/dokumen/b/contoh").status_code == 422
