"""Exactly once against a running server: 20 officers' POSTs at once, one success, one event.

The app runs in a real uvicorn process on a free local port, on the test database (a migrated
SQLite file, and a fresh PostgreSQL schema when LOKET_TEST_DATABASE_URL is set). Two officers
sign in and fire the same action on the same case 20 times at once (10 each) with httpx.
Marked `live_server`; it runs in the normal suite and takes a few seconds per database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import kit
from tests.runtime.office.conftest import PASSWORD, ROOT, SECRET_KEY, Office

STARTUP_SECONDS = 15
REQUESTS = 20


@pytest.fixture
def server(office: Office, tmp_path: Path) -> Iterator[str]:
    """The base URL of uvicorn serving `runtime.asgi:app` on the office fixture's database."""
    port = kit.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")}
    env.update(
        LOKET_DATA_DIR=str(office.settings.data_dir),
        LOKET_DATABASE_URL=office.settings.database_url,
        LOKET_SECRET_KEY=SECRET_KEY,
        LOKET_LOG_LEVEL="WARNING",
    )
    log = tmp_path / "uvicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "runtime.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        kit.wait_until_ready(process, f"{base}/masuk", log, seconds=STARTUP_SECONDS)
        yield base
    finally:
        kit.stop(process)


csrf = kit.csrf


def sign_in(base: str, username: str) -> httpx.Client:
    """An httpx client with a staff session."""
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=15)
    return kit.signed_in(client, username, PASSWORD)


@pytest.mark.live_server
def test_twenty_concurrent_posts_give_one_success_and_one_event(
    office: Office, server: str
) -> None:
    filed = office.file_case()
    officers = [sign_in(server, "petugas.uji"), sign_in(server, "kepala.uji")]
    forms = []
    for client in officers:
        page = client.get(f"/kantor/kasus/{filed.id}")
        assert page.status_code == 200
        forms.append(
            {
                "csrf_token": csrf(page.text),
                "action": "tolak",
                "comment": "Dokumen tidak sah",
                "row_version": "1",
                "confirm": "1",
            }
        )
    # One client per request, each with its officer's cookies, released together.
    clients = [
        httpx.Client(
            base_url=server, cookies=officers[i % 2].cookies, follow_redirects=False, timeout=15
        )
        for i in range(REQUESTS)
    ]
    barrier = threading.Barrier(REQUESTS)
    results: list[httpx.Response | BaseException] = [RuntimeError("not run")] * REQUESTS

    def fire(index: int) -> None:
        barrier.wait()
        try:
            results[index] = clients[index].post(
                f"/kantor/kasus/{filed.id}/aksi", data=forms[index % 2]
            )
        except BaseException as error:
            results[index] = error

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(REQUESTS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for client in [*clients, *officers]:
            client.close()
    responses = [r for r in results if isinstance(r, httpx.Response)]
    assert len(responses) == REQUESTS, [r for r in results if not isinstance(r, httpx.Response)]
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [409] * (REQUESTS - 1), statuses
    winner = next(r for r in responses if r.status_code == 303)
    assert winner.headers["location"] == f"/kantor/kasus/{filed.id}"
    conflict = next(r for r in responses if r.status_code == 409)
    assert "Kasus ini sudah diproses" in conflict.text
    case = office.case(filed.id)
    assert (case.state, case.row_version) == ("ditolak", 2)
    assert [e.action for e in office.events(filed.id)] == ["submit", "tolak"]
