"""`loket worker`: deliver the outbox's messages and run the periodic jobs until stopped.

Run one or more (on several machines against one PostgreSQL database) as services; SIGTERM or
Ctrl+C lets the current delivery finish, then the process ends. On SQLite `loket serve` runs a
worker thread itself (LOKET_NOTIFY_IN_PROCESS), so nothing else has to be started.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.config
import signal
import threading
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from runtime.notify.worker import Senders
    from runtime.settings import Settings


def run_worker(
    settings: Settings,
    *,
    once: bool = False,
    senders: Senders | None = None,
    lease: dt.timedelta | None = None,
) -> int:
    """Run a worker until SIGTERM/SIGINT (or one round with `once`); how many messages it tried."""
    import runtime.oversight.jobs  # noqa: F401  (registers the deadline jobs)
    from runtime import db
    from runtime.notify.worker import LEASE, Worker

    engine = db.make_engine(settings)
    db.check_migrated(engine)
    worker = Worker(engine, settings, senders=senders, lease=lease or LEASE)
    stop = threading.Event()
    try:
        if once:
            return worker.run_once(stop)
        previous = {
            number: signal.signal(number, lambda *_: stop.set())
            for number in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            worker.run(stop)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        return 0
    finally:
        engine.dispose()


def worker_command(
    once: Annotated[
        bool, typer.Option("--once", help="Deliver what is due and run due jobs, then stop.")
    ] = False,
) -> None:
    """Deliver notifications (e-mail, WhatsApp/SMS, webhooks) and run periodic jobs."""
    from runtime.cli.common import settings_or_exit
    from runtime.db import NotMigratedError
    from runtime.observability import log_config

    settings = settings_or_exit()
    logging.config.dictConfig(log_config(settings))
    try:
        tried = run_worker(settings, once=once)
    except NotMigratedError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    if once:
        typer.echo(f"pesan dicoba / messages tried: {tried}")
