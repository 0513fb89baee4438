"""Citizen pages: catalogue, start page, the form page by page, check answers, submit, status."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session, col, delete, select
from starlette.datastructures import FormData, UploadFile

from builder import conditions
from builder.answers import AnswerError
from builder.compiler import CompiledService, FieldPlan, PagePlan
from builder.texts import localise
from runtime import catalog, store
from runtime.deps import SessionDep
from runtime.forms import FieldView, field_views, located, merge, parse_page
from runtime.i18n import t
from runtime.models import Attachment, CaseEvent, FormDraft, Submission
from runtime.references import hash_secret, secrets_equal
from runtime.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    BodyTooLarge,
    Message,
    csrf_valid,
    sign,
    unsign,
)
from runtime.uploads import UploadRejected, attachment_path, store_upload
from runtime.web import error_page, is_htmx, language, render
from runtime.workdays import WIB

router = APIRouter()
RECEIPT_COOKIE = "loket_receipt"


def _base(agency: str, slug: str) -> str:
    return f"/layanan/{agency}/{slug}"


def draft_cookie_name(agency: str, slug: str) -> str:
    """The cookie that holds a visitor's draft of one service (scoped to the service's path)."""
    return f"loket_draft_{agency}_{slug}".replace("-", "_")


def _not_found(request: Request) -> Response:
    return error_page(request, 404, "not_found", "not_found_text")


async def _posted_form(request: Request) -> AsyncIterator[FormData | Response]:
    """The posted form after a CSRF check, or an error response; uploads are closed afterwards."""
    try:
        form = await request.form(max_files=50, max_fields=2000)
    except UnicodeDecodeError:
        yield error_page(request, 400, "bad_request", "bad_request")
        return
    try:
        token = form.get(CSRF_FIELD)
        if not csrf_valid(
            request.app.state.settings.secret_key,
            request.cookies.get(CSRF_COOKIE),
            token if isinstance(token, str) else None,
        ):
            yield error_page(request, 403, "bad_request", "csrf_failed")
        else:
            yield form
    finally:
        await form.close()


PostedForm = Annotated[FormData | Response, Depends(_posted_form)]


def _listing(form: FormData) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            result.setdefault(key, []).append(value)
    return result


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _format_date(moment: dt.datetime | dt.date | None, lang: str) -> str:
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
    return moment.strftime("%d-%m-%Y")


# -- catalogue and start page ------------------------------------------------------------------


@router.get("/")
def catalogue(request: Request, session: SessionDep, q: str = "") -> Response:
    """Published services grouped by agency, with a search box."""
    lang = language(request)
    return render(
        request,
        "catalogue.html",
        {"agencies": catalog.published(session, q[:100], lang), "q": q[:100]},
    )


@router.get("/layanan/{agency}/{slug}")
def start_page(request: Request, session: SessionDep, agency: str, slug: str) -> Response:
    """The service standard, the privacy notice and a start button."""
    live = catalog.live_service(session, agency, slug)
    if live is None:
        return _not_found(request)
    return render(
        request,
        "start.html",
        {
            "d": live.definition,
            "agency_name": live.agency_name,
            "retired": live.retired,
            "base": _base(agency, slug),
        },
    )


@router.post("/layanan/{agency}/{slug}/mulai")
def start(
    request: Request, session: SessionDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Start (or resume) a draft and go to the first page."""
    if isinstance(form, Response):
        return form
    live = catalog.live_service(session, agency, slug)
    if live is None or live.version.id is None:
        return _not_found(request)
    if live.retired:
        return render(
            request, "error.html", {"heading": t("retired", language(request)), "message": ""}, 410
        )
    settings = request.app.state.settings
    cookie = draft_cookie_name(agency, slug)
    draft = (
        store.get_draft(session, request.cookies.get(cookie, ""))
        if request.cookies.get(cookie)
        else None
    )
    if draft is None or draft.submission_id is not None:
        draft = store.create_draft(
            session,
            service_version_id=live.version.id,
            ttl=dt.timedelta(hours=settings.draft_ttl_hours),
        )
        session.commit()
    first = _form_pages(live.compiled, draft.answers)
    target = (
        f"{_base(agency, slug)}/isi/{first[0].id}" if first else f"{_base(agency, slug)}/periksa"
    )
    return _with_draft_cookie(
        RedirectResponse(target, status_code=303), request, agency, slug, draft.id
    )


