"""Helpers shared by the test packages: reading pages, staff sign-in, filing a case, a PNG,
running a server process.

Each test package's conftest builds its own app and data; the steps every one of them needs
(find the CSRF token, sign a staff member in through the real login form, file a case the way
the citizen pages do) live here once.
"""

from __future__ import annotations

import datetime as dt
import socket
import struct
import subprocess
import time
import zlib
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import Engine
from sqlmodel import Session

from runtime import store
from runtime.models import Submission

# answers to the domisili example's questions about the applicant and the address, as stored
# with a case (the tests that file one directly add what else they need)
DOMISILI_ANSWERS: dict[str, Any] = {
    "nik": "1871015708900001",
    "nama": "Budi Santoso",
    "tempat_lahir": "Bandar Lampung",
    "tanggal_lahir": "1990-08-17",
    "jenis_kelamin": "laki_laki",
    "status_perkawinan": "kawin",
    "pekerjaan": "Karyawan swasta",
    "telepon": "+6281234567890",
    "alamat_ktp": "Jalan Merdeka 10",
    "alamat_domisili": "Jalan Kartini nomor 5, Enggal",
    "kecamatan": "enggal",
    "kelurahan": "Enggal",
    "rt": "005",
}


class Browser(Protocol):
    """What the helpers need of a client: TestClient and httpx.Client both fit."""

    def get(self, url: str, **kwargs: Any) -> Any: ...

    def post(self, url: str, **kwargs: Any) -> Any: ...


def page(response: Any) -> LexborHTMLParser:
    """A response (or an HTML string) parsed as a document."""
    return LexborHTMLParser(response if isinstance(response, str) else response.text)


def csrf(doc: Any) -> str:
    """The CSRF token of the first form of a page (a parsed page, a response or HTML)."""
    parsed = doc if isinstance(doc, LexborHTMLParser) else page(doc)
    node = parsed.css_first("input[name=csrf_token]")
    assert node is not None, "no csrf_token on the page"
    return node.attributes.get("value") or ""


def sign_in(client: Browser, username: str, password: str, next_page: str | None = None) -> Any:
    """One attempt through the login form; returns the response to the POST."""
    data = {"csrf_token": csrf(client.get("/masuk").text), "username": username}
    data["password"] = password
    if next_page is not None:
        data["next"] = next_page
    return client.post("/masuk", data=data)


C = TypeVar("C", bound=Browser)


class Site:
    """Sessions and visitors of an app under test, for a conftest's dataclass that holds the
    app as `app`, its database as `engine` and the visitors it opened as `clients`."""

    app: Any
    engine: Engine
    clients: list[TestClient]

    def session(self) -> Session:
        """A new session on the app's database (the caller closes it)."""
        return Session(self.engine, expire_on_commit=False)

    def client(self) -> TestClient:
        """A new anonymous visitor (own cookies, redirects not followed)."""
        client = TestClient(self.app, follow_redirects=False)
        self.clients.append(client)
        return client

    def close_clients(self) -> None:
        """Close every visitor opened (at the end of the fixture)."""
        for client in self.clients:
            client.close()


def signed_in(client: C, username: str, password: str, next_page: str | None = None) -> C:
    """`client`, signed in as `username` (the login must succeed)."""
    response = sign_in(client, username, password, next_page)
    assert response.status_code == 303, response.text[:500]
    return client


def file_case(
    session: Session,
    version_id: int,
    answers: dict[str, Any],
    *,
    initial_state: str,
    due_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[Submission, str]:
    """File a case through the store as the citizen pages do (the caller commits).

    Returns the case and its private status secret.
    """
    now = now or dt.datetime.now(dt.UTC)
    draft = store.create_draft(
        session, service_version_id=version_id, ttl=dt.timedelta(hours=1), now=now
    )
    case, secret = store.submit_draft(
        session,
        draft_id=draft.id,
        answers=answers,
        initial_state=initial_state,
        due_at=due_at,
        now=now,
    )
    assert secret is not None
    return case, secret


def png(width: int = 1, height: int = 1) -> bytes:
    """A real, tiny PNG image (red pixels), judged an image by its bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(
    process: subprocess.Popen[bytes], url: str, log: Path, *, seconds: float = 90
) -> None:
    """Wait for `url` to answer 200 (or fail with the end of the process's log). The default
    wait is long: a loaded machine imports slowly."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url}: the server did not start: {log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process this test started (SIGKILL if it does not stop on SIGTERM)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
