"""Gap-free document numbers: per agency, document type and year, consumed only on commit.

`next_number` increments a counter row inside the caller's transaction (the transition that
issues the document). On PostgreSQL the row lock makes concurrent issuers wait for each other,
so every committed document gets the next number and a rolled-back one gives its number back
(the increment rolls back with it). On SQLite the write transaction (taken under
`db.serialised_writes`) does the same. A new year starts a new counter at 1.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from builder.numbering import format_number
from runtime.models import DocumentCounter


def next_sequence(session: Session, *, agency_id: str, doc_type: str, year: int) -> int:
    """Take the next sequence number of (agency, document type, year) in this transaction."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(DocumentCounter)
        .values(agency_id=agency_id, doc_type=doc_type, year=year, last=0)
        .on_conflict_do_nothing()
    )
    taken = session.execute(
        update(DocumentCounter)
        .where(
            col(DocumentCounter.agency_id) == agency_id,
            col(DocumentCounter.doc_type) == doc_type,
            col(DocumentCounter.year) == year,
        )
        .values(last=col(DocumentCounter.last) + 1)
        .returning(col(DocumentCounter.last))
    ).scalar_one()
    return int(taken)


def next_number(
    session: Session, *, agency_id: str, doc_type: str, pattern: str, issued_on: dt.date
) -> tuple[int, str]:
    """The next sequence number and the document number it gives under `pattern`."""
    seq = next_sequence(session, agency_id=agency_id, doc_type=doc_type, year=issued_on.year)
    return seq, format_number(pattern, seq=seq, issued_on=issued_on)
