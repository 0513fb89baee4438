"""Semantic checks on the workflow: states, roles, reachability and the service standard."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from builder.form_checks import check_condition
from builder.model import (
    Definition,
    FieldRef,
    applicant_field_keys,
    is_applicant_action,
    iter_fields,
    iter_officer_fields,
    sources,
    states,
    transitions,
)
from builder.pointers import join
from builder.problems import Problem, did_you_mean, nearest, problem
from builder.sla import running_sla, state_sla

APPLICANT = "applicant"
UNFIT_TYPES = frozenset({"notice", "declaration", "group"})  # nothing the applicant sends later


def fits_applicant_action(ref: FieldRef) -> bool:
    """Whether an applicant action may ask for the field: a form field outside a group that
    holds an answer (`applicant-field-unfit` otherwise)."""
    return ref.group is None and not ref.is_officer and ref.type not in UNFIT_TYPES


def applicant_field_choices(definition: Definition) -> list[FieldRef]:
    """The form fields an applicant action may ask for, in form order."""
    return [ref for ref in iter_fields(definition) if fits_applicant_action(ref)]


def _graph(definition: Definition, *, intended: bool = False) -> dict[str, set[str]]:
    """The workflow as edges between declared states.

    With `intended`, a transition naming an unknown state is kept as the author most likely
    meant it: the nearest declared name, or any state when no name is near. The result has
    every edge of the plain graph and more, so checks run on it report only problems that
    remain once the unknown names are fixed: no follow-on errors of one typo.
    """
    edges: dict[str, set[str]] = defaultdict(set)
    declared = states(definition)

    def meant(name: Any) -> list[str]:
        if name in declared:
            return [str(name)]
        if not intended:
            return []
        close = nearest(name, declared)
        return [close] if close else list(declared)

    for transition in transitions(definition):
        targets = meant(transition.get("to"))
        for source in sources(transition):
            for origin in meant(source):
                edges[origin].update(targets)
    return edges


def _reachable(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in edges.get(stack.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def check_workflow(definition: Definition) -> list[Problem]:
    """Errors in states, transitions and roles."""
    found: list[Problem] = []
    workflow = definition.get("workflow", {})
    declared = states(definition)
    roles = definition.get("roles", {})
    if APPLICANT in roles:
        found.append(problem("reserved-role", join("/roles", APPLICANT)))
    state_list = ", ".join(declared)
    initial = workflow.get("initial")
    if initial not in declared:
        found.append(
            problem(
                "unknown-initial-state",
                "/workflow/initial",
                value=initial,
                allowed=state_list,
                **did_you_mean(initial, declared),
            )
        )
    elif declared[initial].get("final"):
        found.append(problem("initial-is-final", "/workflow/initial", value=initial))
    finals = {name for name, state in declared.items() if state.get("final")}
    if not finals:
        found.append(problem("no-final-state", "/workflow/states"))
    for name, state in declared.items():
        if state.get("final") and state.get("applicant_edits"):
            found.append(
                problem(
                    "applicant-edits-final",
                    join("/workflow/states", name, "applicant_edits"),
                    value=name,
                )
            )
    role_names = [r for r in roles if r != APPLICANT]
    found.extend(_check_escalations(declared, roles, role_names))
    found.extend(_check_time_limits(declared))
    seen_actions: set[tuple[str, str]] = set()
    used_roles: set[str] = set()
    for index, transition in enumerate(transitions(definition)):
        pointer = join("/workflow/transitions", index)
        origin = transition.get("from")
        for pos, source in enumerate(sources(transition)):
            where = (
                join(pointer, "from", pos) if isinstance(origin, list) else join(pointer, "from")
            )
            if source not in declared:
                found.append(
                    problem(
                        "unknown-state",
                        where,
                        value=source,
                        allowed=state_list,
                        **did_you_mean(source, declared),
                    )
                )
                continue
            if declared[source].get("final"):
                found.append(problem("final-state-exit", where, value=source))
            action = str(transition.get("action"))
            if (source, action) in seen_actions:
                found.append(
                    problem("duplicate-action", join(pointer, "action"), value=action, state=source)
                )
            seen_actions.add((source, action))
            roles_here = list(transition.get("roles", []))
            if (
                APPLICANT in roles_here
                and roles_here != [APPLICANT]
                and not declared[source].get("applicant_edits")
            ):
                found.append(problem("applicant-not-allowed", where, value=source))
        target = transition.get("to")
        if target not in declared:
            found.append(
                problem(
                    "unknown-state",
                    join(pointer, "to"),
                    value=target,
                    allowed=state_list,
                    **did_you_mean(target, declared),
                )
            )
        elif target in sources(transition) and not is_applicant_action(definition, transition):
            found.append(
                problem("self-transition", join(pointer, "to"), value=transition.get("action"))
            )
        for pos, role in enumerate(transition.get("roles", [])):
            if role == APPLICANT:
                continue
            used_roles.add(role)
            if role not in roles:
                found.append(
                    problem(
                        "undeclared-role",
                        join(pointer, "roles", pos),
                        value=role,
                        allowed=", ".join(role_names) or "-",
                        **did_you_mean(role, role_names),
                    )
                )
        found.extend(_check_approvals(transition, pointer))
        found.extend(_check_applicant_action(definition, transition, pointer))
        guard = transition.get("guard")
        if isinstance(guard, Mapping):
            refs = {ref.key: ref for ref in iter_fields(definition)}
            last_page = max((ref.page_index for ref in refs.values()), default=0)
            found.extend(
                check_condition(
                    guard,
                    join(pointer, "guard"),
                    owner=None,
                    page_index=last_page,
                    visible=refs,
                    group=None,
                    officer={ref.key: ref for ref in iter_officer_fields(definition)},
                )
            )
    for state in declared.values():
        escalate = state.get("escalate")
        if isinstance(escalate, Mapping):
            used_roles.add(str(escalate.get("to")))
    for role in roles:
        if role != APPLICANT and role not in used_roles:
            found.append(problem("unused-role", join("/roles", role), value=role))
    found.extend(_check_graph(definition, finals))
    found.extend(_check_follows_later(definition))
    return found


def _check_applicant_action(
    definition: Definition, transition: Mapping[str, Any], pointer: str
) -> list[Problem]:
    """An applicant action's `applicant_fields` name top-level form fields that hold an answer;
    `applicant_fields` and `confirm` belong to applicant actions only."""
    keys = transition.get("applicant_fields")
    if keys is None and "confirm" not in transition:
        return []
    action = transition.get("action")
    if not is_applicant_action(definition, transition):
        where = "applicant_fields" if keys is not None else "confirm"
        return [problem("applicant-fields-misplaced", join(pointer, where), value=action)]
    if not isinstance(keys, list):
        return []
    top = {ref.key: ref for ref in iter_fields(definition, include_children=False)}
    children = {ref.key for ref in iter_fields(definition) if ref.group is not None}
    found: list[Problem] = []
    for pos, key in enumerate(keys):
        where = join(pointer, "applicant_fields", pos)
        ref = top.get(str(key))
        if ref is None and key not in children:
            found.append(
                problem(
                    "applicant-field-unknown",
                    where,
                    value=key,
                    action=action,
                    **did_you_mean(key, list(top)),
                )
            )
        elif ref is None or not fits_applicant_action(ref):
            kind = "group" if ref is None else ref.type
            found.append(problem("applicant-field-unfit", where, value=key, kind=kind))
    return found


def _check_follows_later(definition: Definition) -> list[Problem]:
    """A file that may follow later is optional in the form and sent by an applicant action."""
    sent = {
        key
        for transition in transitions(definition)
        if is_applicant_action(definition, transition)
        for key in applicant_field_keys(transition)
    }
    found: list[Problem] = []
    for ref in iter_fields(definition):
        if ref.spec.get("follows_later") is not True:
            continue
        if ref.spec.get("required") is True:
            found.append(
                problem("follows-later-required", join(ref.pointer, "required"), value=ref.key)
            )
        if ref.group is not None or ref.key not in sent:
            found.append(
                problem(
                    "follows-later-no-action", join(ref.pointer, "follows_later"), value=ref.key
                )
            )
    return found


def _check_escalations(
    declared: Mapping[str, Mapping[str, Any]], roles: Mapping[str, Any], role_names: list[str]
) -> list[Problem]:
    """An escalation goes to a declared role and counts from a running time limit."""
    found: list[Problem] = []
    for name, state in declared.items():
        escalate = state.get("escalate")
        if not isinstance(escalate, Mapping):
            continue
        pointer = join("/workflow/states", name, "escalate")
        role = escalate.get("to")
        if role not in roles or role == APPLICANT:
            found.append(
                problem(
                    "escalate-unknown-role",
                    join(pointer, "to"),
                    value=role,
                    state=name,
                    allowed=", ".join(role_names) or "-",
                    **did_you_mean(role, role_names),
                )
            )
        if running_sla(state) is None:
            found.append(problem("escalate-without-sla", pointer, value=name))
    return found


def _check_approvals(transition: Mapping[str, Any], pointer: str) -> list[Problem]:
    """A joint approval: staff roles only, enough of them for the number required, and no
    officer fields (each approver would fill them in again)."""
    rule = transition.get("approvals")
    if not isinstance(rule, Mapping):
        return []
    found: list[Problem] = []
    action = transition.get("action")
    roles = [r for r in transition.get("roles", []) if r != APPLICANT]
    if APPLICANT in transition.get("roles", []):
        found.append(problem("approvals-applicant", join(pointer, "roles"), value=action))
    wanted = rule.get("required")
    if isinstance(wanted, int) and not isinstance(wanted, bool) and wanted > len(set(roles)):
        found.append(
            problem(
                "approvals-too-many",
                join(pointer, "approvals", "required"),
                value=action,
                required=wanted,
                roles=len(set(roles)),
            )
        )
    if transition.get("fields"):
        found.append(problem("approvals-with-fields", join(pointer, "fields"), value=action))
    return found


def _check_time_limits(declared: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """A state's time limit is written once: `sla_days` or `sla`, not both."""
    return [
        problem("sla-twice", join("/workflow/states", name, "sla"), value=name)
        for name, state in declared.items()
        if "sla" in state and "sla_days" in state
    ]


