"""Messages that need an administrator: failed and skipped ones, and sending one again.

The list shows what is needed to judge a message (kind, channel, a partly masked recipient,
tries, the last error, when) and never its subject or body, which may hold personal data.
Sending again puts the message back to pending with a fresh count of tries, and records who
did it in ``admin_events`` in the same transaction (action ``outbox.send_again``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlmodel import Session, col, select

from runtime.models import AdminEvent, OutboxMessage, utcnow

NEEDS_ATTENTION = ("failed", "skipped")
SEND_AGAIN = "outbox.send_again"
SHOWN_ERROR = 300
LISTED = 200


@dataclass(frozen=True)
class Listed:
    """One message as the administrator's page shows it."""

    id: int
    status: str
    kind: str
    channel: str
    recipient: str  # masked
    attempts: int
    last_error: str
    created_at: dt.datetime
    agency_id: str | None


def mask(channel: str, recipient: str) -> str:
    """Enough of an address to recognise it, not enough to read it off the page."""
    if channel == "webhook":
        parts = urlsplit(recipient)
        return f"{parts.scheme}://{parts.hostname or ''}/…" if parts.scheme else "…"
    if channel == "email" and "@" in recipient:
        local, _, domain = recipient.rpartition("@")
        return f"{local[:2]}…@{domain}"
    if len(recipient) > 8:  # a +62 number: the operator's prefix and the last digits
        return f"{recipient[:6]}…{recipient[-3:]}"
    return "…"


def needing_attention(session: Session, limit: int = LISTED) -> list[Listed]:
    """Failed and skipped messages, newest first."""
    rows = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.status).in_(NEEDS_ATTENTION))
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        .limit(limit)
    ).all()
    return [
        Listed(
            id=row.id or 0,
            status=row.status,
            kind=row.kind,
            channel=row.channel,
            recipient=mask(row.channel, row.recipient),
            attempts=row.attempts,
            last_error=(row.last_error or "")[:SHOWN_ERROR],
            created_at=row.created_at,
            agency_id=row.agency_id,
        )
        for row in rows
    ]


def send_again(
    session: Session, message_id: int, actor_user_id: int, now: dt.datetime | None = None
) -> bool:
    """Put a failed or skipped message back in the queue and audit it; False if it was neither.

    The caller commits. The condition on the status makes a double click count once.
    """
    moment = now or utcnow()
    before = session.exec(
        select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error).where(
            col(OutboxMessage.id) == message_id
        )
    ).first()
    changed = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status).in_(NEEDS_ATTENTION),
        )
        .values(
            status="pending",
            attempts=0,
            next_attempt_at=moment,
            locked_by=None,
            locked_until=None,
        )
    )
    if before is None or not getattr(changed, "rowcount", 0):
        return False
    status, attempts, last_error = before
    session.add(
        AdminEvent(
            at=moment,
            actor_user_id=actor_user_id,
            action=SEND_AGAIN,
            target=f"outbox_messages/{message_id}",
            details={
                "status": status,
                "attempts": attempts,
                "last_error": (last_error or "")[:SHOWN_ERROR],
            },
        )
    )
    session.flush()
    return True
