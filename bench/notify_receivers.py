"""Local receivers for the notification benchmark: a real SMTP server and an HTTP gateway.

`serve` runs in a process of its own (so that the load it measures does not share an
interpreter with it): an aiosmtpd server and a `ThreadingHTTPServer` that stands in for a
WhatsApp gateway, both on 127.0.0.1. Each records, for every message it receives, the
channel, the idempotency key the sender gave (`X-Loket-Idempotency-Key` in the mail,
`Idempotency-Key` on the HTTP request) and the wall-clock time it arrived (`time.time()`).
When told to stop it sends the records back through its pipe.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

Record = tuple[str, str, float]  # channel, idempotency key, arrival (Unix seconds)
KEY_HEADER = re.compile(rb"^X-Loket-Idempotency-Key:\s*(.+?)\r?$", re.MULTILINE | re.IGNORECASE)


class Mailbox:
    """Keeps the idempotency key and arrival time of every mail."""

    def __init__(self, records: list[Record], lock: threading.Lock) -> None:
        self.records = records
        self.lock = lock

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        arrived = time.time()
        found = KEY_HEADER.search(envelope.original_content or b"")
        key = found.group(1).decode("ascii", "replace").strip() if found else ""
        with self.lock:
            self.records.append(("email", key, arrived))
        return "250 Message accepted for delivery"


def _gateway_handler(records: list[Record], lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            arrived = time.time()
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                records.append(("whatsapp", self.headers.get("Idempotency-Key", ""), arrived))
            answer = b'{"status": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(pipe: Connection) -> None:
    """Start both receivers, send their ports, wait for "stop", send back the records."""
    records: list[Record] = []
    lock = threading.Lock()
    smtp_port = free_port()
    controller = Controller(Mailbox(records, lock), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    http = ThreadingHTTPServer(("127.0.0.1", 0), _gateway_handler(records, lock))
    http.daemon_threads = True
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    pipe.send({"smtp_port": smtp_port, "http_port": http.server_address[1]})
    try:
        while True:
            command: Any = pipe.recv()
            if command == "count":
                with lock:
                    pipe.send(len(records))
            elif command == "stop":
                break
    finally:
        http.shutdown()
        http.server_close()
        controller.stop()
    with lock:
        pipe.send(list(records))
