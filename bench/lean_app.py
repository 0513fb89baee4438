"""The lean baseline: what a small hand-written app does for a 30-field text form, and no more.

- ``POST /submissions``: an async route, ``await request.json()``, one cached
  ``jsonschema.Draft202012Validator`` (the schema file the bench writes: 30 string fields),
  one SQLModel insert and commit on SQLite (WAL, synchronous=FULL) on the event loop, reply
  201 with a random reference.
- ``GET /form``: one primary-key read of a draft (its id in the ``draft`` cookie) and a Jinja2
  template of 30 labelled inputs filled with the draft's answers.

No CSRF, no audit event, no idempotency, no security headers, no cookies set: the floor a
purpose-built app sets for the same two requests. ``bench/http_bench.py`` starts it with
``LEAN_DB`` (SQLite file) and ``LEAN_SCHEMA`` (JSON Schema file); ``LEAN_DRAFT`` (JSON answers)
seeds the draft with id ``bench``.
Run: ``uvicorn bench.lean_app:app`` (the app is built on first access).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment
from jsonschema import Draft202012Validator
from sqlalchemy import JSON, Engine, create_engine, event
from sqlmodel import Field, Session, SQLModel

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL")

TEMPLATE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Formulir</title></head>
<body><main><h1>Formulir</h1>
<form method="post" action="/submissions">
{% for key, label in fields %}<div class="field"><label for="{{ key }}">{{ label }}</label>
<input id="{{ key }}" name="{{ key }}" type="text" value="{{ answers.get(key, '') }}"></div>
{% endfor %}<button type="submit">Kirim</button>
</form></main></body></html>
"""


class LeanSubmission(SQLModel, table=True):
    """One filed form."""

    __tablename__ = "lean_submissions"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=32)
    answers: dict[str, Any] = Field(sa_type=JSON)
    created_at: dt.datetime


class LeanDraft(SQLModel, table=True):
    """A form in progress."""

    __tablename__ = "lean_drafts"

    id: str = Field(primary_key=True, max_length=32)
    answers: dict[str, Any] = Field(sa_type=JSON)


def _pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


@cache
def engine() -> Engine:
    """The SQLite engine (tables created, the draft seeded, on first use)."""
    made = create_engine(f"sqlite:///{os.environ['LEAN_DB']}")
    event.listen(made, "connect", _pragmas)
    SQLModel.metadata.create_all(made)
    answers = json.loads(os.environ.get("LEAN_DRAFT", "{}"))
    with Session(made) as session:
        if session.get(LeanDraft, "bench") is None:
            session.add(LeanDraft(id="bench", answers=answers))
            session.commit()
    return made


@cache
def schema() -> dict[str, Any]:
    """The form's JSON Schema."""
    loaded: dict[str, Any] = json.loads(Path(os.environ["LEAN_SCHEMA"]).read_text("utf-8"))
    return loaded


@cache
def validator() -> Draft202012Validator:
    """The form's validator, built once."""
    return Draft202012Validator(schema())


def create_lean_app() -> FastAPI:
    """The lean application."""
    application = FastAPI(title="lean")
    template = Environment(autoescape=True).from_string(TEMPLATE)
    fields = [(key, key.replace("_", " ").capitalize()) for key in schema()["properties"]]

    @application.post("/submissions", status_code=201)
    async def submit(request: Request) -> Response:
        """Validate the answers and store them as one row."""
        answers = await request.json()
        errors = [e.message for e in validator().iter_errors(answers)]
        if errors:
            return JSONResponse({"errors": errors}, status_code=422)
        row = LeanSubmission(
            reference=secrets.token_urlsafe(12),
            answers=answers,
            created_at=dt.datetime.now(dt.UTC),
        )
        with Session(engine()) as session:
            session.add(row)
            session.commit()
            reference = row.reference
        return JSONResponse({"reference": reference}, status_code=201)

    @application.get("/form")
    async def form(request: Request) -> Response:
        """The form page with the draft's answers."""
        with Session(engine()) as session:
            draft = session.get(LeanDraft, request.cookies.get("draft", ""))
            if draft is None:
                return Response(status_code=404)
            answers = dict(draft.answers)
        return HTMLResponse(template.render(fields=fields, answers=answers))

    engine()
    validator()
    return application


def __getattr__(name: str) -> Any:
    # Built on first access (by uvicorn), not at import time.
    if name == "app":
        application = create_lean_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
