"""Citizen pages: the form, page by page (show, save, htmx checks and reveals, uploads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from builder import conditions
from builder.answers import AnswerError
from builder.compiler import FieldPlan, PagePlan
from builder.fields import FileField
from runtime import db, page_shell, store
from runtime.deps import RequestSession, SessionDep, bounded_int
from runtime.field_render import upload_refusal
from runtime.forms import MAX_GROUP_ITEMS, FieldView, field_views, located, merge, parse_page
from runtime.i18n import t
from runtime.models import Attachment
from runtime.routes.citizen import (
    DraftContext,
    discard_attachments,
    file_ids,
    form_pages,
    htmx_redirect,
    listing,
    load_draft,
    not_found,
    pages_base,
    read_draft,
    remove_files,
    service_base,
    with_draft_cookie,
)
from runtime.routes.exits import exit_url
from runtime.security import limited_receive, upload_read_limit
from runtime.uploads import UploadRejected, check_upload, store_upload
from runtime.web import FILE_CAPS, FORM_LIMITS, PostedForm, is_htmx, language, render

router = APIRouter()


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


def page_context(
    request: Request,
    ctx: DraftContext,
    page: PagePlan,
    answers: Mapping[str, Any],
    errors: list[AnswerError],
    agency: str,
    slug: str,
    *,
    new_fields: bool = False,
    extra_items: Mapping[str, int] | None = None,
    return_to: str = "",
    pages: list[PagePlan] | None = None,
    open_items: Mapping[str, set[int]] | None = None,
    pruned: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What `page.html` shows. `pages`: the visible form pages, and `pruned`:
    `ctx.compiled.prune(answers)`, when the caller has them already (pruning is worked out
    once per request)."""
    lang = language(request)
    if pruned is None:
        pruned = ctx.compiled.prune(answers)
    pages = form_pages(ctx.compiled, answers, pruned=pruned) if pages is None else pages
    ids = [p.id for p in pages]
    step = ids.index(page.id) + 1 if page.id in ids else 1
    base = pages_base(ctx, agency, slug)
    back = f"{base}/isi/{ids[step - 2]}" if step > 1 else base
    views = field_views(
        ctx.compiled,
        page,
        answers,
        errors,
        lang,
        extra_items=extra_items,
        slots=True,
        fold=_item_problems(ctx, page, answers),
        open_items=open_items,
        questioned=ctx.questioned,
        pruned=pruned,
    )
    controlling = {
        leaf for plan in page.fields for leaf in conditions.referenced_fields(plan.condition)
    }
    for plan in page.fields:
        for child in plan.children:
            controlling |= conditions.referenced_fields(child.condition)
    controlling |= {  # a choice that filters another field's options on this page
        str(plan.spec["filter_by"])
        for plan in page.fields
        if plan.spec.get("filter_by") in page.keys
        and ctx.compiled.fields[str(plan.spec["filter_by"])].type == "choice"
    }
    return_to = return_to or request.query_params.get("kembali") or ""
    return {
        "d": ctx.compiled.definition,
        "field_cache_key": ctx.compiled.digest,
        "page": page,
        "has_groups": any(plan.type == "group" for plan in page.fields),
        "fields": views,
        "step": step,
        "steps": len(ids),
        "errors": errors,
        "back_url": back,
        "action": f"{base}/isi/{page.id}",
        "resume_action": "" if ctx.trial_base else f"{base}/lanjut-nanti",
        "trial": ctx.trial_base is not None,
        "page_id": page.id,
        "validate_url": f"{base}/isi/{page.id}/validasi",
        "reveal_url": f"{base}/isi/{page.id}/tampil",
        "region_url": f"{base}/isi/{page.id}/wilayah",
        "controlling": controlling,
        "shown": " ".join(sorted(_shown_names(views))),
        "new_fields": new_fields,
        "return_to": "periksa" if return_to == "periksa" else "",
        "self_url": f"{base}/isi/{page.id}"
        + ("?kembali=periksa" if return_to == "periksa" else ""),
        "correction": ctx.correction,
    }


def _item_problems(
    ctx: DraftContext, page: PagePlan, answers: Mapping[str, Any]
) -> dict[str, set[int]]:
    """For each group on the page, the items whose answers still have a problem."""
    groups = {plan.key for plan in page.fields if plan.type == "group"}
    problems: dict[str, set[int]] = {key: set() for key in groups}
    if not groups:
        return problems
    for error in ctx.compiled.page_errors(page.id, answers, ctx.today):
        parts = error.pointer.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in groups and parts[1].isdigit():
            problems[parts[0]].add(int(parts[1]))
    return problems


