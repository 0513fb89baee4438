"""Shared-nothing on one machine: two `loket serve` processes (own ports, own data folders,
LOKET_STORAGE=database, the same secret key and settings) on one fresh PostgreSQL database,
behind Debian's nginx as the load balancer (run in the foreground with a configuration
written for the test).

* A citizen's upload through server A is downloaded by an officer through server B (and
  through nginx), with nothing written to either data folder.
* nginx's X-Forwarded-For is believed from LOKET_TRUSTED_PROXIES (127.0.0.1) only.
* A burst of keyed JSON API submissions through nginx loses nothing when server A is killed
  with SIGKILL in the middle: every acknowledged case is in the database, and clients that
  retry with the same Idempotency-Key after an error get exactly one case per key.

Needs LOKET_TEST_DATABASE_URL (PostgreSQL) and nginx (`tests/setup_services.sh` installs it
when it may); skipped otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from runtime.db import make_engine
from runtime.models import Attachment, Submission
from tests import kit
from tests.deploy.conftest import new_database, start_serve
from tests.kit import free_port, stop, wait_until_ready
from tests.runtime.api.conftest import AGENCY, DEFINITION, SLUG, VALID, publish
from tests.runtime.office.conftest import (
    PASSWORD,
    SECRET_KEY,
    SIGNING_PASSPHRASE,
    build_office,
    load_example,
)
from tests.runtime.web.conftest import Citizen, status_link

BURST = 200
THREADS = 4
KILL_AFTER = 50  # acknowledged submissions before server A is killed
SUBMIT = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"


def nginx_binary() -> str:
    """Debian's nginx, or skip."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if found is None:
        pytest.skip("nginx is not installed (run tests/setup_services.sh as root to install it)")
    return found


