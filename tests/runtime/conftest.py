"""Fixtures for the runtime's storage tests: a clean, migrated database per test.

Every database test runs on SQLite in tmp_path, and again on PostgreSQL when
LOKET_TEST_DATABASE_URL is set (each test then gets its own schema, dropped afterwards).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from runtime.db import database_url, make_engine, migrate

POSTGRES_ENV = "LOKET_TEST_DATABASE_URL"
POSTGRES_SKIP = "set LOKET_TEST_DATABASE_URL to run the PostgreSQL variant"


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
        url = database_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
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
def engine(empty_engine: Engine) -> Engine:
    """An engine on a clean database migrated to the latest schema."""
    migrate(empty_engine)
    return empty_engine
