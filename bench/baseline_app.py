"""The benchmark's baseline: a hand-written FastAPI + SQLModel endpoint for the same 30-field form.

It does what a small purpose-built app would do and nothing more: parse the JSON body, validate
it with one cached ``jsonschema.Draft202012Validator``, insert one row into SQLite (WAL,
synchronous=FULL, foreign keys, busy timeout, like Loket) and reply 201 after the commit.

It also serves ``GET /page``: a fixed HTML document (the bench gives it the bytes of Loket's
form page) from a plain route, with no database, no template and no cookies: the floor of what
one FastAPI worker on this machine can do for a page of that size.

Configured by environment variables (the bench sets them): ``BASELINE_DB`` (SQLite file),
``BASELINE_SCHEMA`` (JSON Schema file of the form), ``BASELINE_PAGE`` (HTML file for ``/page``,
optional) and ``BASELINE_WRITE_LOCK`` (``1``: take a process-wide lock around the insert and
commit, as Loket's API does for SQLite; unset: the plain version, where concurrent request
threads wait in SQLite's busy handler).
Run: ``uvicorn bench.baseline_app:app`` (the app is built on first access).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from jsonschema import Draft202012Validator
from sqlalchemy import JSON, Engine, create_engine, event
from sqlmodel import Field, Session, SQLModel

PRAGMAS = (
    "PRAGMA busy_timeout=5000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)


class BaselineSubmission(SQLModel, table=True):
    """One filed form."""

    __tablename__ = "baseline_submissions"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=32)
    answers: dict[str, Any] = Field(sa_type=JSON)
    created_at: dt.datetime


def _pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


@cache
def engine() -> Engine:
    """The SQLite engine (tables created on first use)."""
    made = create_engine(f"sqlite:///{os.environ['BASELINE_DB']}")
    event.listen(made, "connect", _pragmas)
    SQLModel.metadata.create_all(made)
    return made


@cache
def validator() -> Draft202012Validator:
    """The form's validator, built once."""
    schema = json.loads(Path(os.environ["BASELINE_SCHEMA"]).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


_LOCK = threading.Lock()


def get_session() -> Iterator[Session]:
    """A session per request."""
    with Session(engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def create_baseline_app() -> FastAPI:
    """The baseline application."""
    application = FastAPI(title="baseline")
    lock = _LOCK if os.environ.get("BASELINE_WRITE_LOCK") == "1" else nullcontext()

    @application.post("/submissions", status_code=201)
    def submit(answers: Annotated[dict[str, Any], Body()], session: SessionDep) -> dict[str, str]:
        """Validate the answers and store them as one row."""
        errors = [
            {"pointer": "/" + "/".join(str(p) for p in e.absolute_path), "message": e.message}
            for e in validator().iter_errors(answers)
        ]
        if errors:
            raise HTTPException(status_code=422, detail=errors)
        row = BaselineSubmission(
            reference=secrets.token_urlsafe(12),
            answers=answers,
            created_at=dt.datetime.now(dt.UTC),
        )
        with lock:
            session.add(row)
            session.commit()
        return {"reference": row.reference}

    page_file = os.environ.get("BASELINE_PAGE")
    page = Path(page_file).read_bytes() if page_file else b"<!doctype html><title>-</title>"

    @application.get("/page")
    def static_page() -> HTMLResponse:
        """The same bytes every time."""
        return HTMLResponse(page)

    engine()
    validator()
    return application


def __getattr__(name: str) -> Any:
    # Built on first access (by uvicorn), not at import time.
    if name == "app":
        application = create_baseline_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
