"""Back office: the inbox, the case page, acting on a case, showing a NIK or sensitive answer, files.

Thin routes over runtime.casework.inbox and runtime.casework.cases. Everything works as plain HTML
forms and links; htmx requests (HX-Request: true) get the changed part of the page instead of all of
it. A case of another agency is "not found" (its existence is not revealed); a case of the user's
agency that none of their roles works on is "forbidden".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.exceptions import HTTPException

from builder.answers import AnswerError
from builder.compiler import CompiledService
from builder.documents import revoke_roles
from builder.messages import kind_of
from runtime import office_views as views
from runtime import store
from runtime.action_files import forget_unused, store_uploads, text_inputs
from runtime.auth import StaffUser
from runtime.casework import assignments, cases, inbox
from runtime.casework.corrections import MAX_QUESTIONED, QuestionedRefused
from runtime.casework.workflow import ActionRefused, Actor, available_actions
from runtime.deps import SessionDep, bounded_int, parse_id
from runtime.documents import issued
from runtime.documents.issue import Issuer, IssuingRefused
from runtime.forms import parse_page
from runtime.i18n import kind_nouns, t
from runtime.models import Agency, Attachment, User, utcnow
from runtime.notify import case_messages
from runtime.oversight import digests
from runtime.references import normalise_reference
from runtime.security import limited_receive
from runtime.staff import Forbidden, UserDep
from runtime.storage import FileMissing
from runtime.uploads import (
    TEXT_MARGIN_BYTES,
    attachment_key,
    bytes_download,
    download_response,
    max_bytes,
)
from runtime.web import FILE_CAPS, PostedForm, error_page, is_htmx, language, render

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
    saya: str = "",
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
        "mine": saya == "1",
    }
    try:
        page = inbox.inbox(session, user, after=setelah[:200] or None, limit=PAGE_SIZE, **filters)
    except inbox.InvalidCursor:
        page = inbox.inbox(session, user, limit=PAGE_SIZE, **filters)
    rows = views.inbox_rows(session, page.rows, lang, now, request.app.state.calendar)
    query = {
        "layanan": layanan,
        "status": status,
        "terlambat": terlambat,
        "nomor": nomor,
        "saya": saya,
    }
    next_url = None
    if page.next_cursor:
        next_url = "/kantor?" + urlencode({**query, "setelah": page.next_cursor})
    services, states = views.filter_choices(session, user, lang)
    context = {
        "user": user,
        "rows": rows,
        "next_url": next_url,
        "services": services,
        "nouns": kind_nouns([s["kind"] for s in services], lang),
        "states": states,
        "chosen_service": service_id,
        "chosen_state": status,
        "overdue": terlambat == "1",
        "mine": saya == "1",
        "reference": nomor[:64],
        "bad_reference": bool(nomor.strip()) and normalise_reference(nomor) is None,
        "digest": _digest_form(session, user),
        "digest_saved": request.query_params.get("ringkasan") == "1",
    }
    template = "office/_inbox_results.html" if _partial_wanted(request) else "office/inbox.html"
    return render(request, template, context)


def _digest_form(session: Session, user: StaffUser) -> dict[str, Any]:
    """The digest preferences of the user's agencies, for the form on the inbox page."""
    chosen = digests.preferences(session, user.id)
    account = session.get(User, user.id)
    agencies = []
    for agency_id in user.agencies:
        agency = session.get(Agency, agency_id)
        name = agency.name if agency else agency_id
        agencies.append({"id": agency_id, "name": name, "days": chosen.get(agency_id)})
    return {
        "agencies": agencies,
        "email": account.email if account else None,
        "choices": list(range(digests.MIN_DAYS, digests.MAX_DAYS + 1)),
    }


@router.post("/kantor/ringkasan")
def digest_preferences(
    request: Request, session: SessionDep, user: UserDep, form: PostedForm
) -> Response:
    """Store the user's digest choices (per agency: off, or 1–10 working days ahead)."""
    if isinstance(form, Response):
        return form
    now = utcnow()
    wanted: dict[str, int | None] = {}
    for agency_id in user.agencies:
        raw = str(form.get(f"hari_{agency_id}") or "").strip()
        days = bounded_int(raw, low=digests.MIN_DAYS, high=digests.MAX_DAYS) if raw else None
        if raw and days is None:
            return error_page(request, 400, "bad_request", "bad_request")
        wanted[agency_id] = days
    for agency_id, days in wanted.items():
        digests.set_preference(session, user, agency_id, days, now)
    return RedirectResponse("/kantor?ringkasan=1#ringkasan", status_code=303)


# -- the case page -----------------------------------------------------------------------------


