"""Fixtures for delivery tests: settings on the test database, a clock and fake senders."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from runtime.models import OutboxMessage
from runtime.notify.channels import DeliveryError
from runtime.notify.outbox import enqueue
from runtime.settings import Settings

SECRET_KEY = "test-secret-key-for-notification-tests-0123456789"
START = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def settings_for(engine: Engine, data_dir: Path, **values: object) -> Settings:
    """Settings pointing at the engine's database."""
    return Settings(
        data_dir=data_dir,
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
        **values,  # type: ignore[arg-type]
    )


def add_messages(
    engine: Engine, count: int, *, channel: str = "email", now: dt.datetime = START
) -> list[str]:
    """Enqueue `count` committed messages; their idempotency keys."""
    keys = [f"test:{number}" for number in range(count)]
    with Session(engine) as session:
        for key in keys:
            enqueue(
                session,
                kind="case.received",
                channel=channel,
                recipient="+6281234567890",
                body="Permohonan Anda diterima.",
                idempotency_key=key,
                now=now,
            )
        session.commit()
    return keys


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, by: dt.timedelta) -> None:
        self.now += by


@dataclass
class FakeSender:
    """Records the idempotency keys it delivered; fails as told by `failures`."""

    failures: list[DeliveryError | Exception] = field(default_factory=list)
    always: DeliveryError | None = None
    delay: float = 0.0
    sent: list[str] = field(default_factory=list)
    busy: set[str] = field(default_factory=set)
    overlaps: list[str] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: OutboxMessage) -> None:
        with self.lock:
            if message.idempotency_key in self.busy:
                self.overlaps.append(message.idempotency_key)
            self.busy.add(message.idempotency_key)
            self.threads.add(threading.current_thread().name)
        try:
            if self.delay:
                time.sleep(self.delay)
            if self.always is not None:
                raise self.always
            if self.failures:
                raise self.failures.pop(0)
            with self.lock:
                self.sent.append(message.idempotency_key)
        finally:
            with self.lock:
                self.busy.discard(message.idempotency_key)


@pytest.fixture
def clock() -> Clock:
    return Clock()
