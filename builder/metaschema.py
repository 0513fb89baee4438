"""Structural checks against the meta-schema, with validator messages turned into plain language."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from builder.fastcheck import Check, compile_check
from builder.fields import REGISTRY
from builder.pointers import from_parts, join
from builder.problems import Problem, did_you_mean, problem

FORMAT = "loket/service@1"
_HERE = Path(__file__).resolve().parent
_CANDIDATES = (
    _HERE / "_schemas" / "service.schema.json",
    _HERE.parent / "schemas" / "service.schema.json",
)

_TYPE_NAMES = {
    "object": ("objek {...}", "an object {...}"),
    "array": ("daftar [...]", "a list [...]"),
    "string": ("teks dalam tanda kutip", "a quoted text"),
    "integer": ("bilangan bulat", "a whole number"),
    "number": ("angka", "a number"),
    "boolean": ("true atau false", "true or false"),
}

_IDENTIFIER_RULES = {
    "^[a-z][a-z0-9]*(-[a-z0-9]+)*$": (
        "Pakai huruf kecil, angka dan tanda hubung, diawali huruf, misalnya 'surat-domisili'.",
        "Use lower-case letters, digits and dashes, starting with a letter, e.g. 'surat-domisili'.",
    ),
    "^[a-z][a-z0-9_]*$": (
        "Pakai huruf kecil, angka dan garis bawah, diawali huruf, misalnya 'nama_lengkap'.",
        "Use lower-case letters, digits and underscores, starting with a letter, e.g. 'nama_lengkap'.",
    ),
}


def schema_path() -> Path:
    """Where the meta-schema file lives (inside the package when installed, else in the repo)."""
    for candidate in _CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError("service.schema.json not found")


@cache
def meta_schema() -> dict[str, Any]:
    """The meta-schema of the definition language."""
    loaded: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(meta_schema())


def _defs() -> dict[str, Any]:
    defs: dict[str, Any] = meta_schema()["$defs"]
    return defs


def _pointer(error: ValidationError) -> str:
    return from_parts(error.absolute_path)


def _allowed_names(schema: Mapping[str, Any]) -> list[str]:
    names = schema.get("propertyNames", {}).get("enum")
    if names:
        return list(names)
    return list(schema.get("properties", {}))


OFFICER_ONLY = ("applicant_sees",)  # field keys that only officer fields take


def _unknown_key(pointer: str, key: str, allowed: list[str]) -> Problem:
    if pointer.startswith("/form/"):
        allowed = [name for name in allowed if name not in OFFICER_ONLY]
    return problem(
        "unknown-key",
        join(pointer, key),
        key=key,
        allowed=", ".join(allowed),
        **did_you_mean(key, allowed),
    )


def _branch_for(error: ValidationError) -> list[ValidationError]:
    """For a failed oneOf on a condition or a text, pick the branch the author meant."""
    instance = error.instance
    schemas = error.validator_value
    if isinstance(instance, Mapping):
        for index, branch in enumerate(schemas):
            required = branch.get("required", [])
            if required and all(k in instance for k in required):
                return [
                    e
                    for e in error.context or []
                    if e.relative_schema_path and e.relative_schema_path[0] == index
                ]
    return []


def _translate(error: ValidationError) -> Iterable[Problem]:
    pointer = _pointer(error)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "required":
        for key in value:
            if isinstance(instance, Mapping) and key not in instance:
                yield problem("missing-key", join(pointer, key), key=key)
        return
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        known = set(schema.get("properties", {}))
        for key in instance:
            if key not in known:
                yield _unknown_key(pointer, key, sorted(known))
        return
    if keyword == "propertyNames" or (
        error.relative_schema_path and "propertyNames" in list(error.relative_schema_path)
    ):
        yield from _property_name(error)
        return
    if keyword == "type":
        expected = value if isinstance(value, str) else value[0]
        id_name, en_name = _TYPE_NAMES.get(expected, (expected, expected))
        yield problem("wrong-type", pointer, expected=id_name, expected_en=en_name)
        return
    if keyword == "const" and pointer == "/format":
        yield problem("wrong-format-version", pointer)
        return
    if keyword in {"enum", "const"}:
        allowed = value if keyword == "enum" else [value]
        if pointer.endswith("/type") and "/fields/" in pointer:
            yield problem(
                "unknown-field-type", pointer, value=instance, allowed=", ".join(REGISTRY)
            )
        else:
            yield problem(
                "bad-value",
                pointer,
                value=json.dumps(instance, ensure_ascii=False),
                allowed=", ".join(json.dumps(a, ensure_ascii=False) for a in allowed),
            )
        return
    if keyword == "pattern":
        if value in _IDENTIFIER_RULES:
            rule_id, rule_en = _IDENTIFIER_RULES[value]
            yield problem(
                "bad-identifier", pointer, value=instance, rule_id=rule_id, rule_en=rule_en
            )
        elif value == _defs()["date_bound"]["pattern"]:
            yield problem("bad-date-bound", pointer, value=instance)
        elif value == _defs()["time_of_day"]["pattern"]:
            yield problem("bad-time", pointer, value=instance)
        else:
            yield problem("bad-pattern-value", pointer, value=instance)
        return
    if keyword in {"minLength", "maxLength"}:
        if keyword == "minLength" and value == 1:
            yield problem("too-short", pointer, limit=1)
        else:
            yield problem(
                "too-short" if keyword == "minLength" else "too-long", pointer, limit=value
            )
        return
    if keyword in {"minimum", "exclusiveMinimum"}:
        yield problem("too-small", pointer, limit=value)
        return
    if keyword in {"maximum", "exclusiveMaximum"}:
        yield problem("too-big", pointer, limit=value)
        return
    if keyword in {"minItems", "minProperties"}:
        yield problem("too-few-items", pointer, limit=value)
        return
    if keyword in {"maxItems", "maxProperties"}:
        yield problem("too-many-items", pointer, limit=value)
        return
    if keyword in {"oneOf", "anyOf"}:
        yield from _one_of(error, pointer, schema)
        return
    yield problem("invalid-structure", pointer, detail=error.message[:200])


def _property_name(error: ValidationError) -> Iterable[Problem]:
    # propertyNames failures: `instance` is the offending name, the path is the object's.
    pointer = _pointer(error)
    name = error.instance
    parent_schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "pattern" and error.validator_value in _IDENTIFIER_RULES:
        rule_id, rule_en = _IDENTIFIER_RULES[error.validator_value]
        yield problem(
            "bad-identifier", join(pointer, str(name)), value=name, rule_id=rule_id, rule_en=rule_en
        )
        return
    allowed = parent_schema.get("enum") or _allowed_names(parent_schema)
    yield _unknown_key(pointer, str(name), list(allowed))


def _one_of(error: ValidationError, pointer: str, schema: Mapping[str, Any]) -> Iterable[Problem]:
    defs = _defs()
    if schema == defs["text"]:
        if isinstance(error.instance, Mapping):
            sub = _branch_problems(error, 1)
            yield from sub or [problem("bad-text", pointer)]
        elif isinstance(error.instance, str):
            yield (
                problem("too-short", pointer, limit=1)
                if not error.instance
                else problem("too-long", pointer, limit=5000)
            )
        else:
            yield problem("bad-text", pointer)
        return
    if schema == defs["condition"]:
        chosen = _branch_for(error)
        if isinstance(error.instance, Mapping) and chosen:
            found = [p for sub in chosen for p in _translate(sub)]
            if "field" in error.instance and all(
                p.code in {"too-few-items", "too-many-items"} for p in found
            ):
                yield problem(
                    "bad-condition",
                    pointer,
                    detail_id="tulis tepat satu operator: " + ", ".join(_operators()) + ".",
                    detail_en="write exactly one operator: " + ", ".join(_operators()) + ".",
                )
                return
            if "group" in error.instance and all(
                p.code in {"too-few-items", "too-many-items"} for p in found
            ):
                yield problem(
                    "bad-condition",
                    pointer,
                    detail_id="uji grup ditulis dengan tepat satu dari some, every, none.",
                    detail_en="a group test takes exactly one of some, every, none.",
                )
                return
            yield from found
            return
        yield problem(
            "bad-condition",
            pointer,
            detail_id="bentuknya tidak dikenal.",
            detail_en="unknown shape.",
        )
        return
    if schema in (defs["date_limit"], _inline(defs["date_limit"], defs)):
        if isinstance(error.instance, str):
            yield problem("bad-date-bound", pointer, value=error.instance)
            return
        chosen = _branch_for(error)
        if isinstance(error.instance, Mapping) and chosen:
            yield from (p for sub in chosen for p in _translate(sub))
            return
        yield problem("bad-date-limit", pointer, value=json.dumps(error.instance)[:80])
        return
    if schema == defs["expression"]:
        chosen = _branch_for(error)
        if isinstance(error.instance, Mapping) and chosen:
            yield from (p for sub in chosen for p in _translate(sub))
            return
        yield problem("bad-expression", pointer, value=json.dumps(error.instance)[:80])
        return
    if "from" in pointer.rsplit("/", 1)[-1]:
        yield problem("bad-state-list", pointer)
        return
    yield problem("invalid-structure", pointer, detail=error.message[:200])


def _branch_problems(error: ValidationError, index: int) -> list[Problem]:
    return [
        p
        for e in error.context or []
        if e.relative_schema_path and e.relative_schema_path[0] == index
        for p in _translate(e)
    ]


def _operators() -> list[str]:
    branches = _defs()["condition"]["anyOf"]
    leaf = next(b for b in branches if b.get("required") == ["field"])
    return [k for k in leaf["properties"] if k != "field"]


def _order(path: Iterable[Any]) -> list[tuple[int, int, str]]:
    """A sort key giving document order: list indexes compare as numbers."""
    return [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in path]


# Checking each field against the one branch of `$defs/field` that its type selects gives the
# same problems as the whole meta-schema, several times faster: the full `field` schema tries
# every type's if/then branch on every field. The document is checked with fields left open,
# then each field with the schema of its type (unknown types fall back to the full schema).


_RECURSIVE = frozenset({"field", "condition", "expression"})


def _inline(node: Any, defs: Mapping[str, Any]) -> Any:
    """A copy of `node` with references to non-recursive definitions replaced by their content,
    which spares the validator a reference lookup at every use."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/$defs/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in _RECURSIVE:
                return _inline(defs[name], defs)
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, defs) for value in node]
    return node


