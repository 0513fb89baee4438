"""The `loket` command's own commands: the builder's commands plus migrate, publish, serve, demo,
prune and the staff accounts; the command groups of agencies, keys, storage and the worker are in
the modules beside this one."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from builder.cli import app, definition_files
from builder.validate import validate
from runtime.cli.agency import agency_app
from runtime.cli.common import EXAMPLES, agency_names, settings_or_exit, user_session
from runtime.cli.keys import keys_command
from runtime.cli.storage import storage_app
from runtime.cli.worker import worker_command
from runtime.settings import Settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from runtime.models import User

KEEP_ALIVE_SECONDS = 75  # longer than the reverse proxy keeps idle upstream connections


@app.command("migrate")
def migrate_command() -> None:
    """Create or upgrade the database schema to the newest version."""
    from runtime import db

    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db.migrate(settings)
    typer.echo(
        f"Basis data siap / database ready: {db.database_url(settings).render_as_string(hide_password=True)}"
    )


def publish_paths(paths: list[Path], state_mapping: dict[str, str] | None = None) -> list[str]:
    """Validate and publish definitions with the web review's checks; return what was published."""
    from sqlmodel import Session

    from builder.loader import load_path
    from runtime import db, lifecycle

    settings = settings_or_exit()
    engine = db.make_engine(settings)
    db.check_migrated(engine)
    published = []
    with Session(engine) as session:
        for path in definition_files(paths):
            loaded = load_path(path)
            problems = validate(loaded)
            if loaded.definition is None or any(p.severity == "error" for p in problems):
                for item in problems:
                    typer.echo(
                        f"{path}:{item.pointer or '/'}: [{item.code}] {item.text()}", err=True
                    )
                raise typer.Exit(1)
            try:
                version = lifecycle.publish_definition(
                    session,
                    definition=loaded.definition,
                    data_dir=settings.data_dir,
                    agency_name=agency_names().get(str(loaded.definition.get("agency"))),
                    state_mapping=state_mapping,
                )
            except lifecycle.LifecycleError as exc:
                typer.secho(
                    f"{path}: [{exc.code}] {exc} {exc.details or ''}", fg=typer.colors.RED, err=True
                )
                raise typer.Exit(1) from exc
            published.append(
                f"{loaded.definition['agency']}/{loaded.definition['id']} v{version.number}"
            )
        session.commit()
    return published


@app.command("publish")
def publish_command(
    paths: Annotated[list[Path], typer.Argument(help="Definition files or folders.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="OLD=NEW: move open cases from a removed state to a state of the new version.",
        ),
    ] = None,
) -> None:
    """Publish definitions (checked like the web review) as the versions new applicants get."""
    pairs = dict(item.split("=", 1) for item in mapping or [] if "=" in item)
    for line in publish_paths(paths, pairs):
        typer.echo(f"diterbitkan / published: {line}")


