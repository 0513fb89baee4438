"""Semantic checks on the form: identifiers, field rules, conditions and texts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from builder import conditions
from builder.fields import REGISTRY
from builder.model import (
    Definition,
    FieldRef,
    iter_fields,
    iter_officer_fields,
    iter_texts,
    pages,
    transitions,
)
from builder.pointers import join
from builder.problems import Problem, did_you_mean, problem
from builder.texts import has_indonesian

OFFICER_REFUSED = frozenset({"declaration", "group"})  # types an officer cannot be asked


def check_pages(definition: Definition) -> list[Problem]:
    """Duplicate page ids."""
    found: list[Problem] = []
    seen: set[str] = set()
    for index, page in enumerate(pages(definition)):
        page_id = page.get("id")
        if page_id in seen:
            found.append(
                problem("duplicate-page-id", join("/form/pages", index, "id"), value=page_id)
            )
        seen.add(str(page_id))
    return found


def all_fields(definition: Definition) -> list[FieldRef]:
    """The form's fields (group children included), then every transition's officer fields."""
    return [*iter_fields(definition), *iter_officer_fields(definition)]


def check_fields(definition: Definition) -> list[Problem]:
    """Duplicate keys (across the form and all transitions), nesting rules, each type's checks."""
    found: list[Problem] = []
    first: dict[str, FieldRef] = {}
    for ref in all_fields(definition):
        if ref.key in first:
            found.append(
                problem(
                    "duplicate-field-key",
                    join(ref.pointer, "key"),
                    value=ref.key,
                    other=first[ref.key].pointer,
                )
            )
        else:
            first[ref.key] = ref
        kind = REGISTRY.get(ref.type)
        if kind is None:
            continue
        if ref.is_officer and ref.type in OFFICER_REFUSED:
            found.append(problem("officer-field-type", join(ref.pointer, "type"), value=ref.type))
            continue
        many = ref.spec.get("max_files", 1)
        if ref.is_officer and ref.type == "file" and isinstance(many, int) and many > 1:
            found.append(problem("officer-max-files", join(ref.pointer, "max_files")))
        if not ref.is_officer and "applicant_sees" in ref.spec:
            found.append(problem("applicant-sees-in-form", join(ref.pointer, "applicant_sees")))
        if ref.group is not None and not kind.allowed_in_group:
            code = "nested-group" if ref.type == "group" else "unsupported-in-group"
            found.append(problem(code, join(ref.pointer, "type"), value=ref.type))
        found.extend(kind.check(ref.spec, ref.pointer))
    for index, transition in enumerate(transitions(definition)):
        if "applicant" in transition.get("roles", []) and transition.get("fields"):
            found.append(
                problem(
                    "officer-fields-applicant",
                    join("/workflow/transitions", index, "fields"),
                    value=transition.get("action"),
                )
            )
    return found


