"""The language of joint approval: `"approvals": {"required": "all" | k}` on a transition."""

from __future__ import annotations

from typing import Any

import pytest
from builder_testing import mutate, problems_of

from builder.validate import validate


def approving(definition: dict[str, Any]) -> str:
    """The pointer of the valid definition's first transition taken by two staff roles."""
    for index, move in enumerate(definition["workflow"]["transitions"]):
        staff = [r for r in move["roles"] if r != "applicant"]
        if len(staff) >= 2 and "applicant" not in move["roles"] and not move.get("fields"):
            return f"/workflow/transitions/{index}"
    raise AssertionError("no transition with two staff roles")


@pytest.mark.parametrize("required", ["all", 1, 2])
def test_a_joint_approval_is_valid(valid_definition: dict[str, Any], required: Any) -> None:
    mutate(valid_definition, approving(valid_definition) + "/approvals", {"required": required})
    assert problems_of(valid_definition) == []


def test_more_approvals_than_roles_are_refused(valid_definition: dict[str, Any]) -> None:
    pointer = approving(valid_definition)
    mutate(valid_definition, pointer + "/approvals", {"required": 3})
    (found,) = validate(valid_definition)
    assert (found.pointer, found.code) == (pointer + "/approvals/required", "approvals-too-many")
    assert "3" in found.text("en") and "2" in found.text("en")


def test_the_applicant_cannot_join_an_approval(valid_definition: dict[str, Any]) -> None:
    moves = valid_definition["workflow"]["transitions"]
    index = next(i for i, m in enumerate(moves) if "applicant" in m["roles"])
    mutate(valid_definition, f"/workflow/transitions/{index}/approvals", {"required": 1})
    assert (f"/workflow/transitions/{index}/roles", "approvals-applicant") in problems_of(
        valid_definition
    )


def test_officer_fields_and_joint_approval_do_not_mix(valid_definition: dict[str, Any]) -> None:
    pointer = approving(valid_definition)
    mutate(valid_definition, pointer + "/approvals", {"required": "all"})
    mutate(
        valid_definition,
        pointer + "/fields",
        [{"key": "catatan_setuju", "type": "text", "label": "Catatan"}],
    )
    assert (pointer + "/fields", "approvals-with-fields") in problems_of(valid_definition)


@pytest.mark.parametrize(
    "value", [{"required": 0}, {"required": "most"}, {}, {"required": 2, "x": 1}]
)
def test_the_shape_is_checked(valid_definition: dict[str, Any], value: dict[str, Any]) -> None:
    pointer = approving(valid_definition)
    mutate(valid_definition, pointer + "/approvals", value)
    found = validate(valid_definition)
    assert found and all(p.severity == "error" for p in found)
    assert all(p.pointer.startswith(pointer + "/approvals") for p in found)