@app.command("serve")
def serve_command(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
) -> None:
    """Serve the application with uvicorn."""
    import uvicorn

    settings = settings_or_exit()
    from runtime import db
    from runtime.observability import log_config

    engine = db.make_engine(settings)
    db.check_migrated(engine)
    worker = stop = None
    if settings.worker_in_process:  # one worker in this process, whatever the app processes
        import runtime.oversight.jobs  # noqa: F401  (registers the deadline jobs)
        from runtime.notify.worker import start_thread

        worker, stop = start_thread(engine, settings)
    bind_host = host or settings.host
    bind_port = port or settings.port
    typer.secho(
        f"Loket berjalan di / is running at http://{bind_host}:{bind_port}/", fg=typer.colors.GREEN
    )
    # uvicorn hands SIGTERM/SIGINT back to the handler it found once it has stopped serving;
    # with these the process then goes on below (stopping the worker) and ends with status 0.
    stopping: list[int] = []
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda received, _frame: stopping.append(received))
    uvicorn.run(
        "runtime.asgi:app",
        host=bind_host,
        port=bind_port,
        workers=workers or settings.workers,
        proxy_headers=False,  # the app honours forwarded headers from LOKET_TRUSTED_PROXIES only
        log_level=settings.log_level.lower(),
        log_config=log_config(settings),
        access_log=False,  # runtime.observability logs each request by its route template
        # on SIGTERM/SIGINT: stop accepting, let running requests finish for this long
        timeout_graceful_shutdown=settings.shutdown_seconds,
        # idle keep-alive connections stay open longer than a reverse proxy keeps them (nginx's
        # upstream keepalive_timeout is 60 s): were the app to close first, a request the proxy
        # sends on a connection being closed fails, and a POST is not retried (a 502)
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    if worker is not None and stop is not None:
        stop.set()  # the in-process worker finishes its current delivery, then ends
        worker.join(timeout=settings.notify_timeout_seconds + 5)
    engine.dispose()
    if stopping:
        logging.getLogger("loket").info("Loket stopped (signal %s)", stopping[0])


def _demo_secret(name: str) -> str:
    """A random secret kept in the demo's data folder (created once, mode 0600)."""
    path = Path(os.environ["LOKET_DATA_DIR"]) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        import secrets

        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text(encoding="utf-8").strip()


def _demo_certificates(settings: Settings, agency_ids: list[str]) -> None:
    """A development signing certificate for every agency that has none (demo only)."""
    from runtime.cli.keys import write_development_certificate
    from runtime.documents.signing import DEVELOPMENT_ORGANISATION, certificate_path

    if settings.signing_service_url or not settings.signing_passphrase:
        return
    for agency_id in agency_ids:
        path = certificate_path(settings, agency_id)
        if not path.exists():
            write_development_certificate(path, f"{agency_id} (demo)", settings.signing_passphrase)
            typer.echo(f"sertifikat pengembangan / development certificate: {path}")
    typer.secho(
        f"Surat demo ditandatangani dengan sertifikat pengembangan ({DEVELOPMENT_ORGANISATION}) "
        "/ demo letters are signed with development certificates, not official ones.",
        fg=typer.colors.YELLOW,
    )


@app.command("demo")
def demo_command(
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare only; do not serve.")
    ] = False,
) -> None:
    """Prepare a demo installation in ./var (migrate, publish the examples) and serve it."""
    os.environ.setdefault("LOKET_DATA_DIR", "var")
    if not os.environ.get("LOKET_SECRET_KEY"):
        # A demo keeps its own key in the data folder so links and forms survive a restart.
        os.environ["LOKET_SECRET_KEY"] = _demo_secret("secret_key")
    if not os.environ.get("LOKET_SIGNING_PASSPHRASE"):
        # The demo's development certificates are encrypted with a passphrase kept beside them.
        os.environ["LOKET_SIGNING_PASSPHRASE"] = _demo_secret("signing_passphrase")
    migrate_command()
    for line in publish_paths([EXAMPLES]):
        typer.echo(f"diterbitkan / published: {line}")
    from sqlmodel import Session, select

    from runtime import db, seed
    from runtime.models import Agency

    settings = settings_or_exit()
    with Session(db.make_engine(settings)) as session:
        accounts = seed.demo_accounts(session)
        seed.demo_letterheads(session)
        agencies = sorted(session.exec(select(Agency.id)).all())
    _demo_certificates(settings, agencies)
    typer.secho(
        "Akun demo / demo accounts (hanya untuk percobaan / for trying out only):", bold=True
    )
    for username, password, name in accounts:
        typer.echo(f"  {username:32} {password:36} {name}")
    if not no_serve:
        serve_command(host="127.0.0.1", port=port, workers=1)


@app.command("prune")
def prune_command() -> None:
    """Remove expired data: citizen drafts that expired unsent (with their uploaded files),
    login attempts older than the throttle's window (24 hours), and uploaded or issued-document
    files no row names (left by a crash between storing and committing; files younger than an
    hour are kept), in the file store LOKET_STORAGE chooses.

    Workers (`loket worker`, or `loket serve` on SQLite) do this every hour by themselves; the
    command is safe to run at any time while Loket serves.
    """
    from runtime import db
    from runtime.models import utcnow
    from runtime.prune import prune
    from runtime.storage import open_store

    settings = settings_or_exit()
    engine = db.make_engine(settings)
    db.check_migrated(engine)
    try:
        removed = prune(engine, open_store(settings, engine), utcnow())
    finally:
        engine.dispose()
    for what, count in removed:
        typer.echo(f"{what}: {count}")


