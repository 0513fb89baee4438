"""Editing a form's rules, computed values and shared option lists, for the studio (see
`builder.edit`).

Each item is edited through one form whose values are flat strings (`parts`): the functions
`rule_parts`, `computed_parts` and `option_rows` turn an item into the values of its form, and
the edits build the item back from them, so an item the form does not change stays as written.
Like every edit, these return a new dict and leave the meaning to the validator, whose problems
the studio shows next to the item (`/form/rules/<n>`, `/form/computed/<name>`,
`/option_lists/<name>`). What cannot be written at all raises `EditError`.

An operand (of a rule or a computed value) is two values: `<name>` says what it is —
``field:<key>``, ``computed:<name>``, ``value`` (a number or an ISO date written in
`<name>_value`), ``json`` (any expression written as JSON in `<name>_value`, for what the form
cannot say otherwise) or empty (none). A comparison's `op` is the form's `operator` (the
studio's forms name their edit `op`), a rule's `at` is `beside` and an age's `at` is `age_at`
(the forms name the edited item `at`).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from builder import computed, rules
from builder.conditions import OPERATORS
from builder.edit import (
    Definition,
    EditError,
    Values,
    _check_key,
    _number,
    _set,
    condition_value,
    field_at,
    make_text,
    slug_key,
    text_parts,
)

ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MAX_TERMS = 10
TERMS = tuple(f"term{n}" for n in range(1, MAX_TERMS + 1))


def _operand_names(*names: str) -> tuple[str, ...]:
    return tuple(n for name in names for n in (name, f"{name}_value"))


RULE_NAMES = (
    "id",
    "beside",
    "message.id",
    "message.en",
    *_operand_names("left", "right", "from", "to", "equals"),
    "operator",
    "at_most",
    "group",
    "field",
    "where_field",
    "where_op",
    "where_value",
)
COMPUTED_NAMES = (
    "kind",
    "label.id",
    "label.en",
    *_operand_names("age", "age_at", "from", "to", *TERMS),
    "group",
    "field",
)
OPTION_COLUMNS = ("option_value", "option_label", "option_label_en", "option_group")
FIELD_LIST_NAMES = ("options_from", "filter_by")


# -- operands ------------------------------------------------------------------------------------


def operand_parts(operand: Any) -> tuple[str, str]:
    """An operand as the two values of its form: (what it is, the value written)."""
    if operand is None:
        return "", ""
    if isinstance(operand, Mapping) and set(operand) == {"field"}:
        return f"field:{operand['field']}", ""
    if isinstance(operand, Mapping) and set(operand) == {"computed"}:
        return f"computed:{operand['computed']}", ""
    if isinstance(operand, Mapping) and set(operand) == {"value"}:
        operand = operand["value"]
    if isinstance(operand, int | float) and not isinstance(operand, bool):
        return "value", str(operand)
    if isinstance(operand, str) and ISO_DATE.match(operand):
        return "value", operand
    return "json", json.dumps(operand, ensure_ascii=False)


def parse_operand(choice: str, raw: str, what: str) -> Any:
    """An operand from the two values of its form (None when no operand is chosen)."""
    choice, raw = choice.strip(), raw.strip()
    if not choice:
        return None
    kind, _, name = choice.partition(":")
    if kind in {"field", "computed"} and name:
        return {kind: _check_key(name, what)}
    if kind == "value":
        if ISO_DATE.match(raw):
            return {"value": raw}
        number = _number(raw, what) if raw else None
        if number is None:
            raise EditError(
                f"{what}: tulis angka atau tanggal (2026-07-01).",
                f"{what}: write a number or a date (2026-07-01).",
            )
        return {"value": number}
    if kind == "json":
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        if not isinstance(found, dict | int | float) or isinstance(found, bool):
            raise EditError(
                f"{what}: '{raw}' bukan ungkapan JSON yang sah.",
                f"{what}: '{raw}' is not a valid JSON expression.",
            )
        return found
    raise EditError(f"{what}: pilihan '{choice}' tidak dikenal.", f"{what}: unknown '{choice}'.")


def _operand(parts: Values, name: str) -> Any:
    return parse_operand(parts.get(name, ""), parts.get(f"{name}_value", ""), name)


def _put_operand(parts: dict[str, str], name: str, operand: Any) -> None:
    parts[name], parts[f"{name}_value"] = operand_parts(operand)


def _as_written(before: Any, after: Any) -> Any:
    """`after` with the operands that kept their value written as the author wrote them in
    `before`: the form writes a number as `{"value": 17}`, the author may have written `17`."""
    if isinstance(after, Mapping) and set(after) == {"value"} and not isinstance(before, Mapping):
        same = type(before) is not bool and before == after["value"]
        return copy.deepcopy(before) if same else after
    if isinstance(after, Mapping) and isinstance(before, Mapping):
        return {k: _as_written(before.get(k), v) if k in before else v for k, v in after.items()}
    if isinstance(after, list) and isinstance(before, list):
        return [_as_written(before[i], v) if i < len(before) else v for i, v in enumerate(after)]
    return after


def _rebuilt(
    item: Any, parts: dict[str, str], values: Values, keep: set[str], build: Callable[[Values], Any]
) -> Any:
    """An item (a rule, a computed value) built again from its form: the values posted over
    those it has (`parts`), only the `keep` ones when a new `kind` starts it afresh; what the
    form did not change stays as written."""
    if values.get("kind", parts["kind"]) != parts["kind"]:
        parts = {k: v for k, v in parts.items() if k in keep}
    return _as_written(item, build({**parts, **values}))


def _form(definition: Definition) -> dict[str, Any]:
    form = definition.get("form")
    if not isinstance(form, dict):
        raise EditError("Definisi ini belum punya formulir.", "This definition has no form.")
    return form


# -- rules ---------------------------------------------------------------------------------------


def _rules(definition: Definition) -> list[Any]:
    form = _form(definition)
    found = form.setdefault("rules", [])
    if not isinstance(found, list):
        found = form["rules"] = []
    return found


def _rule(definition: Definition, index: int) -> dict[str, Any]:
    found = _rules(definition)
    if not 0 <= index < len(found) or not isinstance(found[index], dict):
        raise EditError(f"Aturan {index + 1} tidak ada.", f"There is no rule {index + 1}.")
    rule: dict[str, Any] = found[index]
    return rule


def _where_parts(where: Any) -> tuple[str, str, str]:
    """A condition on an item's own field as (field, operator, value) — or, when it is more than
    one test, ('', 'json', the condition as JSON)."""
    if isinstance(where, Mapping) and len(where) == 2 and "field" in where:
        op = next(k for k in where if k != "field")
        value = where[op]
        if op in OPERATORS:
            if isinstance(value, bool):
                text = "ya" if value else "tidak"
            elif isinstance(value, list):
                text = ", ".join(str(v) for v in value)
            else:
                text = str(value)
            return str(where["field"]), op, text
    if where is None:
        return "", "", ""
    return "", "json", json.dumps(where, ensure_ascii=False)


def rule_parts(rule: Mapping[str, Any]) -> dict[str, str]:
    """A rule as the values of its form (`RULE_NAMES`, and `kind`)."""
    kind = rules.kind_of(rule) or ""
    message_id, message_en = text_parts(rule.get("message"))
    parts = dict.fromkeys(RULE_NAMES, "")
    parts.update(
        {
            "kind": kind,
            "id": str(rule.get("id") or ""),
            "beside": str(rule.get("at") or ""),
            "message.id": message_id,
            "message.en": message_en,
        }
    )
    body = rule.get(kind) if kind else None
    body = body if isinstance(body, Mapping) else {}
    for name in ("left", "right", "from", "to", "equals"):
        if name in body:
            _put_operand(parts, name, body[name])
    for name in ("group", "field"):
        if isinstance(body.get(name), str):
            parts[name] = body[name]
    if isinstance(body.get("op"), str):
        parts["operator"] = body["op"]
    if "at_most" in body:
        parts["at_most"] = str(body["at_most"])
    if "where" in body:
        parts["where_field"], parts["where_op"], parts["where_value"] = _where_parts(body["where"])
    return parts


def _where(definition: Definition, parts: Values) -> Any:
    field, op, raw = (parts.get(n, "").strip() for n in ("where_field", "where_op", "where_value"))
    if op == "json":
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        if not isinstance(found, dict):
            raise EditError(
                f"Syarat '{raw}' bukan JSON yang sah.", f"The condition '{raw}' is not valid JSON."
            )
        return found
    if not field:
        return None
    if op not in OPERATORS:
        raise EditError(f"Operator '{op}' tidak dikenal.", f"Unknown operator '{op}'.")
    return {"field": field, op: condition_value(definition, field, op, raw)}


def _rule_body(definition: Definition, kind: str, parts: Values) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if kind == "compare":
        _set(body, "left", _operand(parts, "left"))
        _set(body, "op", parts.get("operator", "").strip())
        _set(body, "right", _operand(parts, "right"))
    elif kind == "days_apart":
        _set(body, "from", _operand(parts, "from"))
        _set(body, "to", _operand(parts, "to"))
        _set(body, "at_most", _number(parts.get("at_most", ""), "at_most", integer=True))
    else:
        _set(body, "group", parts.get("group", "").strip())
        if kind == "count_equals":
            _set(body, "equals", _operand(parts, "equals"))
        elif kind == "exactly_one":
            _set(body, "where", _where(definition, parts))
        else:
            _set(body, "field", parts.get("field", "").strip())
    return body


def _build_rule(definition: Definition, parts: Values) -> dict[str, Any]:
    kind = parts.get("kind", "").strip()
    if kind not in rules.KINDS:
        raise EditError(
            f"Pilih jenis aturan: {', '.join(rules.KINDS)}.",
            f"Choose the kind of rule: {', '.join(rules.KINDS)}.",
        )
    rule: dict[str, Any] = {}
    rule_id = parts.get("id", "").strip()
    _set(rule, "id", _check_key(rule_id, "id") if rule_id else None)
    rule[kind] = _rule_body(definition, kind, parts)
    _set(rule, "at", parts.get("beside", "").strip())
    _set(rule, "message", make_text(parts.get("message.id", ""), parts.get("message.en", "")))
    return rule


def add_rule(definition: Definition, values: Values) -> Definition:
    """Add a rule of `kind` from the values of its form (those not given are left out, for the
    validator to ask for)."""
    result = copy.deepcopy(definition)
    _rules(result).append(_build_rule(result, values))
    return result


def set_rule(definition: Definition, index: int, values: Values) -> Definition:
    """Change the rule at `index` from the values of its form; a value not given stays. A new
    `kind` starts the test afresh from the values given."""
    result = copy.deepcopy(definition)
    rule = _rule(result, index)
    keep = {"id", "beside", "message.id", "message.en"}
    build = functools.partial(_build_rule, result)
    _rules(result)[index] = _rebuilt(rule, rule_parts(rule), values, keep, build)
    return result


def remove_rule(definition: Definition, index: int) -> Definition:
    """Remove the rule at `index` (and the empty list)."""
    result = copy.deepcopy(definition)
    _rule(result, index)
    del _rules(result)[index]
    if not _rules(result):
        _form(result).pop("rules")
    return result


# -- computed values -----------------------------------------------------------------------------


def _all_computed(definition: Definition) -> dict[str, Any]:
    form = _form(definition)
    found = form.setdefault("computed", {})
    if not isinstance(found, dict):
        found = form["computed"] = {}
    return found


def _computed(definition: Definition, name: str) -> Any:
    found = _all_computed(definition)
    if name not in found:
        raise EditError(f"Nilai hitungan '{name}' tidak ada.", f"There is no computed '{name}'.")
    return found[name]


def computed_parts(expression: Any) -> dict[str, str]:
    """A computed value as the values of its form (`COMPUTED_NAMES`)."""
    parts = dict.fromkeys(COMPUTED_NAMES, "")
    kind = computed.kind_of(expression)
    if kind in computed.KINDS and isinstance(expression, Mapping):
        parts["kind"] = str(kind)
        parts["label.id"], parts["label.en"] = text_parts(expression.get("label"))
        body = expression[kind]
        if kind == "age":
            _put_operand(parts, "age", body)
            if "at" in expression:
                _put_operand(parts, "age_at", expression["at"])
        elif kind == "days_between" and isinstance(body, list):
            for name, operand in zip(("from", "to"), body, strict=False):
                _put_operand(parts, name, operand)
        elif kind == "count":
            parts["group"] = str(body)
        elif kind == "sum" and isinstance(body, Mapping):
            parts["group"], parts["field"] = str(body.get("group", "")), str(body.get("field", ""))
        elif kind in computed.ARITHMETIC and isinstance(body, list):
            for name, operand in zip(TERMS, body, strict=False):
                _put_operand(parts, name, operand)
    elif expression is not None:
        parts["kind"] = "json"
        parts["label.id"], parts["label.en"] = (
            text_parts(expression.get("label")) if isinstance(expression, Mapping) else ("", "")
        )
        plain = (
            {k: v for k, v in expression.items() if k != "label"}
            if isinstance(expression, Mapping)
            else expression
        )
        parts["age"], parts["age_value"] = "json", json.dumps(plain, ensure_ascii=False)
    return parts


def _build_computed(parts: Values) -> Any:
    kind = parts.get("kind", "").strip()
    expression: dict[str, Any]
    if kind == "age":
        expression = {"age": _operand(parts, "age")}
        _set(expression, "at", _operand(parts, "age_at"))
    elif kind == "days_between":
        expression = {"days_between": [_operand(parts, "from"), _operand(parts, "to")]}
    elif kind == "count":
        expression = {"count": parts.get("group", "").strip()}
    elif kind == "sum":
        expression = {
            "sum": {
                "group": parts.get("group", "").strip(),
                "field": parts.get("field", "").strip(),
            }
        }
    elif kind in computed.ARITHMETIC:
        terms = [_operand(parts, name) for name in TERMS]
        expression = {kind: [t for t in terms if t is not None]}
    elif kind == "json":
        found = _operand(parts, "age")
        expression = dict(found) if isinstance(found, Mapping) else {"value": found}
    else:
        raise EditError(
            f"Pilih jenis hitungan: {', '.join(computed.KINDS)}.",
            f"Choose the kind of computed value: {', '.join(computed.KINDS)}.",
        )
    _set(expression, "label", make_text(parts.get("label.id", ""), parts.get("label.en", "")))
    return expression


def add_computed(definition: Definition, values: Values) -> Definition:
    """Add a computed value `name` (from `label.id` when empty) of `kind` from its form."""
    result = copy.deepcopy(definition)
    found = _all_computed(result)
    name = values.get("name", "").strip()
    if not name:
        name = slug_key(values.get("label.id", ""), "hitungan")
    name = _check_key(name, "name")
    if name in found:
        raise EditError(
            f"Nilai hitungan '{name}' sudah ada.", f"The computed value '{name}' exists."
        )
    found[name] = _build_computed(values)
    return result


def set_computed(definition: Definition, name: str, values: Values) -> Definition:
    """Change the computed value `name` from its form; a value not given stays. A new `kind`
    starts the expression afresh from the values given."""
    result = copy.deepcopy(definition)
    expression = _computed(result, name)
    parts = computed_parts(expression)
    keep = {"label.id", "label.en"}
    _all_computed(result)[name] = _rebuilt(expression, parts, values, keep, _build_computed)
    return result


def remove_computed(definition: Definition, name: str) -> Definition:
    """Remove the computed value `name` (and the empty map)."""
    result = copy.deepcopy(definition)
    _computed(result, name)
    del _all_computed(result)[name]
    if not _all_computed(result):
        _form(result).pop("computed")
    return result


# -- shared option lists -------------------------------------------------------------------------


def _lists(definition: Definition) -> dict[str, Any]:
    found = definition.setdefault("option_lists", {})
    if not isinstance(found, dict):
        found = definition["option_lists"] = {}
    return found


def _list(definition: Definition, name: str) -> list[Any]:
    found = _lists(definition).get(name)
    if not isinstance(found, list):
        raise EditError(f"Daftar pilihan '{name}' tidak ada.", f"There is no option list '{name}'.")
    return found


def option_rows(options: Any) -> list[tuple[str, str, str, str]]:
    """A list's options as rows (value, label, English label, group) for its table."""
    rows = []
    for option in options if isinstance(options, list) else []:
        if isinstance(option, Mapping):
            id_text, en_text = text_parts(option.get("label"))
            rows.append(
                (str(option.get("value", "")), id_text, en_text, str(option.get("group") or ""))
            )
    return rows


