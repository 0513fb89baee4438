"""The applicant's own actions through the private status link: correct and resubmit, withdraw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import update
from sqlmodel import Session, col
from starlette.datastructures import FormData

from builder.model import sources
from runtime import catalog, db, store
from runtime.casework import cases
from runtime.casework.workflow import WITHDRAW, ActionRefused, Actor, available_actions
from runtime.deps import SessionDep, bounded_int
from runtime.models import Attachment, FormDraft, Service, Submission, utcnow
from runtime.notify import case_messages
from runtime.routes.citizen import correction_of, form_pages, to_first_page, with_draft_cookie
from runtime.security import sign, unsign
from runtime.web import PostedForm, error_page, render, secure_cookies

router = APIRouter()
EDIT_COOKIE = "loket_edit"


def resubmit_action(definition: Mapping[str, Any], state: str) -> str | None:
    """The applicant's transition out of a state where they may correct the answers."""
    info = definition.get("workflow", {}).get("states", {}).get(state, {})
    if not info.get("applicant_edits"):
        return None
    for transition in definition["workflow"]["transitions"]:
        if state in sources(transition) and "applicant" in transition.get("roles", []):
            return str(transition["action"])
    return None


def applicant_options(session: Session, case: Submission) -> dict[str, Any]:
    """What the applicant may do on the status page now."""
    found = catalog.compiled_version(session, case.service_version_id)
    if found is None or case.final_outcome:
        return {"can_correct": False, "can_withdraw": False}
    definition = found[0].definition
    names = {
        a.name
        for a in available_actions(definition, cases.snapshot(session, case), Actor.applicant())
    }
    return {
        "can_correct": resubmit_action(definition, case.state) is not None,
        "can_withdraw": WITHDRAW in names,
        "row_version": case.row_version,
    }


def _case_of_link(
    request: Request, session: Session, reference: str, secret: str, form: FormData | Response
) -> Submission | Response:
    """The case a private status link names, after the CSRF check; a not-found page otherwise."""
    if isinstance(form, Response):
        return form
    case = store.find_submission(session, reference, secret)
    if case is None:
        return error_page(request, 404, "not_found", "case_not_found")
    return case


@router.post("/status/{reference}/{secret}/perbaiki")
def start_correction(
    request: Request, session: SessionDep, reference: str, secret: str, form: PostedForm
) -> Response:
    """Open the case's answers as a draft the applicant corrects (pre-filled, validated again)."""
    case = _case_of_link(request, session, reference, secret, form)
    if isinstance(case, Response):
        return case
    found = catalog.compiled_version(session, case.service_version_id)
    if found is None or resubmit_action(found[0].definition, case.state) is None:
        return error_page(request, 409, "bad_request", "case_not_editable")
    service = session.get(Service, case.service_id)
    assert service is not None
    settings = request.app.state.settings
    with db.serialised_writes(session):
        draft = store.create_draft(
            session,
            service_version_id=case.service_version_id,
            ttl=dt.timedelta(hours=settings.draft_ttl_hours),
            answers=case.answers,
            editing_submission_id=case.id,
        )
        session.commit()
    base = f"/layanan/{service.agency_id}/{service.slug}"
    pages = form_pages(found[1], case.answers)
    questioned = correction_of(session, found[1], case).questioned
    response = to_first_page(base, [p for p in pages if p.keys & questioned] or pages)
    secure = secure_cookies(request)
    with_draft_cookie(response, request, service.agency_id, service.slug, draft.id)
    response.set_cookie(
        EDIT_COOKIE,
        sign(settings.secret_key, f"{case.id}:{secret}"),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=settings.draft_ttl_hours * 3600,
    )
    return response


def resubmit(
    request: Request,
    session: Session,
    draft: FormDraft,
    answers: Mapping[str, Any],
    keep_files: set[str],
) -> Response:
    """File the corrected answers on the case and move it on with the applicant's transition."""
    case_id = draft.editing_submission_id
    case = session.get(Submission, case_id) if case_id else None
    found = catalog.compiled_version(session, case.service_version_id) if case else None
    action = resubmit_action(found[0].definition, case.state) if case and found else None
    if case is None or action is None:
        return error_page(request, 409, "bad_request", "case_not_editable")
    session.exec(
        update(Attachment)
        .where(col(Attachment.draft_id) == draft.id, col(Attachment.id).in_(keep_files or {""}))
        .values(submission_id=case.id)
        .execution_options(synchronize_session=False)
    )
    session.exec(
        update(FormDraft)
        .where(col(FormDraft.id) == draft.id)
        .values(expires_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    try:
        cases.apply_transition(
            session,
            case_id=case.id,
            actor=Actor.applicant(),
            action=action,
            comment=None,
            expected_row_version=case.row_version,
            calendar=request.app.state.calendar,
            answers=dict(answers),
            links=case_messages.Links.of(request.app.state.settings, str(request.base_url)),
        )
    except (cases.AlreadyProcessed, ActionRefused):
        return error_page(request, 409, "bad_request", "case_not_editable")
    return _back_to_status(request, case, "?terkirim=perbaikan")


def _back_to_status(request: Request, case: Submission, notice: str = "") -> Response:
    value = unsign(request.app.state.settings.secret_key, request.cookies.get(EDIT_COOKIE))
    if value and value.startswith(f"{case.id}:"):
        return RedirectResponse(
            f"/status/{case.reference}/{value.split(':', 1)[1]}{notice}", status_code=303
        )
    return RedirectResponse("/status", status_code=303)


@router.post("/status/{reference}/{secret}/tarik")
def withdraw(
    request: Request, session: SessionDep, reference: str, secret: str, form: PostedForm
) -> Response:
    """Withdraw a case that is not final."""
    case = _case_of_link(request, session, reference, secret, form)
    if isinstance(case, Response):
        return case
    assert not isinstance(form, Response)  # _case_of_link returned it otherwise
    comment = str(form.get("comment") or "")[:2000]
    if form.get("confirm") != "ya":
        # first press: a page that asks to confirm (works without JavaScript)
        found = catalog.compiled_version(session, case.service_version_id)
        return render(
            request,
            "withdraw_confirm.html",
            {
                "d": found[0].definition if found else {},
                "case": case,
                "comment": comment,
                "row_version": str(form.get("row_version") or ""),
                "action": f"/status/{case.reference}/{secret}/tarik",
                "status_url": f"/status/{case.reference}/{secret}",
            },
        )
    try:
        cases.apply_transition(
            session,
            case_id=case.id,
            actor=Actor.applicant(),
            action=WITHDRAW,
            comment=comment or None,
            expected_row_version=bounded_int(form.get("row_version")) or -1,
            calendar=request.app.state.calendar,
            links=case_messages.Links.of(request.app.state.settings, str(request.base_url)),
        )
    except cases.AlreadyProcessed:
        return RedirectResponse(f"/status/{case.reference}/{secret}", status_code=303)
    except ActionRefused:
        return error_page(request, 409, "bad_request", "case_not_editable")
    return RedirectResponse(f"/status/{case.reference}/{secret}", status_code=303)


__all__ = ["applicant_options", "render", "resubmit", "router"]
