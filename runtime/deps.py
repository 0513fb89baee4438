"""Dependency aliases for routes: the database session, the settings, and bounded integers.

Every integer a request carries (a path id, a form or query value) is bounded before it meets
the database: ids fit PostgreSQL's `integer` (1..2^31-1, `IdPath`, `parse_id`), other integer
values are at most ten ASCII digits (`bounded_int`). An id out of range is simply not found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as PathParam
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from runtime.settings import Settings


class RequestSession:
    """``async with RequestSession(request) as session``: the session of a request, closed at
    the end of the block; what `get_session` gives, for hot routes that skip FastAPI's
    dependency machinery (a generator dependency costs an exit stack and a shielded context
    manager per request).

    Creating a session does no I/O (it connects on first use). Closing one gives its connection
    back, rolling back a read transaction first: instant on the local SQLite file, a round trip
    on PostgreSQL, which is therefore done in the thread pool.
    """

    __slots__ = ("session",)

    def __init__(self, request: Request) -> None:
        self.session = Session(request.app.state.engine, expire_on_commit=False)

    async def __aenter__(self) -> Session:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        session = self.session
        if session.in_transaction() and session.get_bind().dialect.name != "sqlite":
            await run_in_threadpool(session.close)
        else:
            session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request; routes commit explicitly before they acknowledge anything.

    An async generator on purpose: FastAPI would run a plain generator's set-up and tear-down
    in the thread pool, two hand-offs per request.
    """
    async with RequestSession(request) as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


MAX_ID = 2**31 - 1
"""The largest id of an integer key (PostgreSQL `integer`, SQLite fits it too)."""

IdPath = Annotated[int, PathParam(ge=1, le=MAX_ID)]
"""An integer id in the path; out of range it is a 404 (see the app's validation handler)."""


def bounded_int(raw: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """An integer form or query value: 1 to 10 ASCII digits within `low..high`, else None.

    `str.isdigit` is not enough: it accepts `²` (which `int` refuses) and any length (`int`
    refuses more than 4300 digits, the database more than its column holds).
    """
    if not isinstance(raw, str) or not 1 <= len(raw) <= 10 or not raw.isascii():
        return None
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_id(raw: object) -> int | None:
    """An integer id from a form or query value (1..2^31-1), else None."""
    return bounded_int(raw, low=1)
