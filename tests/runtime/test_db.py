"""Engines, SQLite pragmas, timestamps and migrations."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from runtime.db import (
    NotMigratedError,
    check_migrated,
    current_revisions,
    database_url,
    downgrade,
    head_revisions,
    make_engine,
    migrate,
    session_scope,
    set_sqlite_pragmas,
)
from runtime.models import Agency, User, metadata
from runtime.settings import Settings

TABLES = {
    "agencies",
    "services",
    "service_versions",
    "form_drafts",
    "submissions",
    "attachments",
    "case_events",
    "users",
    "memberships",
    "web_sessions",
    "login_attempts",
}


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite engine on a new file (not migrated)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    yield engine
    engine.dispose()


def _pragmas(connection: object) -> tuple[object, ...]:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    try:
        return tuple(
            cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        )
    finally:
        cursor.close()


def test_sqlite_pragmas_are_set_on_every_connection(sqlite_engine: Engine) -> None:
    connections = [sqlite_engine.connect() for _ in range(4)]
    try:
        raw = [connection.connection.dbapi_connection for connection in connections]
        assert len({id(dbapi) for dbapi in raw}) == 4, "expected four distinct connections"
        for dbapi in raw:
            assert _pragmas(dbapi) == ("wal", 2, 1, 5000)
    finally:
        for connection in connections:
            connection.close()
    sqlite_engine.dispose()  # new connections after the pool is emptied are set up too
    with sqlite_engine.connect() as connection:
        assert _pragmas(connection.connection.dbapi_connection) == ("wal", 2, 1, 5000)


def test_sqlite_pragmas_hold_for_sessions(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        values = [
            session.connection().exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        ]
    assert values == ["wal", 2, 1, 5000]


def test_the_connect_hook_overrides_other_settings(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "raw.db")
    try:
        for pragma in (
            "journal_mode=DELETE",
            "synchronous=OFF",
            "foreign_keys=OFF",
            "busy_timeout=0",
        ):
            connection.execute(f"PRAGMA {pragma}")
        assert _pragmas(connection) == ("delete", 0, 0, 0)
        set_sqlite_pragmas(connection)
        assert _pragmas(connection) == ("wal", 2, 1, 5000)
    finally:
        connection.close()


def test_a_plain_sqlite_engine_would_fail_the_pragma_check(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    plain = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        with plain.connect() as connection:
            assert _pragmas(connection.connection.dbapi_connection) != ("wal", 2, 1, 5000)
    finally:
        plain.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert database_url(given).render_as_string(hide_password=False) == expected


def test_postgresql_engine_uses_psycopg_and_pre_ping() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:1/none")  # never connects
    try:
        assert engine.dialect.driver == "psycopg"
        assert engine.pool._pre_ping is True
    finally:
        engine.dispose()


def test_make_engine_accepts_settings(tmp_path: Path) -> None:
    engine = make_engine(Settings(data_dir=tmp_path, secret_key="k" * 40))
    try:
        assert engine.url.database == str(tmp_path / "loket.db")
    finally:
        engine.dispose()


def test_make_engine_refuses_other_databases() -> None:
    with pytest.raises(ValueError, match="use a sqlite:/// or postgresql:// URL"):
        make_engine("mysql://root:secret@db/x")


# -- migrations -----------------------------------------------------------------------------


def test_check_migrated_refuses_an_empty_database(empty_engine: Engine) -> None:
    with pytest.raises(NotMigratedError, match="run `loket migrate`"):
        check_migrated(empty_engine)


def test_check_migrated_refuses_a_missing_sqlite_folder(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'loket.db'}")
    try:
        with pytest.raises(NotMigratedError, match="run `loket migrate`"):
            check_migrated(engine)
    finally:
        engine.dispose()


def test_migrate_then_check_passes(empty_engine: Engine) -> None:
    migrate(empty_engine)
    check_migrated(empty_engine)
    assert current_revisions(empty_engine) == head_revisions()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    migrate(empty_engine)  # a second run changes nothing
    check_migrated(empty_engine)


def test_check_migrated_refuses_an_older_schema(engine: Engine) -> None:
    downgrade(engine, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    with pytest.raises(NotMigratedError, match="run `loket migrate`"):
        check_migrated(engine)
    migrate(engine)
    check_migrated(engine)


def test_check_migrated_refuses_a_newer_schema(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    with pytest.raises(NotMigratedError, match="migrated by a newer Loket"):
        check_migrated(engine)


def test_migrate_from_a_url_in_another_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'loket.db'}"
    migrate(url)  # creates the folder
    engine = make_engine(url)
    try:
        check_migrated(engine)
    finally:
        engine.dispose()


def test_the_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_timestamps_are_read_back_aware_in_utc(engine: Engine) -> None:
    wib = dt.timezone(dt.timedelta(hours=7))
    created = dt.datetime(2025, 8, 17, 10, 0, tzinfo=wib)
    with session_scope(engine) as session:
        session.add(User(username="ani", display_name="Ani", password_hash="x", created_at=created))
    with Session(engine) as session:
        user = session.exec(select(User)).one()
        assert user.created_at == created
        assert user.created_at.utcoffset() == dt.timedelta(0)
        assert user.created_at.hour == 3
        assert user.global_roles == []


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            User(
                username="budi",
                display_name="Budi",
                password_hash="x",
                created_at=dt.datetime(2025, 1, 1),
            )
        )
        with pytest.raises(Exception, match="naive datetime"):
            session.flush()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    from runtime.models import Membership

    with Session(engine) as session:
        session.add(Membership(user_id=999, agency_id="nowhere", role="petugas"))
        with pytest.raises(IntegrityError):
            session.flush()
    with session_scope(engine) as session:
        session.add(Agency(id="dinsos", name="Dinas Sosial"))


def test_login_attempts_survive_the_throttle_migration(empty_engine: Engine) -> None:
    """0004 adds login_attempts.known (false for old rows) and can be undone."""
    migrate(empty_engine, "0002")
    with empty_engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO login_attempts (username, address, at, ok) "
            "VALUES ('siti', '10.0.0.1', '2026-01-01 00:00:00', false)"
        )
    migrate(empty_engine)
    with empty_engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT username, known FROM login_attempts").all()
    assert [(name, bool(known)) for name, known in rows] == [("siti", False)]
    downgrade(empty_engine, "0002")
    assert current_revisions(empty_engine) == {"0002"}
    migrate(empty_engine)
    assert current_revisions(empty_engine) == head_revisions()
