"""The compiled yes/no check agrees with jsonschema on Loket's schemas, valid and fuzzed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from builder import compiler
from builder.compiler import compile_definition
from builder.fastcheck import Unsupported, compile_check, equal
from builder.metaschema import meta_schema

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = [
    json.loads(p.read_text()) for p in sorted((ROOT / "schemas" / "examples").glob("*.json"))
]
ALL_FIELDS = json.loads((ROOT / "tests" / "fixtures" / "all_fields.json").read_text())
DEFINITIONS.append(ALL_FIELDS)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "today", "2024-02-30", "2020-01-01", "petugas", "text", "a b", "ya"]),
    st.text(max_size=6),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["id", "en", "key", "type", "label", "field", "equals", "x"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = node
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return node


@pytest.fixture(scope="module")
def meta() -> tuple[Any, Draft202012Validator]:
    return compile_check(meta_schema()), Draft202012Validator(meta_schema())


def test_examples_pass_both(meta: tuple[Any, Draft202012Validator]) -> None:
    fast, slow = meta
    for definition in DEFINITIONS:
        assert fast(definition) is True and slow.is_valid(definition)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzzed_definitions_get_the_same_verdict(
    meta: tuple[Any, Draft202012Validator], data: st.DataObject
) -> None:
    fast, slow = meta
    definition = copy.deepcopy(data.draw(st.sampled_from(DEFINITIONS)))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(definition)))
        if data.draw(st.booleans()):
            definition = _set(definition, path, data.draw(values))
        else:  # add a key where there is an object: unknown keys must be refused alike
            target = _get(definition, path)
            if isinstance(target, dict):
                target[
                    data.draw(st.sampled_from(["x", "max_lenght", "label", "id", "en", "final"]))
                ] = data.draw(values)
    assert fast(definition) == slow.is_valid(definition)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fuzzed_answers_get_the_same_verdict(data: st.DataObject) -> None:
    service = compile_definition(ALL_FIELDS)
    schema = service.value_validator.schema
    check = compiler.fast_check(schema)
    assert check is not None
    keys = sorted(schema["properties"])
    answers = {
        key: data.draw(values) for key in data.draw(st.lists(st.sampled_from(keys), max_size=8))
    }
    assert check(answers) == service.value_validator.is_valid(answers)


def test_valid_answers_pass_the_fast_check() -> None:
    service = compile_definition(ALL_FIELDS)
    check = compiler.fast_check(service.value_validator.schema)
    assert check is not None
    assert check({}) is True
    assert check({"nonexistent": 1}) is True  # unknown keys are the presence check's business


def test_unknown_keywords_are_refused() -> None:
    with pytest.raises(Unsupported):
        compile_check({"dependentRequired": {"a": ["b"]}})


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        (1, 1.0, True),
        (True, 1, False),
        (False, 0, False),
        ([1, "a"], [1.0, "a"], True),
        ({"a": [True]}, {"a": [True]}, True),
        ("1", 1, False),
        (None, None, True),
    ],
)
def test_json_equality(left: Any, right: Any, same: bool) -> None:
    assert equal(left, right) is same
