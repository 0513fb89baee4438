"""The transactional outbox: `enqueue` records a message in the caller's transaction.

A rolled-back change sends nothing (its message rolls back with it); a committed one is
delivered at least once by a worker. The idempotency key is unique: enqueueing the same
message twice (a retried request) records it once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from runtime.models import OutboxMessage, utcnow

CHANNELS = ("email", "whatsapp", "sms", "webhook")


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
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(
        insert(OutboxMessage)
        .values(
            created_at=moment,
            kind=kind,
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            payload=payload,
            idempotency_key=idempotency_key,
            agency_id=agency_id,
            submission_id=submission_id,
            status="pending",
            attempts=0,
            next_attempt_at=moment,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(col(OutboxMessage.id))
    )
    return result.scalar_one_or_none() is not None
