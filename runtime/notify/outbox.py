"""The transactional outbox: `enqueue` records a message in the caller's transaction.

A rolled-back change sends nothing (its message rolls back with it); a committed one is
delivered at least once by a worker. The idempotency key is unique: enqueueing the same
message twice (a retried request) records it once.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from runtime.models import OutboxMessage, utcnow

CHANNELS = ("email", "whatsapp", "sms", "webhook")
_TABLE: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


@functools.cache
def _insert(dialect: str) -> Insert:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, built once per dialect.

    A Core statement on the table with the values as parameters: the ORM's insert with
    ``.values(...)`` coerced and checked every column on every call, which cost more than the
    database's own work for the row.
    """
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(_TABLE)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_TABLE.c.id)
    )


def enqueue(
    session: Session,
    *,
    kind: str,
    channel: str,
    recipient: str,
    body: str,
    idempotency_key: str,
    subject: str = "",
    payload: dict[str, Any] | None = None,
    agency_id: str | None = None,
    submission_id: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Record a message to deliver; False when one with this idempotency key exists already."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    moment = now or utcnow()
    session.flush()  # the rows it refers to first (a Core statement does not autoflush)
    result = session.execute(
        _insert(session.get_bind().dialect.name),
        {
            "created_at": moment,
            "kind": kind,
            "channel": channel,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "payload": payload,
            "idempotency_key": idempotency_key,
            "agency_id": agency_id,
            "submission_id": submission_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": moment,
            "locked_until": None,
            "locked_by": None,
            "last_error": None,
            "sent_at": None,
        },
    )
    return result.scalar_one_or_none() is not None
