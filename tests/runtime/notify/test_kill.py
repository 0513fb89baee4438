"""`kill -9` of a worker in the middle of deliveries loses nothing: another worker finishes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from runtime.models import OutboxMessage
from tests.runtime.notify.conftest import SECRET_KEY, add_messages

ROOT = Path(__file__).resolve().parents[3]
COUNT = 80


def _start(engine: Engine, keys: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOKET_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LOKET_DATA_DIR": str(data_dir),
        "LOKET_SECRET_KEY": SECRET_KEY,
        "LOKET_NOTIFY_POLL_SECONDS": "1",
    }
    command = [sys.executable, "-m", "tests.runtime.notify.file_worker", str(keys)]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def _sent(engine: Engine) -> int:
    with Session(engine) as session:
        query = select(func.count()).where(col(OutboxMessage.status) == "sent")
        return int(session.exec(query).one())


def _wait(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_worker_loses_no_message(engine: Engine, tmp_path: Path) -> None:
    expected = set(
        add_messages(engine, COUNT, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    )
    keys = tmp_path / "delivered.txt"
    first = _start(engine, keys, tmp_path / "data")
    try:
        _wait(lambda: len(_lines(keys)) >= COUNT // 4, 60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert first.returncode == -signal.SIGKILL
    assert _sent(engine) < COUNT  # killed in the middle

    second = _start(engine, keys, tmp_path / "data")
    try:
        _wait(lambda: _sent(engine) == COUNT, 60)
    finally:
        second.send_signal(signal.SIGTERM)  # a graceful stop
        second.wait(10)
    assert second.returncode == 0
    delivered = _lines(keys)
    assert set(delivered) == expected  # every message at least once
    assert len(delivered) - COUNT <= 1  # at most the one cut short is delivered twice
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
    assert {(m.status, m.locked_by) for m in rows} == {("sent", None)}