def options_from_table(values: Values) -> list[dict[str, Any]]:
    """Options from the table's columns (`OPTION_COLUMNS`, one row per line of each): rows
    without a label are dropped, a row without a value gets one from its label."""
    columns = [values.get(name, "").split("\n") for name in OPTION_COLUMNS]
    options: list[dict[str, Any]] = []
    for index in range(len(columns[1])):
        cell = [c[index].strip() if index < len(c) else "" for c in columns]
        if not cell[1]:
            continue
        option: dict[str, Any] = {
            "value": cell[0] or slug_key(cell[1], "pilihan"),
            "label": make_text(cell[1], cell[2]),
        }
        _set(option, "group", cell[3])
        options.append(option)
    return options


def add_option_list(definition: Definition, values: Values) -> Definition:
    """Add a shared option list `name` with the options of the table."""
    result = copy.deepcopy(definition)
    name = _check_key(values.get("name", ""), "name")
    if name in _lists(result):
        raise EditError(f"Daftar pilihan '{name}' sudah ada.", f"The option list '{name}' exists.")
    _lists(result)[name] = options_from_table(values)
    return result


def set_option_list(definition: Definition, name: str, values: Values) -> Definition:
    """Replace the options of the list `name` by those of the table."""
    result = copy.deepcopy(definition)
    _list(result, name)
    _lists(result)[name] = options_from_table(values)
    return result


