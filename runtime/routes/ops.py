"""Operations endpoints: /healthz (the process answers), /readyz (database and file store
usable) and /metrics (Prometheus, for an allowed scraper only). See docs/operations.md."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from runtime import observability

router = APIRouter()
_NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
async def healthz() -> Response:
    """200 "ok" while the process serves requests; touches no database (a liveness probe)."""
    return PlainTextResponse("ok", headers=_NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """200 "ready" when SELECT 1 answers and the file store is usable; else 503 and why."""
    state = request.app.state
    problem = observability.readiness(state.engine, state.store)
    if problem:
        return PlainTextResponse(problem, status_code=503, headers=_NO_STORE)
    return PlainTextResponse("ready", headers=_NO_STORE)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus metrics: 404 unless LOKET_METRICS_TOKEN or LOKET_METRICS_ALLOW is set; 401
    without the right bearer token from an address not allowed."""
    settings = request.app.state.settings
    if not observability.metrics_enabled(settings):
        return PlainTextResponse("not found", status_code=404)
    client = request.client.host if request.client else None
    if not observability.metrics_allowed(settings, request.headers.get("authorization"), client):
        return PlainTextResponse(
            "unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    body, media_type = observability.exposition(request.app.state.engine)
    return Response(body, media_type=media_type, headers=_NO_STORE)
