"""The language of escalations: `"escalate": {"after_days": N, "to": "<role>"}` on a state."""

from __future__ import annotations

from typing import Any

import pytest
from builder_testing import mutate, problems_of

from builder.validate import validate

S = "/workflow/states"


def test_an_escalation_on_a_state_with_a_time_limit_is_valid(
    valid_definition: dict[str, Any],
) -> None:
    mutate(valid_definition, S + "/diverifikasi/escalate", {"after_days": 3, "to": "kepala"})
    assert problems_of(valid_definition) == []


def test_a_role_used_only_for_escalations_is_not_unused(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, "/roles/kadis", "Kepala Dinas")
    assert problems_of(valid_definition) == [("/roles/kadis", "unused-role")]
    mutate(valid_definition, S + "/diajukan/escalate", {"after_days": 2, "to": "kadis"})
    assert problems_of(valid_definition) == []


def test_an_undeclared_role_is_named_with_a_guess(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, S + "/diajukan/escalate", {"after_days": 2, "to": "kepla"})
    (found,) = validate(valid_definition)
    assert (found.pointer, found.code) == (S + "/diajukan/escalate/to", "escalate-unknown-role")
    assert (found.hint_text("en") or "").startswith("Did you mean 'kepala'? ")
    assert (found.hint_text("id") or "").startswith("Maksud Anda 'kepala'? ")
    assert "diajukan" in found.text("id")


def test_the_applicant_cannot_be_the_escalation_role(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, S + "/diajukan/escalate", {"after_days": 2, "to": "applicant"})
    assert problems_of(valid_definition) == [(S + "/diajukan/escalate/to", "escalate-unknown-role")]


@pytest.mark.parametrize(
    ("state", "change"),
    [
        ("selesai", {}),  # final
        ("perlu_perbaikan", {}),  # the applicant edits: the clock is paused
        ("diajukan", {"sla_days": 0}),  # no time limit
    ],
)
def test_an_escalation_needs_a_running_time_limit(
    valid_definition: dict[str, Any], state: str, change: dict[str, Any]
) -> None:
    for key, value in change.items():
        mutate(valid_definition, f"{S}/{state}/{key}", value)
    mutate(valid_definition, f"{S}/{state}/escalate", {"after_days": 2, "to": "kepala"})
    assert problems_of(valid_definition) == [(f"{S}/{state}/escalate", "escalate-without-sla")]


def test_a_state_without_sla_days_cannot_escalate(valid_definition: dict[str, Any]) -> None:
    del valid_definition["workflow"]["states"]["diajukan"]["sla_days"]
    mutate(valid_definition, S + "/diajukan/escalate", {"after_days": 2, "to": "kepala"})
    assert problems_of(valid_definition) == [(S + "/diajukan/escalate", "escalate-without-sla")]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"after_days": 0, "to": "kepala"}, "too-small"),
        ({"after_days": 366, "to": "kepala"}, None),
        ({"after_days": "3", "to": "kepala"}, "wrong-type"),
        ({"to": "kepala"}, "missing-key"),
        ({"after_days": 3, "to": "kepala", "cc": "petugas"}, "unknown-key"),
    ],
)
def test_the_shape_is_checked(
    valid_definition: dict[str, Any], value: dict[str, Any], code: str | None
) -> None:
    mutate(valid_definition, S + "/diajukan/escalate", value)
    found = validate(valid_definition)
    assert found and all(p.severity == "error" for p in found)
    if code:
        assert code in [p.code for p in found]