def _secure(request: Request) -> bool:
    base_url = request.app.state.settings.base_url
    return bool(base_url and base_url.startswith("https"))


def _with_draft_cookie(
    response: Response, request: Request, agency: str, slug: str, draft_id: str
) -> Response:
    """Set (or renew, as the draft's life is extended on every save) the visitor's draft cookie."""
    response.set_cookie(
        draft_cookie_name(agency, slug),
        draft_id,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path=_base(agency, slug),
        max_age=request.app.state.settings.draft_ttl_hours * 3600,
    )
    return response


# -- the form ----------------------------------------------------------------------------------


class _Context:
    """The draft and compiled version a request works on."""

    def __init__(self, draft: FormDraft, compiled: CompiledService, agency_name: str) -> None:
        self.draft = draft
        self.compiled = compiled
        self.agency_name = agency_name


def _load(request: Request, session: Session, agency: str, slug: str) -> _Context | Response:
    draft_id = request.cookies.get(draft_cookie_name(agency, slug))
    draft = store.get_draft(session, draft_id) if draft_id else None
    if draft is None:
        return RedirectResponse(_base(agency, slug), status_code=303)
    found = catalog.compiled_version(session, draft.service_version_id)
    if found is None:
        return _not_found(request)
    version, compiled = found
    definition = version.definition
    if definition.get("agency") != agency or definition.get("id") != slug:
        return _not_found(request)
    return _Context(draft, compiled, str(agency))


def _declaration_page(page: PagePlan) -> bool:
    """A page of declarations and their notices: it is shown on the check-your-answers page."""
    return all(f.type in {"declaration", "notice"} for f in page.fields) and any(
        f.type == "declaration" for f in page.fields
    )


def _htmx_redirect(request: Request, response: Response) -> Response:
    """A redirect htmx follows as a full page load (it would swap the target otherwise)."""
    location = response.headers.get("location")
    if location and is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return response


def _form_pages(compiled: CompiledService, answers: Mapping[str, Any]) -> list[PagePlan]:
    """Visible pages that have something to fill in here (declarations are asked at the end)."""
    return [
        p
        for p in compiled.visible_pages(answers)
        if not _declaration_page(p) and any(f.type != "declaration" for f in p.fields)
    ]


def _shown_names(views: list[FieldView]) -> set[str]:
    """Input names of the questions on a rendered page, group items included."""
    names = set()
    for view in views:
        if view.hidden:
            continue
        names.add(view.name)
        for item in view.items:
            names.update(child.name for child in item if not child.hidden)
    return names


def _input_name(pointer: str) -> str:
    return pointer.strip("/").replace("/", ".")


def _page_context(
    request: Request,
    ctx: _Context,
    page: PagePlan,
    answers: Mapping[str, Any],
    errors: list[AnswerError],
    agency: str,
    slug: str,
    *,
    new_fields: bool = False,
    extra_items: Mapping[str, int] | None = None,
    return_to: str = "",
) -> dict[str, Any]:
    lang = language(request)
    pages = _form_pages(ctx.compiled, answers)
    ids = [p.id for p in pages]
    step = ids.index(page.id) + 1 if page.id in ids else 1
    base = _base(agency, slug)
    back = f"{base}/isi/{ids[step - 2]}" if step > 1 else base
    views = field_views(
        ctx.compiled, page, answers, errors, lang, extra_items=extra_items, slots=True
    )
    controlling = {
        leaf for plan in page.fields for leaf in conditions.referenced_fields(plan.condition)
    }
    for plan in page.fields:
        for child in plan.children:
            controlling |= conditions.referenced_fields(child.condition)
    return_to = return_to or request.query_params.get("kembali") or ""
    return {
        "d": ctx.compiled.definition,
        "field_cache_key": ctx.compiled.digest,
        "page": page,
        "fields": views,
        "step": step,
        "steps": len(ids),
        "errors": errors,
        "back_url": back,
        "action": f"{base}/isi/{page.id}",
        "validate_url": f"{base}/isi/{page.id}/validasi",
        "reveal_url": f"{base}/isi/{page.id}/tampil",
        "controlling": controlling,
        "shown": " ".join(sorted(_shown_names(views))),
        "new_fields": new_fields,
        "return_to": "periksa" if return_to == "periksa" else "",
        "self_url": f"{base}/isi/{page.id}"
        + ("?kembali=periksa" if return_to == "periksa" else ""),
    }


