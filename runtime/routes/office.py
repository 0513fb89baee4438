"""Back office: the officer's inbox, the case page, acting on a case, NIK reveal and file downloads.

Thin routes over runtime.inbox and runtime.cases. Everything works as plain HTML forms and
links; htmx requests (HX-Request: true) get the changed part of the page instead of all of it.
A case of another agency is "not found" (its existence is not revealed); a case of the user's
agency that none of their roles works on is "forbidden".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException

from builder import conditions
from builder.compiler import FieldPlan
from builder.texts import localise
from runtime import cases, inbox, store
from runtime.auth import StaffUser
from runtime.deps import SessionDep
from runtime.i18n import t
from runtime.models import Attachment, CaseEvent, ServiceVersion, User
from runtime.references import normalise_reference
from runtime.routes.public import PostedForm, download_response
from runtime.staff import Forbidden, UserDep
from runtime.uploads import attachment_path
from runtime.web import error_page, is_htmx, language, render
from runtime.workdays import WIB
from runtime.workflow import ActionRefused, Actor, available_actions

router = APIRouter()
MAX_COMMENT = 4000
PAGE_SIZE = 50


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _when(moment: dt.datetime | None) -> str:
    """A stored UTC time as officers read it, in WIB."""
    return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB") if moment else ""


def _state_label(
    definition: Mapping[str, Any], state: str | None, lang: str, *, public: bool
) -> str:
    info = definition.get("workflow", {}).get("states", {}).get(state or "", {})
    text = info.get("public_label") if public else None
    return localise(text or info.get("label"), lang) or (state or "")


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
) -> Response:
    """Cases waiting for the user, most urgent first, with filters and a next-page link."""
    lang = language(request)
    now = _now()
    service_id = int(layanan) if layanan.isdigit() and len(layanan) < 10 else None
    filters: dict[str, Any] = {
        "service_id": service_id,
        "state": status[:64] or None,
        "overdue": terlambat == "1",
        "reference": nomor[:64] or None,
        "now": now,
    }
    try:
        page = inbox.inbox(session, user, after=setelah[:200] or None, limit=PAGE_SIZE, **filters)
    except inbox.InvalidCursor:
        page = inbox.inbox(session, user, limit=PAGE_SIZE, **filters)
    definitions: dict[int, Mapping[str, Any]] = {}
    rows = []
    for row in page.rows:
        if row.service_version_id not in definitions:
            version = session.get(ServiceVersion, row.service_version_id)
            definitions[row.service_version_id] = version.definition if version else {}
        definition = definitions[row.service_version_id]
        rows.append(
            {
                "id": row.id,
                "reference": row.reference,
                "service": localise(definition.get("title"), lang),
                "state": _state_label(definition, row.state, lang, public=True),
                "due": _when(row.due_at),
                "overdue": row.due_at is not None and row.due_at < now,
            }
        )
    query = {"layanan": layanan, "status": status, "terlambat": terlambat, "nomor": nomor}
    next_url = None
    if page.next_cursor:
        next_url = "/kantor?" + urlencode({**query, "setelah": page.next_cursor})
    choices = inbox.service_choices(session, user)
    states: dict[str, str] = {}
    for choice in choices:
        for name in choice.states:
            states.setdefault(name, _state_label(choice.definition, name, lang, public=False))
    context = {
        "user": user,
        "rows": rows,
        "next_url": next_url,
        "services": [
            {"id": c.service_id, "title": localise(c.definition.get("title"), lang)}
            for c in choices
        ],
        "states": sorted(states.items(), key=lambda item: item[1]),
        "chosen_service": service_id,
        "chosen_state": status,
        "overdue": terlambat == "1",
        "reference": nomor[:64],
        "bad_reference": bool(nomor.strip()) and normalise_reference(nomor) is None,
    }
    template = "office/_inbox_results.html" if _partial_wanted(request) else "office/inbox.html"
    return render(request, template, context)


# -- the case page -----------------------------------------------------------------------------


def _open(session: Session, user: StaffUser, case_id: str) -> cases.OpenedCase:
    """The case, or 404 (unknown, another agency) / 403 (no role working on it)."""
    try:
        return cases.open_case(session, case_id=case_id, user=user)
    except cases.CaseNotFound:
        raise HTTPException(404) from None
    except cases.CaseForbidden:
        raise Forbidden() from None


def _line(
    plan: FieldPlan, value: Any, name: str, label: str, lang: str, base: str, revealed: set[str]
) -> dict[str, Any]:
    """One shown answer: NIKs masked unless revealed, files linked to their download."""
    line: dict[str, Any] = {"text": plan.kind.display(plan.spec, value, lang), "label": label}
    if plan.type == "nik" and isinstance(value, str):
        shown = name in revealed
        line.update(nik=True, name=name, revealed=shown, anchor="nik-" + name.replace(".", "-"))
        line["text"] = value if shown else line["text"]
    elif plan.type == "file" and isinstance(value, Mapping) and value.get("id"):
        line["href"] = f"{base}/berkas/{value['id']}"
    return line


def _sections(
    opened: cases.OpenedCase, lang: str, revealed: set[str], base: str
) -> list[dict[str, Any]]:
    """The answers laid out by the pages of the case's own definition version."""
    answers = opened.case.answers
    sections = []
    for page in opened.compiled.visible_pages(answers):
        rows = []
        for plan in page.fields:
            value = answers.get(plan.key)
            if not plan.has_value or value is None or plan.type == "declaration":
                continue
            if not conditions.evaluate(plan.condition, answers):
                continue
            label = plan.label(lang)
            lines = []
            if plan.type == "group" and isinstance(value, list):
                for index, item in enumerate(value):
                    for child in plan.children:
                        if child.has_value and isinstance(item, Mapping) and child.key in item:
                            text = f"{index + 1}. {child.label(lang)}"
                            name = f"{plan.key}.{index}.{child.key}"
                            line = _line(child, item[child.key], name, text, lang, base, revealed)
                            line["prefix"] = text
                            lines.append(line)
            else:
                lines.append(_line(plan, value, plan.key, label, lang, base, revealed))
            rows.append({"label": label, "lines": lines})
        if rows:
            sections.append({"title": page.title(lang), "rows": rows})
    return sections


