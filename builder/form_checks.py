"""Semantic checks on the form: identifiers, field rules, conditions and texts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from builder import conditions
from builder.fields import REGISTRY
from builder.model import Definition, FieldRef, iter_fields, iter_texts, pages
from builder.pointers import join
from builder.problems import Problem, did_you_mean, problem
from builder.texts import has_indonesian


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


def check_fields(definition: Definition) -> list[Problem]:
    """Duplicate keys, nesting rules and each type's own checks."""
    found: list[Problem] = []
    first: dict[str, FieldRef] = {}
    for ref in iter_fields(definition):
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
        if ref.group is not None and not kind.allowed_in_group:
            code = "nested-group" if ref.type == "group" else "unsupported-in-group"
            found.append(problem(code, join(ref.pointer, "type"), value=ref.type))
        found.extend(kind.check(ref.spec, ref.pointer))
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
) -> list[Problem]:
    """Check one condition: known fields, no self reference, order, operator and value types.

    `visible` holds the fields a condition at this place may read; `group` is the group whose
    item the condition lives in (sibling fields only), or None for the top level.
    """
    found: list[Problem] = []
    everything = visible
    for leaf, leaf_pointer in conditions.leaves(condition, pointer):
        key = leaf.get("field")
        where = join(leaf_pointer, "field")
        target = everything.get(key) if isinstance(key, str) else None
        if owner is not None and key == owner.key:
            found.append(problem("condition-self", where, value=key))
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


def check_conditions(definition: Definition) -> list[Problem]:
    """Check every visibility condition of pages and fields."""
    refs = {ref.key: ref for ref in iter_fields(definition)}
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
                )
            )
    for ref in iter_fields(definition):
        condition = ref.spec.get("visible_if")
        if isinstance(condition, Mapping):
            found.extend(
                check_condition(
                    condition,
                    join(ref.pointer, "visible_if"),
                    owner=ref,
                    page_index=ref.page_index,
                    visible=refs,
                    group=ref.group,
                )
            )
    return found


def check_cycles(definition: Definition) -> list[Problem]:
    """Visibility conditions that depend on each other in a loop."""
    refs = {ref.key: ref for ref in iter_fields(definition)}
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
