"""Fixtures for the runtime's storage tests: a clean, migrated database per test.

Every database test runs on SQLite in tmp_path, and again on PostgreSQL when
LOKET_TEST_DATABASE_URL is set (each test then gets a schema of its own).

Running the Alembic migrations for every test was the largest part of the suite's time, so
migrations run once per backend and test run, for real, and every test starts from a database
in exactly that state: on SQLite a copy of the migrated file; on PostgreSQL a migrated schema
that the previous user emptied (every row deleted, every sequence restarted, the structure
checked unchanged; a schema whose structure a test changed is dropped, never reused). The
migrations themselves are tested on empty databases in test_db.py (`empty_engine`).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from runtime import auth
from runtime.db import database_url, make_engine, migrate

POSTGRES_ENV = "LOKET_TEST_DATABASE_URL"
POSTGRES_SKIP = "set LOKET_TEST_DATABASE_URL to run the PostgreSQL variant"

# Everything in the current schema that a migration makes: relations with their columns,
# constraints, triggers and functions, and the revision. Equal before and after a test unless
# the test changed the schema.
STRUCTURE_SQL = """
SELECT md5(concat_ws('|',
  (SELECT string_agg(c.relname::text || ':' || c.relkind::text || ':' || a.attname::text
                     || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull::text,
                     ',' ORDER BY c.relname, a.attnum)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = current_schema()),
  (SELECT string_agg(conname::text || ':' || pg_get_constraintdef(oid), ',' ORDER BY conname)
     FROM pg_constraint WHERE connamespace = current_schema()::regnamespace),
  (SELECT string_agg(t.tgname::text || ':' || t.tgenabled::text, ',' ORDER BY t.tgname)
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = current_schema()::regnamespace),
  (SELECT string_agg(p.proname::text || ':' || md5(p.prosrc), ',' ORDER BY p.proname)
     FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace),
  (SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version)
))
"""
TABLES_SQL = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "AND tablename <> 'alembic_version' ORDER BY tablename"
)
SEQUENCES_SQL = (
    "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
    "ORDER BY sequencename"
)


# argon2id with small parameters: the tests sign staff in hundreds of times on a small machine,
# and each check at the library's recommended cost takes a good part of a second there.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every runtime test hashes and checks passwords with FAST_HASHER."""
    monkeypatch.setattr(auth, "_hasher", lambda: FAST_HASHER)


def schema_url(base: str, schema: str) -> str:
    """The URL of `base` with `schema` first on the search path."""
    url = database_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


class PostgresSchemas:
    """Migrated PostgreSQL schemas for the tests of one run: taken by one test at a time,
    emptied and handed to the next.

    Emptying runs with session_replication_role=replica, so the append-only triggers and
    foreign keys do not stand in the way; where the server does not allow that (the test user
    is not a superuser), each test gets a newly migrated schema instead.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.admin = make_engine(base)
        self.free: list[str] = []
        self.made: list[str] = []
        self.structure = ""
        self.empty_sql = ""
        self.reusable = True

    def take(self) -> str:
        """A migrated schema with no rows (as after `migrate` on an empty schema)."""
        if self.free:
            return self.free.pop()
        schema = f"loket_test_{secrets.token_hex(6)}"
        with self.admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        self.made.append(schema)
        migrate(schema_url(self.base, schema))
        if not self.empty_sql:
            self._learn(schema)
        return schema

    def _learn(self, schema: str) -> None:
        engine = make_engine(schema_url(self.base, schema))
        try:
            with engine.connect() as connection:
                self.structure = connection.exec_driver_sql(STRUCTURE_SQL).scalar_one()
                tables = connection.exec_driver_sql(TABLES_SQL).scalars().all()
                sequences = connection.exec_driver_sql(SEQUENCES_SQL).scalars().all()
                try:
                    connection.exec_driver_sql("SET session_replication_role = replica")
                    connection.exec_driver_sql("RESET session_replication_role")
                except DBAPIError:
                    self.reusable = False
                connection.rollback()
        finally:
            engine.dispose()
        self.empty_sql = ";".join(
            [
                "SET LOCAL session_replication_role = replica",
                "SET LOCAL lock_timeout = '10s'",
                *(f'DELETE FROM "{table}"' for table in tables),
                *(f"SELECT setval('\"{name}\"', 1, false)" for name in sequences),
            ]
        )

    def give_back(self, schema: str) -> None:
        """Empty `schema` for the next test; drop it if its structure changed or it cannot be
        emptied."""
        if self.reusable:
            engine = make_engine(schema_url(self.base, schema))
            try:
                with engine.begin() as connection:
                    if connection.exec_driver_sql(STRUCTURE_SQL).scalar_one() == self.structure:
                        connection.exec_driver_sql(self.empty_sql)
                        self.free.append(schema)
                        return
            except DBAPIError:
                pass
            finally:
                engine.dispose()
        self.drop(schema)

    def drop(self, schema: str) -> None:
        """Drop one schema of the run."""
        with self.admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        self.made.remove(schema)
        if schema in self.free:
            self.free.remove(schema)

    def close(self) -> None:
        """Drop every schema of the run."""
        for schema in list(self.made):
            self.drop(schema)
        self.admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file migrated to the latest schema (once per test run)."""
    path = tmp_path_factory.mktemp("template") / "loket.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
    finally:
        engine.dispose()  # the last connection's close checkpoints and removes the WAL file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def postgres_schemas() -> Iterator[PostgresSchemas]:
    """The run's migrated PostgreSQL schemas."""
    schemas = PostgresSchemas(os.environ[POSTGRES_ENV])
    yield schemas
    schemas.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'loket.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(POSTGRES_SKIP)
    schema = f"loket_test_{secrets.token_hex(6)}"
    admin = make_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield schema_url(base, schema)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


@pytest.fixture
def empty_engine(database: str) -> Iterator[Engine]:
    """An engine on a database that has never been migrated."""
    engine = make_engine(database)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(database: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on a clean database migrated to the latest schema (see the module's
    docstring): on SQLite `database` filled with a copy of the migrated file; on PostgreSQL a
    migrated schema of the run (the empty schema of `database` is not used)."""
    url = database_url(database)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        assert not path.exists(), "the test's database was opened before it was filled"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    schema = schemas.take()
    engine = make_engine(schema_url(schemas.base, schema))
    try:
        yield engine
    finally:
        engine.dispose()
        schemas.give_back(schema)
