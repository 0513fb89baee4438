"""The review checklist computed from a definition, shown to the Diskominfo reviewer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder.documents import documents, issuers, visible_to
from builder.model import iter_fields, iter_texts, states
from builder.texts import Message, has_indonesian, msg


@dataclass(frozen=True)
class CheckItem:
    """One line of the checklist."""

    code: str
    ok: bool
    message: Message
    pointer: str

    def text(self, lang: str = "id") -> str:
        """The item in `lang`."""
        return self.message.get(lang) or self.message["id"]


def _document_items(definition: Mapping[str, Any]) -> list[CheckItem]:
    """Items about documents, for a definition that declares some."""
    declared = documents(definition)
    if not declared:
        return []
    unissued = [d for d in declared if not issuers(definition, d)]
    hidden = [d for d, spec in declared.items() if "applicant" not in visible_to(spec)]
    return [
        CheckItem(
            "documents-issued",
            not unissued,
            msg(
                "Setiap dokumen diterbitkan oleh sebuah transisi.",
                "Every document is issued by a transition.",
            ),
            f"/documents/{unissued[0]}" if unissued else "/documents",
        ),
        CheckItem(
            "documents-visible-to-applicant",
            not hidden,
            msg(
                "Pemohon dapat melihat dan mengunduh setiap dokumen yang terbit untuknya.",
                "The applicant can see and download every document issued to them.",
            ),
            f"/documents/{hidden[0]}/visible_to" if hidden else "/documents",
        ),
    ]


def review_checklist(definition: Mapping[str, Any]) -> list[CheckItem]:
    """What a reviewer checks before publishing, each item passed or not (the items about
    documents only for a definition that declares documents)."""
    privacy: Mapping[str, Any] = definition.get("privacy", {})
    standard: Mapping[str, Any] = definition.get("standard", {})
    outcomes = {info.get("final") for info in states(definition).values()}
    asks_nik = any(ref.type == "nik" for ref in iter_fields(definition))
    unlabelled = [pointer for text, pointer in iter_texts(definition) if not has_indonesian(text)]
    return [
        CheckItem(
            "privacy-declared",
            bool(privacy.get("purpose")) and bool(privacy.get("retention_days")),
            msg(
                "Tujuan pemrosesan data dan masa simpan dinyatakan.",
                "Purpose of processing and retention are declared.",
            ),
            "/privacy",
        ),
        CheckItem(
            "contact-present",
            bool(standard.get("contact")),
            msg("Kontak layanan tersedia.", "A contact for the service is given."),
            "/standard/contact",
        ),
        CheckItem(
            "legal-basis-present",
            bool(standard.get("legal_basis")),
            msg("Dasar hukum layanan dicantumkan.", "The legal basis of the service is listed."),
            "/standard/legal_basis",
        ),
        CheckItem(
            "all-texts-indonesian",
            not unlabelled,
            msg(
                "Semua label dan teks tersedia dalam Bahasa Indonesia.",
                "Every label and text has a Bahasa Indonesia version.",
            ),
            unlabelled[0] if unlabelled else "/form",
        ),
        CheckItem(
            "rejection-path",
            "rejected" in outcomes,
            msg("Ada jalan untuk menolak permohonan.", "There is a way to reject an application."),
            "/workflow/states",
        ),
        CheckItem(
            "send-back-path",
            any(info.get("applicant_edits") for info in states(definition).values()),
            msg(
                "Ada jalan untuk mengembalikan permohonan ke pemohon.",
                "There is a way to send an application back to the applicant.",
            ),
            "/workflow/states",
        ),
        CheckItem(
            "nik-with-legal-basis",
            not asks_nik or bool(privacy.get("legal_basis")),
            msg(
                "NIK hanya diminta dengan dasar pemrosesan yang dinyatakan.",
                "A NIK is asked only with a declared lawful basis.",
            ),
            "/privacy/legal_basis",
        ),
        *_document_items(definition),
    ]
