"""Computed values: named values worked out from answers by a small structured expression.

An expression is JSON, never code:

- an operand: `{"field": key}`, `{"computed": name}`, `{"value": 3}` (a number or an ISO date),
  or a bare number;
- `{"age": operand, "at": operand}`: whole years from a date (or from the birth date a NIK
  holds) to `at` (default: today);
- `{"days_between": [from, to]}`: days from one date to another (negative when `to` is before);
- `{"count": group}`: the number of items of a group; `{"sum": {"group": g, "field": child}}`:
  the sum of a number field over a group's items;
- `{"add": [...]}`, `{"subtract": [a, b]}`, `{"multiply": [...]}`, `{"divide": [a, b]}`.

A value is empty (None) when an operand is: an unanswered or hidden field (a group with no
item included), a date that is not one, a division by zero. `evaluate_all` is the one function every reader uses (the web form,
the JSON API, the check-answers page and exports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

from builder import values

ARITHMETIC = ("add", "subtract", "multiply", "divide")
KINDS = ("age", "days_between", "count", "sum", *ARITHMETIC)
OPERAND_KEYS = ("field", "computed", "value")

Expression = Any
Value = int | float | dt.date | str | None


def kind_of(expression: Expression) -> str | None:
    """The expression's kind (an operator or an operand key), or None."""
    if isinstance(expression, bool):
        return None
    if isinstance(expression, int | float):
        return "value"
    if isinstance(expression, Mapping):
        for key in (*KINDS, *OPERAND_KEYS):
            if key in expression:
                return key
    return None


def children(expression: Expression) -> list[Expression]:
    """The sub-expressions an expression reads."""
    kind = kind_of(expression)
    if kind == "age":
        return [expression["age"], *([expression["at"]] if "at" in expression else [])]
    if kind in {"days_between", *ARITHMETIC}:
        found = expression[kind]
        return list(found) if isinstance(found, list) else []
    return []


def references(expression: Expression) -> Iterator[tuple[str, str]]:
    """Every (`field` | `computed` | `group`, name) the expression reads, sub-expressions too."""
    kind = kind_of(expression)
    if kind in {"field", "computed"}:
        yield kind, str(expression[kind])
    elif kind == "count":
        yield "group", str(expression["count"])
    elif kind == "sum":
        spec = expression["sum"]
        if isinstance(spec, Mapping):
            yield "group", str(spec.get("group"))
    for child in children(expression):
        yield from references(child)


def birth_date(value: Any) -> dt.date | None:
    """A date answer, or the birth date held by a NIK answer; else None."""
    if not isinstance(value, str):
        return None
    if len(value) == 16 and value.isdigit():
        if values.check_nik(value) is not None:
            return None
        try:
            found = stdnum_nik.get_birth_date(value)
        except (ValidationError, ValueError):
            return None
        return found if isinstance(found, dt.date) else None
    return values.parse_iso_date(value)


def _date(value: Value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return values.parse_iso_date(value)
    return None


def _number(value: Value) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def years_between(born: dt.date, at: dt.date) -> int:
    """Whole years from `born` to `at` (an age)."""
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


class Context:
    """What an expression is evaluated against: visible answers and the computed definitions."""

    def __init__(
        self,
        answers: Mapping[str, Any],
        definitions: Mapping[str, Expression],
        today: dt.date | None = None,
    ) -> None:
        self.answers = answers
        self.definitions = definitions
        self.today = today or values.today()
        self.done: dict[str, Value] = {}
        self.busy: set[str] = set()

    def computed(self, name: str) -> Value:
        if name in self.done:
            return self.done[name]
        if name in self.busy or name not in self.definitions:
            return None  # a cycle (the builder refuses them) or an unknown name
        self.busy.add(name)
        result = self.value(self.definitions[name])
        self.busy.discard(name)
        self.done[name] = result
        return result

    def value(self, expression: Expression) -> Value:
        kind = kind_of(expression)
        if kind == "value":
            raw = expression if not isinstance(expression, Mapping) else expression["value"]
            return raw if isinstance(raw, int | float | str) and not isinstance(raw, bool) else None
        if kind == "field":
            found = self.answers.get(str(expression["field"]))
            return None if found is None or found == "" or isinstance(found, list | dict) else found
        if kind == "computed":
            return self.computed(str(expression["computed"]))
        if kind == "age":
            born = birth_date(self.value(expression["age"]))
            at = _date(self.value(expression["at"])) if "at" in expression else self.today
            return years_between(born, at) if born and at else None
        if kind == "days_between":
            ends = [_date(self.value(e)) for e in children(expression)]
            if len(ends) != 2 or ends[0] is None or ends[1] is None:
                return None
            return (ends[1] - ends[0]).days
        if kind == "count":
            items = self.answers.get(str(expression["count"]))
            return len(items) if isinstance(items, list) else None
        if kind == "sum":
            spec = expression["sum"]
            items = self.answers.get(str(spec.get("group")))
            if not isinstance(items, list):
                return None
            total: int | float = 0
            for item in items:
                number = _number(item.get(spec.get("field"))) if isinstance(item, Mapping) else None
                total += number or 0
            return total
        if kind in ARITHMETIC:
            numbers = [_number(self.value(e)) for e in children(expression)]
            if not numbers or any(n is None for n in numbers):
                return None
            return _arithmetic(kind, [n for n in numbers if n is not None])
        return None


def _arithmetic(kind: str, numbers: list[int | float]) -> int | float | None:
    if kind == "add":
        return sum(numbers)
    if kind == "multiply":
        result: int | float = 1
        for n in numbers:
            result *= n
        return result
    if len(numbers) != 2:
        return None
    if kind == "subtract":
        return numbers[0] - numbers[1]
    if numbers[1] == 0:
        return None
    quotient = numbers[0] / numbers[1]
    return int(quotient) if quotient.is_integer() else round(quotient, 6)


def evaluate_all(
    definitions: Mapping[str, Expression], answers: Mapping[str, Any], today: dt.date | None = None
) -> dict[str, Value]:
    """Every computed value (None when empty) from visible answers (hidden ones already pruned)."""
    context = Context(answers, definitions, today)
    return {name: context.computed(name) for name in definitions}


def as_answer(value: Value) -> Any:
    """A computed value as it sits beside answers (dates as ISO text, as date answers are)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def display(value: Value, lang: str = "id") -> str:
    """A computed value as people read it: 1.250.000 / 1,250,000, dates as DD-MM-YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        whole = isinstance(value, int) or float(value).is_integer()
        text = f"{int(value):,}" if whole else f"{value:,.2f}"
        return text.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "id" else text
    day = _date(value)
    return day.strftime("%d-%m-%Y") if day else str(value)
