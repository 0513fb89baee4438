"""Verification page benchmark: Loket's ``/verifikasi/{code}`` against a hand-written baseline.

Not a test. Run it from the project root::

    .venv/bin/python bench/verify_bench.py            # 3 rounds of 600 requests per target
    .venv/bin/python bench/verify_bench.py --quick    # a short smoke run

It migrates a SQLite database in a temporary data folder, publishes a small service, issues
one signed document (a real PDF signed with a development certificate, in the data folder) and
starts, each with one uvicorn worker on 127.0.0.1 (the servers of `runtime_bench.py`):

- **loket**: the real app, rate limit on (LOKET_VERIFY_RATE_LIMIT=100000: every request counts
  in the database, one upsert and commit, and none is refused);
- **loket-nolimit**: the same app with the limit off (LOKET_VERIFY_RATE_LIMIT=0), to show the
  limit's cost;
- **baseline** (`verify_baseline_app.py`): one FastAPI route doing the same indexed look-up with
  ``sqlite3`` and an f-string page.

Each target gets the page of the document's code, paced at a fixed rate over a few connections
(open loop, latency from the moment each request was due, so a queue cannot hide), in rounds
that alternate the order of the targets, after a warm-up; then one connection back to back
(closed loop). The load generator is the async httpx one of `runtime_bench.py` (wrk is not
installed here). It prints a table and, unless --no-write, writes
``bench/results/verify-latest.json``. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import secrets
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


async def measure(
    args: argparse.Namespace, servers: dict[str, rb.Server], code: str
) -> dict[str, rb.Load]:
    """Paced rounds alternating the targets, then one connection back to back."""
    path = f"/verifikasi/{code}"
    pools = {name: rb.shared_clients(srv.url, args.connections) for name, srv in servers.items()}

    async def send(client: Any) -> Any:
        return await client.get(path)

    results: dict[str, rb.Load | None] = {}
    try:
        for name, (client, workers) in pools.items():
            first = await client.get(path)
            if first.status_code != 200:
                raise RuntimeError(f"{name}: {first.status_code} {first.text[:300]}")
            await rb.closed_loop(f"{name}-warmup", workers, send, args.warmup, args.time_limit)
        names = list(servers)
        for index in range(args.rounds):
            for name in names if index % 2 == 0 else names[::-1]:
                used = servers[name].cpu_seconds()
                part = await rb.paced(
                    name,
                    pools[name][1],
                    send,
                    args.rate,
                    args.requests // args.rounds,
                    args.time_limit,
                )
                part.server_cpu_s = servers[name].cpu_seconds() - used
                results[name] = rb.merge(results.get(name), part)
                results[name].rate = args.rate  # type: ignore[union-attr]
        for name in names:
            used = servers[name].cpu_seconds()
            serial = await rb.closed_loop(
                f"{name}-serial", pools[name][1][:1], send, args.requests // 2, args.time_limit
            )
            serial.server_cpu_s = servers[name].cpu_seconds() - used
            results[f"{name}-serial"] = serial
    finally:
        for client, _ in pools.values():
            await client.aclose()
    return {name: load for name, load in results.items() if load is not None}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1800, help="paced requests per target")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--rate", type=float, default=50.0, help="paced requests per second")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per phase")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--no-write", action="store_true", help="do not write the results")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.rounds, args.warmup = 300, 2, 30
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
            "loket-nolimit": rb.start_server(
                "loket-nolimit", "runtime.asgi:app", {**env, "LOKET_VERIFY_RATE_LIMIT": "0"}, logs
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
            measured = asyncio.run(measure(args, servers, code))
    summaries = {name: load.summary() for name, load in measured.items()}
    report: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "command": " ".join(["bench/verify_bench.py", *(argv or sys.argv[1:])]).strip(),
        "machine": rb.machine(),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "settings": vars(args),
        "results": summaries,
        "verdict": {
            "loket_p95_ms": summaries["loket"]["p95_ms"],
            "target_p95_ms": P95_TARGET_MS,
            "met": summaries["loket"]["p95_ms"] < P95_TARGET_MS,
        },
    }
    print(json.dumps({k: report[k] for k in ("date", "machine", "load_average")}, indent=1))
    print(rb.table(list(summaries.values())))
    print(json.dumps(report["verdict"]))
    if not args.no_write:
        RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