NGINX_CONF = """\
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 20m;

    upstream loket {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=30s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://loket;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            # a server that refuses the connection or does not answer: try the other one
            # (nginx never resends a POST the first server may have received)
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


@dataclass
class Cluster:
    """Servers A and B, nginx in front, and the database they share."""

    database_url: str
    a: str
    b: str
    front: str
    server_a: subprocess.Popen[bytes]
    logs: dict[str, Path]
    folders: tuple[Path, Path]
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, base: str, **options: Any) -> httpx.Client:
        assert self.server_a.poll() is None, "server A was killed: the burst test comes last"
        made = httpx.Client(base_url=base, follow_redirects=False, timeout=20, **options)
        self.clients.append(made)
        return made


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """One set-up for the module (starting it takes seconds); the burst test, which kills
    server A, comes last."""
    nginx = nginx_binary()
    with new_database() as url:
        yield from _cluster(nginx, url, tmp_path_factory.mktemp("cluster"))


def _cluster(nginx: str, fresh_database: str, tmp_path: Path) -> Iterator[Cluster]:
    engine = make_engine(fresh_database)
    office = build_office(engine, tmp_path / "setup")  # services, officers, letterheads
    publish(engine, DEFINITION)  # a small service that accepts API submissions
    office.engine.dispose()
    engine.dispose()

    ports = {"a": free_port(), "b": free_port()}
    processes: list[subprocess.Popen[bytes]] = []
    logs: dict[str, Path] = {}
    folders = (tmp_path / "data-a", tmp_path / "data-b")
    nginx_process: subprocess.Popen[bytes] | None = None
    try:
        for (name, port), folder in zip(ports.items(), folders, strict=True):
            folder.mkdir()
            logs[name] = tmp_path / f"serve-{name}.log"
            settings = {
                "LOKET_DATABASE_URL": fresh_database,
                "LOKET_DATA_DIR": str(folder),
                "LOKET_STORAGE": "database",
                "LOKET_SECRET_KEY": SECRET_KEY,
                "LOKET_SIGNING_PASSPHRASE": SIGNING_PASSPHRASE,
                "LOKET_TRUSTED_PROXIES": "127.0.0.1",
                "LOKET_METRICS_ALLOW": "127.0.0.2",
                "LOKET_LOG_FORMAT": "json",
                "LOKET_SHUTDOWN_SECONDS": "5",
            }
            processes.append(start_serve(settings, port, logs[name]))
        bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for process, (name, base) in zip(processes, bases.items(), strict=True):
            wait_until_ready(process, f"{base}/readyz", logs[name])

        front_port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user="user root;\n" if os.geteuid() == 0 else "",
                tmp=tmp_path,
                port=front_port,
                port_a=ports["a"],
                port_b=ports["b"],
            )
        )
        nginx_log = tmp_path / "nginx-stderr.log"
        with nginx_log.open("wb") as output:
            nginx_process = subprocess.Popen(
                [nginx, "-p", str(tmp_path), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=output,
            )
        front = f"http://127.0.0.1:{front_port}"
        wait_until_ready(nginx_process, f"{front}/readyz", nginx_log)
        made = Cluster(fresh_database, bases["a"], bases["b"], front, processes[0], logs, folders)
        yield made
        for client in made.clients:
            client.close()
    finally:
        if nginx_process is not None:
            stop(nginx_process)
        for process in processes:
            stop(process)


def _submission_lines(log: Path) -> int:
    """API submissions a server logged answering (its JSON access lines)."""
    count = 0
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("logger") == "loket.access" and entry.get("method") == "POST":
            count += entry.get("route", "").endswith("/submissions")
    return count


def test_an_upload_through_a_is_downloaded_through_b_and_nginx(cluster: Cluster) -> None:
    definition = load_example("surat-keterangan-domisili")  # as build_office published it
    citizen = Citizen(cluster.client(cluster.a), definition)  # type: ignore[arg-type]
    sent = citizen.submit(citizen.fill_all())
    assert sent.status_code == 303, sent.text[:500]
    _, _, reference, secret = status_link(citizen.follow(sent)).split("/")
    _, content, _ = citizen.uploaded["berkas_ktp"]
    engine = make_engine(cluster.database_url)
    try:
        with Session(engine) as session:
            case = session.exec(select(Submission).where(Submission.reference == reference)).one()
            attachment = session.exec(
                select(Attachment).where(
                    Attachment.submission_id == case.id, Attachment.field_key == "berkas_ktp"
                )
            ).one()
    finally:
        engine.dispose()
    url = f"/kantor/kasus/{case.id}/berkas/{attachment.id}"

    officer_b = kit.signed_in(cluster.client(cluster.b), "petugas.uji", PASSWORD, "/kantor")  # type: ignore[type-var]
    on_b = officer_b.get(url)
    assert on_b.status_code == 200, on_b.text[:300]
    assert on_b.content == content
    assert hashlib.sha256(on_b.content).hexdigest() == attachment.sha256
    # the same signed-in session works on whichever server nginx picks
    officer_front = kit.signed_in(cluster.client(cluster.front), "petugas.uji", PASSWORD, "/kantor")  # type: ignore[type-var]
    for _ in range(4):
        assert officer_front.get(url).content == content
    mine = cluster.client(cluster.front).get(f"/status/{reference}/{secret}/berkas/{attachment.id}")
    assert mine.status_code == 200 and mine.content == content
    for folder in cluster.folders:
        assert not (folder / "attachments").exists()


def test_forwarded_for_is_believed_from_nginx_only(cluster: Cluster) -> None:
    """/metrics is open to 127.0.0.2 only (LOKET_METRICS_ALLOW). A visitor from 127.0.0.2
    gets in through nginx (127.0.0.1, trusted, forwards the visitor's address); nginx's own
    address does not; and an X-Forwarded-For sent straight to an app server from an address
    that is not a trusted proxy is ignored."""
    visitor = httpx.HTTPTransport(local_address="127.0.0.2")
    through_nginx = cluster.client(cluster.front, transport=visitor).get("/metrics")
    assert through_nginx.status_code == 200, through_nginx.text[:200]
    assert "loket_http_responses_total" in through_nginx.text
    assert cluster.client(cluster.front).get("/metrics").status_code == 401  # from 127.0.0.1
    assert cluster.client(cluster.b).get("/metrics").status_code == 401  # the proxy itself
    stranger = httpx.HTTPTransport(local_address="127.0.0.3")
    forged = cluster.client(cluster.a, transport=stranger).get(
        "/metrics", headers={"X-Forwarded-For": "127.0.0.2"}
    )
    assert forged.status_code == 401, forged.status_code


def test_a_burst_loses_nothing_when_server_a_is_killed(cluster: Cluster) -> None:
    keys = [f"burst-{index:04d}" for index in range(BURST)]
    acknowledged: dict[str, str] = {}
    failures: list[str] = []
    lock = threading.Lock()

    def send(share: list[str]) -> None:
        with httpx.Client(base_url=cluster.front, timeout=15) as client:
            for key in share:
                for _ in range(30):
                    try:
                        reply = client.post(SUBMIT, json=VALID, headers={"Idempotency-Key": key})
                    except httpx.TransportError as error:
                        with lock:
                            failures.append(type(error).__name__)
                        time.sleep(0.2)
                        continue
                    if reply.status_code == 201:
                        with lock:
                            assert key not in acknowledged
                            acknowledged[key] = reply.json()["reference"]
                        break
                    with lock:
                        failures.append(str(reply.status_code))
                    time.sleep(0.2)

    threads = [
        threading.Thread(target=send, args=(keys[offset::THREADS],), daemon=True)
        for offset in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(acknowledged) >= KILL_AFTER, (len(acknowledged), failures[:10])
    os.kill(cluster.server_a.pid, signal.SIGKILL)
    killed_at = len(acknowledged)
    for thread in threads:
        thread.join(timeout=90)
    assert cluster.server_a.wait(timeout=10) == -signal.SIGKILL
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(acknowledged) == keys, f"unacknowledged: {sorted(set(keys) - set(acknowledged))}"
    engine = make_engine(cluster.database_url)
    try:
        with Session(engine) as session:
            stored = set(
                session.exec(
                    select(Submission.reference).where(col(Submission.agency_id) == AGENCY)
                ).all()
            )
            rows = session.exec(
                select(func.count()).select_from(Submission).where(Submission.agency_id == AGENCY)
            ).one()
    finally:
        engine.dispose()
    assert rows == len(acknowledged) == BURST  # rows == acknowledged: one case per key
    assert stored == set(acknowledged.values())
    # both servers took part: A before it was killed, B throughout
    assert _submission_lines(cluster.logs["a"]) > 0
    assert _submission_lines(cluster.logs["b"]) > 0
    # a late retry of any key still finds its case (through B, the one server left)
    with httpx.Client(base_url=cluster.front, timeout=15) as client:
        for key in keys[:: BURST // 10]:
            again = client.post(SUBMIT, json=VALID, headers={"Idempotency-Key": key})
            assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
            assert again.json()["reference"] == acknowledged[key]
    print(f"killed A after {killed_at} acknowledged; errors seen by clients: {failures}")
