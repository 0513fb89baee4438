"""Definition patterns run on citizens' answers with RE2: linear time, whole-answer matches, and
plain-language problems for the patterns RE2 refuses."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest
from builder_testing import fresh_definition, mutate

from builder import compiler, patterns
from builder.compiler import compile_definition
from builder.problems import CODES
from builder.validate import validate

RT = "/form/pages/1/fields/3"  # a text field with pattern [0-9]{1,3} and its own message
GOOD: dict[str, Any] = {
    "nik": "3171011708450001",
    "nama": "Budi Santoso",
    "tanggal_lahir": "1980-08-17",
    "jenis_kelamin": "laki_laki",
    "telepon": "+6281234567890",
    "alasan": "kerja",
    "ktp": {
        "id": "abcdefghijklmnop",
        "name": "ktp.jpg",
        "size": 1500,
        "content_type": "image/jpeg",
    },
    "setuju": True,
}
CATASTROPHIC = "([A-Za-z.]+ ?)+"  # exponential under a backtracking engine
HOSTILE = "Budi Santoso Wijaya Kusumaa!"  # 28 characters that almost match


def _with_pattern(pattern: str) -> dict[str, Any]:
    definition = fresh_definition()
    mutate(definition, RT + "/pattern", pattern)
    return definition


def test_a_catastrophic_pattern_is_checked_quickly() -> None:
    definition = _with_pattern(CATASTROPHIC)
    assert [p.code for p in validate(definition)] == []
    service = compile_definition(definition)
    for answer in (HOSTILE, "a" * 60 + "!", "x. " * 40 + "1"):
        assert len(answer) >= 28
        started = time.perf_counter()
        _, errors = service.check({**GOOD, "rt": answer})
        elapsed = time.perf_counter() - started
        assert [(e.pointer, e.rule) for e in errors] == [("/rt", "pattern")]
        assert elapsed < 0.5, f"{elapsed:.2f}s for {answer!r}"
    assert service.check({**GOOD, "rt": "Budi Santoso"})[1] == []


def test_the_schema_validator_and_the_fast_check_both_use_re2() -> None:
    service = compile_definition(_with_pattern(CATASTROPHIC))
    started = time.perf_counter()
    assert not service._values_pass({"rt": HOSTILE})
    found = list(service.value_validator.iter_errors({"rt": HOSTILE}))
    assert [e.validator for e in found] == ["pattern"]
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("pattern", "answer", "matches"),
    [
        ("[0-9]{1,3}", "005", True),
        ("[0-9]{1,3}", "1234", False),  # the whole answer, not a part of it
        ("[0-9]{1,3}", "x12", False),
        ("[0-9]{1,3}", "12\n", False),  # `re` let a final newline through `$`
        ("a|bc", "a", True),
        ("a|bc", "abc", False),  # alternatives are anchored together
        ("AHU-[0-9A-Za-z. -]{4,60}", "AHU-0012345.AH.01.04.Tahun 2020", True),
        ("(?i)ahu-[0-9]+", "AHU-12", True),
        ("\\p{L}+", "Ñandú", True),
        ("[0-9]{0,3}", "", True),
    ],
)
def test_patterns_match_the_whole_answer(pattern: str, answer: str, matches: bool) -> None:
    assert patterns.full_match(pattern, answer) is matches


def test_compiled_patterns_keep_full_match_semantics() -> None:
    service = compile_definition(fresh_definition())
    rules = {
        answer: [(e.pointer, e.rule) for e in service.check({**GOOD, "rt": answer})[1]]
        for answer in ("005", "1234", "x12", "12\n")
    }
    assert rules == {
        "005": [],
        "1234": [("/rt", "pattern")],
        "x12": [("/rt", "pattern")],
        "12\n": [("/rt", "single_line")],  # a single-line answer never holds a line break
    }


UNSUPPORTED = [
    pytest.param("(?=[0-9]{16})[0-9]+", "lookahead", id="lookahead"),
    pytest.param("(?![0-9]+$).+", "lookahead", id="negative-lookahead"),
    pytest.param("(?<=A)B", "lookbehind", id="lookbehind"),
    pytest.param("([A-Z])\\1", "backreference", id="backreference"),
    pytest.param("(?P<x>[A-Z])(?P=x)", "backreference", id="named-backreference"),
    pytest.param("(?>[0-9]+)", "atomic group", id="atomic-group"),
    pytest.param("[0-9]++", "possessive", id="possessive"),
    pytest.param("(a)?(?(1)b|c)", "conditional", id="conditional"),
    pytest.param("[0-9]+\\Z", "\\Z", id="end-of-string"),
    pytest.param("[0-9]{,3}", "{,n}", id="empty-lower-bound"),
    pytest.param("(?x) [0-9] +", "flag", id="verbose-flag"),
    pytest.param("\\u0041+", "\\u", id="unicode-escape"),
]


@pytest.mark.parametrize(("pattern", "named"), UNSUPPORTED)
def test_constructs_re2_refuses_are_reported_in_plain_language(pattern: str, named: str) -> None:
    (found,) = validate(_with_pattern(pattern))
    assert (found.pointer, found.code, found.severity) == (
        RT + "/pattern",
        "regex-unsupported",
        "error",
    )
    assert named in found.text("en")
    assert found.text("id").startswith("Pola (pattern) memakai ")
    assert found.hint is not None and found.hint["id"] and found.hint["en"]
    for text in (*found.message.values(), *found.hint.values()):
        assert "invalid perl operator" not in text and "invalid escape" not in text
        assert not re.search(r"\{[a-z_]+\}", text), text  # no placeholder left unfilled


@pytest.mark.parametrize(
    ("pattern", "reason_id", "reason_en"),
    [
        ("[0-9", "ada [ tanpa pasangan ]", "a [ has no matching ]"),
        ("(ab", "ada ( tanpa pasangan )", "a ( has no matching )"),
        ("a)|(b", "ada ) tanpa pasangan (", "a ) has no matching ("),
        ("*a", "tanda pengulangan *, + atau ? tidak didahului apa pun", "a repeat *, + or ? follows nothing"),
        ("[z-a]", "rentang dalam [...] terbalik atau tidak dikenal", "a range in [...] is reversed or unknown"),
        ("a{2000}", "pengulangan {n,m} melebihi 1000 atau n lebih besar dari m", "a repeat {n,m} exceeds 1000 or has n greater than m"),
        ("\\q", "\\ diikuti huruf yang tidak dikenal", "a \\ is followed by an unknown letter"),
    ],
)  # fmt: skip
def test_unreadable_patterns_say_why_in_both_languages(
    pattern: str, reason_id: str, reason_en: str
) -> None:
    (found,) = validate(_with_pattern(pattern))
    assert (found.pointer, found.code) == (RT + "/pattern", "bad-regex")
    assert found.text("id") == f"Pola (pattern) bukan regular expression yang sah: {reason_id}."
    assert found.text("en") == f"The pattern is not a valid regular expression: {reason_en}."
    assert found.hint is not None


def test_a_refused_pattern_in_a_published_version_accepts_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A version published before the RE2 check may hold a lookahead: answers to it are refused
    (never matched by a backtracking engine), and the pattern is logged once."""
    definition = _with_pattern("(?=[0-9])[0-9]{1,3}")
    compiler._REFUSED.discard("^(?:(?=[0-9])[0-9]{1,3})$")
    service = compile_definition(definition)
    with caplog.at_level(logging.ERROR, logger="builder.compiler"):
        for _ in range(2):
            assert [(e.pointer, e.rule) for e in service.check({**GOOD, "rt": "005"})[1]] == [
                ("/rt", "pattern")
            ]
    assert len([r for r in caplog.records if "cannot be matched" in r.getMessage()]) == 1


def test_the_new_code_is_catalogued_with_a_hint() -> None:
    entry = CODES["regex-unsupported"]
    assert entry.severity == "error" and entry.hint is not None
    assert CODES["bad-regex"].hint is not None
