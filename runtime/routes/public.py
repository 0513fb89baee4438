"""Citizen pages: the catalogue, a service's start page, the status of a case.

The form itself is in :mod:`runtime.routes.form_pages`; checking the answers and
submitting them in :mod:`runtime.routes.submit`; what they share in
:mod:`runtime.routes.citizen`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from builder.answers import AnswerError
from builder.compiler import FieldPlan
from builder.model import is_applicant_action, transitions
from builder.texts import localise
from runtime import catalog, db, store
from runtime.casework import applicant_actions, cases, deadlines
from runtime.casework.workflow import state_label
from runtime.deps import SessionDep
from runtime.documents import issued, verify
from runtime.forms import field_views, located
from runtime.i18n import t
from runtime.models import Attachment, CaseEvent, Submission
from runtime.references import document_secret, normalise_reference, secrets_equal
from runtime.routes.applicant import applicant_options
from runtime.routes.citizen import (
    draft_cookie_name,
    expected_completion,
    form_pages,
    format_date,
    not_found,
    service_base,
    status_url,
    to_first_page,
    with_draft_cookie,
)
from runtime.storage import FileMissing
from runtime.uploads import bytes_download, clean_name, download_response
from runtime.web import PostedForm, error_page, language, render

router = APIRouter()
MAX_LINK_PART = 128  # a reference or document secret is read up to this many characters


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
        return not_found(request)
    return render(
        request,
        "start.html",
        {
            "d": live.definition,
            "agency_name": live.agency_name,
            "retired": live.retired,
            "base": service_base(agency, slug),
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
        return not_found(request)
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
        with db.serialised_writes(session):
            draft = store.create_draft(
                session,
                service_version_id=live.version.id,
                ttl=dt.timedelta(hours=settings.draft_ttl_hours),
            )
            session.commit()
    first = to_first_page(service_base(agency, slug), form_pages(live.compiled, draft.answers))
    return with_draft_cookie(first, request, agency, slug, draft.id)


@router.get("/status")
def status_lookup(request: Request) -> Response:
    """How to find the status of an application."""
    return render(request, "status_lookup.html", {})


def _state_label(definition: Mapping[str, Any], state: str | None, lang: str) -> str:
    return state_label(definition, state, lang, public=True)


def _timeline(
    events: list[CaseEvent], definition: Mapping[str, Any], lang: str
) -> list[dict[str, str]]:
    rows = []
    own = {
        str(move.get("action")): localise(move.get("label"), lang) or str(move.get("action"))
        for move in transitions(definition)
        if is_applicant_action(definition, move)
    }
    for event in events:
        if event.action == store.SUBMIT_ACTION:
            label = t("status_submitted", lang)
        elif event.actor_kind == "applicant" and event.action in own:
            label = own[event.action]  # what the applicant did, e.g. "Kirim KK asli"
        else:
            label = _state_label(definition, event.to_state, lang)
        rows.append(
            {
                "label": label,
                "when": format_date(event.at, lang),
                "comment": event.comment if event.comment_public and event.comment else "",
            }
        )
    return rows


def _step_limit(definition: Mapping[str, Any], case: Submission, lang: str) -> str:
    """The time limit of the case's current step ("24 jam", "3 hari kalender"), while it runs."""
    sla = deadlines.state_sla(definition, case.state)
    return sla.text(lang) if sla and case.due_at and not case.final_outcome else ""


def _officer_fields(found: Any) -> dict[str, FieldPlan]:
    """The officer fields of a case's definition version, by key."""
    if found is None:
        return {}
    definition, plan = found[0].definition, found[1]
    moves = definition.get("workflow", {}).get("transitions", [])
    fields: dict[str, FieldPlan] = {}
    for index in range(len(moves)):
        form = plan.officer_form(index)
        if form is not None:
            fields.update(form.fields)
    return fields


def _hidden_files(officer: Mapping[str, FieldPlan]) -> set[str]:
    """Keys of the officer file fields the applicant may not see (all but `applicant_sees`)."""
    return {key for key, plan in officer.items() if plan.spec.get("applicant_sees") is not True}


