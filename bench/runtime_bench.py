"""Runtime benchmark: the real Loket server against a hand-written baseline, over loopback.

Not a test. Run it from the project root::

    .venv/bin/python bench/runtime_bench.py            # 2000 submissions at concurrency 20
    .venv/bin/python bench/runtime_bench.py --quick    # a short smoke run

What it does, in one run:

1. Writes a 30-field single-page service definition, validates it, migrates a SQLite database
   in a temporary data folder and publishes the service there.
2. Starts Loket (``uvicorn runtime.asgi:app``, one worker) and the baseline
   (``uvicorn bench.baseline_app:app``, one worker, the same SQLite pragmas) on 127.0.0.1.
3. (a) Drives both with the same JSON submission of the 30 fields through an async httpx load
   generator: Loket through ``POST /api/v1/services/.../submissions`` (one request = one complete
   case: validated, committed, reference returned), the baseline through ``POST /submissions``.
   Afterwards it counts the rows in each database against the 2xx responses.
4. (b) Opens 100 visitor sessions on Loket's pages (start page, CSRF token, ``POST /mulai``) and
   GETs the form page through 100 concurrent connections: back to back (closed loop, the server
   saturated) and paced at a fixed request rate (open loop, latency measured from the moment
   each request was due, so a slow server cannot hide its queue).
5. Prints a table, writes ``bench/results/runtime-latest.json`` and the "Runtime" section of
   ``docs/benchmarks.md``.

Only 127.0.0.1 is ever contacted; the request count and the time of every phase are bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.bundle import normalise  # noqa: E402
from builder.canonical import digest  # noqa: E402
from builder.compiler import compiled  # noqa: E402
from builder.problems import has_errors  # noqa: E402
from builder.validate import validate  # noqa: E402

HOST = "127.0.0.1"
AGENCY = "bench"
SLUG = "formulir-30"
RESULTS = ROOT / "bench" / "results" / "runtime-latest.json"
DOC = ROOT / "docs" / "benchmarks.md"
THROUGHPUT_TARGET = 0.8
PAGE_P95_TARGET_MS = 50.0
# All visitors start at once: 100 simultaneous `POST /mulai` must work (they once hung).
SETUP_CONCURRENCY = 100
PAGE_ROWS = ("page-closed", "page-paced", "page-paced-high", "floor-closed")


# -- the service ------------------------------------------------------------------------------

_AGAMA = ["islam", "kristen", "katolik", "hindu", "buddha", "konghucu"]
_KECAMATAN = ["enggal", "kedaton", "kemiling", "panjang", "rajabasa", "sukarame", "way_halim"]


def _options(values: list[str]) -> list[dict[str, str]]:
    return [{"value": v, "label": v.replace("_", " ").title()} for v in values]


def _text(key: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": "text", "label": label, "max_length": 100, **extra}


def fields() -> list[dict[str, Any]]:
    """The 30 answer fields of the benchmark form (every common type, one condition)."""
    digits = {"messages": {"pattern": "Hanya angka."}}
    return [
        {"key": "nik", "type": "nik", "label": "NIK", "required": True},
        _text("nama", "Nama lengkap", required=True, min_length=3),
        _text("tempat_lahir", "Tempat lahir", required=True),
        {
            "key": "tanggal_lahir",
            "type": "date",
            "label": "Tanggal lahir",
            "required": True,
            "min": "1900-01-01",
            "max": "today-17y",
        },
        {
            "key": "jenis_kelamin",
            "type": "choice",
            "label": "Jenis kelamin",
            "required": True,
            "options": _options(["laki_laki", "perempuan"]),
        },
        {
            "key": "agama",
            "type": "choice",
            "label": "Agama",
            "required": True,
            "display": "select",
            "options": _options(_AGAMA),
        },
        {
            "key": "status_perkawinan",
            "type": "choice",
            "label": "Status perkawinan",
            "required": True,
            "options": _options(["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"]),
        },
        _text("pekerjaan", "Pekerjaan", required=True),
        {
            "key": "pendidikan",
            "type": "choice",
            "label": "Pendidikan terakhir",
            "display": "select",
            "options": _options(["sd", "smp", "sma", "d3", "s1", "s2", "s3"]),
        },
        {"key": "telepon", "type": "phone", "label": "Nomor HP", "required": True},
        {"key": "email", "type": "email", "label": "Email"},
        {
            "key": "alamat",
            "type": "textarea",
            "label": "Alamat",
            "required": True,
            "max_length": 300,
        },
        _text("rt", "RT", required=True, max_length=3, pattern="[0-9]{3}", **digits),
        _text("rw", "RW", required=True, max_length=3, pattern="[0-9]{3}", **digits),
        _text("kelurahan", "Kelurahan", required=True),
        {
            "key": "kecamatan",
            "type": "choice",
            "label": "Kecamatan",
            "required": True,
            "display": "select",
            "options": _options(_KECAMATAN),
        },
        _text("kode_pos", "Kode pos", max_length=5, pattern="[0-9]{5}", **digits),
        {
            "key": "lama_tinggal",
            "type": "number",
            "label": "Lama tinggal (tahun)",
            "required": True,
            "integer": True,
            "min": 0,
            "max": 100,
        },
        {
            "key": "jumlah_anggota",
            "type": "number",
            "label": "Jumlah anggota keluarga",
            "integer": True,
            "min": 1,
            "max": 20,
        },
        {"key": "penghasilan", "type": "number", "label": "Penghasilan", "integer": True, "min": 0},
        {
            "key": "status_rumah",
            "type": "choice",
            "label": "Status rumah",
            "required": True,
            "options": _options(["milik_sendiri", "sewa", "menumpang"]),
        },
        {"key": "punya_kendaraan", "type": "yesno", "label": "Punya kendaraan?", "required": True},
        {
            "key": "jenis_kendaraan",
            "type": "multichoice",
            "label": "Jenis kendaraan",
            "options": _options(["motor", "mobil", "sepeda"]),
            "visible_if": {"field": "punya_kendaraan", "equals": True},
        },
        {
            "key": "keperluan",
            "type": "choice",
            "label": "Keperluan",
            "required": True,
            "options": _options(["kerja", "sekolah", "bank", "lainnya"]),
        },
        {"key": "keterangan", "type": "textarea", "label": "Keterangan", "max_length": 500},
        _text("nama_ayah", "Nama ayah"),
        _text("nama_ibu", "Nama ibu kandung", required=True),
        {"key": "tanggal_pindah", "type": "date", "label": "Tanggal pindah", "max": "today"},
        {"key": "setuju_kontak", "type": "yesno", "label": "Boleh dihubungi?"},
        {"key": "pernyataan", "type": "declaration", "label": "Data yang saya isi benar."},
    ]


def definition() -> dict[str, Any]:
    """The benchmark service: one page of 30 fields, a two-step workflow."""
    return {
        "format": "loket/service@1",
        "id": SLUG,
        "agency": AGENCY,
        "title": {"id": "Formulir 30 isian", "en": "30-field form"},
        "summary": "Layanan buatan untuk mengukur kinerja.",
        "standard": {"requirements": ["KTP-el"], "duration_days": 3, "cost": "Gratis"},
        "privacy": {"purpose": "Pengukuran kinerja.", "retention_days": 30},
        "form": {"pages": [{"id": "data", "title": "Data pemohon", "fields": fields()}]},
        "roles": {"petugas": "Petugas"},
        "workflow": {
            "initial": "diajukan",
            "states": {
                "diajukan": {"label": "Diajukan", "sla_days": 2},
                "selesai": {"label": "Selesai", "final": "approved"},
            },
            "transitions": [
                {"action": "selesaikan", "from": "diajukan", "to": "selesai", "roles": ["petugas"]}
            ],
        },
    }


ANSWERS: dict[str, Any] = {
    "nik": "1871015708900001",
    "nama": "Budi Santoso",
    "tempat_lahir": "Bandar Lampung",
    "tanggal_lahir": "1990-08-17",
    "jenis_kelamin": "laki_laki",
    "agama": "islam",
    "status_perkawinan": "kawin",
    "pekerjaan": "Karyawan swasta",
    "pendidikan": "s1",
    "telepon": "+6281234567890",
    "email": "budi@contoh.id",
    "alamat": "Jalan Merdeka nomor 10, Kelurahan Durian Payung",
    "rt": "005",
    "rw": "002",
    "kelurahan": "Durian Payung",
    "kecamatan": "enggal",
    "kode_pos": "35214",
    "lama_tinggal": 4,
    "jumlah_anggota": 3,
    "penghasilan": 4500000,
    "status_rumah": "sewa",
    "punya_kendaraan": True,
    "jenis_kendaraan": ["motor"],
    "keperluan": "kerja",
    "keterangan": "Untuk melamar pekerjaan di perusahaan swasta.",
    "nama_ayah": "Santoso",
    "nama_ibu": "Siti Aminah",
    "tanggal_pindah": "2021-03-01",
    "setuju_kontak": True,
    "pernyataan": True,
}


def baseline_schema(specs: list[dict[str, Any]]) -> dict[str, Any]:
    """What a hand-written app would check: the same fields with standard JSON Schema keywords."""
    date = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    properties: dict[str, Any] = {}
    for spec in specs:
        kind = spec["type"]
        if kind in {"text", "textarea"}:
            schema: dict[str, Any] = {
                "type": "string",
                "minLength": spec.get("min_length", 1),
                "maxLength": spec.get("max_length", 200),
            }
            if "pattern" in spec:
                schema["pattern"] = f"^(?:{spec['pattern']})$"
        elif kind == "nik":
            schema = {"type": "string", "pattern": r"^\d{16}$"}
        elif kind == "phone":
            schema = {"type": "string", "pattern": r"^\+62\d{8,13}$"}
        elif kind == "email":
            schema = {"type": "string", "maxLength": 254, "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"}
        elif kind == "date":
            schema = dict(date)
        elif kind == "number":
            schema = {"type": "integer" if spec.get("integer") else "number"}
            schema.update(
                {k: spec[s] for s, k in (("min", "minimum"), ("max", "maximum")) if s in spec}
            )
        elif kind == "choice":
            schema = {"type": "string", "enum": [o["value"] for o in spec["options"]]}
        elif kind == "multichoice":
            values = [o["value"] for o in spec["options"]]
            schema = {
                "type": "array",
                "items": {"enum": values},
                "uniqueItems": True,
                "minItems": 1,
            }
        elif kind == "yesno":
            schema = {"type": "boolean"}
        elif kind == "declaration":
            schema = {"const": True}
        else:  # pragma: no cover - the form above has no other types
            raise ValueError(kind)
        properties[spec["key"]] = schema
    required = [s["key"] for s in specs if s.get("required") or s["type"] == "declaration"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": required,
    }


# -- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A uvicorn subprocess."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        """Base URL on loopback."""
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(
    name: str, target: str, env: dict[str, str], log_dir: Path, cwd: Path = ROOT
) -> Server:
    """Start `uvicorn target` with one worker on a free loopback port."""
    port = free_port()
    log = log_dir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-keep-alive",
        "75",
    ]
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **env}, stdout=handle, stderr=handle
        )
    return Server(name, port, process, log)


def wait_ready(server: Server, path: str, timeout: float = 30.0) -> None:
    """Wait until the server answers `path` with 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + path, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not start:\n{server.log.read_text()}")


