"""Fixtures for deployment tests: a fresh PostgreSQL database of their own (created with a
unique name and dropped afterwards), and `loket serve` processes started for real.

They run when LOKET_TEST_DATABASE_URL names a PostgreSQL server the tests may create
databases on; otherwise they are skipped.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError

from runtime.db import make_engine, migrate

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "LOKET_TEST_DATABASE_URL"
SERVE = (sys.executable, "-c", "from runtime.cli import main; main()", "serve")


def postgres_admin_url() -> str:
    """The test server's address, or skip."""
    url = os.environ.get(POSTGRES_ENV, "")
    if not url.startswith("postgresql"):
        pytest.skip(f"set {POSTGRES_ENV} to a PostgreSQL server to run the deployment tests")
    return url


def _admin(action: str) -> None:
    engine = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(action))
    finally:
        engine.dispose()


def create_database(name: str) -> None:
    """CREATE DATABASE `name` on the test server."""
    _admin(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    """DROP DATABASE `name`, closing whatever is still connected to it."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    """The test server's address with database `name`."""
    return make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)


@contextmanager
def new_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database with a unique name, dropped afterwards."""
    postgres_admin_url()
    name = f"loket_deploy_{secrets.token_hex(6)}"
    try:
        create_database(name)
    except ProgrammingError as error:  # e.g. a role without CREATEDB
        pytest.skip(
            f"the deployment tests need to CREATE DATABASE on the test server: {error.orig}"
        )
    try:
        url = database_url(name)
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
    finally:
        drop_database(name)


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """The address of a new, migrated PostgreSQL database (dropped after the test)."""
    with new_database() as url:
        yield url


def start_serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`loket serve --port <port>` with exactly the LOKET_* settings of `env`."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")}
    full.update(env, PYTHONPATH=str(ROOT))
    with log.open("wb") as output:
        return subprocess.Popen(
            [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=full,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
