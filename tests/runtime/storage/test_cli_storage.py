"""`loket storage check` and `loket storage import-local` (a data folder's files copied into
the database store, resumable, the folder only read)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from runtime.cli import app
from runtime.db import make_engine, migrate
from runtime.settings import sqlite_url
from runtime.storage import DatabaseStore, LocalStore

KEY = "test-secret-key-for-storage-commands-0123456789"


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {"LOKET_DATA_DIR": str(data_dir), "LOKET_SECRET_KEY": KEY, **extra}


def test_import_local_copies_uploads_and_documents_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    engine = make_engine(sqlite_url(data_dir))
    migrate(engine)
    local = LocalStore(data_dir)
    local.put("attachments/ab/abc.pdf", b"%PDF-1.4 upload")
    local.put("documents/letter.pdf", b"%PDF-1.7 letter" * 50_000)
    (data_dir / "keys").mkdir()
    (data_dir / "keys" / "dinsos.p12").write_bytes(b"secret key")
    runner = CliRunner()

    first = runner.invoke(app, ["storage", "import-local"], env=_env(data_dir))
    assert first.exit_code == 0, first.output
    assert "copied: 2" in first.output and "already there: 0" in first.output
    database = DatabaseStore(engine)
    assert database.read("attachments/ab/abc.pdf") == b"%PDF-1.4 upload"
    assert database.read("documents/letter.pdf") == local.read("documents/letter.pdf")
    assert not database.exists("keys/dinsos.p12")  # only uploads and documents
    assert local.exists("attachments/ab/abc.pdf")  # the folder is only read

    again = runner.invoke(app, ["storage", "import-local"], env=_env(data_dir))
    assert "copied: 0" in again.output and "already there: 2" in again.output

    check = runner.invoke(app, ["storage", "check"], env=_env(data_dir, LOKET_STORAGE="database"))
    assert check.exit_code == 0 and "storage: database" in check.output and "ready" in check.output
    engine.dispose()


def test_check_says_when_the_store_is_not_ready(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    engine = make_engine(sqlite_url(data_dir))
    try:
        engine.connect().close()  # creates the SQLite file, never migrated
    finally:
        engine.dispose()
    result = CliRunner().invoke(
        app, ["storage", "check"], env=_env(data_dir, LOKET_STORAGE="database")
    )
    assert result.exit_code == 1
    assert "file table unreadable" in result.output
