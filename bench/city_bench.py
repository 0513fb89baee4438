"""City-scale benchmark: 1,000,000 cases on PostgreSQL, officers and citizens at once, behind nginx.

Not a test. Run it from the project root (needs PostgreSQL, nginx and wrk; ``make bench`` and
``tests/setup_services.sh`` install the last two)::

    .venv/bin/python bench/city_bench.py                     # 1,000,000 cases, 1 and 2 servers
    .venv/bin/python bench/city_bench.py --cases 20000 --duration 10   # a quick look

What it does:

1. A PostgreSQL database (--database, ``loket_city`` unless told) on --pg-url's server is
   migrated and seeded by ``bench/seed_cases.py`` with --cases cases over --agencies agencies
   (two services each, 20 officers each). A database already seeded with that many cases is
   reused (--reseed redoes it).
2. For each server count in --servers, that many ``loket serve`` processes (one worker each,
   each its own data folder, uploads in the database) start behind nginx, which logs every
   request with ``$upstream_response_time``, with one ``loket worker`` beside them (it works
   out the report figures of big services, as in a deployment). Each server is warmed up on its
   own first (every officer's inbox and report pages once), as a server that has run for a
   while would be; --cold leaves that out.
3. Two wrk processes run at the same time for --duration seconds:
   - --officers officers (signed in beforehand, one session each), each waiting 0.5–1.5 s
     (--officer-think) between pages: the inbox (60 %), the overdue filter (10 %), a search by
     reference (20 %) and the agency's report page (10 %);
   - --citizens citizens filing through the JSON API (every answer checked, one
     ``Idempotency-Key`` each), each waiting 5–15 s (--citizen-think) between submissions: 200
     citizens offer about 20 submissions a second, 72,000 an hour, far above a city's peak.
   Latency percentiles per kind of page come from nginx's log; the statuses of the citizens'
   replies are counted in wrk's Lua; lost = acknowledged (201) − new rows in the database (cases
   whose reply was cut off when wrk stopped are counted apart, as ``filed_unanswered``).

The figures and the machine go to ``bench/results/city-latest.json`` and the console.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed_cases  # noqa: E402
from runtime.db import make_engine, migrate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "city-latest.json"
DATABASE = "loket_city"
SECRET_KEY = "city-benchmark-secret-key-0123456789abcdef"
NIK = "1871015708900001"
SERVE = (sys.executable, "-c", "from runtime.cli import main; main()", "serve")
WORKER = (sys.executable, "-c", "from runtime.cli import main; main()", "worker")
_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
_KIND = {"inbox": "inbox", "overdue": "inbox, overdue", "search": "search", "report": "report"}

NGINX_CONF = """\
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
    log_format timed '$request_method $request_uri $status $upstream_response_time';
    access_log {tmp}/access.log timed buffer=256k;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream loket {{
{servers}
        keepalive 64;
        keepalive_timeout 60s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://loket;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""

OFFICER_LUA = """\
local paths, cookies, n = {}, {}, 0
for line in io.lines("%(list)s") do
  local cookie, path = line:match("^(%%S+) (.+)$")
  cookies[#cookies + 1] = cookie
  paths[#paths + 1] = path
end
function init(args) n = math.random(#paths) end
function delay() return math.random(%(think)s) end
function request()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n], {["Cookie"] = cookies[n]})
end
"""

CITIZEN_LUA = """\
local threads, counter = {}, 0
statuses = {}  -- a global: done() reads it from each thread
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args) statuses = {} end
function delay() return math.random(%(think)s) end
function request()
  counter = counter + 1
  local key = string.format("city-%%d-%%d-%%d", %(run)d, id, counter)
  return wrk.format("POST", "%(path)s",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, '%(body)s')
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do parts[#parts + 1] = string.format('"%%d": %%d', status, count) end
  io.write("STATUSES {" .. table.concat(parts, ", ") .. "}\\n")
end
"""


def machine() -> dict[str, Any]:
    """The machine the figures were taken on."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
    }


def admin(pg_url: str, statement: str) -> None:
    """Run one statement on the server's maintenance connection (autocommit)."""
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def prepare(pg_url: str, cases: int, agencies: int, reseed: bool, database: str = DATABASE) -> str:
    """The URL of a migrated database `database` seeded with `cases` cases (reused when it is)."""
    url = make_url(pg_url).set(database=database).render_as_string(hide_password=False)
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
        ).first()
    engine.dispose()
    if exists and not reseed:
        probe = make_engine(url)
        try:
            with probe.connect() as connection:
                found = connection.execute(text("SELECT count(*) FROM submissions")).scalar()
        except Exception:  # an unmigrated or broken database is seeded again
            found = -1
        probe.dispose()
        if found is not None and found >= cases:
            print(f"reusing {database}: {found:,} cases (migrating it if needed)", flush=True)
            engine = make_engine(url)
            migrate(engine)
            engine.dispose()
            return url
    admin(pg_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin(pg_url, f'CREATE DATABASE "{database}"')
    engine = make_engine(url)
    migrate(engine)
    print(f"seeding {cases:,} cases over {agencies} agencies...", flush=True)
    seeded = seed_cases.seed(engine, cases=cases, agencies=agencies)
    engine.dispose()
    print(f"seeded {seeded.cases:,} cases, {seeded.events:,} events in {seeded.seconds:.0f} s")
    return url


def free_port() -> int:
    """A TCP port nobody listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until `/readyz` answers 200."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{base} stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{base} did not start: {log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process (SIGKILL if it does not stop on SIGTERM)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def cluster(url: str, count: int, folder: Path) -> Iterator[tuple[str, list[str]]]:
    """`count` servers behind nginx: yields (nginx's address, the servers' addresses)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    processes: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for index in range(count):
            port = free_port()
            data = folder / f"data-{index}"
            data.mkdir()
            env = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")}
            env.update(
                LOKET_DATABASE_URL=url,
                LOKET_DATA_DIR=str(data),
                LOKET_STORAGE="database",
                LOKET_SECRET_KEY=SECRET_KEY,
                LOKET_TRUSTED_PROXIES="127.0.0.1",
                LOKET_LOG_LEVEL="WARNING",
                PYTHONPATH=str(ROOT),
            )
            log = folder / f"serve-{index}.log"
            with log.open("wb") as output:
                processes.append(
                    subprocess.Popen(
                        [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
                        cwd=ROOT,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=output,
                    )
                )
            bases.append(f"http://127.0.0.1:{port}")
            wait_ready(bases[-1], processes[-1], log)
        # one `loket worker`, as in a deployment on PostgreSQL: it works out the report figures
        # of the big services (every 5 minutes, in report_figures) besides delivering messages
        with (folder / "worker.log").open("wb") as output:
            processes.append(
                subprocess.Popen(
                    WORKER,
                    cwd=ROOT,
                    env={**env, "LOKET_LOG_LEVEL": "INFO"},
                    stdout=output,
                    stderr=output,
                )
            )
        port = free_port()
        conf = folder / "nginx.conf"
        servers = "\n".join(f"        server {base[len('http://') :]};" for base in bases)
        conf.write_text(
            NGINX_CONF.format(
                user="user root;\n" if os.geteuid() == 0 else "",
                tmp=folder,
                port=port,
                servers=servers,
            )
        )
        front = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(front)
        wait_ready(f"http://127.0.0.1:{port}", front, folder / "nginx-error.log")
        yield f"http://127.0.0.1:{port}", bases
    finally:
        for process in reversed(processes):
            stop(process)


def sign_in(base: str, username: str) -> str:
    """The session cookie ("name=value") of `username`, signed in through the login form."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
        token = _CSRF.search(client.get("/masuk").text)
        assert token is not None, "no CSRF token on the login page"
        reply = client.post(
            "/masuk",
            data={
                "csrf_token": token.group(1),
                "username": username,
                "password": seed_cases.PASSWORD,
            },
        )
        assert reply.status_code == 303, reply.text[:300]
        session = next(c for c in client.cookies.jar if c.name == "loket_session")
        return f"{session.name}={session.value}"


def officer_requests(url: str, base: str, officers: int, agencies: int) -> list[tuple[str, str]]:
    """(cookie, path) of a mix of officers' pages, 20 per officer, in a fixed order."""
    engine = make_engine(url)
    with engine.connect() as connection:
        references: dict[str, list[str]] = defaultdict(list)
        for agency, reference in connection.execute(
            text(
                "SELECT agency_id, reference FROM submissions "
                "WHERE state IN ('diajukan', 'diverifikasi') ORDER BY id LIMIT 5000"
            )
        ):
            references[agency].append(reference)
    engine.dispose()
    mix = ["inbox"] * 12 + ["overdue"] * 2 + ["search"] * 4 + ["report"] * 2
    found: list[tuple[str, str]] = []
    for number in range(officers):
        agency = seed_cases.agency_id(number % agencies)
        cookie = sign_in(base, f"petugas{number // agencies:02d}.{agency}")
        for step, kind in enumerate(mix):
            path = {
                "inbox": "/kantor",
                "overdue": "/kantor?terlambat=1",
                "search": f"/kantor?nomor={references[agency][step % len(references[agency])]}",
                "report": f"/kantor/laporan/{agency}",
            }[kind]
            found.append((cookie, path))
    order = sorted(range(len(found)), key=lambda i: (i * 7919) % len(found))
    return [found[i] for i in order]


def kind_of(path: str) -> str | None:
    """Which page a logged request was, or None for what is not measured."""
    if path.startswith("/api/v1/"):
        return "submit (API)"
    if path.startswith("/kantor/laporan/"):
        return _KIND["report"]
    if path.startswith("/kantor?nomor="):
        return _KIND["search"]
    if path.startswith("/kantor?terlambat=1"):
        return _KIND["overdue"]
    if path == "/kantor":
        return _KIND["inbox"]
    return None


def percentiles(samples: list[float]) -> dict[str, float]:
    """Count, median, p95 and p99 in milliseconds."""
    if not samples:
        return {"count": 0}
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "count": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(pick(0.95) * 1000, 1),
        "p99_ms": round(pick(0.99) * 1000, 1),
    }


def read_log(path: Path) -> dict[str, Any]:
    """Latency percentiles and statuses per kind of request, from nginx's log."""
    times: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in path.read_text().splitlines():
        parts = line.split(" ", 3)  # the upstream times may read "0.100, 0.200" (two tries)
        if len(parts) < 4:
            continue
        kind = kind_of(parts[1])
        if kind is None:
            continue
        statuses[kind][parts[2]] += 1
        try:
            times[kind].append(sum(float(t) for t in parts[3].split(",")))
        except ValueError:
            continue  # "-": no upstream answered
    return {kind: {**percentiles(times[kind]), "statuses": dict(statuses[kind])} for kind in times}


def submissions(url: str) -> int:
    """How many cases the database holds."""
    engine = make_engine(url)
    with engine.connect() as connection:
        found = int(connection.execute(text("SELECT count(*) FROM submissions")).scalar() or 0)
    engine.dispose()
    return found


def run_once(url: str, servers: int, args: argparse.Namespace, run: int) -> dict[str, Any]:
    """One measurement with `servers` application processes."""
    with tempfile.TemporaryDirectory(prefix="loket-city-") as tmp:
        folder = Path(tmp)
        with cluster(url, servers, folder) as (front, bases):
            requests = officer_requests(url, front, args.officers, args.agencies)
            # warm-up: every server renders each officer's pages once (compiled definitions),
            # unless --cold
            for base in [] if args.cold else bases:
                seen = set()
                with httpx.Client(base_url=base, timeout=120) as client:
                    for cookie, path in requests:
                        if (cookie, path.split("?")[0]) in seen:
                            continue
                        seen.add((cookie, path.split("?")[0]))
                        client.get(path, headers={"Cookie": cookie})
            (folder / "access.log").write_text("")
            subprocess.run(["kill", "-USR1", (folder / "nginx.pid").read_text().strip()])
            listing = folder / "officers.txt"
            listing.write_text("".join(f"{cookie} {path}\n" for cookie, path in requests))
            (folder / "officers.lua").write_text(
                OFFICER_LUA % {"list": listing, "think": args.officer_think}
            )
            slug = "layanan-01"
            body = json.dumps(
                {
                    "nik": NIK,
                    "nama": "Warga Kota",
                    "kecamatan": "enggal",
                    "jumlah": 2,
                    "alasan": "Keperluan",
                },
                separators=(",", ":"),
            )
            path = f"/api/v1/services/{seed_cases.agency_id(0)}/{slug}/submissions"
            (folder / "citizens.lua").write_text(
                CITIZEN_LUA % {"run": run, "path": path, "body": body, "think": args.citizen_think}
            )
            before = submissions(url)
            seconds = f"{args.duration}s"
            wrk = ["wrk", "-t1", "--latency", "-d", seconds, "--timeout", "30s"]
            officers = subprocess.Popen(
                [*wrk, f"-c{args.officers}", "-s", str(folder / "officers.lua"), front],
                stdout=subprocess.PIPE,
                text=True,
            )
            citizens = subprocess.Popen(
                [*wrk, f"-c{args.citizens}", "-s", str(folder / "citizens.lua"), front],
                stdout=subprocess.PIPE,
                text=True,
            )
            officer_out, _ = officers.communicate()
            citizen_out, _ = citizens.communicate()
            time.sleep(1)
            subprocess.run(["kill", "-USR1", (folder / "nginx.pid").read_text().strip()])
            time.sleep(0.5)
            after = submissions(url)
            found = re.search(r"STATUSES (\{.*\})", citizen_out)
            statuses = {int(k): v for k, v in json.loads(found.group(1)).items()} if found else {}
            errors = re.findall(r"(Socket errors: .*|Non-2xx.*)", officer_out + citizen_out)
            acknowledged = statuses.get(201, 0)
            return {
                "servers": servers,
                "seconds": args.duration,
                "pages": read_log(folder / "access.log"),
                "citizen_statuses": statuses,
                "acknowledged": acknowledged,
                "new_rows": after - before,
                # an acknowledged case missing from the database is lost; a case filed whose
                # reply was cut off when wrk stopped (nginx logs 499) is not
                "lost": max(0, acknowledged - (after - before)),
                "filed_unanswered": max(0, (after - before) - acknowledged),
                "submits_per_second": round(acknowledged / args.duration, 1),
                "wrk_errors": errors,
                "nginx_errors": (folder / "nginx-error.log").read_text().splitlines()[-5:],
                "load_after": os.getloadavg(),
            }


def summary(report: dict[str, Any]) -> str:
    """The figures as a plain table."""
    lines = [f"{report['cases']:,} cases, {report['agencies']} agencies; {report['machine']}"]
    for run in report["runs"]:
        lines.append(
            f"\n{run['servers']} server(s): {run['acknowledged']} submissions acknowledged "
            f"({run['submits_per_second']}/s), new rows {run['new_rows']}, lost {run['lost']}, "
            f"citizen statuses {run['citizen_statuses']} {run['wrk_errors']}"
        )
        for kind, figures in sorted(run["pages"].items()):
            lines.append(
                f"  {kind:16} n={figures.get('count', 0):6}  median {figures.get('median_ms')} ms"
                f"  p95 {figures.get('p95_ms')} ms  p99 {figures.get('p99_ms')} ms"
                f"  {figures.get('statuses')}"
            )
    return "\n".join(lines)


def main() -> None:
    """Seed (or reuse) the database, measure with each server count, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=5)
    parser.add_argument("--servers", default="1,2")
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument(
        "--officer-think", default="500,1500", help="ms between an officer's pages (from,to)"
    )
    parser.add_argument(
        "--citizen-think", default="5000,15000", help="ms between a citizen's submissions"
    )
    parser.add_argument(
        "--database", default=DATABASE, help="the database to seed and use (dropped on --reseed)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="no warm-up: the servers' first pages are measured"
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    url = prepare(args.pg_url, args.cases, args.agencies, args.reseed, args.database)
    if args.seed_only:
        return
    report: dict[str, Any] = {
        "cases": args.cases,
        "agencies": args.agencies,
        "officers": args.officers,
        "citizens": args.citizens,
        "machine": machine(),
        "runs": [],
    }
    for run, servers in enumerate(int(n) for n in args.servers.split(",")):
        report["runs"].append(run_once(url, servers, args, int(time.time()) % 100000 + run))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(summary(report))


if __name__ == "__main__":
    main()