def _timeline(
    session: Session, events: list[CaseEvent], definition: Mapping[str, Any], lang: str
) -> list[dict[str, Any]]:
    """The audit trail as officers read it (times in WIB)."""
    ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all() if ids else []
    names = {u.id: u.display_name for u in users}
    roles = definition.get("roles", {})
    labels = {
        str(move["action"]): localise(move.get("label"), lang) or str(move["action"])
        for move in definition.get("workflow", {}).get("transitions", [])
    }
    fixed = {
        "submit": "status_submitted",
        cases.VIEW_NIK: "office_ev_view_nik",
        cases.DOWNLOAD: "office_ev_download",
    }
    rows = []
    for event in events:
        key = fixed.get(event.action)
        label = t(key, lang) if key else labels.get(event.action, event.action)
        if event.actor_kind == "user":
            who = names.get(event.actor_user_id, "?")
            if event.actor_role:
                who += f" ({localise(roles.get(event.actor_role), lang) or event.actor_role})"
        else:
            who = t(
                "office_applicant" if event.actor_kind == "applicant" else "office_system", lang
            )
        change = ""
        if event.to_state and event.from_state:
            before = _state_label(definition, event.from_state, lang, public=False)
            change = f"{before} → {_state_label(definition, event.to_state, lang, public=False)}"
        rows.append(
            {
                "action": event.action,
                "label": label,
                "when": _when(event.at),
                "who": who,
                "change": change,
                "comment": event.comment or "",
                "public": event.comment_public,
            }
        )
    return rows


def _case_context(
    request: Request,
    session: Session,
    user: StaffUser,
    opened: cases.OpenedCase,
    *,
    revealed: set[str] | None = None,
    error: tuple[str, str] | None = None,
    typed: str = "",
    notice: str = "",
) -> dict[str, Any]:
    """Everything the case page and its panel show."""
    lang = language(request)
    case, definition = opened.case, opened.definition
    base = f"/kantor/kasus/{case.id}"
    actor = Actor.user(user.id, sorted(user.roles_in(case.agency_id)))
    actions = []
    for action in available_actions(definition, cases.snapshot(session, case), actor):
        failed = error is not None and error[0] == action.name
        target = definition.get("workflow", {}).get("states", {}).get(action.to, {})
        actions.append(
            {
                "name": action.name,
                "label": localise(action.label, lang),
                "comment": action.comment,
                "to_applicant": action.comment_to_applicant,
                "warn": target.get("final") == "rejected",
                "error": error[1] if failed and error else "",
                "typed": typed if failed else "",
            }
        )
    if error is not None and not any(a["error"] for a in actions):
        notice = notice or error[1]
    attachments = session.exec(
        select(Attachment)
        .where(Attachment.submission_id == case.id)
        .order_by(col(Attachment.created_at), col(Attachment.id))
    ).all()
    outcome = case.final_outcome
    return {
        "user": user,
        "case": case,
        "base": base,
        "service_title": localise(definition.get("title"), lang),
        "version_number": opened.version.number,
        "state_label": _state_label(definition, case.state, lang, public=False),
        "public_label": _state_label(definition, case.state, lang, public=True),
        "tag": "ok" if outcome == "approved" else "bad" if outcome else "wait",
        "due": _when(case.due_at),
        "overdue": case.due_at is not None and case.due_at < _now(),
        "filed": _when(case.created_at),
        "actions": actions,
        "notice": notice,
        "timeline": _timeline(session, store.list_events(session, case.id), definition, lang),
        "sections": _sections(opened, lang, revealed or set(), base),
        "attachments": [
            {"name": a.original_name, "size_kb": max(1, round(a.size / 1024)), "id": a.id}
            for a in attachments
        ],
    }


