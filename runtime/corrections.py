"""What an applicant changed when correcting a case that was sent back to them.

When the applicant files corrected answers (`cases.apply_transition(answers=...)`), the answers
that differ are kept in the resubmission event's details as ``{"corrected": {key: [old, new]}}``
(top-level keys; a missing answer is None). The case page reads them back as rows of "label:
old → new", with the field's own display (choice labels, dates, file names), NIKs masked and
sensitive answers never shown (only that they changed). Plain functions, no HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from builder.compiler import CompiledService, FieldPlan
from builder.fields import mask_nik
from runtime.models import CaseEvent

CORRECTED = "corrected"


def changed_answers(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The top-level answers that differ between `before` and `after`: key → [old, new]."""
    keys = list(before) + [k for k in after if k not in before]
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def _shown(plan: FieldPlan, value: Any, lang: str, none: str, hidden: str) -> str:
    """One value as officers read it in the list of changes."""
    if value is None or value == "" or value == []:
        return none
    if plan.spec.get("sensitive") is True:
        return hidden
    if plan.type == "nik" and isinstance(value, str):
        return mask_nik(value)
    return str(plan.kind.display(plan.spec, value, lang))


def _group_rows(
    plan: FieldPlan, old: Any, new: Any, lang: str, none: str, hidden: str
) -> list[dict[str, str]]:
    """Changes inside a repeatable group, item by item and field by field."""
    olds = old if isinstance(old, list) else []
    news = new if isinstance(new, list) else []
    rows = []
    for index in range(max(len(olds), len(news))):
        a = olds[index] if index < len(olds) and isinstance(olds[index], Mapping) else {}
        b = news[index] if index < len(news) and isinstance(news[index], Mapping) else {}
        for child in plan.children:
            if not child.has_value or a.get(child.key) == b.get(child.key):
                continue
            rows.append(
                {
                    "label": f"{plan.label(lang)} {index + 1}: {child.label(lang)}",
                    "old": _shown(child, a.get(child.key), lang, none, hidden),
                    "new": _shown(child, b.get(child.key), lang, none, hidden),
                }
            )
    return rows


def change_rows(
    compiled: CompiledService,
    changes: Mapping[str, Any],
    lang: str,
    *,
    none: str,
    hidden: str,
) -> list[dict[str, str]]:
    """Rows (label, old, new) of one correction, in the order of the form's fields.

    `none` is shown for an answer that was (or became) empty, `hidden` for a sensitive one.
    """
    rows: list[dict[str, str]] = []
    for key, plan in compiled.fields.items():
        pair = changes.get(key)
        if not isinstance(pair, list) or len(pair) != 2 or not plan.has_value:
            continue
        old, new = pair
        if plan.type == "group":
            rows.extend(_group_rows(plan, old, new, lang, none, hidden))
            continue
        rows.append(
            {
                "label": plan.label(lang) or key,
                "old": _shown(plan, old, lang, none, hidden),
                "new": _shown(plan, new, lang, none, hidden),
            }
        )
    return rows


def corrections(events: Iterable[CaseEvent]) -> list[tuple[CaseEvent, Mapping[str, Any]]]:
    """The events that filed corrected answers, with what they changed (oldest first)."""
    found = []
    for event in events:
        details = event.details if isinstance(event.details, Mapping) else {}
        changed = details.get(CORRECTED)
        if event.actor_kind == "applicant" and isinstance(changed, Mapping):
            found.append((event, changed))
    return found
