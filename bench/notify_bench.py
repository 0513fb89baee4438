"""Notification benchmark: a burst of case changes delivered by one worker, and the outbox's cost.

Not a test. Run it from the project root::

    .venv/bin/python bench/notify_bench.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/notify_bench.py --only sqlite   # SQLite only
    .venv/bin/python bench/notify_bench.py --quick         # a short smoke run

For each database (SQLite in a temporary data folder; PostgreSQL in a database
``loket_bench_notify`` created next to the one of --pg-url and dropped afterwards) it migrates
and publishes the Surat Keterangan Domisili example twice: as it is (notifications by e-mail
and WhatsApp, the applicant agrees) and, under another id, without its ``notifications``.

1. **Burst.** A real SMTP server (aiosmtpd) and a stand-in WhatsApp gateway (HTTP) listen on
   127.0.0.1 in a process of their own (`notify_receivers.py`), and one ``loket worker``
   process (the command itself, ``python -m runtime.cli worker``) is started against the
   database with e-mail and a custom WhatsApp gateway configured. Then ``--changes`` case
   changes are made as fast as one writer can: the first half files cases (``store.file_case``
   and ``case_messages.case_filed`` then commit, as the JSON API does), the second half sends
   each of those cases back to the applicant (``cases.apply_transition("minta_perbaikan")``
   with the site's links, as the case page does). Every change queues one e-mail and one
   WhatsApp message. When the receivers hold them all (or --timeout), the worker is stopped.
   Checked: every outbox row sent, every idempotency key received exactly once, nothing else.
   Reported: delivery throughput, and the delay from each row's ``created_at`` (stamped in
   the transaction that commits it) to its arrival at the receiver.
2. **Cost on the submit path.** With no worker running, cases are filed on both services in
   alternating rounds (``--rounds`` × ``--per-round`` each; the order of the two flips every
   round), each timed alone from filing to commit. The difference of the medians is what
   recording the two outbox rows (and rendering their texts) adds to one request.

Prints the figures with the machine and load, and unless --no-write writes
``bench/results/notify-latest.json``. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from bench import notify_receivers  # noqa: E402
from bench.runtime_bench import machine  # noqa: E402
from builder.bundle import normalise  # noqa: E402
from builder.canonical import digest  # noqa: E402
from runtime import db, store  # noqa: E402
from runtime.auth import create_user, grant  # noqa: E402
from runtime.casework import cases  # noqa: E402
from runtime.casework.workflow import Actor  # noqa: E402
from runtime.models import OutboxMessage, ServiceVersion  # noqa: E402
from runtime.notify import case_messages  # noqa: E402
from runtime.workdays import Calendar  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "notify-latest.json"
EXAMPLE = ROOT / "schemas" / "examples" / "surat-keterangan-domisili.json"
PG_DATABASE = "loket_bench_notify"
SECRET_KEY = "bench-notify-secret-key-0123456789-abcdefgh"
BASE_URL = "https://layanan.example.go.id"
AGENCY = "disdukcapil"
ANSWERS: dict[str, Any] = {
    "nik": "1871015708900001",
    "nama": "Renée Ōkawa Siregar",
    "tempat_lahir": "Bandar Lampung",
    "tanggal_lahir": "1990-08-17",
    "jenis_kelamin": "perempuan",
    "status_perkawinan": "kawin",
    "pekerjaan": "Karyawan swasta",
    "telepon": "+6281234567890",
    "email": "renee@warga.example",
    "kabari_saya": True,
    "alamat_ktp": "Jl. Wolter Monginsidi No. 12, Pengajaran, Teluk Betung Utara",
    "alamat_domisili": "Jalan Kartini nomor 5, Enggal",
    "kecamatan": "enggal",
    "kelurahan": "Enggal",
    "rt": "005",
    "tinggal_sejak": "2020-01-15",
    "jumlah_pengikut": 3,
    "keperluan": "sekolah",
}


# -- databases and services ----------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, pg_url: str) -> Iterator[str]:
    """The URL of a new, migrated benchmark database, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="loket-notify-bench-") as folder:
            url = f"sqlite:///{folder}/loket.db"
            db.migrate(url)
            yield url
        return
    admin = db.make_engine(pg_url, isolation_level="AUTOCOMMIT")
    drop = f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(drop)
            connection.exec_driver_sql(f'CREATE DATABASE "{PG_DATABASE}"')
        url = db.database_url(pg_url).set(database=PG_DATABASE).render_as_string(False)
        db.migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(drop)
        admin.dispose()


