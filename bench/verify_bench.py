"""Verification page benchmark: Loket's ``/verifikasi/{code}`` against a hand-written baseline.

Not a test. Run it from the project root (wrk must be installed: ``bash bench/setup_tools.sh``)::

    .venv/bin/python bench/verify_bench.py            # 4 rounds x 1 and 4 connections x 8 s
    .venv/bin/python bench/verify_bench.py --quick    # a short smoke run

It migrates a SQLite database in a temporary data folder, publishes a small service, issues
one signed document (a real PDF signed with a development certificate, in the data folder) and
starts, each with one uvicorn worker on 127.0.0.1 (the servers of `runtime_bench.py`):

- **loket**: the real app, rate limit on (LOKET_VERIFY_RATE_LIMIT=100000: every request is
  counted in the process, none is refused);
- **baseline** (`verify_baseline_app.py`): one FastAPI route doing the same indexed look-up with
  ``sqlite3`` and an f-string page.

After a warm-up, ``wrk --latency -t1 -c<n>`` loads the page of the document's code for
--seconds per run, in rounds that alternate the order of the targets, for each number of
connections; a Lua ``done`` hook prints the percentiles. The server's CPU time (utime + stime
from ``/proc/<pid>/stat``) is read before and after each run. It prints a table and, unless
--no-write, writes ``bench/results/verify-latest.json``. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import runtime_bench as rb  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "verify-latest.json"
P95_TARGET_MS = 20.0
PASSPHRASE = "bench-development-passphrase"


def prepare(data_dir: Path, secret_key: str) -> tuple[dict[str, str], str]:
    """Migrate, publish, issue one signed document; return Loket's env and the document's code."""
    from sqlmodel import Session, select

    from runtime import db, store
    from runtime.documents.files import write_document
    from runtime.documents.pdf import render_pdf
    from runtime.documents.signing import LocalSigner, create_development_certificate
    from runtime.documents.verify import new_verify_code
    from runtime.models import IssuedDocument, ServiceVersion
    from runtime.references import new_token
    from tests.runtime.documents.samples import sample_document

    env = rb.prepare_loket(data_dir, secret_key)
    settings_engine = db.make_engine(f"sqlite:///{data_dir / 'loket.db'}")
    signer = LocalSigner(create_development_certificate("bench", PASSPHRASE), PASSPHRASE)
    pdf = signer.sign(render_pdf(sample_document()), reason="bench", location="Bandar Lampung")
    storage_name = new_token() + ".pdf"
    write_document(data_dir, storage_name, pdf)
    code = new_verify_code()
    with Session(settings_engine) as session:
        version = session.exec(select(ServiceVersion)).first()
        assert version is not None and version.id is not None
        case, _ = store.file_case(
            session,
            service_version_id=version.id,
            service_id=version.service_id,
            agency_id=rb.AGENCY,
            answers=rb.ANSWERS,
            initial_state="diajukan",
            due_at=None,
        )
        session.add(
            IssuedDocument(
                submission_id=case.id,
                agency_id=rb.AGENCY,
                doc_type="surat_domisili",
                title="Surat Keterangan Domisili",
                number="470/0007/DUKCAPIL/XII/2026",
                year=2026,
                seq=7,
                holder_name="Budi Santoso",
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                storage_name=storage_name,
                verify_code=code,
            )
        )
        session.commit()
    settings_engine.dispose()
    return env, code


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK-JSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def wrk(url: str, connections: int, seconds: float, script: Path) -> dict[str, Any]:
    """One wrk run (one thread) against `url`; its summary with latencies in microseconds."""
    command = [
        "wrk",
        "--latency",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("WRK-JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("WRK-JSON "))
            return result
    raise RuntimeError(f"wrk gave no summary: {done.stdout[-500:]} {done.stderr[-500:]}")


def summarise(name: str, connections: int, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one target at one concurrency: totals, and the median round's percentiles."""
    requests = sum(part["requests"] for part in parts)
    seconds = sum(part["duration_us"] for part in parts) / 1e6
    cpu = sum(part["server_cpu_s"] for part in parts)

    def mid(key: str) -> float:
        return round(float(statistics.median(part[key] for part in parts)) / 1000, 2)

    return {
        "name": name,
        "connections": connections,
        "rounds": len(parts),
        "requests": requests,
        "failed": sum(part["errors"] + part["non_2xx"] for part in parts),
        "req_per_s": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": mid("p50_us"),
        "p95_ms": mid("p95_us"),
        "p99_ms": mid("p99_us"),
        "worst_round_p95_ms": round(max(part["p95_us"] for part in parts) / 1000, 2),
        "server_cpu_ms_per_request": round(cpu * 1000 / requests, 3) if requests else None,
    }