@router.get("/layanan/{agency}/{slug}/isi/{page_id}")
def form_page(
    request: Request, session: SessionDep, agency: str, slug: str, page_id: str
) -> Response:
    """One page of the form with the answers so far."""
    ctx = _load(request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    if ctx.draft.submission_id:
        return RedirectResponse(f"{_base(agency, slug)}/terkirim", status_code=303)
    page = ctx.compiled.page(page_id)
    if page is None:
        return _not_found(request)
    shown = _form_pages(ctx.compiled, ctx.draft.answers)
    if page.id not in {p.id for p in shown}:
        # a page hidden by the answers so far (or only declarations): go to the next one
        later = [p for p in shown if p.index > page.index]
        target = f"isi/{later[0].id}" if later else "periksa"
        return RedirectResponse(f"{_base(agency, slug)}/{target}", status_code=303)
    return render(
        request, "page.html", _page_context(request, ctx, page, ctx.draft.answers, [], agency, slug)
    )


def _apply_uploads(
    request: Request,
    session: Session,
    ctx: _Context,
    page: PagePlan,
    form: FormData,
    answers: dict[str, Any],
) -> list[AnswerError]:
    """Store the page's uploaded files; return errors for rejected ones."""
    settings = request.app.state.settings
    lang_errors: list[AnswerError] = []
    for plan in page.fields:
        if plan.type != "file":
            continue
        upload = form.get(plan.key)
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        max_mb = float(plan.spec.get("max_mb", 2))
        accept = list(plan.spec.get("accept", []))
        try:
            stored = store_upload(
                upload,
                data_dir=settings.data_dir,
                max_bytes=int(max_mb * 1024 * 1024),
                accept=accept,
            )
        except UploadRejected as exc:
            names = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}
            types = ", ".join(names.get(a, a) for a in accept)
            key = {"too_big": "file_too_big", "bad_type": "file_bad_type", "empty": "file_empty"}[
                exc.reason
            ]
            message = {lang: t(key, lang, mb=f"{max_mb:g}", types=types) for lang in ("id", "en")}
            lang_errors.append(AnswerError(f"/{plan.key}", plan.key, "invalid", message))
            continue
        session.add(
            Attachment(
                id=stored.id,
                draft_id=ctx.draft.id,
                field_key=plan.key,
                original_name=stored.original_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_name=stored.storage_name,
            )
        )
        answers[plan.key] = stored.answer()
    return lang_errors


def _file_ids(answers: Mapping[str, Any]) -> set[str]:
    """Ids of the stored files the answers refer to."""
    return {
        str(value["id"])
        for value in answers.values()
        if isinstance(value, Mapping) and isinstance(value.get("id"), str)
    }


def _discard_attachments(session: Session, draft_id: str, keep: set[str]) -> list[str]:
    """Delete a draft's files that are no longer answers (replaced, or hidden at submit).

    Returns their storage names, to remove from disk once the transaction has committed.
    """
    rows = session.exec(
        select(Attachment.id, Attachment.storage_name).where(
            Attachment.draft_id == draft_id, col(Attachment.submission_id).is_(None)
        )
    ).all()
    gone = [(row_id, name) for row_id, name in rows if row_id not in keep]
    if gone:
        session.exec(
            delete(Attachment)
            .where(
                col(Attachment.id).in_([row_id for row_id, _ in gone]),
                col(Attachment.submission_id).is_(None),
            )
            .execution_options(synchronize_session=False)
        )
    return [name for _, name in gone]


