"""The placeholders a designer may put in one document, for the studio's picker.

`placeholder_choices` lists, in groups, what a document's body can print: the applicant's
answers, the officer fields of the transitions that issue it (and of transitions every case
takes before them), the case, the document itself, the agency and the signatory. Each choice
carries the exact text to insert: ``{key}`` when the value is always there when the document
is issued, ``{key|default:-}`` when it may be missing (an optional or conditional answer), so
an inserted placeholder never raises a problem of its own. The decision is the validator's
(`document_checks.check_placeholder`), so the picker and the checks always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from builder.document_checks import Places, check_placeholder
from builder.documents import NAMES, UNPRINTABLE, Placeholder, issuers
from builder.model import Definition, iter_fields, iter_officer_fields
from builder.texts import Message, localise, msg

GROUPS: dict[str, Message] = {
    "answers": msg("Jawaban pemohon", "The applicant's answers"),
    "officer": msg("Isian petugas", "Officer fields"),
    "case": msg("Permohonan", "The case"),
    "document": msg("Dokumen ini", "This document"),
    "agency": msg("Instansi", "The agency"),
    "signatory": msg("Penanda tangan", "The signatory"),
}
NAMED_LABELS: dict[str, Message] = {
    "case.reference": msg("Nomor permohonan", "Case reference"),
    "case.filed_on": msg("Tanggal permohonan", "Date filed"),
    "document.number": msg("Nomor dokumen", "Document number"),
    "document.issued_on": msg("Tanggal terbit", "Date issued"),
    "agency.name": msg("Nama instansi", "Agency name"),
    "agency.parent_government": msg("Pemerintah daerah", "Parent government"),
    "agency.city": msg("Kota", "City"),
    "agency.address": msg("Alamat instansi", "Agency address"),
    "agency.phone": msg("Telepon instansi", "Agency phone"),
    "agency.email": msg("Surel instansi", "Agency e-mail"),
    "agency.website": msg("Situs instansi", "Agency website"),
    "signatory.name": msg("Nama penanda tangan", "Signatory's name"),
    "signatory.position": msg("Jabatan penanda tangan", "Signatory's position"),
    "signatory.nip": msg("NIP penanda tangan", "Signatory's NIP"),
}


@dataclass(frozen=True)
class Choice:
    """One placeholder the designer may insert."""

    group: str  # a key of GROUPS
    key: str
    text: str  # what is inserted: "{nama}" or "{catatan|default:-}"
    label: Message

    def title(self, lang: str) -> str:
        """The label in `lang`."""
        return self.label.get(lang) or self.label["id"]


def _safe(key: str, places: Places, issued_by: list[int]) -> str:
    """The text to insert for a field key: with ``|default:-`` when the value may be missing."""
    bare = Placeholder(key, (), 0, 0)
    return (
        f"{{{key}}}"
        if not check_placeholder(bare, "", places, issued_by)
        else (f"{{{key}|default:-}}")
    )


def _label(spec: Mapping[str, object], key: str) -> Message:
    label = spec.get("label")
    return msg(localise(label, "id") or key, localise(label, "en") or key)


def placeholder_choices(definition: Definition, document_id: str) -> list[Choice]:
    """What the document `document_id` may print, in groups (see the module's description)."""
    places = Places(definition)
    issued_by = issuers(definition, document_id)
    found: list[Choice] = []
    for ref in iter_fields(definition, include_children=False):
        if ref.type in UNPRINTABLE or ref.type == "declaration":
            continue
        text = _safe(ref.key, places, issued_by)
        found.append(Choice("answers", ref.key, text, _label(ref.spec, ref.key)))
    seen: set[str] = set()
    for ref in iter_officer_fields(definition):
        if ref.type in UNPRINTABLE or ref.key in seen or ref.transition is None:
            continue
        taken = ref.transition in issued_by or any(
            not places.avoidable(ref.transition, issuer) for issuer in issued_by
        )
        if not taken:
            continue  # not filled in before the document is issued
        seen.add(ref.key)
        text = _safe(ref.key, places, issued_by)
        found.append(Choice("officer", ref.key, text, _label(ref.spec, ref.key)))
    for namespace, names in NAMES.items():
        for name in names:
            key = f"{namespace}.{name}"
            found.append(Choice(namespace, key, f"{{{key}}}", NAMED_LABELS.get(key, msg(key, key))))
    return found


def grouped(choices: list[Choice]) -> list[tuple[str, list[Choice]]]:
    """Choices by group, in the order of GROUPS, empty groups left out."""
    return [
        (group, [c for c in choices if c.group == group])
        for group in GROUPS
        if any(c.group == group for c in choices)
    ]
