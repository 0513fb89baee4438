"""The benchmarks' own helpers: the notification receivers and wrk's summary (no timings)."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import notify_receivers, verify_bench
from runtime.models import OutboxMessage
from runtime.notify.channels import sender_for
from runtime.settings import Settings


def test_the_receivers_record_each_message_with_its_idempotency_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=notify_receivers.serve, args=(theirs,), daemon=True)
    process.start()
    try:
        ports = ours.recv()
        settings = Settings.from_env(
            {
                "LOKET_DATA_DIR": str(tmp_path),
                "LOKET_SECRET_KEY": "k" * 40,
                "LOKET_SMTP_HOST": "127.0.0.1",
                "LOKET_SMTP_PORT": str(ports["smtp_port"]),
                "LOKET_SMTP_SECURITY": "none",
                "LOKET_SMTP_SENDER": "Layanan <layanan@example.go.id>",
                "LOKET_WHATSAPP_GATEWAY": "custom",
                "LOKET_WHATSAPP_URL": f"http://127.0.0.1:{ports['http_port']}/send",
                "LOKET_WHATSAPP_BODY_TEMPLATE": '{"to": "{number}", "text": "{text}"}',
            }
        )
        for channel, recipient in (("email", "siti@warga.example"), ("whatsapp", "0812345678")):
            sender = sender_for(channel, settings)
            assert sender is not None
            message = OutboxMessage(
                kind="case.received",
                channel=channel,
                recipient=recipient,
                subject="Permohonan diterima",
                body="Permohonan DOM-1 diterima ✓",
                idempotency_key=f"case:1:received:1:{channel}",
            )
            sender.send(message)
        ours.send("count")
        assert ours.recv() == 2
        ours.send("stop")
        records = ours.recv()
    finally:
        process.join(10)
        if process.is_alive():
            process.kill()
    assert sorted((channel, key) for channel, key, _at in records) == [
        ("email", "case:1:received:1:email"),
        ("whatsapp", "case:1:received:1:whatsapp"),
    ]


def test_summarise_adds_rounds_and_takes_the_median_round() -> None:
    part = {"requests": 100, "duration_us": 1_000_000, "errors": 0, "non_2xx": 0}
    parts = [
        part | {"p50_us": 1000, "p95_us": 5000, "p99_us": 9000, "server_cpu_s": 0.2},
        part | {"p50_us": 3000, "p95_us": 7000, "p99_us": 9000, "server_cpu_s": 0.2},
        part | {"p50_us": 2000, "p95_us": 6000, "p99_us": 9000, "server_cpu_s": 0.2, "errors": 1},
    ]
    row = verify_bench.summarise("loket", 4, parts)
    assert (row["requests"], row["failed"], row["req_per_s"]) == (300, 1, 100.0)
    assert (row["p50_ms"], row["p95_ms"], row["worst_round_p95_ms"]) == (2.0, 6.0, 7.0)
    assert row["server_cpu_ms_per_request"] == 2.0


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_wrk_script_gives_a_summary(tmp_path: Path) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/ok" else 404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    script = tmp_path / "summary.lua"
    script.write_text(verify_bench.WRK_SCRIPT, encoding="utf-8")
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        ok = verify_bench.wrk(base + "/ok", 1, 1, script)
        missing = verify_bench.wrk(base + "/missing", 1, 1, script)
    finally:
        server.shutdown()
        server.server_close()
    assert ok["requests"] > 0 and ok["non_2xx"] == 0 and ok["p50_us"] > 0
    assert missing["non_2xx"] == missing["requests"] > 0


def test_the_city_benchmark_reads_latencies_per_kind_of_page(tmp_path: Path) -> None:
    from bench import city_bench

    log = tmp_path / "access.log"
    log.write_text(
        "GET /kantor 200 0.040\n"
        "GET /kantor 200 0.060\n"
        "GET /kantor?terlambat=1 200 0.010\n"
        "GET /kantor?nomor=LKT-ABCDE-FGHJK 200 0.020\n"
        "GET /kantor/laporan/opd-01 200 0.100, 0.200\n"  # a second upstream was tried
        "POST /api/v1/services/opd-01/layanan-01/submissions 201 0.030\n"
        "POST /api/v1/services/opd-01/layanan-01/submissions 499 -\n"
        "GET /masuk 200 0.005\n"
    )
    found = city_bench.read_log(log)
    assert set(found) == {"inbox", "inbox, overdue", "search", "report", "submit (API)"}
    assert found["inbox"]["count"] == 2 and found["inbox"]["median_ms"] == 50.0
    assert found["report"]["p95_ms"] == 300.0
    assert found["submit (API)"]["statuses"] == {"201": 1, "499": 1}
    assert found["submit (API)"]["count"] == 1  # no time for the request cut off
