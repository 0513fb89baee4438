"""`loket serve` as a real process: JSON log lines on standard error, and a graceful stop on
SIGTERM (a request still being received is finished and answered, new connections are
refused, the in-process worker stops, the process ends with status 0)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from runtime.db import make_engine, migrate
from runtime.settings import sqlite_url
from tests import kit

ROOT = Path(__file__).resolve().parents[3]
SECRET_KEY = "test-secret-key-for-loket-serve-0123456789"


def _start(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")}
    env.update(
        PYTHONPATH=str(ROOT),
        LOKET_DATA_DIR=str(data_dir),
        LOKET_SECRET_KEY=SECRET_KEY,
        LOKET_LOG_FORMAT="json",
        LOKET_SHUTDOWN_SECONDS="15",
        LOKET_NOTIFY_POLL_SECONDS="1",
    )
    with log.open("wb") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from runtime.cli import main; main()",
                "serve",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )


def _refused_soon(url: str) -> bool:
    """Whether new connections are refused within 20 seconds (the signal takes a moment)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=5)
        except httpx.ConnectError:
            return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False


def test_serve_logs_json_and_stops_gracefully(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    engine = make_engine(sqlite_url(data_dir))
    migrate(engine)
    engine.dispose()
    port = kit.free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    process = _start(data_dir, port, log)
    try:
        kit.wait_until_ready(process, f"{base}/healthz", log)
        answered = httpx.get(f"{base}/readyz", headers={"X-Request-ID": "probe-readyz-1"})
        assert answered.text == "ready"

        # a login form still arriving when the stop signal comes
        body = b"username=siti&password=salah-sekali&csrf_token=x"
        slow = socket.create_connection(("127.0.0.1", port), timeout=10)
        slow.sendall(
            b"POST /masuk HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[:10]
        )
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        assert _refused_soon(f"{base}/healthz"), "still accepting connections while stopping"
        slow.sendall(body[10:])
        reply = slow.recv(4096)
        slow.close()
        assert reply.startswith(b"HTTP/1.1 "), reply[:200]
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert lines, log.read_text()[-2000:]
    not_json = [line for line in log.read_text().splitlines() if line and not line.startswith("{")]
    assert not_json == [], not_json
    access = [entry for entry in lines if entry["logger"] == "loket.access"]
    probe = [entry for entry in access if entry.get("request_id") == "probe-readyz-1"]
    assert [(e["method"], e["route"], e["status"]) for e in probe] == [("GET", "/readyz", 200)]
    assert any(e["route"] == "/masuk" and e["method"] == "POST" for e in access)
    messages = [entry["message"] for entry in lines]
    assert any(m.startswith("worker ") and m.endswith(" stopped") for m in messages), messages
    assert messages[-1] == "Loket stopped (signal 15)"
    assert "password" not in log.read_text() and "salah-sekali" not in log.read_text()
