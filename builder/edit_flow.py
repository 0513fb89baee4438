"""Editing the flow of a service one step at a time, for the studio (see `builder.edit`): exit
pages, a state's time limit in its unit, a transition's joint approval, conditions that look
into a repeatable group, and what an applicant action asks of the citizen.

Like every edit, these return a new dict, change only what they name, and leave the meaning to
the validator, whose problems the studio shows next to the item (`/form/pages/<n>/exits/<m>`,
`/form/exits/<m>`, `/workflow/states/<name>`, `/workflow/transitions/<n>`). What cannot be
written at all raises `EditError` and nothing changes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from builder.conditions import OPERATORS, QUANTIFIERS
from builder.edit import (
    Definition,
    EditError,
    Values,
    _check_key,
    _fresh,
    _number,
    _pages,
    _set,
    _states,
    _text_into,
    _transition,
    condition_holder,
    condition_value,
    in_order,
    names,
    slug_key,
    text_parts,
)
from builder.pointers import split
from builder.sla import UNITS

# -- exit pages ----------------------------------------------------------------------------------

EXIT_NAMES = (
    "id",
    "title.id",
    "title.en",
    "text.id",
    "text.en",
    "link.url",
    "link.label.id",
    "link.label.en",
)


def _exit_list(definition: Definition, at: str, *, create: bool) -> list[Any]:
    """The exits of the page at `/form/pages/<n>` or of the form (`/form`)."""
    parts = split(at)
    if parts == ["form"]:
        holder = definition.setdefault("form", {})
        if not isinstance(holder, dict):
            raise EditError("Formulir tidak dapat dibaca.", "The form cannot be read.")
    elif len(parts) == 3 and parts[:2] == ["form", "pages"] and parts[2].isdigit():
        pages = _pages(definition)
        index = int(parts[2])
        if not 0 <= index < len(pages) or not isinstance(pages[index], dict):
            raise EditError(f"Halaman {index} tidak ada.", f"There is no page {index}.")
        holder = pages[index]
    else:
        raise EditError(
            f"'{at}' bukan halaman atau formulir.", f"'{at}' is neither a page nor the form."
        )
    found = holder.get("exits")
    if not isinstance(found, list):
        found = []
        if create:
            holder["exits"] = found
    return found


def _all_exit_ids(definition: Definition) -> set[str]:
    form = definition.get("form")
    lists = [form.get("exits")] if isinstance(form, Mapping) else []
    lists += [p.get("exits") for p in _pages(definition) if isinstance(p, Mapping)]
    return {
        str(spec.get("id"))
        for found in lists
        if isinstance(found, list)
        for spec in found
        if isinstance(spec, Mapping)
    }


def exit_at(definition: Definition, pointer: str) -> dict[str, Any]:
    """The exit at `/form/pages/<n>/exits/<m>` or `/form/exits/<m>`."""
    holder, _, position = pointer.rpartition("/exits/")
    found = _exit_list(definition, holder or "-", create=False) if position.isdigit() else []
    index = int(position) if position.isdigit() else -1
    if not 0 <= index < len(found) or not isinstance(found[index], dict):
        raise EditError(f"Halaman keluar '{pointer}' tidak ada.", f"There is no exit '{pointer}'.")
    spec: dict[str, Any] = found[index]
    return spec


def add_exit(definition: Definition, at: str, values: Values) -> Definition:
    """Add an exit to the page at `at` (`/form/pages/<n>`) or to the form (`/form`), from its
    `title` (its id derived from it unless `id` is given) and `text`. Its condition (`when`) is
    set afterwards with `set_condition`; until then the validator reports it missing."""
    result = copy.deepcopy(definition)
    found = _exit_list(result, at, create=True)
    title = values.get("title", "").strip()
    taken = _all_exit_ids(result)
    if values.get("id", "").strip():
        exit_id = _check_key(values["id"], "id")
        if exit_id in taken:
            raise EditError(
                f"Halaman keluar '{exit_id}' sudah ada.", f"The exit '{exit_id}' exists."
            )
    else:
        exit_id = _fresh(slug_key(title, "keluar"), taken)
    spec: dict[str, Any] = {"id": exit_id}
    _set(spec, "title", title)
    _set(spec, "text", values.get("text", "").strip())
    found.append(spec)
    return result


def set_exit(definition: Definition, pointer: str, values: Values) -> Definition:
    """Set an exit's `id`, `title.*`, `text.*`, `link.url` and `link.label.*` (present keys
    only); an empty address and label remove the link."""
    result = copy.deepcopy(definition)
    spec = exit_at(result, pointer)
    if "id" in values and values["id"].strip() != spec.get("id"):
        exit_id = _check_key(values["id"], "id")
        if exit_id in _all_exit_ids(result):
            raise EditError(
                f"Halaman keluar '{exit_id}' sudah ada.", f"The exit '{exit_id}' exists."
            )
        spec["id"] = exit_id
    _text_into(spec, "title", values)
    _text_into(spec, "text", values)
    link = spec.get("link")
    link = dict(link) if isinstance(link, Mapping) else {}
    if "link.url" in values:
        _set(link, "url", values["link.url"].strip())
    _text_into(link, "label", values, "link.label")
    _set(spec, "link", link or None)
    return result


def remove_exit(definition: Definition, pointer: str) -> Definition:
    """Remove an exit (and the empty list it leaves)."""
    result = copy.deepcopy(definition)
    exit_at(result, pointer)
    holder, _, position = pointer.rpartition("/exits/")
    found = _exit_list(result, holder, create=False)
    del found[int(position)]
    if not found:
        owner = result["form"] if holder == "/form" else _pages(result)[int(split(holder)[2])]
        owner.pop("exits", None)
    return result


# -- a state's time limit ------------------------------------------------------------------------


def sla_parts(state: Mapping[str, Any]) -> tuple[str, str]:
    """A state's time limit as (unit, number) for the edit form: ('working_days', '') when none."""
    declared = state.get("sla")
    if isinstance(declared, Mapping) and declared:
        unit = next((u for u in UNITS if u in declared), next(iter(declared)))
        return str(unit), str(declared[unit])
    days = state.get("sla_days")
    return "working_days", "" if days is None else str(days)


