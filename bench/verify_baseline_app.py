"""The verification benchmark's baseline: a hand-written page doing the same look-up.

One FastAPI route, ``GET /verifikasi/{code}``: a plain ``sqlite3`` connection per thread (the
same pragmas as Loket), one indexed ``SELECT`` of the document joined with its agency by its
code, the holder's name masked, and a small HTML page written with an f-string and
``html.escape``; 404 for an unknown code. No rate limit, no template engine, no cookies, no
security headers, no signature summary: the floor of what this look-up costs in one FastAPI
worker on this machine.

Configured by ``BASELINE_DB`` (Loket's SQLite file, opened read-only). Run:
``uvicorn bench.verify_baseline_app:app`` (built on first access).
"""

from __future__ import annotations

import html
import os
import sqlite3
import threading
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

_LOCAL = threading.local()
QUERY = (
    "SELECT d.status, d.title, d.number, d.issued_at, d.holder_name, d.sha256, a.name "
    "FROM issued_documents d JOIN agencies a ON a.id = d.agency_id WHERE d.verify_code = ?"
)


def connection() -> sqlite3.Connection:
    """This thread's read-only connection."""
    found: sqlite3.Connection | None = getattr(_LOCAL, "connection", None)
    if found is None:
        found = sqlite3.connect(f"file:{os.environ['BASELINE_DB']}?mode=ro", uri=True)
        found.execute("PRAGMA busy_timeout=5000")
        _LOCAL.connection = found
    return found


def mask(name: str) -> str:
    """Each word keeps its first letter (two from four letters on); the rest become '*'."""
    return " ".join(
        word[: 2 if len(word) >= 4 else 1] + "*" * (len(word) - (2 if len(word) >= 4 else 1))
        for word in name.split()
    )


def create_baseline_app() -> FastAPI:
    """The baseline application."""
    application = FastAPI(title="verify-baseline")

    @application.get("/verifikasi/{code}")
    def verify(code: str) -> HTMLResponse:
        row = connection().execute(QUERY, (code[:64],)).fetchone()
        if row is None:
            return HTMLResponse("<!doctype html><h1>Dokumen tidak ditemukan</h1>", 404)
        status, title, number, issued_at, holder, sha256, agency = (
            html.escape(str(v)) for v in row
        )
        body = (
            f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{number}</title>'
            f"</head><body><main><h1>{status}</h1><dl><dt>Instansi</dt><dd>{agency}</dd>"
            f"<dt>Jenis</dt><dd>{title}</dd><dt>Nomor</dt><dd>{number}</dd>"
            f"<dt>Tanggal</dt><dd>{issued_at}</dd><dt>Atas nama</dt><dd>{holder}</dd>"
            f"<dt>SHA-256</dt><dd>{sha256}</dd></dl></main></body></html>"
        )
        return HTMLResponse(body)

    return application


def __getattr__(name: str) -> Any:
    # Built on first access (by uvicorn), not at import time.
    if name == "app":
        application = create_baseline_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
