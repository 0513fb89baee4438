"""Shared option lists and dependent options: the builder's checks, the compiled schema and the
Python checks agreeing, the review diff."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from builder_testing import Change, case, problems_of, put, steps

from builder.compiler import compile_definition
from builder.diff import diff
from builder.validate import validate

P0 = "/form/pages/0/fields"
P1 = "/form/pages/1/fields"
SEKOLAH = [
    {"value": "smpn1", "label": {"id": "SMPN 1", "en": "SMPN 1"}, "group": "18.71.01"},
    {"value": "smpn2", "label": {"id": "SMPN 2", "en": "SMPN 2"}, "group": "18.71.02"},
    {"value": "smpn3", "label": {"id": "SMPN 3", "en": "SMPN 3"}, "group": "18.71"},
    {"value": "lain", "label": {"id": "Lainnya", "en": "Other"}},
]
KEC = {
    "key": "kecamatan",
    "type": "region",
    "label": "Kecamatan",
    "within": "18.71",
    "level": "district",
}
PILIH = {
    "key": "sekolah",
    "type": "choice",
    "label": "Sekolah",
    "options_from": "sekolah",
    "filter_by": "kecamatan",
}
JALUR = {
    "key": "jalur",
    "type": "choice",
    "label": "Jalur",
    "options": [{"value": "zonasi", "label": "Zonasi"}, {"value": "prestasi", "label": "Prestasi"}],
}
MINAT = {
    "key": "minat",
    "type": "multichoice",
    "label": "Minat",
    "options_from": "minat",
    "filter_by": "jalur",
}
MINAT_LIST = [
    {"value": "a", "label": "A", "group": "zonasi"},
    {"value": "b", "label": "B", "group": "prestasi"},
    {"value": "c", "label": "C"},
]


def _with_lists(definition: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(definition)
    result["option_lists"] = {"sekolah": copy.deepcopy(SEKOLAH), "minat": copy.deepcopy(MINAT_LIST)}
    result["form"]["pages"][0]["fields"].extend(copy.deepcopy([KEC, PILIH, JALUR, MINAT]))
    return result


def test_a_definition_with_shared_and_dependent_lists_is_valid(
    valid_definition: dict[str, Any],
) -> None:
    assert problems_of(_with_lists(valid_definition)) == []


def test_a_list_shared_by_two_fields_and_used_in_a_condition(
    valid_definition: dict[str, Any],
) -> None:
    definition = _with_lists(valid_definition)
    definition["form"]["pages"][1]["fields"].append(
        {
            "key": "sekolah_kakak",
            "type": "choice",
            "label": "Sekolah kakak",
            "options_from": "sekolah",
            "display": "select",
            "visible_if": {"field": "sekolah", "equals": "lain"},
        }
    )
    assert problems_of(definition) == []
    definition["form"]["pages"][1]["fields"][-1]["visible_if"]["equals"] = "tidak-ada"
    assert ("/form/pages/1/fields/6/visible_if/equals", "condition-bad-value") in (
        problems_of(definition)
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        case(
            "unknown-list",
            put(P0 + "/8/options_from", "sekolahh"),
            (P0 + "/8/options_from", "option-list-unknown"),
            ("/option_lists/sekolah", "option-list-unused"),
        ),
        case(
            "both-options-and-list",
            put(
                P0 + "/8/options",
                [
                    {"value": "x", "label": "X", "group": "18.71"},
                    {"value": "y", "label": "Y", "group": "18.71"},
                ],
            ),
            (P0 + "/8/options_from", "options-and-options-from"),
        ),
        case(
            "neither",
            put(P0 + "/10/options_from", None),
            (P0 + "/10/options", "no-options"),
            (P0 + "/10/filter_by", "filter-without-groups"),
            ("/option_lists/minat", "option-list-unused"),
        ),
        case(
            "unused-list",
            put("/option_lists/kosong", [{"value": "x", "label": "X"}]),
            ("/option_lists/kosong", "option-list-unused"),
        ),
        case(
            "duplicate-value-in-list",
            put("/option_lists/sekolah/-", {"value": "smpn1", "label": "Lagi"}),
            ("/option_lists/sekolah/4/value", "duplicate-option"),
        ),
        case(
            "filter-unknown-field",
            put(P0 + "/8/filter_by", "kecamatn"),
            (P0 + "/8/filter_by", "filter-unknown-field"),
        ),
        case(
            "filter-on-a-later-page",
            put(P0 + "/8/filter_by", "alasan"),
            (P0 + "/8/filter_by", "filter-later-field"),
        ),
        case(
            "filter-of-unsupported-type",
            put(P0 + "/8/filter_by", "nama"),
            (P0 + "/8/filter_by", "filter-field-type"),
        ),
        case(
            "filter-by-itself",
            put(P0 + "/8/filter_by", "sekolah"),
            (P0 + "/8/filter_by", "filter-self"),
        ),
        case(
            "filter-in-a-group",
            put(
                "/form/pages/1/fields/5/fields/-",
                {**PILIH, "key": "sekolah_anak", "filter_by": "kecamatan"},
            ),
            ("/form/pages/1/fields/5/fields/3/filter_by", "filter-not-here"),
        ),
        case(
            "region-group-outside-the-area",
            put("/option_lists/sekolah/0/group", "17.71.01"),
            ("/option_lists/sekolah/0/group", "option-group-unmatched"),
        ),
        case(
            "region-group-below-the-level",
            put("/option_lists/sekolah/2/group", "18.71.01.1003"),
            ("/option_lists/sekolah/2/group", "option-group-unmatched"),
        ),
        case(
            "choice-group-not-an-answer",
            put("/option_lists/minat/0/group", "afirmasi"),
            ("/option_lists/minat/0/group", "option-group-unmatched"),
        ),
        case(
            "filter-without-groups",
            steps(
                put(P0 + "/8/options_from", None),
                put(
                    P0 + "/8/options", [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}]
                ),
            ),
            (P0 + "/8/filter_by", "filter-without-groups"),
            ("/option_lists/sekolah", "option-list-unused"),
        ),
        case(
            "group-on-an-inline-option",
            put(P0 + "/9/options/0/group", "18.71.01"),
        ),
        case(
            "bad-group-type",
            put("/option_lists/sekolah/0/group", 18),
            ("/option_lists/sekolah/0/group", "wrong-type"),
        ),
    ],
)
def test_invalid_option_lists(
    valid_definition: dict[str, Any], change: Change, expected: list[tuple[str, str]]
) -> None:
    definition = _with_lists(valid_definition)
    change(definition)
    definition["form"]["pages"][0]["fields"] = [
        {k: v for k, v in f.items() if v is not None}
        for f in definition["form"]["pages"][0]["fields"]
    ]
    assert problems_of(definition) == expected


def test_hints_name_the_lists(valid_definition: dict[str, Any]) -> None:
    definition = _with_lists(valid_definition)
    definition["form"]["pages"][0]["fields"][8]["options_from"] = "sekolahh"
    found = validate(definition)[0]
    assert found.hint is not None
    assert found.hint["en"] == "Did you mean 'sekolah'? Declared lists: sekolah, minat."
    assert found.severity == "error"
    unused = validate(definition)[1]
    assert unused.severity == "warning"


def test_the_compiler_expands_the_lists(valid_definition: dict[str, Any]) -> None:
    service = compile_definition(_with_lists(valid_definition))
    assert [o["value"] for o in service.fields["sekolah"].spec["options"]] == [
        "smpn1",
        "smpn2",
        "smpn3",
        "lain",
    ]
    assert service.schema["properties"]["sekolah"]["enum"] == ["smpn1", "smpn2", "smpn3", "lain"]
    assert "options" not in service.definition["form"]["pages"][0]["fields"][8]


@pytest.mark.parametrize(
    ("answers", "bad"),
    [
        ({"kecamatan": "18.71.01", "sekolah": "smpn1"}, []),
        ({"kecamatan": "18.71.01", "sekolah": "lain"}, []),
        ({"kecamatan": "18.71.02", "sekolah": "smpn1"}, ["/sekolah"]),
        ({"kecamatan": "18.71.02", "sekolah": "smpn2"}, []),
        ({"sekolah": "smpn1"}, ["/sekolah"]),  # no filter answer: only ungrouped options
        ({"sekolah": "lain"}, []),
        ({"jalur": "zonasi", "minat": ["a", "c"]}, []),
        ({"jalur": "zonasi", "minat": ["c", "b"]}, ["/minat/1"]),
        ({"minat": ["a"]}, ["/minat/0"]),
        ({"jalur": "prestasi", "minat": ["b"]}, []),
    ],
)
def test_schema_and_python_agree_on_dependent_options(
    valid_definition: dict[str, Any], answers: dict[str, Any], bad: list[str]
) -> None:
    service = compile_definition(_with_lists(valid_definition))
    base = {"nik": "1871015708900001", "nama": "Budi", "jenis_kelamin": "L", "alasan": "kerja"}
    pruned = service.prune({**base, **answers})
    errors = [e for e in service.validate(pruned) if e.key in {"sekolah", "minat"}]
    assert [e.pointer for e in errors] == bad
    for error in errors:
        assert error.message["en"].startswith("This option is not available for the earlier")
    filter_rules_ok = all(
        _rule_holds(service, rule, pruned)
        for rule in service.schema.get("allOf", [])
        if any(k in str(rule.get("if")) for k in ("sekolah", "minat"))
    )
    assert filter_rules_ok is (bad == []), pruned


def _rule_holds(service: Any, rule: dict[str, Any], answers: dict[str, Any]) -> bool:
    validator = type(service.validator)(rule, format_checker=service.validator.format_checker)
    return bool(validator.is_valid(answers))


def test_the_review_diff_shows_list_and_filter_changes(valid_definition: dict[str, Any]) -> None:
    old = _with_lists(valid_definition)
    new = copy.deepcopy(old)
    new["option_lists"]["sekolah"].append(
        {"value": "smpn4", "label": "SMPN 4", "group": "18.71.02"}
    )
    new["option_lists"]["sekolah"][0]["group"] = "18.71.03"
    new["form"]["pages"][0]["fields"][8]["filter_by"] = "jalur"
    new["option_lists"]["puskesmas"] = [{"value": "p1", "label": "Puskesmas Kedaton"}]
    text = " ".join(change.text("en") for change in diff(old, new))
    assert "smpn4" in text
    assert "18.71.03" in text
    assert "jalur" in text
    assert "Shared option list 'puskesmas' added (1 option)." in text
    assert "Option 'SMPN 4' (smpn4) added to field 'Sekolah'." in text


def test_a_definition_without_lists_is_compiled_as_before(valid_definition: dict[str, Any]) -> None:
    from builder.option_lists import expand

    assert expand(valid_definition) is valid_definition
    service = compile_definition(valid_definition)
    assert "filter_by" not in str(service.schema)


def test_lists_reach_group_items_and_officer_fields(valid_definition: dict[str, Any]) -> None:
    definition = _with_lists(valid_definition)
    definition["form"]["pages"][1]["fields"][5]["fields"].append(
        {"key": "sekolah_anak", "type": "choice", "label": "Sekolah", "options_from": "sekolah"}
    )
    assert problems_of(definition) == []
    service = compile_definition(definition)
    child = next(c for c in service.fields["tanggungan"].children if c.key == "sekolah_anak")
    assert [o["value"] for o in child.spec["options"]] == ["smpn1", "smpn2", "smpn3", "lain"]
    item = service.schema["properties"]["tanggungan"]["items"]["properties"]["sekolah_anak"]
    assert item["enum"] == ["smpn1", "smpn2", "smpn3", "lain"]


def test_documents_print_the_label_of_a_shared_option(valid_definition: dict[str, Any]) -> None:
    from builder.documents import form_fields, format_value

    spec = form_fields(_with_lists(valid_definition))["sekolah"].spec
    assert format_value("choice", spec, "smpn2") == "SMPN 2"