def set_sla(definition: Definition, name: str, unit: str, amount: str) -> Definition:
    """Set a state's time limit to `amount` of `unit` (`working_days`, `calendar_days`, `hours`).

    Working days are written as `sla_days` (unless the state already wrote them in `sla`), other
    units as `sla`; never both. An empty amount removes the time limit.
    """
    result = copy.deepcopy(definition)
    state = _states(result).get(name)
    if not isinstance(state, dict):
        raise EditError(f"Status '{name}' tidak ada.", f"There is no state '{name}'.")
    unit = unit.strip() or "working_days"
    if unit not in UNITS:
        raise EditError(f"Satuan '{unit}' tidak dikenal.", f"Unknown unit '{unit}'.")
    number = _number(amount, "sla", integer=True)
    written_in_sla = isinstance(state.get("sla"), Mapping) and "working_days" in state["sla"]
    state.pop("sla", None)
    state.pop("sla_days", None)
    if number is None:
        return result
    if unit == "working_days" and not written_in_sla:
        state["sla_days"] = number
    else:
        state["sla"] = {unit: number}
    return result


# -- a transition's joint approval ---------------------------------------------------------------


def approvals_parts(transition: Mapping[str, Any]) -> tuple[str, str]:
    """A transition's joint approval as (mode, count) for the edit form: mode '' (none),
    'all' or 'count'."""
    rule = transition.get("approvals")
    required = rule.get("required") if isinstance(rule, Mapping) else None
    if required is None:
        return "", ""
    if required == "all":
        return "all", ""
    return "count", str(required)