def _check_graph(definition: Definition, finals: set[str]) -> list[Problem]:
    found: list[Problem] = []
    declared = states(definition)
    initial = definition.get("workflow", {}).get("initial")
    if initial not in declared:
        return found
    edges = _graph(definition, intended=True)
    reachable = _reachable(str(initial), edges)
    for name, state in declared.items():
        pointer = join("/workflow/states", name)
        if name not in reachable:
            found.append(problem("unreachable-state", pointer, value=name))
            continue
        if state.get("final"):
            continue
        if not edges.get(name):
            found.append(problem("dead-end-state", pointer, value=name))
        elif finals and not (_reachable(name, edges) & finals):
            found.append(problem("final-unreachable", pointer, value=name))
        if state.get("applicant_edits") and not any(
            name in sources(t) and APPLICANT in t.get("roles", []) for t in transitions(definition)
        ):
            found.append(problem("applicant-state-no-exit", pointer, value=name))
    return found


def longest_sla(definition: Definition, limit: int = 100_000) -> int:
    """Working days of the longest simple path from the initial state to a final state.

    States where the case waits for the applicant do not count: the clock is paused there. A
    limit in calendar days or hours counts as the working days it can take at most.
    The search is bounded by `limit` steps; workflows are small, so it is exact in practice.
    """
    declared = states(definition)
    initial = definition.get("workflow", {}).get("initial")
    if initial not in declared:
        return 0
    edges = _graph(definition)
    best = 0
    steps = 0

    def days(name: str) -> int:
        state = declared[name]
        limit = None if state.get("applicant_edits") else state_sla(state)
        return limit.working_days_at_most if limit else 0

    stack: list[tuple[str, int, frozenset[str]]] = [
        (str(initial), days(str(initial)), frozenset({initial}))
    ]
    while stack and steps < limit:
        steps += 1
        name, total, path = stack.pop()
        if declared[name].get("final"):
            best = max(best, total)
            continue
        for nxt in edges.get(name, ()):
            if nxt not in path:
                stack.append((nxt, total + days(nxt), path | {nxt}))
    return best


def check_standard(definition: Definition) -> list[Problem]:
    """Warnings about the promised service standard and privacy."""
    found: list[Problem] = []
    declared = states(definition)
    outcomes = {state.get("final") for state in declared.values()}
    if "rejected" not in outcomes:
        found.append(problem("no-rejection-path", "/workflow/states"))
    if not any(state.get("applicant_edits") for state in declared.values()):
        found.append(problem("no-send-back-path", "/workflow/states"))
    standard: Mapping[str, Any] = definition.get("standard", {})
    duration = standard.get("duration_days")
    total = longest_sla(definition)
    if isinstance(duration, int) and total > duration:
        found.append(
            problem(
                "sla-exceeds-duration", "/standard/duration_days", total=total, duration=duration
            )
        )
    privacy: Mapping[str, Any] = definition.get("privacy", {})
    if not privacy.get("legal_basis"):
        for ref in iter_fields(definition):
            if ref.type == "nik":
                found.append(problem("nik-without-legal-basis", join(ref.pointer, "type")))
                break
    return found
