"""Links sent by message on a citizen's request: a lost status link ("Lupa tautan"), and a
link that continues a draft on another device ("Lanjutkan nanti").

The core is in :mod:`runtime.link_messages`; these routes only read the forms and answer.
A lost-link request always gets the same page whether or not anything was sent.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from builder import messages
from runtime import catalog, db, link_messages, resume
from runtime.auth import client_address
from runtime.deps import SessionDep
from runtime.i18n import t
from runtime.models import utcnow
from runtime.notify.case_messages import Links
from runtime.references import normalise_reference
from runtime.routes.citizen import load_draft, service_base, with_draft_cookie
from runtime.web import PostedForm, error_page, language, render

router = APIRouter()

MAX_INPUT = 200


def _links(request: Request) -> Links:
    return Links.of(request.app.state.settings, str(request.base_url))


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip()[:MAX_INPUT] if isinstance(value, str) else ""


@router.post("/status")
def lost_link(request: Request, session: SessionDep, form: PostedForm) -> Response:
    """Send the private status link again to the contact given in the form, if it matches.

    The answer is the same page and status whether or not the reference exists, the contact
    matches or a rate limit applies; only input that cannot be a reference or a contact is
    refused (which says nothing about any case).
    """
    if isinstance(form, Response):
        return form
    lang = language(request)
    typed_reference, typed_contact = _field(form, "reference"), _field(form, "contact")
    reference = normalise_reference(typed_reference)
    contact = messages.typed_contact(typed_contact)
    errors = []
    if reference is None:
        errors.append({"key": "reference", "text": t("lost_link_bad_reference", lang)})
    if contact is None:
        errors.append({"key": "contact", "text": t("lost_link_bad_contact", lang)})
    if errors:
        return render(
            request,
            "status_lookup.html",
            {"errors": errors, "typed": {"reference": typed_reference, "contact": typed_contact}},
            422,
        )
    assert reference is not None
    with db.serialised_writes(session):
        link_messages.resend_status_link(
            session,
            _links(request),
            reference=reference,
            contact=contact,
            address=client_address(request),
            now=utcnow(),
        )
        session.commit()
    return render(request, "status_lookup.html", {"lost_link_sent": True})


@router.post("/layanan/{agency}/{slug}/lanjut-nanti")
def continue_later(
    request: Request, session: SessionDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Send a link that opens this draft on another device to the e-mail or number typed."""
    if isinstance(form, Response):
        return form
    ctx = load_draft(request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    base = service_base(agency, slug)
    if ctx.draft.submission_id:
        return RedirectResponse(f"{base}/terkirim", status_code=303)
    lang = language(request)
    page = _field(form, "page")
    back = f"{base}/isi/{page}" if ctx.compiled.page(page) is not None else f"{base}/periksa"
    typed = _field(form, "contact")
    contact = messages.typed_contact(typed)
    context = {
        "d": ctx.compiled.definition,
        "back_url": back,
        "page_id": page,
        "typed": typed,
        "resume_action": f"{base}/lanjut-nanti",
    }
    if contact is None:
        errors = [
            {"key": "contact", "text": t("lost_link_bad_contact", lang), "anchor": "resume-contact"}
        ]
        return render(request, "resume_sent.html", {**context, "errors": errors}, 422)
    with db.serialised_writes(session):
        sent = link_messages.send_resume_link(
            session,
            _links(request),
            ctx.draft,
            ctx.compiled.definition,
            contact=contact,
            address=client_address(request),
            lang=lang,
            now=utcnow(),
        )
        session.commit()
    if not sent:
        return render(request, "resume_sent.html", {**context, "limited": True}, 429)
    return render(request, "resume_sent.html", {**context, "sent": True})


@router.get("/lanjut/{token}")
def open_resume_link(request: Request, session: SessionDep, token: str) -> Response:
    """Open a draft from a resume link: set the draft cookie, go on where the form stands."""
    draft = resume.find_draft(session, token)
    found = catalog.compiled_version(session, draft.service_version_id) if draft else None
    if draft is None or found is None:
        return error_page(request, 410, "resume_gone", "resume_gone_text")
    definition = found[0].definition
    agency, slug = str(definition.get("agency")), str(definition.get("id"))
    target = f"{service_base(agency, slug)}/periksa"
    return with_draft_cookie(
        RedirectResponse(target, status_code=303), request, agency, slug, draft.id
    )
