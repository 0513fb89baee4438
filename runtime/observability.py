"""Operating Loket: request ids, one access log line per request, Prometheus metrics, and the
health (/healthz), readiness (/readyz) and metrics (/metrics) endpoints (docs/operations.md).

`install(app, settings)` is the application factory's only hook. It adds `Observability`, a
pure ASGI middleware (no BaseHTTPMiddleware: no extra task or body copy per request) that

* takes a sane ``X-Request-ID`` from the request (8-64 letters, digits and ``._-``, not only
  digits, so a NIK is never taken as an id) or makes one, returns it in the response's
  ``X-Request-ID`` and keeps it in a context variable that every log line of the request
  carries;
* times the request and, when it ends, observes ``loket_http_request_duration_seconds`` and
  logs one ``loket.access`` line: method, route template (``/kantor/kasus/{case_id}``, never
  the path itself), status and duration. Nothing else about the request is logged: no query
  string, no address, no header, no form value.

The submissions and transitions counters are counted when their transaction commits (session
events on the Case and CaseEvent rows a flush wrote), whichever code path wrote them; the
outbox depth is read from the database at each scrape. Metrics live in this process (with
``PROMETHEUS_MULTIPROC_DIR`` set, prometheus_client's multi-process mode adds up the processes
of one `loket serve --workers N`).
"""

from __future__ import annotations

import contextvars
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.util import identity_key
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runtime.models import CaseEvent, OutboxMessage, Submission
from runtime.settings import Settings
from runtime.storage import FileStore
from runtime.store import FILED_CASES

ACCESS = logging.getLogger("loket.access")
REQUEST_ID_HEADER = b"x-request-id"
UNMATCHED = "<unmatched>"
_SANE_ID = re.compile(r"[A-Za-z0-9._\-]{8,64}")
_DIGITS = re.compile(r"\d+")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("loket_request_id", default="")
"""The id of the request being served ("" outside a request)."""

REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY = Histogram(
    "loket_http_request_duration_seconds",
    "Time from the request's start to the end of its response, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
RESPONSES = Counter(
    "loket_http_responses_total",
    "Responses by route template and status class (2xx, 3xx, 4xx, 5xx).",
    ["method", "route", "status"],
    registry=REGISTRY,
)
SUBMISSIONS = Counter(
    "loket_submissions_total",
    "Cases filed (committed), by agency.",
    ["agency"],
    registry=REGISTRY,
)
TRANSITIONS = Counter(
    "loket_transitions_total",
    "Workflow transitions of cases (committed state changes after filing), by agency.",
    ["agency"],
    registry=REGISTRY,
)


# -- request ids and logs ----------------------------------------------------------------------


def sane_request_id(raw: str | None) -> str | None:
    """A client's X-Request-ID when it is safe to log and return, else None."""
    if raw is None or not _SANE_ID.fullmatch(raw) or _DIGITS.fullmatch(raw):
        return None
    return raw


def new_request_id() -> str:
    """A fresh request id (32 hex digits)."""
    return secrets.token_hex(16)


class RequestIdFilter(logging.Filter):
    """Gives every record the current request id (``record.request_id``, "" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record."""
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the access
    line's fields (method, route, status, duration_ms) when the record has them."""

    FIELDS = ("method", "route", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        body: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id.get()
        if rid:
            body["request_id"] = rid
        for name in self.FIELDS:
            if hasattr(record, name):
                body[name] = getattr(record, name)
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False)


JsonFormatter.converter = time.gmtime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def log_config(settings: Settings) -> dict[str, Any]:
    """The logging configuration (logging.config.dictConfig) of `loket serve` and `loket
    worker`: LOKET_LOG_FORMAT json or text at LOKET_LOG_LEVEL, on standard error. Uvicorn's own
    access log (which would write paths with their query strings) is replaced by loket.access."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if settings.log_format == "json"
        else {"format": TEXT_FORMAT, "datefmt": "%Y-%m-%dT%H:%M:%S%z"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"loket": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "loket",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": settings.log_level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": settings.log_level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": settings.log_level},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


def route_template(scope: Scope) -> str:
    """The matched route's template (``/status/{reference}/{secret}``), the mount's path for
    static files, or ``<unmatched>``: never the requested path."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    mounted = scope.get("root_path")  # a Mount (/static) sets it beside its endpoint
    if scope.get("endpoint") is not None and isinstance(mounted, str) and mounted:
        return mounted
    return UNMATCHED


class Observability:
    """Pure ASGI middleware: request id, timing, access log line and request metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = None
        for name, value in scope.get("headers") or ():
            if name == REQUEST_ID_HEADER:
                given = sane_request_id(value.decode("latin-1"))
                break
        rid = given or new_request_id()
        token = request_id.set(rid)
        header = (REQUEST_ID_HEADER, rid.encode("ascii"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            method = scope.get("method", "")
            method = method if method in METHODS else "OTHER"
            route = route_template(scope)
            latency, responses = _series(method, route)
            latency.observe(seconds)
            responses[min(status // 100, 5)].inc()
            if ACCESS.isEnabledFor(logging.INFO):
                ms = round(seconds * 1000, 1)
                ACCESS.info(
                    "%s %s %s %.1fms",
                    method,
                    route,
                    status,
                    ms,
                    extra={"method": method, "route": route, "status": status, "duration_ms": ms},
                )
            request_id.reset(token)


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods kept as a label value; any other is counted as OTHER (labels stay few)."""

_Series = tuple[Any, dict[int, Any]]
_series_cache: dict[tuple[str, str], _Series] = {}


def _series(method: str, route: str) -> _Series:
    """The labelled histogram and response counters of a method and route template, looked up
    once (prometheus_client's `labels` takes a lock and builds a key on every call)."""
    found = _series_cache.get((method, route))
    if found is None:
        counters = {n: RESPONSES.labels(method, route, f"{n}xx") for n in range(1, 6)}
        counters[0] = counters[5]  # a status below 100 cannot be sent; count it as an error
        found = (LATENCY.labels(method, route), counters)
        _series_cache[(method, route)] = found
    return found


# -- counters that follow commits --------------------------------------------------------------

_PENDING = "loket_metrics_pending"


def _after_flush(session: OrmSession, flush_context: Any) -> None:
    found = session.info.setdefault(_PENDING, [])
    for row in session.new:
        if isinstance(row, Submission):
            found.append((SUBMISSIONS, row.agency_id))
        elif isinstance(row, CaseEvent) and row.to_state is not None and row.from_state:
            found.append((TRANSITIONS, _agency_of(session, row)))


def _agency_of(session: OrmSession, row: CaseEvent) -> str:
    case = session.identity_map.get(identity_key(Submission, row.submission_id))
    return case.agency_id if isinstance(case, Submission) else "unknown"


def _after_commit(session: OrmSession) -> None:
    for counter, agency in session.info.pop(_PENDING, ()):
        counter.labels(agency).inc()
    for agency in session.info.pop(FILED_CASES, ()):  # filed with Core inserts (store)
        _filed_counter(agency).inc()


_filed_counters: dict[str, Any] = {}


def _filed_counter(agency: str) -> Any:
    """The filed-cases counter of an agency, looked up once (see `_series`)."""
    found = _filed_counters.get(agency)
    if found is None:
        found = _filed_counters[agency] = SUBMISSIONS.labels(agency)
    return found


def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(FILED_CASES, None)


_hooked = False


def count_commits() -> None:
    """Count filed cases and transitions when their transaction commits (once per process)."""
    global _hooked
    if _hooked:
        return
    event.listen(OrmSession, "after_flush", _after_flush)
    event.listen(OrmSession, "after_commit", _after_commit)
    event.listen(OrmSession, "after_rollback", _after_rollback)
    _hooked = True


# -- what the endpoints compute ----------------------------------------------------------------


def readiness(engine: Engine, store: FileStore) -> str | None:
    """None when the database answers and the file store is usable; else a short reason."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "database unavailable"
    problem = store.check()
    return f"storage ({store.name}): {problem}" if problem else None


def metrics_allowed(settings: Settings, authorization: str | None, client: str | None) -> bool:
    """Whether a scrape may read /metrics: the bearer token of LOKET_METRICS_TOKEN, or a client
    address inside LOKET_METRICS_ALLOW (the address the proxy headers resolve to)."""
    token = settings.metrics_token
    if token and authorization:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return True
    if settings.metrics_allow and client:
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net) for net in settings.metrics_allow)
    return False


def metrics_enabled(settings: Settings) -> bool:
    """Whether /metrics is served at all (a token or allowed addresses are set)."""
    return bool(settings.metrics_token or settings.metrics_allow)


def exposition(engine: Engine) -> tuple[bytes, str]:
    """The metrics text and its media type: this process's (or, in multi-process mode, every
    process's) metrics, and the outbox depth read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    scrape = CollectorRegistry()
    depth = Gauge(
        "loket_outbox_pending",
        "Messages waiting in the outbox (status pending), read at this scrape.",
        registry=scrape,
    )
    try:
        with engine.connect() as connection:
            pending = connection.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")  # type: ignore[arg-type]
            ).scalar_one()
        depth.set(int(pending))
    except SQLAlchemyError:
        depth.set(float("nan"))
    return body + generate_latest(scrape), CONTENT_TYPE_LATEST


def install(app: Any, settings: Settings) -> None:
    """Add the middleware (outermost), the operations routes and the commit counters."""
    from runtime.routes import ops

    count_commits()
    app.include_router(ops.router, include_in_schema=False)
    app.add_middleware(Observability)
