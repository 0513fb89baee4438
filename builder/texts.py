"""Texts shown to people: a plain string (Bahasa Indonesia) or a language map."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

# A message produced by Loket itself, always in both languages.
Message = dict[str, str]


def msg(id_text: str, en_text: str) -> Message:
    """Build a bilingual message."""
    return {"id": id_text, "en": en_text}


def localise(text: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Return a definition text (string or language map) in `lang`, falling back to Indonesian."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, Mapping):
        for candidate in (lang, DEFAULT_LANGUAGE, *LANGUAGES):
            value = text.get(candidate)
            if isinstance(value, str) and value:
                return value
        return ""
    return str(text)


def has_indonesian(text: Any) -> bool:
    """True when a definition text carries a Bahasa Indonesia version."""
    if isinstance(text, str):
        return bool(text.strip())
    if isinstance(text, Mapping):
        value = text.get("id")
        return isinstance(value, str) and bool(value.strip())
    return False


def pick_language(value: str | None) -> str:
    """Choose a supported language from a query value or an Accept-Language header."""
    if not value:
        return DEFAULT_LANGUAGE
    best = (0.0, DEFAULT_LANGUAGE)
    for part in value.split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > best[0]:
            best = (quality, primary)
    return best[1]


class _Filler(string.Formatter):
    """`str.format` plus counted nouns: `{n:~item|items}` gives "1 item" or "3 items"."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("~"):
            one, _, many = format_spec[1:].partition("|")
            return f"{value} {one if value == 1 else (many or one)}"
        return str(super().format_field(value, format_spec))


_FILLER = _Filler()


def fill(template: str, params: Mapping[str, Any]) -> str:
    """Fill a message template from `params`, with counted nouns in the right number."""
    return _FILLER.vformat(template, (), params)


def plural(count: int, one: str, many: str) -> str:
    """'1 item', '2 items': a count with its noun in the right number."""
    return fill("{n:~" + one + "|" + many + "}", {"n": count})