def _remove_files(data_dir: Path, storage_names: list[str]) -> None:
    for name in storage_names:
        attachment_path(data_dir, name).unlink(missing_ok=True)


def _group_action(action: str, answers: dict[str, Any]) -> dict[str, int] | None:
    """Apply an add/remove button of a repeatable group; returns extra empty items to show."""
    parts = action.split(":")
    if parts[0] == "add" and len(parts) == 2:
        return {parts[1]: 1}
    if parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit():
        items = answers.get(parts[1])
        index = int(parts[2])
        if isinstance(items, list) and index < len(items):
            answers[parts[1]] = items[:index] + items[index + 1 :]
        return {}
    return None


FORM_MARGIN_BYTES = 512 * 1024  # the text answers of one page, with room to spare


def _page_body_limit(
    request: Request, session: SessionDep, agency: str, slug: str, page_id: str
) -> _Context | Response:
    """Load the draft and cap this page's request body, while it streams in, at what its file
    fields allow; the route gets the loaded draft (loaded once per request).

    The global body limit stays the outer bound; a page without uploads takes only text. This
    runs before the form is parsed (it is declared before PostedForm), so an oversized upload
    is cut off as it arrives instead of being spooled to disk first.
    """
    ctx = _load(request, session, agency, slug)
    page = ctx.compiled.page(page_id) if isinstance(ctx, _Context) else None
    files = (
        [float(f.spec.get("max_mb", 2)) for f in page.fields if f.type == "file"] if page else []
    )
    limit = min(
        request.app.state.settings.body_limit_bytes,
        int(sum(files) * 1024 * 1024) + FORM_MARGIN_BYTES,
    )
    receive = request._receive
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(f"page body over {limit} bytes")
        return message

    request._receive = limited
    return ctx


PageBodyLimit = Annotated[_Context | Response, Depends(_page_body_limit)]


@router.post("/layanan/{agency}/{slug}/isi/{page_id}")
def save_page(
    request: Request,
    session: SessionDep,
    agency: str,
    slug: str,
    page_id: str,
    ctx: PageBodyLimit,
    form: PostedForm,
) -> Response:
    """Save one page: re-show it with errors (422), or go to the next page."""
    if isinstance(form, Response):
        return form
    if isinstance(ctx, Response):
        return ctx
    base = _base(agency, slug)
    if ctx.draft.submission_id:
        return RedirectResponse(f"{base}/terkirim", status_code=303)
    page = ctx.compiled.page(page_id)
    if page is None:
        return _not_found(request)
    fields = _listing(form)
    return_to = "periksa" if (fields.get("_return") or [""])[0] == "periksa" else ""
    answers = merge(ctx.draft.answers, parse_page(page, fields))
    upload_errors = _apply_uploads(request, session, ctx, page, form, answers)
    settings = request.app.state.settings
    ttl = dt.timedelta(hours=settings.draft_ttl_hours)
    action = (fields.get("_action") or ["next"])[0]
    extra = _group_action(action, answers) if action != "next" else None
    replaced = _discard_attachments(session, ctx.draft.id, _file_ids(answers))
    try:
        store.save_draft_answers(session, draft_id=ctx.draft.id, answers=answers, ttl=ttl)
    except store.DraftAlreadySubmitted:
        session.rollback()
        return RedirectResponse(f"{base}/terkirim", status_code=303)
    except store.DraftNotFound:
        session.rollback()
        return RedirectResponse(base, status_code=303)
    session.commit()
    _remove_files(settings.data_dir, replaced)
    response = _after_save(
        request, ctx, page, fields, answers, upload_errors, extra, agency, slug, return_to
    )
    return _with_draft_cookie(response, request, agency, slug, ctx.draft.id)