def remove_option_list(definition: Definition, name: str) -> Definition:
    """Remove the list `name` (the fields that take it are left for the validator to name)."""
    result = copy.deepcopy(definition)
    _list(result, name)
    del _lists(result)[name]
    if not _lists(result):
        result.pop("option_lists")
    return result


def set_field_list(definition: Definition, pointer: str, values: Values) -> Definition:
    """Let the choice field at `pointer` take a shared list (`options_from`, its own options are
    dropped) filtered by another answer (`filter_by`), or, with an empty `options_from`, have
    its own options again (a copy of the list's, so nothing is lost)."""
    result = copy.deepcopy(definition)
    field = field_at(result, pointer)
    if field.get("type") not in {"choice", "multichoice"}:
        raise EditError(
            "Hanya isian pilihan yang dapat memakai daftar pilihan bersama.",
            "Only choice fields can take a shared option list.",
        )
    chosen = values.get("options_from", "").strip()
    if chosen:
        field["options_from"] = _check_key(chosen, "options_from")
        field.pop("options", None)
    elif "options_from" in values and "options_from" in field:
        shared = _lists(result).get(str(field.pop("options_from")))
        if not field.get("options"):
            field["options"] = [
                {k: v for k, v in o.items() if k != "group"}
                for o in (shared if isinstance(shared, list) else [])
                if isinstance(o, Mapping)
            ]
        if not result["option_lists"]:
            result.pop("option_lists")
    if "filter_by" in values:
        _set(field, "filter_by", values["filter_by"].strip())
    return result
