"""What the commands of `loket` share: the settings from the environment (a clear error and exit
code 2 when they are wrong), a database session for one command, and the example services with
their agencies' names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from runtime.settings import Settings

if TYPE_CHECKING:
    from sqlmodel import Session

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
EXAMPLES = SCHEMAS / "examples"
AGENCY_NAMES = SCHEMAS / "agencies.json"


def agency_names() -> dict[str, str]:
    """Display names of agencies (schemas/agencies.json), by id."""
    try:
        names: dict[str, str] = json.loads(AGENCY_NAMES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return names


def settings_or_exit() -> Settings:
    """The settings from the environment; invalid ones end the command with exit code 2."""
    from runtime.settings import SettingsError

    try:
        return Settings.from_env()
    except SettingsError as exc:
        typer.secho(
            f"Konfigurasi tidak sah / invalid configuration: {exc}", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(2) from exc


@contextmanager
def user_session() -> Iterator[Session]:
    """A database session on the configured database, for one command."""
    from sqlmodel import Session

    from runtime import db

    engine = db.make_engine(settings_or_exit())
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()
