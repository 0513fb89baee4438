"""Back office: the inbox, the case page, acting on a case, showing a NIK or sensitive answer, files.

Thin routes over runtime.inbox and runtime.cases. Everything works as plain HTML forms and
links; htmx requests (HX-Request: true) get the changed part of the page instead of all of it.
A case of another agency is "not found" (its existence is not revealed); a case of the user's
agency that none of their roles works on is "forbidden".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.exceptions import HTTPException

from runtime import cases, inbox
from runtime import office_views as views
from runtime.auth import StaffUser
from runtime.deps import SessionDep, bounded_int, parse_id
from runtime.i18n import t
from runtime.models import Attachment, utcnow
from runtime.references import normalise_reference
from runtime.staff import Forbidden, UserDep
from runtime.uploads import attachment_path, download_response
from runtime.web import PostedForm, error_page, is_htmx, language, render
from runtime.workflow import ActionRefused, Actor

router = APIRouter()
MAX_COMMENT = 4000
PAGE_SIZE = 50


def _partial_wanted(request: Request) -> bool:
    """htmx asks for a part of the page (but a history restore needs the whole page)."""
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


# -- the inbox ---------------------------------------------------------------------------------


@router.get("/kantor")
def inbox_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    layanan: str = "",
    status: str = "",
    terlambat: str = "",
    nomor: str = "",
    setelah: str = "",
) -> Response:
    """Cases waiting for the user, most urgent first, with filters and a next-page link."""
    lang = language(request)
    now = utcnow()
    service_id = parse_id(layanan)
    filters: dict[str, Any] = {
        "service_id": service_id,
        "state": status[:64] or None,
        "overdue": terlambat == "1",
        "reference": nomor[:64] or None,
        "now": now,
    }
    try:
        page = inbox.inbox(session, user, after=setelah[:200] or None, limit=PAGE_SIZE, **filters)
    except inbox.InvalidCursor:
        page = inbox.inbox(session, user, limit=PAGE_SIZE, **filters)
    rows = views.inbox_rows(session, page.rows, lang, now)
    query = {"layanan": layanan, "status": status, "terlambat": terlambat, "nomor": nomor}
    next_url = None
    if page.next_cursor:
        next_url = "/kantor?" + urlencode({**query, "setelah": page.next_cursor})
    services, states = views.filter_choices(session, user, lang)
    context = {
        "user": user,
        "rows": rows,
        "next_url": next_url,
        "services": services,
        "states": states,
        "chosen_service": service_id,
        "chosen_state": status,
        "overdue": terlambat == "1",
        "reference": nomor[:64],
        "bad_reference": bool(nomor.strip()) and normalise_reference(nomor) is None,
    }
    template = "office/_inbox_results.html" if _partial_wanted(request) else "office/inbox.html"
    return render(request, template, context)


# -- the case page -----------------------------------------------------------------------------


def _open(session: Session, user: StaffUser, case_id: str) -> cases.OpenedCase:
    """The case, or 404 (unknown, another agency) / 403 (no role working on it)."""
    try:
        return cases.open_case(session, case_id=case_id, user=user)
    except cases.CaseNotFound:
        raise HTTPException(404) from None
    except cases.CaseForbidden:
        raise Forbidden() from None


@router.get("/kantor/kasus/{case_id}")
def case_page(request: Request, session: SessionDep, user: UserDep, case_id: str) -> Response:
    """One case: its state and due date, the actions, the timeline, the answers and files."""
    opened = _open(session, user, case_id)
    context = views.case_context(session, user, opened, language(request))
    return render(request, "office/case.html", context)


@router.post("/kantor/kasus/{case_id}/aksi")
def act(
    request: Request, session: SessionDep, user: UserDep, case_id: str, form: PostedForm
) -> Response:
    """Apply a workflow action once; 409 when someone else was first, 422 when refused."""
    if isinstance(form, Response):
        return form
    opened = _open(session, user, case_id)
    lang = language(request)
    action = str(form.get("action") or "")[:64]
    comment = str(form.get("comment") or "")[:MAX_COMMENT]
    version = bounded_int(form.get("row_version"))
    if version is None:
        return error_page(request, 400, "bad_request", "bad_request")
    try:
        cases.apply_transition(
            session,
            case_id=case_id,
            actor=Actor.user(user.id, sorted(user.roles_in(opened.case.agency_id))),
            action=action,
            comment=comment,
            expected_row_version=version,
            calendar=request.app.state.calendar,
        )
    except cases.AlreadyProcessed as exc:
        return _conflict(request, session, user, case_id, exc)
    except ActionRefused as exc:
        opened = _open(session, user, case_id)
        error = (action, exc.message[lang])
        context = views.case_context(session, user, opened, lang, error=error, typed=comment)
        if _partial_wanted(request):
            return render(request, "office/_case_panel.html", context)
        return render(request, "office/case.html", context, 422)
    if _partial_wanted(request):
        opened = _open(session, user, case_id)
        context = views.case_context(session, user, opened, lang)
        return render(request, "office/_case_panel.html", context)
    return RedirectResponse(f"/kantor/kasus/{case_id}", status_code=303)


def _conflict(
    request: Request,
    session: Session,
    user: StaffUser,
    case_id: str,
    exc: cases.AlreadyProcessed,
) -> Response:
    """Someone acted first: say so, with the case's new state (htmx: the refreshed panel)."""
    lang = language(request)
    opened = _open(session, user, case_id)
    if _partial_wanted(request):
        notice = t("office_already_processed", lang)
        context = views.case_context(session, user, opened, lang, notice=notice)
        return render(request, "office/_case_panel.html", context)
    context = {
        "user": user,
        "case": opened.case,
        "state_label": views.state_label(opened.definition, exc.current_state, lang, public=False),
    }
    return render(request, "office/conflict.html", context, 409)


@router.post("/kantor/kasus/{case_id}/nik")
def reveal_nik(
    request: Request, session: SessionDep, user: UserDep, case_id: str, form: PostedForm
) -> Response:
    """Show one full NIK or sensitive answer of a case; the viewing is recorded first.

    Whoever may open the case may reveal its protected answers (``cases.may_open``).
    """
    if isinstance(form, Response):
        return form
    opened = _open(session, user, case_id)
    name = str(form.get("field") or "")[:200]
    lang = language(request)
    line = views.secret_line(opened, lang, name)
    if line is None:
        return error_page(request, 404, "not_found", "not_found_text")
    record = cases.record_nik_view if line["nik"] else cases.record_sensitive_view
    record(session, case_id=case_id, user_id=user.id, field=name)
    if _partial_wanted(request):
        return render(request, "office/_nik.html", {"line": line, "base": ""})
    context = views.case_context(session, user, opened, lang, revealed={name})
    return render(request, "office/case.html", context)


@router.get("/kantor/kasus/{case_id}/berkas/{attachment_id}")
def download(
    request: Request, session: SessionDep, user: UserDep, case_id: str, attachment_id: str
) -> Response:
    """Download one of the case's files (never shown inline); the download is recorded."""
    opened = _open(session, user, case_id)
    attachment = session.get(Attachment, attachment_id) if len(attachment_id) <= 64 else None
    settings = request.app.state.settings
    if (
        attachment is None
        or attachment.submission_id != opened.case.id
        or not attachment_path(settings.data_dir, attachment.storage_name).is_file()
    ):
        return error_page(request, 404, "not_found", "not_found_text")
    cases.record_download(session, case_id=case_id, user_id=user.id, attachment_id=attachment.id)
    response = download_response(settings.data_dir, attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
