"""The access log: one JSON line per request with its request id, method, route template,
status and duration, and nothing personal: a citizen files a form with a NIK and every log
line of the journey is free of it (and of query strings and status secrets)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from runtime.observability import JsonFormatter, RequestIdFilter
from tests.runtime.web.conftest import Loket, file_a_case

DOMISILI = "disdukcapil/surat-keterangan-domisili"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every record at INFO and above, formatted as `loket serve` does with LOKET_LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    # the test's HTTP client logs its own URLs: it is the visitor, not the server
    handler.addFilter(lambda record: not record.name.startswith("httpx"))
    root = logging.getLogger()
    access = logging.getLogger("loket.access")
    saved = (root.level, access.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    access.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(saved[0])
    access.setLevel(saved[1])


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_filing_with_a_nik_logs_json_lines_without_it(
    loket: Loket, log_lines: io.StringIO
) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    nik = str(citizen.sent["nik"])
    assert len(nik) == 16 and nik.isdigit()
    status = citizen.client.get(link, headers={"X-Request-ID": "journey-0001"})
    assert status.headers["x-request-id"] == "journey-0001"
    citizen.client.get(f"/status?nik={nik}&ref=x")

    raw = log_lines.getvalue()
    assert nik not in raw
    secret = link.rsplit("/", 1)[1]
    assert secret not in raw and "?" not in raw and "nik=" not in raw
    access = [r for r in _records(log_lines) if r["logger"] == "loket.access"]
    assert len(access) >= 5
    for record in access:
        assert set(record) >= {"time", "level", "message", "request_id", "method", "route"}
        assert isinstance(record["status"], int) and record["duration_ms"] >= 0
        assert record["route"].startswith("/") or record["route"] == "<unmatched>"
    routes = {(r["method"], r["route"], r["status"]) for r in access}
    assert ("POST", "/layanan/{agency}/{slug}/kirim", 303) in routes
    assert ("GET", "/status/{reference}/{secret}", 200) in routes
    mine = [r for r in access if r["request_id"] == "journey-0001"]
    assert [r["route"] for r in mine] == ["/status/{reference}/{secret}"]
    assert len({r["request_id"] for r in access}) == len(access)  # one id per request
