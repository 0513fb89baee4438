"""Patterns from a definition, matched against citizens' answers with RE2.

Python's `re` backtracks: a pattern such as `([A-Za-z.]+ ?)+` takes seconds on a short hostile
answer, and the worker checking it serves no one else meanwhile. RE2 matches in time linear in
the answer's length whatever the pattern, and refuses the constructs that need backtracking
(backreferences, lookahead and lookbehind, atomic groups, possessive repeats). The builder
reports such a pattern as `regex-unsupported` and a pattern RE2 cannot read at all as
`bad-regex`, each with a plain-language reason in both languages, never the parser's own text.

A pattern must match the whole answer (`full_match`); the compiled submission schema carries it
as `^(?:pattern)$`, which matches the same way under JSON Schema's search semantics. Under RE2,
`$` is the end of the answer only (not "before a final newline" as in `re`), and `\\d`, `\\w`,
`\\s` and `\\b` are ASCII classes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

from builder.texts import Message, msg

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every refused pattern on stderr

# What RE2 refuses although `re` knows it: the construct, then how to do without it.
_LOOKAHEAD = (
    msg("pemeriksaan ke depan (?= atau (?!)", "a lookahead ((?= or (?!)"),
    msg(
        "Tulis langsung bentuk yang diminta, misalnya [0-9]{16}; aturan tambahan dapat dijelaskan "
        "di messages.pattern atau dipecah menjadi isian lain.",
        "Write the expected form directly, e.g. [0-9]{16}; state further rules in "
        "messages.pattern or ask for them in another field.",
    ),
)
_LOOKBEHIND = (
    msg("pemeriksaan ke belakang (?<= atau (?<!)", "a lookbehind ((?<= or (?<!)"),
    _LOOKAHEAD[1],
)
_BACKREFERENCE = (
    msg("rujukan balik ke kelompok (\\1, (?P=nama))", "a backreference (\\1, (?P=name))"),
    msg(
        "Tulis ulang bagian yang diulang, misalnya ([A-Z]{2})-[A-Z]{2} daripada ([A-Z]{2})-\\1.",
        "Repeat the part itself, e.g. ([A-Z]{2})-[A-Z]{2} instead of ([A-Z]{2})-\\1.",
    ),
)
_ATOMIC = (
    msg("kelompok atomik (?>...)", "an atomic group (?>...)"),
    msg("Pakai kelompok biasa (?:...).", "Use a plain group (?:...)."),
)
_POSSESSIVE = (
    msg("pengulangan posesif (*+, ++, ?+)", "a possessive repeat (*+, ++, ?+)"),
    msg("Hapus + kedua: a*+ menjadi a*.", "Drop the second +: a*+ becomes a*."),
)
_CONDITIONAL = (
    msg("kelompok bersyarat (?(...)...)", "a conditional group (?(...)...)"),
    msg(
        "Pakai pilihan biasa a|b untuk bentuk-bentuk yang diterima.",
        "List the accepted forms as alternatives a|b.",
    ),
)
_END = (
    msg("\\Z", "\\Z"),
    msg(
        "Hapus \\Z: pola selalu harus cocok dengan seluruh jawaban.",
        "Drop \\Z: a pattern always has to match the whole answer.",
    ),
)
_UNICODE_ESCAPE = (
    msg("penulisan karakter \\u, \\U atau \\N{...}", "a character escape \\u, \\U or \\N{...}"),
    msg(
        "Tulis karakternya langsung, atau sebagai \\x{20AC}.",
        "Write the character itself, or as \\x{20AC}.",
    ),
)
_FLAG = (
    msg("penanda (?x), (?a), (?u) atau (?L)", "a flag (?x), (?a), (?u) or (?L)"),
    msg(
        "Hapus penanda itu; yang dikenal hanya (?i), (?m), (?s) dan (?U).",
        "Drop the flag; only (?i), (?m), (?s) and (?U) are known.",
    ),
)
_COMMENT = (
    msg("komentar (?#...)", "a comment (?#...)"),
    msg("Hapus komentar itu.", "Drop the comment."),
)
_EMPTY_LOW = (
    msg("pengulangan {,n} tanpa batas bawah", "a repeat {,n} without a lower bound"),
    msg("Tulis {0,n}, misalnya [0-9]{0,3}.", "Write {0,n}, e.g. [0-9]{0,3}."),
)

# Why RE2 cannot read a pattern, by the start of its error text.
_REASONS: tuple[tuple[str, Message], ...] = (
    ("missing )", msg("ada ( tanpa pasangan )", "a ( has no matching )")),
    ("unexpected )", msg("ada ) tanpa pasangan (", "a ) has no matching (")),
    ("missing ]", msg("ada [ tanpa pasangan ]", "a [ has no matching ]")),
    (
        "no argument for repetition operator",
        msg(
            "tanda pengulangan *, + atau ? tidak didahului apa pun",
            "a repeat *, + or ? follows nothing",
        ),
    ),
    (
        "bad repetition operator",
        msg("dua tanda pengulangan berurutan", "two repeat signs follow each other"),
    ),
    (
        "invalid repetition size",
        msg(
            "pengulangan {n,m} melebihi 1000 atau n lebih besar dari m",
            "a repeat {n,m} exceeds 1000 or has n greater than m",
        ),
    ),
    (
        "invalid character class range",
        msg(
            "rentang dalam [...] terbalik atau tidak dikenal",
            "a range in [...] is reversed or unknown",
        ),
    ),
    (
        "invalid escape sequence",
        msg("\\ diikuti huruf yang tidak dikenal", "a \\ is followed by an unknown letter"),
    ),
    ("trailing \\", msg("pola berakhir dengan \\", "the pattern ends with \\")),
    (
        "invalid named capture group",
        msg("nama kelompok (?P<nama>...) tidak sah", "a group name (?P<name>...) is not valid"),
    ),
    (
        "pattern too large",
        msg(
            "pola terlalu besar setelah pengulangan", "the pattern is too large once repeats expand"
        ),
    ),
)
_UNREADABLE = msg("susunannya tidak dapat dibaca", "its structure cannot be read")


class PatternError(ValueError):
    """A pattern RE2 refuses: either unreadable (`bad-regex`) or needing backtracking."""

    def __init__(self, code: str, params: dict[str, str]) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _unsupported(found: tuple[Message, Message]) -> PatternError:
    construct, advice = found
    return PatternError(
        "regex-unsupported",
        {
            "construct": construct["id"],
            "construct_en": construct["en"],
            "advice": advice["id"],
            "advice_en": advice["en"],
        },
    )


def _operator(argument: str, pattern: str) -> tuple[Message, Message] | None:
    """The construct behind RE2's "invalid perl operator: (?..." error."""
    if argument.startswith(("(?=", "(?!")):
        return _LOOKAHEAD
    if argument.startswith(("(?<=", "(?<!")):
        return _LOOKBEHIND
    if argument.startswith("(?>"):
        return _ATOMIC
    if argument.startswith("(?("):
        return _CONDITIONAL
    if argument.startswith("(?#"):
        return _COMMENT
    if argument.startswith("(?P") and ("(?P=" in pattern or "(?P>" in pattern):
        return _BACKREFERENCE
    if len(argument) > 2 and argument[2] in "xauLX":
        return _FLAG
    return None