def _after_save(
    request: Request,
    ctx: _Context,
    page: PagePlan,
    fields: dict[str, list[str]],
    answers: dict[str, Any],
    upload_errors: list[AnswerError],
    extra: dict[str, int] | None,
    agency: str,
    slug: str,
    return_to: str,
) -> Response:
    """The page again (group button, new questions, errors), or on to the next page."""
    base = _base(agency, slug)
    if extra is not None:
        context = _page_context(
            request, ctx, page, answers, [], agency, slug, extra_items=extra, return_to=return_to
        )
        return render(request, "page.html", context)
    # Without JavaScript, an answer can reveal questions on the same page: the page is then
    # shown again (200, with a notice) and the new questions are not yet held against them.
    shown = set((fields.get("_shown") or [""])[0].split())
    visible_now = _shown_names(field_views(ctx.compiled, page, answers, [], "id"))
    appeared = bool(visible_now - shown) and "_shown" in fields
    errors = located(
        ctx.compiled,
        [
            e
            for e in ctx.compiled.page_errors(page.id, answers)
            if ctx.compiled.fields[e.key].type != "declaration"
        ],
    )
    if appeared:
        errors = [e for e in errors if _input_name(e.pointer) in shown]
    errors = upload_errors + [e for e in errors if e.key not in {u.key for u in upload_errors}]
    if errors or appeared:
        context = _page_context(
            request,
            ctx,
            page,
            answers,
            errors,
            agency,
            slug,
            new_fields=appeared,
            return_to=return_to,
        )
        return render(request, "page.html", context, 422 if errors else 200)
    if return_to:
        return RedirectResponse(f"{base}/periksa", status_code=303)
    later = [p for p in _form_pages(ctx.compiled, answers) if p.index > page.index]
    target = f"isi/{later[0].id}" if later else "periksa"
    return RedirectResponse(f"{base}/{target}", status_code=303)


@router.post("/layanan/{agency}/{slug}/isi/{page_id}/validasi")
def validate_field(
    request: Request,
    session: SessionDep,
    agency: str,
    slug: str,
    page_id: str,
    form: PostedForm,
    field: str = "",
) -> Response:
    """htmx: check one field when it changes and return it re-rendered (nothing is saved)."""
    if isinstance(form, Response):
        return form
    ctx = _load(request, session, agency, slug)
    if isinstance(ctx, Response):
        return _htmx_redirect(request, ctx)
    page = ctx.compiled.page(page_id)
    if page is None:
        return _not_found(request)
    answers = merge(ctx.draft.answers, parse_page(page, _listing(form)))
    pointer = "/" + field.replace(".", "/")
    errors = [
        e
        for e in located(ctx.compiled, ctx.compiled.page_errors(page.id, answers))
        if e.pointer == pointer
    ]
    views = field_views(ctx.compiled, page, answers, errors, language(request))
    target = next((v for v in views if v.name == field), None)
    if target is None:
        for view in views:
            for item in view.items:
                target = next((c for c in item if c.name == field), target)
    context = _page_context(request, ctx, page, answers, errors, agency, slug)
    if not is_htmx(request):
        return render(request, "page.html", context, 422 if errors else 200)
    if target is None:
        return Response(status_code=204)
    return render(request, "_partials/field.html", {**context, "f": target})


