"""Fixtures for the end-to-end browser tests: a live server and headless Debian Chromium.

The server is the real thing: a temporary data folder, `loket migrate`, `loket publish
schemas/examples`, then uvicorn serving `runtime.asgi:app` on a free loopback port. Pages are
driven with Playwright's sync API against /usr/bin/chromium (installed by
tests/setup_browser.sh; Playwright's own browser downloads are never used). Nothing leaves the
machine: every request that is not for 127.0.0.1 is aborted, except the htmx CDN address, which
is answered with the pinned file from the npm package so that the page's SRI check runs for real.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from runtime.assets import HTMX_URL, HTMX_VERSION
from tests import kit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NPM_CACHE = ROOT / ".cache" / "npm"
HTMX_FOLDER = NPM_CACHE / f"htmx.org-{HTMX_VERSION}"  # the same place tests/setup_browser.sh uses
AXE_SPEC = "axe-core@4"
AXE_FOLDER = NPM_CACHE / "axe-core-4"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVER_START_SECONDS = 30


# -- npm packages kept in .cache/npm (never in the project) ------------------------------------


def npm_file(spec: str, folder: Path, member: str) -> tuple[Path | None, str]:
    """`folder/package/<member>` of the npm package `spec`, packed there when missing.

    Returns the file, or None and the reason it could not be fetched.
    """
    target = folder / "package" / member
    if target.is_file():
        return target, ""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["npm", "pack", "--loglevel=error", spec],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"`npm pack {spec}` failed: {exc}"
    archives = sorted(folder.glob("*.tgz"))
    if done.returncode != 0 or not archives:
        return None, f"`npm pack {spec}` failed: {(done.stderr or done.stdout).strip()[:300]}"
    with tarfile.open(archives[-1]) as archive:
        archive.extractall(folder, filter="data")
    if not target.is_file():
        return None, f"the npm package {spec} has no {member}"
    return target, ""


@pytest.fixture(scope="session")
def htmx_bytes() -> bytes:
    """The pinned htmx.min.js from the npm package htmx.org (the file the SRI hash is for)."""
    path, reason = npm_file(f"htmx.org@{HTMX_VERSION}", HTMX_FOLDER, "dist/htmx.min.js")
    if path is None:
        pytest.skip(f"JavaScript browser tests need htmx.org@{HTMX_VERSION} from npm: {reason}")
    return path.read_bytes()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js from the npm package axe-core@4."""
    path, reason = npm_file(AXE_SPEC, AXE_FOLDER, "axe.min.js")
    if path is None:
        pytest.skip(f"accessibility tests need {AXE_SPEC} from npm: {reason}")
    return path.read_text(encoding="utf-8")


# -- the live server ---------------------------------------------------------------------------


def _loket(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runtime.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"`loket {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")


