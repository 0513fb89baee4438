"""Reading definitions: files, texts, bytes and dicts; bad input is reported, never raised."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from builder_testing import fresh_definition
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.loader import MAX_BYTES, MAX_DEPTH, Loaded, load, load_path, loads
from builder.problems import Problem
from builder.validate import is_valid, validate


def only_problem(loaded: Loaded) -> Problem:
    assert loaded.definition is None
    assert not loaded.ok
    assert len(loaded.problems) == 1
    return loaded.problems[0]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param('{"a": 1,}', 1, 8, id="trailing-comma"),
        pytest.param('{\n  "a": 1,\n  "b" 2\n}', 3, 7, id="missing-colon"),
        pytest.param("{'a': 1}", 1, 2, id="single-quotes"),
        pytest.param('{"a": [1, 2}', 1, 12, id="unclosed-list"),
        pytest.param("", 1, 1, id="empty"),
        pytest.param('{"a": 1} x', 1, 10, id="trailing-garbage"),
    ],
)
def test_not_json_names_line_and_column(text: str, line: int, column: int) -> None:
    found = only_problem(loads(text))
    assert found.code == "json-syntax"
    assert found.pointer == ""
    assert f"(baris {line}, kolom {column})" in found.text("id")
    assert f"(line {line}, column {column})" in found.text("en")
    assert found.excerpt is not None
    assert found.excerpt.splitlines()[-1] == " " * (column - 1) + "^"
    assert found.to_dict()["excerpt"] == found.excerpt


def test_nan_is_not_json() -> None:
    found = only_problem(loads('{"a": NaN}'))
    assert found.code == "json-syntax"
    assert "NaN" in found.text("en")


def test_nan_is_reported_with_its_position() -> None:
    found = only_problem(loads('{\n  "a": NaN\n}'))
    assert "(line 2, column 8)" in found.text("en")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("[]", "array", id="array"),
        pytest.param('[{"format": "loket/service@1"}]', "array", id="array-of-object"),
        pytest.param('"surat"', "string", id="string"),
        pytest.param("42", "number", id="integer"),
        pytest.param("4.5", "number", id="float"),
        pytest.param("true", "boolean", id="boolean"),
        pytest.param("null", "null", id="null"),
    ],
)
def test_not_an_object(text: str, found: str) -> None:
    item = only_problem(loads(text))
    assert item.code == "not-object"
    assert item.pointer == ""
    assert item.text("en") == f"A definition must be one JSON object {{ ... }}, not {found}."


def test_not_an_object_from_python_value() -> None:
    assert only_problem(load([1, 2])).code == "not-object"  # type: ignore[arg-type]


def test_too_large_text_bytes_and_file(tmp_path: Path) -> None:
    big = '{"x": "' + "a" * MAX_BYTES + '"}'
    for source in (big, big.encode()):
        item = only_problem(loads(source))
        assert item.code == "too-large"
        assert str(MAX_BYTES) in item.text("en")
    path = tmp_path / "big.json"
    path.write_text(big, encoding="utf-8")
    item = only_problem(load_path(path))
    assert item.code == "too-large"
    assert str(path.stat().st_size) in item.text("en")


def test_just_under_the_size_limit_is_read() -> None:
    pad = MAX_BYTES - 100
    loaded = loads('{"x": "' + "a" * pad + '"}')
    assert loaded.ok
    assert loaded.problems == []


def test_size_counts_utf8_bytes_not_characters() -> None:
    # 400 000 characters of 3 bytes each: 1.2 MB
    item = only_problem(loads('{"x": "' + "ሴ" * 400_000 + '"}'))
    assert item.code == "too-large"


@pytest.mark.parametrize("opener", ["[", '{"a":'], ids=["lists", "objects"])
def test_deep_nesting_is_refused_quickly(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = opener * 100_000 + "1" + closer * 100_000
    started = time.perf_counter()
    item = only_problem(loads(text))
    assert time.perf_counter() - started < 2.0
    assert item.code == "too-deep"
    assert str(MAX_DEPTH) in item.text("en")
    # validate goes through the same path and must not hit a RecursionError either
    assert [(p.pointer, p.code) for p in validate(text)] == [("", "too-deep")]


def test_deep_nesting_in_python_value_is_refused() -> None:
    value: Any = 1
    for _ in range(100_000):
        value = [value]
    item = only_problem(load({"x": value}))
    assert item.code == "too-deep"


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    definition = fresh_definition()
    definition["summary"] = "[" * 500 + "{" * 500
    loaded = loads(json.dumps(definition))
    assert loaded.ok
    assert is_valid(loaded)


def test_nesting_at_the_limit_is_read() -> None:
    # the object itself is one level; MAX_DEPTH levels in all are allowed, one more is not
    inner = MAX_DEPTH - 1
    assert loads('{"x": ' + "[" * inner + "]" * inner + "}").problems == []
    deeper = only_problem(loads('{"x": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"))
    assert deeper.code == "too-deep"


def test_invalid_utf8(tmp_path: Path) -> None:
    payload = b'{"title": "Surat \xff\xfe"}'
    item = only_problem(loads(payload))
    assert item.code == "file-unreadable"
    assert "UTF-8" in item.text("en")
    path = tmp_path / "latin1.json"
    path.write_bytes(payload)
    assert only_problem(load_path(path)).code == "file-unreadable"


def test_utf8_with_bom_is_read() -> None:
    loaded = loads(b"\xef\xbb\xbf" + json.dumps(fresh_definition()).encode())
    assert loaded.ok
    assert is_valid(loaded)


def test_unreadable_path(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.json"
    loaded = load_path(path)
    item = only_problem(loaded)
    assert item.code == "file-unreadable"
    assert item.text("en").startswith("The file cannot be read: ")
    assert loaded.source == str(path)
    assert [p.code for p in validate(path)] == ["file-unreadable"]


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_only_regular_files_are_read(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("named pipes need POSIX")
        path = tmp_path / "pipa.json"
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    else:
        path = tmp_path
    # If the loader did open the pipe, a writer arrives after a while and the test fails
    # (the reader would get an empty file) instead of hanging.
    rescue = threading.Timer(10, lambda: path.open("wb").close() if kind == "fifo" else None)
    rescue.start()
    try:
        loaded = load_path(path)
    finally:
        rescue.cancel()
    item = only_problem(loaded)
    assert item.code == "not-a-file"
    expected = {"directory": "a folder", "fifo": "a pipe (FIFO)"}[kind]
    assert item.text("en") == f"Not a regular file but {expected}; only regular files are read."
    assert loaded.source == str(path)
    assert [p.code for p in validate(path)] == ["not-a-file"]


def test_load_from_dict_str_bytes_and_path(tmp_path: Path) -> None:
    definition = fresh_definition()
    text = json.dumps(definition, ensure_ascii=False)
    path = tmp_path / "surat.json"
    path.write_text(text, encoding="utf-8")
    for source in (definition, text, text.encode("utf-8"), path):
        loaded = load(source)
        assert loaded.ok, source
        assert loaded.problems == []
        assert loaded.definition == definition
        assert is_valid(source)
    assert load(path).source == str(path)
    assert load(str(path)).definition is None  # a str is JSON text, not a path


def test_loading_a_dict_does_not_share_the_top_level_object() -> None:
    definition = fresh_definition()
    loaded = load(definition)
    assert loaded.definition is not definition
    assert loaded.definition == definition


def test_validate_accepts_a_loaded_value() -> None:
    loaded = loads("[]")
    assert [p.code for p in validate(loaded)] == ["not-object"]


# -- validate never raises ---------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)
# objects that look a little like a definition, so that validation gets past the first check
DEFINITION_KEYS = st.sampled_from(
    ["format", "id", "agency", "title", "form", "pages", "fields", "workflow", "states", "roles",
     "transitions", "key", "type", "label", "visible_if", "field", "equals", "from", "to"]
)  # fmt: skip
definition_like = st.recursive(
    json_scalars | st.sampled_from(["loket/service@1", "text", "group", "lainnya", "applicant"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(DEFINITION_KEYS | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values, definition_like))
def test_validate_never_raises_on_any_json_value(value: Any) -> None:
    # as a parsed value (a str is read as JSON text, which is garbage too) and as JSON text
    for source in (value, json.dumps(value)):
        problems = validate(source)
        assert isinstance(problems, list)
        assert all(isinstance(p, Problem) for p in problems)
    if not isinstance(value, dict):
        assert [p.code for p in validate(json.dumps(value))] == ["not-object"]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_validate_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    problems = validate(data)
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    assert problems  # random bytes are never a valid definition
