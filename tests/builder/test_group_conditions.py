"""Conditions that look into a repeatable group: some, every or no item meets a condition."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from builder_testing import problems_of

from builder import conditions
from builder.compiler import compile_definition, fast_check
from builder.condition_text import describe
from builder.validate import validate

P1 = "/form/pages/1/fields"
TODAY = dt.date(2026, 12, 3)
ITEMS = [
    {"nama_tanggungan": "Ani", "hubungan": "anak", "lahir": "2015-01-01"},
    {"nama_tanggungan": "Budi", "hubungan": "lainnya", "hubungan_lain": "Keponakan"},
]


@pytest.mark.parametrize(
    ("test", "items", "expected"),
    [
        ({"some": {"field": "hubungan", "equals": "anak"}}, ITEMS, True),
        ({"some": {"field": "hubungan", "equals": "cucu"}}, ITEMS, False),
        ({"every": {"field": "hubungan", "equals": "anak"}}, ITEMS, False),
        ({"every": {"field": "nama_tanggungan", "filled": True}}, ITEMS, True),
        ({"every": {"field": "nama_tanggungan", "filled": True}}, [], False),
        ({"none": {"field": "hubungan", "equals": "anak"}}, ITEMS, False),
        ({"none": {"field": "hubungan", "equals": "anak"}}, [], True),
        ({"some": {"field": "lahir", "gt": "today-17y"}}, ITEMS, True),  # someone under 17
        ({"some": {"field": "lahir", "gt": "today-5y"}}, ITEMS, False),
        ({"some": {"field": "hubungan", "equals": "anak"}}, None, False),
    ],
)
def test_evaluate_and_the_schema_agree(test: dict[str, Any], items: Any, expected: bool) -> None:
    condition = {"group": "tanggungan", **test}
    answers = {} if items is None else {"tanggungan": items}
    assert conditions.evaluate(condition, answers, TODAY) is expected
    from builder.values import as_of

    check = fast_check({"type": "object", **conditions.to_schema(condition)})
    assert check is not None
    with as_of(TODAY):
        assert check(answers) is expected


def _with_notice(defn: dict[str, Any], visible_if: Any) -> dict[str, Any]:
    defn = copy.deepcopy(defn)
    defn["form"]["pages"][1]["fields"].append(
        {"key": "info_anak", "type": "notice", "text": "Catatan", "visible_if": visible_if}
    )
    return defn


def test_a_group_test_is_valid_where_conditions_are_used(valid_definition: dict[str, Any]) -> None:
    some = {"group": "tanggungan", "some": {"field": "hubungan", "equals": "anak"}}
    assert problems_of(_with_notice(valid_definition, some)) == []
    defn = copy.deepcopy(valid_definition)
    defn["form"]["pages"][2]["visible_if"] = {"not": some}
    assert problems_of(defn) == []
    defn["workflow"]["transitions"][0]["guard"] = {
        "group": "tanggungan",
        "every": {"field": "nama_tanggungan", "filled": True},
    }
    assert problems_of(defn) == []


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            {"group": "tanggungn", "some": {"field": "hubungan", "equals": "anak"}},
            [(f"{P1}/6/visible_if/group", "condition-unknown-group")],
        ),
        (
            {"group": "alasan", "some": {"field": "hubungan", "equals": "anak"}},
            [(f"{P1}/6/visible_if/group", "condition-not-a-group")],
        ),
        (
            {"group": "tanggungan", "some": {"field": "alasan", "equals": "kerja"}},
            [(f"{P1}/6/visible_if/some/field", "condition-outside-group")],
        ),
        (
            {"group": "tanggungan", "none": {"field": "hubungan", "equals": "cucu"}},
            [(f"{P1}/6/visible_if/none/equals", "condition-bad-value")],
        ),
        (
            {"any": [{"group": "tanggungan", "every": {"field": "hubungn", "filled": True}}]},
            [(f"{P1}/6/visible_if/any/0/every/field", "condition-unknown-field")],
        ),
        (
            {"group": "tanggungan"},
            [(f"{P1}/6/visible_if", "bad-condition")],
        ),
        (
            {
                "group": "tanggungan",
                "some": {"field": "hubungan", "equals": "anak"},
                "none": {"field": "hubungan", "filled": True},
            },
            [(f"{P1}/6/visible_if", "bad-condition")],
        ),
    ],
)
def test_a_bad_group_test_is_named_with_its_pointer(
    valid_definition: dict[str, Any], condition: Any, expected: list[tuple[str, str]]
) -> None:
    assert problems_of(_with_notice(valid_definition, condition)) == expected


def test_a_group_test_may_not_read_a_later_page(valid_definition: dict[str, Any]) -> None:
    defn = copy.deepcopy(valid_definition)
    defn["form"]["pages"][0]["fields"].append(
        {
            "key": "info_awal",
            "type": "notice",
            "text": "x",
            "visible_if": {"group": "tanggungan", "some": {"field": "hubungan", "filled": True}},
        }
    )
    assert problems_of(defn) == [
        ("/form/pages/0/fields/7/visible_if/group", "condition-later-field")
    ]


def test_no_group_test_inside_a_group(valid_definition: dict[str, Any]) -> None:
    defn = copy.deepcopy(valid_definition)
    child = defn["form"]["pages"][1]["fields"][5]["fields"][2]
    child["visible_if"] = {"group": "tanggungan", "some": {"field": "hubungan", "filled": True}}
    found = validate(defn)
    assert [(p.pointer, p.code) for p in found] == [
        (f"{P1}/5/fields/2/visible_if/group", "group-test-in-group")
    ]
    assert found[0].hint is not None


def test_the_into_group_hint_names_the_group_test(valid_definition: dict[str, Any]) -> None:
    found = validate(_with_notice(valid_definition, {"field": "hubungan", "equals": "anak"}))
    assert [p.code for p in found] == ["condition-into-group"]
    assert found[0].hint is not None and '"some"' in found[0].hint["id"]


def test_a_field_shown_by_a_group_test_is_required_only_then(
    valid_definition: dict[str, Any],
) -> None:
    defn = copy.deepcopy(valid_definition)
    defn["form"]["pages"][1]["fields"].append(
        {
            "key": "akta",
            "type": "text",
            "label": "Nomor akta kelahiran anak",
            "required": True,
            "visible_if": {"group": "tanggungan", "some": {"field": "hubungan", "equals": "anak"}},
        }
    )
    assert problems_of(defn) == []
    compiled = compile_definition(defn)
    answers = {"punya_tanggungan": True, "tanggungan": [ITEMS[0]]}
    pruned = compiled.prune({**answers, "akta": "123"})
    assert pruned.get("akta") == "123"
    errors = compiled.validate(compiled.prune(answers))
    assert ("/akta", "required") in [(e.pointer, e.rule) for e in errors]
    others = {"punya_tanggungan": True, "tanggungan": [ITEMS[1]]}
    assert "akta" not in compiled.prune({**others, "akta": "123"})
    assert ("/akta", "unknown") in [
        (e.pointer, e.rule) for e in compiled.validate({**others, "akta": "123"})
    ]
    # the submission schema says the same
    full = compiled.validator
    rules = [e.validator for e in full.iter_errors({**others, "akta": "123"})]
    assert rules  # refused


def test_a_group_test_in_words(valid_definition: dict[str, Any]) -> None:
    condition = {"group": "tanggungan", "none": {"field": "hubungan", "equals": "anak"}}
    assert describe(condition, valid_definition) == (
        "tidak ada isian «Tanggungan» dengan «Hubungan» sama dengan «Anak»"
    )
    assert describe(condition, valid_definition, "en") == (
        "no item of «Tanggungan» has «Hubungan» is «Anak»"
    )