def approvals_value(mode: str, count: str) -> str:
    """What `set_approvals` takes for the edit form's choice: '', 'all' or the count."""
    mode = mode.strip()
    if mode == "count":
        if not count.strip():
            raise EditError(
                "Tulis berapa peran yang harus menyetujui.", "Write how many roles must approve."
            )
        return count
    if mode not in ("", "all"):
        raise EditError(f"Pilihan '{mode}' tidak dikenal.", f"Unknown choice '{mode}'.")
    return mode


def set_approvals(definition: Definition, index: int, required: str) -> Definition:
    """Make transition `index` a joint approval: `required` is 'all' or a number k of its roles;
    empty removes the joint approval."""
    result = copy.deepcopy(definition)
    transition = _transition(result, index)
    required = required.strip()
    if not required:
        transition.pop("approvals", None)
    elif required == "all":
        transition["approvals"] = {"required": "all"}
    else:
        transition["approvals"] = {"required": _number(required, "approvals", integer=True)}
    return result


def clear_approvals(definition: Definition, index: int) -> Definition:
    """Remove the joint approval of transition `index`."""
    return set_approvals(definition, index, "")


# -- a condition that looks into a repeatable group ----------------------------------------------


def set_group_condition(
    definition: Definition,
    pointer: str,
    group: str,
    quantifier: str,
    field_key: str,
    operator: str,
    raw: str,
) -> Definition:
    """Show the item at `pointer` (or offer the transition, or stop with the exit) only when
    `quantifier` (`some`, `every`, `none`) item of the group `group` meets
    `field_key operator value`; `field_key` is one of the group's own fields."""
    result = copy.deepcopy(definition)
    owner, key = condition_holder(result, pointer)
    if quantifier not in QUANTIFIERS:
        raise EditError(f"'{quantifier}' tidak dikenal.", f"Unknown quantifier '{quantifier}'.")
    if operator not in OPERATORS:
        raise EditError(f"Operator '{operator}' tidak dikenal.", f"Unknown operator '{operator}'.")
    group = group.strip()
    if not group:
        raise EditError("Pilih grup.", "Choose a group.")
    value = condition_value(result, field_key.strip(), operator, raw)
    owner[key] = {"group": group, quantifier: {"field": field_key.strip(), operator: value}}
    return result


# -- an applicant action's fields and statement --------------------------------------------------

# the flat names `set_applicant_action` reads: the chosen keys (one a line) and the statement
APPLICANT_ACTION_NAMES = ("applicant_fields", "confirm.id", "confirm.en")


def applicant_action_values(transition: Mapping[str, Any]) -> dict[str, str]:
    """An applicant action's edit form values (the flat names of `APPLICANT_ACTION_NAMES`)."""
    keys = transition.get("applicant_fields")
    statement = text_parts(transition.get("confirm"))
    return {
        "applicant_fields": "\n".join(str(k) for k in keys) if isinstance(keys, list) else "",
        "confirm.id": statement[0],
        "confirm.en": statement[1],
    }


def set_applicant_action(definition: Definition, index: int, values: Values) -> Definition:
    """Set what the citizen fills in (`applicant_fields`: form field keys, one a line) and the
    statement they tick (`confirm.id`, `confirm.en`) when taking transition `index` (present
    keys only). Keys already asked for keep their order, new ones follow in the order given;
    none removes the key, and so does an empty statement. Whether the transition is an
    applicant action and the fields fit it is the validator's to say
    (`applicant-fields-misplaced`, `applicant-field-unknown`, `applicant-field-unfit`)."""
    result = copy.deepcopy(definition)
    transition = _transition(result, index)
    if "applicant_fields" in values:
        chosen = [_check_key(k, "applicant_fields") for k in names(values["applicant_fields"])]
        _set(transition, "applicant_fields", in_order(transition.get("applicant_fields"), chosen))
    if values.get("confirm.en", "").strip() and not values.get("confirm.id", "").strip():
        raise EditError(
            "Tulis pernyataan dalam Bahasa Indonesia juga.",
            "Write the statement in Indonesian too.",
        )
    _text_into(transition, "confirm", values)
    return result
