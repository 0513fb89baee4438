"""`db.writing`: on SQLite a submission is filed on the event loop when the write lock is free at
once, and in the thread pool when another writer holds it; on PostgreSQL always in the thread
pool. The `api` fixture runs on SQLite, and on PostgreSQL when LOKET_TEST_DATABASE_URL is set."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from starlette.concurrency import run_in_threadpool

from runtime import db
from runtime.models import Submission
from tests.runtime.api.conftest import VALID, Api

HOLD_AT_MOST = 5.0  # seconds a holder keeps a lock when no hand-off comes


class HandOffs(list[str]):
    """The names of the functions `db.writing` handed to the thread pool; `seen` is set at the
    first hand-off (a test's lock holder lets go then, so the timing never decides)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = threading.Event()


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> HandOffs:
    handed = HandOffs()
    real = run_in_threadpool

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        handed.append(getattr(func, "__name__", "?"))
        handed.seen.set()
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(db, "run_in_threadpool", counted)
    return handed


def _cases(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Submission)).scalar_one())


def _sqlite_only(api: Api) -> None:
    if api.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock (PostgreSQL files in the thread pool)")


def _busy_timeouts(engine: Engine) -> list[int]:
    """The busy timeout of every connection of the app's pool, all checked out at once."""
    pooled = engine.pool.checkedin()  # type: ignore[attr-defined]
    connections = [engine.connect() for _ in range(max(pooled, 1))]
    try:
        return [int(c.exec_driver_sql("PRAGMA busy_timeout").scalar_one()) for c in connections]
    finally:
        for connection in connections:
            connection.close()


@pytest.fixture
def other_writer(api: Api, hand_offs: HandOffs) -> Iterator[Callable[[], threading.Thread]]:
    """Start another connection (as another process would) that holds SQLite's write lock
    until the filing is handed to the thread pool (at most HOLD_AT_MOST); joined at the end."""
    started: list[threading.Thread] = []

    def start() -> threading.Thread:
        holding = threading.Event()

        def hold() -> None:
            other = sqlite3.connect(str(api.engine.url.database), timeout=5)
            try:
                other.execute("BEGIN IMMEDIATE")
                holding.set()
                hand_offs.seen.wait(HOLD_AT_MOST)
                other.rollback()
            finally:
                other.close()

        thread = threading.Thread(target=hold)
        thread.start()
        assert holding.wait(5)
        started.append(thread)
        return thread

    yield start
    for thread in started:
        thread.join()


def test_a_submission_is_filed_on_the_event_loop_on_sqlite_and_in_the_pool_on_postgresql(
    api: Api, hand_offs: HandOffs
) -> None:
    assert api.submit(VALID).status_code == 201
    assert api.submit({**VALID, "umur": 3}).status_code == 422
    assert _cases(api.engine) == 1
    if api.engine.dialect.name == "sqlite":
        assert hand_offs == []
        assert set(_busy_timeouts(api.app.state.engine)) == {db.SQLITE_BUSY_TIMEOUT_MS}
    else:
        assert hand_offs == ["_file_and_close", "_file_and_close"]


def test_another_process_writing_sends_the_filing_to_the_thread_pool(
    api: Api, hand_offs: HandOffs, other_writer: Callable[[], threading.Thread]
) -> None:
    _sqlite_only(api)
    assert api.submit(VALID).status_code == 201  # the pool's connections exist
    other_writer()
    started = time.monotonic()
    response = api.submit(VALID)
    assert response.status_code == 201, response.text
    assert hand_offs == ["_file_and_close"]  # refused at once on the loop, then it waited
    assert time.monotonic() - started < HOLD_AT_MOST  # not after the holder gave up
    assert _cases(api.engine) == 2
    # the connection the refused attempt used waits for other writers again
    assert set(_busy_timeouts(api.app.state.engine)) == {db.SQLITE_BUSY_TIMEOUT_MS}


def test_a_write_in_another_thread_of_this_process_sends_the_filing_to_the_thread_pool(
    api: Api, hand_offs: HandOffs
) -> None:
    _sqlite_only(api)
    holding = threading.Event()

    def hold() -> None:
        with db._SQLITE_WRITES:
            holding.set()
            hand_offs.seen.wait(HOLD_AT_MOST)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(5)
    response = api.submit(VALID)
    thread.join()
    assert response.status_code == 201, response.text
    assert hand_offs == ["_file_and_close"]
    assert _cases(api.engine) == 1


def test_other_database_errors_are_not_retried(
    make_api: Callable[..., Api], hand_offs: HandOffs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only "another writer" sends the work to the pool; any other error is the request's."""
    api = make_api(raise_server_exceptions=False)
    _sqlite_only(api)
    from sqlalchemy.exc import OperationalError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr("runtime.routes.api._file_case", broken)
    assert api.submit(VALID).status_code == 500
    assert hand_offs == []