def measure(
    args: argparse.Namespace, servers: dict[str, rb.Server], code: str, work: Path
) -> list[dict[str, Any]]:
    """Warm-up, then rounds alternating the targets (and the concurrencies) with wrk."""
    script = work / "summary.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    path = f"/verifikasi/{code}"
    for server in servers.values():
        wrk(server.url + path, max(args.connections), args.warmup, script)
    parts: dict[tuple[str, int], list[dict[str, Any]]] = {}
    names = list(servers)
    for index in range(args.rounds):
        for connections in args.connections:
            for name in names if index % 2 == 0 else names[::-1]:
                server = servers[name]
                used = server.cpu_seconds()
                part = wrk(server.url + path, connections, args.seconds, script)
                part["server_cpu_s"] = server.cpu_seconds() - used
                parts.setdefault((name, connections), []).append(part)
    return [
        summarise(name, connections, parts[(name, connections)])
        for connections in args.connections
        for name in names
    ]


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the summaries."""
    lines = [
        "| target | conn. | requests | failed | req/s | p50 ms | p95 ms | p99 ms "
        "| worst round p95 ms | server CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['connections']} | {r['requests']} | {r['failed']} "
            f"| {r['req_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
            f"| {r['worst_round_p95_ms']} | {r['server_cpu_ms_per_request']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of one wrk run")
    parser.add_argument(
        "--connections",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 4],
        help="wrk connections, comma-separated (each gets its rounds)",
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up each")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--no-write", action="store_true", help="do not write the results")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.warmup, args.connections = 1, 1.0, 1.0, [2]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run bash bench/setup_tools.sh (as root)")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="loket-verify-bench-") as tmp:
        work = Path(tmp)
        data = work / "data"
        env, code = prepare(data, secrets.token_urlsafe(32))
        logs = work / "logs"
        logs.mkdir()
        servers = {
            "loket": rb.start_server(
                "loket", "runtime.asgi:app", {**env, "LOKET_VERIFY_RATE_LIMIT": "100000"}, logs
            ),
            "baseline": rb.start_server(
                "baseline",
                "bench.verify_baseline_app:app",
                {"BASELINE_DB": str(data / "loket.db")},
                logs,
            ),
        }
        with rb.running(list(servers.values())):
            for server in servers.values():
                rb.wait_ready(server, f"/verifikasi/{code}")
            rows = measure(args, servers, code, work)
    loket = [row for row in rows if row["name"] == "loket"]
    report: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "command": " ".join(["bench/verify_bench.py", *(argv or sys.argv[1:])]).strip(),
        "machine": rb.machine(),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "settings": vars(args),
        "results": rows,
        "verdict": {
            "loket_p95_ms": {row["connections"]: row["p95_ms"] for row in loket},
            "target_p95_ms": P95_TARGET_MS,
            "met": all(row["p95_ms"] < P95_TARGET_MS for row in loket),
        },
    }
    print(json.dumps({k: report[k] for k in ("date", "machine", "load_average")}, indent=1))
    print(table(rows))
    print(json.dumps(report["verdict"]))
    if not args.no_write:
        RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
