"""Shared option lists and dependent options.

A definition may declare option lists once, at the top (`"option_lists": {"sekolah": [...]}`),
and a choice or multichoice field may take its options from one (`"options_from": "sekolah"`)
instead of listing them. An option may carry a `group`; a field with `"filter_by": "<key>"`
offers only the options whose group matches the answer of that other field (a choice: the same
value; a region: the area's code or an area above it), plus the options without a group.

The compiler expands the lists (`expand`), so the runtime sees ordinary `options`; the filter
is checked for the web form and the JSON API alike (`filter_errors`), and the full submission
schema states it too (`schema_rules`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

from builder import regions
from builder.form_checks import all_fields
from builder.model import FieldRef
from builder.pointers import join
from builder.problems import Problem, did_you_mean, problem

LISTS = "option_lists"
FILTER_TYPES = frozenset({"choice", "region"})
_CHOICES = frozenset({"choice", "multichoice"})


def declared(definition: Mapping[str, Any]) -> Mapping[str, list[Mapping[str, Any]]]:
    """The definition's option lists by name (empty without any)."""
    lists = definition.get(LISTS)
    return lists if isinstance(lists, Mapping) else {}


def _field_lists(definition: Mapping[str, Any]) -> Iterator[list[Any]]:
    """Every list of field specs in the definition (pages, groups, officer fields)."""
    form = definition.get("form")
    pages = form.get("pages", []) if isinstance(form, Mapping) else []
    stack: list[list[Any]] = [
        p["fields"] for p in pages if isinstance(p, Mapping) and "fields" in p
    ]
    workflow = definition.get("workflow")
    moves = workflow.get("transitions", []) if isinstance(workflow, Mapping) else []
    stack.extend(m["fields"] for m in moves if isinstance(m, Mapping) and "fields" in m)
    while stack:
        specs = stack.pop()
        if not isinstance(specs, list):
            continue
        yield specs
        stack.extend(s["fields"] for s in specs if isinstance(s, Mapping) and "fields" in s)


def expand(definition: Mapping[str, Any]) -> Mapping[str, Any]:
    """The definition with every `options_from` of a known list turned into `options` (the
    `options_from` name stays, for the review diff); the same object when nothing refers to a
    list."""
    lists = declared(definition)
    if not lists:
        return definition
    result = copy.deepcopy(dict(definition))
    for specs in _field_lists(result):
        for spec in specs:
            name = spec.get("options_from") if isinstance(spec, dict) else None
            if isinstance(name, str) and name in lists and "options" not in spec:
                spec["options"] = copy.deepcopy(list(lists[name]))
    return result


# -- at run time ------------------------------------------------------------------------------


def group_matches(group: str, answer: Any, filter_type: str) -> bool:
    """Whether an option's group fits the filter field's answer."""
    if filter_type == "region":
        code = answer.get("code") if isinstance(answer, Mapping) else answer
        return isinstance(code, str) and (code == group or code.startswith(group + "."))
    return isinstance(answer, str) and answer == group


def offered(spec: Mapping[str, Any], answer: Any, filter_type: str) -> list[str]:
    """The option values a dependent field offers for the filter field's answer: the options
    without a group, and those whose group matches (only the former while unanswered)."""
    return [
        str(o.get("value"))
        for o in spec.get("options", [])
        if "group" not in o or group_matches(str(o["group"]), answer, filter_type)
    ]


def filtered(
    spec: Mapping[str, Any], answers: Mapping[str, Any], types: Mapping[str, str]
) -> list[str] | None:
    """The values offered given all answers, or None when the field is not filtered."""
    source = spec.get("filter_by")
    if not isinstance(source, str) or source not in types:
        return None
    return offered(spec, answers.get(source), types[source])


def outside(value: Any, allowed: list[str]) -> list[int | None]:
    """Where a choice answer leaves the allowed set: None for a single choice, the item
    indices of a multichoice."""
    if isinstance(value, list):
        return [i for i, v in enumerate(value) if v not in allowed]
    return [None] if value is not None and value not in allowed else []


def _group_pattern(group: str) -> str:
    return "^" + re.escape(group) + r"(\.|$)"


def schema_rules(
    key: str, spec: Mapping[str, Any], filter_key: str, filter_type: str
) -> list[dict[str, Any]]:
    """JSON Schema rules for one dependent field: each grouped option may be chosen only when
    the filter field's answer matches its group."""
    rules: list[dict[str, Any]] = []
    many = spec.get("type") == "multichoice"
    for option in spec.get("options", []):
        if "group" not in option:
            continue
        value, group = str(option["value"]), str(option["group"])
        chosen = {"contains": {"const": value}} if many else {"const": value}
        match: dict[str, Any] = (
            {"properties": {"code": {"pattern": _group_pattern(group)}}, "required": ["code"]}
            if filter_type == "region"
            else {"const": group}
        )
        rules.append(
            {
                "if": {"properties": {key: chosen}, "required": [key]},
                "then": {"properties": {filter_key: match}, "required": [filter_key]},
            }
        )
    return rules


