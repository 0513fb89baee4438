"""Renaming a computed value or a shared option list in the studio, as a browser without
JavaScript does it: the item's rename form, every reference renamed in the draft, the live
version untouched, a refused name kept in the form with the message beside it, only the
service's designers, and the CSRF token."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlmodel import select

from runtime import lifecycle
from runtime.models import Service, ServiceVersion
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse

SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"
KECAMATAN = "/form/pages/1/fields/2"  # a choice field of page 2


def _named() -> dict[str, Any]:
    """Domisili with a computed value `umur` read by a rule and a page's condition, and a list
    `wilayah` taken by the kecamatan field."""
    definition = copy.deepcopy(DOMISILI)
    form = definition["form"]
    form["computed"] = {"umur": {"age": {"field": "tanggal_lahir"}, "label": "Umur"}}
    form["rules"] = [
        {
            "compare": {"left": {"computed": "umur"}, "op": "gte", "right": {"value": 17}},
            "at": "tanggal_lahir",
            "message": "Paling sedikit 17 tahun.",
        }
    ]
    form["pages"][3]["visible_if"] = {"field": "umur", "gte": 0}
    kecamatan = form["pages"][1]["fields"][2]
    definition["option_lists"] = {"wilayah": kecamatan.pop("options")}
    kecamatan["options_from"] = "wilayah"
    return definition


def _live(studio: Studio) -> dict[str, Any]:
    with studio.session() as session:
        service = session.exec(
            select(Service).where(Service.agency_id == AGENCY, Service.slug == SLUG)
        ).one()
        version = session.get(ServiceVersion, service.current_version_id)
        assert version is not None and version.state == "published"
        return dict(version.definition)


@pytest.fixture
def named(studio: Studio, designer: Designer) -> Designer:
    """The designer, with the version using `umur` and `wilayah` published."""
    with studio.session() as session:
        lifecycle.publish_definition(session, definition=_named(), data_dir=None)
        session.commit()
    assert "umur" in _live(studio)["form"]["computed"]
    designer.open()
    return designer


def _rename_form(designer: Designer, pointer: str) -> Any:
    designer.open(open=pointer)
    anchor = "#s" + pointer.replace("/", "-")
    form = designer.doc.css_first(f"{anchor} form.rename")
    assert form is not None, f"no rename form in {anchor}"
    return form


def test_rename_a_computed_value_and_every_use(named: Designer, studio: Studio) -> None:
    form = _rename_form(named, "/form/computed/umur")
    assert attr(form, "method") == "post" and attr(form, "action") == f"{EDITOR}/ubah"
    assert form.css_first("input[name=csrf_token]") is not None
    assert attr(form.css_first("input[name=new_name]"), "value") == "umur"
    named.submit_ok(form, {"new_name": "usia"})
    draft = studio.draft()
    assert draft.state == "draft"
    form_part = draft.definition["form"]
    assert list(form_part["computed"]) == ["usia"]
    assert form_part["rules"][0]["compare"]["left"] == {"computed": "usia"}
    assert form_part["pages"][3]["visible_if"] == {"field": "usia", "gte": 0}
    # back at the renamed item, open, with no problems
    item = named.doc.css_first("#s-form-computed-usia")
    assert item is not None and "open" in attr(item, "class")
    assert item.css(".problems li") == []
    assert named.doc.css_first("#s-form-computed-umur") is None
    # the published version (and so its cases and form drafts) keeps the old name
    live = _live(studio)
    assert live["form"]["computed"] == _named()["form"]["computed"]
    assert live["form"]["rules"][0]["compare"]["left"] == {"computed": "umur"}


def test_rename_a_shared_list_and_the_fields_that_take_it(named: Designer, studio: Studio) -> None:
    form = _rename_form(named, "/option_lists/wilayah")
    named.submit_ok(form, {"new_name": "kecamatan_kota"})
    draft = studio.draft().definition
    assert list(draft["option_lists"]) == ["kecamatan_kota"]
    assert draft["option_lists"]["kecamatan_kota"] == _named()["option_lists"]["wilayah"]
    assert draft["form"]["pages"][1]["fields"][2]["options_from"] == "kecamatan_kota"
    item = named.doc.css_first("#s-option_lists-kecamatan_kota")
    assert item is not None and item.css(".problems li") == []
    assert named.doc.css(f"#s{KECAMATAN.replace('/', '-')} .problems li") == []
    assert list(_live(studio)["option_lists"]) == ["wilayah"]


@pytest.mark.parametrize(
    ("pointer", "typed", "words"),
    [
        ("/form/computed/umur", "Usia Baru", "huruf kecil"),
        ("/form/computed/umur", "nama", "kunci isian"),
        ("/option_lists/wilayah", "daftar-2", "huruf kecil"),
    ],
)
def test_a_refused_rename_keeps_the_typed_name_beside_the_item(
    named: Designer, studio: Studio, pointer: str, typed: str, words: str
) -> None:
    named.edit_ok("option_list_add", name="lain", option_label="Satu")  # a draft to compare
    before = studio.draft()
    response = named.submit(_rename_form(named, pointer), {"new_name": typed})
    assert response.status_code == 422
    doc = parse(response)
    anchor = "s" + pointer.replace("/", "-")
    item = doc.css_first(f"#{anchor}")
    assert item is not None and "open" in attr(item, "class")
    message = item.css_first(f"#{anchor}-refused-rename")
    assert message is not None and words in message.text()
    field = item.css_first("form.rename input[name=new_name]")
    assert attr(field, "value") == typed
    assert attr(field, "aria-invalid") == "true"
    assert f"{anchor}-refused-rename" in attr(field, "aria-describedby")
    assert item.css_first(f"#{anchor}-refused") is None  # said once, beside the name
    if pointer.startswith("/option_lists"):  # the list's table keeps its options
        labels = [attr(i, "value") for i in item.css("form.sform input[name=option_label]")]
        assert [x for x in labels if x] == [
            o["label"] if isinstance(o["label"], str) else o["label"]["id"]
            for o in _named()["option_lists"]["wilayah"]
        ]
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_a_taken_list_name_is_refused(named: Designer, studio: Studio) -> None:
    named.edit_ok("option_list_add", name="lain", option_label="Satu")
    response = named.submit(_rename_form(named, "/option_lists/wilayah"), {"new_name": "lain"})
    assert response.status_code == 422
    assert "sudah ada" in parse(response).css_first("#s-option_lists-wilayah-refused-rename").text()
    assert set(studio.draft().definition["option_lists"]) == {"wilayah", "lain"}


def test_only_the_services_designers_rename(named: Designer, studio: Studio) -> None:
    named.edit_ok("option_list_add", name="lain", option_label="Satu")
    before = studio.draft()
    stranger = studio.login("perancang.dinsos")
    stranger.get("/studio")
    token = attr(stranger.doc.css_first("input[name=csrf_token]"), "value")
    post = {"csrf_token": token, "row_version": str(before.row_version)}
    for data in (
        {"op": "computed_rename", "at": "umur", "new_name": "usia"},
        {"op": "option_list_rename", "at": "wilayah", "new_name": "daerah"},
    ):
        assert stranger.client.post(f"{EDITOR}/ubah", data={**post, **data}).status_code == 404
    # without the CSRF token, the designer's own rename is refused too
    bare = {"row_version": str(before.row_version), "op": "computed_rename", "at": "umur"}
    assert named.client.post(f"{EDITOR}/ubah", data={**bare, "new_name": "usia"}).status_code == 403
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)