def stop(server: Server) -> None:
    """Stop a server started by this script."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextlib.contextmanager
def running(servers: list[Server]) -> Iterator[None]:
    """Stop the servers however the block ends."""
    try:
        yield
    finally:
        for server in servers:
            stop(server)


# -- the load generator -----------------------------------------------------------------------


@dataclass
class Load:
    """What one load phase measured."""

    name: str
    requests: int
    concurrency: int
    seconds: float
    statuses: dict[str, int]
    errors: int
    latencies_ms: list[float] = field(repr=False)
    rate: float | None = None
    error_kinds: dict[str, int] = field(default_factory=dict)
    server_cpu_s: float = 0.0

    @property
    def ok(self) -> int:
        """2xx responses."""
        return sum(n for code, n in self.statuses.items() if code.startswith("2"))

    @property
    def throughput(self) -> float:
        """Completed requests per second."""
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile in ms (nearest rank)."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]

    def summary(self) -> dict[str, Any]:
        """The figures without the raw latencies."""
        data = asdict(self)
        del data["latencies_ms"]
        data.update(
            ok=self.ok,
            non_2xx=self.requests - self.ok - self.errors,
            throughput_rps=round(self.throughput, 1),
            p50_ms=round(self.percentile(50), 2),
            p95_ms=round(self.percentile(95), 2),
            p99_ms=round(self.percentile(99), 2),
            max_ms=round(max(self.latencies_ms, default=float("nan")), 2),
            server_cpu_ms_per_request=round(1000 * self.server_cpu_s / max(1, self.ok), 2),
        )
        return data


Send = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def _check_loopback(url: str) -> None:
    if httpx.URL(url).host != HOST:
        raise ValueError(f"the bench only talks to {HOST}, not {url}")


async def closed_loop(
    name: str, clients: list[httpx.AsyncClient], send: Send, total: int, time_limit: float
) -> Load:
    """`total` requests, one worker per client sending back to back (bounded by `time_limit`)."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0
    kinds: Counter[str] = Counter()
    issued = 0
    start = time.perf_counter()
    deadline = start + time_limit

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal issued, errors
        while issued < total and time.perf_counter() < deadline:
            issued += 1
            began = time.perf_counter()
            try:
                response = await send(client)
            except httpx.HTTPError as exc:
                errors += 1
                kinds[type(exc).__name__] += 1
                continue
            latencies.append((time.perf_counter() - began) * 1000)
            statuses[str(response.status_code)] += 1

    await asyncio.gather(*(worker(c) for c in clients))
    seconds = time.perf_counter() - start
    return Load(
        name, issued, len(clients), seconds, dict(statuses), errors, latencies, None, dict(kinds)
    )


