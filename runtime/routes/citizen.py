"""What the citizen routes share: service addresses, the draft cookie and loading a draft,
the form's pages, attachments of a draft, dates as a citizen reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, delete, select
from starlette.datastructures import FormData

from builder.compiler import CompiledService, PagePlan
from runtime import catalog, db, store
from runtime.casework import corrections
from runtime.models import Attachment, CaseEvent, FormDraft, Submission
from runtime.references import status_path
from runtime.storage import FileStore
from runtime.uploads import remove_attachment_files
from runtime.web import error_page, is_htmx, language, secure_cookies
from runtime.workdays import WIB

RECEIPT_COOKIE = "loket_receipt"


def service_base(agency: str, slug: str) -> str:
    """The address of a service's start page (every page of its form lies below it)."""
    return f"/layanan/{agency}/{slug}"


def draft_cookie_name(agency: str, slug: str) -> str:
    """The cookie that holds a visitor's draft of one service (scoped to the service's path)."""
    return f"loket_draft_{agency}_{slug}".replace("-", "_")


def pages_base(ctx: DraftContext, agency: str, slug: str) -> str:
    """The address the form's pages lie below: the service's, or the studio trial's."""
    return ctx.trial_base or service_base(agency, slug)


def to_first_page(base: str, pages: Sequence[PagePlan]) -> RedirectResponse:
    """On to the first of `pages` below `base`, or to check-your-answers when there is none
    (starting a form, a trial or a correction)."""
    target = f"isi/{pages[0].id}" if pages else "periksa"
    return RedirectResponse(f"{base}/{target}", status_code=303)


def not_found(request: Request) -> Response:
    """The "not found" page."""
    return error_page(request, 404, "not_found", "not_found_text")


def listing(form: FormData) -> dict[str, list[str]]:
    """The text inputs of a posted form, each name with all its values (files left out)."""
    result: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            result.setdefault(key, []).append(value)
    return result


