"""`loket storage`: look at the file store and copy a data folder's files into the database."""

from __future__ import annotations

import typer

storage_app = typer.Typer(
    help="The file store (LOKET_STORAGE): check it, copy local files into the database.",
    no_args_is_help=True,
)


@storage_app.command("check")
def check_command() -> None:
    """Say which store is in use and whether it is ready (as /readyz does)."""
    from runtime import db
    from runtime.cli.common import settings_or_exit
    from runtime.storage import open_store

    settings = settings_or_exit()
    engine = db.make_engine(settings)
    try:
        store = open_store(settings, engine)
        problem = store.check()
    finally:
        engine.dispose()
    typer.echo(f"penyimpanan / storage: {store.name} ({store.location})")
    if problem:
        typer.secho(f"tidak siap / not ready: {problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo("siap / ready")


@storage_app.command("import-local")
def import_local_command() -> None:
    """Copy the uploads and issued documents of LOKET_DATA_DIR into the database store (before
    or after switching to LOKET_STORAGE=database; safe to run again: copied files are
    skipped, the folder is only read)."""
    from runtime import db
    from runtime.cli.common import settings_or_exit
    from runtime.storage import DatabaseStore, LocalStore
    from runtime.storage.copy import copy_files

    settings = settings_or_exit()
    engine = db.make_engine(settings)
    db.check_migrated(engine)
    try:
        done = copy_files(LocalStore(settings.data_dir), DatabaseStore(engine))
    finally:
        engine.dispose()
    typer.echo(f"disalin / copied: {done.copied} ({done.size} bytes)")
    typer.echo(f"sudah ada / already there: {done.present}")
