"""Every problem code the builder can report is catalogued with a message and a hint in both
languages, and counted nouns in English messages are in the right number."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from builder.problems import CODES, catalogue_markdown, problem
from builder.texts import fill, plural

BUILDER = Path(__file__).resolve().parents[2] / "builder"


def _strings(node: ast.AST) -> list[str]:
    """The string constants a code expression can take (a literal, or `a if x else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def codes_used() -> dict[str, list[str]]:
    """Every code passed to `problem(...)` in builder/, with where it is used."""
    found: dict[str, list[str]] = {}
    for path in sorted(BUILDER.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, list[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).extend(_strings(node.value))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("problem", "PatternError")  # a PatternError is forwarded
                and node.args
            ):
                first = node.args[0]
                if isinstance(first, ast.Attribute) and first.attr == "code":
                    continue  # problem(error.code, …): the code was read where it was made
                names = (
                    assigned.get(first.id, []) if isinstance(first, ast.Name) else _strings(first)
                )
                assert names, f"{path.name}:{node.lineno}: a problem code the test cannot read"
                for name in names:
                    found.setdefault(name, []).append(f"{path.name}:{node.lineno}")
    return found


def test_the_walk_finds_the_codes() -> None:
    used = codes_used()
    assert {"duplicate-key", "json-syntax", "nested-group", "unsupported-in-group"} <= set(used)
    assert {"too-short", "too-long"} <= set(used)  # from `a if x else b`
    assert len(used) >= 70


def test_every_code_used_is_catalogued_with_a_hint_in_both_languages() -> None:
    used = codes_used()
    assert set(used) - set(CODES) == set(), "used but not catalogued"
    for code in used:
        hint = CODES[code].hint
        assert hint is not None, (code, used[code])
        assert set(hint) == {"id", "en"}, code
        assert all(text.strip() for text in hint.values()), code


def test_every_catalogued_code_is_used() -> None:
    assert set(CODES) - set(codes_used()) == set(), "catalogued but never reported"


def test_every_hint_is_filled_from_the_message_parameters() -> None:
    for code, entry in CODES.items():
        assert entry.hint is not None
        names = {
            name
            for template in [*entry.message.values(), *entry.hint.values()]
            for _, name, _, _ in string.Formatter().parse(template)
            if name
        }
        params = dict.fromkeys(names, 2)
        filled = problem(code, "", **params)
        for lang in ("id", "en"):
            assert "?" not in (filled.hint_text(lang) or "").replace("Anda '", ""), (code, lang)


@pytest.mark.parametrize(
    ("code", "params", "english"),
    [
        ("too-few-items", {"limit": 1}, "Too few: at least 1 item."),
        ("too-few-items", {"limit": 2}, "Too few: at least 2 items."),
        ("too-short", {"limit": 1}, "Too short: at least 1 character."),
        ("too-long", {"limit": 5000}, "Too long: at most 5000 characters."),
        ("too-many-items", {"limit": 1}, "Too many: at most 1 item."),
        (
            "min-items-over-options",
            {"low": 3, "count": 1},
            "At least 3 must be ticked but the field has only 1 option.",
        ),
        (
            "sla-exceeds-duration",
            {"total": 1, "duration": 0},
            "The longest path takes 1 working day, more than the promised 0.",
        ),
        ("too-deep", {"limit": 64}, "The definition is nested too deeply (more than 64 levels)."),
    ],
)
def test_english_counts_agree_with_their_nouns(
    code: str, params: dict[str, int], english: str
) -> None:
    found = problem(code, "", **params)
    assert found.text("en") == english
    assert "~" not in found.text("id")


def test_fill_and_plural() -> None:
    assert plural(1, "definition", "definitions") == "1 definition"
    assert plural(0, "definition", "definitions") == "0 definitions"
    assert fill("{n:~day|days} and {x}", {"n": 2, "x": "y"}) == "2 days and y"
    assert fill("{n:~kali}", {"n": 3}) == "3 kali"


def test_the_catalogue_document_shows_counted_nouns_plainly() -> None:
    text = catalogue_markdown()
    assert "~" not in text
    assert "at least {limit} items." in text
