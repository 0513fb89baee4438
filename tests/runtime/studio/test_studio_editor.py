"""The studio through its HTML forms: list, create, edit, problems, preview, picture, submit."""

from __future__ import annotations

import json

from sqlmodel import func, select

from builder.validate import validate
from runtime import lifecycle
from runtime.auth import StaffUser
from runtime.models import Service, ServiceVersion
from tests.runtime.studio.conftest import (
    AGENCY,
    DOMISILI,
    EXAMPLES,
    Designer,
    Studio,
    attr,
    parse,
)

SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"


def _texts(node: object) -> str:
    return node.text(deep=True) if node is not None else ""  # type: ignore[attr-defined]


def _new(designer: Designer, **data: object) -> object:
    page = designer.get("/studio/baru")
    assert page.status_code == 200
    values = {"agency": AGENCY, "service_id": "", "title": "", "source": "blank", **data}
    files = {"file": ("", b"", "application/octet-stream")}
    if "upload" in values:
        files = {"file": ("definisi.json", values.pop("upload"), "application/json")}
    return designer.post("/studio/baru", values, files=files)


def test_the_list_shows_the_agencys_services_with_their_status(designer: Designer) -> None:
    page = designer.get("/studio")
    assert page.status_code == 200
    rows = parse(page).css("table.services-table tbody tr")
    assert [attr(r.css_first("a"), "href") for r in rows] == [EDITOR]
    assert "status-published" in attr(rows[0].css_first(".tag"), "class")
    designer.open()  # opening the editor creates no draft; the first change does
    assert "status-published" in attr(parse(designer.get("/studio")).css_first(".tag"), "class")
    designer.open()
    designer.edit_ok("page_add", title="Baru")
    again = parse(designer.get("/studio")).css_first("table.services-table .tag")
    assert "status-published_with_draft" in attr(again, "class")


def test_create_from_blank_gives_a_valid_draft_with_a_preview(
    designer: Designer, studio: Studio
) -> None:
    response = _new(designer, service_id="surat-baru", title="Surat <b>baru</b>")
    assert response.status_code == 303
    assert response.headers["location"] == f"/studio/{AGENCY}/surat-baru"
    page = designer.get(response.headers["location"])
    doc = parse(page)
    assert _texts(doc.css_first("h1")) == "Surat <b>baru</b>"
    assert _texts(doc.css_first("#studio-counts")).startswith("0 ")
    preview = doc.css_first("#preview")
    assert preview is not None and preview.css_first("#f-nama") is not None
    assert preview.css_first("fieldset[disabled]") is not None
    draft = studio.draft("surat-baru")
    assert validate(draft.definition) == []
    assert draft.definition["agency"] == AGENCY and draft.definition["id"] == "surat-baru"


def test_create_from_an_example_and_from_a_file(designer: Designer, studio: Studio) -> None:
    made = _new(designer, source="example", example="izin-reklame", service_id="reklame-uji")
    assert made.status_code == 303
    assert studio.draft("reklame-uji").definition["agency"] == AGENCY  # forced to the agency
    body = json.loads((EXAMPLES / "pengaduan-masyarakat.json").read_text(encoding="utf-8"))
    imported = _new(designer, source="import", upload=json.dumps(body).encode())
    assert imported.status_code == 303
    assert imported.headers["location"] == f"/studio/{AGENCY}/{body['id']}"
    taken = _new(designer, source="import", upload=json.dumps(body).encode())
    assert taken.status_code == 422


def test_importing_a_file_that_is_not_json_saves_nothing(
    designer: Designer, studio: Studio
) -> None:
    with studio.session() as session:
        before = session.exec(select(func.count()).select_from(Service)).one()
    response = _new(designer, source="import", upload=b'{"format": "loket/service@1",')
    assert response.status_code == 422
    codes = [_texts(c) for c in parse(response).css("#error-summary code")]
    assert "json-syntax" in codes
    bad_slug = _new(designer, service_id="Bukan Slug")
    assert bad_slug.status_code == 422
    with studio.session() as session:
        assert session.exec(select(func.count()).select_from(Service)).one() == before


