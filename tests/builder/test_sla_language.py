"""A state's time limit in other units: `"sla": {"hours": 24}`, `{"calendar_days": 3}`,
`{"working_days": 5}` (the same as `"sla_days": 5`)."""

from __future__ import annotations

from typing import Any

import pytest
from builder_testing import mutate, problems_of

from builder.sla import Sla, running_sla, state_sla
from builder.validate import validate
from builder.workflow_checks import longest_sla

S = "/workflow/states"


@pytest.mark.parametrize("unit", ["hours", "calendar_days", "working_days"])
def test_a_limit_in_one_unit_is_valid(valid_definition: dict[str, Any], unit: str) -> None:
    days = valid_definition["workflow"]["states"]["diajukan"].pop("sla_days")
    mutate(valid_definition, S + "/diajukan/sla", {unit: days * 24 if unit == "hours" else days})
    assert problems_of(valid_definition) == []


def test_sla_and_sla_days_together_are_refused(valid_definition: dict[str, Any]) -> None:
    assert "sla_days" in valid_definition["workflow"]["states"]["diajukan"]
    mutate(valid_definition, S + "/diajukan/sla", {"hours": 24})
    (found,) = validate(valid_definition)
    assert (found.pointer, found.code, found.severity) == (
        S + "/diajukan/sla",
        "sla-twice",
        "error",
    )
    assert "diajukan" in found.text("id") and '"sla_days"' in found.text("en")
    assert "calendar_days" in (found.hint_text("en") or "")


@pytest.mark.parametrize(
    ("sla", "code"),
    [
        ({}, "too-few-items"),
        ({"hours": 24, "calendar_days": 1}, "too-many-items"),
        ({"minutes": 30}, "unknown-key"),
        ({"hours": 0}, "too-small"),
        ({"hours": 8761}, None),
        ({"calendar_days": 366}, None),
        ({"hours": "24"}, "wrong-type"),
        (24, "wrong-type"),
    ],
)
def test_the_shape_is_checked(valid_definition: dict[str, Any], sla: Any, code: str | None) -> None:
    del valid_definition["workflow"]["states"]["diajukan"]["sla_days"]
    mutate(valid_definition, S + "/diajukan/sla", sla)
    found = validate(valid_definition)
    assert found and all(p.severity == "error" for p in found)
    assert all(p.pointer.startswith(S + "/diajukan/sla") for p in found)
    if code:
        assert code in [p.code for p in found]


def test_an_escalation_counts_from_a_limit_in_hours(valid_definition: dict[str, Any]) -> None:
    del valid_definition["workflow"]["states"]["diajukan"]["sla_days"]
    mutate(valid_definition, S + "/diajukan/escalate", {"after_days": 1, "to": "kepala"})
    assert problems_of(valid_definition) == [(S + "/diajukan/escalate", "escalate-without-sla")]
    mutate(valid_definition, S + "/diajukan/sla", {"hours": 24})
    assert problems_of(valid_definition) == []


def test_the_longest_route_counts_hours_and_calendar_days_at_most(
    valid_definition: dict[str, Any],
) -> None:
    declared = valid_definition["workflow"]["states"]
    before = longest_sla(valid_definition)
    days = declared["diajukan"].pop("sla_days")
    declared["diajukan"]["sla"] = {"hours": 25}  # two days started
    assert longest_sla(valid_definition) == before - days + 2
    declared["diajukan"]["sla"] = {"calendar_days": 4}
    assert longest_sla(valid_definition) == before - days + 4


def test_reading_a_state_limit() -> None:
    assert state_sla({"sla_days": 5}) == Sla("working_days", 5)
    assert state_sla({"sla": {"hours": 24}}) == Sla("hours", 24)
    assert state_sla({"sla": {"calendar_days": 3}}) == Sla("calendar_days", 3)
    assert state_sla({"sla_days": 0}) is None and state_sla({}) is None
    assert running_sla({"sla": {"hours": 2}, "applicant_edits": True}) is None
    assert running_sla({"sla_days": 2, "final": "approved"}) is None
    assert Sla("hours", 24).text("id") == "24 jam"
    assert Sla("calendar_days", 3).text("id") == "3 hari kalender"
    assert Sla("calendar_days", 1).text("en") == "1 calendar day"
    assert Sla("working_days", 5).text("en") == "5 working days"