def format_date(moment: dt.datetime | dt.date | None, lang: str) -> str:
    """A moment in WIB, or a date, as a citizen reads it (dd-mm-yyyy)."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
    return moment.strftime("%d-%m-%Y")


def with_draft_cookie(
    response: Response, request: Request, agency: str, slug: str, draft_id: str
) -> Response:
    """Set (or renew, as the draft's life is extended on every save) the visitor's draft cookie."""
    response.set_cookie(
        draft_cookie_name(agency, slug),
        draft_id,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path=service_base(agency, slug),
        max_age=request.app.state.settings.draft_ttl_hours * 3600,
    )
    return response


class DraftContext:
    """The draft and compiled version a request works on.

    `today` is the day the answers' date bounds ("today", "today-17y") count from: the day
    the case was first filed when the draft corrects a case sent back, else None (the real
    today), so a correction days later is not refused for a date that was right when filed.
    `trial_base`: set when a designer tries a draft in the studio (runtime.routes.studio_trial):
    the address the trial's pages lie below; the draft is then a row never saved and nothing
    is filed, stored or sent.
    """

    def __init__(
        self,
        draft: FormDraft,
        compiled: CompiledService,
        agency_name: str,
        today: dt.date | None = None,
        correction: Correction | None = None,
        trial_base: str | None = None,
    ) -> None:
        self.draft = draft
        self.trial_base = trial_base
        self.compiled = compiled
        self.agency_name = agency_name
        self.today = today
        self.correction = correction
        self.questioned: frozenset[str] = correction.questioned if correction else frozenset()


@dataclass(frozen=True)
class Correction:
    """A draft that corrects a case sent back: the case's reference, the officer's public note
    and the answers the officer asked about (`questioned`)."""

    reference: str
    note: str
    questioned: frozenset[str]


def questioned_keys(compiled: CompiledService, event: CaseEvent | None) -> frozenset[str]:
    """The answers a send-back asked about: the keys the officer picked (`details.questioned`)
    when the office recorded them, else the fields whose label the officer's note names."""
    if event is None:
        return frozenset()
    picked = corrections.questioned_of(event.details)
    if picked:
        return frozenset(k for k in picked if k in compiled.fields)
    note = (event.comment or "").casefold() if event.comment_public else ""
    found = set()
    for key, plan in compiled.fields.items():
        if plan.type in {"notice", "declaration"}:
            continue
        labels = {plan.label("id").casefold(), plan.label("en").casefold()}
        if any(len(label) >= 3 and label in note for label in labels):
            found.add(key)
    return frozenset(found)


def correction_of(session: Session, compiled: CompiledService, case: Submission) -> Correction:
    """What a correction of `case` shows: the note of the send-back that opened it."""
    events = store.list_public_events(session, case.id)
    sent_back = next((e for e in reversed(events) if e.to_state == case.state), None)
    note = sent_back.comment if sent_back and sent_back.comment_public and sent_back.comment else ""
    return Correction(case.reference, note or "", questioned_keys(compiled, sent_back))


def load_draft(
    request: Request, session: Session, agency: str, slug: str
) -> DraftContext | Response:
    """The visitor's draft of this service and its version, or the response to give instead."""
    draft_id = request.cookies.get(draft_cookie_name(agency, slug))
    found = catalog.draft_version(session, draft_id) if draft_id else None
    if found is None:
        return RedirectResponse(service_base(agency, slug), status_code=303)
    draft, version = found
    compiled = version.compiled
    if not of_service(version, agency, slug):
        return not_found(request)
    correction = None
    if draft.editing_submission_id:
        case = session.get(Submission, draft.editing_submission_id)
        if case is not None:
            correction = correction_of(session, compiled, case)
    return DraftContext(draft, compiled, str(agency), filing_day(session, draft), correction)


def of_service(version: catalog.PublishedVersion, agency: str, slug: str) -> bool:
    """Whether the version belongs to the service in the address."""
    definition = version.definition
    return definition.get("agency") == agency and definition.get("id") == slug


async def read_draft(request: Request, agency: str, slug: str) -> DraftContext | Response | None:
    """The visitor's draft for a page that only shows it, read without an ORM session (one Core
    query); None when the draft corrects a case sent back (`load_draft` reads that case too)."""
    draft_id = request.cookies.get(draft_cookie_name(agency, slug))
    found = None
    if draft_id:
        engine = request.app.state.engine
        found = await db.reading_connection(engine, catalog.draft_version_read, draft_id)
    if found is None:
        return RedirectResponse(service_base(agency, slug), status_code=303)
    draft, version = found
    if draft.editing_submission_id:
        return None
    if not of_service(version, agency, slug):
        return not_found(request)
    return DraftContext(draft, version.compiled, str(agency))


def filing_day(session: Session, draft: FormDraft) -> dt.date | None:
    """The day (WIB) the case a draft corrects was first filed; None for a new application."""
    if not draft.editing_submission_id:
        return None
    case = session.get(Submission, draft.editing_submission_id)
    return case.created_at.astimezone(WIB).date() if case is not None else None


def is_declaration_page(page: PagePlan) -> bool:
    """A page of declarations and their notices: it is shown on the check-your-answers page."""
    return all(f.type in {"declaration", "notice"} for f in page.fields) and any(
        f.type == "declaration" for f in page.fields
    )


def htmx_redirect(request: Request, response: Response) -> Response:
    """A redirect htmx follows as a full page load (it would swap the target otherwise)."""
    location = response.headers.get("location")
    if location and is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return response


def form_pages(
    compiled: CompiledService,
    answers: Mapping[str, Any],
    *,
    pruned: Mapping[str, Any] | None = None,
) -> list[PagePlan]:
    """Visible pages that have something to fill in here (declarations are asked at the end);
    `pruned`: `compiled.prune(answers)`, when the caller has it already."""
    return [
        p
        for p in compiled.visible_pages(answers, pruned=pruned)
        if not is_declaration_page(p) and any(f.type != "declaration" for f in p.fields)
    ]


def file_ids(answers: Mapping[str, Any]) -> set[str]:
    """Ids of the stored files the answers refer to (one file, or a field's list of files),
    the files in a repeatable group's items included."""
    found = set()
    for value in answers.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                found.add(str(item["id"]))
            elif isinstance(item, Mapping):  # a group's item: its own answers
                found |= file_ids(item)
    return found


def discard_attachments(session: Session, draft_id: str, keep: set[str]) -> list[str]:
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


def remove_files(store: FileStore, storage_names: list[str]) -> None:
    """Delete stored files (after the transaction that forgot them committed)."""
    remove_attachment_files(store, storage_names)


def status_url(case: Submission, secret: str) -> str:
    """A case's private status address."""
    return status_path(case.reference, secret)


def expected_completion(request: Request, case: Submission, definition: Mapping[str, Any]) -> str:
    """The date the service standard promises (in working days), or "" once decided."""
    duration = definition.get("standard", {}).get("duration_days")
    if not duration or case.final_outcome:
        return ""
    start = case.created_at.astimezone(WIB).date()
    return format_date(
        request.app.state.calendar.add_working_days(start, int(duration)), language(request)
    )
