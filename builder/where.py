"""Naming the place of a problem as people know it: pages and fields by their labels.

A pointer such as /form/pages/0/fields/1/max_length is exact but hard to read; next to it
`loket validate` shows "halaman 'Data pemohon', field 'Nama lengkap'".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.pointers import split
from builder.texts import Message, localise

_WORDS = {
    "page": ("halaman", "page"),
    "field": ("field", "field"),
    "group": ("grup", "group"),
    "state": ("status", "state"),
    "transition": ("transisi", "transition"),
    "document": ("dokumen", "document"),
}


def _item(items: Any, token: str | None) -> Mapping[str, Any] | None:
    if not isinstance(items, list) or token is None or not token.isdigit():
        return None
    index = int(token)
    found = items[index] if index < len(items) else None
    return found if isinstance(found, Mapping) else None


def _name(spec: Mapping[str, Any], keys: tuple[str, ...], lang: str) -> str | None:
    for key in keys:
        value = spec.get(key)
        text = localise(value, lang) if isinstance(value, str | Mapping) else ""
        if text.strip():
            return " ".join(text.split())[:60]
    return None


def _at(parts: list[str], index: int) -> str | None:
    return parts[index] if index < len(parts) else None


def _steps(definition: Mapping[str, Any], pointer: str, lang: str) -> list[tuple[str, str]]:
    parts = split(pointer)
    steps: list[tuple[str, str]] = []
    if parts[:2] == ["form", "pages"]:
        form = definition.get("form")
        page = _item(form.get("pages") if isinstance(form, Mapping) else None, _at(parts, 2))
        if page is None:
            return steps
        name = _name(page, ("title", "id"), lang)
        if name:
            steps.append(("page", name))
        field = _item(page.get("fields"), _at(parts, 4)) if _at(parts, 3) == "fields" else None
        if field is None:
            return steps
        child = _item(field.get("fields"), _at(parts, 6)) if _at(parts, 5) == "fields" else None
        if child is not None:
            name = _name(field, ("label", "key"), lang)
            if name:
                steps.append(("group", name))
            field = child
        name = _name(field, ("label", "text", "key"), lang)
        if name:
            steps.append(("field", name))
    elif parts[:2] == ["workflow", "states"] and len(parts) > 2:
        workflow = definition.get("workflow")
        found = workflow.get("states") if isinstance(workflow, Mapping) else None
        state = found.get(parts[2]) if isinstance(found, Mapping) else None
        if isinstance(state, Mapping):
            steps.append(("state", _name(state, ("label",), lang) or parts[2]))
    elif parts[:2] == ["workflow", "transitions"]:
        workflow = definition.get("workflow")
        move = _item(
            workflow.get("transitions") if isinstance(workflow, Mapping) else None, _at(parts, 2)
        )
        if move is not None:
            name = _name(move, ("label", "action"), lang)
            if name:
                steps.append(("transition", name))
            field = _item(move.get("fields"), _at(parts, 4)) if _at(parts, 3) == "fields" else None
            name = _name(field, ("label", "text", "key"), lang) if field is not None else None
            if name:
                steps.append(("field", name))
    elif parts[:1] == ["documents"] and len(parts) > 1:
        found = definition.get("documents")
        document = found.get(parts[1]) if isinstance(found, Mapping) else None
        if isinstance(document, Mapping):
            steps.append(("document", _name(document, ("title",), lang) or parts[1]))
    return steps


def describe(definition: Any, pointer: str) -> Message | None:
    """The place of `pointer` by labels in both languages, or None when labels add nothing."""
    if not isinstance(definition, Mapping) or not pointer:
        return None
    result: Message = {}
    for pick, lang in enumerate(("id", "en")):
        steps = _steps(definition, pointer, lang)
        if not steps:
            return None
        result[lang] = ", ".join(f"{_WORDS[kind][pick]} '{name}'" for kind, name in steps)
    return result
