"""JSON text as people write it: duplicate keys with both places, syntax errors in plain words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from builder_testing import fresh_definition

from builder.jsontext import JsonTextError, excerpt, parse
from builder.loader import loads
from builder.problems import Problem
from builder.validate import validate


def syntax(text: str) -> Problem:
    loaded = loads(text)
    assert loaded.definition is None
    (found,) = loaded.problems
    assert found.code == "json-syntax"
    return found


def test_parse_without_duplicates_gives_the_value() -> None:
    assert parse('{"a": [1, {"b": "x"}]}') == ({"a": [1, {"b": "x"}]}, [])


def test_every_duplicate_key_is_found_with_both_places() -> None:
    text = '{\n  "a": 1,\n  "b": {"c": [1, {"d": 1,\n    "d": 2, "d": 3}]},\n  "a": 4\n}'
    value, found = parse(text)
    assert value == {"a": 4, "b": {"c": [1, {"d": 3}]}}  # what json.loads keeps: the last
    assert [(d.key, d.pointer, d.first, d.again) for d in found] == [
        ("d", "/b/c/1/d", (3, 19), (4, 5)),
        ("d", "/b/c/1/d", (3, 19), (4, 13)),
        ("a", "/a", (2, 3), (5, 3)),
    ]


def test_duplicate_keys_with_escapes_in_their_names() -> None:
    _, found = parse('{"x/y": 1, "x\\/y": 2, "t~": {}, "t~": {}}')
    assert [d.pointer for d in found] == ["/x~1y", "/t~0"]


def test_a_state_pasted_twice_is_an_error_with_both_lines() -> None:
    definition = fresh_definition()
    text = json.dumps(definition, ensure_ascii=False, indent=2)
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == '"selesai": {')
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    end = next(i for i in range(start, len(lines)) if lines[i] in {indent + "}", indent + "},"})
    block = lines[start : end + 1]
    pasted = [*lines[:start], *block[:-1], indent + "},", *lines[start:]]
    problems = validate("\n".join(pasted).encode())
    assert [(p.pointer, p.code, p.severity) for p in problems] == [
        ("/workflow/states/selesai", "duplicate-key", "error")
    ]
    (found,) = problems
    column = lines[start].index('"') + 1
    assert found.text("en") == (
        f"'selesai' is written twice in the same object: line {start + 1} column {column}"
        f" and line {end + 2} column {column}; the first one is lost."
    )
    assert found.hint_text("id") is not None


def test_duplicate_keys_come_before_other_problems() -> None:
    text = '{"format": "loket/service@1", "format": "loket/service@1"}'
    codes = [p.code for p in validate(text)]
    assert codes[0] == "duplicate-key"
    assert "missing-key" in codes


def test_a_dict_has_no_duplicate_keys(valid_definition: dict[str, Any]) -> None:
    assert validate(valid_definition) == []


@pytest.mark.parametrize(
    ("text", "line", "column", "reason", "hint"),
    [
        pytest.param(
            '{\n  "a": [1, 2,\n  ]\n}',
            2,
            13,
            "there is a comma before the closing bracket",
            "Remove the comma after the last item",
            id="trailing-comma-list",
        ),
        pytest.param(
            '{"a": 1,\n}',
            1,
            8,
            "there is a comma before the closing bracket",
            "Remove the comma",
            id="trailing-comma-object",
        ),
        pytest.param(
            '{"a": "abc, "b": 1}',
            1,
            14,
            "unbalanced quotes",
            "every text opens and closes",
            id="missing-quote",
        ),
        pytest.param(
            '{"a": "abc\n}',
            1,
            11,
            "its closing quote may be missing",
            'Close the text with "',
            id="missing-quote-at-line-end",
        ),
        pytest.param(
            '{"a": "abc}',
            1,
            7,
            "a closing quote is missing",
            'Close the text that starts here with "',
            id="unterminated-string",
        ),
        pytest.param(
            '{\n  "a": {\n    "b": 1\n',
            4,
            1,
            "the '{' opened at line 2, column 8 is never closed",
            "Add '}'",
            id="unclosed-bracket",
        ),
        pytest.param(
            '{"a": [1, 2}',
            1,
            12,
            "'}' closes the '[' from line 1, column 7, which must be closed with ']'",
            "Add ']' before '}'",
            id="mismatched-bracket",
        ),
        pytest.param(
            '{"a": 1}}', 1, 9, "this '}' closes nothing", "Remove the extra '}'", id="extra-bracket"
        ),
        pytest.param("{'a': 1}", 1, 2, "single quotes", "double quotes", id="single-quotes"),
        pytest.param("{a: 1}", 1, 2, "a key must be in double quotes", '"name"', id="bare-key"),
        pytest.param('{"a" 1}', 1, 6, "the colon after a key is missing", '"name"', id="colon"),
        pytest.param(
            '{"a": 1 "b": 2}',
            1,
            9,
            "a comma between two items is missing",
            "Add a comma",
            id="comma",
        ),
        pytest.param('{"a": True}', 1, 7, "'True' is not a JSON value", "true", id="python-true"),
        pytest.param('{"a": }', 1, 7, "a value is expected here", "double quotes", id="no-value"),
        pytest.param('{"a": "C:\\x"}', 1, 10, "backslash", "\\\\", id="backslash"),
        pytest.param('{"a": 1} {}', 1, 10, "more text after", "exactly one object", id="two"),
        pytest.param("  ", 1, 3, "the file is empty", '{"format"', id="empty"),
        pytest.param('{"a": -Infinity}', 1, 7, "-Infinity is not a valid number", "null", id="inf"),
    ],
)
def test_syntax_errors_are_explained(
    text: str, line: int, column: int, reason: str, hint: str
) -> None:
    found = syntax(text)
    assert f"(line {line}, column {column}): " in found.text("en")
    assert f"(baris {line}, kolom {column}): " in found.text("id")
    assert reason in found.text("en")
    hint_en = found.hint_text("en")
    assert hint_en is not None and hint in hint_en
    assert found.hint_text("id") and found.hint_text("id") != hint_en
    assert "Expecting" not in found.text("id") + found.text("en")  # the parser's own words
    assert found.excerpt is not None
    assert found.excerpt.splitlines()[-1] == " " * (column - 1) + "^"


def test_indonesian_message_of_a_trailing_comma() -> None:
    found = syntax('{"a": 1,}')
    assert found.text("id") == (
        "Bukan JSON yang sah (baris 1, kolom 8): ada koma sebelum kurung penutup."
    )
    assert found.hint_text("id") == (
        "Hapus koma setelah butir terakhir; JSON tidak membolehkan koma di ujung daftar."
    )


def test_excerpt_of_a_long_line_is_shortened_around_the_place() -> None:
    text = '{"a": "' + "x" * 200 + '", "b": ,"c": "' + "y" * 200 + '"}'
    index = text.index(": ,") + 2
    shown = excerpt(text, index)
    line, caret = shown.splitlines()
    assert len(line) <= 74
    assert line.startswith("…") and line.endswith("…")
    assert line[len(caret) - 1] == text[index]


def test_the_error_keeps_the_explanation() -> None:
    with pytest.raises(JsonTextError) as caught:
        parse("[1,]")
    assert caught.value.problem.at == (1, 3)
    assert str(caught.value) == "there is a comma before the closing bracket"
