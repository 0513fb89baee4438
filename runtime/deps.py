"""Dependency aliases for routes: the database session and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from runtime.settings import Settings


def open_session(request: Request) -> Session:
    """A new session on the app's database (use it as a context manager)."""
    return Session(request.app.state.engine, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    """A session per request; routes commit explicitly before they acknowledge anything."""
    with open_session(request) as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
