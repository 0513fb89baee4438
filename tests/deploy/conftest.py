"""Fixtures for deployment tests: a fresh PostgreSQL database of their own (created with a
unique name and dropped afterwards), and `loket serve` processes started for real.

They run when LOKET_TEST_DATABASE_URL names a PostgreSQL server the tests may create
databases on; otherwise they are skipped.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
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


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def wait_until_ready(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    """Wait for `/readyz` to answer 200 (or fail with the process's log)."""
    deadline = time.monotonic() + 90  # a loaded machine imports slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{base} stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{base} did not start: {log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process this test started (SIGKILL if it does not stop on SIGTERM)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