@cache
def _document_validator() -> Draft202012Validator:
    schema = copy.deepcopy(meta_schema())
    schema["$defs"]["page"]["properties"]["fields"]["items"] = {}
    schema["$defs"]["transition"]["properties"]["fields"]["items"] = {}
    body = _inline({k: v for k, v in schema.items() if k != "$defs"}, schema["$defs"])
    return Draft202012Validator({**body, "$defs": schema["$defs"]})


def _merged_field(common: Mapping[str, Any], then: Mapping[str, Any]) -> dict[str, Any]:
    """`field_common` and one type's branch as one object schema with additionalProperties false
    (cheaper to check than propertyNames, and it names the same unknown keys)."""
    allowed: list[str] = list(then["propertyNames"]["enum"])
    properties = {
        name: then.get("properties", {}).get(name) or common["properties"].get(name) or {}
        for name in allowed
    }
    required = list(dict.fromkeys([*common.get("required", []), *then.get("required", [])]))
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


@cache
def _field_validators() -> dict[str, Draft202012Validator]:
    schema = meta_schema()
    validators: dict[str, Draft202012Validator] = {}
    for branch in schema["$defs"]["field"]["allOf"]:
        selector = branch["if"]["properties"]["type"]
        names = [selector["const"]] if "const" in selector else list(selector["enum"])
        for name in names:
            body = _inline(
                _merged_field(schema["$defs"]["field_common"], branch["then"]), schema["$defs"]
            )
            validators[name] = Draft202012Validator(
                {"$schema": schema["$schema"], "$defs": schema["$defs"], **body}
            )
    return validators


