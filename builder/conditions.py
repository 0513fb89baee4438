"""The condition language: declarative tests on answers, evaluated by a small interpreter.

A condition is a JSON object: `{"field": k, <operator>: v}` or `{"all": [...]}`,
`{"any": [...]}`, `{"not": {...}}`, or a test of a repeatable group's items:
`{"group": g, "some" | "every" | "none": condition}`, the inner condition on one item's own
fields ("some member is under 17"). `every` is false for a group without items, `none` true.
It is never turned into code. The same condition has two
readings that must agree: `evaluate` (used to show and hide fields) and `to_schema` (the
JSON Schema fragment used in the compiled submission schema).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from builder import values
from builder.pointers import join

OPERATORS = ("equals", "not_equals", "in", "contains", "gt", "gte", "lt", "lte", "filled")
COMPARISONS = {"gt", "gte", "lt", "lte"}
QUANTIFIERS = ("some", "every", "none")

Condition = Mapping[str, Any]


def operator_of(leaf: Condition) -> str | None:
    """The operator of a field test, or None."""
    for key in leaf:
        if key != "field":
            return key if key in OPERATORS else None
    return None


def quantifier_of(test: Condition) -> str | None:
    """`some`, `every` or `none` for a test of a group's items, else None."""
    if not isinstance(test, Mapping) or "group" not in test:
        return None
    return next((key for key in QUANTIFIERS if key in test), None)


def group_tests(condition: Condition, pointer: str = "") -> Iterator[tuple[Condition, str]]:
    """Every test of a group's items in a condition (outside other group tests), with its
    pointer."""
    if not isinstance(condition, Mapping):
        return
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        for index, child in enumerate(condition[key]):
            yield from group_tests(child, join(pointer, key, index))
    elif "not" in condition:
        yield from group_tests(condition["not"], join(pointer, "not"))
    elif "group" in condition:
        yield condition, pointer


def leaves(condition: Condition, pointer: str = "") -> Iterator[tuple[Condition, str]]:
    """Every field test in a condition with its pointer (not those inside a group test, which
    read an item's fields: see `group_tests`)."""
    if not isinstance(condition, Mapping):
        return
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        for index, child in enumerate(condition[key]):
            yield from leaves(child, join(pointer, key, index))
    elif "not" in condition:
        yield from leaves(condition["not"], join(pointer, "not"))
    elif "field" in condition:
        yield condition, pointer


def referenced_fields(condition: Condition | None) -> set[str]:
    """The field keys a condition reads (a group test reads its group)."""
    if not condition:
        return set()
    found = {leaf["field"] for leaf, _ in leaves(condition)}
    return found | {str(test["group"]) for test, _ in group_tests(condition)}


def is_empty(value: Any) -> bool:
    """True for an unanswered value."""
    return value is None or value == "" or value == [] or value == {}


def _as_date(value: Any, today: dt.date | None) -> dt.date | None:
    if not isinstance(value, str):
        return None
    return values.resolve_date_bound(value, today)


def _compare(op: str, left: Any, right: Any, today: dt.date | None) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return False
    if isinstance(left, int | float) and isinstance(right, int | float):
        a: Any = left
        b: Any = right
    else:
        a, b = (
            values.parse_iso_date(left) if isinstance(left, str) else None,
            _as_date(right, today),
        )
        if a is None or b is None:
            return False
    if op == "gt":
        return bool(a > b)
    if op == "gte":
        return bool(a >= b)
    if op == "lt":
        return bool(a < b)
    return bool(a <= b)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


def evaluate(
    condition: Condition | None, answers: Mapping[str, Any], today: dt.date | None = None
) -> bool:
    """Evaluate a condition against answers (missing answers are unanswered)."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(child, answers, today) for child in condition["all"])
    if "any" in condition:
        return any(evaluate(child, answers, today) for child in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers, today)
    if "group" in condition:
        return _evaluate_items(condition, answers.get(condition["group"]), today)
    value = answers.get(condition["field"])
    op = operator_of(condition)
    operand = condition.get(op) if op else None
    if op == "filled":
        return (not is_empty(value)) == bool(operand)
    if op == "not_equals":
        return is_empty(value) or not _same(value, operand)
    if is_empty(value):
        return False
    if op == "equals":
        return _same(value, operand)
    if op == "in":
        return any(_same(value, item) for item in operand or [])
    if op == "contains":
        return isinstance(value, list) and any(_same(item, operand) for item in value)
    if op in COMPARISONS:
        return _compare(op, value, operand, today)
    return False


def _evaluate_items(test: Condition, items: Any, today: dt.date | None) -> bool:
    quantifier = quantifier_of(test)
    inner = test.get(quantifier) if quantifier else None
    members = (
        [item for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []
    )
    found = (evaluate(inner, item, today) for item in members)
    if quantifier == "some":
        return any(found)
    if quantifier == "every":
        return bool(members) and all(found)
    if quantifier == "none":
        return not any(found)
    return False


def _group_schema(test: Condition) -> dict[str, Any]:
    key = str(test["group"])
    quantifier = quantifier_of(test)
    inner = to_schema(test[quantifier]) if quantifier else {}
    if quantifier == "every":
        items: dict[str, Any] = {"type": "array", "minItems": 1, "items": inner}
        return {"required": [key], "properties": {key: items}}
    some = {"required": [key], "properties": {key: {"type": "array", "contains": inner}}}
    return {"not": some} if quantifier == "none" else some


def _filled_schema(key: str) -> dict[str, Any]:
    return {"required": [key]}


def _value_schema(op: str, operand: Any) -> dict[str, Any]:
    if op == "equals":
        return {"const": operand}
    if op == "in":
        return {"enum": list(operand)}
    if op == "contains":
        return {"type": "array", "contains": {"const": operand}}
    if isinstance(operand, int | float) and not isinstance(operand, bool):
        keyword = {
            "gt": "exclusiveMinimum",
            "gte": "minimum",
            "lt": "exclusiveMaximum",
            "lte": "maximum",
        }[op]
        return {"type": "number", keyword: operand}
    return {"type": "string", f"x-loket-date-{op}": operand}


def to_schema(condition: Condition) -> dict[str, Any]:
    """Translate a condition into a JSON Schema fragment over the answer object."""
    if "all" in condition:
        return {"allOf": [to_schema(child) for child in condition["all"]]}
    if "any" in condition:
        return {"anyOf": [to_schema(child) for child in condition["any"]]}
    if "not" in condition:
        return {"not": to_schema(condition["not"])}
    if "group" in condition:
        return _group_schema(condition)
    key = condition["field"]
    op = operator_of(condition)
    operand = condition.get(op) if op else None
    if op == "filled":
        return _filled_schema(key) if operand else {"not": _filled_schema(key)}
    if op == "not_equals":
        return {"not": {"required": [key], "properties": {key: {"const": operand}}}}
    if op is None:
        return {}
    return {"required": [key], "properties": {key: _value_schema(op, operand)}}


def conjunction(*conditions: Condition | None) -> Condition | None:
    """Combine conditions with `all`, dropping empty ones."""
    present = [c for c in conditions if c]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return {"all": present}
