"""The application factory: `create_app(settings)` wires everything; nothing exists at import time."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from runtime import db, observability
from runtime.i18n import t
from runtime.rate_limit import Limited
from runtime.routes import (
    admin,
    admin_agencies,
    admin_messages,
    admin_webhooks,
    api,
    api_verify,
    applicant,
    applicant_actions,
    exits,
    form_pages,
    links,
    public,
    reports,
    studio_trial,
    submit,
    verify,
)
from runtime.routes import auth as auth_routes
from runtime.routes import office as office_routes
from runtime.routes import review as review_routes
from runtime.routes import studio as studio_routes
from runtime.security import BodyLimit, BodyTooLarge, SecurityHeaders
from runtime.settings import Settings
from runtime.staff import Forbidden, LoginRequired
from runtime.storage import open_store
from runtime.web import error_page, language, make_environment, render
from runtime.workdays import Calendar

log = logging.getLogger("loket")
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings, *, check_migrations: bool = True) -> FastAPI:
    """Build the web application for `settings` (the database must be migrated)."""
    engine = db.make_engine(settings)
    if check_migrations:
        db.check_migrated(engine)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(
        title="Loket",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.store = open_store(settings, engine)
    app.state.templates = make_environment()
    app.state.calendar = Calendar(settings.cuti_bersama)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(api_verify.router)
    # the OpenAPI document describes the JSON API only, not the HTML pages. A request is
    # matched against the routes in order: the form's pages come first (the page most often
    # opened, one per step of every application), then the verification pages (a QR code
    # scanned); neither's paths overlap another router's (tests/runtime/web/test_route_order.py)
    for pages in (
        form_pages,
        verify,
        public,
        exits,
        submit,
        auth_routes,
        applicant,
        applicant_actions,
        office_routes,
        review_routes,
        studio_routes,
        studio_trial,
        admin,
        admin_agencies,
        admin_messages,
        admin_webhooks,
        reports,
        links,
    ):
        app.include_router(pages.router, include_in_schema=False)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.body_limit_bytes)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        # outermost: the client address and scheme are the proxy's word only when the
        # connection comes from a proxy listed in LOKET_TRUSTED_PROXIES
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    observability.install(app, settings)  # outermost: request id, access log, metrics; /healthz
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_page(request, 404, "not_found", "not_found_text")
        if exc.status_code == 413:
            return error_page(request, 413, "bad_request", "too_large")
        if exc.status_code == 405:
            response = error_page(request, 405, "method_not_allowed", "method_not_allowed_text")
            response.headers["Allow"] = _allowed_methods(request)
            return response
        return error_page(request, exc.status_code, "bad_request", "bad_request")

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if all(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            # an id that cannot exist (out of range, not a number) names nothing: not found
            return error_page(request, 404, "not_found", "not_found_text")
        return error_page(request, 400, "bad_request", "bad_request")

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return error_page(request, 413, "bad_request", "too_large")

    @app.exception_handler(Limited)
    async def limited(request: Request, exc: Limited) -> Response:
        lang = language(request)
        message = t("verify_too_many_text", lang, seconds=exc.retry_after)
        response: Response
        if request.url.path.startswith("/api/"):
            body = {"error": "too_many_requests", "message": message, "errors": []}
            response = JSONResponse(body, status_code=429)
        else:
            heading = t("verify_too_many", lang)
            context = {"heading": heading, "message": message, "self_url": "/"}
            response = render(request, "error.html", context, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "login_required"}, status_code=401)
        return auth_routes.login_redirect(request.url.path)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return error_page(request, 403, "forbidden", "forbidden_text")

    @app.exception_handler(UnicodeDecodeError)
    async def bad_encoding(request: Request, exc: UnicodeDecodeError) -> Response:
        return error_page(request, 400, "bad_request", "bad_request")


def _allowed_methods(request: Request) -> str:
    """The `Allow` header of a 405: every method of every route whose path matches.

    Starlette's own lists only the first route that matches the path, which misses a form's
    POST route declared beside its GET route.
    """
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.path and route.methods and compile_path(route.path)[0].match(request.url.path):
            methods |= route.methods
    return ", ".join(sorted(methods))
