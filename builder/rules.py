"""Form rules: tests across answers, each with a message shown beside one of its fields.

A rule is JSON, never code. It has one test, a bilingual `message` and `at`, the field the
message is shown beside:

- `{"compare": {"left": operand, "op": "eq|ne|lt|lte|gt|gte", "right": operand}}`: numbers,
  dates (ISO text) or, for eq/ne, texts and choices ("end on or after start" is
  `{"left": {"field": "end"}, "op": "gte", "right": {"field": "start"}}`);
- `{"days_apart": {"from": operand, "to": operand, "at_most": N}}`: at most N days between
  two dates (either order);
- `{"count_equals": {"group": g, "equals": operand}}`: a group has that many items;
- `{"exactly_one": {"group": g, "where": condition}}`: exactly one item meets a condition on
  its own fields (one head of family);
- `{"unique": {"group": g, "field": child}}`: no two items share a value.

Operands are those of computed values (`builder.computed`): `{"field": k}`, `{"computed": n}`,
`{"value": v}` or any computed expression. A rule is checked only when every field it reads is
answered: a rule whose field is hidden by a condition (or not answered yet) is skipped. That
is also why a rule is checked on the page where the last of its fields is answered.
`failing` is the one evaluator: the web form, the JSON API and the compiled submission schema
(keyword `x-loket-rules`) all call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from builder import computed, conditions, fastcheck, values

KINDS = ("compare", "days_apart", "count_equals", "exactly_one", "unique")
OPS = ("eq", "ne", "lt", "lte", "gt", "gte")

Rule = Mapping[str, Any]


def kind_of(rule: Rule) -> str | None:
    """The test a rule makes."""
    return next((key for key in KINDS if key in rule), None)


def operands(rule: Rule) -> list[tuple[str, Any]]:
    """The rule's operands with the key that holds each (`left`, `right`, `from`, ...)."""
    kind = kind_of(rule)
    body = rule.get(kind) if kind else None
    if not isinstance(body, Mapping):
        return []
    names = {
        "compare": ("left", "right"),
        "days_apart": ("from", "to"),
        "count_equals": ("equals",),
    }.get(str(kind), ())
    return [(name, body[name]) for name in names if name in body]


def references(rule: Rule) -> Iterator[tuple[str, str]]:
    """Every (`field` | `computed` | `group`, name) a rule reads directly."""
    kind = kind_of(rule)
    body = rule.get(kind) if kind else None
    if kind in {"count_equals", "exactly_one", "unique"} and isinstance(body, Mapping):
        yield "group", str(body.get("group"))
    for _, operand in operands(rule):
        yield from computed.references(operand)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return values.parse_iso_date(value) if isinstance(value, str) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compare(op: str, left: Any, right: Any) -> bool | None:
    """`left op right` for two numbers, two dates or (eq/ne) two equal-typed values; None when
    they cannot be compared."""
    a: Any
    b: Any
    if _is_number(left) and _is_number(right):
        a, b = left, right
    elif _date(left) is not None and _date(right) is not None:
        a, b = _date(left), _date(right)
    elif op in {"eq", "ne"} and not _is_number(left) and not _is_number(right):
        same = fastcheck.equal(left, right)
        return same if op == "eq" else not same
    else:
        return None
    return bool(
        {"eq": a == b, "ne": a != b, "lt": a < b, "lte": a <= b, "gt": a > b, "gte": a >= b}[op]
    )


def holds(rule: Rule, context: computed.Context) -> bool:
    """Whether one rule holds (a rule with an unanswered or hidden field holds: it is skipped)."""
    kind = kind_of(rule)
    body = rule.get(kind) if kind else None
    if not isinstance(body, Mapping):
        return True
    if kind in {"count_equals", "exactly_one", "unique"}:
        items = context.answers.get(str(body.get("group")))
        if not isinstance(items, list) or not items:
            return True
    else:
        items = []
    if kind == "compare":
        left, right = context.value(body.get("left")), context.value(body.get("right"))
        if left is None or right is None:
            return True
        verdict = compare(str(body.get("op")), left, right)
        return True if verdict is None else verdict
    if kind == "days_apart":
        start, end = _date(context.value(body.get("from"))), _date(context.value(body.get("to")))
        if start is None or end is None:
            return True
        return abs((end - start).days) <= int(body.get("at_most", 0))
    if kind == "count_equals":
        wanted = context.value(body.get("equals"))
        return not _is_number(wanted) or len(items) == wanted
    if kind == "exactly_one":
        where = body.get("where")
        found = sum(
            1 for item in items if isinstance(item, Mapping) and conditions.evaluate(where, item)
        )
        return found == 1
    if kind == "unique":
        child = str(body.get("field"))
        seen: list[Any] = []
        for item in items:
            value = item.get(child) if isinstance(item, Mapping) else None
            if conditions.is_empty(value):
                continue
            if any(fastcheck.equal(value, other) for other in seen):
                return False
            seen.append(value)
        return True
    return True


def failing(
    rules: Sequence[Rule],
    definitions: Mapping[str, Any],
    answers: Mapping[str, Any],
    today: dt.date | None = None,
) -> list[int]:
    """The indexes of the rules that do not hold for these (pruned) answers."""
    if not rules or not isinstance(answers, Mapping):
        return []
    context = computed.Context(answers, definitions, today)
    return [index for index, rule in enumerate(rules) if not holds(rule, context)]
