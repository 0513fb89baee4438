"""`loket user disable` and `loket user enable` on a migrated database (SQLite in tmp_path)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session
from typer.testing import CliRunner

from runtime import auth, db
from runtime.cli import app
from runtime.settings import Settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated data folder with one officer, named in the environment the CLI reads."""
    monkeypatch.setattr(auth, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOKET_SECRET_KEY", "cli-test-secret-key-0123456789-abcdefghij")
    monkeypatch.delenv("LOKET_DATABASE_URL", raising=False)
    settings = Settings.from_env()
    db.migrate(settings)
    engine = db.make_engine(settings)
    try:
        with Session(engine) as session:
            auth.create_user(
                session,
                username="petugas.uji",
                display_name="Petugas Uji",
                password="kata-sandi-yang-panjang-sekali",
            )
            session.commit()
    finally:
        engine.dispose()
    return tmp_path


def _active(data_dir: Path) -> bool:
    engine = db.make_engine(Settings.from_env())
    try:
        with Session(engine) as session:
            user = auth.find_user(session, "petugas.uji")
            assert user is not None
            return user.is_active
    finally:
        engine.dispose()


def test_disable_then_enable_from_the_command_line(data_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["user", "disable", "petugas.uji"])
    assert result.exit_code == 0, result.output
    assert not _active(data_dir)
    result = runner.invoke(app, ["user", "enable", "petugas.uji"])
    assert result.exit_code == 0, result.output
    assert "enabled: petugas.uji" in result.output
    assert _active(data_dir)


def test_enabling_an_unknown_user_fails_with_a_message(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["user", "enable", "tidak.ada"])
    assert result.exit_code == 1
    assert "no such user" in result.output


def test_serve_leaves_forwarded_headers_to_the_app(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's own proxy handling (which believes loopback) is off; LOKET_TRUSTED_PROXIES rules."""
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["proxy_headers"] is False
    # idle connections outlive nginx's upstream keepalive_timeout (60 s): no 502 on a POST
    # sent on a connection the app is closing
    assert isinstance(calls[0]["timeout_keep_alive"], int) and calls[0]["timeout_keep_alive"] > 60


def test_user_add_reads_the_password_from_the_environment_without_a_warning(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("LOKET_NEW_PASSWORD", "Senja-Di-Pahoman-Tujuh-2026")
    with caplog.at_level(logging.WARNING):
        result = CliRunner().invoke(app, ["user", "add", "siti.rahma", "--name", "Siti Rahma"])
    assert result.exit_code == 0, result.output
    assert "added: siti.rahma" in result.output
    assert "LOKET_NEW_PASSWORD" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    engine = db.make_engine(Settings.from_env())
    try:
        with Session(engine) as session:
            user = auth.find_user(session, "siti.rahma")
            assert user is not None
            assert auth.verify_password(user.password_hash, "Senja-Di-Pahoman-Tujuh-2026")
    finally:
        engine.dispose()


def _email(username: str) -> str | None:
    engine = db.make_engine(Settings.from_env())
    try:
        with Session(engine) as session:
            user = auth.find_user(session, username)
            assert user is not None
            return user.email
    finally:
        engine.dispose()


def test_an_email_address_on_adding_and_later(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("LOKET_NEW_PASSWORD", "kata-sandi-yang-panjang-sekali-2")
    result = runner.invoke(app, ["user", "add", "kepala.uji", "--email", "kepala@example.go.id"])
    assert result.exit_code == 0, result.output
    assert _email("kepala.uji") == "kepala@example.go.id"
    result = runner.invoke(app, ["user", "add", "lain.uji", "--email", "bukan alamat"])
    assert result.exit_code == 1 and "e-mail" in result.output
    result = runner.invoke(app, ["user", "email", "petugas.uji", "petugas@example.go.id"])
    assert result.exit_code == 0, result.output
    assert _email("petugas.uji") == "petugas@example.go.id"
    result = runner.invoke(app, ["user", "email", "petugas.uji", ""])
    assert result.exit_code == 0 and _email("petugas.uji") is None
