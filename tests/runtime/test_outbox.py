"""The outbox records a message in the caller's transaction, once per idempotency key."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from runtime.models import OutboxMessage
from runtime.notify.outbox import enqueue


def _send(session: Session, key: str) -> bool:
    return enqueue(
        session,
        kind="case.received",
        channel="email",
        recipient="warga@example.org",
        subject="Permohonan diterima",
        body="Nomor permohonan Anda: DOM-2026-0001.",
        idempotency_key=key,
    )


def test_a_message_commits_with_its_change_and_rolls_back_with_it(engine: Engine) -> None:
    with Session(engine) as session:
        assert _send(session, "k1")
        session.rollback()
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage)).all() == []
        assert _send(session, "k1")
        assert not _send(session, "k1")  # the same message again: recorded once
        session.commit()
    with Session(engine) as session:
        (message,) = session.exec(select(OutboxMessage)).all()
        assert (message.status, message.attempts, message.channel) == ("pending", 0, "email")


def test_an_unknown_channel_is_refused(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(ValueError):
        enqueue(session, kind="x", channel="fax", recipient="1", body="", idempotency_key="k")
