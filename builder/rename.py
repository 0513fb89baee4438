"""Renaming a computed value or a shared option list, for the studio (see `builder.edit`).

A rename gives the item its new name where it is declared and rewrites every reference to it,
in the places where the validator reads the name as that item:

- a computed value is read as `{"computed": name}` in the operands of computed values and rules
  (`builder.computed`, `builder.rules`), and as `{"field": name}` in the field tests of the
  conditions that may read it (`builder.form_checks.check_conditions`,
  `builder.exit_checks.check_exits`): pages' and form fields' `visible_if` and exits' `when`.
  Transition guards, officer fields' conditions, the inner conditions of group tests and of
  `exactly_one` read fields only, and documents print fields only, so they are left as written;
- a shared option list is read by the `options_from` of choice fields (form fields, group
  children, officer fields: `builder.option_lists`). A field's `filter_by` names a field, not a
  list.

The item keeps its place among the others. A new name that is not a valid key, or that is taken
(another item of the same kind; for a computed value, a field's key too, since conditions read
both by name) is refused with `EditError`, and nothing changes. Like every edit, a rename
returns a new dict.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from builder import computed, conditions, rules
from builder.edit import Definition, EditError, _check_key
from builder.edit_rules import _all_computed, _computed, _list, _lists
from builder.form_checks import all_fields
from builder.model import iter_fields, pages


def _renamed_key(found: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """The mapping with `old` renamed `new`, in the same place."""
    return {new if key == old else key: value for key, value in found.items()}


def _computed_operands(expression: Any) -> Iterator[dict[str, Any]]:
    """Every `{"computed": name}` operand of an expression, sub-expressions too."""
    if computed.kind_of(expression) == "computed" and isinstance(expression, dict):
        yield expression
    for child in computed.children(expression):
        yield from _computed_operands(child)


def _computed_readers(definition: Definition) -> Iterator[dict[str, Any]]:
    """Every `{"computed": name}` operand of the computed values and the rules."""
    form = definition.get("form")
    if not isinstance(form, Mapping):
        return
    named = form.get("computed")
    for expression in named.values() if isinstance(named, Mapping) else []:
        yield from _computed_operands(expression)
    listed = form.get("rules")
    for rule in listed if isinstance(listed, list) else []:
        if isinstance(rule, Mapping):
            for _, operand in rules.operands(rule):
                yield from _computed_operands(operand)


def _conditions_reading_computed(definition: Definition) -> Iterator[Mapping[str, Any]]:
    """The conditions that may read a computed value: pages', form fields' and exits'."""
    for page in pages(definition):
        if isinstance(page, Mapping):
            yield page.get("visible_if") or {}
            for spec in page.get("exits") or []:
                if isinstance(spec, Mapping):
                    yield spec.get("when") or {}
    for ref in iter_fields(definition):
        yield ref.spec.get("visible_if") or {}
    form = definition.get("form")
    for spec in (form.get("exits") or []) if isinstance(form, Mapping) else []:
        if isinstance(spec, Mapping):
            yield spec.get("when") or {}


def computed_uses(definition: Definition, name: str) -> list[dict[str, Any]]:
    """The parts of `definition` that read the computed value `name`: its operands and the
    field tests of conditions (each the dict itself, so a rename can rewrite it)."""
    found = [operand for operand in _computed_readers(definition) if operand["computed"] == name]
    for condition in _conditions_reading_computed(definition):
        if isinstance(condition, Mapping):
            for leaf, _ in conditions.leaves(condition):
                if leaf.get("field") == name and isinstance(leaf, dict):
                    found.append(leaf)
    return found


def list_uses(definition: Definition, name: str) -> list[dict[str, Any]]:
    """The field specs that take the shared option list `name` (`options_from`)."""
    return [
        ref.spec
        for ref in all_fields(definition)
        if isinstance(ref.spec, dict) and ref.spec.get("options_from") == name
    ]


def rename_computed(definition: Definition, name: str, new_name: str) -> Definition:
    """Rename the computed value `name` to `new_name` and every reference to it."""
    result = copy.deepcopy(definition)
    _computed(result, name)
    new = _check_key(new_name, "new_name")
    if new == name:
        return result
    if new in _all_computed(result):
        raise EditError(
            f"Nilai hitungan '{new}' sudah ada; pilih nama lain.",
            f"The computed value '{new}' exists; choose another name.",
        )
    if any(ref.key == new for ref in all_fields(result)):
        raise EditError(
            f"'{new}' sudah dipakai sebagai kunci isian; syarat membaca isian dan nilai hitungan"
            " dengan nama yang sama, jadi pilih nama lain.",
            f"'{new}' is a field's key; conditions read fields and computed values by the same"
            " names, so choose another name.",
        )
    for use in computed_uses(result, name):
        use["computed" if "computed" in use else "field"] = new
    form = result["form"]
    form["computed"] = _renamed_key(_all_computed(result), name, new)
    return result


def rename_option_list(definition: Definition, name: str, new_name: str) -> Definition:
    """Rename the shared option list `name` to `new_name` and every field that takes it."""
    result = copy.deepcopy(definition)
    _list(result, name)
    new = _check_key(new_name, "new_name")
    if new == name:
        return result
    if new in _lists(result):
        raise EditError(
            f"Daftar pilihan '{new}' sudah ada; pilih nama lain.",
            f"The option list '{new}' exists; choose another name.",
        )
    for spec in list_uses(result, name):
        spec["options_from"] = new
    result["option_lists"] = _renamed_key(_lists(result), name, new)
    return result
