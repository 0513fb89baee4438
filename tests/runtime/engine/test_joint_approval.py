"""Joint approval in the engine: `"approvals": {"required": "all" | k}` on a transition."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from runtime.casework.workflow import ActionRefused, Actor, CaseSnapshot, apply, available_actions

EXAMPLE = Path(__file__).parents[3] / "schemas" / "examples" / "surat-keterangan-domisili.json"


def joint(required: Any, roles: list[str]) -> dict[str, Any]:
    definition = json.loads(EXAMPLE.read_text())
    definition = copy.deepcopy(definition)
    move = next(t for t in definition["workflow"]["transitions"] if t["action"] == "setujui")
    move["roles"] = roles
    move["approvals"] = {"required": required}
    return definition


def names(definition: dict[str, Any], case: CaseSnapshot, actor: Actor) -> set[str]:
    return {a.name for a in available_actions(definition, case, actor)}


def test_all_roles_must_approve_each_recorded() -> None:
    definition = joint("all", ["kepala", "sekretaris"])
    case = CaseSnapshot("diverifikasi", last_decided_by=1)
    kepala, sekretaris = Actor.user(2, ["kepala"]), Actor.user(3, ["sekretaris"])
    first = apply(definition, case, kepala, "setujui")
    assert not first.moves and first.to_state == "diverifikasi" and first.final is None
    assert first.event["to_state"] is None
    assert first.event["approval"] == {"role": "kepala", "given": 1, "required": 2}
    after = CaseSnapshot(
        "diverifikasi", last_decided_by=1, approvals={first.transition: (("kepala", 2),)}
    )
    assert "setujui" not in names(definition, after, kepala)  # a role approves once
    with pytest.raises(ActionRefused):
        apply(definition, after, kepala, "setujui")
    second = apply(definition, after, sekretaris, "setujui")
    assert second.moves and second.to_state == "selesai" and second.final == "approved"
    assert second.event["approval"] == {"role": "sekretaris", "given": 2, "required": 2}


def test_k_of_n_and_one_person_counts_once() -> None:
    definition = joint(2, ["kepala", "sekretaris", "kadis"])
    both = Actor.user(2, ["kepala", "sekretaris"])
    case = CaseSnapshot("diverifikasi", last_decided_by=1)
    first = apply(definition, case, both, "setujui")
    assert not first.moves and first.event["approval"]["role"] == "kepala"
    after = CaseSnapshot(
        "diverifikasi", last_decided_by=1, approvals={first.transition: (("kepala", 2),)}
    )
    assert "setujui" not in names(definition, after, both)  # the same person, another role
    done = apply(definition, after, Actor.user(4, ["kadis"]), "setujui")
    assert done.moves and done.to_state == "selesai"


def test_without_approvals_nothing_changes() -> None:
    definition = json.loads(EXAMPLE.read_text())
    outcome = apply(
        definition,
        CaseSnapshot("diverifikasi", last_decided_by=1),
        Actor.user(2, ["kepala"]),
        "setujui",
    )
    assert outcome.moves and outcome.to_state == "selesai" and "approval" not in outcome.event
