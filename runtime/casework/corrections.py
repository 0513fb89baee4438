"""What an officer asks to correct, and what an applicant changed when correcting a case.

An officer who sends a case back may pick the answers they question: the keys are kept in the
send-back event's details as ``{"questioned": [key, ...]}`` (top-level field keys, checked
against the service's fields by `check_questioned`); the applicant's correction opens on them,
marked. `questionable` lists the case's answered fields, by page, for the officer's form.

When the applicant files corrected answers (`cases.apply_transition(answers=...)`), the answers
that differ are kept in the resubmission event's details as ``{"corrected": {key: [old, new]}}``
(top-level keys; a missing answer is None). The case page reads them back as rows of "label:
old → new", with the field's own display (choice labels, dates, file names), NIKs masked and
sensitive answers never shown (only that they changed). What an applicant action sends (a file
that follows later) is kept the same way under ``{"sent": {key: [old, new]}}``. Plain
functions, no HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from builder.compiler import CompiledService, FieldPlan
from builder.fields import mask_nik
from runtime.models import CaseEvent

CORRECTED = "corrected"
SENT = "sent"  # what an applicant action filled in (language 1.1), kept like a correction
QUESTIONED = "questioned"
MAX_QUESTIONED = 200


class QuestionedRefused(ValueError):
    """Questioned answers that cannot be kept: `reason` "unknown" (keys that are not answer
    fields of the service, or too many) or "not_sent_back" (the action does not lead to a
    state where the applicant corrects)."""

    def __init__(self, reason: str, keys: list[str]) -> None:
        super().__init__(f"{reason}: {', '.join(keys)}")
        self.reason = reason
        self.keys = keys


def _answer_field(plan: FieldPlan) -> bool:
    """A field the applicant answers (not a notice, a declaration or a computed value)."""
    return plan.has_value and plan.type != "declaration"


def check_questioned(compiled: CompiledService, keys: Iterable[str]) -> list[str]:
    """The questioned keys in the order of the form, each once; QuestionedRefused when one is
    not an answer field of the service (or too many are posted)."""
    wanted = list(dict.fromkeys(keys))
    unknown = [
        k for k in wanted if k not in compiled.fields or not _answer_field(compiled.fields[k])
    ]
    if unknown or len(wanted) > MAX_QUESTIONED:
        raise QuestionedRefused("unknown", unknown[:10] or wanted[MAX_QUESTIONED:][:1])
    return [key for key in compiled.fields if key in wanted]


def questioned_of(details: Mapping[str, Any] | None) -> list[str] | None:
    """The keys an event's details name as questioned (None when the officer picked none)."""
    found = (details or {}).get(QUESTIONED)
    return [str(k) for k in found] if isinstance(found, list) else None


def questionable(
    compiled: CompiledService, answers: Mapping[str, Any], lang: str
) -> list[dict[str, Any]]:
    """The answered fields an officer may question, by page: [{title, fields: [{key, label}]}]."""
    kept = compiled.prune(answers)
    found = []
    for page in compiled.visible_pages(answers):
        fields = [
            {"key": plan.key, "label": plan.label(lang) or plan.key}
            for plan in page.fields
            if _answer_field(plan) and kept.get(plan.key) not in (None, "", [])
        ]
        if fields:
            found.append({"title": page.title(lang), "fields": fields})
    return found


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


def corrections(
    events: Iterable[CaseEvent], kind: str = CORRECTED
) -> list[tuple[CaseEvent, Mapping[str, Any]]]:
    """The events that filed corrected answers (or, with `kind` SENT, that sent answers with an
    applicant action), with what they changed (oldest first)."""
    found = []
    for event in events:
        details = event.details if isinstance(event.details, Mapping) else {}
        changed = details.get(kind)
        if event.actor_kind == "applicant" and isinstance(changed, Mapping):
            found.append((event, changed))
    return found
