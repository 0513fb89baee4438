"""What the studio's document section shows: one editor item per document with its form's
values, the choices of its checkboxes and drop-downs, and the placeholders it may use.
Plain Python, no HTTP (the studio's routes and templates read it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder import edit
from builder.document_placeholders import GROUPS, Choice, grouped, placeholder_choices
from builder.documents import AUDIENCES, SIGNATORIES, documents, issuers
from builder.edit_documents import body_text
from builder.model import transitions
from builder.pointers import join
from builder.texts import localise

SIGNATORY_LABELS: dict[str, tuple[str, str]] = {
    "agency": (
        "Penanda tangan instansi (diatur administrator)",
        "The agency's signatory (set by an administrator)",
    ),
    "acting_officer": (
        "Pejabat yang menjalankan transisi",
        "The officer who takes the transition",
    ),
}
AUDIENCE_LABELS: dict[str, tuple[str, str]] = {
    "applicant": ("Pemohon (halaman status)", "The applicant (status page)"),
    "officers": ("Petugas (halaman kasus)", "Officers (case page)"),
}
_BODY_PART = re.compile(r"^/documents/[^/]+/body/(\d+)")


@dataclass(frozen=True)
class DocumentItem:
    """A document as the studio's editor shows it."""

    id: str
    pointer: str
    spec: Mapping[str, Any]
    title: str
    title_id: str
    title_en: str
    number: str
    body: str
    signatory: str
    audiences: tuple[str, ...]
    revoke_roles: tuple[str, ...]
    issued_by: tuple[int, ...]
    placeholders: list[tuple[str, str, list[Choice]]]  # (group, group title, choices)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _audiences(value: Any) -> tuple[str, ...]:
    if not value:
        return AUDIENCES
    return tuple(str(a) for a in value if isinstance(a, str)) if isinstance(value, list) else ()


def document_items(definition: Mapping[str, Any], lang: str) -> list[DocumentItem]:
    """Every document of the definition, in order, ready for its edit form."""
    items = []
    try:
        declared = documents(definition)
    except (AttributeError, TypeError):
        return []
    for document_id, spec in declared.items():
        title_id, title_en = edit.text_parts(spec.get("title"))
        try:
            choices = placeholder_choices(definition, document_id)
        except (AttributeError, TypeError, KeyError):
            choices = []  # a structure too broken to read: its problems are listed
        groups = [(g, GROUPS[g].get(lang) or GROUPS[g]["id"], c) for g, c in grouped(choices)]
        roles = spec.get("revoke_roles")
        try:
            issued_by = tuple(issuers(definition, document_id))
        except (AttributeError, TypeError):
            issued_by = ()
        items.append(
            DocumentItem(
                id=document_id,
                pointer=join("/documents", document_id),
                spec=spec,
                title=localise(spec.get("title"), lang) or document_id,
                title_id=title_id,
                title_en=title_en,
                number=str(spec.get("number") or ""),
                body=body_text(spec.get("body")),
                signatory=str(spec.get("signatory") or "agency"),
                audiences=_audiences(spec.get("visible_to")),
                revoke_roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
                issued_by=issued_by,
                placeholders=groups,
            )
        )
    return items


def transition_choices(definition: Mapping[str, Any], lang: str) -> list[tuple[int, str]]:
    """Transitions that may issue a document (not the applicant's), as (index, label)."""
    found = []
    try:
        moves = transitions(definition)
    except (AttributeError, TypeError):
        return []
    for index, move in enumerate(moves):
        if not isinstance(move, Mapping) or "applicant" in (move.get("roles") or []):
            continue
        label = localise(move.get("label"), lang) or str(move.get("action", ""))
        found.append((index, f"{label} ({move.get('action', '')} → {move.get('to', '')})"))
    return found


def signatory_choices(lang: str) -> list[tuple[str, str]]:
    """Who may sign, as (value, label)."""
    return [(s, _pick(SIGNATORY_LABELS[s], lang)) for s in SIGNATORIES]


def audience_choices(lang: str) -> list[tuple[str, str]]:
    """Who may see a document, as (value, label)."""
    return [(a, _pick(AUDIENCE_LABELS[a], lang)) for a in AUDIENCES]


def role_choices(definition: Mapping[str, Any]) -> list[str]:
    """The roles a document's revocation may be given to (every declared role)."""
    roles = definition.get("roles")
    return [str(r) for r in roles if r != "applicant"] if isinstance(roles, Mapping) else []


def item_pointers(definition: Mapping[str, Any]) -> list[str]:
    """The editor items of the document section (problems are placed at them)."""
    found = ["/documents"]
    declared = definition.get("documents")
    if isinstance(declared, Mapping):
        found.extend(join("/documents", d) for d in declared)
    return found


def body_part(pointer: str | None) -> int | None:
    """The body part (1-based) a problem's pointer names, so the designer can find it."""
    match = _BODY_PART.match(pointer or "")
    return int(match.group(1)) + 1 if match else None
