"""The administrator's webhook page: each agency's endpoints, adding one, disabling and
enabling, and one endpoint's delivery history.

Thin routes over runtime.notify.webhooks. Every POST is checked for CSRF and recorded in
``admin_events`` (without the secret). A new endpoint's secret is shown once, in the answer to
the POST that made it (never in a URL, not cached); afterwards it is not shown again.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from runtime import agencies, db
from runtime.deps import IdPath, SessionDep
from runtime.i18n import t
from runtime.models import AdminEvent, Agency, WebhookEndpoint
from runtime.notify import webhooks
from runtime.routes.admin import FormProblem
from runtime.routes.review import wib
from runtime.staff import AdminDep
from runtime.web import PostedForm, error_page, language, render

router = APIRouter()
PAGE = "/admin/webhook"
DONE = ("disabled", "enabled")


def _list(
    request: Request,
    session: Session,
    *,
    problem: str = "",
    values: dict[str, object] | None = None,
    created: WebhookEndpoint | None = None,
    status_code: int = 200,
) -> Response:
    done = request.query_params.get("selesai", "")
    response = render(
        request,
        "admin/webhooks.html",
        {
            "endpoints": webhooks.endpoints(session),
            "agencies": agencies.list_agencies(session),
            "events": webhooks.EVENTS,
            "problem": problem,
            "errors": [FormProblem("webhook-url", problem)] if problem else [],
            "values": values or {"events": list(webhooks.EVENTS)},
            "created": created,
            "done": done if done in DONE else "",
            "wib": wib,
        },
        status_code,
    )
    if created is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get(PAGE)
def webhooks_page(request: Request, session: SessionDep, admin: AdminDep) -> Response:
    """Every agency's endpoints, and the form for a new one."""
    return _list(request, session)


@router.post(PAGE)
def add_webhook(
    request: Request, session: SessionDep, admin: AdminDep, form: PostedForm
) -> Response:
    """Register an endpoint; the answer shows its secret once."""
    if isinstance(form, Response):
        return form
    agency_id = str(form.get("agency") or "")[:64]
    url = str(form.get("url") or "")[:4096]
    events = [str(value) for value in form.getlist("events")][:10]
    allowed = form.get("allowed_private_host") == "1"
    values: dict[str, object] = {
        "agency": agency_id,
        "url": url,
        "events": events,
        "allowed_private_host": allowed,
    }
    if session.get(Agency, agency_id) is None:
        return _list(
            request,
            session,
            problem=t("admin_webhook_unknown_agency", language(request)),
            values=values,
            status_code=422,
        )
    with db.serialised_writes(session):
        try:
            endpoint = webhooks.add_endpoint(
                session,
                agency_id=agency_id,
                url=url,
                events=events,
                allowed_private_host=allowed,
                allow_http=request.app.state.settings.webhook_allow_http,
            )
        except webhooks.EndpointRefused as error:
            session.rollback()
            problem = t("admin_webhook_refused", language(request), reason=str(error))
            return _list(request, session, problem=problem, values=values, status_code=422)
        session.add(
            AdminEvent(
                actor_user_id=admin.id,
                action="webhook.add",
                target=f"webhook_endpoints/{endpoint.id}",
                details={
                    "agency": agency_id,
                    "url": endpoint.url,
                    "events": endpoint.events,
                    "allowed_private_host": allowed,
                },
            )
        )
        session.commit()
    return _list(request, session, created=endpoint)


@router.post(PAGE + "/{endpoint_id}/{change}")
def change_webhook(
    request: Request,
    session: SessionDep,
    admin: AdminDep,
    endpoint_id: IdPath,
    change: str,
    form: PostedForm,
) -> Response:
    """Disable (``nonaktifkan``) or enable (``aktifkan``) an endpoint (audited)."""
    if isinstance(form, Response):
        return form
    if (
        change not in ("nonaktifkan", "aktifkan")
        or session.get(WebhookEndpoint, endpoint_id) is None
    ):
        return error_page(request, 404, "not_found", "not_found_text")
    active = change == "aktifkan"
    with db.serialised_writes(session):
        webhooks.set_active(session, endpoint_id, active)
        session.add(
            AdminEvent(
                actor_user_id=admin.id,
                action="webhook.enable" if active else "webhook.disable",
                target=f"webhook_endpoints/{endpoint_id}",
            )
        )
        session.commit()
    done = "enabled" if active else "disabled"
    return RedirectResponse(f"{PAGE}?selesai={done}", status_code=303)


@router.get(PAGE + "/{endpoint_id}")
def webhook_history(
    request: Request, session: SessionDep, admin: AdminDep, endpoint_id: IdPath
) -> Response:
    """One endpoint's deliveries, newest first: status, tries, last error, time."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return error_page(request, 404, "not_found", "not_found_text")
    return render(
        request,
        "admin/webhook_history.html",
        {
            "endpoint": endpoint,
            "deliveries": webhooks.history(session, endpoint_id),
            "wib": wib,
        },
    )
