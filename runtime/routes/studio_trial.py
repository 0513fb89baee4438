"""Trying a draft in the studio: the designer walks the form as a citizen would, nothing is filed.

The pages are the citizen's own (start page, form pages with their conditions, checks and
htmx helpers, check your answers), rendered and checked by the same code
(`runtime.routes.form_pages`, `runtime.routes.submit`), under `/studio/{agency}/{slug}/coba`
with a banner saying it is a trial. The answers so far live in a signed cookie
(`runtime.trial`); nothing is written to the database: no form draft, no case, no reference
number, no message, no audit event. Uploads are checked (size, type) and not kept. An answer
that rules the service out leads to the citizen's exit page, under the trial's address and with
its banner; the designer may go back and change it. The last step shows the answers and says
nothing was filed. Only the agency's designers get in, as
in the editor (404 for strangers to the agency, 403 for its other staff).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from builder.answers import AnswerError
from builder.compiler import PagePlan, compiled
from builder.problems import has_errors
from builder.validate import validate
from runtime import trial
from runtime.auth import StaffUser
from runtime.deps import SessionDep
from runtime.i18n import t
from runtime.models import Agency, FormDraft, Service, utcnow
from runtime.routes import form_pages as fp
from runtime.routes import submit as sub
from runtime.routes.citizen import DraftContext, form_pages, listing, not_found, to_first_page
from runtime.routes.exits import show_exit, stopped
from runtime.routes.studio import designed_service, working_version
from runtime.staff import UserDep
from runtime.web import PostedForm, language, render, secure_cookies

router = APIRouter()
# a citizen page's htmx helper: (request, posted page, agency, slug, field) -> its answer
Helper = Callable[[Request, fp.Posted, str, str, str], Response]


def trial_base(agency: str, slug: str) -> str:
    """The address of a service's trial (its start page; every trial page lies below)."""
    return f"/studio/{agency}/{slug}/coba"


class _Trial:
    """The service tried and the trial's context (a draft row that is never saved)."""

    def __init__(self, service: Service, ctx: DraftContext, editor: str) -> None:
        self.service = service
        self.ctx = ctx
        self.editor = editor


def _trial(
    request: Request, session: Session, user: StaffUser, agency: str, slug: str
) -> _Trial | Response:
    """The trial of the service's draft (the live version while there is none), or the page
    saying the draft must be fixed first."""
    service = designed_service(session, user, agency, slug)  # 404 / 403 as in the editor
    assert service.id is not None
    version = working_version(session, user, service)
    editor = f"/studio/{agency}/{slug}"
    if has_errors(validate(version.definition)):
        lang = language(request)
        return render(
            request,
            "studio/trial_blocked.html",
            {"editor": editor, "heading": t("trial_blocked", lang)},
            409,
        )
    answers = trial.decode(
        request.app.state.settings.secret_key,
        user.session_id,
        service.id,
        request.cookies.get(trial.COOKIE),
    )
    # never added to a session: the trial's answers are the cookie's
    draft = FormDraft(
        id="", service_version_id=version.id or 0, answers=answers, expires_at=utcnow()
    )
    found = session.get(Agency, agency)
    ctx = DraftContext(
        draft,
        compiled(version.definition),
        found.name if found else agency,
        trial_base=trial_base(agency, slug),
    )
    return _Trial(service, ctx, editor)


def _with_answers(
    response: Response, request: Request, user: StaffUser, found: _Trial, answers: Mapping[str, Any]
) -> Response:
    """Keep the trial's answers in its cookie (raises trial.TrialTooLong)."""
    assert found.service.id is not None
    value = trial.encode(
        request.app.state.settings.secret_key, user.session_id, found.service.id, answers
    )
    response.set_cookie(
        trial.COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path=found.ctx.trial_base or "/",
        max_age=86400,
    )
    return response


@router.get("/studio/{agency}/{slug}/coba")
def trial_start(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str
) -> Response:
    """The trial's start page: the citizen's, with the trial banner."""
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    return render(
        request,
        "start.html",
        {
            "d": found.ctx.compiled.definition,
            "agency_name": found.ctx.agency_name,
            "retired": False,
            "base": found.ctx.trial_base,
            "trial": True,
            "editor_url": found.editor,
        },
    )