def _open(session: Session, user: StaffUser, case_id: str) -> cases.OpenedCase:
    """The case, or 404 (unknown, another agency) / 403 (no role working on it)."""
    try:
        return cases.open_case(session, case_id=case_id, user=user)
    except cases.CaseNotFound:
        raise HTTPException(404) from None
    except cases.CaseForbidden:
        raise Forbidden() from None


def _case_context(
    request: Request, session: Session, user: StaffUser, opened: cases.OpenedCase, **extra: Any
) -> dict[str, Any]:
    """What the case page shows, in the request's language, with working days counted."""
    calendar = request.app.state.calendar
    return views.case_context(session, user, opened, language(request), calendar=calendar, **extra)


@router.get("/kantor/kasus/{case_id}")
def case_page(request: Request, session: SessionDep, user: UserDep, case_id: str) -> Response:
    """One case: its state and due date, the actions, the timeline, the answers and files."""
    opened = _open(session, user, case_id)
    context = _case_context(request, session, user, opened)
    return render(request, "office/case.html", context)


def _officer_forms(opened: cases.OpenedCase) -> list[CompiledService]:
    """The officer forms of the case's definition version (transitions with fields)."""
    moves = opened.definition.get("workflow", {}).get("transitions", [])
    found = (opened.compiled.officer_form(index) for index in range(len(moves)))
    return [form for form in found if form is not None]


def _action_body_limit(request: Request, session: SessionDep, user: UserDep, case_id: str) -> None:
    """Cap an action's request body, while it streams in, at what the largest officer form of
    the case's definition may hold (its files' limits plus room for text), and each file at its
    own limit. A case the user may not open gets the text-only limit (the route then refuses)."""
    try:
        forms = _officer_forms(cases.open_case(session, case_id=case_id, user=user))
    except (cases.CaseNotFound, cases.CaseForbidden):
        forms = []
    caps: dict[str, int] = {}
    largest = 0
    for form in forms:
        files = {p.key: max_bytes(p.spec) for p in form.fields.values() if p.type == "file"}
        caps.update(files)
        largest = max(largest, sum(files.values()))
    limit = min(request.app.state.settings.body_limit_bytes, largest + TEXT_MARGIN_BYTES)
    request._receive = limited_receive(request._receive, limit)
    setattr(request.state, FILE_CAPS, caps)


ActionBodyLimit = Annotated[None, Depends(_action_body_limit)]


@router.post("/kantor/kasus/{case_id}/aksi")
def act(
    request: Request,
    session: SessionDep,
    user: UserDep,
    case_id: str,
    limit: ActionBodyLimit,
    form: PostedForm,
) -> Response:
    """Apply a workflow action once, with the officer's fields; 409 when someone else was first,
    422 when refused or when a field is missing or wrong (the values come back with the errors).
    """
    if isinstance(form, Response):
        return form
    opened = _open(session, user, case_id)
    lang = language(request)
    action = str(form.get("action") or "")[:64]
    comment = str(form.get("comment") or "")[:MAX_COMMENT]
    version = bounded_int(form.get("row_version"))
    if version is None:
        return error_page(request, 400, "bad_request", "bad_request")
    questioned = [str(key)[:64] for key in form.getlist("questioned")][: MAX_QUESTIONED + 1]
    picked = (action, frozenset(questioned))
    actor = Actor.user(user.id, sorted(user.roles_in(opened.case.agency_id)))
    chosen = next(
        (
            a
            for a in available_actions(
                opened.definition, cases.snapshot(session, opened.case), actor
            )
            if a.name == action
        ),
        None,
    )
    officer = opened.compiled.officer_form(chosen.transition) if chosen else None
    values: dict[str, Any] = {}
    files: list[Attachment] = []
    refused: list[AnswerError] = []
    if chosen is not None and officer is not None:
        values = parse_page(officer.pages[0], text_inputs(form)).values
    unconfirmed = chosen is not None and _is_final(opened, chosen.to) and form.get("confirm") != "1"
    if unconfirmed and version == opened.case.row_version:  # (a stale form: 409 below)
        # a final decision needs its statement ticked; nothing is stored, the values come back
        typed = {k: v for k, v in values.items() if not isinstance(v, Mapping)}
        return _refused(
            request,
            session,
            user,
            case_id,
            comment,
            entered=(action, typed, []),
            unconfirmed=action,
            picked=picked,
        )
    if chosen is not None and officer is not None:
        files, refused = store_uploads(request, officer, form, values)
    kept: Mapping[str, Any] | None = None
    settings = request.app.state.settings
    issuer = Issuer(
        settings,
        base_url=settings.base_url or str(request.base_url).rstrip("/"),
        acting_officer=user.display_name,
        user_id=user.id,
        store=request.app.state.store,
    )
    try:
        if refused:
            assert chosen is not None
            _, errors = cases.check_officer_fields(
                opened.compiled, chosen.transition, values, opened.case.answers
            )
            taken = {e.key for e in refused}
            raise cases.FieldsRefused(refused + [e for e in errors if e.key not in taken], values)
        applied = cases.apply_transition(
            session,
            case_id=case_id,
            actor=actor,
            action=action,
            comment=comment,
            expected_row_version=version,
            calendar=request.app.state.calendar,
            fields=values,
            files=files,
            questioned=questioned,
            links=case_messages.Links.of(request.app.state.settings, str(request.base_url)),
            issuer=issuer,
        )
        details = applied.event.details or {}
        kept = details.get("fields") if isinstance(details.get("fields"), Mapping) else None
    except cases.AlreadyProcessed as exc:
        return _conflict(request, session, user, case_id, exc)
    except cases.FieldsRefused as exc:
        typed = {k: v for k, v in values.items() if not isinstance(v, Mapping)}  # files: again
        entered = (action, typed, exc.errors)
        return _refused(request, session, user, case_id, comment, entered=entered, picked=picked)
    except QuestionedRefused as exc:
        message = t(f"office_questioned_{exc.reason}", lang, keys=", ".join(exc.keys))
        failed = (action, message)
        return _refused(request, session, user, case_id, comment, picked=picked, asked=failed)
    except (ActionRefused, IssuingRefused) as exc:
        failed = (action, exc.message[lang])
        return _refused(request, session, user, case_id, comment, error=failed, picked=picked)
    finally:
        forget_unused(request, files, kept)
    if _partial_wanted(request):
        opened = _open(session, user, case_id)
        context = _case_context(request, session, user, opened)
        return render(request, "office/_case_panel.html", context)
    return RedirectResponse(f"/kantor/kasus/{case_id}", status_code=303)


