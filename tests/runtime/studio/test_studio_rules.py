"""The studio's sections for form rules, computed values and shared option lists over HTTP, as
a browser without JavaScript uses them: add, change and remove each kind through the editor's
forms, the validator's problems beside the item, a refused edit with its values kept, and
only the service's designers."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.builder.rules_fixture import COMPUTED as ALL_COMPUTED
from tests.builder.rules_fixture import FAMILY_PAGE
from tests.builder.rules_fixture import RULES as ALL_RULES
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse

SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"
GROUP: dict[str, Any] = {
    "key": "pengikut",
    "type": "group",
    "label": "Pengikut",
    "item_label": "Pengikut",
    "fields": [
        {"key": "nama_pengikut", "type": "text", "label": "Nama pengikut", "required": True},
        {
            "key": "hubungan",
            "type": "choice",
            "label": "Hubungan",
            "required": True,
            "options": [
                {"value": "kepala", "label": "Kepala keluarga"},
                {"value": "anak", "label": "Anak"},
            ],
        },
        {"key": "penghasilan", "type": "number", "label": "Penghasilan"},
    ],
}
# page 1 of Domisili: kecamatan (choice) is field 2, jumlah_pengikut (number) field 10
KECAMATAN = "/form/pages/1/fields/2"


def _with_group() -> dict[str, Any]:
    definition = copy.deepcopy(DOMISILI)
    definition["form"]["pages"][1]["fields"].append(copy.deepcopy(GROUP))
    return definition


def _save_json(designer: Designer, definition: dict[str, Any]) -> None:
    designer.get(f"{EDITOR}/json")
    saved = designer.submit("main form", {"definition": json.dumps(definition), "anyway": "1"})
    assert saved.status_code == 303, saved.text[:2000]


@pytest.fixture
def family(designer: Designer) -> Designer:
    """The designer, on a draft of Domisili with a group of followers on page 2."""
    _save_json(designer, _with_group())
    designer.open()
    return designer


def _form(designer: Designer, pointer: str) -> Any:
    anchor = "#s" + pointer.replace("/", "-")
    designer.open(open=pointer)
    form = designer.doc.css_first(f"{anchor} form.sform")
    assert form is not None, f"no open form in {anchor}"
    return form


def test_the_sections_show_with_their_add_forms(designer: Designer) -> None:
    doc = parse(designer.open())
    for section, empty in (
        ("#s-form-rules", "#no-rules"),
        ("#s-form-computed", "#no-computed"),
        ("#s-option_lists", "#no-option-lists"),
    ):
        assert doc.css_first(section) is not None and doc.css_first(empty) is not None
    for form in ("#s-newrule", "#s-newcomputed", "#s-newoptionlist"):
        node = doc.css_first(form)
        assert attr(node, "method") == "post" and attr(node, "action") == f"{EDITOR}/ubah"
        assert node.css_first("input[name=csrf_token]") is not None
    kinds = [attr(o, "value") for o in doc.css("#s-newrule select[name=kind] option")]
    assert kinds == ["compare", "days_apart", "count_equals", "exactly_one", "unique"]


RULES: list[tuple[dict[str, str], dict[str, Any]]] = [
    (
        {
            "kind": "compare",
            "left": "field:tinggal_sejak",
            "operator": "gt",
            "right": "field:tanggal_lahir",
        },
        {
            "compare": {
                "left": {"field": "tinggal_sejak"},
                "op": "gt",
                "right": {"field": "tanggal_lahir"},
            }
        },
    ),
    (
        {
            "kind": "days_apart",
            "from": "field:tanggal_lahir",
            "to": "value",
            "to_value": "2026-12-31",
            "at_most": "36500",
        },
        {
            "days_apart": {
                "from": {"field": "tanggal_lahir"},
                "to": {"value": "2026-12-31"},
                "at_most": 36500,
            }
        },
    ),
    (
        {"kind": "count_equals", "group": "pengikut", "equals": "field:jumlah_pengikut"},
        {"count_equals": {"group": "pengikut", "equals": {"field": "jumlah_pengikut"}}},
    ),
    (
        {
            "kind": "exactly_one",
            "group": "pengikut",
            "where_field": "hubungan",
            "where_op": "equals",
            "where_value": "kepala",
        },
        {"exactly_one": {"group": "pengikut", "where": {"field": "hubungan", "equals": "kepala"}}},
    ),
    (
        {"kind": "unique", "group": "pengikut", "field": "nama_pengikut"},
        {"unique": {"group": "pengikut", "field": "nama_pengikut"}},
    ),
]
AT = {"compare": "tinggal_sejak", "days_apart": "tanggal_lahir"}


@pytest.mark.parametrize(("values", "test"), RULES, ids=[v["kind"] for v, _ in RULES])
def test_add_change_and_remove_a_rule(
    family: Designer, studio: Studio, values: dict[str, str], test: dict[str, Any]
) -> None:
    at = AT.get(values["kind"], "pengikut")
    family.edit_ok(
        "rule_add",
        **values,
        beside=at,
        **{"message.id": "Periksa <b>lagi</b>.", "message.en": "Check again."},
    )
    rule = studio.draft().definition["form"]["rules"][0]
    assert rule == {
        **test,
        "at": at,
        "message": {"id": "Periksa <b>lagi</b>.", "en": "Check again."},
    }
    # the new rule is open, without problems, its message escaped
    item = family.doc.css_first("#s-form-rules-0")
    assert item is not None and item.css_first("form.sform") is not None
    assert item.css(".problems li") == [], [p.text() for p in item.css(".problems li")]
    assert "<b>" not in family.page.text and "&lt;b&gt;lagi&lt;/b&gt;" in family.page.text
    # saving its form unchanged changes nothing; a change goes through its form
    family.submit_ok(item.css_first("form.sform"))
    assert studio.draft().definition["form"]["rules"][0] == rule
    form = _form(family, "/form/rules/0")
    family.submit_ok(form, {"message.id": "Tidak cocok.", "message.en": "", "id": "cocok"})
    changed = studio.draft().definition["form"]["rules"][0]
    assert changed == {**rule, "id": "cocok", "message": "Tidak cocok."}
    family.open()
    family.submit_ok(family.form("rule_remove", "#s-form-rules-0"))
    assert "rules" not in studio.draft().definition["form"]


def test_change_the_kind_and_the_operands_of_a_rule(family: Designer, studio: Studio) -> None:
    family.edit_ok("rule_add", kind="compare", beside="jumlah_pengikut", **{"message.id": "Salah."})
    item = family.doc.css_first("#s-form-rules-0")
    # an incomplete rule is kept and the validator's problems are shown beside it
    assert item.css(".problems li") != []
    form = item.css_first("form.sform")
    choices = [attr(o, "value") for o in form.css("select[name=left] option")]
    assert "field:jumlah_pengikut" in choices and "value" in choices and "json" in choices
    assert "field:pengikut" not in choices  # a group is no operand
    family.submit_ok(
        form,
        {"left": "field:jumlah_pengikut", "operator": "lte", "right": "value", "right_value": "10"},
    )
    rule = studio.draft().definition["form"]["rules"][0]
    assert rule["compare"] == {
        "left": {"field": "jumlah_pengikut"},
        "op": "lte",
        "right": {"value": 10},
    }
    assert family.doc.css("#s-form-rules-0 .problems li") == []
    family.submit_ok(_form(family, "/form/rules/0"), {"kind": "unique"})
    rule = studio.draft().definition["form"]["rules"][0]
    assert rule["unique"] == {} and "compare" not in rule and rule["message"] == "Salah."
    form = family.doc.css_first("#s-form-rules-0 form.sform")
    assert form.css_first("select[name=group]") is not None  # the form of the new kind


def test_a_validator_problem_is_shown_beside_the_rule(family: Designer, studio: Studio) -> None:
    family.edit_ok(
        "rule_add",
        kind="compare",
        left="field:tinggal_sejak",
        operator="gt",
        right="field:jumlah_pengikut",
        beside="nama",
        **{"message.id": "Salah."},
    )
    codes = [c.text() for c in family.doc.css("#s-form-rules-0 .problems code")]
    assert "rule-type-mismatch" in codes and "rule-at-not-read" in codes
    links = [attr(a, "href") for a in family.doc.css("#studio-problem-list a")]
    assert any("/form/rules/0" in h and h.endswith("#s-form-rules-0") for h in links), links


def test_a_refused_rule_edit_keeps_its_values_beside_the_rule(
    family: Designer, studio: Studio
) -> None:
    family.edit_ok("rule_add", **RULES[1][0], beside="tanggal_lahir", **{"message.id": "Lama."})
    before = studio.draft()
    form = _form(family, "/form/rules/0")
    response = family.submit(form, {"at_most": "tiga puluh", "message.id": "Baru <i>x</i>"})
    assert response.status_code == 422
    doc = parse(response)
    refused = doc.css_first("#s-form-rules-0 #s-form-rules-0-refused")
    assert refused is not None and "tiga puluh" in refused.text()
    assert "bukan bilangan bulat" in doc.css_first("#error-summary").text()
    form = doc.css_first("#s-form-rules-0 form.sform")
    assert attr(form.css_first("input[name=at_most]"), "value") == "tiga puluh"
    assert attr(form.css_first("input[name='message.id']"), "value") == "Baru <i>x</i>"
    assert "<i>x</i>" not in response.text
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_a_refused_addition_keeps_its_values_in_the_add_form(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    response = designer.edit(
        "computed_add", name="Umur Pemohon", kind="count", **{"label.id": "Umur"}
    )
    assert response.status_code == 422
    doc = parse(response)
    assert doc.css_first("#s-form-computed #s-form-computed-refused") is not None
    assert attr(doc.css_first("#s-newcomputed input[name=name]"), "value") == "Umur Pemohon"
    assert "computed" not in studio.draft().definition["form"]


COMPUTED: list[tuple[dict[str, str], dict[str, Any]]] = [
    (
        {"kind": "age", "age": "field:nik", "age_at": "value", "age_at_value": "2026-07-01"},
        {"age": {"field": "nik"}, "at": {"value": "2026-07-01"}},
    ),
    ({"kind": "age", "age": "field:tanggal_lahir"}, {"age": {"field": "tanggal_lahir"}}),
    (
        {"kind": "days_between", "from": "field:tanggal_lahir", "to": "field:tinggal_sejak"},
        {"days_between": [{"field": "tanggal_lahir"}, {"field": "tinggal_sejak"}]},
    ),
    ({"kind": "count", "group": "pengikut"}, {"count": "pengikut"}),
    (
        {"kind": "sum", "group": "pengikut", "field": "penghasilan"},
        {"sum": {"group": "pengikut", "field": "penghasilan"}},
    ),
    (
        {"kind": "add", "term1": "field:jumlah_pengikut", "term2": "value", "term2_value": "1"},
        {"add": [{"field": "jumlah_pengikut"}, {"value": 1}]},
    ),
]


@pytest.mark.parametrize(
    ("values", "expression"), COMPUTED, ids=[str(i) for i in range(len(COMPUTED))]
)
def test_add_change_and_remove_a_computed_value(
    family: Designer, studio: Studio, values: dict[str, str], expression: dict[str, Any]
) -> None:
    family.edit_ok(
        "computed_add", name="hasil", **values, **{"label.id": "Hasil", "label.en": "Result"}
    )
    found = studio.draft().definition["form"]["computed"]["hasil"]
    assert found == {**expression, "label": {"id": "Hasil", "en": "Result"}}
    item = family.doc.css_first("#s-form-computed-hasil")
    assert item is not None and item.css(".problems li") == []
    family.submit_ok(item.css_first("form.sform"))  # unchanged
    assert studio.draft().definition["form"]["computed"]["hasil"] == found
    family.submit_ok(_form(family, "/form/computed/hasil"), {"label.en": ""})
    assert studio.draft().definition["form"]["computed"]["hasil"]["label"] == "Hasil"
    family.open()
    family.submit_ok(family.form("computed_remove", "#s-form-computed-hasil"))
    assert "computed" not in studio.draft().definition["form"]


def test_a_computed_value_is_offered_to_rules_and_its_removal_asks_first(
    family: Designer, studio: Studio
) -> None:
    family.edit_ok("computed_add", name="umur", kind="age", age="field:tanggal_lahir")
    form = _form(family, "/form/computed/umur")
    family.submit_ok(form, {"age": "field:jumlah_pengikut"})
    codes = [c.text() for c in family.doc.css("#s-form-computed-umur .problems code")]
    assert "expression-wrong-type" in codes
    family.submit_ok(_form(family, "/form/computed/umur"), {"age": "field:tanggal_lahir"})
    family.edit_ok(
        "rule_add",
        kind="compare",
        left="computed:umur",
        operator="gte",
        right="value",
        right_value="17",
        beside="tanggal_lahir",
        **{"message.id": "Paling sedikit 17 tahun."},
    )
    assert family.doc.css("#s-form-rules-0 .problems li") == []
    family.open()
    removal = family.form("computed_remove", "#s-form-computed-umur")
    response = family.submit(removal)
    assert response.status_code == 409  # the rule still uses it
    assert "umur" in parse(response).css_first("#studio-refs").text()
    assert "umur" in studio.draft().definition["form"]["computed"]


def test_add_change_and_remove_an_option_list_and_let_a_field_take_it(
    family: Designer, studio: Studio
) -> None:
    family.submit_ok(
        "#s-newoptionlist",
        {
            "name": "kelurahan",
            "option_label": ["Kedaton", "Sukamenanti", "Lainnya <b>x</b>", "", ""],
            "option_label_en": ["", "", "Another", "", ""],
            "option_value": ["kedaton", "", "", "", ""],
            "option_group": ["kedaton", "kedaton", "", "", ""],
        },
    )
    options = studio.draft().definition["option_lists"]["kelurahan"]
    assert options == [
        {"value": "kedaton", "label": "Kedaton", "group": "kedaton"},
        {"value": "sukamenanti", "label": "Sukamenanti", "group": "kedaton"},
        {"value": "lainnya_b_x_b", "label": {"id": "Lainnya <b>x</b>", "en": "Another"}},
    ]
    item = family.doc.css_first("#s-option_lists-kelurahan")
    assert item is not None and "<b>x</b>" not in family.page.text
    # an unused list is a warning beside it
    assert "option-list-unused" in [c.text() for c in item.css(".problems code")]
    family.submit_ok(item.css_first("form.sform"))  # unchanged
    assert studio.draft().definition["option_lists"]["kelurahan"] == options
    form = _form(family, "/option_lists/kelurahan")
    labels = [attr(i, "value") for i in form.css("input[name=option_label]")]
    family.submit_ok(form, {"option_label": ["", *labels[1:]]})  # an empty label drops the row
    options = studio.draft().definition["option_lists"]["kelurahan"]
    assert options[0]["value"] == "sukamenanti"
    # the kecamatan field of page 2 is a choice field: it takes the list
    family.open(open=KECAMATAN)
    list_form = family.doc.css_first(f"#s{KECAMATAN.replace('/', '-')}-list")
    assert list_form is not None
    assert [attr(o, "value") for o in list_form.css("select[name=options_from] option")] == [
        "",
        "kelurahan",
    ]
    family.submit_ok(list_form, {"options_from": "kelurahan"})
    field = studio.draft().definition["form"]["pages"][1]["fields"][2]
    assert field["options_from"] == "kelurahan" and "options" not in field
    assert family.doc.css(f"#s{KECAMATAN.replace('/', '-')} .problems li") == []


def test_a_filter_problem_is_shown_beside_the_field(family: Designer, studio: Studio) -> None:
    family.edit_ok(
        "option_list_add",
        name="daftar",
        option_label="Satu\nDua",
        option_value="satu\ndua",
        option_group="x\n",
    )
    family.edit_ok("field_list", at=KECAMATAN, options_from="daftar", filter_by="status_lainnya")
    field = studio.draft().definition["form"]["pages"][1]["fields"][2]
    assert field["filter_by"] == "status_lainnya"
    anchor = f"#s{KECAMATAN.replace('/', '-')}"
    codes = [c.text() for c in family.doc.css(f"{anchor} .problems code")]
    assert "filter-field-type" in codes or "filter-later-field" in codes, codes


def test_removing_a_list_a_field_takes_asks_first(family: Designer, studio: Studio) -> None:
    family.edit_ok("option_list_add", name="daftar", option_label="Satu\nDua")
    family.edit_ok("field_list", at=KECAMATAN, options_from="daftar", filter_by="")
    response = family.edit("option_list_remove", at="daftar")
    assert response.status_code == 409
    assert "option-list-unknown" in parse(response).css_first("#studio-refs").text() or (
        "daftar" in parse(response).css_first("#studio-refs").text()
    )
    family.page = response
    family.edit_ok("option_list_remove", at="daftar", confirm="1")
    assert "option_lists" not in studio.draft().definition
    # the field gives the list back: its own options again
    family.edit_ok("field_list", at=KECAMATAN, options_from="", filter_by="")
    field = studio.draft().definition["form"]["pages"][1]["fields"][2]
    assert "options_from" not in field


def test_only_the_services_designers_edit_rules(family: Designer, studio: Studio) -> None:
    family.edit_ok("rule_add", **RULES[4][0], beside="pengikut", **{"message.id": "Beda."})
    before = studio.draft()
    stranger = studio.login("perancang.dinsos")
    stranger.get("/studio")
    token = attr(stranger.doc.css_first("input[name=csrf_token]"), "value")
    post = {"csrf_token": token, "row_version": str(before.row_version)}
    for data in (
        {"op": "rule_remove", "at": "0"},
        {"op": "rule", "at": "0", "message.id": "Diubah"},
        {"op": "computed_add", "name": "x", "kind": "count", "group": "pengikut"},
        {"op": "option_list_add", "name": "x", "option_label": "Satu"},
    ):
        assert stranger.client.post(f"{EDITOR}/ubah", data={**post, **data}).status_code == 404
    assert stranger.get(f"{EDITOR}?open=/form/rules/0").status_code == 404
    # without the CSRF token, the designer's own posts are refused too
    bare = {"row_version": str(before.row_version), "op": "rule_remove", "at": "0"}
    assert family.client.post(f"{EDITOR}/ubah", data=bare).status_code == 403
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


@pytest.mark.parametrize("at", ["9", "x", ""])
def test_a_rule_that_is_not_there_is_a_clear_error(family: Designer, at: str) -> None:
    response = family.edit("rule", at=at, **{"message.id": "x"})
    assert response.status_code == 422
    assert parse(response).css_first("#error-summary") is not None


def test_unchanged_forms_of_a_full_definition_change_nothing(
    designer: Designer, studio: Studio
) -> None:
    definition = copy.deepcopy(DOMISILI)
    definition["form"]["pages"].insert(2, copy.deepcopy(FAMILY_PAGE))
    definition["form"]["computed"] = {
        **copy.deepcopy(ALL_COMPUTED),
        "nested": {"subtract": [{"add": [1, 2]}, {"field": "jumlah_anggota"}]},
    }
    definition["form"]["rules"] = copy.deepcopy(ALL_RULES)
    definition["option_lists"] = {
        "peran": [
            {"value": "kepala", "label": {"id": "Kepala", "en": "Head"}, "group": "a"},
            {"value": "anggota", "label": "Anggota"},
        ]
    }
    _save_json(designer, definition)
    saved = studio.draft().definition
    for index in range(len(ALL_RULES)):
        designer.submit_ok(_form(designer, f"/form/rules/{index}"))
        ids = [attr(n, "id") for n in designer.doc.css("[id]")]
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for name in definition["form"]["computed"]:
        designer.submit_ok(_form(designer, f"/form/computed/{name}"))
    designer.submit_ok(_form(designer, "/option_lists/peran"))
    assert studio.draft().definition == saved
    # and the JSON tab shows the definition the forms kept
    page = designer.get(f"{EDITOR}/json")
    text = parse(page).css_first("textarea[name=definition]").text(deep=True)
    assert json.loads(text) == saved


def test_broken_parts_still_open_the_editor(designer: Designer, studio: Studio) -> None:
    broken = copy.deepcopy(DOMISILI)
    broken["form"]["rules"] = [5, {"compare": 3, "at": 4, "message": 7}, {"unique": {}}]
    broken["form"]["computed"] = {"a": "teks", "b": {"age": 5}, "c": {"add": 7}}
    broken["option_lists"] = {"x": 5, "y": [3, {"value": 1}]}
    _save_json(designer, broken)
    for pointer in ("/form/rules/1", "/form/computed/c", "/option_lists/y", ""):
        page = designer.open(open=pointer)
        assert parse(page).css_first("#s-form-rules") is not None
    broken["form"]["rules"] = 5
    broken["form"]["computed"] = [1]
    broken["option_lists"] = "x"
    _save_json(designer, broken)
    assert designer.open().status_code == 200


def test_a_refused_list_keeps_its_rows_in_the_add_form(designer: Designer, studio: Studio) -> None:
    designer.open()
    response = designer.submit(
        "#s-newoptionlist",
        {"name": "Daftar Sekolah", "option_label": ["SMP <1>", "SMP 2", ""], "option_group": "a"},
    )
    assert response.status_code == 422
    doc = parse(response)
    assert doc.css_first("#s-option_lists #s-option_lists-refused") is not None
    form = doc.css_first("#s-newoptionlist")
    assert attr(form.css_first("input[name=name]"), "value") == "Daftar Sekolah"
    labels = [attr(i, "value") for i in form.css("input[name=option_label]")]
    assert labels[:2] == ["SMP <1>", "SMP 2"] and "SMP <1>" not in response.text
    assert attr(form.css_first("input[name=option_group]"), "value") == "a"
    assert "option_lists" not in studio.draft().definition


def test_an_unchanged_rule_form_keeps_a_bare_number(designer: Designer, studio: Studio) -> None:
    definition = copy.deepcopy(DOMISILI)
    rule = {
        "compare": {"left": {"field": "jumlah_pengikut"}, "op": "lte", "right": 10},
        "at": "jumlah_pengikut",
        "message": "Paling banyak 10 pengikut.",
    }
    definition["form"]["rules"] = [rule]
    _save_json(designer, definition)
    designer.submit_ok(_form(designer, "/form/rules/0"))
    assert studio.draft().definition["form"]["rules"] == [rule]
    designer.submit_ok(_form(designer, "/form/rules/0"), {"right_value": "12"})
    assert studio.draft().definition["form"]["rules"][0]["compare"]["right"] == {"value": 12}
