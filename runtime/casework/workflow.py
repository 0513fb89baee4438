"""The workflow engine: which actions an actor may take on a case, and what applying one does.

Plain Python over a definition and a snapshot of the case; no HTTP, no database. The caller
stores the result (state change and audit event in one transaction, with a row-version check).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from builder import conditions
from builder.model import sources
from builder.texts import Message, localise, msg
from runtime.i18n import t

APPLICANT = "applicant"
WITHDRAW = "tarik_kembali"
WITHDRAWN_STATE = "ditarik"


@dataclass(frozen=True)
class Actor:
    """Who acts: the applicant (through the private link) or a staff user with roles in the agency."""

    kind: Literal["applicant", "user"]
    user_id: int | None = None
    roles: frozenset[str] = frozenset()

    @classmethod
    def applicant(cls) -> Actor:
        """The citizen who filed the case."""
        return cls("applicant")

    @classmethod
    def user(cls, user_id: int, roles: Sequence[str]) -> Actor:
        """A staff user with their roles in the case's agency."""
        return cls("user", user_id, frozenset(roles))


@dataclass(frozen=True)
class CaseSnapshot:
    """What the engine needs to know about a case."""

    state: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    filed_by_user_id: int | None = None
    last_decided_by: int | None = None  # the staff user who took the previous decision
    # approvals given in the current stay in the state, by transition index: (role, user id)
    approvals: Mapping[int, tuple[tuple[str, int | None], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """An action available to an actor."""

    name: str
    label: Message
    to: str
    comment: str  # none | optional | required
    role: str  # the role the actor uses for it ("applicant" for the citizen)
    comment_to_applicant: bool = False
    transition: int = -1  # its index in the definition's transitions (-1: withdrawing)
    approvals: tuple[int, int] | None = None  # (given so far, required) of a joint approval


@dataclass(frozen=True)
class Outcome:
    """The result of applying an action: the new state and the audit event to record."""

    from_state: str
    to_state: str
    final: str | None
    event: dict[str, Any]
    transition: int = -1  # the index of the transition taken (-1: withdrawing)
    moves: bool = True  # False: one approval of a joint approval recorded, the state stays


class ActionRefused(Exception):
    """An action that may not be applied; `code` is stable, `message` bilingual."""

    def __init__(self, code: str, message: Message) -> None:
        super().__init__(message["en"])
        self.code = code
        self.message = message


def _states(definition: Mapping[str, Any]) -> Mapping[str, Any]:
    states: Mapping[str, Any] = definition["workflow"]["states"]
    return states


def final_outcome(definition: Mapping[str, Any], state: str) -> str | None:
    """approved / rejected / withdrawn for a final state, else None."""
    if state == WITHDRAWN_STATE and state not in _states(definition):
        return "withdrawn"
    info = _states(definition).get(state, {})
    outcome = info.get("final")
    return str(outcome) if outcome else None


def state_label(
    definition: Mapping[str, Any], state: str | None, lang: str, *, public: bool
) -> str:
    """A state's label (officers') or public label (what the applicant sees) in `lang`; never a
    raw key: the engine's own withdrawn state has its words, an unlabelled state is spelt out."""
    info = definition.get("workflow", {}).get("states", {}).get(state or "", {})
    text = info.get("public_label") if public else None
    found = localise(text or info.get("label"), lang)
    if found:
        return found
    if state == WITHDRAWN_STATE:
        return t("state_withdrawn", lang)
    return (state or "").replace("_", " ").capitalize()


def _withdraw_target(definition: Mapping[str, Any]) -> str:
    for name, info in _states(definition).items():
        if info.get("final") == "withdrawn":
            return str(name)
    return WITHDRAWN_STATE


def _label(transition: Mapping[str, Any]) -> Message:
    label = transition.get("label")
    if label:
        return {"id": localise(label, "id"), "en": localise(label, "en")}
    name = str(transition["action"]).replace("_", " ").capitalize()
    return {"id": name, "en": name}


def approval_rule(transition: Mapping[str, Any]) -> tuple[int, tuple[str, ...]] | None:
    """(approvals required, the roles that approve) of a joint approval, else None.

    ``"approvals": {"required": "all"}`` needs one approval from each staff role of the
    transition, ``{"required": k}`` from k of them; each role approves once, each person once.
    """
    rule = transition.get("approvals")
    if not isinstance(rule, Mapping):
        return None
    roles = tuple(str(r) for r in transition.get("roles", []) if r != APPLICANT)
    wanted = rule.get("required")
    required = len(roles) if wanted == "all" else int(wanted) if isinstance(wanted, int) else 0
    return max(1, min(required, len(roles))), roles


def _approving_role(
    transition: Mapping[str, Any], index: int, case: CaseSnapshot, actor: Actor
) -> str | None:
    """The role the actor approves with: one of theirs that has not approved yet (None if the
    actor already approved, or has no such role)."""
    given = case.approvals.get(index, ())
    if actor.kind != "user" or any(user == actor.user_id for _, user in given):
        return None
    done = {role for role, _ in given}
    rule = approval_rule(transition)
    roles = rule[1] if rule else ()
    return next((role for role in roles if role in actor.roles and role not in done), None)


def available_actions(
    definition: Mapping[str, Any], case: CaseSnapshot, actor: Actor
) -> list[Action]:
    """The actions `actor` may take on `case` now (empty once the case is final)."""
    if final_outcome(definition, case.state):
        return []
    actions: list[Action] = []
    for index, transition in enumerate(definition["workflow"]["transitions"]):
        if case.state not in sources(transition):
            continue
        role = _role_for(transition, case, actor)
        if role is None:
            continue
        rule = approval_rule(transition)
        if rule is not None:
            role = _approving_role(transition, index, case, actor)
            if role is None:
                continue
        if not conditions.evaluate(transition.get("guard"), case.answers):
            continue
        actions.append(
            Action(
                str(transition["action"]),
                _label(transition),
                str(transition["to"]),
                str(transition.get("comment", "none")),
                role,
                bool(transition.get("comment_to_applicant", False)),
                index,
                (len(case.approvals.get(index, ())), rule[0]) if rule else None,
            )
        )
    if actor.kind == "applicant":
        actions.append(
            Action(
                WITHDRAW,
                msg("Tarik kembali permohonan", "Withdraw the application"),
                _withdraw_target(definition),
                "optional",
                APPLICANT,
                True,
            )
        )
    return actions


def _role_for(transition: Mapping[str, Any], case: CaseSnapshot, actor: Actor) -> str | None:
    roles = transition.get("roles", [])
    if actor.kind == "applicant":
        return APPLICANT if APPLICANT in roles else None
    if actor.user_id is not None and actor.user_id == case.filed_by_user_id:
        return None  # never decide on a case you filed yourself
    if (
        transition.get("distinct_actor")
        and actor.user_id is not None
        and actor.user_id == case.last_decided_by
    ):
        return None  # separation of duties: not two consecutive decisions by the same person
    return next((role for role in roles if role != APPLICANT and role in actor.roles), None)


def apply(
    definition: Mapping[str, Any],
    case: CaseSnapshot,
    actor: Actor,
    action: str,
    comment: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Outcome:
    """Apply `action`; raise ActionRefused when the actor may not, or a required comment is missing."""
    chosen = next((a for a in available_actions(definition, case, actor) if a.name == action), None)
    if chosen is None:
        if final_outcome(definition, case.state):
            raise ActionRefused(
                "case-closed", msg("Permohonan ini sudah selesai.", "This case is closed.")
            )
        raise ActionRefused(
            "action-not-allowed",
            msg(
                "Aksi ini tidak tersedia bagi Anda pada status ini.",
                "This action is not available to you in this state.",
            ),
        )
    text = (comment or "").strip()
    if chosen.comment == "required" and not text:
        raise ActionRefused(
            "comment-required",
            msg(
                "Tuliskan alasan atau catatan untuk aksi ini.",
                "Write a reason or note for this action.",
            ),
        )
    if chosen.comment == "none":
        text = ""
    moment = now or dt.datetime.now(dt.UTC)
    event: dict[str, Any] = {
        "action": chosen.name,
        "actor_kind": actor.kind,
        "actor_user_id": actor.user_id,
        "actor_role": chosen.role,
        "from_state": case.state,
        "to_state": chosen.to,
        "comment": text or None,
        "comment_public": bool(text) and (chosen.comment_to_applicant or actor.kind == "applicant"),
        "at": moment,
    }
    if chosen.approvals is not None:
        given, required = chosen.approvals[0] + 1, chosen.approvals[1]
        event["approval"] = {"role": chosen.role, "given": given, "required": required}
        if given < required:  # recorded; the case stays until enough roles approved
            event["to_state"] = None
            event["comment_public"] = False
            return Outcome(case.state, case.state, None, event, chosen.transition, moves=False)
    if actor.kind == "user" or chosen.to != case.state:
        return Outcome(
            case.state, chosen.to, final_outcome(definition, chosen.to), event, chosen.transition
        )
    # an applicant action that stays (it sends a file while the case waits): the case stays
    # in its state and its clock runs on
    return Outcome(case.state, case.state, None, event, chosen.transition, moves=False)
