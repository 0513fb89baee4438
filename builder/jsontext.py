"""Reading JSON text the way a person wrote it: duplicate keys and syntax errors explained.

`json.loads` keeps the last of two equal keys in an object and says nothing; a state or a field
pasted twice then silently disappears. `parse` reports every such key with the places of both.
Its syntax errors say in plain words what is most likely wrong (a trailing comma, a missing
quote, a bracket left open), in Bahasa Indonesia and English, with an excerpt of the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from builder.pointers import join
from builder.texts import Message, msg

# The standard library's string scanner (the one json.loads uses); typeshed does not list it.
_scan: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PAIRS = {"{": "}", "[": "]"}
EXCERPT_WIDTH = 72


class Position(NamedTuple):
    """A place in a text, counted from 1 as editors do."""

    line: int
    column: int


def position(text: str, index: int) -> Position:
    """Line and column of the character at `index`."""
    line = text.count("\n", 0, index) + 1
    return Position(line, index - (text.rfind("\n", 0, index) + 1) + 1)


@dataclass(frozen=True)
class Duplicate:
    """A key written twice in one object: where the first and the later one stand."""

    key: str
    pointer: str
    first: Position
    again: Position


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a text is not JSON, in both languages, where, and an excerpt with a caret."""

    reason: Message
    hint: Message
    at: Position
    excerpt: str


class JsonTextError(ValueError):
    """The text is not JSON; `problem` says why and where."""

    def __init__(self, problem: SyntaxProblem) -> None:
        super().__init__(problem.reason["en"])
        self.problem = problem


def outside_strings(text: str) -> Iterator[int]:
    """Indexes of the characters of a JSON text that are not inside a string literal."""
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        else:
            yield index


# -- parsing with duplicate keys found ---------------------------------------------------------


def parse(text: str) -> tuple[Any, list[Duplicate]]:
    """Parse a JSON text; return the value and every duplicate key (raise JsonTextError)."""
    doubled = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal doubled
        made = dict(pairs)
        if len(made) != len(pairs):
            doubled = True
        return made

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise JsonTextError(explain(text, exc.msg, exc.pos)) from None
    except _ConstantError as exc:
        index = _constant_index(text, exc.name)
        raise JsonTextError(
            _syntax(
                text,
                index,
                msg(
                    f"{exc.name} bukan angka yang sah dalam JSON",
                    f"{exc.name} is not a valid number in JSON",
                ),
                msg(
                    "Tulis angka biasa, atau null bila nilainya tidak ada.",
                    "Write a plain number, or null when there is no value.",
                ),
            )
        ) from None
    return value, (_duplicates(text) if doubled else [])


class _ConstantError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _reject_constant(name: str) -> Any:
    raise _ConstantError(name)


def _constant_index(text: str, name: str) -> int:
    for index in outside_strings(text):
        if text.startswith(name, index):
            return index
    return 0


