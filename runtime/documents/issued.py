"""Issued documents after issuing: listing a case's, reading one back, revoking one, and
removing files no row names (`loket prune`).

Revoking changes only the row's status and revoked_* columns (the file stays as signed) and
appends an internal audit event, in one transaction; a document already superseded or revoked
is not revoked again. Who may revoke is the definition's business (`builder.documents.
revoke_roles`); the caller checks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from runtime import db
from runtime.documents.files import FOLDER, document_key, read_document
from runtime.models import CaseEvent, IssuedDocument, utcnow
from runtime.storage import FileStore, as_store

REVOKE_ACTION = "revoke_document"
MAX_REASON = 2000
ORPHAN_AGE = dt.timedelta(hours=1)  # a file younger than this may belong to an open transaction


class NotRevocable(Exception):
    """The document is no longer valid (superseded or already revoked)."""


def for_case(session: Session, case_id: str) -> list[IssuedDocument]:
    """A case's documents, oldest first."""
    return list(
        session.exec(
            select(IssuedDocument)
            .where(IssuedDocument.submission_id == case_id)
            .order_by(col(IssuedDocument.issued_at), col(IssuedDocument.seq))
        ).all()
    )


def for_applicant(session: Session, case_id: str) -> list[IssuedDocument]:
    """The case's documents the applicant may see (valid, superseded and revoked ones)."""
    return [d for d in for_case(session, case_id) if d.visible_to_applicant]


def of_case(session: Session, case_id: str, document_id: str) -> IssuedDocument | None:
    """One document of a case by id (None for another case's or an unknown one)."""
    if len(document_id) > 64:
        return None
    found = session.get(IssuedDocument, document_id, populate_existing=True)
    return found if found is not None and found.submission_id == case_id else None


def content(store: FileStore | Path, document: IssuedDocument) -> bytes | None:
    """The signed PDF, if its file is there and unchanged (sha256 as recorded)."""
    return read_document(store, document.storage_name, document.sha256)


def file_name(document: IssuedDocument) -> str:
    """The download name: "<title> <number>.pdf", with the number's slashes as dashes."""
    number = document.number.replace("/", "-").replace("\\", "-")
    return f"{document.title} {number}.pdf"


@dataclass(frozen=True)
class Revoked:
    """A revocation as stored: the document and the audit event."""

    document: IssuedDocument
    event: CaseEvent


def revoke(
    session: Session,
    *,
    document: IssuedDocument,
    user_id: int,
    role: str | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Revoked:
    """Revoke a valid document with a reason and commit, with its audit event; NotRevocable
    when it is no longer valid (someone was first, or it was superseded)."""
    at = now or utcnow()
    reason = reason.strip()[:MAX_REASON]
    if not reason:
        raise ValueError("a revocation needs a reason")
    with db.serialised_writes(session):
        try:
            changed = session.exec(
                update(IssuedDocument)
                .where(col(IssuedDocument.id) == document.id, col(IssuedDocument.status) == "valid")
                .values(
                    status="revoked",
                    revoked_at=at,
                    revoked_by_user_id=user_id,
                    revoked_reason=reason,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed != 1:
                raise NotRevocable(document.id)
            event = CaseEvent(
                submission_id=document.submission_id,
                at=at,
                actor_kind="user",
                actor_user_id=user_id,
                actor_role=role,
                action=REVOKE_ACTION,
                comment=reason,
                details={"document_id": document.id, "number": document.number},
            )
            session.add(event)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    stored = session.get(IssuedDocument, document.id, populate_existing=True)
    assert stored is not None
    return Revoked(stored, event)


def prune_orphan_files(
    session: Session, store: FileStore | Path, now: dt.datetime | None = None
) -> int:
    """Delete document files no row names (left by a crash between writing and committing);
    files younger than ORPHAN_AGE are left alone (their transaction may still commit)."""
    files = as_store(store)
    cutoff = (now or utcnow()) - ORPHAN_AGE
    old = [info.key for info in files.list(FOLDER) if info.created_at < cutoff]
    if not old:
        return 0
    known = {document_key(name) for name in session.exec(select(IssuedDocument.storage_name))}
    removed = 0
    for key in old:
        if key not in known and files.delete(key):
            removed += 1
    return removed
