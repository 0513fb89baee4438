"""The studio's forms for applicant actions (language 1.1), as a browser without JavaScript uses
them: what the citizen fills in and the statement they tick, on the action's row; a file that
may follow later, on the file's form. The validator's problems beside the item, a refused edit
with its values kept, only the service's designers, the CSRF token."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from builder.canonical import canonical_bytes
from tests.runtime.studio.conftest import AGENCY, Designer, Studio, attr, parse

EXAMPLE = Path(__file__).resolve().parents[3] / "schemas" / "examples"
FAMILY: dict[str, Any] = json.loads(
    (EXAMPLE / "perubahan-kartu-keluarga.json").read_text(encoding="utf-8")
)
SLUG = "kk-uji"
EDITOR = f"/studio/{AGENCY}/{SLUG}"
ROW = "#s-workflow-transitions-0-applicant"  # kirim_kk_lama
OFFICER_ROW = "#s-workflow-transitions-1"  # verifikasi_lengkap, an officer's transition
KK_LAMA = "/form/pages/3/fields/1"


def _text(node: Any) -> str:
    return node.text(deep=True) if node is not None else ""


def _ticked(designer: Designer, scope: str) -> dict[str, bool]:
    boxes = designer.doc.css(f"{scope} input[name=applicant_fields]")
    return {attr(b, "value"): "checked" in b.attributes for b in boxes}


def _statement(designer: Designer, scope: str = ROW) -> tuple[str, str]:
    found = designer.doc
    return (
        _text(found.css_first(f"{scope} textarea[name='confirm.id']")),
        _text(found.css_first(f"{scope} textarea[name='confirm.en']")),
    )


def _codes(designer: Designer, scope: str) -> list[str]:
    return [_text(c) for c in designer.doc.css(f"{scope} .problems code:not(.ptr)")]


def _move(studio: Studio, index: int = 0) -> dict[str, Any]:
    move: dict[str, Any] = studio.draft(SLUG).definition["workflow"]["transitions"][index]
    return move


@pytest.fixture
def family(designer: Designer) -> Designer:
    """The designer, on a new service made from the family card example."""
    designer.get("/studio/baru")
    made = designer.post(
        "/studio/baru",
        {"agency": AGENCY, "service_id": SLUG, "title": "", "source": "example"}
        | {"example": "perubahan-kartu-keluarga"},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert made.status_code == 303, made.text[:2000]
    designer.open(SLUG)
    return designer


def _form(designer: Designer) -> Any:
    form = designer.doc.css_first(f"{ROW} form")
    assert form is not None
    return form


def test_the_action_shows_the_fit_fields_and_its_statement(family: Designer) -> None:
    ticked = _ticked(family, ROW)
    assert ticked["kk_lama"] is True
    assert ticked["telepon"] is False
    for unfit in ("anggota", "nik_anggota", "dokumen_anggota", "peringatan", "pernyataan_benar"):
        assert unfit not in ticked, unfit
    assert _statement(family) == (
        FAMILY["workflow"]["transitions"][0]["confirm"]["id"],
        FAMILY["workflow"]["transitions"][0]["confirm"]["en"],
    )
    # only the applicant action has the part; the officer's transitions do not
    assert family.doc.css_first(f"{OFFICER_ROW}-applicant") is None
    assert "Aksi pemohon" in _text(family.doc.css_first(f"{ROW} h4"))
    ids = [attr(n, "id") for n in family.doc.css("[id]")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for box in family.doc.css(f"{ROW} input[type=checkbox]"):
        assert family.doc.css_first(f"label[for='{attr(box, 'id')}']") is not None
    family.open(SLUG, lang="en")
    assert "Applicant action: kirim_kk_lama" in _text(family.doc.css_first(f"{ROW} h4"))
    assert "Statement (English)" in _text(family.doc.css_first(ROW))
    family.open(SLUG, lang="en", open=KK_LAMA)
    follows = family.doc.css_first("label[for='s-form-pages-3-fields-1-follows_later']")
    assert "May follow later" in _text(follows)


def test_the_family_cards_action_made_in_the_studio_is_the_example(
    family: Designer, studio: Studio
) -> None:
    example = copy.deepcopy(FAMILY) | {"id": SLUG}
    # an unchanged form changes nothing
    family.submit_ok(_form(family))
    assert canonical_bytes(studio.draft(SLUG).definition) == canonical_bytes(example)
    # everything taken away, through the forms
    family.submit_ok(_form(family), {"applicant_fields": None, "confirm.id": "", "confirm.en": ""})
    assert "applicant_fields" not in _move(studio) and "confirm" not in _move(studio)
    family.open(SLUG, open=KK_LAMA)
    assert "follows-later-no-action" in _codes(family, "#s-form-pages-3-fields-1")
    field_form = family.doc.css_first("#s-form-pages-3-fields-1 form.sform")
    box = field_form.css_first("input[name=follows_later]")
    assert box is not None and "checked" in box.attributes
    family.submit_ok(field_form, {"follows_later": None})
    kk_lama = studio.draft(SLUG).definition["form"]["pages"][3]["fields"][1]
    assert "follows_later" not in kk_lama
    # and put back
    family.open(SLUG, open=KK_LAMA)
    family.submit_ok(
        family.doc.css_first("#s-form-pages-3-fields-1 form.sform"), {"follows_later": "on"}
    )
    family.open(SLUG)
    family.submit_ok(
        _form(family),
        {
            "applicant_fields": "kk_lama",
            "confirm.id": example["workflow"]["transitions"][0]["confirm"]["id"],
            "confirm.en": example["workflow"]["transitions"][0]["confirm"]["en"],
        },
    )
    assert canonical_bytes(studio.draft(SLUG).definition) == canonical_bytes(example)


def test_more_fields_and_a_plain_statement(family: Designer, studio: Studio) -> None:
    family.submit_ok(
        _form(family),
        {"applicant_fields": ["telepon", "kk_lama"], "confirm.id": "Benar.", "confirm.en": ""},
    )
    assert _move(studio)["applicant_fields"] == ["kk_lama", "telepon"]
    assert _move(studio)["confirm"] == "Benar."
    ticked = _ticked(family, ROW)
    assert ticked["kk_lama"] is True and ticked["telepon"] is True and ticked["nama"] is False
    assert _statement(family) == ("Benar.", "")


def test_the_validators_problem_is_shown_beside_the_action(
    family: Designer, studio: Studio
) -> None:
    # an officer's transition given applicant fields (an old page): written, and reported
    family.edit_ok("applicant_action", SLUG, at="1", applicant_fields="telepon")
    assert _move(studio, 1)["applicant_fields"] == ["telepon"]
    row = f"{OFFICER_ROW}-applicant"
    assert "applicant-fields-misplaced" in _codes(family, row)
    assert "bukan aksi pemohon" in _text(family.doc.css_first(row))
    assert _ticked(family, row)["telepon"] is True
    # unticked through its row: gone, and so is the part
    family.submit_ok(family.doc.css_first(f"{row} form"), {"applicant_fields": None})
    assert "applicant_fields" not in _move(studio, 1)
    assert family.doc.css_first(row) is None
    # a field that is not fit, posted anyway: kept ticked beside its problem
    family.edit_ok("applicant_action", SLUG, at="0", applicant_fields="kk_lama\nanggota")
    assert "applicant-field-unfit" in _codes(family, ROW)
    assert _ticked(family, ROW)["anggota"] is True


def test_a_refused_edit_keeps_the_typed_values(family: Designer, studio: Studio) -> None:
    before = studio.draft(SLUG)
    response = family.submit(
        _form(family),
        {"applicant_fields": ["kk_lama", "telepon"], "confirm.id": "", "confirm.en": "Only."},
    )
    assert response.status_code == 422
    assert "Bahasa Indonesia" in _text(parse(response).css_first("#error-summary"))
    assert _statement(family) == ("", "Only.")
    assert _ticked(family, ROW)["telepon"] is True and _ticked(family, ROW)["kk_lama"] is True
    after = studio.draft(SLUG)
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_a_required_file_that_may_follow_later_is_reported_beside_it(
    family: Designer, studio: Studio
) -> None:
    family.open(SLUG, open=KK_LAMA)
    family.submit_ok(
        family.doc.css_first("#s-form-pages-3-fields-1 form.sform"), {"required": "ya"}
    )
    assert "follows-later-required" in _codes(family, "#s-form-pages-3-fields-1")
    # a file inside the group has no such box
    family.open(SLUG, open="/form/pages/2/fields/1/fields/4")
    assert family.doc.css_first("#s-form-pages-2-fields-1-fields-4 form.sform") is not None
    assert family.doc.css_first("#s-form-pages-2-fields-1-fields-4 [name=follows_later]") is None


def test_another_agencys_designer_gets_not_found(family: Designer, studio: Studio) -> None:
    family.submit_ok(_form(family), {"confirm.id": "Benar."})
    before = studio.draft(SLUG)
    stranger = studio.login("perancang.dinsos")
    stranger.get("/studio")
    token = attr(stranger.doc.css_first("input[name=csrf_token]"), "value")
    data = {"csrf_token": token, "row_version": str(before.row_version)}
    for edit in (
        {"op": "applicant_action", "at": "0", "applicant_fields": "telepon"},
        {"op": "field", "at": KK_LAMA, "follows_later": ""},
    ):
        assert stranger.client.post(f"{EDITOR}/ubah", data={**data, **edit}).status_code == 404
    assert stranger.get(EDITOR).status_code == 404
    after = studio.draft(SLUG)
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_the_edit_needs_the_csrf_token(family: Designer, studio: Studio) -> None:
    family.submit_ok(_form(family), {"confirm.id": "Benar."})
    before = studio.draft(SLUG).row_version
    data = {
        "op": "applicant_action",
        "at": "0",
        "applicant_fields": "telepon",
        "row_version": str(before),
    }
    assert family.client.post(f"{EDITOR}/ubah", data=data).status_code == 403
    assert studio.draft(SLUG).row_version == before


def test_after_the_edit_the_editor_opens_at_the_actions_part(family: Designer) -> None:
    response = family.submit(_form(family), {"confirm.id": "Benar."})
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"#{ROW[1:]}")
    family.get(response.headers["location"])
    assert "autofocus" in family.doc.css_first(ROW).attributes
    refused = family.submit(_form(family), {"confirm.id": "", "confirm.en": "Only."})
    assert refused.status_code == 422
    assert "autofocus" in family.doc.css_first(ROW).attributes
