"""The studio's edits of form rules, computed values and shared option lists: one edit each, a
new dict, exact results, the input untouched, what cannot be written refused, the meaning left
to the validator (its problems at the item's pointer)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from builder import edit_rules as er
from builder.edit import EditError, field_at
from builder.validate import validate
from tests.builder.rules_fixture import COMPUTED, RULES, rules_definition

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
SMP = "pendaftaran-peserta-didik-baru-smp.json"


def _smp() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EXAMPLES / SMP).read_text(encoding="utf-8"))
    return loaded


def _errors(definition: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.code, p.pointer or "") for p in validate(definition) if p.severity == "error"]


# -- operands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operand", "parts"),
    [
        ({"field": "mulai"}, ("field:mulai", "")),
        ({"computed": "umur"}, ("computed:umur", "")),
        ({"value": 3}, ("value", "3")),
        (2.5, ("value", "2.5")),
        ({"value": "2026-07-01"}, ("value", "2026-07-01")),
        ({"add": [1, {"field": "a"}]}, ("json", '{"add": [1, {"field": "a"}]}')),
        (None, ("", "")),
    ],
)
def test_an_operand_is_two_form_values(operand: Any, parts: tuple[str, str]) -> None:
    assert er.operand_parts(operand) == parts
    back = er.parse_operand(*parts, "x")
    assert back == (operand if not isinstance(operand, float) else {"value": operand})


@pytest.mark.parametrize(
    ("choice", "raw"),
    [("value", ""), ("value", "besok"), ("json", "{bukan json"), ("json", "true"), ("apa:x", "")],
)
def test_an_operand_that_cannot_be_written_is_refused(choice: str, raw: str) -> None:
    with pytest.raises(EditError):
        er.parse_operand(choice, raw, "left")


def test_a_value_is_read_the_indonesian_way() -> None:
    assert er.parse_operand("value", "1.500.000", "x") == {"value": 1500000}
    assert er.parse_operand("value", "2,5", "x") == {"value": 2.5}


# -- rules ---------------------------------------------------------------------------------------


def test_every_rule_goes_through_its_form_unchanged() -> None:
    defn = rules_definition()
    assert _errors(defn) == []
    for index, rule in enumerate(RULES):
        parts = er.rule_parts(rule)
        assert er.set_rule(defn, index, parts) == defn
        assert er.set_rule(defn, index, {}) == defn


def test_a_bare_number_stays_as_the_author_wrote_it_until_its_value_changes() -> None:
    defn = rules_definition()
    rule = {
        "compare": {"left": {"computed": "umur"}, "op": "gte", "right": 17},
        "message": "Paling muda 17 tahun.",
    }
    defn["form"]["rules"] = [rule]
    parts = er.rule_parts(rule)
    assert (parts["right"], parts["right_value"]) == ("value", "17")
    assert er.set_rule(defn, 0, parts) == defn
    assert er.set_rule(defn, 0, {**parts, "right_value": "17,0"})["form"]["rules"][0] == rule
    changed = er.set_rule(defn, 0, {**parts, "right_value": "18"})["form"]["rules"][0]
    assert changed["compare"]["right"] == {"value": 18}
    # a computed value's bare terms too, and the number written as the form writes it
    defn["form"]["computed"]["lipat"] = {"multiply": [{"computed": "banyak"}, 2, {"value": 3}]}
    parts = er.computed_parts(defn["form"]["computed"]["lipat"])
    assert er.set_computed(defn, "lipat", parts) == defn
    again = er.set_computed(defn, "lipat", {**parts, "term2_value": "4"})
    assert again["form"]["computed"]["lipat"] == {
        "multiply": [{"computed": "banyak"}, {"value": 4}, {"value": 3}]
    }


def test_add_a_compare_rule() -> None:
    defn = rules_definition()
    before = copy.deepcopy(defn)
    changed = er.add_rule(
        defn,
        {
            "kind": "compare",
            "left": "field:jumlah_anggota",
            "operator": "lte",
            "right": "value",
            "right_value": "10",
            "beside": "jumlah_anggota",
            "message.id": "Paling banyak 10 anggota.",
            "message.en": "At most 10 members.",
        },
    )
    assert defn == before
    assert changed["form"]["rules"][-1] == {
        "compare": {"left": {"field": "jumlah_anggota"}, "op": "lte", "right": {"value": 10}},
        "at": "jumlah_anggota",
        "message": {"id": "Paling banyak 10 anggota.", "en": "At most 10 members."},
    }
    assert _errors(changed) == []


def test_add_the_first_rule_of_a_form() -> None:
    defn = rules_definition()
    del defn["form"]["rules"]
    changed = er.add_rule(
        defn,
        {
            "kind": "unique",
            "group": "anggota",
            "field": "nama_anggota",
            "beside": "anggota",
            "message.id": "Nama tidak boleh sama.",
        },
    )
    assert changed["form"]["rules"] == [
        {
            "unique": {"group": "anggota", "field": "nama_anggota"},
            "at": "anggota",
            "message": "Nama tidak boleh sama.",
        }
    ]


def test_change_a_rule_keeps_what_the_form_does_not_name() -> None:
    defn = rules_definition()
    changed = er.set_rule(defn, 1, {"at_most": "14", "message.id": "Paling lama 14 hari."})
    assert changed["form"]["rules"][1] == {
        "days_apart": {"from": {"field": "mulai"}, "to": {"field": "selesai"}, "at_most": 14},
        "at": "selesai",
        "message": {"id": "Paling lama 14 hari.", "en": "At most 30 days."},
    }


def test_exactly_one_is_written_from_a_field_an_operator_and_a_value() -> None:
    defn = rules_definition()
    changed = er.set_rule(
        defn, 3, {"where_field": "peran", "where_op": "in", "where_value": "kepala, anggota"}
    )
    assert changed["form"]["rules"][3]["exactly_one"] == {
        "group": "anggota",
        "where": {"field": "peran", "in": ["kepala", "anggota"]},
    }
    json_where = {"all": [{"field": "peran", "equals": "kepala"}]}
    parts = er.rule_parts({**RULES[3], "exactly_one": {"group": "anggota", "where": json_where}})
    assert (parts["where_op"], json.loads(parts["where_value"])) == ("json", json_where)


def test_a_new_kind_starts_the_test_afresh() -> None:
    defn = rules_definition()
    changed = er.set_rule(
        defn,
        0,
        {"kind": "days_apart", "from": "field:mulai", "to": "field:selesai", "at_most": "7"},
    )
    rule = changed["form"]["rules"][0]
    assert "compare" not in rule and rule["id"] == "selesai_setelah_mulai"
    assert rule["days_apart"] == {
        "from": {"field": "mulai"},
        "to": {"field": "selesai"},
        "at_most": 7,
    }


def test_the_meaning_of_a_rule_is_left_to_the_validator() -> None:
    defn = rules_definition()
    changed = er.set_rule(defn, 0, {"right": "field:tidak_ada", "beside": "mulai"})
    errors = _errors(changed)
    assert ("expression-unknown-field", "/form/rules/0/compare/right/field") in errors
    # a rule missing its test's parts is kept for the validator to ask for
    added = er.add_rule(defn, {"kind": "compare", "beside": "mulai", "message.id": "x"})
    assert added["form"]["rules"][-1]["compare"] == {}
    assert any(p.startswith("/form/rules/5") for _, p in _errors(added))


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "mirip"},
        {"kind": "days_apart", "at_most": "tiga"},
        {"kind": "compare", "left": "value", "left_value": "kemarin"},
        {"kind": "unique", "id": "Bukan Kunci"},
        {"kind": "exactly_one", "group": "anggota", "where_field": "peran", "where_op": "mirip"},
    ],
)
def test_a_rule_that_cannot_be_written_is_refused(values: dict[str, str]) -> None:
    with pytest.raises(EditError):
        er.add_rule(rules_definition(), values)


def test_remove_a_rule() -> None:
    defn = rules_definition()
    changed = er.remove_rule(defn, 0)
    assert changed["form"]["rules"] == RULES[1:]
    for _ in RULES[1:]:
        changed = er.remove_rule(changed, 0)
    assert "rules" not in changed["form"]
    with pytest.raises(EditError):
        er.remove_rule(defn, 9)
    with pytest.raises(EditError):
        er.set_rule(defn, 9, {})


# -- computed values -----------------------------------------------------------------------------


def test_every_computed_value_goes_through_its_form_unchanged() -> None:
    defn = rules_definition()
    for name, expression in COMPUTED.items():
        assert er.set_computed(defn, name, er.computed_parts(expression)) == defn
        assert er.set_computed(defn, name, {}) == defn


@pytest.mark.parametrize(
    ("values", "expression"),
    [
        (
            {"kind": "age", "age": "field:tanggal_lahir", "label.id": "Umur", "label.en": "Age"},
            {"age": {"field": "tanggal_lahir"}, "label": {"id": "Umur", "en": "Age"}},
        ),
        (
            {"kind": "age", "age": "field:nik", "age_at": "value", "age_at_value": "2027-07-01"},
            {"age": {"field": "nik"}, "at": {"value": "2027-07-01"}},
        ),
        (
            {"kind": "days_between", "from": "field:mulai", "to": "field:selesai"},
            {"days_between": [{"field": "mulai"}, {"field": "selesai"}]},
        ),
        ({"kind": "count", "group": "anggota"}, {"count": "anggota"}),
        (
            {"kind": "sum", "group": "anggota", "field": "penghasilan"},
            {"sum": {"group": "anggota", "field": "penghasilan"}},
        ),
        (
            {
                "kind": "add",
                "term1": "computed:total",
                "term2": "",
                "term3": "value",
                "term3_value": "500000",
            },
            {"add": [{"computed": "total"}, {"value": 500000}]},
        ),
    ],
)
def test_add_each_kind_of_computed_value(values: dict[str, str], expression: Any) -> None:
    defn = rules_definition()
    before = copy.deepcopy(defn)
    changed = er.add_computed(defn, {"name": "baru", **values})
    assert defn == before
    assert changed["form"]["computed"]["baru"] == expression
    assert _errors(changed) == []


def test_a_computed_name_comes_from_its_label_and_is_not_taken_twice() -> None:
    defn = rules_definition()
    changed = er.add_computed(
        defn, {"kind": "count", "group": "anggota", "label.id": "Jumlah Anak"}
    )
    assert "jumlah_anak" in changed["form"]["computed"]
    with pytest.raises(EditError):
        er.add_computed(defn, {"name": "umur", "kind": "count", "group": "anggota"})
    with pytest.raises(EditError):
        er.add_computed(defn, {"name": "Umur Saya", "kind": "count"})
    with pytest.raises(EditError):
        er.add_computed(defn, {"name": "x", "kind": "akar"})


def test_change_a_computed_value() -> None:
    defn = rules_definition()
    changed = er.set_computed(defn, "umur", {"age_at": "value", "age_at_value": "2027-07-01"})
    assert changed["form"]["computed"]["umur"] == {
        "age": {"field": "tanggal_lahir"},
        "at": {"value": "2027-07-01"},
    }
    back = er.set_computed(changed, "umur", {"age_at": ""})  # today again
    assert back["form"]["computed"]["umur"] == {"age": {"field": "tanggal_lahir"}}
    other = er.set_computed(defn, "lama", {"kind": "count", "group": "anggota"})
    assert other["form"]["computed"]["lama"] == {"count": "anggota"}


def test_the_meaning_of_a_computed_value_is_left_to_the_validator() -> None:
    defn = rules_definition()
    changed = er.set_computed(defn, "umur", {"age": "field:jumlah_anggota"})
    assert ("expression-wrong-type", "/form/computed/umur/age") in _errors(changed)


def test_an_expression_the_form_cannot_say_is_kept_as_json() -> None:
    defn = rules_definition()
    nested = {"subtract": [{"add": [1, 2]}, {"field": "jumlah_anggota"}]}
    defn["form"]["computed"]["selisih"] = nested
    parts = er.computed_parts(nested)
    assert parts["kind"] == "subtract" and parts["term1"] == "json"
    assert er.set_computed(defn, "selisih", parts) == defn


def test_remove_a_computed_value() -> None:
    defn = rules_definition()
    changed = er.remove_computed(defn, "per_orang")
    assert list(changed["form"]["computed"]) == list(COMPUTED)[:-1]
    with pytest.raises(EditError):
        er.remove_computed(defn, "tidak_ada")
    smp = _smp()
    assert "computed" not in er.remove_computed(smp, "umur_1_juli")["form"]


# -- shared option lists -------------------------------------------------------------------------


TABLE = {
    "option_value": "smpn_1\n\n",
    "option_label": "SMP Negeri 1\nSekolah lain\n",
    "option_label_en": "\nAnother school\n",
    "option_group": "18.71.01\n\n",
}


def test_add_an_option_list_from_its_table() -> None:
    defn = rules_definition()
    changed = er.add_option_list(defn, {"name": "sekolah", **TABLE})
    assert changed["option_lists"] == {
        "sekolah": [
            {"value": "smpn_1", "label": "SMP Negeri 1", "group": "18.71.01"},
            {"value": "sekolah_lain", "label": {"id": "Sekolah lain", "en": "Another school"}},
        ]
    }
    assert er.option_rows(changed["option_lists"]["sekolah"]) == [
        ("smpn_1", "SMP Negeri 1", "", "18.71.01"),
        ("sekolah_lain", "Sekolah lain", "Another school", ""),
    ]
    with pytest.raises(EditError):
        er.add_option_list(changed, {"name": "sekolah", **TABLE})
    with pytest.raises(EditError):
        er.add_option_list(defn, {"name": "Sekolah!", **TABLE})


def test_the_options_of_a_list_go_through_its_table_unchanged() -> None:
    smp = _smp()
    for name, options in smp["option_lists"].items():
        rows = er.option_rows(options)
        table = {c: "\n".join(r[i] for r in rows) for i, c in enumerate(er.OPTION_COLUMNS)}
        assert er.set_option_list(smp, name, table) == smp


def test_an_empty_list_and_a_duplicate_are_left_to_the_validator() -> None:
    defn = er.add_option_list(rules_definition(), {"name": "kosong"})
    assert defn["option_lists"] == {"kosong": []}
    assert any(p.startswith("/option_lists") for _, p in _errors(defn))
    twice = er.set_option_list(
        defn, "kosong", {"option_value": "a\na", "option_label": "Satu\nDua"}
    )
    assert ("duplicate-option", "/option_lists/kosong/1/value") in _errors(twice)


def test_remove_an_option_list() -> None:
    smp = _smp()
    names = list(smp["option_lists"])
    changed = er.remove_option_list(smp, names[0])
    assert names[0] not in changed.get("option_lists", {})
    assert any(code == "option-list-unknown" for code, _ in _errors(changed))
    with pytest.raises(EditError):
        er.remove_option_list(smp, "tidak_ada")


def test_a_choice_field_takes_a_shared_list_and_gives_it_back() -> None:
    defn = er.add_option_list(rules_definition(), {"name": "peran", **TABLE})
    pointer = "/form/pages/2/fields/3/fields/1"  # peran, in the group
    changed = er.set_field_list(defn, pointer, {"options_from": "peran", "filter_by": ""})
    field = changed["form"]["pages"][2]["fields"][3]["fields"][1]
    assert field["options_from"] == "peran" and "options" not in field
    back = er.set_field_list(changed, pointer, {"options_from": "", "filter_by": ""})
    field = back["form"]["pages"][2]["fields"][3]["fields"][1]
    assert "options_from" not in field
    assert field["options"] == [
        {"value": "smpn_1", "label": "SMP Negeri 1"},
        {"value": "sekolah_lain", "label": {"id": "Sekolah lain", "en": "Another school"}},
    ]
    with pytest.raises(EditError):
        er.set_field_list(defn, "/form/pages/2/fields/0", {"options_from": "peran"})  # a date


def test_a_filter_is_written_and_its_meaning_left_to_the_validator() -> None:
    smp = _smp()
    pointer, field = next(
        (f"/form/pages/{p}/fields/{i}", f)
        for p, page in enumerate(smp["form"]["pages"])
        for i, f in enumerate(page["fields"])
        if f.get("filter_by")
    )
    changed = er.set_field_list(smp, pointer, {"filter_by": ""})
    assert "filter_by" not in field_at(changed, pointer)
    wrong = er.set_field_list(smp, pointer, {"filter_by": "tidak_ada"})
    assert ("filter-unknown-field", f"{pointer}/filter_by") in _errors(wrong)
    assert er.set_field_list(smp, pointer, {"filter_by": field["filter_by"]}) == smp


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_example_goes_through_the_forms_unchanged(path: Path) -> None:
    definition: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    form = definition["form"]
    for index, rule in enumerate(form.get("rules", [])):
        assert er.set_rule(definition, index, er.rule_parts(rule)) == definition
    for name, expression in form.get("computed", {}).items():
        assert er.set_computed(definition, name, er.computed_parts(expression)) == definition
    for name, options in definition.get("option_lists", {}).items():
        rows = er.option_rows(options)
        table = {c: "\n".join(r[i] for r in rows) for i, c in enumerate(er.OPTION_COLUMNS)}
        assert er.set_option_list(definition, name, table) == definition