def _escape(argument: str) -> tuple[Message, Message] | None:
    """The construct behind RE2's "invalid escape sequence: \\x" error."""
    letter = argument[1:2]
    if letter.isdigit() or letter in {"g", "k"}:
        return _BACKREFERENCE
    if letter == "Z":
        return _END
    if letter in {"u", "U", "N"}:
        return _UNICODE_ESCAPE
    return None


def _classify(error: str, pattern: str) -> PatternError:
    kind, _, argument = error.partition(": ")
    found: tuple[Message, Message] | None = None
    if kind == "invalid perl operator":
        found = _operator(argument, pattern)
    elif kind == "invalid escape sequence":
        found = _escape(argument)
    elif kind == "bad repetition operator" and argument.endswith("+"):
        found = _POSSESSIVE
    if found is not None:
        return _unsupported(found)
    reason = next((text for start, text in _REASONS if error.startswith(start)), _UNREADABLE)
    return PatternError("bad-regex", {"reason": reason["id"], "reason_en": reason["en"]})


def _empty_lower_bound(pattern: str) -> bool:
    """Whether the pattern has a repeat {,n}: `re` reads it as {0,n}, RE2 as literal text."""
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "^":
                index += 1
            if pattern[index + 1 : index + 2] == "]":
                index += 1  # a ] right after [ or [^ is a literal
        elif char == "{" and pattern[index + 1 : index + 2] == ",":
            end = pattern.find("}", index)
            if end > index + 2 and pattern[index + 2 : end].isdigit():
                return True
        index += 1
    return False


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """The RE2 form of a pattern; raises PatternError when RE2 cannot take it."""
    if _empty_lower_bound(pattern):
        raise _unsupported(_EMPTY_LOW)
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else b""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise _classify(text, pattern) from None


def anchored(pattern: str) -> str:
    """The pattern made to match the whole answer, as designers expect."""
    return f"^(?:{pattern})$"


def search(pattern: str, text: str) -> bool:
    """Whether the pattern matches somewhere in `text` (JSON Schema's `pattern` keyword)."""
    return compile_pattern(pattern).search(text) is not None


def full_match(pattern: str, text: str) -> bool:
    """Whether the pattern matches the whole of `text`."""
    return search(anchored(pattern), text)


def check(pattern: str) -> PatternError | None:
    """Why a definition's pattern cannot be used, or None when it can."""
    try:
        compile_pattern(pattern)
        compile_pattern(anchored(pattern))
    except PatternError as exc:
        return exc
    return None