def _space(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def _duplicates(text: str) -> list[Duplicate]:
    """Walk a text already known to be valid JSON and note every repeated key."""
    found: list[Duplicate] = []
    _walk(text, _space(text, 0), "", found)
    return found


def _walk(text: str, index: int, pointer: str, found: list[Duplicate]) -> int:
    """Skip the value at `index` (a valid one), noting duplicate keys; return its end."""
    char = text[index]
    if char == "{":
        index = _space(text, index + 1)
        if text[index] == "}":
            return index + 1
        seen: dict[str, int] = {}
        while True:
            start = index
            key, index = _scan(text, index + 1)
            if key in seen:
                found.append(
                    Duplicate(
                        key,
                        join(pointer, key),
                        position(text, seen[key]),
                        position(text, start),
                    )
                )
            else:
                seen[key] = start
            index = _space(text, index)  # at ':'
            index = _walk(text, _space(text, index + 1), join(pointer, key), found)
            index = _space(text, index)
            if text[index] == "}":
                return index + 1
            index = _space(text, index + 1)  # past ','
    if char == "[":
        index = _space(text, index + 1)
        if text[index] == "]":
            return index + 1
        position_in_list = 0
        while True:
            index = _walk(text, index, join(pointer, position_in_list), found)
            index = _space(text, index)
            if text[index] == "]":
                return index + 1
            index = _space(text, index + 1)
            position_in_list += 1
    if char == '"':
        return _scan(text, index + 1)[1]
    match = _SCALAR.match(text, index)
    return match.end() if match else index + 1


# -- syntax errors in plain words --------------------------------------------------------------


def excerpt(text: str, index: int) -> str:
    """The line holding `index` (shortened around it when long) and a caret under it."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    line = text[start : end if end != -1 else len(text)].rstrip("\r")
    column = index - start
    if len(line) > EXCERPT_WIDTH:
        left = max(0, min(column - EXCERPT_WIDTH // 2, len(line) - EXCERPT_WIDTH))
        shown = line[left : left + EXCERPT_WIDTH]
        prefix = "…" if left else ""
        suffix = "…" if left + EXCERPT_WIDTH < len(line) else ""
        line = prefix + shown + suffix
        column = column - left + len(prefix)
    line = line.replace("\t", " ")
    return f"{line}\n{' ' * column}^"


def _syntax(text: str, index: int, reason: Message, hint: Message) -> SyntaxProblem:
    index = max(0, min(index, len(text)))
    return SyntaxProblem(reason, hint, position(text, index), excerpt(text, index))


def _previous(text: str, index: int) -> tuple[int, str]:
    """The last character before `index` that is not white space, and its index."""
    at = index - 1
    while at >= 0 and text[at] in " \t\r\n":
        at -= 1
    return (at, text[at]) if at >= 0 else (-1, "")


def _open_brackets(text: str, end: int) -> list[int]:
    """Indexes of the brackets still open at `end` (outside strings), innermost last."""
    stack: list[int] = []
    for index in outside_strings(text[:end]):
        char = text[index]
        if char in _PAIRS:
            stack.append(index)
        elif char in "]}" and stack:
            stack.pop()
    return stack


def _at_end(text: str, index: int) -> bool:
    return not text[index:].strip()


def _unclosed(text: str, index: int) -> SyntaxProblem | None:
    """An opening bracket never closed, reported where it was opened."""
    stack = _open_brackets(text, len(text))
    if not stack:
        return None
    opened = stack[-1]
    where = position(text, opened)
    closing = _PAIRS[text[opened]]
    return _syntax(
        text,
        index,
        msg(
            f"kurung '{text[opened]}' yang dibuka di baris {where.line}, kolom {where.column}"
            " tidak pernah ditutup",
            f"the '{text[opened]}' opened at line {where.line}, column {where.column}"
            " is never closed",
        ),
        msg(
            f"Tambahkan '{closing}' di tempat bagian itu berakhir.",
            f"Add '{closing}' where that part ends.",
        ),
    )


def _mismatch(text: str, index: int) -> SyntaxProblem | None:
    """A closing bracket that does not match the innermost open one."""
    char = text[index] if index < len(text) else ""
    stack = _open_brackets(text, index)
    if char not in "]}" or not stack or _PAIRS[text[stack[-1]]] == char:
        return None
    opened = stack[-1]
    where = position(text, opened)
    expected = _PAIRS[text[opened]]
    return _syntax(
        text,
        index,
        msg(
            f"'{char}' menutup kurung '{text[opened]}' dari baris {where.line},"
            f" kolom {where.column}, yang seharusnya ditutup dengan '{expected}'",
            f"'{char}' closes the '{text[opened]}' from line {where.line},"
            f" column {where.column}, which must be closed with '{expected}'",
        ),
        msg(
            f"Tambahkan '{expected}' sebelum '{char}', atau hapus '{char}' yang berlebih.",
            f"Add '{expected}' before '{char}', or remove the extra '{char}'.",
        ),
    )


_TRAILING_COMMA = (
    msg("ada koma sebelum kurung penutup", "there is a comma before the closing bracket"),
    msg(
        "Hapus koma setelah butir terakhir; JSON tidak membolehkan koma di ujung daftar.",
        "Remove the comma after the last item; JSON does not allow a trailing comma.",
    ),
)
_SINGLE_QUOTES = (
    msg("teks memakai tanda kutip tunggal", "a text uses single quotes"),
    msg(
        "JSON hanya mengenal tanda kutip ganda: tulis \"teks\", bukan 'teks'.",
        "JSON only knows double quotes: write \"text\", not 'text'.",
    ),
)


def explain(text: str, message: str, index: int) -> SyntaxProblem:
    """Turn the parser's English message at `index` into a plain explanation."""
    char = text[index] if index < len(text) else ""
    _, before = _previous(text, index)
    if not text.strip():
        return _syntax(
            text,
            index,
            msg("berkasnya kosong", "the file is empty"),
            msg(
                'Definisi dimulai dengan {"format": ...}.',
                'A definition starts with {"format": ...}.',
            ),
        )
    if message.startswith("Illegal trailing comma") or (
        before == "," and char in "]}" and message.startswith("Expecting")
    ):
        at, _ = _previous(text, index)
        return _syntax(text, at, *_TRAILING_COMMA)
    if message.startswith("Expecting") and _at_end(text, index):
        found = _unclosed(text, index)
        if found:
            return found
    mismatch = _mismatch(text, index) if message.startswith("Expecting") else None
    if mismatch:
        return mismatch
    if message.startswith("Expecting") and char == "'":
        return _syntax(text, index, *_SINGLE_QUOTES)
    if message.startswith("Expecting property name"):
        return _syntax(
            text,
            index,
            msg("nama bagian harus diapit tanda kutip ganda", "a key must be in double quotes"),
            msg('Tulis "nama": nilai.', 'Write "name": value.'),
        )
    if message.startswith("Expecting ':'"):
        return _syntax(
            text,
            index,
            msg("titik dua setelah nama bagian tidak ada", "the colon after a key is missing"),
            msg('Tulis "nama": nilai.', 'Write "name": value.'),
        )
    if message.startswith("Expecting ','") and before == '"' and char.isalnum():
        return _syntax(
            text,
            index,
            msg(
                "tanda kutip tidak berpasangan: sebuah teks sebelum posisi ini tidak ditutup",
                "unbalanced quotes: a text before this position is not closed",
            ),
            msg(
                'Periksa teks sebelumnya: setiap teks dibuka dan ditutup dengan ".',
                'Check the text before it: every text opens and closes with ".',
            ),
        )
    if message.startswith("Expecting ','"):
        return _syntax(
            text,
            index,
            msg(
                "koma di antara dua butir tidak ada, atau tanda kutip sebelumnya tidak ditutup",
                "a comma between two items is missing, or an earlier quote is not closed",
            ),
            msg(
                "Tambahkan koma setelah butir sebelumnya dan periksa tanda kutipnya.",
                "Add a comma after the previous item and check its quotes.",
            ),
        )
    if message.startswith("Expecting value"):
        word = _WORD.match(text, index)
        if word and word.group() in {"True", "False", "None", "TRUE", "FALSE", "NULL", "Null"}:
            lower = {"none": "null"}.get(word.group().lower(), word.group().lower())
            return _syntax(
                text,
                index,
                msg(f"'{word.group()}' bukan nilai JSON", f"'{word.group()}' is not a JSON value"),
                msg(f"Tulis {lower} dengan huruf kecil.", f"Write {lower} in lower case."),
            )
        return _syntax(
            text,
            index,
            msg("di sini seharusnya ada nilai", "a value is expected here"),
            msg(
                'Nilai berupa "teks" dalam kutip ganda, angka, true, false, null, {...} atau [...].',
                'A value is a "text" in double quotes, a number, true, false, null, {...} or [...].',
            ),
        )
    if message.startswith("Unterminated string"):
        return _syntax(
            text,
            index,
            msg("tanda kutip penutup tidak ada", "a closing quote is missing"),
            msg(
                'Tutup teks yang dimulai di sini dengan ".',
                'Close the text that starts here with ".',
            ),
        )
    if message.startswith("Invalid control character"):
        return _syntax(
            text,
            index,
            msg(
                "teks terputus oleh baris baru; mungkin tanda kutip penutupnya tidak ada",
                "a text is broken by a line break; its closing quote may be missing",
            ),
            msg(
                'Tutup teks dengan " sebelum akhir baris, atau tulis \\n untuk baris baru.',
                'Close the text with " before the end of the line, or write \\n for a new line.',
            ),
        )
    if message.startswith("Invalid \\escape") or message.startswith("Invalid \\u"):
        return _syntax(
            text,
            index,
            msg(
                "garis miring terbalik (\\) tidak sah di dalam teks",
                "a backslash (\\) in a text is invalid",
            ),
            msg(
                "Tulis \\\\ untuk satu garis miring terbalik.",
                "Write \\\\ for one backslash.",
            ),
        )
    if message.startswith("Extra data"):
        if char in "]}":
            return _syntax(
                text,
                index,
                msg(f"'{char}' ini tidak menutup apa pun", f"this '{char}' closes nothing"),
                msg(f"Hapus '{char}' yang berlebih.", f"Remove the extra '{char}'."),
            )
        return _syntax(
            text,
            index,
            msg("ada teks lagi setelah akhir definisi", "there is more text after the definition"),
            msg(
                "Satu berkas memuat tepat satu objek {...}; hapus sisanya atau gabungkan.",
                "A file holds exactly one object {...}; remove the rest or merge it.",
            ),
        )
    return _syntax(
        text,
        index,
        msg(f"kesalahan penulisan ({message})", f"a syntax error ({message})"),
        msg(
            "Periksa tanda koma, kutip dan kurung di sekitar posisi itu.",
            "Check commas, quotes and brackets around that position.",
        ),
    )
