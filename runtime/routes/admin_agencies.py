"""The administrator's agency pages: the list, a new agency, and one agency's letterhead data.

Thin routes over runtime.agencies. Plain HTML forms (multipart for the logo), each POST checked
for CSRF; a mistake re-shows the form with 422, every value kept and each error beside its
field; a change ends with a redirect (post/redirect/get).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from runtime import agencies
from runtime.deps import SessionDep
from runtime.i18n import in_language
from runtime.models import Agency
from runtime.routes.admin import FormProblem
from runtime.staff import AdminDep
from runtime.web import FILE_CAPS, PostedForm, error_page, language, render

router = APIRouter()
PAGE = "/admin/instansi"
DONE = ("added", "updated")


def _cap_logo(request: Request) -> None:
    """The logo is cut off one byte past its limit while it streams in."""
    setattr(request.state, FILE_CAPS, {"logo": agencies.MAX_LOGO_BYTES})


def _texts(form: FormData) -> dict[str, str | None]:
    return {
        name: (value[: limit * 2] if isinstance(value := form.get(name), str) else None)
        for name, (limit, _, _) in agencies.TEXT_FIELDS.items()
    }


async def _logo(form: FormData) -> bytes | None:
    upload = form.get("logo")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(agencies.MAX_LOGO_BYTES + 1)


def _list(
    request: Request,
    session: Session,
    *,
    problems: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    done = request.query_params.get("selesai", "")
    return render(
        request,
        "admin/agencies.html",
        {
            "agencies": agencies.list_agencies(session),
            "with_logo": agencies.agencies_with_logo(session),
            "fields": agencies.TEXT_FIELDS,
            "problems": _beside(request, problems),
            "errors": _summary(problems),
            "values": values or {},
            "done": done if done in DONE else "",
        },
        status_code,
    )


def _summary(problems: dict[str, str] | None) -> list[FormProblem]:
    return [FormProblem(f"agency-{name}", message) for name, message in (problems or {}).items()]


def _beside(request: Request, problems: dict[str, str] | None) -> dict[str, str]:
    """Each problem in the page's language, by field name (shown beside its input)."""
    lang = language(request)
    return {name: in_language(message, lang) for name, message in (problems or {}).items()}


@router.get(PAGE)
def agencies_page(request: Request, session: SessionDep, admin: AdminDep) -> Response:
    """Every agency, and the form for a new one."""
    return _list(request, session)


@router.post(PAGE, dependencies=[Depends(_cap_logo)])
async def add_agency(
    request: Request, session: SessionDep, admin: AdminDep, form: PostedForm
) -> Response:
    """Add an agency (it may have no service yet)."""
    if isinstance(form, Response):
        return form
    agency_id = str(form.get("id") or "").strip()[:100]
    values = _texts(form)
    try:
        agencies.add_agency(session, agency_id, values, await _logo(form))
        session.commit()
    except agencies.AgencyError as exc:
        session.rollback()
        return _list(
            request,
            session,
            problems=exc.problems,
            values={"id": agency_id, **values},
            status_code=422,
        )
    return RedirectResponse(f"{PAGE}?selesai=added", status_code=303)


def _edit(
    request: Request,
    agency: Agency,
    has_logo: bool,
    *,
    problems: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin/agency.html",
        {
            "agency": agency,
            "has_logo": has_logo,
            "fields": agencies.TEXT_FIELDS,
            "problems": _beside(request, problems),
            "errors": _summary(problems),
            "values": values if values is not None else agency.model_dump(),
            "done": request.query_params.get("selesai", "") in DONE,
        },
        status_code,
    )


@router.get(PAGE + "/{agency_id}")
def agency_page(request: Request, session: SessionDep, admin: AdminDep, agency_id: str) -> Response:
    """One agency's letterhead and signatory data, with its logo."""
    agency = session.get(Agency, agency_id[:64])
    if agency is None:
        return error_page(request, 404, "not_found", "not_found_text")
    return _edit(request, agency, agencies.logo_of(session, agency_id) is not None)


@router.post(PAGE + "/{agency_id}", dependencies=[Depends(_cap_logo)])
async def update_agency(
    request: Request, session: SessionDep, admin: AdminDep, agency_id: str, form: PostedForm
) -> Response:
    """Change an agency's data; a new logo replaces the old one."""
    if isinstance(form, Response):
        return form
    agency = session.get(Agency, agency_id[:64])
    if agency is None:
        return error_page(request, 404, "not_found", "not_found_text")
    values = _texts(form)
    try:
        agencies.update_agency(
            session,
            agency_id,
            values,
            await _logo(form),
            remove_logo=form.get("remove_logo") == "1",
        )
        session.commit()
    except agencies.AgencyError as exc:
        session.rollback()
        agency = session.get(Agency, agency_id)
        assert agency is not None
        return _edit(
            request,
            agency,
            agencies.logo_of(session, agency_id) is not None,
            problems=exc.problems,
            values=values,
            status_code=422,
        )
    return RedirectResponse(f"{PAGE}/{agency_id}?selesai=updated", status_code=303)


@router.get(PAGE + "/{agency_id}/logo")
def agency_logo(request: Request, session: SessionDep, admin: AdminDep, agency_id: str) -> Response:
    """The agency's logo image (for the administrator's preview)."""
    logo = agencies.logo_of(session, agency_id[:64])
    if logo is None:
        return error_page(request, 404, "not_found", "not_found_text")
    return Response(
        logo.content,
        media_type=logo.content_type,
        headers={"Cache-Control": "private, no-cache", "ETag": f'"{logo.sha256}"'},
    )