def test_edit_texts_pages_and_fields_through_the_forms(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(designer.form("texts"), {"title.en": "Domicile letter"})
    assert studio.draft().definition["title"] == {
        "id": "Surat Keterangan Domisili",
        "en": "Domicile letter",
    }
    designer.submit_ok(designer.form("page_add"), {"title": "Lampiran"})
    pages = studio.draft().definition["form"]["pages"]
    new_index = len(pages) - 1
    assert pages[-1] == {"id": "lampiran", "title": "Lampiran", "fields": []}
    page_id = f"#s-form-pages-{new_index}"
    # the empty page is reported next to it, not at the top
    assert designer.doc.css_first(f"{page_id} .problems") is not None
    # the type select lists the registry's titles
    options = designer.doc.css(f"{page_id} form.add select[name=type] option")
    assert "Unggah berkas" in [_texts(o) for o in options]
    designer.submit_ok(designer.form("field_add", page_id), {"type": "file", "label": "Foto KTP"})
    field = studio.draft().definition["form"]["pages"][new_index]["fields"][0]
    assert field == {
        "key": "foto_ktp",
        "type": "file",
        "label": "Foto KTP",
        "accept": ["application/pdf", "image/jpeg"],
        "max_mb": 2,
    }
    # the new field is open for editing; its form holds its properties
    field_id = f"#s-form-pages-{new_index}-fields-0"
    form = designer.doc.css_first(f"{field_id} form.sform")
    assert form is not None
    designer.submit_ok(
        form, {"required": "on", "accept": ["image/jpeg", "image/png"], "max_mb": "3"}
    )
    field = studio.draft().definition["form"]["pages"][new_index]["fields"][0]
    assert field["required"] is True
    assert field["accept"] == ["image/jpeg", "image/png"] and field["max_mb"] == 3


def test_problems_are_shown_next_to_their_item(designer: Designer, studio: Studio) -> None:
    designer.open(open="/form/pages/0/fields/1")
    form = designer.doc.css_first("#s-form-pages-0-fields-1 form.sform")
    response = designer.submit(form, {"min_length": "50", "max_length": "10"})
    assert response.status_code == 303
    page = designer.get(response.headers["location"])
    doc = parse(page)
    item = doc.css_first("#s-form-pages-0-fields-1")
    assert [_texts(c) for c in item.css(".problems code:not(.ptr)")] == ["min-greater-than-max"]
    problem = validate(studio.draft().definition)[0]
    assert problem.text("id") in _texts(item.css_first(".problems"))
    assert not doc.css("#s-problems .problems")  # nothing left over for the top
    assert doc.css_first("#preview-unavailable") is not None
    assert doc.css_first("#preview") is None


def test_the_condition_is_built_from_drop_downs(designer: Designer, studio: Studio) -> None:
    at = "/form/pages/1/fields/1"  # alamat_domisili
    designer.open(open=at)
    cond = "#cs-form-pages-1-fields-1"
    fields = [attr(o, "value") for o in designer.doc.css(f"{cond} select[name=cf] option")]
    assert "jenis_kelamin" in fields and "alamat_domisili" not in fields
    # step 1 (no JavaScript): choose the field and press the button; nothing is saved yet
    before = studio.draft().row_version
    response = designer.submit(f"{cond} form", {"cf": "status_perkawinan"})
    assert response.status_code == 200
    assert studio.draft().row_version == before
    ops = [attr(o, "value") for o in designer.doc.css(f"{cond} select[name=co] option")]
    assert ops == ["equals", "not_equals", "in", "filled", "empty"]  # what a choice supports
    values = [attr(o, "value") for o in designer.doc.css(f"{cond} select[name=cv] option")]
    assert values == ["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"]
    # step 2: operator and value
    designer.submit_ok(f"{cond} form", {"co": "equals", "cv": "kawin"})
    field = studio.draft().definition["form"]["pages"][1]["fields"][1]
    assert field["visible_if"] == {"field": "status_perkawinan", "equals": "kawin"}
    # a number field gets a number, converted from the Indonesian way of writing it
    designer.submit(f"{cond} form", {"cf": "jumlah_pengikut"})
    designer.submit_ok(f"{cond} form", {"co": "gt", "cv": "1.000"})
    field = studio.draft().definition["form"]["pages"][1]["fields"][1]
    assert field["visible_if"] == {"field": "jumlah_pengikut", "gt": 1000}
    designer.submit_ok(f"{cond} form", {"clear": "1"})
    assert "visible_if" not in studio.draft().definition["form"]["pages"][1]["fields"][1]


def test_the_condition_part_for_htmx(designer: Designer) -> None:
    designer.open()
    at = "/form/pages/1/fields/1"
    part = designer.get(f"{EDITOR}/kondisi", params={"at": at, "cf": "jumlah_pengikut"})
    ops = [attr(o, "value") for o in parse(part).css("select[name=co] option")]
    assert ops == ["equals", "not_equals", "in", "gt", "gte", "lt", "lte", "filled", "empty"]
    assert parse(part).css_first("input[name=cv][inputmode=decimal]") is not None


def test_roles_states_and_transitions_as_tables(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(designer.form("role_add"), {"name": "sekretaris", "label": "Sekretaris"})
    assert studio.draft().definition["roles"]["sekretaris"] == "Sekretaris"
    role_form = designer.doc.css_first("#s-roles-sekretaris-form")
    designer.submit_ok(role_form, {"label.en": "Secretary"})
    assert studio.draft().definition["roles"]["sekretaris"] == {
        "id": "Sekretaris",
        "en": "Secretary",
    }
    designer.submit_ok(designer.form("state_add"), {"name": "diarsipkan", "label": "Diarsipkan"})
    state_form = designer.doc.css_first("#s-workflow-states-diarsipkan-form")
    designer.submit_ok(state_form, {"final": "approved", "public_label.id": "Selesai"})
    assert studio.draft().definition["workflow"]["states"]["diarsipkan"] == {
        "label": "Diarsipkan",
        "public_label": "Selesai",
        "final": "approved",
    }
    designer.submit_ok(
        "#s-newtransition-form",
        {
            "action": "arsipkan",
            "from": ["diverifikasi"],
            "to": "diarsipkan",
            "roles": ["sekretaris"],
            "label.id": "Arsipkan",
        },
    )
    added = studio.draft().definition["workflow"]["transitions"][-1]
    assert added == {
        "action": "arsipkan",
        "from": "diverifikasi",
        "to": "diarsipkan",
        "roles": ["sekretaris"],
        "label": "Arsipkan",
    }
    # the existing rows post back unchanged when saved as they are
    before = studio.draft().definition["workflow"]["transitions"][0]
    designer.submit_ok("#s-workflow-transitions-0-form")
    assert studio.draft().definition["workflow"]["transitions"][0] == before
    # the picture shows the new state and the new arrow
    svg = designer.doc.css_first("svg.wf")
    assert "Diarsipkan" in [_texts(t) for t in svg.css("g.state text")]
    assert "Arsipkan" in [_texts(t) for t in svg.css("text.lbl")]
    rows = [[_texts(c) for c in r.css("td")] for r in designer.doc.css("table.arrows tbody tr")]
    assert ["Diverifikasi", "Arsipkan →", "Diarsipkan", "sekretaris"] in rows


def test_preview_of_a_chosen_page(designer: Designer) -> None:
    page = designer.open(page="1")
    preview = parse(page).css_first("#preview")
    assert _texts(preview.css_first("h3")) == "Alamat domisili"
    assert preview.css_first("#f-alamat_domisili") is not None
    assert preview.css_first("#f-nik") is None


def test_submit_is_refused_with_errors_then_the_draft_is_frozen(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.submit_ok(designer.form("page_add"), {"title": "Kosong"})
    refused = designer.submit("#s-submit form")
    assert refused.status_code == 422
    summary = parse(refused).css_first("#error-summary")
    assert "too-few-items" in [_texts(c) for c in summary.css("code")]
    assert studio.draft().state == "draft"
    last = len(studio.draft().definition["form"]["pages"]) - 1
    designer.get(EDITOR)
    page_form = designer.doc.css_first(f"#s-form-pages-{last} form.inline")
    designer.submit_ok(page_form, {"op": "page_remove"})
    sent = designer.submit("#s-submit form")
    assert sent.status_code == 303
    page = designer.get(EDITOR)
    doc = parse(page)
    assert studio.draft().state == "in_review"
    assert doc.css_first("#studio-readonly") is not None
    assert doc.css_first(".studio-edit fieldset.plain[disabled]") is not None
    assert doc.css_first("#s-submit") is None
    frozen = designer.edit("texts", **{"title.id": "Diubah"})
    assert frozen.status_code == 409
    assert studio.draft().definition["title"]["id"] == "Surat Keterangan Domisili"


def test_the_reviewers_comments_are_shown_next_to_their_items(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.submit_ok(designer.form("texts"), {"title.en": "Domicile letter"})  # the draft
    designer.submit_ok("#s-submit form")
    reviewer = StaffUser(5, "peninjau", "Peninjau", frozenset({"reviewer"}), {}, "x")
    with studio.session() as session:
        version = session.get(ServiceVersion, studio.draft().id)
        assert version is not None
        lifecycle.request_changes(
            session,
            user=reviewer,
            version=version,
            comments=[
                ("/form/pages/0/fields/1", "Batasi nama sampai 60 karakter."),
                ("/workflow/states/diajukan", "SLA terlalu pendek."),
                (None, "Tambahkan kontak pengaduan."),
            ],
        )
        session.commit()
    doc = parse(designer.get(EDITOR))
    assert _texts(doc.css_first("#s-form-pages-0-fields-1 .comments")).count("60 karakter") == 1
    assert "SLA terlalu pendek" in _texts(doc.css_first("#s-workflow-states-diajukan .comments"))
    assert "kontak pengaduan" in _texts(doc.css_first("#s-problems .comments"))
    assert doc.css_first("#studio-readonly") is None  # changes requested: editable again
    designer.submit_ok(designer.form("texts"), {"summary.en": "Changed"})
    doc = parse(designer.get(EDITOR))  # still shown after the draft changed
    assert doc.css_first("#s-form-pages-0-fields-1 .comments") is not None


def test_export_the_draft_and_the_live_version(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(designer.form("texts"), {"title.id": "Domisili (draf)"})
    draft = designer.client.get(f"{EDITOR}/unduh")
    assert draft.status_code == 200
    assert "attachment" in draft.headers["content-disposition"]
    assert json.loads(draft.content)["title"]["id"] == "Domisili (draf)"
    live = designer.client.get(f"{EDITOR}/unduh", params={"versi": "terbit"})
    assert json.loads(live.content)["title"]["id"] == "Surat Keterangan Domisili"


def test_a_combined_condition_is_shown_and_only_cleared_on_request(
    designer: Designer, studio: Studio
) -> None:
    designer.get(f"{EDITOR}/json")
    definition = json.loads(designer.doc.css_first("textarea#definition").text(deep=True))
    combined = {
        "all": [
            {"field": "status_perkawinan", "equals": "kawin"},
            {"not": {"field": "jumlah_pengikut", "lt": 1}},
        ]
    }
    definition["form"]["pages"][1]["fields"][1]["visible_if"] = combined
    letter = definition["documents"]["surat_domisili"]["body"]  # a hidden answer needs a default
    letter[2] = letter[2].replace("{alamat_domisili}", "{alamat_domisili|default:alamat KTP-el}")
    assert designer.submit("main form", {"definition": json.dumps(definition)}).status_code == 303
    designer.open(open="/form/pages/1/fields/1")
    cond = "#cs-form-pages-1-fields-1"
    assert "status_perkawinan" in _texts(designer.doc.css_first(f"{cond} .hint code"))
    response = designer.submit(f"{cond} form")  # "Next" without choosing a field
    assert response.status_code == 200
    field = studio.draft().definition["form"]["pages"][1]["fields"][1]
    assert field["visible_if"] == combined
    designer.submit_ok(f"{cond} form", {"clear": "1"})
    assert "visible_if" not in studio.draft().definition["form"]["pages"][1]["fields"][1]


def test_officer_fields_are_edited_on_their_transition(designer: Designer, studio: Studio) -> None:
    designer.open()
    transitions = studio.draft().definition["workflow"]["transitions"]
    index = next(i for i, t in enumerate(transitions) if t["action"] == "setujui")
    row = f"#s-workflow-transitions-{index}-fields"
    options = [attr(o, "value") for o in designer.doc.css(f"{row} form.add select option")]
    assert "date" in options and "file" in options
    assert "declaration" not in options and "group" not in options
    designer.submit_ok(designer.form("field_add", row), {"type": "date", "label": "Berlaku sampai"})
    added = studio.draft().definition["workflow"]["transitions"][index]["fields"]
    assert added == [{"key": "berlaku_sampai", "type": "date", "label": "Berlaku sampai"}]
    # the new field is open; its form has the form fields' properties and applicant_sees
    field_id = f"#s-workflow-transitions-{index}-fields-0"
    form = designer.doc.css_first(f"{field_id} form.sform")
    assert form is not None and form.css_first("input[name=applicant_sees]") is not None
    designer.submit_ok(form, {"required": "on", "applicant_sees": "on", "min": "today"})
    field = studio.draft().definition["workflow"]["transitions"][index]["fields"][0]
    assert field["required"] is True and field["applicant_sees"] is True
    assert field["min"] == "today"
    assert [p for p in validate(studio.draft().definition) if p.severity == "error"] == []
    # a key the form already uses is refused
    refused = designer.submit(designer.doc.css_first(f"{field_id} form.sform"), {"key": "nama"})
    assert refused.status_code == 422
    # removing the last field removes the list (no empty `fields`)
    designer.open()
    remove = designer.doc.css_first(f"{field_id} button[value=field_remove]")
    assert remove is not None
    designer.edit_ok("field_remove", at=f"/workflow/transitions/{index}/fields/0")
    assert "fields" not in studio.draft().definition["workflow"]["transitions"][index]
