"""The time field: checks on its definition, parsing, the compiled schema and display."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from builder_testing import problems_of

from builder.compiler import compile_definition, fast_check
from builder.fields import field_type
from builder.problems import problem
from builder.validate import validate

TIME = field_type("time")
P0 = "/form/pages/0/fields"


def _with_time(defn: dict[str, Any], **spec: Any) -> dict[str, Any]:
    defn = copy.deepcopy(defn)
    field = {"key": "jam", "type": "time", "label": "Jam datang", **spec}
    defn["form"]["pages"][0]["fields"].append(field)
    return defn


def test_a_time_with_bounds_is_valid(valid_definition: dict[str, Any]) -> None:
    assert problems_of(_with_time(valid_definition, min="08:00", max="15:30")) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"min": "8:00"}, [(f"{P0}/7/min", "bad-time")]),
        ({"max": "24:00"}, [(f"{P0}/7/max", "bad-time")]),
        ({"min": "15:00", "max": "08:00"}, [(f"{P0}/7/min", "time-range-across-midnight")]),
        ({"pattern": "x"}, [(f"{P0}/7/pattern", "unknown-key")]),
    ],
)
def test_bad_bounds_are_named_with_their_pointer(
    valid_definition: dict[str, Any], spec: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert problems_of(_with_time(valid_definition, **spec)) == expected


def test_the_problems_have_hints(valid_definition: dict[str, Any]) -> None:
    found = validate(_with_time(valid_definition, min="15:00", max="08:00"))
    assert found[0].hint is not None and "tengah malam" in found[0].hint["id"]
    assert problem("bad-time", "/x", value="8").hint is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14:30", ("14:30", None)),
        ("14.30", ("14:30", None)),
        ("9.05", ("09:05", None)),
        ("09:05:00", ("09:05", None)),  # a browser sends seconds with some step settings
        ("", (None, None)),
        ("24:00", ("24:00", "invalid")),
        ("9:5", ("9:5", "invalid")),
        ("09:05:30", ("09:05:30", "invalid")),
        ("pagi", ("pagi", "invalid")),
    ],
)
def test_parsing_what_people_type(raw: str, expected: tuple[Any, str | None]) -> None:
    assert TIME.parse({}, [raw]) == expected


def test_display_is_indonesian_first() -> None:
    assert TIME.display({}, "14:30", "id") == "14.30"
    assert TIME.display({}, "14:30", "en") == "14:30"
    assert TIME.display({}, None, "id") == ""


@pytest.mark.parametrize(
    ("answer", "rule", "message_id"),
    [
        ("07:59", "min", "Jam datang tidak boleh sebelum pukul 08.00."),
        ("15:31", "max", "Jam datang tidak boleh setelah pukul 15.30."),
        ("25:00", "invalid", "Jam datang harus jam yang benar, misalnya 08.30 atau 14.00."),
        (930, "invalid", "Jam datang harus jam yang benar, misalnya 08.30 atau 14.00."),
    ],
)
def test_the_compiled_schema_holds_the_bounds(
    valid_definition: dict[str, Any], answer: Any, rule: str, message_id: str
) -> None:
    compiled = compile_definition(_with_time(valid_definition, min="08:00", max="15:30"))
    errors = [e for e in compiled.validate({"jam": answer}) if e.key == "jam"]
    assert [(e.pointer, e.rule, e.text("id")) for e in errors] == [("/jam", rule, message_id)]
    assert [e for e in compiled.validate({"jam": "08:00"}) if e.key == "jam"] == []
    assert [e for e in compiled.validate({"jam": "15:30"}) if e.key == "jam"] == []
    check = fast_check(compiled.value_validator.schema)
    assert check is not None
    assert check({"jam": "12:00"}) is True
    assert check({"jam": answer}) is False


def test_conditions_on_a_time_compare_with_a_time(valid_definition: dict[str, Any]) -> None:
    defn = _with_time(valid_definition)
    defn["form"]["pages"][0]["fields"].append(
        {
            "key": "info_pagi",
            "type": "notice",
            "text": "Pagi",
            "visible_if": {"field": "jam", "in": ["08:00", "9"]},
        }
    )
    assert problems_of(defn) == [(f"{P0}/8/visible_if/in", "condition-bad-value")]
