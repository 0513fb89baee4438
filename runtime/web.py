"""Rendering pages: the Jinja environment, the visitor's language and CSRF cookie, error pages,
and posted forms checked against that cookie."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from builder.texts import localise
from runtime import assets, navigation
from runtime.field_render import FieldRenderer
from runtime.i18n import kind_word, request_language, t
from runtime.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    HOST_PREFIX,
    SESSION_COOKIE,
    csrf_token,
    csrf_valid,
    new_csrf_cookie,
)
from runtime.uploads import CappedMultiPartParser

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "loket_lang"


def make_environment() -> Environment:
    """The template environment: autoescaping everywhere, definition texts only as data."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the code; no stat() per render
    )
    env.filters["loc"] = _localise_filter
    return env


@pass_context
def _localise_filter(context: Context, text: Any) -> str:
    """`{{ text|loc }}`: a definition text in the page's language."""
    return localise(text, context.get("lang", "id"))


def language(request: Request) -> str:
    """The visitor's language for this request."""
    return request_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def secure_cookies(request: Request) -> bool:
    """Whether cookies get the Secure flag (the site is served over https)."""
    base_url = request.app.state.settings.base_url
    return bool(base_url and base_url.startswith("https"))


def host_cookie(request: Request, name: str) -> str:
    """The name of a site-wide cookie: with the ``__Host-`` prefix when the site is on https."""
    return f"{HOST_PREFIX}{name}" if secure_cookies(request) else name


def session_token(request: Request) -> str | None:
    """The login session cookie of the request, if any."""
    return request.cookies.get(host_cookie(request, SESSION_COOKIE))


def set_site_cookie(
    response: Response, request: Request, name: str, value: str, max_age: int | None = None
) -> None:
    """Set a site-wide HttpOnly cookie (``__Host-`` prefixed and Secure on https)."""
    response.set_cookie(
        host_cookie(request, name),
        value,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
        max_age=max_age,
    )


def renew_csrf_cookie(response: Response, request: Request) -> None:
    """Give the visitor a new CSRF cookie (at login and logout): older form tokens stop working."""
    set_site_cookie(response, request, CSRF_COOKIE, new_csrf_cookie())


def csrf_cookie_value(request: Request) -> tuple[str, bool]:
    """The visitor's CSRF cookie value and whether it is new."""
    existing = request.cookies.get(host_cookie(request, CSRF_COOKIE))
    if existing and 16 <= len(existing) <= 64:
        return existing, False
    cached = getattr(request.state, "new_csrf", None)
    if cached:
        return str(cached), True
    value = new_csrf_cookie()
    request.state.new_csrf = value
    return value, True


MAX_FILES = 50
MAX_FIELDS = 2000
FILE_CAPS = "file_caps"  # request.state: input name -> bytes a file field may hold
# request.state: (cap of other file fields, limit of all text parts) for a page that reads a
# whole oversized upload to show the form again (form_pages), else absent
FORM_LIMITS = "form_limits"


async def _read_form(request: Request) -> FormData:
    """The posted form; file fields named in `request.state.file_caps` are capped as they arrive."""
    caps = getattr(request.state, FILE_CAPS, None) or {}
    media, _ = parse_options_header(request.headers.get("content-type", ""))
    if media != b"multipart/form-data":
        return await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    try:
        async with aclosing(request.stream()) as stream:
            other_files, text_limit = getattr(request.state, FORM_LIMITS, (None, None))
            parser = CappedMultiPartParser(
                request.headers,
                stream,
                caps=caps,
                other_files=other_files,
                text_limit=text_limit,
                max_files=MAX_FILES,
                max_fields=MAX_FIELDS,
            )
            form = await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(status_code=400, detail=exc.message) from exc
    request._form = form  # what request.form() returns from now on
    return form


