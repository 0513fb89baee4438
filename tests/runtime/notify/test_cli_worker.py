"""`loket worker --once` delivers what is due with the configured channels, then stops."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from runtime.cli import app
from runtime.models import OutboxMessage
from tests.runtime.notify.conftest import SECRET_KEY, add_messages


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "LOKET_DATABASE_URL": url,
        "LOKET_DATA_DIR": str(tmp_path),
        "LOKET_SECRET_KEY": SECRET_KEY,
    }


def test_loket_worker_once(engine: Engine, tmp_path: Path) -> None:
    add_messages(engine, 2, channel="sms")
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["worker", "--once"], env=_env(url, tmp_path))
    assert result.exit_code == 0, result.output
    assert "messages tried: 2" in result.output
    with Session(engine) as session:
        statuses = {m.status for m in session.exec(select(OutboxMessage)).all()}
    assert statuses == {"skipped"}  # no channel is configured here


def test_loket_worker_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(app, ["worker", "--once"], env=_env(url, tmp_path))
    assert result.exit_code == 1
    assert "loket migrate" in result.output