@contextlib.contextmanager
def receivers() -> Iterator[tuple[Any, dict[str, int]]]:
    """The SMTP server and HTTP gateway in their own process; (pipe, ports)."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=notify_receivers.serve, args=(theirs,), daemon=True)
    process.start()
    try:
        yield ours, ours.recv()
    finally:
        if process.is_alive():
            with contextlib.suppress(BrokenPipeError, OSError):
                ours.send("stop")
            process.join(10)
        if process.is_alive():
            process.kill()


def publish(engine: Any) -> tuple[dict[str, Any], dict[str, Any], int]:
    """Publish the example with and without notifications; (with, without, officer id)."""
    loud = normalise(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    quiet = copy.deepcopy(loud)
    quiet["id"] = loud["id"] + "-tanpa-pesan"
    del quiet["notifications"]
    with Session(engine, expire_on_commit=False) as session:
        for definition in (loud, quiet):
            stored = copy.deepcopy(definition)
            version = store.publish_version(session, definition=stored, sha256=digest(stored))
            definition["_version"] = (version.id, version.service_id)
        officer = create_user(
            session,
            username="petugas.bench",
            display_name="Petugas Bench",
            password="Bench-Petugas-Rahasia-2026",
        )
        grant(session, user=officer, agency_id=AGENCY, role="petugas")
        session.commit()
        assert officer.id is not None
        return loud, quiet, officer.id


def file_one(session: Session, definition: dict[str, Any], links: case_messages.Links) -> str:
    """File one case and queue its messages, then commit (the JSON API's path); the case id."""
    version_id, service_id = definition["_version"]
    with db.serialised_writes(session):
        case, secret = store.file_case(
            session,
            service_version_id=version_id,
            service_id=service_id,
            agency_id=AGENCY,
            answers=ANSWERS,
            initial_state=definition["workflow"]["initial"],
            due_at=None,
            check_reference=False,
            secret_key=SECRET_KEY,
        )
        case_messages.case_filed(session, links, case, definition, secret)
        session.commit()
    return case.id


# -- the burst -----------------------------------------------------------------------------------


def worker_env(url: str, data_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    """What `loket worker` needs: the database, e-mail to the local SMTP server, the gateway."""
    template = {"to": "{number}", "text": "{text}"}
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "LOKET_DATA_DIR": str(data_dir),
        "LOKET_SECRET_KEY": SECRET_KEY,
        "LOKET_DATABASE_URL": url,
        "LOKET_LOG_LEVEL": "INFO",
        "LOKET_NOTIFY_POLL_SECONDS": "1",
        "LOKET_SMTP_HOST": "127.0.0.1",
        "LOKET_SMTP_PORT": str(ports["smtp_port"]),
        "LOKET_SMTP_SECURITY": "none",
        "LOKET_SMTP_SENDER": "Layanan DPMPTSP <layanan@example.go.id>",
        "LOKET_WHATSAPP_GATEWAY": "custom",
        "LOKET_WHATSAPP_URL": f"http://127.0.0.1:{ports['http_port']}/send",
        "LOKET_WHATSAPP_BODY_TEMPLATE": json.dumps(template),
        "LOKET_WHATSAPP_NUMBER_FORMAT": "e164",
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`loket worker` in a process of its own; returns once it logged that it started."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "runtime.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker stopped: {log.read_text()[-2000:]}")
        if b" started" in log.read_bytes():
            return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the worker did not start within 30 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def as_unix(moment: dt.datetime) -> float:
    """A stored timestamp (naive ones are UTC) as Unix seconds."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def burst(
    url: str, data_dir: Path, args: argparse.Namespace, pipe: Any, ports: dict[str, int]
) -> dict[str, Any]:
    """Make the changes with one worker delivering meanwhile; check and time the deliveries."""
    engine = db.make_engine(url)
    loud, _quiet, officer_id = publish(engine)
    links = case_messages.Links(BASE_URL, SECRET_KEY)
    calendar = Calendar()
    actor = Actor.user(officer_id, ["petugas"])
    filings = args.changes - args.changes // 2
    transitions = args.changes // 2
    worker = start_worker(worker_env(url, data_dir, ports), data_dir / "worker.log")
    worker_start_cpu = cpu_seconds(worker.pid)  # imports and start-up, not delivery
    try:
        started = time.time()
        ids: list[str] = []
        with Session(engine, expire_on_commit=False) as session:
            for _ in range(filings):
                ids.append(file_one(session, loud, links))
            for case_id in ids[:transitions]:
                cases.apply_transition(
                    session,
                    case_id=case_id,
                    actor=actor,
                    action="minta_perbaikan",
                    comment="Foto KTP kurang jelas, mohon unggah ulang.",
                    expected_row_version=1,
                    calendar=calendar,
                    links=links,
                )
        produced = time.time()
        with Session(engine) as session:
            expected = session.exec(select(func.count()).select_from(OutboxMessage)).one()
        deadline = time.monotonic() + args.timeout
        received = 0
        while time.monotonic() < deadline:
            pipe.send("count")
            received = pipe.recv()
            if received >= expected:
                break
            time.sleep(0.05)
        time.sleep(0.5)  # anything sent twice would arrive now
        worker_cpu = cpu_seconds(worker.pid) - worker_start_cpu
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
    pipe.send("stop")
    records: list[notify_receivers.Record] = pipe.recv()
    with Session(engine) as session:
        rows = session.exec(
            select(
                OutboxMessage.idempotency_key, OutboxMessage.created_at, OutboxMessage.status
            ).order_by(col(OutboxMessage.id))
        ).all()
    engine.dispose()
    created = {key: as_unix(at) for key, at, _status in rows}
    statuses = Counter(status for _key, _at, status in rows)
    arrivals = Counter(key for _channel, key, _at in records)
    first_arrival: dict[str, float] = {}
    for _channel, key, at in sorted(records, key=lambda record: record[2]):
        first_arrival.setdefault(key, at)
    delays = [first_arrival[key] - created[key] for key in created if key in first_arrival]
    last = max((at for _c, _k, at in records), default=produced)
    first = min((at for _c, _k, at in records), default=produced)
    delivered = len(first_arrival.keys() & created.keys())
    return {
        "changes": {"filed": filings, "sent_back": transitions},
        "messages": len(rows),
        "by_channel": dict(Counter(channel for channel, _k, _at in records)),
        "outbox_status": dict(statuses),
        "received": len(records),
        "delivered_once": sum(1 for key in created if arrivals[key] == 1),
        "missing": len(created) - delivered,
        "duplicates": sum(count - 1 for count in arrivals.values() if count > 1),
        "unknown_keys": len(arrivals.keys() - created.keys()),
        "burst_seconds": round(produced - started, 2),
        "changes_per_s": round(args.changes / (produced - started), 1),
        "delivery_seconds": round(last - started, 2),
        "throughput_msg_per_s": round(len(records) / (last - started), 1) if records else 0.0,
        "drain_msg_per_s": round(len(records) / (last - first), 1) if len(records) > 1 else 0.0,
        "worker_cpu_ms_per_message": round(worker_cpu * 1000 / len(rows), 2) if rows else None,
        "delay_ms": {
            "p50": round(statistics.median(delays) * 1000, 1) if delays else None,
            "p95": round(percentile(delays, 0.95) * 1000, 1) if delays else None,
            "max": round(max(delays) * 1000, 1) if delays else None,
            "min": round(min(delays) * 1000, 1) if delays else None,
        },
    }


# -- the cost on the submit path -----------------------------------------------------------------


def submit_cost(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Alternating rounds of filings with and without notifications, each timed alone."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        versions = session.exec(select(ServiceVersion)).all()
    definitions = {}
    for version in versions:
        definition = dict(version.definition)
        definition["_version"] = (version.id, version.service_id)
        definitions["with" if "notifications" in definition else "without"] = definition
    links = case_messages.Links(BASE_URL, SECRET_KEY)
    timings: dict[str, list[float]] = {"with": [], "without": []}
    cpu: dict[str, list[float]] = {"with": [], "without": []}
    rounds: list[float] = []
    with Session(engine, expire_on_commit=False) as session:
        for name in ("with", "without"):  # warm-up
            for _ in range(args.per_round):
                file_one(session, definitions[name], links)
        for index in range(args.rounds):
            medians = {}
            for name in ("with", "without") if index % 2 == 0 else ("without", "with"):
                part = []
                for _ in range(args.per_round):
                    start, start_cpu = time.perf_counter(), time.thread_time()
                    file_one(session, definitions[name], links)
                    part.append(time.perf_counter() - start)
                    cpu[name].append(time.thread_time() - start_cpu)
                timings[name].extend(part)
                medians[name] = statistics.median(part)
            rounds.append(medians["with"] - medians["without"])
    with Session(engine) as session:
        queued = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    engine.dispose()

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "requests": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 3),
            "p95_ms": round(percentile(values, 0.95) * 1000, 3),
            "mean_ms": round(statistics.fmean(values) * 1000, 3),
        }

    with_, without = summary(timings["with"]), summary(timings["without"])
    with_cpu, without_cpu = summary(cpu["with"]), summary(cpu["without"])
    return {
        "client_cpu_with": with_cpu,
        "client_cpu_without": without_cpu,
        "extra_client_cpu_ms_mean": round(with_cpu["mean_ms"] - without_cpu["mean_ms"], 3),
        "with_notifications": with_,
        "without_notifications": without,
        "extra_ms_p50": round(with_["p50_ms"] - without["p50_ms"], 3),
        "extra_ms_mean": round(with_["mean_ms"] - without["mean_ms"], 3),
        "extra_ms_per_round_median": round(statistics.median(rounds) * 1000, 3),
        "extra_ms_per_round_range": [
            round(min(rounds) * 1000, 3),
            round(max(rounds) * 1000, 3),
        ],
        "outbox_rows_after": queued,
    }


# -- the run -------------------------------------------------------------------------------------


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with (
        database(kind, args.pg_url) as url,
        tempfile.TemporaryDirectory(prefix="loket-notify-data-") as folder,
        receivers() as (pipe, ports),
    ):
        result = {}
        if not args.cost_only:
            result["burst"] = burst(url, Path(folder), args, pipe, ports)
        else:
            engine = db.make_engine(url)
            publish(engine)
            engine.dispose()
        result["submit_cost"] = submit_cost(url, args)
        return result


def delivered_once(result: dict[str, Any]) -> bool:
    """Whether the burst (if it ran) delivered every message exactly once."""
    burst = result.get("burst")
    return burst is None or (
        not burst["missing"]
        and not burst["duplicates"]
        and not burst["unknown_keys"]
        and burst["outbox_status"] == {"sent": burst["messages"]}
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=1000, help="case changes in the burst")
    parser.add_argument("--rounds", type=int, default=20, help="alternating cost rounds")
    parser.add_argument("--per-round", type=int, default=50, help="filings per service a round")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for all")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--cost-only", action="store_true", help="only the submit-path cost")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--no-write", action="store_true", help="do not write the results")
    args = parser.parse_args(argv)
    if args.quick:
        args.changes, args.rounds, args.per_round, args.timeout = 20, 2, 5, 60.0
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    load_before = os.getloadavg()
    results = {kind: run(kind, args) for kind in kinds}
    report = {
        "date": dt.date.today().isoformat(),
        "command": " ".join(["bench/notify_bench.py", *(argv or sys.argv[1:])]).strip(),
        "machine": machine(),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "settings": {k: v for k, v in vars(args).items() if k != "pg_url"},
        "results": results,
    }
    print(json.dumps(report, indent=1))
    failed = [kind for kind, result in results.items() if not delivered_once(result)]
    if failed:
        print(f"NOT ALL DELIVERED EXACTLY ONCE: {', '.join(failed)}", file=sys.stderr)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
