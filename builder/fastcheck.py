"""A fast yes/no check for the JSON Schema vocabulary Loket's own schemas use.

`jsonschema` explains every problem, which costs time on every keyword of every value. Most
documents Loket checks are valid, so the builder first asks this compiled predicate; only when
it says "invalid" does `jsonschema` run to name the problems. The predicate is built once per
schema from closures; it supports exactly the keywords Loket's meta-schema and compiled
submission schemas use, and refuses to compile anything else (the caller then falls back to
`jsonschema`). Tests check that both give the same verdict on examples and on fuzzed input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]
Keyword = Callable[[Any], Check]

_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "title", "description", "$comment", "default", "examples"}
)


class Unsupported(Exception):
    """The schema uses a keyword this checker does not implement."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}


def equal(left: Any, right: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 equals 1.0, containers compare deeply."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(equal(left[k], right[k]) for k in left)
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    return type(left) is type(right) and bool(left == right)


def _type_check(names: list[str]) -> Check:
    tests = [_TYPES[name] for name in names]
    if len(tests) == 1:
        return tests[0]
    return lambda v: any(test(v) for test in tests)


def _every(checks: list[Check]) -> Check:
    """All of `checks` (a plain loop: a generator per value cost more than the checks)."""
    items = tuple(checks)

    def check(value: Any) -> bool:
        for test in items:  # noqa: SIM110  (a loop: no generator per value)
            if not test(value):
                return False
        return True

    return check


def _length_check(low: int | None, high: int | None) -> Check:
    """minLength and maxLength of a string in one step."""
    floor = 0 if low is None else low

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        size = len(value)
        return size >= floor and (high is None or size <= high)

    return check


def _enum_check(options: list[Any]) -> Check:
    strings = frozenset(o for o in options if isinstance(o, str))
    return lambda v: (v in strings) if isinstance(v, str) else any(equal(v, o) for o in options)


def _const_check(constant: Any) -> Check:
    return lambda v: equal(v, constant)


class _Compiler:
    def __init__(
        self, root: Mapping[str, Any], formats: Mapping[str, Check], keywords: Mapping[str, Keyword]
    ) -> None:
        self.root = root
        self.formats = formats
        self.keywords = keywords
        self.done: dict[int, Check] = {}

    def compile(self, node: Any) -> Check:
        if node is True or node == {}:
            return lambda v: True
        if node is False:
            return lambda v: False
        if not isinstance(node, Mapping):
            raise Unsupported(repr(node)[:60])
        key = id(node)
        if key in self.done:
            return self.done[key]
        slot: list[Check] = []
        self.done[key] = lambda v: slot[0](v)  # recursion through $ref resolves later
        check = self._build(node)
        slot.append(check)
        self.done[key] = check
        return check

    def _ref(self, ref: str) -> Check:
        if not ref.startswith("#/"):
            raise Unsupported(ref)
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return self.compile(node)

    def _build(self, node: Mapping[str, Any]) -> Check:
        checks: list[Check] = []
        add = checks.append
        lengths = "minLength" in node or "maxLength" in node
        if lengths and ("minLength" in self.keywords or "maxLength" in self.keywords):
            lengths = False  # a caller's own length keyword wins
        if lengths:
            add(_length_check(node.get("minLength"), node.get("maxLength")))
        for keyword, value in node.items():
            if keyword in _ANNOTATIONS or keyword in {"then", "else"}:
                continue
            if lengths and keyword in {"minLength", "maxLength"}:
                continue
            if keyword in self.keywords:
                add(self.keywords[keyword](value))
            elif keyword == "type":
                add(_type_check([value] if isinstance(value, str) else list(value)))
            elif keyword == "enum":
                add(_enum_check(list(value)))
            elif keyword == "const":
                add(_const_check(value))
            elif keyword == "$ref":
                add(self._ref(value))
            else:
                add(self._applicator(keyword, value, node))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        return _every(checks)

    def _applicator(self, keyword: str, value: Any, node: Mapping[str, Any]) -> Check:
        if keyword == "required":
            names = list(value)
            return lambda v: not isinstance(v, dict) or all(n in v for n in names)
        if keyword == "properties":
            props = {name: self.compile(sub) for name, sub in value.items()}

            def properties(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for name, item in v.items():
                    check = props.get(name)
                    if check is not None and not check(item):
                        return False
                return True

            return properties
        if keyword == "additionalProperties":
            known = frozenset(node.get("properties", {}))
            if "patternProperties" in node:
                raise Unsupported("patternProperties")
            if value is False:
                return lambda v: not isinstance(v, dict) or all(k in known for k in v)
            extra = self.compile(value)
            return lambda v: (
                not isinstance(v, dict) or all(extra(v[k]) for k in v if k not in known)
            )
        if keyword == "propertyNames":
            name_check = self.compile(value)
            return lambda v: not isinstance(v, dict) or all(name_check(k) for k in v)
        if keyword in {"minProperties", "maxProperties"}:
            low = keyword == "minProperties"
            return lambda v: (
                not isinstance(v, dict) or (len(v) >= value if low else len(v) <= value)
            )
        if keyword == "items":
            item = self.compile(value)
            return lambda v: not isinstance(v, list) or all(item(x) for x in v)
        if keyword in {"minItems", "maxItems"}:
            low = keyword == "minItems"
            return lambda v: (
                not isinstance(v, list) or (len(v) >= value if low else len(v) <= value)
            )
        if keyword == "uniqueItems":
            if not value:
                return lambda v: True
            return lambda v: (
                not isinstance(v, list)
                or all(not equal(v[i], v[j]) for i in range(len(v)) for j in range(i + 1, len(v)))
            )
        if keyword == "contains":
            inner = self.compile(value)
            return lambda v: not isinstance(v, list) or any(inner(x) for x in v)
        if keyword in {"minLength", "maxLength"}:
            low = keyword == "minLength"
            return lambda v: not isinstance(v, str) or (len(v) >= value if low else len(v) <= value)
        if keyword == "pattern":
            compiled = re.compile(value)
            return lambda v: not isinstance(v, str) or compiled.search(v) is not None
        if keyword == "format":
            test = self.formats.get(value)
            if test is None:
                return lambda v: True  # unknown formats are annotations, as in jsonschema
            return test
        if keyword in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
            bound = value
            compare: Callable[[Any], bool] = {
                "minimum": lambda x: x >= bound,
                "maximum": lambda x: x <= bound,
                "exclusiveMinimum": lambda x: x > bound,
                "exclusiveMaximum": lambda x: x < bound,
            }[keyword]
            return lambda v: not _is_number(v) or compare(v)
        if keyword in {"allOf", "anyOf", "oneOf"}:
            parts = [self.compile(sub) for sub in value]
            if keyword == "allOf":
                return lambda v: all(p(v) for p in parts)
            if keyword == "anyOf":
                return lambda v: any(p(v) for p in parts)
            return lambda v: sum(1 for p in parts if p(v)) == 1
        if keyword == "not":
            inner = self.compile(value)
            return lambda v: not inner(v)
        if keyword == "if":
            test = self.compile(value)
            then = self.compile(node.get("then", True))
            otherwise = self.compile(node.get("else", True))
            return lambda v: then(v) if test(v) else otherwise(v)
        raise Unsupported(keyword)


def compile_check(
    schema: Mapping[str, Any],
    *,
    formats: Mapping[str, Check] | None = None,
    keywords: Mapping[str, Keyword] | None = None,
) -> Check:
    """A predicate equivalent to `jsonschema`'s is_valid for this schema; raises Unsupported."""
    return _Compiler(schema, formats or {}, keywords or {}).compile(schema)
