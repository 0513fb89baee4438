"""Citizen pages: check your answers, the declarations, submit once, the receipt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from builder import computed, conditions, messages
from builder.answers import AnswerError
from builder.compiler import FieldPlan
from builder.texts import localise
from runtime import catalog, db, link_messages, store
from runtime.auth import client_address
from runtime.casework import deadlines
from runtime.deps import SessionDep
from runtime.forms import FieldView, located
from runtime.i18n import t
from runtime.models import Submission, utcnow
from runtime.notify import case_messages
from runtime.references import hash_secret, secrets_equal
from runtime.routes.applicant import resubmit
from runtime.routes.citizen import (
    RECEIPT_COOKIE,
    DraftContext,
    discard_attachments,
    expected_completion,
    file_ids,
    form_pages,
    is_declaration_page,
    listing,
    load_draft,
    pages_base,
    remove_files,
    service_base,
    status_url,
)
from runtime.routes.exits import stopped
from runtime.security import sign, unsign
from runtime.web import PostedForm, language, render, secure_cookies

router = APIRouter()


def _display(plan: FieldPlan, value: Any, lang: str) -> str:
    """An answer as the applicant checks it: their own NIK in full (elsewhere it is masked)."""
    if value is None:
        return ""
    if plan.type == "nik" and isinstance(value, str):
        return value
    return plan.kind.display(plan.spec, value, lang)


def answer_sections(
    ctx: DraftContext, answers: Mapping[str, Any], lang: str, base: str
) -> list[dict[str, Any]]:
    pruned = ctx.compiled.prune(answers)
    sections = []
    for page in form_pages(ctx.compiled, pruned):
        rows = []
        for plan in page.fields:
            if plan.type in {"notice", "declaration"} or not conditions.evaluate(
                plan.condition, pruned
            ):
                continue
            value = pruned.get(plan.key)
            items: list[str] = []
            lines: list[str] = []
            if plan.type == "group":
                for item in value or []:
                    parts = [
                        _display(c, item.get(c.key), lang)
                        for c in plan.children
                        if c.has_value and item.get(c.key) is not None
                    ]
                    items.append(", ".join(p for p in parts if p))
            else:
                shown = _display(plan, value, lang)
                lines = [shown] if shown else []
            rows.append(
                {
                    "label": plan.label(lang),
                    "lines": lines,
                    "entries": items,
                    "questioned": plan.key in ctx.questioned,
                    "change_url": f"{base}/isi/{page.id}?kembali=periksa#f-{plan.key}",
                }
            )
        sections.append(
            {
                "title": page.title(lang),
                "rows": rows,
                "change_url": f"{base}/isi/{page.id}?kembali=periksa",
            }
        )
    return sections


def computed_rows(ctx: DraftContext, answers: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The form's computed values with a label, from the visible answers (empty ones say so)."""
    pruned = ctx.compiled.prune(answers)
    found = ctx.compiled.computed_values(pruned)
    rows = []
    for name, expression in ctx.compiled.computed.items():
        label = expression.get("label") if isinstance(expression, Mapping) else None
        if label is None:
            continue
        shown = computed.display(found.get(name), lang)
        rows.append({"label": localise(label, lang), "lines": [shown] if shown else []})
    return rows


def _declarations(
    ctx: DraftContext, answers: Mapping[str, Any], errors: list[AnswerError], lang: str
) -> list[FieldView]:
    by_pointer = {e.pointer: e.text(lang) for e in errors}
    pruned = ctx.compiled.prune(answers)
    views = []
    for page in ctx.compiled.visible_pages(answers):
        with_notices = is_declaration_page(page)
        for plan in page.fields:
            shown = plan.type == "declaration" or (with_notices and plan.type == "notice")
            if shown and conditions.evaluate(plan.condition, pruned):
                views.append(
                    FieldView(
                        plan,
                        plan.key,
                        f"f-{plan.key}",
                        answers.get(plan.key),
                        by_pointer.get(f"/{plan.key}"),
                        lang,
                    )
                )
    return views