@router.post("/layanan/{agency}/{slug}/isi/{page_id}/tampil")
def reveal(
    request: Request, session: SessionDep, agency: str, slug: str, page_id: str, form: PostedForm
) -> Response:
    """htmx: the page's fields again, showing or hiding conditional ones (nothing is saved)."""
    if isinstance(form, Response):
        return form
    ctx = _load(request, session, agency, slug)
    if isinstance(ctx, Response):
        return _htmx_redirect(request, ctx)
    page = ctx.compiled.page(page_id)
    if page is None:
        return _not_found(request)
    fields = _listing(form)
    answers = merge(ctx.draft.answers, parse_page(page, fields))
    context = _page_context(request, ctx, page, answers, [], agency, slug)
    if not is_htmx(request):
        return render(request, "page.html", context)
    # Only the questions that appear or disappear are sent (out of band, into their slots):
    # whatever the citizen typed elsewhere while the request was on its way stays as it is.
    before = set((fields.get("_shown") or [""])[0].split())
    now = _shown_names(context["fields"])
    changed = []
    for view in context["fields"]:
        if view.name in before ^ now:
            changed.append(view)
            continue
        for item in view.items:
            changed.extend(child for child in item if child.name in before ^ now)
    return render(
        request,
        "_partials/reveal.html",
        {**context, "changed": changed, "appeared": bool(now - before)},
    )


# -- check answers and submit --------------------------------------------------------------------


def _display(plan: FieldPlan, value: Any, lang: str) -> str:
    """An answer as the applicant checks it: their own NIK in full (elsewhere it is masked)."""
    if value is None:
        return ""
    if plan.type == "nik" and isinstance(value, str):
        return value
    return plan.kind.display(plan.spec, value, lang)


def _sections(
    ctx: _Context, answers: Mapping[str, Any], lang: str, base: str
) -> list[dict[str, Any]]:
    pruned = ctx.compiled.prune(answers)
    sections = []
    for page in _form_pages(ctx.compiled, pruned):
        rows = []
        for plan in page.fields:
            if plan.type in {"notice", "declaration"} or not conditions.evaluate(
                plan.condition, pruned
            ):
                continue
            value = pruned.get(plan.key)
            if plan.type == "group":
                lines = []
                for index, item in enumerate(value or []):
                    parts = [
                        _display(c, item.get(c.key), lang)
                        for c in plan.children
                        if c.has_value and item.get(c.key) is not None
                    ]
                    lines.append(f"{index + 1}. " + ", ".join(p for p in parts if p))
            else:
                shown = _display(plan, value, lang)
                lines = [shown] if shown else []
            rows.append(
                {
                    "label": plan.label(lang),
                    "lines": lines,
                    "change_url": f"{base}/isi/{page.id}?kembali=periksa#f-{plan.key}",
                }
            )
        sections.append({"title": page.title(lang), "rows": rows})
    return sections


def _declarations(
    ctx: _Context, answers: Mapping[str, Any], errors: list[AnswerError], lang: str
) -> list[FieldView]:
    by_pointer = {e.pointer: e.text(lang) for e in errors}
    pruned = ctx.compiled.prune(answers)
    views = []
    for page in ctx.compiled.visible_pages(answers):
        with_notices = _declaration_page(page)
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
    ctx: _Context,
    answers: Mapping[str, Any],
    errors: list[AnswerError],
    agency: str,
    slug: str,
    status_code: int = 200,
) -> Response:
    lang = language(request)
    base = _base(agency, slug)
    pages = _form_pages(ctx.compiled, answers)
    back = f"{base}/isi/{pages[-1].id}" if pages else base
    return render(
        request,
        "check.html",
        {
            "d": ctx.compiled.definition,
            "sections": _sections(ctx, answers, lang, base),
            "errors": errors,
            "declarations": _declarations(ctx, answers, errors, lang),
            "action": f"{base}/kirim",
            "back_url": back,
            "self_url": f"{base}/periksa",
        },
        status_code,
    )


def _first_error_page(
    ctx: _Context, answers: Mapping[str, Any], errors: list[AnswerError]
) -> str | None:
    keys = {e.key for e in errors if ctx.compiled.fields[e.key].type != "declaration"}
    for page in _form_pages(ctx.compiled, answers):
        if page.keys & keys:
            return page.id
    return None


