"""Public verification pages of issued documents: ``/verifikasi`` and ``/verifikasi/{code}``.

Anyone with a document's code (printed under its QR code) sees its status and public details
(`runtime.documents.verify`) and may upload a PDF to learn whether it is exactly the issued
file. Every look-up, the page, its JSON (`runtime.routes.api_verify`) and the file check, counts
towards one limit per client address and minute (`runtime.rate_limit`, counted in each app
process, LOKET_VERIFY_RATE_LIMIT);
over it the answer is 429 with Retry-After. A wrong code, whatever it looks like, gets the same
404 page, which never repeats the code.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from runtime import auth, rate_limit
from runtime.deps import SessionDep
from runtime.documents import verify
from runtime.i18n import t
from runtime.models import utcnow
from runtime.routes.citizen import format_date
from runtime.web import FILE_CAPS, PostedForm, language, render
from runtime.workdays import WIB

router = APIRouter()

SCOPE = "verify"
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
FILE_FIELD = "berkas"
MAX_TYPED_CODE = 200


_limiter_lock = threading.Lock()


def limiter(request: Request) -> rate_limit.RateLimiter:
    """The application's counter of verification look-ups (one per app, made on first use)."""
    state = request.app.state
    found: rate_limit.RateLimiter | None = getattr(state, "verify_limiter", None)
    if found is None:
        with _limiter_lock:
            found = getattr(state, "verify_limiter", None)
            if found is None:
                found = rate_limit.RateLimiter()
                state.verify_limiter = found
    return found


async def limit_lookups(request: Request) -> None:
    """Count this look-up against the client address's limit (raises rate_limit.Limited)."""
    limiter(request).count(
        scope=SCOPE,
        address=auth.client_address(request),
        limit=request.app.state.settings.verify_rate_limit,
        now=utcnow(),
    )


def _cap_upload(request: Request) -> None:
    """The uploaded file is cut off one byte past the limit while it streams in."""
    setattr(request.state, FILE_CAPS, {FILE_FIELD: MAX_UPLOAD_BYTES})


def issue_date(moment: dt.datetime) -> dt.date:
    """The calendar day (in WIB) of a moment, as documents print it."""
    return moment.astimezone(WIB).date()


def not_found_page(request: Request) -> Response:
    """The one answer to every code that names no document (the code is not repeated)."""
    lang = language(request)
    return render(
        request,
        "verify_lookup.html",
        {"heading": t("verify_not_found", lang), "not_found": True, "self_url": verify.PATH},
        404,
    )


@router.get(verify.PATH)
def lookup_page(request: Request, kode: str = "") -> Response:
    """A form to type a code; with ``?kode=`` it leads to that code's page."""
    typed = kode.strip()[:MAX_TYPED_CODE]
    if typed:
        return RedirectResponse(verify.verification_path(quote(typed, safe="")), status_code=303)
    return render(request, "verify_lookup.html", {"heading": t("verify_title", language(request))})


def _size_text(size: int, lang: str) -> str:
    kib = size / 1024
    text = f"{kib:,.1f}" if kib < 1024 else f"{kib / 1024:,.2f}"
    if lang == "id":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} {'KB' if kib < 1024 else 'MB'}"


def _page(
    request: Request,
    seen: verify.Verification,
    *,
    result: dict[str, bool] | None = None,
    file_error: str = "",
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    lang = language(request)
    path = verify.verification_path(seen.code)
    base = settings.base_url or str(request.base_url).rstrip("/")
    context: dict[str, Any] = {
        "v": seen,
        "issued_on": format_date(issue_date(seen.issued_at), lang),
        "revoked_on": format_date(issue_date(seen.revoked_at), lang) if seen.revoked_at else "",
        "successor_url": (
            verify.verification_path(seen.successor_code) if seen.successor_code else ""
        ),
        "size_text": _size_text(seen.size, lang),
        "page_path": path,
        "page_url": verify.verification_url(base, seen.code),
        "self_url": path,
        "max_mb": MAX_UPLOAD_MB,
        "result": result,
        "file_error": file_error,
    }
    return render(request, "verify.html", context, status_code)


@router.get(f"{verify.PATH}/{{code:path}}", dependencies=[Depends(limit_lookups)])
def verification_page(request: Request, session: SessionDep, code: str) -> Response:
    """The status and public details of the document with this code."""
    found = verify.lookup(session, request.app.state.settings, code, request.app.state.store)
    if found is None:
        return not_found_page(request)
    return _page(request, found[1])


@router.post(
    f"{verify.PATH}/{{code:path}}", dependencies=[Depends(limit_lookups), Depends(_cap_upload)]
)
def compare_upload(request: Request, session: SessionDep, code: str, form: PostedForm) -> Response:
    """Whether an uploaded PDF is exactly the issued file (the file is read, never kept)."""
    if isinstance(form, Response):
        return form
    found = verify.lookup(session, request.app.state.settings, code, request.app.state.store)
    if found is None:
        return not_found_page(request)
    doc, seen = found
    lang = language(request)
    upload = form.get(FILE_FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, seen, file_error=t("verify_file_missing", lang), status_code=422)
    content = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        message = t("verify_file_too_big", lang, mb=MAX_UPLOAD_MB)
        return _page(request, seen, file_error=message, status_code=413)
    if not content:
        return _page(request, seen, file_error=t("file_empty", lang), status_code=422)
    return _page(request, seen, result={"match": verify.compare_file(doc, content)})