async def paced(
    name: str,
    clients: list[httpx.AsyncClient],
    send: Send,
    rate: float,
    total: int,
    time_limit: float,
) -> Load:
    """Open loop: requests due at `rate` per second spread over the clients (wrk2-style timing).

    Latency counts from the moment a request was due, so time spent waiting behind a slow
    response is included (no coordinated omission). No request is scheduled past `time_limit`.
    """
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0
    kinds: Counter[str] = Counter()
    interval = len(clients) / rate
    per_client = max(1, min(total // len(clients), int(time_limit / interval)))
    start = time.perf_counter() + 0.2

    async def worker(index: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        phase = interval * index / len(clients)
        for k in range(per_client):
            due = start + phase + k * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                response = await send(client)
            except httpx.HTTPError as exc:
                errors += 1
                kinds[type(exc).__name__] += 1
                continue
            latencies.append((time.perf_counter() - due) * 1000)
            statuses[str(response.status_code)] += 1

    await asyncio.gather(*(worker(i, c) for i, c in enumerate(clients)))
    seconds = time.perf_counter() - start
    requests = per_client * len(clients)
    return Load(
        name, requests, len(clients), seconds, dict(statuses), errors, latencies, rate, dict(kinds)
    )


def shared_clients(base_url: str, concurrency: int) -> tuple[httpx.AsyncClient, list[Any]]:
    """One pooled client used by `concurrency` workers."""
    _check_loopback(base_url)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60)
    return client, [client] * concurrency


# -- phases -----------------------------------------------------------------------------------


def merge(total: Load | None, part: Load) -> Load:
    """Add one round's figures to the running total of a target."""
    if total is None:
        return part
    statuses = Counter(total.statuses)
    statuses.update(part.statuses)
    kinds = Counter(total.error_kinds)
    kinds.update(part.error_kinds)
    return Load(
        total.name,
        total.requests + part.requests,
        total.concurrency,
        total.seconds + part.seconds,
        dict(statuses),
        total.errors + part.errors,
        total.latencies_ms + part.latencies_ms,
        None,
        dict(kinds),
        total.server_cpu_s + part.server_cpu_s,
    )


async def submissions(
    targets: dict[str, tuple[Server, str]],
    total: int,
    rounds: int,
    concurrency: int,
    time_limit: float,
    warmup: int,
) -> tuple[dict[str, Load], dict[str, int]]:
    """(a) The same 30-field submission to every target, in alternating rounds.

    Returns the measured loads and, per target, every 2xx reply (preflight and warm-up too).
    """
    body = json.dumps(ANSWERS).encode()
    headers = {"Content-Type": "application/json"}
    pools = {name: shared_clients(srv.url, concurrency) for name, (srv, _) in targets.items()}
    senders: dict[str, Send] = {}
    acknowledged: dict[str, int] = {}
    results: dict[str, Load | None] = dict.fromkeys(targets)
    try:
        for name, (_, path) in targets.items():

            async def send(c: httpx.AsyncClient, path: str = path) -> httpx.Response:
                return await c.post(path, content=body, headers=headers)

            senders[name] = send
            client, workers = pools[name]
            first = await send(client)
            if first.status_code != 201:
                raise RuntimeError(f"{name}: {first.status_code} {first.text[:500]}")
            warm = await closed_loop(f"{name}-warmup", workers, send, warmup, time_limit)
            acknowledged[name] = 1 + warm.ok
        names = list(targets)
        for index in range(rounds):
            for name in names if index % 2 == 0 else names[::-1]:
                used = targets[name][0].cpu_seconds()
                part = await closed_loop(
                    name, pools[name][1], senders[name], total // rounds, time_limit
                )
                part.server_cpu_s = targets[name][0].cpu_seconds() - used
                acknowledged[name] += part.ok
                results[name] = merge(results[name], part)
    finally:
        for client, _ in pools.values():
            await client.aclose()
    return {name: load for name, load in results.items() if load is not None}, acknowledged


_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


async def visitor(base_url: str) -> tuple[httpx.AsyncClient, str]:
    """A visitor with its own cookies who has started the form; returns it and the page path."""
    _check_loopback(base_url)
    client = httpx.AsyncClient(
        base_url=base_url, limits=httpx.Limits(max_connections=1), timeout=60
    )
    start = await client.get(f"/layanan/{AGENCY}/{SLUG}")
    match = _CSRF.search(start.text)
    if start.status_code != 200 or match is None:
        raise RuntimeError(f"start page: {start.status_code}")
    begun = await client.post(
        f"/layanan/{AGENCY}/{SLUG}/mulai", data={"csrf_token": match.group(1)}
    )
    if begun.status_code != 303:
        raise RuntimeError(f"POST /mulai: {begun.status_code} {begun.text[:200]}")
    page = begun.headers["location"]
    check = await client.get(page)
    if check.status_code != 200 or 'name="nik"' not in check.text:
        raise RuntimeError(f"form page: {check.status_code}")
    return client, page


async def pages(
    loket: Server,
    connections: int,
    total: int,
    time_limit: float,
    start_floor: Callable[[bytes], Server],
) -> dict[str, Load]:
    """(b) GET the form page through `connections` visitors: closed loop, then paced.

    Then the same bytes from a bare FastAPI route (`start_floor` starts that server), closed
    loop: what one worker on this machine can do at best for a page of that size.
    """
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def start_one() -> tuple[httpx.AsyncClient, str]:
        async with gate:
            return await visitor(loket.url)

    visitors = await asyncio.gather(*(start_one() for _ in range(connections)))
    clients = [c for c, _ in visitors]
    path = visitors[0][1]

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(path)

    result: dict[str, Load] = {}
    try:
        await closed_loop("page-warmup", clients, send, connections * 2, time_limit)
        used = loket.cpu_seconds()
        saturated = await closed_loop("page-closed", clients, send, total, time_limit)
        saturated.server_cpu_s = loket.cpu_seconds() - used
        result["page-closed"] = saturated
        for name, share in (("page-paced", 0.5), ("page-paced-high", 0.8)):
            rate = max(10.0, round(saturated.throughput * share, -1))
            used = loket.cpu_seconds()
            load = await paced(name, clients, send, rate, total, time_limit)
            load.server_cpu_s = loket.cpu_seconds() - used
            load.statuses = dict(load.statuses)
            result[name] = load
        body = (await clients[0].get(path)).content
    finally:
        for client in clients:
            await client.aclose()
    saturated.rate = None
    saturated.name = f"page-closed ({len(body)} bytes)"
    floor = start_floor(body)
    try:
        wait_ready(floor, "/page")
        floor_clients = [
            httpx.AsyncClient(base_url=floor.url, limits=httpx.Limits(max_connections=1))
            for _ in range(connections)
        ]

        async def send_floor(client: httpx.AsyncClient) -> httpx.Response:
            return await client.get("/page")

        try:
            await closed_loop("floor-warmup", floor_clients, send_floor, connections * 2, 30)
            used = floor.cpu_seconds()
            bare = await closed_loop("floor-closed", floor_clients, send_floor, total, time_limit)
            bare.server_cpu_s = floor.cpu_seconds() - used
        finally:
            for client in floor_clients:
                await client.aclose()
    finally:
        stop(floor)
    bare.name = f"floor: the same bytes from a bare FastAPI route, closed ({len(body)} bytes)"
    result["floor-closed"] = bare
    return result


# -- databases --------------------------------------------------------------------------------


def count_rows(path: Path, table: str) -> int:
    """Rows in a SQLite table (read-only)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(count)


def effective_pragmas(url: str) -> dict[str, Any]:
    """journal_mode, synchronous and foreign_keys as Loket's engine sets them."""
    from runtime.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()


def prepare_loket(
    data_dir: Path,
    secret_key: str,
    service: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Migrate a fresh database and publish the benchmark service (or `service`, checked
    against `answers`); return the server's env."""
    service = service or definition()
    answers = answers or ANSWERS
    from sqlmodel import Session

    from runtime import db, store
    from runtime.settings import Settings

    problems = validate(service)
    if has_errors(problems):
        raise SystemExit(f"the benchmark definition is invalid: {problems}")
    normal = normalise(service)
    _, errors = compiled(normal).check(answers)
    if errors:
        raise SystemExit(f"the benchmark answers are invalid: {errors}")
    settings = Settings(data_dir=data_dir, secret_key=secret_key)
    db.migrate(settings)
    engine = db.make_engine(settings)
    with Session(engine) as session:
        store.publish_version(session, definition=normal, sha256=digest(normal))
        session.commit()
    engine.dispose()
    return {
        "LOKET_DATA_DIR": str(data_dir),
        "LOKET_SECRET_KEY": secret_key,
        "LOKET_LOG_LEVEL": "WARNING",
    }


# -- report -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """CPU model, cores, Python and SQLite versions."""
    model = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of load summaries."""
    head = (
        "| run | requests | conc. | 2xx | failed | req/s | p50 ms | p95 ms | p99 ms "
        "| server CPU ms/req |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        name = r["name"] + (f" @ {r['rate']:.0f} req/s" if r.get("rate") else "")
        lines.append(
            f"| {name} | {r['requests']} | {r['concurrency']} | {r['ok']} | "
            f"{r['errors'] + r['non_2xx']} | {r['throughput_rps']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['server_cpu_ms_per_request']} |"
        )
    return "\n".join(lines)


def write_doc(report: dict[str, Any]) -> None:
    """Replace the "Runtime" section of docs/benchmarks.md (other sections are kept)."""
    m = report["machine"]
    subs = report["submissions"]
    verdict = report["verdict"]
    rows = report["rows"]
    load = report["load_average"]
    counted = ", ".join(f"{name} {r['rows']} rows / {r['2xx']} replies" for name, r in rows.items())
    settings = report["settings"]
    section = f"""## Runtime

Measured on {report["date"]} with `{report["command"]}` on {m["cpu"]} ({m["cores"]} cores),
Python {m["python"]}, SQLite {m["sqlite"]}. The servers and the load generator share the
machine, which other jobs were also using (load average {load["before"][0]:.1f} before the run,
{load["after"][0]:.1f} after), so absolute figures are noisy; the servers are compared within
the same run, and the server CPU time per request is steadier than throughput. Everything runs
over loopback (127.0.0.1), one uvicorn worker per server, access log off, SQLite in a temporary
folder. Loket's effective pragmas: `{json.dumps(report["loket_pragmas"])}`.

### Submissions of a 30-field single-page service (same run)

{settings["requests"]} submissions per server at concurrency {settings["concurrency"]}, in
{settings["rounds"]} rounds alternating the order of the servers, after {settings["warmup"]}
warm-up requests each.

- loket: `POST /api/v1/services/{AGENCY}/{SLUG}/submissions`: parse (duplicate keys, depth,
  encoding checked), unknown-key check, prune, validate with the compiled validator (NIK, phone
  and date checks included), insert the case and its audit event, commit, reply 201 with the
  reference and the status secret.
- baseline (`bench/baseline_app.py`): FastAPI + SQLModel, cached `Draft202012Validator`, one
  `INSERT`, commit, reply 201.
- baseline-locked: the same with a process-wide lock around the write, as Loket's API takes for
  SQLite.

{table([subs["loket"], subs["baseline"], subs["baseline-locked"]])}

Rows in the databases against 2xx replies (preflight and warm-up included): {counted}.

Throughput Loket / baseline: **{verdict["throughput_ratio"]}** (target ≥ {THROUGHPUT_TARGET});
Loket / baseline-locked: {verdict["throughput_ratio_vs_locked_baseline"]}.

### GET of the form page, 100 concurrent connections

100 visitors, each with its own cookies and connection, start the form once (start page, CSRF
token, `POST /mulai`) and then GET the form page (30 fields, 14 KB). "closed" sends back to
back, so its latency is mostly the queue of a saturated single worker (Little's law:
100 / throughput); "paced" holds the same 100 connections and sends at 50 % and 80 % of the
closed-loop throughput, measuring from the moment each request was due (wrk2-style, no
coordinated omission). "floor" is the same bytes from a bare FastAPI route (no database, no
template, no cookies) on its own server, closed loop, in the same run.

{table([report["pages"][name] for name in PAGE_ROWS])}

Target p95 < {PAGE_P95_TARGET_MS:.0f} ms with 100 connections: paced at
{verdict["page_paced_rates"][0]:.0f} req/s {verdict["page_p95_paced_ms"]} ms, at
{verdict["page_paced_rates"][1]:.0f} req/s {verdict["page_p95_paced_high_ms"]} ms; closed loop
{verdict["page_p95_closed_ms"]} ms. A closed loop of 100 connections has p95 under 50 ms only if
the worker answers about 2,000 requests a second (100 / 0.05 s); the bare route, doing nothing
but send the bytes, reached {verdict["floor_throughput_rps"]} req/s with p95
{verdict["floor_p95_closed_ms"]} ms in this run.
"""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Runtime\n.*?(?=^## (?!#)|\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


# -- main -------------------------------------------------------------------------------------


async def measure(
    args: argparse.Namespace, servers: dict[str, Server], start_floor: Callable[[bytes], Server]
) -> dict[str, Any]:
    """Run both phases."""
    paths = {
        "loket": f"/api/v1/services/{AGENCY}/{SLUG}/submissions",
        "baseline": "/submissions",
        "baseline-locked": "/submissions",
    }
    targets = {name: (server, paths[name]) for name, server in servers.items()}
    subs, acknowledged = await submissions(
        targets, args.requests, args.rounds, args.concurrency, args.time_limit, args.warmup
    )
    page_loads = await pages(
        servers["loket"], args.connections, args.page_requests, args.time_limit, start_floor
    )
    return {"submissions": subs, "acknowledged": acknowledged, "pages": page_loads}


def start_all(work: Path, secret_key: str) -> tuple[dict[str, Server], dict[str, Path]]:
    """Prepare the databases and start Loket and the two baselines."""
    env = prepare_loket(work / "loket", secret_key)
    schema_file = work / "baseline.schema.json"
    schema_file.write_text(json.dumps(baseline_schema(fields())), encoding="utf-8")
    databases = {"loket": work / "loket" / "loket.db"}
    servers = {"loket": start_server("loket", "runtime.asgi:app", env, work)}
    for name, lock in (("baseline", "0"), ("baseline-locked", "1")):
        databases[name] = work / name / "baseline.db"
        databases[name].parent.mkdir()
        baseline_env = {
            "BASELINE_DB": str(databases[name]),
            "BASELINE_SCHEMA": str(schema_file),
            "BASELINE_WRITE_LOCK": lock,
        }
        servers[name] = start_server(name, "bench.baseline_app:app", baseline_env, work)
    return servers, databases


def floor_starter(work: Path) -> Callable[[bytes], Server]:
    """A function that starts the bare-route server serving the given page."""

    def start(page: bytes) -> Server:
        folder = work / "floor"
        folder.mkdir(exist_ok=True)
        (folder / "page.html").write_bytes(page)
        env = {
            "BASELINE_DB": str(folder / "baseline.db"),
            "BASELINE_SCHEMA": str(work / "baseline.schema.json"),
            "BASELINE_PAGE": str(folder / "page.html"),
        }
        return start_server("floor", "bench.baseline_app:app", env, work)

    return start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="submissions per server")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per server")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=200, help="submissions before measuring")
    parser.add_argument("--connections", type=int, default=100, help="page visitors")
    parser.add_argument("--page-requests", type=int, default=2000)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per load phase")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--no-write", action="store_true", help="do not write results/docs")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite the docs from the latest results"
    )
    args = parser.parse_args(argv)
    if args.render:
        write_doc(json.loads(RESULTS.read_text(encoding="utf-8")))
        return 0
    if args.quick:
        args.requests, args.rounds, args.warmup, args.page_requests = 200, 2, 20, 300
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="loket-bench-") as tmp:
        servers, databases = start_all(Path(tmp), secrets.token_urlsafe(32))
        with running(list(servers.values())):
            wait_ready(servers["loket"], "/api/v1/services")
            for name in ("baseline", "baseline-locked"):
                wait_ready(servers[name], "/openapi.json")
            measured = asyncio.run(measure(args, servers, floor_starter(Path(tmp))))
        tables = {"loket": "submissions"}
        rows = {
            name: {
                "rows": count_rows(path, tables.get(name, "baseline_submissions")),
                "2xx": measured["acknowledged"][name],
            }
            for name, path in databases.items()
        }
        pragmas = effective_pragmas(f"sqlite:///{databases['loket']}")
    subs: dict[str, Load] = measured["submissions"]
    summaries = {name: load.summary() for name, load in subs.items()}
    page_summaries = {name: load.summary() for name, load in measured["pages"].items()}
    ratio = subs["loket"].throughput / subs["baseline"].throughput
    ratio_locked = subs["loket"].throughput / subs["baseline-locked"].throughput
    report: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "command": " ".join(["bench/runtime_bench.py", *(argv or sys.argv[1:])]).strip(),
        "machine": machine(),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "loket_pragmas": pragmas,
        "settings": vars(args),
        "submissions": summaries,
        "rows": rows,
        "pages": page_summaries,
        "verdict": {
            "throughput_ratio": round(ratio, 2),
            "throughput_ratio_vs_locked_baseline": round(ratio_locked, 2),
            "throughput_target": THROUGHPUT_TARGET,
            "throughput_ok": ratio >= THROUGHPUT_TARGET,
            "zero_lost_rows": all(r["rows"] == r["2xx"] for r in rows.values()),
            "zero_errors": all(
                s["errors"] == 0 and s["non_2xx"] == 0
                for s in (*summaries.values(), *page_summaries.values())
            ),
            "page_p95_closed_ms": page_summaries["page-closed"]["p95_ms"],
            "page_p95_paced_ms": page_summaries["page-paced"]["p95_ms"],
            "page_p95_paced_high_ms": page_summaries["page-paced-high"]["p95_ms"],
            "page_paced_rates": [
                page_summaries["page-paced"]["rate"],
                page_summaries["page-paced-high"]["rate"],
            ],
            "floor_p95_closed_ms": page_summaries["floor-closed"]["p95_ms"],
            "floor_throughput_rps": page_summaries["floor-closed"]["throughput_rps"],
            "page_p95_target_ms": PAGE_P95_TARGET_MS,
        },
    }
    print_report(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        write_doc(report)
        print(f"wrote {RESULTS.relative_to(ROOT)} and {DOC.relative_to(ROOT)}")
    return 0


def print_report(report: dict[str, Any]) -> None:
    """The figures on stdout."""
    m = report["machine"]
    subs = report["submissions"]
    pages = report["pages"]
    print(
        f"\nLoket runtime bench {report['date']} on {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}, SQLite {m['sqlite']}; load average {report['load_average']}"
    )
    print(f"Loket pragmas: {report['loket_pragmas']}\n")
    print(table([subs["loket"], subs["baseline"], subs["baseline-locked"]]))
    print(f"\nrows vs 2xx: {report['rows']}\n")
    print(table([pages[name] for name in PAGE_ROWS]))
    for name, load in {**subs, **pages}.items():
        if load["errors"] or load["non_2xx"]:
            print(f"{name}: statuses {load['statuses']}, exceptions {load['error_kinds']}")
    print(f"\nverdict: {json.dumps(report['verdict'])}")


if __name__ == "__main__":
    sys.exit(main())
