"""Rules and computed values in words, for the review diff (labels, not JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder import computed, rules
from builder.model import Definition, iter_fields
from builder.texts import localise

_OPS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}
_ARITHMETIC = {"add": " + ", "subtract": " − ", "multiply": " × ", "divide": " ÷ "}


class Words:
    """Names fields by their label in one language."""

    def __init__(self, definition: Definition, lang: str) -> None:
        self.lang = lang
        self.labels = {
            ref.key: localise(ref.spec.get("label"), lang) or ref.key
            for ref in iter_fields(definition)
        }

    def _id(self, id_text: str, en_text: str) -> str:
        return id_text if self.lang == "id" else en_text

    def field(self, key: Any) -> str:
        return f"'{self.labels.get(str(key), str(key))}'"

    def expression(self, expression: Any) -> str:
        kind = computed.kind_of(expression)
        if kind == "value":
            raw = expression["value"] if isinstance(expression, Mapping) else expression
            return str(raw)
        if kind == "field":
            return self.field(expression["field"])
        if kind == "computed":
            return f"[{expression['computed']}]"
        if kind == "age":
            at = (
                self.expression(expression["at"])
                if "at" in expression
                else self._id("hari ini", "today")
            )
            return self._id(
                f"umur dari {self.expression(expression['age'])} pada {at}",
                f"age from {self.expression(expression['age'])} at {at}",
            )
        if kind == "days_between":
            a, b = (self.expression(e) for e in expression["days_between"])
            return self._id(f"hari dari {a} sampai {b}", f"days from {a} to {b}")
        if kind == "count":
            return self._id(
                f"banyak butir {self.field(expression['count'])}",
                f"number of items of {self.field(expression['count'])}",
            )
        if kind == "sum":
            spec = expression["sum"]
            return self._id(
                f"jumlah {self.field(spec['field'])} di {self.field(spec['group'])}",
                f"sum of {self.field(spec['field'])} over {self.field(spec['group'])}",
            )
        if kind in _ARITHMETIC:
            return "(" + _ARITHMETIC[kind].join(self.expression(e) for e in expression[kind]) + ")"
        return "?"

    def rule(self, rule: Mapping[str, Any]) -> str:
        kind = rules.kind_of(rule)
        body = rule.get(kind) if kind else None
        if not isinstance(body, Mapping):
            return "?"
        if kind == "compare":
            return (
                f"{self.expression(body['left'])} {_OPS.get(body['op'], body['op'])} "
                f"{self.expression(body['right'])}"
            )
        if kind == "days_apart":
            a, b = self.expression(body["from"]), self.expression(body["to"])
            n = body["at_most"]
            return self._id(
                f"paling banyak {n} hari antara {a} dan {b}",
                f"at most {n} days between {a} and {b}",
            )
        if kind == "count_equals":
            return self._id(
                f"banyak butir {self.field(body['group'])} = {self.expression(body['equals'])}",
                f"number of items of {self.field(body['group'])} = "
                f"{self.expression(body['equals'])}",
            )
        if kind == "exactly_one":
            return self._id(
                f"tepat satu butir {self.field(body['group'])} memenuhi {body['where']}",
                f"exactly one item of {self.field(body['group'])} meets {body['where']}",
            )
        if kind == "unique":
            return self._id(
                f"tidak ada dua butir {self.field(body['group'])} dengan "
                f"{self.field(body['field'])} yang sama",
                f"no two items of {self.field(body['group'])} share {self.field(body['field'])}",
            )
        return "?"
