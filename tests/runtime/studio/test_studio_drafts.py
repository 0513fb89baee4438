"""Drafts in the studio: opening a live service creates nothing, the first change does; a draft
can be discarded (confirmed, audited) and its last change undone; the problems at the top are
listed and linked to their items; the confirmation of a submission is at the top, focused."""

from __future__ import annotations

from sqlmodel import select

from runtime.models import ServiceEvent, ServiceVersion
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse

SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"


def _versions(studio: Studio) -> list[tuple[int, str]]:
    with studio.session() as session:
        rows = session.exec(select(ServiceVersion).order_by(ServiceVersion.number)).all()
        return [(v.number, v.state) for v in rows]


def _events(studio: Studio) -> list[str]:
    with studio.session() as session:
        return [e.action for e in session.exec(select(ServiceEvent).order_by(ServiceEvent.id))]


def test_opening_a_live_service_creates_no_draft_the_first_change_does(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.get(f"{EDITOR}/json")
    designer.open(open="/form/pages/0")
    assert _versions(studio) == [(1, "published")]
    doc = designer.doc
    assert doc.css_first("#studio-live-shown") is not None
    assert doc.css_first("#s-submit") is None  # nothing to submit yet
    assert designer.hidden("row_version") == "0"
    page = designer.edit_ok("texts", **{"title.id": "Domisili baru", "title.en": "New"})
    assert _versions(studio) == [(1, "published"), (2, "draft")]
    assert studio.draft().definition["title"]["id"] == "Domisili baru"
    assert parse(page).css_first("#studio-live-shown") is None
    # a second designer still holding the page of the live version gets a conflict, not a
    # second draft
    stale = designer.client.post(
        f"{EDITOR}/ubah",
        data={"csrf_token": designer.hidden("csrf_token"), "row_version": "0", "op": "texts"},
    )
    assert stale.status_code == 409
    assert _versions(studio) == [(1, "published"), (2, "draft")]


def test_a_draft_is_discarded_after_confirmation_and_audited(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.edit_ok("page_add", title="Halaman tambahan")
    doc = designer.doc
    box = doc.css_first("#studio-draft-actions details.discard")
    assert box is not None and "open" not in box.attributes  # the button is behind a confirmation
    form = box.css_first("form#studio-discard")
    assert form.css_first("input[name=csrf_token]") is not None
    no_token = designer.client.post(f"{EDITOR}/buang", data={"row_version": "1"})
    assert no_token.status_code in {400, 403}
    assert _versions(studio)[-1] == (2, "draft")
    response = designer.submit(form)
    assert response.status_code == 303
    assert response.headers["location"].endswith("?pesan=discarded#studio-flash")
    assert _versions(studio) == [(1, "published"), (2, "superseded")]
    assert _events(studio)[-1] == "draft_discarded"
    page = parse(designer.get(response.headers["location"]))
    assert page.css_first("#studio-flash") is not None
    assert page.css_first("#studio-live-shown") is not None  # back to the live version
    pages = DOMISILI["form"]["pages"]
    assert len(page.css("section.spage")) == len(pages)


def test_the_last_change_can_be_undone(designer: Designer, studio: Studio) -> None:
    designer.open()
    assert designer.doc.css_first("#studio-undo") is None
    designer.edit_ok("page_add", title="Satu")
    designer.edit_ok("page_add", title="Dua")
    count = len(studio.draft().definition["form"]["pages"])
    undo = designer.doc.css_first("#studio-undo")
    assert undo is not None
    response = designer.submit(undo.parent)
    assert response.status_code == 303
    after = studio.draft().definition["form"]["pages"]
    assert len(after) == count - 1 and after[-1]["title"] == "Satu"
    assert "undone" in _events(studio)
    page = parse(designer.get(response.headers["location"]))
    assert page.css_first("#studio-undo") is None  # one level only
    again = designer.post(f"{EDITOR}/urungkan", {})
    assert again.status_code == 422
    assert len(studio.draft().definition["form"]["pages"]) == count - 1


def test_problems_at_the_top_are_listed_and_linked_to_their_items(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.edit_ok("page_add", title="Kosong")
    doc = designer.doc
    items = doc.css("#studio-problem-list li")
    assert items, "no problem listed"
    link = items[0].css_first("a")
    assert link is not None
    href = attr(link, "href")
    pages = len(studio.draft().definition["form"]["pages"])
    target = f"s-form-pages-{pages - 1}"
    assert href.endswith(f"#{target}")
    assert doc.css_first(f"#{target}") is not None
    words = items[0].text(deep=True)
    pointer = items[0].css_first("code.ptr").text()
    assert pointer == f"/form/pages/{pages - 1}/fields" or pointer.startswith(
        f"/form/pages/{pages - 1}"
    )
    assert words.index(link.text()) < words.index(pointer)  # plain words first


def test_after_submitting_the_confirmation_is_at_the_top_and_focused(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.submit_ok(designer.form("texts"), {"title.en": "Domicile letter"})
    response = designer.submit("#s-submit form")
    assert response.status_code == 303
    page = designer.get(response.headers["location"])
    doc = parse(page)
    flash = doc.css_first("#studio-flash")
    assert flash is not None and "autofocus" in flash.attributes
    assert attr(flash, "tabindex") == "-1"
    main = doc.css_first("#studio")
    first = next(n for n in main.iter() if n.tag != "-text")
    assert attr(first, "id") == "studio-flash"  # before everything else in the editor
    assert "ditinjau" in flash.text(deep=True)
    assert _versions(studio)[-1] == (2, "in_review")


def test_removing_what_others_refer_to_warns_and_names_them(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    response = designer.edit("role_remove", at="kepala")
    assert response.status_code == 409
    doc = parse(response)
    box = doc.css_first("#studio-refs")
    assert box is not None and "autofocus" in box.attributes
    pointers = [c.text() for c in box.css("code.ptr")]
    assert "/workflow/transitions/1/roles/1" in pointers
    assert "kepala" in box.text(deep=True)
    assert "kepala" in studio.draft().definition["roles"]  # nothing removed yet
    assert _versions(studio) == [(1, "published")]  # not even a draft
    designer.page = response
    confirm = next(f for f in box.css("form") if f.css_first("input[name=confirm]"))
    assert designer.submit(confirm).status_code == 303
    assert "kepala" not in studio.draft().definition["roles"]


def test_a_field_used_in_a_document_is_named_before_removal(designer: Designer) -> None:
    designer.open()
    response = designer.edit("field_remove", at="/form/pages/0/fields/0")
    assert response.status_code == 409
    box = parse(response).css_first("#studio-refs")
    assert "{nik}" in box.text(deep=True)
    assert "/documents/surat_domisili/body/1/rows/1/1" in [c.text() for c in box.css("code")]


def test_removing_what_nothing_refers_to_needs_no_confirmation(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.edit_ok("role_add", name="arsip", label="Arsip")
    response = designer.edit("role_remove", at="arsip")
    assert response.status_code == 303
    assert "arsip" not in studio.draft().definition["roles"]


def test_new_fields_required_options_file_types_date_bounds_and_short_keys(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    adder = designer.form("field_add", "#s-form-pages-0")
    chosen = adder.css_first("input[name=required][checked]")
    assert attr(chosen, "value") == "tidak" and "bawaan" in adder.text(deep=True)
    page = designer.submit_ok(
        adder,
        {"type": "choice", "label": "Jenis tempat tinggal sekarang ini", "required": "ya"},
    )
    fields = studio.draft().definition["form"]["pages"][0]["fields"]
    new = fields[-1]
    assert new["key"] == "jenis_tempat_tinggal" and new["required"] is True
    item = f"#s-form-pages-0-fields-{len(fields) - 1}"
    doc = parse(page)
    form = doc.css_first(f"{item} form.sform")
    assert attr(form.css_first("input[name=required][checked]"), "value") == "ya"
    assert form.css_first("textarea[name=options]") is None  # rows, not value|label text
    labels = [attr(i, "value") for i in form.css("input[name=option_label]")]
    assert labels[:2] == ["Pilihan 1", "Pilihan 2"]
    designer.submit_ok(
        form,
        {
            "option_label": ["Rumah sendiri", "Kontrak | sewa", ""],
            "option_value": ["milik", "", "buang"],
            "option_label_en": ["Own house", "", ""],
            "required": "tidak",
        },
    )
    new = studio.draft().definition["form"]["pages"][0]["fields"][-1]
    assert new["options"] == [
        {"value": "milik", "label": {"id": "Rumah sendiri", "en": "Own house"}},
        {"value": "kontrak_sewa", "label": "Kontrak / sewa"},
    ]
    assert "required" not in new
    # file types by name, date bounds in words
    designer.open()
    page = designer.submit_ok(
        designer.form("field_add", "#s-form-pages-0"), {"type": "file", "label": "Foto KTP"}
    )
    last = len(studio.draft().definition["form"]["pages"][0]["fields"]) - 1
    checks = parse(page).css(f"#s-form-pages-0-fields-{last} input[name=accept] + label")
    assert [c.text() for c in checks][:2] == ["PDF", "JPG"]
    page = designer.submit_ok(
        designer.form("field_add", "#s-form-pages-0"), {"type": "date", "label": "Tanggal pindah"}
    )
    date_item = parse(page).css_first(f"#s-form-pages-0-fields-{last + 1}")
    bound = date_item.css_first("input[name=max]")
    words = {attr(o, "value"): o.text() for o in date_item.css(f"#{attr(bound, 'list')} option")}
    assert words["today"] == "hari ini" and words["today+30d"] == "30 hari dari hari ini"


def test_the_editors_placeholder_label_is_flagged(designer: Designer) -> None:
    designer.open()
    page = designer.submit_ok(designer.form("field_add", "#s-form-pages-0"), {"label": ""})
    listed = parse(page).css("#studio-problem-list li")
    assert any("Pertanyaan baru" in li.text(deep=True) for li in listed)
    assert any("template-text" in li.text(deep=True) for li in listed)


def test_the_preview_follows_the_page_being_edited(designer: Designer) -> None:
    designer.open(open="/form/pages/1/fields/0")
    assert attr(designer.doc.css_first("#preview-page option[selected]"), "value") == "1"
    designer.open(open="/form/pages/0")
    assert attr(designer.doc.css_first("#preview-page option[selected]"), "value") == "0"
    designer.open(open="/form/pages/0", page="1")  # a page chosen in the preview wins
    assert attr(designer.doc.css_first("#preview-page option[selected]"), "value") == "1"


def test_on_an_error_the_last_good_preview_stays_greyed_with_the_errors(
    designer: Designer,
) -> None:
    designer.open()
    page = parse(designer.edit_ok("page_add", title="Kosong"))
    assert page.css_first("#preview") is None
    assert page.css_first("#preview-unavailable") is not None
    stale = page.css_first("#preview-last-good")
    assert stale is not None and "stale" in attr(stale, "class")
    assert stale.css_first("fieldset[disabled]") is not None
    assert stale.css_first("#f-nik") is not None  # the first page of the last good version
    assert page.css_first("#preview-stale-note") is not None
    errors = page.css("#preview-panel .problems li.error")
    assert errors and "too-few-items" in errors[0].text(deep=True)
