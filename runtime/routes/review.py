"""Diskominfo review: the queue, the review page, publish, request changes, retire, history.

Thin routes over runtime.lifecycle. Every route needs a signed-in user with the global role
`reviewer` (others get 403, anonymous visitors go to the login page); every POST is a plain
HTML form with a CSRF token, so the pages work without JavaScript.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from builder.checklist import review_checklist
from builder.diff import diff, removed_states
from builder.model import states
from builder.problems import has_errors
from builder.texts import localise
from builder.validate import validate
from runtime import lifecycle, review_views
from runtime.auth import StaffUser
from runtime.deps import IdPath, SessionDep, parse_id
from runtime.i18n import in_language, t
from runtime.models import Agency, Service, ServiceEvent, ServiceVersion, User, utcnow
from runtime.staff import Forbidden, UserDep
from runtime.studio import views as studio_views
from runtime.web import PostedForm, error_page, language, render
from runtime.workdays import WIB

router = APIRouter(prefix="/tinjau")
MAP_PREFIX = "peta."
COMMENT_PREFIX = "komentar-"
POINTER_PREFIX = "penunjuk-"
GENERAL_COMMENT = "komentar-umum"
MAX_COMMENTS = 500
MAX_COMMENT_CHARS = 4000


def require_reviewer(user: UserDep) -> StaffUser:
    """A signed-in Diskominfo reviewer; others are refused (403)."""
    if not user.has_global(lifecycle.REVIEWER):
        raise Forbidden()
    return user


ReviewerDep = Annotated[StaffUser, Depends(require_reviewer)]


def wib(moment: dt.datetime | None) -> str:
    """A moment as a date and time in Western Indonesia Time."""
    return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB") if moment else ""


def _not_found(request: Request) -> Response:
    return error_page(request, 404, "not_found", "not_found_text")


def _agency_name(session: Session, agency_id: str) -> str:
    agency = session.get(Agency, agency_id)
    return agency.name if agency else agency_id


def _submitted(session: Session, version_ids: list[int]) -> dict[int, tuple[dt.datetime, int]]:
    """When each version was last sent for review, and by whom."""
    if not version_ids:
        return {}
    rows = session.exec(
        select(ServiceEvent)
        .where(col(ServiceEvent.version_id).in_(version_ids), ServiceEvent.action == "submitted")
        .order_by(col(ServiceEvent.id))
    ).all()
    return {
        int(e.version_id or 0): (e.at, int(e.actor_user_id or 0)) for e in rows
    }  # the last event of a version wins


# -- the queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    """A version waiting for a reviewer."""

    version: ServiceVersion
    service: Service
    title: str
    submitted_at: dt.datetime
    age_days: int


@router.get("")
def queue(request: Request, session: SessionDep, user: ReviewerDep) -> Response:
    """Versions in review grouped by agency, oldest first; live services below."""
    lang = language(request)
    rows = session.exec(
        select(ServiceVersion, Service)
        .join(Service, col(Service.id) == col(ServiceVersion.service_id))
        .where(ServiceVersion.state == "in_review")
    ).all()
    submitted = _submitted(session, [v.id for v, _ in rows if v.id is not None])
    now = utcnow()
    groups: dict[str, list[QueueItem]] = {}
    for version, service in rows:
        at = submitted.get(version.id or 0, (version.created_at, 0))[0]
        title = localise(version.definition.get("title"), lang) or service.slug
        item = QueueItem(version, service, title, at, max((now - at).days, 0))
        groups.setdefault(service.agency_id, []).append(item)
    for items in groups.values():
        items.sort(key=lambda item: (item.submitted_at, item.version.id or 0))
    ordered = sorted(groups.items(), key=lambda pair: pair[1][0].submitted_at)
    services = session.exec(
        select(Service)
        .where(col(Service.current_version_id).is_not(None))
        .order_by(col(Service.agency_id), col(Service.slug))
    ).all()
    return render(
        request,
        "review/queue.html",
        {
            "user": user,
            "groups": [(_agency_name(session, a), items) for a, items in ordered],
            "services": services,
            "notice": _queue_notice(request, session, lang),
            "wib": wib,
        },
    )


def _queue_notice(request: Request, session: Session, lang: str) -> str | None:
    """The confirmation after publishing or sending back (named by the query string)."""
    for param, key in (("diterbitkan", "review_published"), ("dikembalikan", "review_sent_back")):
        raw = request.query_params.get(param, "")
        version_id = parse_id(raw)
        version = session.get(ServiceVersion, version_id) if version_id is not None else None
        if version is not None:
            title = localise(version.definition.get("title"), lang)
            return t(key, lang, title=title, number=version.number)
    return None


# -- the review page ---------------------------------------------------------------------------


def _live(session: Session, service: Service) -> ServiceVersion | None:
    if service.current_version_id is None:
        return None
    return session.get(ServiceVersion, service.current_version_id)


def _review_context(
    request: Request,
    session: Session,
    version: ServiceVersion,
    service: Service,
    viewer: StaffUser,
    **extra: Any,
) -> dict[str, Any]:
    """Everything the review page shows: problems, checklist, diff, removed states, forms."""
    lang = language(request)
    definition = version.definition
    live = _live(session, service)
    boxes = 0

    def box() -> int:
        nonlocal boxes
        boxes += 1
        return boxes

    found = validate(definition)
    problems = [
        {"p": p, "text": p.text(lang), "hint": p.hint_text(lang), "box": box()} for p in found
    ]
    checklist = [{"c": c, "text": c.text(lang), "box": box()} for c in review_checklist(definition)]
    changes = None
    removed: list[dict[str, Any]] = []
    if live is not None and live.id != version.id:
        changes = [
            {"c": c, "text": c.text(lang), "box": box()} for c in diff(live.definition, definition)
        ]
        names = removed_states(live.definition, definition)
        counts = lifecycle.live_cases_in(session, service.id or 0, names)
        old_states = states(live.definition)
        removed = [
            {"name": n, "label": old_states[n].get("label"), "count": counts.get(n, 0)}
            for n in names
        ]
    own = viewer.id in lifecycle.editors_of(session, version)
    rounds = lifecycle.submitted_rounds(session, version)
    round_changes = None
    if len(rounds) >= 2 and rounds[-1]["sha256"] == version.sha256:
        # sent back and submitted again: what the designer changed since the previous round
        round_changes = [c.text(lang) for c in diff(rounds[-2]["definition"], definition)]
    submitted = _submitted(session, [version.id or 0]).get(version.id or 0)
    designer = session.get(User, submitted[1]) if submitted and submitted[1] else None
    mapping = extra.get("mapping") or {}
    return {
        # what will be published, the confirmations and the conversation (runtime.review_views)
        "preview": review_views.form_preview(definition, lang),
        "diagram": studio_views.workflow_diagram(definition, lang),
        "arrows": studio_views.transition_rows(definition, lang),
        "sv": studio_views,
        "impact": review_views.impact(session, version, live, removed, mapping, lang),
        "conversation": review_views.conversation(session, version, lang),
        "unconfirmed": "",
        "typed": {},
        "note_error": "",
        "note_form": {
            "action": f"/tinjau/{version.id}/catatan",
            "label": t("review_note_label", lang),
            "button": t("review_note_send", lang),
        }
        if version.state in lifecycle.OPEN_STATES
        else None,
        "v": version,
        "is_open": version.state == "in_review",
        "d": definition,
        "service": service,
        "agency_name": _agency_name(session, service.agency_id),
        "live": live,
        "problems": problems,
        "has_errors": has_errors(found),
        "checklist": checklist,
        "changes": changes,
        "removed": removed,
        "targets": _targets(definition),
        "submitted_at": wib(submitted[0]) if submitted else "",
        "designer": designer.display_name if designer else "",
        "mapping": {},
        "error": None,
        "waiting": {},
        "since": None,
        "own": own,
        "round": len(rounds),
        "round_changes": round_changes,
        **extra,
    }


def _targets(definition: dict[str, Any]) -> list[tuple[str, Any]]:
    """States of the new version that open cases may be moved into (not final ones)."""
    try:
        return [(n, s.get("label")) for n, s in states(definition).items() if not s.get("final")]
    except (AttributeError, TypeError):
        return []


def _load(session: Session, version_id: int) -> tuple[ServiceVersion, Service] | None:
    version = session.get(ServiceVersion, version_id)
    if version is None:
        return None
    service = session.get(Service, version.service_id)
    return (version, service) if service is not None else None


@router.get("/{version_id}")
def review_page(
    request: Request, session: SessionDep, user: ReviewerDep, version_id: IdPath
) -> Response:
    """The review page of one version."""
    found = _load(session, version_id)
    if found is None:
        return _not_found(request)
    return render(request, "review/version.html", _review_context(request, session, *found, user))


def _mapping(form: FormData) -> dict[str, str]:
    """The posted removed-state mapping (`peta.<old state>` → new state)."""
    return {
        key[len(MAP_PREFIX) :]: value
        for key, value in form.multi_items()
        if key.startswith(MAP_PREFIX) and isinstance(value, str) and value
    }


@router.post("/{version_id}/terbitkan")
def publish(
    request: Request, session: SessionDep, user: ReviewerDep, version_id: IdPath, form: PostedForm
) -> Response:
    """Publish the version; refused (422) while cases sit in unmapped removed states."""
    if isinstance(form, Response):
        return form
    found = _load(session, version_id)
    if found is None:
        return _not_found(request)
    version = found[0]
    posted = _mapping(form)
    allowed = {name for name, _ in _targets(version.definition)}
    mapping = {old: new for old, new in posted.items() if new in allowed}
    seen = form.get("sha256")
    if form.get("confirm") != "1" and version.state == "in_review":
        return _unconfirmed(request, session, user, version_id, "publish", mapping=posted)
    try:
        lifecycle.publish(
            session,
            user=user,
            version=version,
            data_dir=request.app.state.settings.data_dir,
            state_mapping=mapping,
            seen_sha256=seen if isinstance(seen, str) else "",
        )
    except lifecycle.LifecycleError as exc:
        session.rollback()
        return _refused(request, session, user, version_id, exc, mapping=posted)
    session.commit()
    return RedirectResponse(f"/tinjau?diterbitkan={version_id}", status_code=303)


def _refused(
    request: Request,
    session: Session,
    user: StaffUser,
    version_id: IdPath,
    exc: lifecycle.LifecycleError,
    **extra: Any,
) -> Response:
    """The review page again with the refusal (409 when the version is not in review)."""
    found = _load(session, version_id)
    if found is None:
        return _not_found(request)
    waiting = exc.details.get("waiting", {})
    since = None
    if exc.code == "changed-since-seen":
        seen = lifecycle.submitted_round(session, found[0], str(exc.details["seen_sha256"]))
        if seen is not None:
            lang = language(request)
            since = [c.text(lang) for c in diff(seen, found[0].definition)]
    context = _review_context(
        request, session, *found, user, error=str(exc), waiting=waiting, since=since, **extra
    )
    code = 409 if exc.code == "not-in-review" else 422
    return render(request, "review/version.html", context, code)


def _comments(form: FormData) -> list[tuple[str | None, str]]:
    """The posted comments with the JSON pointer of the item each one concerns."""
    result: list[tuple[str | None, str]] = []
    for key, value in form.multi_items():
        if not isinstance(value, str) or not value.strip():
            continue
        if key == GENERAL_COMMENT:
            result.append((None, value[:MAX_COMMENT_CHARS]))
        elif key.startswith(COMMENT_PREFIX) and key[len(COMMENT_PREFIX) :].isdigit():
            pointer = form.get(POINTER_PREFIX + key[len(COMMENT_PREFIX) :])
            where = pointer if isinstance(pointer, str) and pointer.startswith("/") else None
            result.append((where[:500] if where else None, value[:MAX_COMMENT_CHARS]))
    return result[:MAX_COMMENTS]


@router.post("/{version_id}/minta-perubahan")
def request_changes(
    request: Request, session: SessionDep, user: ReviewerDep, version_id: IdPath, form: PostedForm
) -> Response:
    """Send the version back to its designers with comments on the items they concern."""
    if isinstance(form, Response):
        return form
    found = _load(session, version_id)
    if found is None:
        return _not_found(request)
    typed = _typed(form)
    if form.get("confirm") != "1" and found[0].state == "in_review":
        return _unconfirmed(request, session, user, version_id, "changes", typed=typed)
    try:
        lifecycle.request_changes(session, user=user, version=found[0], comments=_comments(form))
    except lifecycle.LifecycleError as exc:
        session.rollback()
        return _refused(request, session, user, version_id, exc, typed=typed)
    session.commit()
    return RedirectResponse(f"/tinjau?dikembalikan={version_id}", status_code=303)


def _typed(form: FormData) -> dict[str, str]:
    """The comments the reviewer typed, by input name (shown again when the form comes back)."""
    return {
        key: value[:MAX_COMMENT_CHARS]
        for key, value in list(form.multi_items())[: MAX_COMMENTS * 2]
        if isinstance(value, str) and key.startswith(COMMENT_PREFIX) and value.strip()
    }


def _unconfirmed(
    request: Request,
    session: Session,
    user: StaffUser,
    version_id: IdPath,
    which: str,
    **extra: Any,
) -> Response:
    """The review page again (422): publishing or sending back needs its statement ticked."""
    found = _load(session, version_id)
    if found is None:
        return _not_found(request)
    context = _review_context(request, session, *found, user, **extra)
    context["unconfirmed"] = which
    return render(request, "review/version.html", context, 422)


@router.post("/{version_id}/catatan")
def add_note(
    request: Request, session: SessionDep, user: ReviewerDep, version_id: IdPath, form: PostedForm
) -> Response:
    """A reviewer's note to the designers, kept with the version; the state does not change."""
    if isinstance(form, Response):
        return form
    found = _load(session, version_id)
    if found is None:
        return _not_found(request)
    text = form.get("catatan")
    try:
        lifecycle.add_note(
            session,
            user=user,
            version=found[0],
            text=text if isinstance(text, str) else "",
            as_reviewer=True,
        )
    except lifecycle.LifecycleError as exc:
        session.rollback()
        context = _review_context(request, session, *found, user)
        context["note_error"] = in_language(str(exc), language(request))
        return render(request, "review/version.html", context, 409 if exc.code == "closed" else 422)
    session.commit()
    return RedirectResponse(f"/tinjau/{version_id}#percakapan", status_code=303)


