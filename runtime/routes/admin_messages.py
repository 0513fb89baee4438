"""The administrator's page of outgoing messages that need attention (failed, skipped).

Thin routes over runtime.notify.attention: the list, and "send again" (a POST with CSRF that
puts one message back in the queue and audits it), ending with a redirect.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from runtime import db
from runtime.deps import IdPath, SessionDep
from runtime.models import OutboxMessage
from runtime.notify import attention
from runtime.routes.review import wib
from runtime.staff import AdminDep
from runtime.web import PostedForm, error_page, render

router = APIRouter()
PAGE = "/admin/pesan"
DONE = ("queued", "unchanged")


@router.get(PAGE)
def messages_page(request: Request, session: SessionDep, admin: AdminDep) -> Response:
    """Failed and skipped messages, newest first, each with a send-again button."""
    done = request.query_params.get("selesai", "")
    return render(
        request,
        "admin/messages.html",
        {
            "messages": attention.needing_attention(session),
            "done": done if done in DONE else "",
            "wib": wib,
        },
    )


@router.post(PAGE + "/{message_id}/kirim-lagi")
def send_again(
    request: Request, session: SessionDep, admin: AdminDep, message_id: IdPath, form: PostedForm
) -> Response:
    """Put a failed or skipped message back in the queue (audited)."""
    if isinstance(form, Response):
        return form
    if session.get(OutboxMessage, message_id) is None:
        return error_page(request, 404, "not_found", "not_found_text")
    with db.serialised_writes(session):
        queued = attention.send_again(session, message_id, admin.id)
        session.commit()
    done = "queued" if queued else "unchanged"  # e.g. a second click: it is pending already
    return RedirectResponse(f"{PAGE}?selesai={done}", status_code=303)