@dataclass(frozen=True)
class LiveServer:
    """A running Loket server: its address and data folder."""

    url: str
    data_dir: Path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Loket on a free loopback port with the example services published (session-wide)."""
    data_dir = tmp_path_factory.mktemp("loket-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")}
    env.update(
        LOKET_DATA_DIR=str(data_dir),
        LOKET_SECRET_KEY=secrets.token_urlsafe(48),
        LOKET_LOG_LEVEL="WARNING",
        LOKET_SIGNING_PASSPHRASE=secrets.token_urlsafe(24),
        PYTHONUNBUFFERED="1",
    )
    _loket(env, "migrate")
    _loket(env, "publish", str(ROOT / "schemas" / "examples"))
    for agency in ("disdukcapil", "dinsos"):  # approving issues a signed letter
        _loket(env, "keys", agency)
        _loket(
            env,
            *("agency", "update", agency, "--parent", "Pemerintah Kota Bandar Lampung"),
            *("--city", "Bandar Lampung", "--address", "Jl. Dr. Susilo No. 2, Bandar Lampung"),
            *("--signatory-position", "Kepala Dinas", "--signatory-name", "Pejabat Uji"),
        )
    port = kit.free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "runtime.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        kit.wait_until_ready(process, url + "/", log_path, seconds=SERVER_START_SECONDS)
        yield LiveServer(url=url, data_dir=data_dir)
    finally:
        kit.stop(process)
    errors = log_path.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in errors:
        print(f"server log of the browser tests:\n{errors}")


# -- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (the whole browser suite is skipped when it is missing)."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM}: run `bash tests/setup_browser.sh`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Network:
    """What the browser asked for outside 127.0.0.1: served from the npm cache, or blocked."""

    cdn_hits: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def _router(network: Network, htmx_body: bytes | None) -> Callable[[Any], None]:
    def handle(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if host in LOCAL_HOSTS:
            route.continue_()
        elif url == HTMX_URL and htmx_body is not None:
            network.cdn_hits.append(url)
            route.fulfill(
                status=200,
                body=htmx_body,
                headers={
                    "content-type": "application/javascript; charset=utf-8",
                    "access-control-allow-origin": "*",
                    "cache-control": "public, max-age=31536000, immutable",
                },
            )
        else:
            network.blocked.append(url)
            route.abort()

    return handle


@dataclass
class Session:
    """One browser context (a visitor) with its first page and its network log."""

    context: Any
    page: Any
    network: Network
    base_url: str
    js: bool


@pytest.fixture
def open_session(
    browser: Any, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Session]]:
    """Factory: a fresh context for a visitor, with JavaScript on or off (closed afterwards).

    With JavaScript on, the htmx CDN address is answered with `htmx_body` (by default the real
    pinned file), or refused when `block_cdn` is set.
    """
    contexts: list[Any] = []

    def make(
        *,
        js: bool = True,
        htmx_body: bytes | None = None,
        block_cdn: bool = False,
        bypass_csp: bool = False,
        width: int = 1024,
        height: int = 800,
    ) -> Session:
        if js and htmx_body is None and not block_cdn:
            htmx_body = request.getfixturevalue("htmx_bytes")
        context = browser.new_context(
            java_script_enabled=js,
            bypass_csp=bypass_csp,
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale="id-ID",
            service_workers="block",
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        network = Network()
        served = htmx_body if js and not block_cdn else None
        context.route("**/*", _router(network, served))
        page = context.new_page()
        return Session(context, page, network, live_server.url, js)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def js_session(open_session: Callable[..., Session]) -> Session:
    """A visitor with JavaScript on; htmx comes from the intercepted CDN address."""
    return open_session(js=True)


@pytest.fixture
def nojs_session(open_session: Callable[..., Session]) -> Session:
    """A visitor with JavaScript off."""
    return open_session(js=False)


# -- staff accounts and the live server's database ----------------------------------------------


@pytest.fixture(scope="session")
def live_engine(live_server: LiveServer) -> Iterator[Any]:
    """An engine on the live server's SQLite database (to prepare accounts, cases, versions)."""
    from runtime import db
    from runtime.settings import sqlite_url

    engine = db.make_engine(sqlite_url(live_server.data_dir))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def staff(live_engine: Any) -> Any:
    """A designer, a reviewer, an officer and a head of section (lifecycle_steps.Staff) in the
    live server's database; the officer and the head work in lifecycle_steps.AGENCY."""
    import lifecycle_steps as steps
    from sqlmodel import Session as DbSession

    from runtime import auth

    accounts = steps.Staff(
        designer="perancang.siklus",
        reviewer="peninjau.siklus",
        officer="petugas.siklus",
        head="kepala.siklus",
    )
    with DbSession(live_engine) as session:
        people = [
            (accounts.designer, "Perancang Layanan Uji", (), "designer"),
            (accounts.reviewer, "Peninjau Diskominfo Uji", ("reviewer",), None),
            (accounts.officer, "Petugas Perizinan Uji", (), "petugas"),
            (accounts.head, "Kepala Bidang Uji", (), "kepala"),
        ]
        for username, name, global_roles, role in people:
            user = auth.create_user(
                session,
                username=username,
                display_name=name,
                password=steps.PASSWORD,
                global_roles=global_roles,
            )
            if role:
                auth.grant(session, user=user, agency_id=steps.AGENCY, role=role)
        session.commit()
    return accounts


@pytest.fixture(scope="session")
def disdukcapil_designer(live_engine: Any) -> str:
    """The username of a designer of Disdukcapil in the live server's database."""
    import lifecycle_steps as steps
    from sqlmodel import Session as DbSession

    from runtime import auth

    with DbSession(live_engine) as session:
        user = auth.create_user(
            session,
            username="perancang.disdukcapil",
            display_name="Perancang Disdukcapil",
            password=steps.PASSWORD,
        )
        auth.grant(session, user=user, agency_id="disdukcapil", role="designer")
        session.commit()
    return "perancang.disdukcapil"
