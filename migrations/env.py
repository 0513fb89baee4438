"""Alembic environment for Loket.

`runtime.db.migrate()` passes an open connection in ``config.attributes["connection"]``; the
alembic command line (see alembic.ini) uses ``-x url=...``, else LOKET_DATABASE_URL, else the
default SQLite file in LOKET_DATA_DIR. The URL in alembic.ini is never used.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from runtime.db import create_sqlite_folder, make_engine
from runtime.models import metadata
from runtime.settings import database_url_from_env

config = context.config


def _url() -> str:
    given = context.get_x_argument(as_dictionary=True).get("url")
    return given or database_url_from_env()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the given connection, or on a new engine for the CLI."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        create_sqlite_folder(engine)
        with engine.begin() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_offline()
else:
    run_online()
