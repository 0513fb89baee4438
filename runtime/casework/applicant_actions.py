"""Applicant actions (language 1.1): what the citizen may do on their case while it waits in a
state, outside a correction — confirm something, send a file that was allowed to follow later.

An applicant action is a transition the applicant alone takes (`roles` ["applicant"]) from a
state without `applicant_edits` (`builder.model.is_applicant_action`). It may ask for form
fields (`applicant_fields`, compiled as `CompiledService.applicant_form`) and a statement the
applicant ticks (`confirm`). Plain Python over a definition and a case snapshot; the engine
(`cases.apply_transition(sent=...)`) checks the fields again and records the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder.compiler import CompiledService
from builder.model import is_applicant_action
from runtime.casework.workflow import Action, Actor, CaseSnapshot, available_actions

CONFIRMED = "ya"  # the value of the ticked statement


@dataclass(frozen=True)
class ApplicantAction:
    """An applicant action available now, with the fields it asks for and its statement."""

    action: Action
    form: CompiledService | None
    confirm: Any  # a text of the definition, or None

    @property
    def name(self) -> str:
        """The action's name (its transition's `action`)."""
        return self.action.name


def offered(
    definition: Mapping[str, Any], compiled: CompiledService, case: CaseSnapshot
) -> list[ApplicantAction]:
    """The applicant actions the case's applicant may take now (none once the case is final;
    neither withdrawing nor resubmitting a correction, which have their own buttons)."""
    moves = definition.get("workflow", {}).get("transitions", [])
    found = []
    for action in available_actions(definition, case, Actor.applicant()):
        move = moves[action.transition] if 0 <= action.transition < len(moves) else None
        if move is None or not is_applicant_action(definition, move):
            continue
        found.append(
            ApplicantAction(action, compiled.applicant_form(action.transition), move.get("confirm"))
        )
    return found


def find(
    definition: Mapping[str, Any], compiled: CompiledService, case: CaseSnapshot, name: str
) -> ApplicantAction | None:
    """The applicant action called `name`, if the applicant may take it now."""
    return next((a for a in offered(definition, compiled, case) if a.name == name), None)
