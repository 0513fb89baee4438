"""What a reviewer sees of the version they are about to publish, besides the checklist and diff.

The whole form as a citizen will see it (every page, every field through the real field
templates, read-only, conditional pages and fields marked with their conditions in words), the
confirmation texts that say what publishing or sending back will do (how many open cases of
the live version it touches), and the conversation between reviewers and designers kept with
the version. Plain functions from stored data to template values (no HTTP).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from builder.compiler import CompiledService, FieldPlan, compile_definition
from builder.condition_text import shown_if
from builder.problems import has_errors
from builder.validate import validate
from runtime import lifecycle
from runtime.forms import FieldView, field_views
from runtime.i18n import t
from runtime.models import ServiceVersion
from runtime.workdays import WIB


def _conditions(
    plans: tuple[FieldPlan, ...], definition: Mapping[str, Any], lang: str
) -> dict[str, str]:
    """`visible_if` of fields (group children included) in words, by field key."""
    found: dict[str, str] = {}
    for plan in plans:
        if plan.condition:
            found[plan.key] = shown_if(plan.condition, definition, lang)
        found.update(_conditions(plan.children, definition, lang))
    return found


def _page_fields(compiled: CompiledService, index: int, lang: str) -> list[FieldView]:
    """Every field of a page, conditional ones too, unanswered; declarations at their place."""
    page = compiled.pages[index]
    views = {v.plan.key: v for v in field_views(compiled, page, {}, [], lang, visible_only=False)}
    shown = []
    for plan in page.fields:
        if plan.type == "declaration":
            shown.append(FieldView(plan, plan.key, f"f-{plan.key}", None, None, lang))
        elif plan.key in views:
            shown.append(views[plan.key])
    return shown


def form_preview(definition: Mapping[str, Any], lang: str) -> list[dict[str, Any]] | None:
    """The citizen's form, page by page, with conditions in words (None while it has errors)."""
    if has_errors(validate(definition)):
        return None
    compiled = compile_definition(definition)
    pages = []
    for page in compiled.pages:
        pages.append(
            {
                "number": page.index + 1,
                "title": page.title(lang),
                "description": page.spec.get("description"),
                "condition": shown_if(page.condition, definition, lang) if page.condition else "",
                "fields": _page_fields(compiled, page.index, lang),
                "conditions": _conditions(page.fields, definition, lang),
            }
        )
    return pages


def impact(
    session: Session,
    version: ServiceVersion,
    live: ServiceVersion | None,
    removed: list[dict[str, Any]],
    mapping: Mapping[str, str],
    lang: str,
) -> dict[str, str]:
    """The statements a reviewer ticks: what publishing and what sending back will do."""
    number = version.number
    if live is None or live.id == version.id:
        return {
            "publish": t("review_confirm_publish_new", lang, number=number),
            "changes": t("review_confirm_changes_new", lang, number=number),
            "open_cases": "0",
        }
    count = lifecycle.open_cases_of(session, live.id)
    moved = sum(int(r["count"]) for r in removed if r.get("count"))
    publish = t("review_confirm_publish", lang, number=number, live=live.number, count=count)
    if moved:
        publish += " " + t("review_confirm_moved", lang, moved=moved, number=number)
    changes = t("review_confirm_changes", lang, number=number, live=live.number, count=count)
    return {"publish": publish, "changes": changes, "open_cases": str(count)}


def conversation(session: Session, version: ServiceVersion, lang: str) -> list[dict[str, Any]]:
    """The notes and replies of a version, oldest first, each with who wrote it and when."""
    rows = []
    for event, name in lifecycle.conversation(session, version):
        reviewer = event.action != lifecycle.DESIGNER_REPLY
        rows.append(
            {
                "id": event.id,
                "reviewer": reviewer,
                "role": t("review_role_reviewer" if reviewer else "review_role_designer", lang),
                "who": name,
                "when": event.at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
                "text": event.comment or "",
                "pointer": event.pointer or "",
                "decision": event.action == "changes_requested",
            }
        )
    return rows
