"""Database engines, sessions and schema migrations (SQLite by default, PostgreSQL in production).

SQLite runs with the driver's default transaction handling: a transaction starts at the first
write, so a write never has to upgrade an older read snapshot (which SQLite refuses with "database
is locked" instead of waiting). Like PostgreSQL's READ COMMITTED, that means a read followed by a
write is not atomic: write paths that must happen once use a conditional UPDATE or a unique
constraint, never "read, check, then write".
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from runtime.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

SQLITE_BUSY_TIMEOUT_MS = 5000  # how long a writer waits for another one (see `writing`)
SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)
SQLITE_POOL_SIZE = 40  # as many as the thread pool has threads (anyio's default)
_POSTGRES_NAMES = ("postgresql", "postgres", "postgresql+psycopg")


class NotMigratedError(RuntimeError):
    """The database schema is missing or not at the version this code expects."""


def database_url(settings_or_url: Settings | str | URL) -> URL:
    """The SQLAlchemy URL to use: postgresql:// and postgres:// are sent to psycopg 3."""
    if isinstance(settings_or_url, Settings):
        settings_or_url = settings_or_url.database_url
    url = make_url(settings_or_url)
    if url.drivername in _POSTGRES_NAMES:
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(settings_or_url: Settings | str | URL, **kwargs: Any) -> Engine:
    """Create an engine; SQLite connections get WAL, synchronous=FULL, foreign keys, a timeout."""
    url = database_url(settings_or_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database not in (None, "", ":memory:"):
            # Keep the connections: past the default pool of 5 (+10 overflow) every request
            # of a busy worker opened a new one and ran the pragmas again (WAL included).
            kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
            kwargs.setdefault("max_overflow", SQLITE_POOL_SIZE)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", set_sqlite_pragmas)
        event.listen(engine, "checkin", _restore_busy_timeout)
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise ValueError(
        f"unsupported database {url.render_as_string(hide_password=True)!r}: "
        "use a sqlite:/// or postgresql:// URL"
    )


def set_sqlite_pragmas(dbapi_connection: Any, connection_record: Any = None) -> None:
    """Set Loket's pragmas on a new SQLite DB-API connection (the engine's connect hook)."""
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


# One SQLite write transaction at a time per process (re-entrant: a locked write path may call
# another). SQLite has a single writer; a blocked writer sleeps and polls until the busy
# timeout, and a burst of them (officers acting, citizens saving pages, API clients filing)
# ends in "database is locked". Queueing here first turns that into a short, ordered wait.
_SQLITE_WRITES = threading.RLock()


@contextmanager
def serialised_writes(session: Session) -> Iterator[None]:
    """Hold this process's SQLite write lock for the block (no lock on PostgreSQL).

    Wrap a write path from its first write to its commit or rollback; reads need no lock.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    with _SQLITE_WRITES:
        yield


async def reading(session: Session, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `work` (database reads, no commit) for an async route.

    On SQLite it runs right here on the event loop: a read of the local file takes tens of
    microseconds and never waits for a writer (WAL), far less than handing it to the thread
    pool and back. On PostgreSQL every query is a network round trip, so it runs in the thread
    pool and the event loop keeps serving other requests meanwhile.
    """
    if session.get_bind().dialect.name == "sqlite":
        return work(*args, **kwargs)
    return await run_in_threadpool(work, *args, **kwargs)


async def reading_connection(engine: Engine, work: Callable[..., R], *args: Any) -> R:
    """Run ``work(connection, *args)`` (Core reads, no session) for an async route: on the
    event loop on SQLite, in the thread pool on PostgreSQL (see `reading`). The connection goes
    back to the pool when the work returns."""

    def run() -> R:
        with engine.connect() as connection:
            return work(connection, *args)

    if engine.dialect.name == "sqlite":
        return run()
    return await run_in_threadpool(run)


# Marks a pooled SQLite connection whose busy timeout `writing` set to 0; the pool's check-in
# hook sets it back before any other request can check the connection out.
_NO_WAIT = "loket_busy_timeout_zero"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # primary result codes: another connection holds a lock


def _restore_busy_timeout(dbapi_connection: Any, record: Any) -> None:
    """The pool's check-in hook: a connection `writing` used without waiting waits again."""
    if record.info.pop(_NO_WAIT, False) and dbapi_connection is not None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def _another_writer(error: OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the database's lock."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


async def writing(session: Session, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `work`, a write transaction on `session` that ends in a commit or a rollback, for an
    async route.

    On PostgreSQL it runs in the thread pool. On SQLite it is first tried right here on the
    event loop, like a read (see `reading`): the hand-off to the thread pool and back cost about
    a third of the CPU of filing a case. The event loop must never wait for another writer,
    though, so it runs here only when this process's write lock (`serialised_writes`) is free,
    and with SQLite's busy timeout at 0: when another process (the worker, a second app
    process) is writing, SQLite refuses at once, the transaction is rolled back and `work` runs
    again in the thread pool, where it may wait. The wait this leaves on the event loop is the
    commit's own fsync, as in any app that commits on it. `work` must be safe to run again
    after a rollback: nothing outside the database before its commit.
    """
    if session.get_bind().dialect.name != "sqlite" or not _SQLITE_WRITES.acquire(blocking=False):
        return await run_in_threadpool(work, *args, **kwargs)
    try:  # re-entrant: `work`'s own serialised_writes takes the lock this thread holds
        pooled = session.connection().connection
        pooled.info[_NO_WAIT] = True
        pooled.driver_connection.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]
        try:
            return work(*args, **kwargs)
        except OperationalError as error:
            if not _another_writer(error):
                raise
            session.rollback()  # the connection goes back to the pool and waits again
    finally:
        _SQLITE_WRITES.release()
    return await run_in_threadpool(work, *args, **kwargs)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# -- migrations ---------------------------------------------------------------------------


def migrations_dir() -> Path:
    """The Alembic script folder: ``migrations/`` next to the ``runtime`` package."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "migrations", here / "_migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError(f"the migrations folder is missing (looked next to {here})")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code (no alembic.ini, any working directory)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    """The revisions the code expects the database to be at."""
    return set(_heads(migrations_dir()))


@functools.cache
def _heads(folder: Path) -> frozenset[str]:
    # Read once per process: the scripts do not change under running code, and reading them
    # (every migration file is executed) cost more than the rest of building an app.
    return frozenset(ScriptDirectory(str(folder)).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revisions recorded in the database (empty when it was never migrated)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def check_migrated(engine: Engine) -> None:
    """Raise NotMigratedError unless the database schema is at the latest migration."""
    shown = engine.url.render_as_string(hide_password=True)
    try:
        current = current_revisions(engine)
    except OperationalError as error:
        raise NotMigratedError(
            f"cannot open the database {shown} ({error.orig}): check LOKET_DATABASE_URL and that "
            "the database server is running, or run `loket migrate` to create a new SQLite "
            "database"
        ) from error
    expected = head_revisions()
    if current == expected:
        return
    if not current:
        raise NotMigratedError(f"the database {shown} has no Loket tables yet: run `loket migrate`")
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if current - known:
        raise NotMigratedError(
            f"the database {shown} is at revision {', '.join(sorted(current))}, which this "
            "version of Loket does not know: it was migrated by a newer Loket; upgrade Loket"
        )
    raise NotMigratedError(
        f"the database {shown} is at revision {', '.join(sorted(current))} but this version "
        f"of Loket needs {', '.join(sorted(expected))}: run `loket migrate`"
    )


def migrate(engine_or_url: Engine | Settings | str | URL, revision: str = "head") -> None:
    """Upgrade the database schema to the latest migration (or to ``revision``)."""
    if isinstance(engine_or_url, Engine):
        _upgrade(engine_or_url, revision)
        return
    engine = make_engine(engine_or_url)
    try:
        _upgrade(engine, revision)
    finally:
        engine.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database schema to ``revision`` (``base`` removes every table)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def create_sqlite_folder(engine: Engine) -> None:
    """Create the folder of a SQLite database file if it is missing (no-op for PostgreSQL)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(str(url.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _upgrade(engine: Engine, revision: str) -> None:
    create_sqlite_folder(engine)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