@cache
def _any_field_validator() -> Draft202012Validator:
    schema = meta_schema()
    return Draft202012Validator(
        {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/field"}
    )


def _field_lists(definition: Any) -> Iterable[tuple[list[Any], list[Any]]]:
    """Every list of field specs (form pages, then transitions) with the path to it."""
    if not isinstance(definition, Mapping):
        return
    form = definition.get("form")
    pages = form.get("pages") if isinstance(form, Mapping) else None
    for page_index, page in enumerate(pages if isinstance(pages, list) else []):
        fields = page.get("fields") if isinstance(page, Mapping) else None
        if isinstance(fields, list):
            yield ["form", "pages", page_index, "fields"], fields
    workflow = definition.get("workflow")
    moves = workflow.get("transitions") if isinstance(workflow, Mapping) else None
    for index, move in enumerate(moves if isinstance(moves, list) else []):
        fields = move.get("fields") if isinstance(move, Mapping) else None
        if isinstance(fields, list):
            yield ["workflow", "transitions", index, "fields"], fields


def _field_errors(definition: Any) -> Iterable[ValidationError]:
    typed = _field_validators()
    for path, fields in _field_lists(definition):
        for field_index, spec in enumerate(fields):
            kind = spec.get("type") if isinstance(spec, Mapping) else None
            validator = typed.get(kind) if isinstance(kind, str) else None
            for error in (validator or _any_field_validator()).iter_errors(spec):
                error.path.extendleft(reversed([*path, field_index]))
                yield error


@cache
def _fast_meta() -> Check:
    return compile_check(meta_schema())


def structural_problems(definition: Any) -> list[Problem]:
    """Check a loaded definition against the meta-schema.

    A compiled yes/no check answers first; only a definition it rejects goes through
    `jsonschema`, which names every problem.
    """
    if _fast_meta()(definition):
        return []
    found: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    errors = [*_document_validator().iter_errors(definition), *_field_errors(definition)]
    for error in sorted(errors, key=lambda e: _order(e.absolute_path)):
        for item in _translate(error):
            marker = (item.pointer, item.code)
            if marker not in seen:
                seen.add(marker)
                found.append(item)
    return found


def full_structural_problems(definition: Any) -> list[Problem]:
    """The same check with the whole meta-schema in one pass (slower; tests compare the two)."""
    found: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in sorted(
        _validator().iter_errors(definition), key=lambda e: _order(e.absolute_path)
    ):
        for item in _translate(error):
            marker = (item.pointer, item.code)
            if marker not in seen:
                seen.add(marker)
                found.append(item)
    return found
