"""Dependency aliases for routes: the database session and the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from runtime.settings import Settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request; routes commit explicitly before they acknowledge anything.

    An async generator on purpose: FastAPI would run a plain generator's set-up and tear-down
    in the thread pool, two hand-offs per request. Creating a session does no I/O (it connects
    on first use, inside the route's worker thread). Closing one gives its connection back,
    rolling back a read transaction first: instant on the local SQLite file, a round trip on
    PostgreSQL, which is therefore done in the thread pool.
    """
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction() and session.get_bind().dialect.name != "sqlite":
            await run_in_threadpool(session.close)
        else:
            session.close()


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