# -- builder checks ---------------------------------------------------------------------------


def _possible_answers(ref: FieldRef, lists: Mapping[str, Any]) -> list[str] | None:
    """The values a choice filter field can take (None when unknown)."""
    options = ref.spec.get("options")
    if options is None:
        options = lists.get(str(ref.spec.get("options_from")))
    if not isinstance(options, list):
        return None
    return [str(o.get("value")) for o in options if isinstance(o, Mapping)]


def _region_fits(group: str, spec: Mapping[str, Any]) -> bool:
    """Whether some answer of a region field can lie in the area `group`."""
    if not regions.exists(group):
        return False
    level = str(spec.get("level", "village"))
    if regions.LEVELS.index(regions.level_of(group) or "village") > regions.LEVELS.index(level):
        return False
    within = str(spec.get("within") or "")
    return (
        not within
        or regions.is_within(group, within)
        or regions.is_within(within, group)
        or (group == within)
    )


def _check_lists(definition: Mapping[str, Any], used: set[str]) -> list[Problem]:
    found: list[Problem] = []
    for name, options in declared(definition).items():
        where = join("/" + LISTS, name)
        if name not in used:
            found.append(problem("option-list-unused", where, name=name))
        seen: set[str] = set()
        for index, option in enumerate(options if isinstance(options, list) else []):
            value = option.get("value") if isinstance(option, Mapping) else None
            if value in seen:
                found.append(problem("duplicate-option", join(where, index, "value"), value=value))
            if isinstance(value, str):
                seen.add(value)
    return found


def _check_filter(
    ref: FieldRef, top: Mapping[str, FieldRef], lists: Mapping[str, Any]
) -> list[Problem]:
    source = str(ref.spec["filter_by"])
    where = join(ref.pointer, "filter_by")
    if ref.is_officer or ref.group is not None:
        return [problem("filter-not-here", where, key=ref.key)]
    other = top.get(source)
    if other is None or other.is_officer or other.group is not None:
        return [problem("filter-unknown-field", where, value=source, **did_you_mean(source, top))]
    if other.key == ref.key:
        return [problem("filter-self", where, key=ref.key)]
    if other.page_index > ref.page_index:
        return [problem("filter-later-field", where, value=source, page=other.page_id)]
    if other.type not in FILTER_TYPES:
        return [problem("filter-field-type", where, value=source, type=other.type)]
    options = ref.spec.get("options")
    pointer = join(ref.pointer, "options")
    if options is None and isinstance(ref.spec.get("options_from"), str):
        if ref.spec["options_from"] not in lists:
            return []  # the unknown list is reported
        options = lists[str(ref.spec["options_from"])]
        pointer = join("/" + LISTS, str(ref.spec["options_from"]))
    options = options if isinstance(options, list) else []
    if not any(isinstance(o, Mapping) and "group" in o for o in options):
        return [problem("filter-without-groups", where, key=ref.key)]
    possible = _possible_answers(other, lists) if other.type == "choice" else None
    found: list[Problem] = []
    for index, option in enumerate(options):
        if not isinstance(option, Mapping) or "group" not in option:
            continue
        group = str(option["group"])
        fits = group in possible if possible is not None else _region_fits(group, other.spec)
        if other.type == "choice" and possible is None:
            fits = True
        if not fits:
            found.append(
                problem(
                    "option-group-unmatched",
                    join(pointer, index, "group"),
                    group=group,
                    field=source,
                )
            )
    return found


def check_option_lists(definition: Mapping[str, Any]) -> list[Problem]:
    """Option lists and filters: known and used lists, one source of options per field,
    filters on an earlier (or the same) page's choice or region field, groups that can match."""
    lists = declared(definition)
    refs = list(all_fields(definition))
    top = {r.key: r for r in refs if not r.is_officer and r.group is None}
    used: set[str] = set()
    found: list[Problem] = []
    for ref in refs:
        if ref.type not in _CHOICES:
            continue
        name = ref.spec.get("options_from")
        if isinstance(name, str):
            used.add(name)
            if "options" in ref.spec:
                found.append(problem("options-and-options-from", join(ref.pointer, "options_from")))
            elif name not in lists:
                found.append(
                    problem(
                        "option-list-unknown",
                        join(ref.pointer, "options_from"),
                        name=name,
                        known=", ".join(lists) or "-",
                        **did_you_mean(name, lists),
                    )
                )
        if isinstance(ref.spec.get("filter_by"), str):
            found.extend(_check_filter(ref, top, lists))
    found.extend(_check_lists(definition, used))
    return found