def _from_officers(
    events: list[CaseEvent], officer: Mapping[str, FieldPlan], lang: str
) -> list[dict[str, str]]:
    """What officers entered that the definition shows the applicant (`applicant_sees`)."""
    shown = []
    for key, (value, _event) in cases.officer_values(events).items():
        plan = officer.get(key)
        if plan is None or value is None or plan.spec.get("applicant_sees") is not True:
            continue
        if plan.type == "file":
            continue  # listed with the files, as a download
        shown.append({"label": plan.label(lang), "text": plan.kind.display(plan.spec, value, lang)})
    return shown


@dataclass(frozen=True)
class Taking:
    """An applicant action the applicant tried to take, shown again: what they typed (files must
    be chosen again) and the errors beside the fields (`/confirm` for the statement)."""

    name: str
    values: Mapping[str, Any]
    errors: Sequence[AnswerError]


def action_anchor(name: str, anchor: str) -> str:
    """The HTML id of a field of applicant action `name` (`anchor` its id on a form page): two
    actions asking for the same field are on one status page, each with its own ids."""
    return f"aksi-{name}-{anchor}"


@dataclass(frozen=True)
class ActionError:
    """An error of an applicant action in the page's error summary, linked to its place in
    the action's form."""

    error: AnswerError
    anchor: str

    def text(self, lang: str = "id") -> str:
        """The message in `lang`."""
        return self.error.text(lang)


def _action_errors(found: Any, taking: Taking | None) -> list[ActionError]:
    if taking is None or not found:
        return []
    return [
        ActionError(
            error,
            error.anchor if error.key == "confirm" else action_anchor(taking.name, error.anchor),
        )
        for error in located(found[1], list(taking.errors))
    ]


def _applicant_actions(
    session: Session, case: Submission, found: Any, base: str, lang: str, taking: Taking | None
) -> list[dict[str, Any]]:
    """The applicant actions on the status page: label, statement, fields (with what was typed
    and the errors when `taking` names the action)."""
    if found is None or case.final_outcome:
        return []
    shown = []
    for offer in applicant_actions.offered(
        found[0].definition, found[1], cases.snapshot(session, case)
    ):
        mine = taking is not None and taking.name == offer.name
        errors = list(taking.errors) if taking is not None and mine else []
        views = []
        if offer.form is not None:
            located_errors = located(offer.form, [e for e in errors if e.key != "confirm"])
            views = field_views(
                offer.form,
                offer.form.pages[0],
                dict(taking.values) if taking is not None and mine else {},
                located_errors,
                lang,
                context=case.answers,
            )
            for view in views:
                view.id = action_anchor(offer.name, view.id)
        confirm_error = next((e.text(lang) for e in errors if e.key == "confirm"), "")
        shown.append(
            {
                "name": offer.name,
                "label": localise(offer.action.label, lang),
                "confirm": localise(offer.confirm, lang) if offer.confirm else "",
                "confirm_error": confirm_error,
                "fields": views,
                "files": any(v.type == "file" for v in views),
                "refused": bool(errors),
                "url": f"{base}/aksi/{offer.name}",
            }
        )
    return shown


@router.get("/status/{reference}/{secret}")
def status(request: Request, session: SessionDep, reference: str, secret: str) -> Response:
    """The citizen-facing state and timeline of a case (same not-found for a wrong reference or secret)."""
    case = store.find_submission(session, reference, secret)
    if case is None:
        return error_page(request, 404, "not_found", "case_not_found")
    return status_page(request, session, case, secret)