@router.post("/kantor/kasus/{case_id}/tugaskan")
def assign(
    request: Request, session: SessionDep, user: UserDep, case_id: str, form: PostedForm
) -> Response:
    """Assign the case to a colleague with a note, reassign it, or take it (disposisi).

    400 for a malformed form, 404/403 as for the case page, 403 when the user may not assign
    in the case's state, 422 (the case page with the reason) when the officer chosen may not
    handle it, 409 when the case moved on or was assigned meanwhile.
    """
    if isinstance(form, Response):
        return form
    opened = _open(session, user, case_id)
    lang = language(request)
    assignee = parse_id(form.get("assignee"))
    raw_current = str(form.get("current") or "")
    current = parse_id(raw_current) if raw_current else None
    note = str(form.get("note") or "")
    if assignee is None or (raw_current and current is None) or len(note) > assignments.MAX_NOTE:
        return error_page(request, 400, "bad_request", "bad_request")
    try:
        assignments.assign(
            session,
            case=opened.case,
            definition=opened.definition,
            user=user,
            assignee_id=assignee,
            note=note,
            expected=current,
        )
    except assignments.AssignmentChanged:
        opened = _open(session, user, case_id)
        context = _case_context(
            request, session, user, opened, assign_error=t("office_assign_changed", lang)
        )
        return render(request, "office/case.html", context, 409)
    except assignments.AssignmentRefused as exc:
        if exc.status == 403:
            raise Forbidden() from None
        context = _case_context(
            request, session, user, opened, assign_error=exc.message[lang], assign_note=note
        )
        return render(request, "office/case.html", context, exc.status)
    return RedirectResponse(f"/kantor/kasus/{case_id}#disposisi", status_code=303)


def _is_final(opened: cases.OpenedCase, state: str) -> bool:
    """Whether a state of the case's definition ends the case (a final decision leads there)."""
    info = opened.definition.get("workflow", {}).get("states", {}).get(state, {})
    return bool(info.get("final"))


