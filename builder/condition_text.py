"""Conditions in words, for people who read a form rather than its JSON.

`describe(condition, definition, lang)` turns `{"field": "status_tempat_tinggal", "equals":
"lainnya"}` into «Status tempat tinggal» sama dengan «Lainnya»: fields by their labels,
choices by their option labels, yes/no as words, relative dates ("today-17y") as "17 tahun
sebelum hari ini"; `all` joins with "dan", `any` with "atau", `not` says "tidak benar bahwa";
a group test says "ada isian «Anggota keluarga» dengan …" (some), "setiap isian" (every) or
"tidak ada isian" (none).
A field the definition does not know is named by its key. Pure: no web, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from builder.model import iter_fields, iter_officer_fields
from builder.texts import localise

_WORDS: dict[str, tuple[str, str]] = {
    "equals": ("sama dengan", "is"),
    "not_equals": ("tidak sama dengan", "is not"),
    "in": ("salah satu dari", "is one of"),
    "contains": ("mencentang", "includes"),
    "gt": ("lebih dari", "is more than"),
    "gte": ("paling sedikit", "is at least"),
    "lt": ("kurang dari", "is less than"),
    "lte": ("paling banyak", "is at most"),
    "filled": ("sudah diisi", "is answered"),
    "empty": ("belum diisi", "is not answered"),
    "and": ("dan", "and"),
    "or": ("atau", "or"),
    "not": ("tidak benar bahwa", "it is not so that"),
    "yes": ("Ya", "Yes"),
    "no": ("Tidak", "No"),
    "today": ("hari ini", "today"),
    "d": ("hari", "days"),
    "m": ("bulan", "months"),
    "y": ("tahun", "years"),
    "before": ("{n} {unit} sebelum hari ini", "{n} {unit} before today"),
    "after": ("{n} {unit} setelah hari ini", "{n} {unit} after today"),
    "shown_if": ("Ditampilkan bila {condition}", "Shown when {condition}"),
    "some": ("ada isian {group} dengan {inner}", "some item of {group} has {inner}"),
    "every": (
        "setiap isian {group} (paling sedikit satu) dengan {inner}",
        "every item of {group} (at least one) has {inner}",
    ),
    "none": ("tidak ada isian {group} dengan {inner}", "no item of {group} has {inner}"),
}
_RELATIVE = re.compile(r"^today(?:([+-])(\d+)([dmy]))?$")


def _w(key: str, lang: str) -> str:
    return _WORDS[key][1 if lang == "en" else 0]


def _fields(definition: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every field of the form and of the transitions, by key (the first one wins)."""
    found: dict[str, Mapping[str, Any]] = {}
    try:
        for ref in [*iter_fields(definition), *iter_officer_fields(definition)]:
            found.setdefault(ref.key, ref.spec)
    except (AttributeError, TypeError, KeyError):
        pass  # a definition too broken to walk: keys stand for themselves
    return found


def _value(spec: Mapping[str, Any] | None, value: Any, lang: str) -> str:
    """One operand as words: an option's label, yes/no, a relative date, or the value."""
    if isinstance(value, bool):
        return _w("yes" if value else "no", lang)
    if isinstance(value, list):
        return ", ".join(_value(spec, v, lang) for v in value)
    options = spec.get("options") if spec else None
    if isinstance(options, list):
        for option in options:
            if isinstance(option, Mapping) and option.get("value") == value:
                return f"«{localise(option.get('label'), lang) or value}»"
    if isinstance(value, str):
        match = _RELATIVE.match(value)
        if match:
            sign, amount, unit = match.groups()
            if sign is None:
                return _w("today", lang)
            key = "before" if sign == "-" else "after"
            return _w(key, lang).format(n=amount, unit=_w(unit, lang))
        return f"«{value}»"
    return str(value)


def _describe(
    condition: Any, fields: Mapping[str, Mapping[str, Any]], lang: str, *, top: bool = False
) -> str:
    if not isinstance(condition, Mapping):
        return str(condition)
    for key, joiner in (("all", "and"), ("any", "or")):
        parts = condition.get(key)
        if isinstance(parts, list):
            inner = [_describe(part, fields, lang) for part in parts]
            text = f" {_w(joiner, lang)} ".join(inner)
            return f"({text})" if len(inner) > 1 and not top else text
    if "not" in condition:
        return f"{_w('not', lang)} {_describe(condition['not'], fields, lang)}"
    if "group" in condition:
        group = str(condition["group"])
        spec = fields.get(group)
        name = f"«{localise(spec.get('label'), lang) or group}»" if spec else f"«{group}»"
        quantifier = next((k for k in ("some", "every", "none") if k in condition), "some")
        words = _describe(condition.get(quantifier), fields, lang)
        return _w(quantifier, lang).format(group=name, inner=words)
    key = str(condition.get("field", "?"))
    spec = fields.get(key)
    name = f"«{localise(spec.get('label'), lang) or key}»" if spec else f"«{key}»"
    operator = next((k for k in condition if k != "field"), "")
    operand = condition.get(operator)
    if operator == "filled":
        return f"{name} {_w('filled' if operand else 'empty', lang)}"
    if operator in _WORDS:
        return f"{name} {_w(operator, lang)} {_value(spec, operand, lang)}"
    return f"{name} {operator} {operand!r}"


def describe(condition: Any, definition: Mapping[str, Any], lang: str = "id") -> str:
    """A condition in words, in `lang` (the outer `all`/`any` without parentheses)."""
    return _describe(condition, _fields(definition), lang, top=True)


def shown_if(condition: Any, definition: Mapping[str, Any], lang: str = "id") -> str:
    """ "Ditampilkan bila …" / "Shown when …" for a field's or page's `visible_if`."""
    return _w("shown_if", lang).format(condition=describe(condition, definition, lang))