def status_page(
    request: Request,
    session: Session,
    case: Submission,
    secret: str,
    *,
    taking: Taking | None = None,
    status_code: int = 200,
) -> Response:
    """The status page of a case whose link the caller checked; with `taking`, an applicant
    action comes back with what was typed and its errors."""
    lang = language(request)
    found = catalog.compiled_version(session, case.service_version_id)
    definition = found[0].definition if found else {}
    events = store.list_public_events(session, case.id)
    officer = _officer_fields(found)
    hidden = _hidden_files(officer)
    attachments = [
        a
        for a in session.exec(
            select(Attachment)
            .where(Attachment.submission_id == case.id)
            .order_by(col(Attachment.created_at))
        ).all()
        if a.field_key.rsplit(".", 1)[-1] not in hidden  # `group.index.child`: the child
    ]
    outcome = case.final_outcome
    tag = (
        "ok" if outcome == "approved" else "bad" if outcome in {"rejected", "withdrawn"} else "wait"
    )
    base = status_url(case, secret)
    return render(
        request,
        "status.html",
        {
            "d": definition,
            "notice": {"perbaikan": "correct_sent", "aksi": "applicant_action_sent"}.get(
                request.query_params.get("terkirim", "")
            ),
            **applicant_options(session, case),
            "applicant_actions": _applicant_actions(session, case, found, base, lang, taking),
            "errors": _action_errors(found, taking),
            "action_base": base,
            "self_url": base,  # after a refused action (a POST), the language link stays here
            "case": case,
            "title": localise(definition.get("title"), lang),
            "state_label": _state_label(definition, case.state, lang),
            "tag": tag,
            "due": format_date(case.due_at, lang) if case.due_at and not outcome else "",
            "limit": _step_limit(definition, case, lang),
            "expected": expected_completion(request, case, definition),
            "timeline": _timeline(list(events), definition, lang),
            "from_officers": _from_officers(list(events), officer, lang),
            "attachments": [
                {
                    "name": clean_name(a.original_name),
                    "size_kb": max(1, round(a.size / 1024)),
                    "url": f"{base}/berkas/{a.id}",
                }
                for a in attachments
            ],
            "documents": [
                {
                    "title": d.title,
                    "number": d.number,
                    "issued": format_date(d.issued_at, lang),
                    "status": d.status,
                    "status_label": t(f"doc_status_{d.status}", lang),
                    "revoked": format_date(d.revoked_at, lang) if d.revoked_at else "",
                    "url": f"{base}/dokumen/{d.id}",
                    "verify_url": verify.verification_path(d.verify_code),
                }
                for d in issued.for_applicant(session, case.id)
            ],
        },
        status_code,
    )


@router.get("/status/{reference}/{secret}/dokumen/{document_id}")
def status_document(
    request: Request, session: SessionDep, reference: str, secret: str, document_id: str
) -> Response:
    """Download one of the case's issued documents meant for the applicant (any status: a
    revoked one still downloads, and the verification page says it is revoked)."""
    case = store.find_submission(session, reference, secret)
    document = issued.of_case(session, case.id, document_id) if case is not None else None
    content = (
        issued.content(request.app.state.store, document)
        if document is not None and document.visible_to_applicant
        else None
    )
    if document is None or content is None:
        return error_page(request, 404, "not_found", "case_not_found")
    return bytes_download(content, issued.file_name(document))


@router.get("/surat/{reference}/{token}")
def document_link(request: Request, session: SessionDep, reference: str, token: str) -> Response:
    """Download the issued document a message's private document link names (the link of a
    "decided" message, `case_messages.Links.document_link`); the same not-found otherwise."""
    canonical = normalise_reference(reference[:MAX_LINK_PART])
    case = (
        session.exec(select(Submission).where(Submission.reference == canonical)).first()
        if canonical is not None
        else None
    )
    secret_key = request.app.state.settings.secret_key
    wanted = token[:MAX_LINK_PART]
    document = None
    for candidate in issued.for_applicant(session, case.id) if case is not None else []:
        if secrets_equal(document_secret(secret_key, candidate.id), wanted):
            document = candidate
    content = issued.content(request.app.state.settings.data_dir, document) if document else None
    if document is None or content is None:
        return error_page(request, 404, "not_found", "case_not_found")
    return bytes_download(content, issued.file_name(document))


@router.get("/status/{reference}/{secret}/berkas/{attachment_id}")
def status_download(
    request: Request, session: SessionDep, reference: str, secret: str, attachment_id: str
) -> Response:
    """Download one of the applicant's own files, as an attachment."""
    case = store.find_submission(session, reference, secret)
    attachment = session.get(Attachment, attachment_id) if case is not None else None
    if case is None or attachment is None or attachment.submission_id != case.id:
        return error_page(request, 404, "not_found", "case_not_found")
    found = catalog.compiled_version(session, case.service_version_id)
    if attachment.field_key.rsplit(".", 1)[-1] in _hidden_files(_officer_fields(found)):
        return error_page(request, 404, "not_found", "case_not_found")
    try:
        return download_response(request.app.state.store, attachment)
    except FileMissing:
        return error_page(request, 404, "not_found", "case_not_found")