def _check_page(
    request: Request,
    ctx: DraftContext,
    answers: Mapping[str, Any],
    errors: list[AnswerError],
    agency: str,
    slug: str,
    status_code: int = 200,
) -> Response:
    lang = language(request)
    base = pages_base(ctx, agency, slug)
    pages = form_pages(ctx.compiled, answers)
    back = f"{base}/isi/{pages[-1].id}" if pages else base
    return render(
        request,
        "check.html",
        {
            "d": ctx.compiled.definition,
            "sections": answer_sections(ctx, answers, lang, base),
            "computed_rows": computed_rows(ctx, answers, lang),
            "errors": errors,
            "declarations": _declarations(ctx, answers, errors, lang),
            "action": f"{base}/kirim",
            "back_url": back,
            "self_url": f"{base}/periksa",
            "correction": ctx.correction,
            "trial": ctx.trial_base is not None,
        },
        status_code,
    )


def _first_error_page(
    ctx: DraftContext, answers: Mapping[str, Any], errors: list[AnswerError]
) -> str | None:
    keys = {e.key for e in errors if ctx.compiled.fields[e.key].type != "declaration"}
    for page in form_pages(ctx.compiled, answers):
        if page.keys & keys:
            return page.id
    return None


@router.get("/layanan/{agency}/{slug}/periksa")
def check_answers(request: Request, session: SessionDep, agency: str, slug: str) -> Response:
    """All answers with change links, then the declaration and the submit button."""
    ctx = load_draft(request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    if ctx.draft.submission_id:
        return RedirectResponse(f"{service_base(agency, slug)}/terkirim", status_code=303)
    stop = stopped(ctx, agency, slug)
    if stop is not None:
        return stop
    return answers_page(request, ctx, agency, slug)


def answers_page(request: Request, ctx: DraftContext, agency: str, slug: str) -> Response:
    """The check-your-answers page, or the first page that still has a problem."""
    _, errors = ctx.compiled.check(ctx.draft.answers, ctx.today)
    incomplete = _first_error_page(
        ctx, ctx.draft.answers, [e for e in errors if e.key in ctx.compiled.fields]
    )
    if incomplete:
        base = pages_base(ctx, agency, slug)
        return RedirectResponse(f"{base}/isi/{incomplete}", status_code=303)
    return _check_page(request, ctx, ctx.draft.answers, [], agency, slug)


def with_declarations(ctx: DraftContext, fields: Mapping[str, list[str]]) -> dict[str, Any]:
    """The answers with the declarations ticked (or not) on the check-your-answers page."""
    answers = dict(ctx.draft.answers)
    for plan in ctx.compiled.fields.values():
        if plan.type == "declaration":
            value, _ = plan.kind.parse(plan.spec, list(fields.get(plan.key, [])))
            answers.pop(plan.key, None)
            if value is not None:
                answers[plan.key] = value
    return answers


def refused(
    request: Request, ctx: DraftContext, answers: Mapping[str, Any], agency: str, slug: str
) -> tuple[dict[str, Any], Response | None]:
    """The pruned answers, and the response when they cannot be sent yet: the first page with
    a problem, or the check-your-answers page with its declaration errors (422)."""
    pruned, errors = ctx.compiled.check(answers, ctx.today)
    errors = located(ctx.compiled, [e for e in errors if e.key in ctx.compiled.fields])
    if not errors:
        return pruned, None
    incomplete = _first_error_page(ctx, answers, errors)
    if incomplete:
        base = pages_base(ctx, agency, slug)
        return pruned, RedirectResponse(f"{base}/isi/{incomplete}", status_code=303)
    return pruned, _check_page(request, ctx, answers, errors, agency, slug, 422)


@router.post("/layanan/{agency}/{slug}/kirim")
def submit(
    request: Request, session: SessionDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """File the application once: commit, then show the receipt."""
    if isinstance(form, Response):
        return form
    ctx = load_draft(request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    base = service_base(agency, slug)
    if ctx.draft.submission_id:
        return RedirectResponse(f"{base}/terkirim", status_code=303)
    answers = with_declarations(ctx, listing(form))
    stop = stopped(ctx, agency, slug)
    if stop is not None:  # an exit page applies: nothing is filed
        return stop
    pruned, refusal = refused(request, ctx, answers, agency, slug)
    if refusal is not None:
        return refusal
    if ctx.draft.editing_submission_id:
        # the applicant's corrections after a send-back
        with db.serialised_writes(session):
            hidden = discard_attachments(session, ctx.draft.id, file_ids(pruned))
            response = resubmit(request, session, ctx.draft, pruned, file_ids(pruned))
        if response.status_code == 303:
            remove_files(request.app.state.store, hidden)
        return response
    definition = ctx.compiled.definition
    initial = definition["workflow"]["initial"]
    now = utcnow()
    due = deadlines.due_on_entering(definition, initial, now, request.app.state.calendar)
    with db.serialised_writes(session):
        hidden_files = discard_attachments(session, ctx.draft.id, file_ids(pruned))
        try:
            case, secret = store.submit_draft(
                session,
                draft_id=ctx.draft.id,
                answers=pruned,
                initial_state=initial,
                due_at=due,
                secret_key=request.app.state.settings.secret_key,
                language=language(request),
                now=now,
                attach=False,
            )
            if secret is not None:
                links = case_messages.Links.of(request.app.state.settings, str(request.base_url))
                case_messages.case_filed(session, links, case, definition, secret)
        except store.StoreError:
            session.rollback()  # the draft expired meanwhile: start again
            return RedirectResponse(base, status_code=303)
        session.commit()
    if secret is not None:
        remove_files(request.app.state.store, hidden_files)
    response = RedirectResponse(f"{base}/terkirim", status_code=303)
    if secret is not None:
        settings = request.app.state.settings
        response.set_cookie(
            RECEIPT_COOKIE,
            sign(settings.secret_key, f"{case.id}:{secret}"),
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
            path="/",
            max_age=86400,
        )
    return response


def _receipt_case(request: Request, session: Session) -> tuple[Submission, str] | None:
    """The case of the visitor's receipt cookie and its status secret."""
    value = unsign(request.app.state.settings.secret_key, request.cookies.get(RECEIPT_COOKIE))
    if not value or ":" not in value:
        return None
    case_id, secret = value.split(":", 1)
    found = session.get(Submission, case_id)
    if found is not None and secrets_equal(hash_secret(secret), found.secret_hash):
        return found, secret
    return None


def _receipt_page(
    request: Request,
    session: Session,
    extra: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    found = _receipt_case(request, session)
    if found is None:
        return render(request, "receipt.html", {"case": None})
    case, secret = found
    version = catalog.compiled_version(session, case.service_version_id)
    definition = version[0].definition if version else {}
    url = status_url(case, secret)
    full = (settings.base_url or str(request.base_url).rstrip("/")) + url
    service = f"/layanan/{definition.get('agency')}/{definition.get('id')}"
    return render(
        request,
        "receipt.html",
        {
            "d": definition,
            "case": case,
            "status_url": url,
            "status_full_url": full,
            "expected": expected_completion(request, case, definition),
            "duration_days": definition.get("standard", {}).get("duration_days"),
            "send_action": f"{service}/terkirim",
            "errors": [],
            "typed": "",
            **(extra or {}),
        },
        status_code,
    )


@router.get("/layanan/{agency}/{slug}/terkirim")
def receipt(request: Request, session: SessionDep, agency: str, slug: str) -> Response:
    """The reference number and the private status link, shown after the commit."""
    return _receipt_page(request, session)


@router.post("/layanan/{agency}/{slug}/terkirim")
def send_receipt_link(
    request: Request, session: SessionDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Send the receipt's private status link to the e-mail or WhatsApp number typed."""
    if isinstance(form, Response):
        return form
    found = _receipt_case(request, session)
    if found is None:
        return render(request, "receipt.html", {"case": None})
    case, secret = found
    lang = language(request)
    raw = form.get("contact")
    typed = raw.strip()[:200] if isinstance(raw, str) else ""
    contact = messages.typed_contact(typed)
    if contact is None:
        errors = [
            {"key": "contact", "text": t("lost_link_bad_contact", lang), "anchor": "send-contact"}
        ]
        return _receipt_page(request, session, {"errors": errors, "typed": typed}, 422)
    version = catalog.compiled_version(session, case.service_version_id)
    definition = version[0].definition if version else {}
    with db.serialised_writes(session):
        sent = link_messages.send_receipt_link(
            session,
            case_messages.Links.of(request.app.state.settings, str(request.base_url)),
            case,
            secret,
            definition,
            contact=contact,
            address=client_address(request),
            lang=lang,
            now=utcnow(),
        )
        session.commit()
    if not sent:
        return _receipt_page(request, session, {"limited": True}, 429)
    return _receipt_page(request, session, {"sent": True})