def _refused(
    request: Request,
    session: Session,
    user: StaffUser,
    case_id: str,
    comment: str,
    *,
    error: tuple[str, str] | None = None,
    entered: tuple[str, Mapping[str, Any], list[AnswerError]] | None = None,
    unconfirmed: str = "",
    picked: tuple[str, frozenset[str]] | None = None,
    asked: tuple[str, str] | None = None,
) -> Response:
    """The case again with what the officer typed and why it was refused (422), or for htmx the
    panel (200: htmx swaps only successful responses, and the panel carries the errors)."""
    opened = _open(session, user, case_id)
    context = _case_context(
        request,
        session,
        user,
        opened,
        error=error,
        typed=comment,
        entered=entered,
        unconfirmed=unconfirmed,
        picked=picked,
        asked=asked,
    )
    if _partial_wanted(request):
        return render(request, "office/_case_panel.html", context)
    return render(request, "office/case.html", context, 422)


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
        context = _case_context(request, session, user, opened, notice=notice)
        return render(request, "office/_case_panel.html", context)
    context = {
        "user": user,
        "case": opened.case,
        "nouns": kind_nouns([kind_of(opened.definition)], lang),
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
    line = views.secret_line(opened, lang, name, store.list_events(session, opened.case.id))
    if line is None:
        return error_page(request, 404, "not_found", "not_found_text")
    record = cases.record_nik_view if line["nik"] else cases.record_sensitive_view
    record(session, case_id=case_id, user_id=user.id, field=name)
    if _partial_wanted(request):
        return render(request, "office/_nik.html", {"line": line, "base": ""})
    context = _case_context(request, session, user, opened, revealed={name})
    return render(request, "office/case.html", context)


@router.get("/kantor/kasus/{case_id}/berkas/{attachment_id}")
def download(
    request: Request, session: SessionDep, user: UserDep, case_id: str, attachment_id: str
) -> Response:
    """Download one of the case's files (never shown inline); the download is recorded."""
    opened = _open(session, user, case_id)
    attachment = session.get(Attachment, attachment_id) if len(attachment_id) <= 64 else None
    files = request.app.state.store
    if (
        attachment is None
        or attachment.submission_id != opened.case.id
        or not files.exists(attachment_key(attachment.storage_name))
    ):
        return error_page(request, 404, "not_found", "not_found_text")
    cases.record_download(session, case_id=case_id, user_id=user.id, attachment_id=attachment.id)
    try:
        response = download_response(files, attachment)
    except FileMissing:  # deleted since the check
        return error_page(request, 404, "not_found", "not_found_text")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- issued documents --------------------------------------------------------------------------


@router.get("/kantor/kasus/{case_id}/dokumen/{document_id}")
def download_document(
    request: Request, session: SessionDep, user: UserDep, case_id: str, document_id: str
) -> Response:
    """Download one of the case's issued documents (for officers); the download is recorded."""
    opened = _open(session, user, case_id)
    document = issued.of_case(session, opened.case.id, document_id)
    rows = views.document_rows(session, user, opened, language(request))
    allowed = {row["id"] for row in rows if row["downloadable"]}
    files = request.app.state.store
    content = issued.content(files, document) if document and document.id in allowed else None
    if document is None or content is None:
        return error_page(request, 404, "not_found", "not_found_text")
    cases.record_document_download(
        session, case_id=case_id, user_id=user.id, document_id=document.id, number=document.number
    )
    return bytes_download(content, issued.file_name(document))


@router.post("/kantor/kasus/{case_id}/dokumen/{document_id}/cabut")
def revoke_document(
    request: Request,
    session: SessionDep,
    user: UserDep,
    case_id: str,
    document_id: str,
    form: PostedForm,
) -> Response:
    """Revoke an issued document with a reason (a role of its `revoke_roles`; 403 otherwise);
    the statement must be ticked. Refusals show the case page again with the reason kept (422).
    """
    if isinstance(form, Response):
        return form
    opened = _open(session, user, case_id)
    lang = language(request)
    document = issued.of_case(session, opened.case.id, document_id)
    if document is None:
        return error_page(request, 404, "not_found", "not_found_text")
    row = next(
        r for r in views.document_rows(session, user, opened, lang) if r["id"] == document.id
    )
    roles = user.roles_in(opened.case.agency_id)
    allowed = set(revoke_roles(opened.definition, document.doc_type))
    if not roles & allowed:
        raise Forbidden()
    reason = str(form.get("reason") or "").strip()[: issued.MAX_REASON]
    problem = ""
    if not row["revocable"]:
        problem = "office_revoke_not_valid"
    elif not reason:
        problem = "office_revoke_reason_missing"
    elif form.get("confirm") != "1":
        problem = "office_revoke_confirm_missing"
    if not problem:
        try:
            issued.revoke(
                session,
                document=document,
                user_id=user.id,
                role=sorted(roles & allowed)[0],
                reason=reason,
            )
        except issued.NotRevocable:
            problem = "office_revoke_not_valid"
    if problem:
        opened = _open(session, user, case_id)
        failed = (document.id, t(problem, lang), reason)
        context = _case_context(request, session, user, opened, revoke_error=failed)
        status = 409 if problem == "office_revoke_not_valid" else 422
        return render(request, "office/case.html", context, status)
    return RedirectResponse(f"/kantor/kasus/{case_id}#dokumen", status_code=303)