@router.get("/layanan/{agency}/{slug}/periksa")
def check_answers(request: Request, session: SessionDep, agency: str, slug: str) -> Response:
    """All answers with change links, then the declaration and the submit button."""
    ctx = _load(request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    if ctx.draft.submission_id:
        return RedirectResponse(f"{_base(agency, slug)}/terkirim", status_code=303)
    _, errors = ctx.compiled.check(ctx.draft.answers)
    incomplete = _first_error_page(
        ctx, ctx.draft.answers, [e for e in errors if e.key in ctx.compiled.fields]
    )
    if incomplete:
        return RedirectResponse(f"{_base(agency, slug)}/isi/{incomplete}", status_code=303)
    return _check_page(request, ctx, ctx.draft.answers, [], agency, slug)


@router.post("/layanan/{agency}/{slug}/kirim")
def submit(
    request: Request, session: SessionDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """File the application once: commit, then show the receipt."""
    if isinstance(form, Response):
        return form
    ctx = _load(request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    base = _base(agency, slug)
    if ctx.draft.submission_id:
        return RedirectResponse(f"{base}/terkirim", status_code=303)
    fields = _listing(form)
    answers = dict(ctx.draft.answers)
    for plan in ctx.compiled.fields.values():
        if plan.type == "declaration":
            value, _ = plan.kind.parse(plan.spec, fields.get(plan.key, []))
            answers.pop(plan.key, None)
            if value is not None:
                answers[plan.key] = value
    pruned, errors = ctx.compiled.check(answers)
    errors = located(ctx.compiled, [e for e in errors if e.key in ctx.compiled.fields])
    if errors:
        incomplete = _first_error_page(ctx, answers, errors)
        if incomplete:
            return RedirectResponse(f"{base}/isi/{incomplete}", status_code=303)
        return _check_page(request, ctx, answers, errors, agency, slug, 422)
    if ctx.draft.editing_submission_id:
        from runtime.routes.applicant import resubmit  # the applicant's corrections

        hidden = _discard_attachments(session, ctx.draft.id, _file_ids(pruned))
        response = resubmit(request, session, ctx.draft, pruned, _file_ids(pruned))
        if response.status_code == 303:
            _remove_files(request.app.state.settings.data_dir, hidden)
        return response
    definition = ctx.compiled.definition
    initial = definition["workflow"]["initial"]
    sla = definition["workflow"]["states"][initial].get("sla_days")
    now = _now()
    due = request.app.state.calendar.due_at(now, int(sla)) if sla else None
    hidden_files = _discard_attachments(session, ctx.draft.id, _file_ids(pruned))
    try:
        case, secret = store.submit_draft(
            session,
            draft_id=ctx.draft.id,
            answers=pruned,
            initial_state=initial,
            due_at=due,
            now=now,
        )
    except store.StoreError:
        session.rollback()  # the draft expired meanwhile: start again
        return RedirectResponse(base, status_code=303)
    session.commit()
    if secret is not None:
        _remove_files(request.app.state.settings.data_dir, hidden_files)
    response = RedirectResponse(f"{base}/terkirim", status_code=303)
    if secret is not None:
        settings = request.app.state.settings
        response.set_cookie(
            RECEIPT_COOKIE,
            sign(settings.secret_key, f"{case.id}:{secret}"),
            httponly=True,
            samesite="lax",
            secure=_secure(request),
            path="/",
            max_age=86400,
        )
    return response


def _status_url(case: Submission, secret: str) -> str:
    return f"/status/{case.reference}/{secret}"


def _expected(request: Request, case: Submission, definition: Mapping[str, Any]) -> str:
    duration = definition.get("standard", {}).get("duration_days")
    if not duration or case.final_outcome:
        return ""
    start = case.created_at.astimezone(WIB).date()
    return _format_date(
        request.app.state.calendar.add_working_days(start, int(duration)), language(request)
    )


@router.get("/layanan/{agency}/{slug}/terkirim")
def receipt(request: Request, session: SessionDep, agency: str, slug: str) -> Response:
    """The reference number and the private status link, shown after the commit."""
    settings = request.app.state.settings
    value = unsign(settings.secret_key, request.cookies.get(RECEIPT_COOKIE))
    case = None
    secret = ""
    if value and ":" in value:
        case_id, secret = value.split(":", 1)
        found = session.get(Submission, case_id)
        if found is not None and secrets_equal(hash_secret(secret), found.secret_hash):
            case = found
    if case is None:
        return render(request, "receipt.html", {"case": None})
    version = catalog.compiled_version(session, case.service_version_id)
    definition = version[0].definition if version else {}
    url = _status_url(case, secret)
    full = (settings.base_url or str(request.base_url).rstrip("/")) + url
    return render(
        request,
        "receipt.html",
        {
            "case": case,
            "status_url": url,
            "status_full_url": full,
            "expected": _expected(request, case, definition),
        },
    )


# -- status ------------------------------------------------------------------------------------


@router.get("/status")
def status_lookup(request: Request) -> Response:
    """How to find the status of an application."""
    return render(request, "status_lookup.html", {})


def _state_label(definition: Mapping[str, Any], state: str | None, lang: str) -> str:
    info = definition.get("workflow", {}).get("states", {}).get(state or "", {})
    return localise(info.get("public_label") or info.get("label"), lang) or (state or "")


def _timeline(
    events: list[CaseEvent], definition: Mapping[str, Any], lang: str
) -> list[dict[str, str]]:
    rows = []
    for event in events:
        if event.action == "submit":
            label = t("status_submitted", lang)
        else:
            label = _state_label(definition, event.to_state, lang)
        rows.append(
            {
                "label": label,
                "when": _format_date(event.at, lang),
                "comment": event.comment if event.comment_public and event.comment else "",
            }
        )
    return rows


@router.get("/status/{reference}/{secret}")
def status(request: Request, session: SessionDep, reference: str, secret: str) -> Response:
    """The citizen-facing state and timeline of a case (same not-found for a wrong reference or secret)."""
    case = store.find_submission(session, reference, secret)
    if case is None:
        return error_page(request, 404, "not_found", "case_not_found")
    lang = language(request)
    found = catalog.compiled_version(session, case.service_version_id)
    definition = found[0].definition if found else {}
    events = store.list_events(session, case.id)
    attachments = session.exec(
        select(Attachment)
        .where(Attachment.submission_id == case.id)
        .order_by(col(Attachment.created_at))
    ).all()
    outcome = case.final_outcome
    tag = (
        "ok" if outcome == "approved" else "bad" if outcome in {"rejected", "withdrawn"} else "wait"
    )
    base = _status_url(case, secret)
    from runtime.routes.applicant import applicant_options

    return render(
        request,
        "status.html",
        {
            **applicant_options(session, case),
            "action_base": base,
            "case": case,
            "title": localise(definition.get("title"), lang),
            "state_label": _state_label(definition, case.state, lang),
            "tag": tag,
            "due": _format_date(case.due_at, lang) if case.due_at and not outcome else "",
            "expected": _expected(request, case, definition),
            "timeline": _timeline(list(events), definition, lang),
            "attachments": [
                {
                    "name": a.original_name,
                    "size_kb": max(1, round(a.size / 1024)),
                    "url": f"{base}/berkas/{a.id}",
                }
                for a in attachments
            ],
        },
    )


@router.get("/status/{reference}/{secret}/berkas/{attachment_id}")
def status_download(
    request: Request, session: SessionDep, reference: str, secret: str, attachment_id: str
) -> Response:
    """Download one of the applicant's own files, as an attachment."""
    case = store.find_submission(session, reference, secret)
    attachment = session.get(Attachment, attachment_id) if case is not None else None
    if case is None or attachment is None or attachment.submission_id != case.id:
        return error_page(request, 404, "not_found", "case_not_found")
    return download_response(request.app.state.settings.data_dir, attachment)


def download_response(data_dir: Path, attachment: Attachment) -> Response:
    """A stored file sent as a download, never rendered inline."""
    path = attachment_path(data_dir, attachment.storage_name)
    return FileResponse(
        path,
        media_type=attachment.content_type,
        filename=attachment.original_name,
        content_disposition_type="attachment",
    )


__all__ = ["download_response", "is_htmx", "router"]