def _describe(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def check_condition(
    condition: Mapping[str, Any],
    pointer: str,
    *,
    owner: FieldRef | None,
    page_index: int,
    visible: Mapping[str, FieldRef],
    group: str | None,
    officer: Mapping[str, FieldRef] | None = None,
) -> list[Problem]:
    """Check one condition: known fields, no self reference, order, operator and value types.

    `visible` holds the fields a condition at this place may read; `group` is the group whose
    item the condition lives in (sibling fields only), or None for the top level. `officer`
    holds the officer fields of all transitions, to name them when one may not be read here.
    """
    found: list[Problem] = _check_group_tests(
        condition, pointer, page_index=page_index, visible=visible, group=group, officer=officer
    )
    everything = visible
    for leaf, leaf_pointer in conditions.leaves(condition, pointer):
        key = leaf.get("field")
        where = join(leaf_pointer, "field")
        target = everything.get(key) if isinstance(key, str) else None
        if owner is not None and key == owner.key:
            found.append(problem("condition-self", where, value=key))
            continue
        elsewhere = (officer or {}).get(key) if isinstance(key, str) else None
        if target is None and elsewhere is not None:
            found.append(
                problem("condition-officer-field", where, value=key, action=elsewhere.page_id)
            )
            continue
        if target is None:
            usable = [
                k
                for k, ref in everything.items()
                if ref.group == group and REGISTRY.get(ref.type) and REGISTRY[ref.type].has_value
            ]
            found.append(
                problem(
                    "condition-unknown-field",
                    where,
                    value=key,
                    allowed=", ".join(usable) or "-",
                    **did_you_mean(key, usable),
                )
            )
            continue
        if group is not None and target.group != group:
            found.append(problem("condition-outside-group", where, value=key))
            continue
        if group is None and target.group is not None:
            found.append(problem("condition-into-group", where, value=key))
            continue
        if target.page_index > page_index:
            found.append(problem("condition-later-field", where, value=key))
            continue
        kind = REGISTRY.get(target.type)
        if kind is None:
            continue
        if not kind.has_value:
            found.append(problem("condition-no-value", where, value=key))
            continue
        op = conditions.operator_of(leaf)
        if op is None:
            continue
        if op not in kind.operators:
            found.append(
                problem(
                    "condition-type-mismatch",
                    join(leaf_pointer, op),
                    op=op,
                    value=key,
                    type=target.type,
                    allowed=", ".join(sorted(kind.operators)) or "-",
                )
            )
            continue
        if op == "filled":
            continue
        expected = kind.condition_value(target.spec, op, leaf[op])
        if expected is not None:
            found.append(
                problem(
                    "condition-bad-value",
                    join(leaf_pointer, op),
                    given=_describe(leaf[op]),
                    value=key,
                    type=target.type,
                    expected_id=expected["id"],
                    expected_en=expected["en"],
                )
            )
    return found


def _check_group_tests(
    condition: Mapping[str, Any],
    pointer: str,
    *,
    page_index: int,
    visible: Mapping[str, FieldRef],
    group: str | None,
    officer: Mapping[str, FieldRef] | None,
) -> list[Problem]:
    """Tests of a group's items: a group the condition may read, and an inner condition on
    that group's own fields."""
    found: list[Problem] = []
    for test, test_pointer in conditions.group_tests(condition, pointer):
        key = test.get("group")
        where = join(test_pointer, "group")
        if group is not None:
            found.append(problem("group-test-in-group", where, value=key))
            continue
        target = visible.get(key) if isinstance(key, str) else None
        if target is None or target.group is not None:
            groups = [k for k, ref in visible.items() if ref.type == "group"]
            found.append(
                problem(
                    "condition-unknown-group",
                    where,
                    value=key,
                    allowed=", ".join(groups) or "-",
                    **did_you_mean(key, groups),
                )
            )
            continue
        if target.type != "group":
            found.append(problem("condition-not-a-group", where, value=key, type=target.type))
            continue
        if target.page_index > page_index:
            found.append(problem("condition-later-field", where, value=key))
            continue
        quantifier = conditions.quantifier_of(test)
        inner = test.get(quantifier) if quantifier else None
        if isinstance(inner, Mapping):
            found.extend(
                check_condition(
                    inner,
                    join(test_pointer, str(quantifier)),
                    owner=None,
                    page_index=target.page_index,
                    visible=visible,
                    group=str(key),
                    officer=officer,
                )
            )
    return found


def officer_scope(definition: Definition, transition: int) -> dict[str, FieldRef]:
    """What a condition on an officer field of `transition` may read: the top-level answers of
    the form and the other officer fields of the same transition (in any order)."""
    scope = {ref.key: ref for ref in iter_fields(definition)}
    scope.update(
        (ref.key, ref) for ref in iter_officer_fields(definition) if ref.transition == transition
    )
    return scope


def check_conditions(definition: Definition) -> list[Problem]:
    """Check every visibility condition of pages, form fields and officer fields."""
    from builder.rule_checks import computed_refs  # computed values read like fields

    refs = {**computed_refs(definition), **{ref.key: ref for ref in iter_fields(definition)}}
    officer = {ref.key: ref for ref in iter_officer_fields(definition)}
    found: list[Problem] = []
    for index, page in enumerate(pages(definition)):
        condition = page.get("visible_if")
        if isinstance(condition, Mapping):
            # A page's condition may only read fields of earlier pages.
            found.extend(
                check_condition(
                    condition,
                    join("/form/pages", index, "visible_if"),
                    owner=None,
                    page_index=index - 1,
                    visible=refs,
                    group=None,
                    officer=officer,
                )
            )
    for ref in all_fields(definition):
        condition = ref.spec.get("visible_if")
        if isinstance(condition, Mapping):
            scope = refs if ref.transition is None else officer_scope(definition, ref.transition)
            found.extend(
                check_condition(
                    condition,
                    join(ref.pointer, "visible_if"),
                    owner=ref,
                    page_index=ref.page_index,
                    visible=scope,
                    group=ref.group,
                    officer=officer,
                )
            )
    return found


def check_cycles(definition: Definition) -> list[Problem]:
    """Visibility conditions that depend on each other in a loop (officer fields included)."""
    refs = {ref.key: ref for ref in all_fields(definition)}
    edges = {
        key: sorted(conditions.referenced_fields(ref.spec.get("visible_if")) & refs.keys())
        for key, ref in refs.items()
    }
    found: list[Problem] = []
    reported: set[str] = set()
    for start in refs:
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        on_path: set[str] = set()
        while stack:
            key, index = stack.pop()
            if index == 0:
                path.append(key)
                on_path.add(key)
            children = [c for c in edges.get(key, []) if c != key]
            if index < len(children):
                stack.append((key, index + 1))
                child = children[index]
                if child == start and start not in reported and len(path) > 1:
                    reported.update(path)
                    found.append(
                        problem(
                            "condition-cycle",
                            join(refs[start].pointer, "visible_if"),
                            value=start,
                            cycle=" → ".join([*path, start]),
                        )
                    )
                elif child not in on_path and child not in reported:
                    stack.append((child, 0))
            else:
                on_path.discard(path.pop())
    return found


def check_texts(definition: Definition) -> list[Problem]:
    """Every person-facing text has a Bahasa Indonesia version."""
    return [
        problem("missing-indonesian", pointer)
        for text, pointer in iter_texts(definition)
        if isinstance(text, Mapping) and not has_indonesian(text)
    ]