# -- services: retire and history ------------------------------------------------------------


@router.post("/layanan/{service_id}/pensiunkan")
def retire(
    request: Request, session: SessionDep, user: ReviewerDep, service_id: IdPath, form: PostedForm
) -> Response:
    """Stop new applications to a service; its open cases continue."""
    if isinstance(form, Response):
        return form
    service = session.get(Service, service_id)
    if service is None:
        return _not_found(request)
    if service.status != "retired":
        lifecycle.retire(session, user=user, service=service)
        session.commit()
    return RedirectResponse(f"/tinjau/layanan/{service_id}/riwayat", status_code=303)


@router.get("/layanan/{service_id}/riwayat")
def history(
    request: Request, session: SessionDep, user: ReviewerDep, service_id: IdPath
) -> Response:
    """The service's life: who did what, when (WIB), with the reviewers' comments."""
    service = session.get(Service, service_id)
    if service is None:
        return _not_found(request)
    rows = session.exec(
        select(ServiceEvent, User, ServiceVersion)
        .join(User, col(User.id) == col(ServiceEvent.actor_user_id), isouter=True)
        .join(ServiceVersion, col(ServiceVersion.id) == col(ServiceEvent.version_id), isouter=True)
        .where(ServiceEvent.service_id == service_id)
        .order_by(col(ServiceEvent.id))
    ).all()
    live = _live(session, service)
    return render(
        request,
        "review/history.html",
        {
            "service": service,
            "agency_name": _agency_name(session, service.agency_id),
            "title": live.definition.get("title") if live else service.slug,
            "status": lifecycle.status(session, service),
            "events": [
                {"e": e, "who": u.display_name if u else None, "number": v.number if v else None}
                for e, u, v in rows
            ],
            "wib": wib,
        },
    )