user_app = typer.Typer(
    help="Staff accounts: add, disable, grant and revoke roles.", no_args_is_help=True
)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name, e.g. petugas.disdukcapil.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    global_role: Annotated[
        list[str] | None, typer.Option("--global-role", help="reviewer or admin.")
    ] = None,
    email: Annotated[
        str, typer.Option("--email", help="E-mail address (for the deadline digest).")
    ] = "",
) -> None:
    """Add a staff account; the password is asked twice (or read from LOKET_NEW_PASSWORD)."""
    from runtime import auth

    password = os.environ.get("LOKET_NEW_PASSWORD") or typer.prompt(
        "Kata sandi / password", hide_input=True, confirmation_prompt=True
    )
    with user_session() as session:
        try:
            auth.create_user(
                session,
                username=username,
                display_name=name or username,
                password=password,
                global_roles=tuple(global_role or ()),
                email=email or None,
            )
        except auth.AuthError as exc:
            typer.secho(str(exc), fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from exc
        session.commit()
    typer.echo(f"ditambahkan / added: {username}")


@user_app.command("email")
def user_email(
    username: Annotated[str, typer.Argument(help="Login name.")],
    address: Annotated[str, typer.Argument(help='E-mail address; "" removes it.')],
) -> None:
    """Set or remove a staff account's e-mail address (used for the deadline digest)."""
    from runtime import auth

    with user_session() as session:
        user = _existing(session, username)
        try:
            auth.set_email(session, user=user, email=address)
        except auth.AuthError as exc:
            typer.secho(str(exc), fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from exc
        session.commit()
    typer.echo(f"e-mail disimpan / saved: {username}")


def _existing(session: Session, username: str) -> User:
    from runtime import auth

    user = auth.find_user(session, username)
    if user is None:
        typer.secho(f"Pengguna tidak ada / no such user: {username}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    return user


def _set_active(username: str, *, active: bool) -> None:
    from runtime import auth

    with user_session() as session:
        user = _existing(session, username)
        if active:
            auth.enable(session, user=user)
        else:
            auth.disable(session, user=user)
        session.commit()
    done = "diaktifkan lagi / enabled" if active else "dinonaktifkan / disabled"
    typer.echo(f"{done}: {username}")


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable an account and end its sessions."""
    _set_active(username, active=False)


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument()]) -> None:
    """Let a disabled account sign in again (its roles were kept)."""
    _set_active(username, active=True)


@user_app.command("grant")
def user_grant(
    username: Annotated[str, typer.Argument()],
    agency: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument()],
) -> None:
    """Give USERNAME the ROLE in AGENCY (role names come from the service definitions)."""
    from runtime import auth
    from runtime.models import Agency

    with user_session() as session:
        user = _existing(session, username)
        if session.get(Agency, agency) is None:
            typer.secho(
                f"Instansi tidak dikenal / unknown agency: {agency}", fg=typer.colors.RED, err=True
            )
            raise typer.Exit(1)
        auth.grant(session, user=user, agency_id=agency, role=role)
        session.commit()
    typer.echo(f"{username}: {role} @ {agency}")


@user_app.command("revoke")
def user_revoke(
    username: Annotated[str, typer.Argument()],
    agency: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument()],
) -> None:
    """Take ROLE in AGENCY away from USERNAME."""
    from runtime import auth

    with user_session() as session:
        auth.revoke(session, user=_existing(session, username), agency_id=agency, role=role)
        session.commit()
    typer.echo(f"{username}: -{role} @ {agency}")


app.add_typer(agency_app, name="agency")
app.add_typer(storage_app, name="storage")
app.command("worker")(worker_command)
app.command("keys")(keys_command)


def main() -> None:
    """Entry point of the `loket` command."""
    app(prog_name="loket")


if __name__ == "__main__":  # pragma: no cover
    main()
