"""Delivery of the outbox: claims with a lease, retries with backoff, failed and skipped."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from runtime.models import OutboxMessage
from runtime.notify import worker as delivery
from runtime.notify.channels import DeliveryError
from runtime.notify.worker import Worker, backoff, claim
from tests.runtime.notify.conftest import Clock, FakeSender, add_messages, settings_for

MINUTE = dt.timedelta(minutes=1)


def _messages(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def _worker(
    engine: Engine, tmp_path: Path, clock: Clock, sender: FakeSender | None, **values: object
) -> Worker:
    settings = settings_for(engine, tmp_path, **values)
    return Worker(engine, settings, senders=lambda channel: sender, clock=clock, registry={})


def test_due_messages_are_sent_once_each_with_their_keys(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    keys = add_messages(engine, 3)
    sender = FakeSender()
    assert _worker(engine, tmp_path, clock, sender).run_once() == 3
    assert sender.sent == keys
    for message in _messages(engine):
        assert (message.status, message.attempts, message.sent_at) == ("sent", 1, clock.now)
        assert (message.locked_by, message.locked_until, message.last_error) == (None, None, None)
    assert _worker(engine, tmp_path, clock, sender).run_once() == 0  # nothing is sent twice
    assert sender.sent == keys


def test_a_message_waits_for_its_time_and_for_another_workers_lease(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    add_messages(engine, 1, now=clock.now + MINUTE)  # due in a minute
    assert claim(engine, "a", clock.now) == []
    clock.advance(MINUTE)
    (mine,) = claim(engine, "a", clock.now, lease=5 * MINUTE)
    assert (mine.locked_by, mine.locked_until, mine.attempts) == ("a", clock.now + 5 * MINUTE, 1)
    clock.advance(4 * MINUTE)
    assert claim(engine, "b", clock.now) == []  # leased to a
    clock.advance(MINUTE)
    (again,) = claim(engine, "b", clock.now)  # a's lease expired: a died, b tries again
    assert (again.id, again.locked_by, again.attempts) == (mine.id, "b", 2)
    # a comes back after all: its outcome is not recorded over b's lease
    assert not delivery.settle(engine, mine, "a", status="sent")
    assert delivery.settle(engine, again, "b", status="sent")
    assert _messages(engine)[0].status == "sent"


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE]
    assert backoff(7) == backoff(50) == dt.timedelta(hours=1)


def test_failed_tries_back_off_and_the_last_one_marks_the_message_failed(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    add_messages(engine, 1)
    sender = FakeSender(always=DeliveryError("SMTP 451 coba lagi nanti"))
    worker = _worker(engine, tmp_path, clock, sender, notify_max_attempts=8)
    waits = []
    for attempt in range(1, 8):
        assert worker.run_once() == 1
        (message,) = _messages(engine)
        assert (message.status, message.attempts) == ("pending", attempt)
        assert message.last_error == "SMTP 451 coba lagi nanti"
        assert message.locked_by is None
        waits.append(message.next_attempt_at - clock.now)
        assert worker.run_once() == 0  # not due yet
        clock.advance(waits[-1])
    assert waits == [MINUTE * n for n in (1, 2, 4, 8, 16, 32)] + [dt.timedelta(hours=1)]
    assert worker.run_once() == 1  # the 8th and last try
    (message,) = _messages(engine)
    assert (message.status, message.attempts, message.sent_at) == ("failed", 8, None)
    clock.advance(dt.timedelta(days=1))
    assert worker.run_once() == 0  # failed stays failed until an administrator sends it again


def test_a_permanent_error_fails_at_once_and_a_crash_is_retried(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    add_messages(engine, 2)
    sender = FakeSender(
        failures=[DeliveryError("550 no such mailbox", permanent=True), RuntimeError("bug")]
    )
    worker = _worker(engine, tmp_path, clock, sender)
    assert worker.run_once() == 2
    first, second = _messages(engine)
    assert (first.status, first.last_error) == ("failed", "550 no such mailbox")
    assert (second.status, second.last_error) == ("pending", "RuntimeError: bug")
    clock.advance(MINUTE)
    assert worker.run_once() == 1
    assert _messages(engine)[1].status == "sent"


def test_a_channel_that_is_not_configured_is_skipped(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    add_messages(engine, 1, channel="whatsapp")
    assert _worker(engine, tmp_path, clock, None).run_once() == 1
    (message,) = _messages(engine)
    assert (message.status, message.last_error) == ("skipped", delivery.NOT_CONFIGURED)


def test_the_default_senders_come_from_the_channel_registry(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    add_messages(engine, 1, channel="sms")
    worker = Worker(engine, settings_for(engine, tmp_path), clock=clock, registry={})
    worker.run_once()
    assert _messages(engine)[0].status == "skipped"  # the stub configures no channel


def test_a_last_try_cut_short_by_a_dead_worker_ends_failed_without_sending(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    add_messages(engine, 1)
    with Session(engine) as session:
        session.execute(update(OutboxMessage).values(attempts=2))
        session.commit()
    (claimed,) = claim(engine, "dead", clock.now, lease=MINUTE)  # the third and last try...
    assert claimed.attempts == 3
    clock.advance(2 * MINUTE)  # ...whose worker died
    sender = FakeSender()
    assert _worker(engine, tmp_path, clock, sender, notify_max_attempts=3).run_once() == 1
    assert sender.sent == []
    (message,) = _messages(engine)
    assert (message.status, message.last_error) == ("failed", delivery.INTERRUPTED)


def test_two_workers_never_deliver_the_same_message_at_the_same_time(
    engine: Engine, tmp_path: Path
) -> None:
    keys = add_messages(engine, 40, now=dt.datetime.now(dt.UTC) - MINUTE)
    sender = FakeSender(delay=0.005)
    settings = settings_for(engine, tmp_path)
    workers = [Worker(engine, settings, senders=lambda c: sender, registry={}) for _ in range(2)]
    start = threading.Barrier(2)

    def work(worker: Worker) -> None:
        start.wait()
        worker.run_once()

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sender.overlaps == []
    assert len(sender.threads) == 2  # both worked
    assert sorted(sender.sent) == sorted(keys)  # each once: no lease expired
    assert {m.status for m in _messages(engine)} == {"sent"}
    assert len({m.locked_by for m in _messages(engine)}) == 1  # all freed (None)


@pytest.mark.parametrize("limit", [3])
def test_claim_takes_at_most_its_limit(engine: Engine, clock: Clock, limit: int) -> None:
    add_messages(engine, 5)
    assert len(claim(engine, "a", clock.now, limit=limit)) == limit
    assert len(claim(engine, "b", clock.now, limit=limit)) == 2


def test_the_in_process_thread_delivers_and_stops(engine: Engine, tmp_path: Path) -> None:
    add_messages(engine, 1, now=dt.datetime.now(dt.UTC) - MINUTE)
    thread, stop = delivery.start_thread(engine, settings_for(engine, tmp_path))
    try:
        for _ in range(200):
            if _messages(engine)[0].status != "pending":
                break
            threading.Event().wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert _messages(engine)[0].status == "skipped"  # the stub configures no channel