async def posted_form(request: Request) -> AsyncIterator[FormData | Response]:
    """The posted form after a CSRF check, or an error response; uploads are closed afterwards."""
    try:
        form = await _read_form(request)
    except UnicodeDecodeError:
        yield error_page(request, 400, "bad_request", "bad_request")
        return
    try:
        token = form.get(CSRF_FIELD)
        if not csrf_valid(
            request.app.state.settings.secret_key,
            request.cookies.get(host_cookie(request, CSRF_COOKIE)),
            token if isinstance(token, str) else None,
            session_token(request) or "",
        ):
            yield error_page(request, 403, "bad_request", "csrf_failed")
        else:
            yield form
    finally:
        await form.close()


PostedForm = Annotated[FormData | Response, Depends(posted_form)]


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request (it then gets a partial)."""
    return request.headers.get("hx-request") == "true"


def switch_language_url(request: Request, target: str, self_url: str | None = None) -> str:
    """The address of this page in another language (a GET address, even after a POST)."""
    if request.method == "GET" and self_url is None:
        path = request.url.path
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    else:
        path, _, query = (self_url or "/").partition("?")
        params = [(k, v) for k, v in parse_qsl(query) if k != "lang"]
    return f"{path}?{urlencode([*params, ('lang', target)])}"


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page (or partial) with the common context, setting the language and CSRF cookies."""
    values, cookie, is_new = page_values(request, context)
    html = request.app.state.templates.get_template(template).render(values)
    return page_response(request, html, status_code, cookie, is_new)


def page_values(request: Request, context: dict[str, Any]) -> tuple[dict[str, Any], str, bool]:
    """What every template gets besides `context` (language, CSRF token, interface words, the
    field renderer, the language link), with the visitor's CSRF cookie value and whether that
    cookie is new."""
    lang = language(request)
    settings = request.app.state.settings
    cookie, is_new = csrf_cookie_value(request)
    env: Environment = request.app.state.templates

    def translate(key: str, **params: object) -> str:
        return t(key, lang, **params)

    user = getattr(request.state, "user", None)  # set by the staff pages' dependency
    staff_areas = navigation.areas(user) if user is not None else []
    values = {
        "user": user,
        "staff_areas": staff_areas,
        # (a citizen's page has no staff areas: its address is not worked out for them)
        "staff_current": navigation.current_area(staff_areas, request.url.path)
        if staff_areas
        else None,
        "lang": lang,
        "t": translate,
        "csrf_token": csrf_token(settings.secret_key, cookie, session_token(request) or ""),
        "static_url": "/static/loket.css",
        "htmx_url": assets.HTMX_URL,
        "htmx_sri": assets.HTMX_SRI,
        "htmx_config": assets.HTMX_CONFIG_JSON,
        "use_htmx": True,
        "errors": [],
        **context,
    }
    definition = context.get("d")

    def kind_text(key: str) -> str:
        return kind_word(definition if isinstance(definition, dict) else None, key, lang)

    values["kw"] = kind_text  # words that follow the service's kind ("Kirim aduan")
    values["ui"] = FieldRenderer(env, values)
    values["switch_url"] = switch_language_url(
        request, "id" if lang == "en" else "en", context.get("self_url")
    )
    return values, cookie, is_new


def page_response(
    request: Request, html: str, status_code: int, cookie: str, is_new: bool
) -> HTMLResponse:
    """A rendered page as the response, with the CSRF cookie (when new) and the language cookie
    (when the address chose a language)."""
    response = HTMLResponse(html, status_code=status_code)
    if is_new:
        set_site_cookie(response, request, CSRF_COOKIE, cookie)
    chosen = request.query_params.get("lang")
    if chosen in {"id", "en"}:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            samesite="lax",
            secure=secure_cookies(request),
            max_age=365 * 86400,
            path="/",
        )
    return response


def error_page(request: Request, status_code: int, heading_key: str, message_key: str) -> Response:
    """An error as an HTML page, or as JSON for API paths."""
    lang = language(request)
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": heading_key, "message": t(message_key, lang)}, status_code=status_code
        )
    return render(
        request,
        "error.html",
        # the language link leads to the catalogue: an error page never echoes the address
        {"heading": t(heading_key, lang), "message": t(message_key, lang), "self_url": "/"},
        status_code,
    )