@router.get("/kantor/kasus/{case_id}")
def case_page(request: Request, session: SessionDep, user: UserDep, case_id: str) -> Response:
    """One case: its state and due date, the actions, the timeline, the answers and files."""
    opened = _open(session, user, case_id)
    return render(request, "office/case.html", _case_context(request, session, user, opened))


@router.post("/kantor/kasus/{case_id}/aksi")
def act(
    request: Request, session: SessionDep, user: UserDep, case_id: str, form: PostedForm
) -> Response:
    """Apply a workflow action once; 409 when someone else was first, 422 when refused."""
    if isinstance(form, Response):
        return form
    opened = _open(session, user, case_id)
    lang = language(request)
    action = str(form.get("action") or "")[:64]
    comment = str(form.get("comment") or "")[:MAX_COMMENT]
    version = str(form.get("row_version") or "")
    if not version.isdigit() or len(version) > 9:
        return error_page(request, 400, "bad_request", "bad_request")
    try:
        cases.apply_transition(
            session,
            case_id=case_id,
            actor=Actor.user(user.id, sorted(user.roles_in(opened.case.agency_id))),
            action=action,
            comment=comment,
            expected_row_version=int(version),
            calendar=request.app.state.calendar,
        )
    except cases.AlreadyProcessed as exc:
        return _conflict(request, session, user, case_id, exc)
    except ActionRefused as exc:
        opened = _open(session, user, case_id)
        context = _case_context(
            request, session, user, opened, error=(action, exc.message[lang]), typed=comment
        )
        if _partial_wanted(request):
            return render(request, "office/_case_panel.html", context)
        return render(request, "office/case.html", context, 422)
    if _partial_wanted(request):
        opened = _open(session, user, case_id)
        return render(
            request, "office/_case_panel.html", _case_context(request, session, user, opened)
        )
    return RedirectResponse(f"/kantor/kasus/{case_id}", status_code=303)


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
        "state_label": _state_label(opened.definition, exc.current_state, lang, public=False),
    }
    return render(request, "office/conflict.html", context, 409)


@router.post("/kantor/kasus/{case_id}/nik")
def reveal_nik(
    request: Request, session: SessionDep, user: UserDep, case_id: str, form: PostedForm
) -> Response:
    """Show one full NIK of a case; the viewing is recorded in the audit trail first."""
    if isinstance(form, Response):
        return form
    opened = _open(session, user, case_id)
    name = str(form.get("field") or "")[:200]
    lines = [
        line
        for section in _sections(opened, language(request), {name}, "")
        for row in section["rows"]
        for line in row["lines"]
        if line.get("nik") and line["name"] == name
    ]
    if not lines:
        return error_page(request, 404, "not_found", "not_found_text")
    cases.record_nik_view(session, case_id=case_id, user_id=user.id, field=name)
    if _partial_wanted(request):
        return render(request, "office/_nik.html", {"line": lines[0], "base": ""})
    context = _case_context(request, session, user, opened, revealed={name})
    return render(request, "office/case.html", context)


@router.get("/kantor/kasus/{case_id}/berkas/{attachment_id}")
def download(
    request: Request, session: SessionDep, user: UserDep, case_id: str, attachment_id: str
) -> Response:
    """Download one of the case's files (never shown inline); the download is recorded."""
    opened = _open(session, user, case_id)
    attachment = session.get(Attachment, attachment_id) if len(attachment_id) <= 64 else None
    settings = request.app.state.settings
    if (
        attachment is None
        or attachment.submission_id != opened.case.id
        or not attachment_path(settings.data_dir, attachment.storage_name).is_file()
    ):
        return error_page(request, 404, "not_found", "not_found_text")
    cases.record_download(session, case_id=case_id, user_id=user.id, attachment_id=attachment.id)
    response = download_response(settings.data_dir, attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