@router.post("/studio/{agency}/{slug}/coba/mulai")
def trial_begin(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Start the trial afresh (no answers) on the form's first page."""
    if isinstance(form, Response):
        return form
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    response = to_first_page(str(found.ctx.trial_base), form_pages(found.ctx.compiled, {}))
    return _with_answers(response, request, user, found, {})


@router.get("/studio/{agency}/{slug}/coba/isi/{page_id}")
def trial_page(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, page_id: str
) -> Response:
    """One page of the form with the trial's answers so far."""
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    return fp.show_page(request, found.ctx, page_id, agency, slug)


def _too_long(
    request: Request, found: _Trial, page: PagePlan, answers: dict[str, Any], agency: str, slug: str
) -> Response:
    """The page again with what was typed, the error beside its longest answer."""
    on_page = [key for key in page.keys if key in answers] or sorted(page.keys)
    key = max(on_page, key=lambda k: len(json.dumps(answers.get(k), ensure_ascii=False)))
    message = {lang: t("trial_too_long", lang) for lang in ("id", "en")}
    error = AnswerError(f"/{key}", key, "trial_too_long", message)
    context = fp.page_context(request, found.ctx, page, answers, [error], agency, slug)
    return render(request, "page.html", context, 422)


@router.post("/studio/{agency}/{slug}/coba/isi/{page_id}")
def trial_save(
    request: Request,
    session: SessionDep,
    user: UserDep,
    agency: str,
    slug: str,
    page_id: str,
    form: PostedForm,
) -> Response:
    """Keep one page's answers in the trial's cookie: the page again with its errors (422), or
    on to the next page, exactly as the citizen's form decides."""
    if isinstance(form, Response):
        return form
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    page = found.ctx.compiled.page(page_id)
    if page is None:
        return not_found(request)
    posted = fp.read_page(request, session, found.ctx, page, form)
    found.ctx.draft.answers = posted.answers
    response = fp.after_save(request, found.ctx, page, posted, agency, slug)
    try:
        return _with_answers(response, request, user, found, posted.answers)
    except trial.TrialTooLong:
        return _too_long(request, found, page, posted.answers, agency, slug)


def _helper_route(answer: Helper, summary: str) -> Callable[..., Response]:
    """A trial route for one of the form page's htmx helpers: the page's posted answers
    (nothing kept) given to the citizen's own helper."""

    def route(
        request: Request,
        session: SessionDep,
        user: UserDep,
        agency: str,
        slug: str,
        page_id: str,
        form: PostedForm,
        field: str = "",
    ) -> Response:
        if isinstance(form, Response):
            return form
        found = _trial(request, session, user, agency, slug)
        if isinstance(found, Response):
            return found
        posted = fp.posted_answers(request, found.ctx, page_id, form)
        if isinstance(posted, Response):
            return posted
        return answer(request, posted, agency, slug, field)

    route.__doc__ = summary
    return route


# the citizen page's htmx helpers, each under the trial's page address as on the citizen's
HELPERS: dict[str, tuple[Helper, str]] = {
    "validasi": (fp.checked_field, "htmx: one field checked, as on the citizen's page."),
    "tampil": (
        lambda request, posted, agency, slug, _field: fp.revealed_fields(
            request, posted, agency, slug
        ),
        "htmx: conditional questions shown or hidden, as on the citizen's page.",
    ),
    "wilayah": (fp.region_levels, "htmx: a region field's next list, as on the citizen's page."),
}
for _name, (_answer, _summary) in HELPERS.items():
    router.add_api_route(
        f"/studio/{{agency}}/{{slug}}/coba/isi/{{page_id}}/{_name}",
        _helper_route(_answer, _summary),
        methods=["POST"],
        name=f"trial_{_name}",
    )


@router.get("/studio/{agency}/{slug}/coba/periksa")
def trial_check(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str
) -> Response:
    """Check your answers, with the declarations and the (trial) submit button."""
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    stop = stopped(found.ctx, agency, slug)
    if stop is not None:
        return stop
    return sub.answers_page(request, found.ctx, agency, slug)


@router.get("/studio/{agency}/{slug}/coba/keluar/{exit_id}")
def trial_exit(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, exit_id: str
) -> Response:
    """The citizen's exit page with the trial banner: the trial's answers are kept, so the
    designer may go back and change the one that led here."""
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    return show_exit(request, found.ctx, agency, slug, exit_id, editor_url=found.editor)


@router.post("/studio/{agency}/{slug}/coba/kirim")
def trial_submit(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """The citizen's submit, checked the same way; nothing is filed: on to the trial's end."""
    if isinstance(form, Response):
        return form
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    answers = sub.with_declarations(found.ctx, listing(form))
    stop = stopped(found.ctx, agency, slug)
    if stop is not None:  # an exit page applies: as for the citizen, nothing goes further
        return stop
    _, refusal = sub.refused(request, found.ctx, answers, agency, slug)
    if refusal is not None:
        return refusal
    response = RedirectResponse(f"{found.ctx.trial_base}/selesai", status_code=303)
    return _with_answers(response, request, user, found, answers)


@router.get("/studio/{agency}/{slug}/coba/selesai")
def trial_done(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str
) -> Response:
    """The trial's end: nothing was filed; the answers as they would have been sent."""
    found = _trial(request, session, user, agency, slug)
    if isinstance(found, Response):
        return found
    answers = found.ctx.draft.answers
    _, refusal = sub.refused(request, found.ctx, answers, agency, slug)
    if refusal is not None or found.ctx.compiled.exit_for(answers) is not None:
        return RedirectResponse(str(found.ctx.trial_base), status_code=303)
    lang = language(request)
    base = str(found.ctx.trial_base)
    return render(
        request,
        "studio/trial_done.html",
        {
            "d": found.ctx.compiled.definition,
            "trial": True,
            "sections": sub.answer_sections(found.ctx, answers, lang, base),
            "computed_rows": sub.computed_rows(found.ctx, answers, lang),
            "base": base,
            "editor_url": found.editor,
        },
    )
