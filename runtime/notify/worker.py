"""Background delivery of the outbox: claim a due message, send it, record what happened.

Claiming is one conditional UPDATE that takes a *lease* on a due message: it sets
``locked_by`` (this worker) and ``locked_until`` (now + lease) on a pending message whose
``next_attempt_at`` has come and whose lease is free or expired, and counts the try in
``attempts``. On PostgreSQL the message is chosen with ``FOR UPDATE SKIP LOCKED``, so workers
on several machines take different messages without waiting on each other; on SQLite the
database has one writer at a time, which makes the same UPDATE atomic.

The worker then calls the channel's sender outside any transaction and records the outcome
only if it still holds the lease: sent; pending again after a backoff (1, 2, 4, … minutes, at
most an hour); failed after the last try or on a permanent error; skipped when the channel is
not configured. A worker killed during a delivery leaves its lease behind: once it expires
another worker tries again. A message is therefore delivered at least once, and twice only
when a worker died (or lost its lease) between sending and recording; the idempotency key
travels with every delivery so that receivers can drop the duplicate.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from runtime import db
from runtime.models import OutboxMessage, utcnow
from runtime.notify import jobs
from runtime.notify.channels import Delivery, DeliveryError, sender_for
from runtime.settings import Settings

log = logging.getLogger("loket.notify")

LEASE = dt.timedelta(minutes=5)  # longer than any sender may take (their timeouts are shorter)
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
ERROR_LENGTH = 1000
NOT_CONFIGURED = "channel not configured"
INTERRUPTED = "delivery interrupted (the worker stopped) on the last try"

Senders = Callable[[str], Delivery | None]


def backoff(
    attempts: int, base: dt.timedelta = BACKOFF_BASE, cap: dt.timedelta = BACKOFF_CAP
) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: base, 2×base, 4×base, … but at most `cap`."""
    return min(cap, base * (1 << min(max(attempts - 1, 0), 32)))


def worker_name() -> str:
    """A name unique to this worker: host, process id and a random part (threads differ)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def claim(
    engine: Engine, worker: str, now: dt.datetime, lease: dt.timedelta = LEASE, limit: int = 1
) -> list[OutboxMessage]:
    """Take a lease on up to `limit` due messages and count the try; the claimed messages."""
    free = or_(col(OutboxMessage.locked_until).is_(None), col(OutboxMessage.locked_until) <= now)
    due = (
        col(OutboxMessage.status) == "pending",
        col(OutboxMessage.next_attempt_at) <= now,
        free,
    )
    chosen = (
        select(OutboxMessage.id)
        .where(*due)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has a single writer
        # materialised once: as a plain subquery PostgreSQL may run it again for each row
        # and so lock (and claim) more than `limit` messages
        .cte("chosen")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    with Session(engine, expire_on_commit=False) as session, db.serialised_writes(session):
        claimed = list(
            session.scalars(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(select(chosen.c.id)), *due)
                .values(
                    locked_by=worker,
                    locked_until=now + lease,
                    attempts=col(OutboxMessage.attempts) + 1,
                )
                .returning(OutboxMessage)
                .execution_options(synchronize_session=False)
            ).all()
        )
        session.commit()
    return claimed


def settle(engine: Engine, message: OutboxMessage, worker: str, **values: Any) -> bool:
    """Record the outcome of a try and free the lease, if this worker still holds it."""
    with Session(engine) as session, db.serialised_writes(session):
        done = session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == message.id,
                col(OutboxMessage.locked_by) == worker,
                col(OutboxMessage.status) == "pending",
            )
            .values(locked_by=None, locked_until=None, **values)
        )
        session.commit()
    return bool(getattr(done, "rowcount", 0))


class Worker:
    """Delivers due messages and runs due periodic jobs until told to stop."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        senders: Senders | None = None,
        name: str | None = None,
        lease: dt.timedelta = LEASE,
        clock: Callable[[], dt.datetime] = utcnow,
        registry: dict[str, jobs.Job] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.senders: Senders = senders or (lambda channel: sender_for(channel, settings))
        self.name = name or worker_name()
        self.lease = lease
        self.clock = clock
        self.registry = registry

    def deliver_one(self) -> bool:
        """Claim one due message and try to deliver it; False when none was due."""
        claimed = claim(self.engine, self.name, self.clock(), self.lease)
        for message in claimed:
            self.deliver(message)
        return bool(claimed)

    def deliver(self, message: OutboxMessage) -> str:
        """Send a claimed message and record the outcome; the status it got."""
        limit = self.settings.notify_max_attempts
        if message.attempts > limit:  # its last try was cut short by a worker that died
            return self._end(message, "failed", INTERRUPTED)
        sender = self.senders(message.channel)
        if sender is None:
            return self._end(message, "skipped", NOT_CONFIGURED)
        try:
            sender.send(message)
        except DeliveryError as exc:
            error, permanent = str(exc) or type(exc).__name__, exc.permanent
        except Exception as exc:  # a sender's bug is a failed try, not a dead worker
            log.exception(
                "message %s (%s): the %s sender failed", message.id, message.kind, message.channel
            )
            error, permanent = f"{type(exc).__name__}: {exc}", False
        else:
            now = self.clock()
            self._settle(message, status="sent", sent_at=now, last_error=None)
            return "sent"
        if permanent or message.attempts >= limit:
            return self._end(message, "failed", error)
        wait = backoff(message.attempts)
        self._settle(message, next_attempt_at=self.clock() + wait, last_error=error[:ERROR_LENGTH])
        log.info(
            "message %s (%s, %s): try %s of %s failed, next in %s",
            message.id,
            message.kind,
            message.channel,
            message.attempts,
            limit,
            wait,
        )
        return "pending"

    def _end(self, message: OutboxMessage, status: str, error: str) -> str:
        self._settle(message, status=status, last_error=error[:ERROR_LENGTH])
        log.warning(
            "message %s (%s, %s) %s: %s",
            message.id,
            message.kind,
            message.channel,
            status,
            error[:200],
        )
        return status

    def _settle(self, message: OutboxMessage, **values: Any) -> None:
        if not settle(self.engine, message, self.name, **values):
            log.warning("message %s: lease lost before its outcome was recorded", message.id)

    def run_jobs(self) -> list[str]:
        """Run the periodic jobs due now that no other worker has run in this period."""
        return jobs.run_due_jobs(self.engine, self.settings, self.name, self.clock(), self.registry)

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Run due jobs, then deliver until nothing is due (or `stop` is set); how many tried."""
        self.run_jobs()
        tried = 0
        while not (stop is not None and stop.is_set()) and self.deliver_one():
            tried += 1
        return tried

    def run(self, stop: threading.Event) -> None:
        """Work until `stop` is set; wait `notify_poll_seconds` whenever there is nothing to do."""
        log.info("worker %s started", self.name)
        while not stop.is_set():
            try:
                tried = self.run_once(stop)
            except Exception:  # e.g. the database is away for a moment: wait and try again
                log.exception("worker %s: a round failed", self.name)
                tried = 0
            if not tried:
                stop.wait(self.settings.notify_poll_seconds)
        log.info("worker %s stopped", self.name)


def start_thread(engine: Engine, settings: Settings) -> tuple[threading.Thread, threading.Event]:
    """Start a worker in a daemon thread of this process (`loket serve`); set the event to stop it."""
    stop = threading.Event()
    worker = Worker(engine, settings)
    thread = threading.Thread(target=worker.run, args=(stop,), name="loket-worker", daemon=True)
    thread.start()
    return thread, stop