@router.get("/layanan/{agency}/{slug}/isi/{page_id}")
async def form_page(request: Request) -> Response:
    """One page of the form with the answers so far (async: no thread hand-off on SQLite;
    the draft read with one Core query, no ORM session, unless it corrects a case). The path
    parameters are read from the request: three strings need no checking by FastAPI."""
    params = request.path_params
    agency, slug, page_id = str(params["agency"]), str(params["slug"]), str(params["page_id"])
    ctx = await read_draft(request, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    if ctx is not None:
        if ctx.draft.submission_id:
            return RedirectResponse(f"{service_base(agency, slug)}/terkirim", status_code=303)
        return show_page(request, ctx, page_id, agency, slug)
    async with RequestSession(request) as session:
        return await _form_page(request, session, agency, slug, page_id)


async def _form_page(
    request: Request, session: Session, agency: str, slug: str, page_id: str
) -> Response:
    ctx = await db.reading(session, load_draft, request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    if ctx.draft.submission_id:
        return RedirectResponse(f"{service_base(agency, slug)}/terkirim", status_code=303)
    return show_page(request, ctx, page_id, agency, slug)


def show_page(
    request: Request, ctx: DraftContext, page_id: str, agency: str, slug: str
) -> Response:
    """One page with the answers so far; a page the answers hide leads on to the next one."""
    page = ctx.compiled.page(page_id)
    if page is None:
        return not_found(request)
    pruned = ctx.compiled.prune(ctx.draft.answers)
    shown = form_pages(ctx.compiled, ctx.draft.answers, pruned=pruned)
    if page.id not in {p.id for p in shown}:
        # a page hidden by the answers so far (or only declarations): go to the next one
        later = [p for p in shown if p.index > page.index]
        target = f"isi/{later[0].id}" if later else "periksa"
        return RedirectResponse(f"{pages_base(ctx, agency, slug)}/{target}", status_code=303)
    context = page_context(
        request, ctx, page, ctx.draft.answers, [], agency, slug, pages=shown, pruned=pruned
    )
    return page_shell.render_page(request, context)


FIELD_KEY_LENGTH = 100  # Attachment.field_key's column


def _file_inputs(page: PagePlan, answers: Mapping[str, Any]) -> list[tuple[FieldPlan, str, Any]]:
    """The page's file inputs: (field, input name, the answers holding it). A file inside a
    repeatable group has one input per item, named like the item's other inputs
    (`anggota.1.akta`), and its answer is kept in the item."""
    found: list[tuple[FieldPlan, str, Any]] = []
    for plan in page.fields:
        if plan.type == "file":
            found.append((plan, plan.key, None))
        elif plan.type == "group":
            items = answers.get(plan.key)
            for index, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict):
                    for child in plan.children:
                        if child.type == "file":
                            found.append((child, f"{plan.key}.{index}.{child.key}", item))
    return found


def _apply_uploads(
    request: Request,
    session: Session,
    ctx: DraftContext,
    page: PagePlan,
    form: FormData,
    answers: dict[str, Any],
) -> list[AnswerError]:
    """Store the page's uploaded files; return errors for rejected ones.

    A file's Attachment row is recorded under its input name (`field_key`: `ktp`, or
    `anggota.1.akta` for the item that was second when the file was sent; only the child's key
    when group and child keys are too long together for the column)."""
    lang_errors: list[AnswerError] = []
    for plan, name, holder in _file_inputs(page, answers):
        uploads = [u for u in form.getlist(name) if isinstance(u, UploadFile) and u.filename]
        if not uploads:
            continue
        pointer, top = "/" + name.replace(".", "/"), name.split(".")[0]
        most = FileField.max_files(plan.spec)
        if len(uploads) > most:
            message = {lang: t("file_too_many", lang, count=most) for lang in ("id", "en")}
            lang_errors.append(AnswerError(pointer, top, "max_items", message))
            continue
        accept = list(plan.spec.get("accept", []))
        kept: list[dict[str, Any]] = []
        for upload in uploads:
            try:
                if ctx.trial_base:  # a studio trial: the file is checked, not kept
                    stored = check_upload(upload, max_bytes=_max_bytes(plan), accept=accept)
                else:
                    stored = store_upload(
                        upload,
                        store=request.app.state.store,
                        max_bytes=_max_bytes(plan),
                        accept=accept,
                    )
            except UploadRejected as exc:
                message = upload_refusal(plan.spec, exc.reason)
                lang_errors.append(AnswerError(pointer, top, "invalid", message))
                kept = []
                break
            if not ctx.trial_base:
                session.add(
                    Attachment(
                        id=stored.id,
                        draft_id=ctx.draft.id,
                        field_key=name if len(name) <= FIELD_KEY_LENGTH else plan.key,
                        original_name=stored.original_name,
                        content_type=stored.content_type,
                        size=stored.size,
                        sha256=stored.sha256,
                        storage_name=stored.storage_name,
                    )
                )
            kept.append(stored.answer())
        if kept:  # a new choice of files replaces the earlier ones
            (answers if holder is None else holder)[plan.key] = kept if most > 1 else kept[0]
    return lang_errors


def _group_action(
    action: str, answers: dict[str, Any], opened: dict[str, set[int]]
) -> dict[str, int] | None:
    """Apply an add/remove/change button of a repeatable group, or a region field's next-list
    button; returns extra empty items to show (None: not such a button; the item to open for
    a change goes into `opened`)."""
    parts = action.split(":")
    if action in {"wilayah", "pilihan"}:  # a region's next list, dependent options: the page
        # again, nothing checked yet; group items stay open (a region in one is being chosen)
        for key, items in answers.items():
            if isinstance(items, list) and all(isinstance(item, dict) for item in items):
                opened[key] = set(range(len(items)))
        return {}
    if parts[0] == "add" and len(parts) == 2:
        return {parts[1]: 1}
    if parts[0] == "edit" and len(parts) == 3 and bounded_int(parts[2]) is not None:
        opened[parts[1]] = {int(parts[2])}
        return {}
    if parts[0] == "remove" and len(parts) == 3 and bounded_int(parts[2]) is not None:
        items = answers.get(parts[1])
        index = int(parts[2])
        if isinstance(items, list) and index < len(items):
            answers[parts[1]] = items[:index] + items[index + 1 :]
        return {}
    return None


FORM_MARGIN_BYTES = 512 * 1024  # the text answers of one page, with room to spare


def _max_bytes(plan: FieldPlan) -> int:
    """The most a file field may hold, from its `max_mb` (2 MB when the definition is silent)."""
    return int(float(plan.spec.get("max_mb", 2)) * 1024 * 1024)


def _file_caps(page: PagePlan) -> dict[str, int]:
    """The most each file input of the page may hold, by input name (a file in a repeatable
    group: one input per possible item)."""
    caps = {f.key: _max_bytes(f) for f in page.fields if f.type == "file"}
    for plan in page.fields:
        if plan.type != "group":
            continue
        most = plan.spec.get("max_items")
        count = min(MAX_GROUP_ITEMS, most) if isinstance(most, int) else MAX_GROUP_ITEMS
        for child in plan.children:
            if child.type == "file":
                cap = _max_bytes(child)
                caps.update({f"{plan.key}.{i}.{child.key}": cap for i in range(count)})
    return caps


def _page_body_limit(
    request: Request, session: SessionDep, agency: str, slug: str, page_id: str
) -> DraftContext | Response:
    """Load the draft and cap this page's request body, while it streams in, at what its file
    fields allow; the route gets the loaded draft (loaded once per request).

    The global body limit stays the outer bound; a page without uploads takes only text. This
    runs before the form is parsed (it is declared before PostedForm), so an oversized upload
    is cut off as it arrives instead of being spooled to disk first.
    """
    ctx = load_draft(request, session, agency, slug)
    page = ctx.compiled.page(page_id) if isinstance(ctx, DraftContext) else None
    caps = _file_caps(page) if page else {}
    settings = request.app.state.settings
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if caps and media == "multipart/form-data":
        # A file over its limit is read to the end but only its first cap + 1 bytes are kept
        # (and refused beside its field), so the page comes back with every other answer;
        # other file inputs keep nothing and the text parts at most FORM_MARGIN_BYTES.
        limit = upload_read_limit(settings.body_limit_bytes)
        setattr(request.state, FORM_LIMITS, (0, FORM_MARGIN_BYTES))
    else:
        limit = min(settings.body_limit_bytes, sum(caps.values()) + FORM_MARGIN_BYTES)
    request._receive = limited_receive(request._receive, limit)
    setattr(request.state, FILE_CAPS, caps)  # each file no more than its own limit, too
    return ctx


PageBodyLimit = Annotated[DraftContext | Response, Depends(_page_body_limit)]


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
    base = service_base(agency, slug)
    if ctx.draft.submission_id:
        return RedirectResponse(f"{base}/terkirim", status_code=303)
    page = ctx.compiled.page(page_id)
    if page is None:
        return not_found(request)
    posted = read_page(request, session, ctx, page, form)
    ttl = dt.timedelta(hours=request.app.state.settings.draft_ttl_hours)
    answers = posted.answers
    with db.serialised_writes(session):
        replaced = discard_attachments(session, ctx.draft.id, file_ids(answers))
        try:
            store.save_draft_answers(session, draft_id=ctx.draft.id, answers=answers, ttl=ttl)
        except store.DraftAlreadySubmitted:
            session.rollback()
            return RedirectResponse(f"{base}/terkirim", status_code=303)
        except store.DraftNotFound:
            session.rollback()
            return RedirectResponse(base, status_code=303)
        session.commit()
    remove_files(request.app.state.store, replaced)
    response = after_save(request, ctx, page, posted, agency, slug)
    return with_draft_cookie(response, request, agency, slug, ctx.draft.id)


@dataclass
class PostedPage:
    """One posted page applied to the answers so far (nothing saved yet)."""

    fields: dict[str, list[str]]  # the posted text inputs
    answers: dict[str, Any]  # the answers with the page's inputs and uploads
    upload_errors: list[AnswerError]
    extra: dict[str, int] | None  # a group or region button: empty items to show (else None)
    opened: dict[str, set[int]]  # group items to show open
    return_to: str  # "periksa" when the page was opened from the check-your-answers page


def read_page(
    request: Request, session: Session, ctx: DraftContext, page: PagePlan, form: FormData
) -> PostedPage:
    """The answers with one posted page applied: its inputs, its uploads (stored, or in a
    studio trial only checked) and the group or region button pressed."""
    fields = listing(form)
    return_to = "periksa" if (fields.get("_return") or [""])[0] == "periksa" else ""
    answers = merge(ctx.draft.answers, parse_page(page, fields, previous=ctx.draft.answers))
    upload_errors = _apply_uploads(request, session, ctx, page, form, answers)
    action = (fields.get("_action") or ["next"])[0]
    opened: dict[str, set[int]] = {}
    extra = _group_action(action, answers, opened) if action != "next" else None
    return PostedPage(fields, answers, upload_errors, extra, opened, return_to)


def after_save(
    request: Request,
    ctx: DraftContext,
    page: PagePlan,
    posted: PostedPage,
    agency: str,
    slug: str,
) -> Response:
    """The page again (group button, new questions, errors), or on to the next page."""
    fields, answers, upload_errors = posted.fields, posted.answers, posted.upload_errors
    extra, return_to, opened = posted.extra, posted.return_to, posted.opened
    base = pages_base(ctx, agency, slug)
    if extra is not None:
        context = page_context(
            request,
            ctx,
            page,
            answers,
            [],
            agency,
            slug,
            extra_items=extra,
            return_to=return_to,
            open_items=opened,
        )
        return render(request, "page.html", context)
    # Without JavaScript, an answer can reveal questions on the same page: the page is then
    # shown again (200, with a notice) and the new questions are not yet held against them.
    shown = set((fields.get("_shown") or [""])[0].split())
    folded = tuple(name[: -len("_keep")] for name in fields if name.endswith("._keep"))
    visible_now = {
        name
        for name in _shown_names(field_views(ctx.compiled, page, answers, [], "id"))
        if not name.startswith(folded)  # items shown folded were not on the page as questions
    }
    appeared = bool(visible_now - shown) and "_shown" in fields
    errors = located(
        ctx.compiled,
        [
            e
            for e in ctx.compiled.page_errors(page.id, answers, ctx.today)
            if ctx.compiled.fields[e.key].type != "declaration"
        ],
    )
    if appeared:
        errors = [e for e in errors if _input_name(e.pointer) in shown]
    refused = {u.pointer for u in upload_errors}
    errors = upload_errors + [e for e in errors if e.pointer not in refused]
    if errors or appeared:
        refused_items: dict[str, set[int]] = {}  # group items whose file was refused: open
        for error in upload_errors:
            parts = error.pointer.strip("/").split("/")
            if len(parts) == 3 and parts[1].isdigit():
                refused_items.setdefault(parts[0], set()).add(int(parts[1]))
        context = page_context(
            request,
            ctx,
            page,
            answers,
            errors,
            agency,
            slug,
            new_fields=appeared,
            return_to=return_to,
            open_items=refused_items,
        )
        return render(request, "page.html", context, 422 if errors else 200)
    stop = ctx.compiled.exit_for(answers, ctx.today, upto=page.index)
    if stop is not None:
        return RedirectResponse(exit_url(ctx, agency, slug, stop), status_code=303)
    if return_to:
        return RedirectResponse(f"{base}/periksa", status_code=303)
    later = [p for p in form_pages(ctx.compiled, answers) if p.index > page.index]
    target = f"isi/{later[0].id}" if later else "periksa"
    return RedirectResponse(f"{base}/{target}", status_code=303)


def _posted_page(
    request: Request,
    session: Session,
    agency: str,
    slug: str,
    page_id: str,
    form: FormData | Response,
) -> Posted | Response:
    """For the htmx helpers: the draft, the page, its posted inputs and the answers with them
    (nothing is saved), or the response to give instead."""
    if isinstance(form, Response):
        return form
    ctx = load_draft(request, session, agency, slug)
    if isinstance(ctx, Response):
        return htmx_redirect(request, ctx)
    return posted_answers(request, ctx, page_id, form)


Posted = tuple[DraftContext, PagePlan, dict[str, list[str]], dict[str, Any]]


def posted_answers(
    request: Request, ctx: DraftContext, page_id: str, form: FormData
) -> Posted | Response:
    """The page and the answers with its posted inputs (nothing is saved), or "not found"."""
    page = ctx.compiled.page(page_id)
    if page is None:
        return not_found(request)
    fields = listing(form)
    answers = merge(ctx.draft.answers, parse_page(page, fields, previous=ctx.draft.answers))
    return ctx, page, fields, answers


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
    posted = _posted_page(request, session, agency, slug, page_id, form)
    if isinstance(posted, Response):
        return posted
    return checked_field(request, posted, agency, slug, field)


def checked_field(request: Request, posted: Posted, agency: str, slug: str, field: str) -> Response:
    """One field checked and re-rendered (htmx), or the whole page without htmx."""
    ctx, page, _, answers = posted
    pointer = "/" + field.replace(".", "/")
    errors = [
        e
        for e in located(ctx.compiled, ctx.compiled.page_errors(page.id, answers, ctx.today))
        if e.pointer == pointer
    ]
    views = field_views(ctx.compiled, page, answers, errors, language(request))
    target = next((v for v in views if v.name == field), None)
    if target is None:
        for view in views:
            for item in view.items:
                target = next((c for c in item if c.name == field), target)
    context = page_context(request, ctx, page, answers, errors, agency, slug)
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
    posted = _posted_page(request, session, agency, slug, page_id, form)
    if isinstance(posted, Response):
        return posted
    return revealed_fields(request, posted, agency, slug)


def revealed_fields(request: Request, posted: Posted, agency: str, slug: str) -> Response:
    """The questions that appear or disappear with the posted answers (htmx), or the page."""
    ctx, page, fields, answers = posted
    context = page_context(request, ctx, page, answers, [], agency, slug)
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
    changed.extend(v for v in _dependents(context["fields"], page) if v not in changed)
    return render(
        request,
        "_partials/reveal.html",
        {**context, "changed": changed, "appeared": bool(now - before)},
    )


@router.post("/layanan/{agency}/{slug}/isi/{page_id}/wilayah")
def region_field(
    request: Request,
    session: SessionDep,
    agency: str,
    slug: str,
    page_id: str,
    form: PostedForm,
    field: str = "",
) -> Response:
    """htmx: a region field again with the next level's select for what was chosen (nothing is
    saved or checked). Without htmx: the whole page, as the field's button would show it."""
    posted = _posted_page(request, session, agency, slug, page_id, form)
    if isinstance(posted, Response):
        return posted
    return region_levels(request, posted, agency, slug, field)


def region_levels(request: Request, posted: Posted, agency: str, slug: str, field: str) -> Response:
    """A region field with its next select (htmx), or the whole page without htmx."""
    ctx, page, _, answers = posted
    context = page_context(request, ctx, page, answers, [], agency, slug)
    if not is_htmx(request):
        return render(request, "page.html", context)
    target = None
    for view in context["fields"]:
        if view.name == field:
            target = view
        for item in view.items:
            target = next((c for c in item if c.name == field), target)
    if target is None or target.type != "region" or target.hidden:
        return Response(status_code=204)
    dependents = [v for v in _dependents(context["fields"], page) if v.spec["filter_by"] == field]
    return render(
        request, "_partials/region_update.html", {**context, "f": target, "changed": dependents}
    )


def _dependents(views: list[FieldView], page: PagePlan) -> list[FieldView]:
    """The shown fields whose options are filtered by an answer on the same page."""
    return [v for v in views if v.refresh and not v.hidden]
