"""The applicant actions (language 1.1) on the private status page: the citizen confirms
something or sends a file that was allowed to follow later, while the case waits in a state.

Only the holder of the case's private status link may act (the same not-found as the status
page for a wrong reference or secret); the form carries the CSRF token and the row version it
was shown with. An action not available in the case's state now gets 409; a missing or wrong
field, or an unticked statement, brings the status page back (422) with what was typed and the
error beside the field. On success: one audited event on the case's timeline, the values in
the case's answers, and back to the status page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from builder.answers import AnswerError
from runtime import catalog, store
from runtime.action_files import forget_unused, store_uploads, text_inputs
from runtime.casework import applicant_actions, cases
from runtime.casework.workflow import ActionRefused, Actor
from runtime.deps import SessionDep, bounded_int
from runtime.forms import parse_page
from runtime.i18n import t
from runtime.models import Attachment
from runtime.notify import case_messages
from runtime.routes.public import Taking, status_page
from runtime.web import PostedForm, error_page

router = APIRouter()


def _unconfirmed(name: str) -> AnswerError:
    """The error beside an applicant action's statement left unticked."""
    key = "applicant_action_confirm"
    message = {"id": t(key, "id"), "en": t(key, "en")}
    return AnswerError(f"/confirm-{name}", "confirm", "required", message)


@router.post("/status/{reference}/{secret}/aksi/{action}")
def take_action(
    request: Request,
    session: SessionDep,
    reference: str,
    secret: str,
    action: str,
    form: PostedForm,
) -> Response:
    """Take an applicant action on the case of this status link."""
    if isinstance(form, Response):
        return form  # a missing or wrong CSRF token: 403
    case = store.find_submission(session, reference, secret)
    if case is None:
        return error_page(request, 404, "not_found", "case_not_found")
    found = catalog.compiled_version(session, case.service_version_id)
    offer = (
        applicant_actions.find(
            found[0].definition, found[1], cases.snapshot(session, case), action[:64]
        )
        if found is not None
        else None
    )
    if offer is None or found is None:
        return error_page(request, 409, "bad_request", "applicant_action_unavailable")
    version = bounded_int(form.get("row_version"))
    if version is None:
        return error_page(request, 400, "bad_request", "bad_request")
    values: dict[str, Any] = {}
    files: list[Attachment] = []
    refused: list[AnswerError] = []
    if offer.form is not None:
        values = parse_page(offer.form.pages[0], text_inputs(form)).values
        files, refused = store_uploads(request, offer.form, form, values)
    if offer.confirm and form.get("confirm") != applicant_actions.CONFIRMED:
        refused.append(_unconfirmed(offer.name))
    kept: dict[str, Any] | None = None
    try:
        if refused:
            _, errors = cases.check_applicant_fields(
                found[1], offer.action.transition, values, case.answers
            )
            taken = {e.key for e in refused}
            raise cases.FieldsRefused(refused + [e for e in errors if e.key not in taken], values)
        cases.apply_transition(
            session,
            case_id=case.id,
            actor=Actor.applicant(),
            action=offer.name,
            comment=None,
            expected_row_version=version,
            calendar=request.app.state.calendar,
            sent=values,
            files=files,
            links=case_messages.Links.of(request.app.state.settings, str(request.base_url)),
        )
        kept = values
    except cases.FieldsRefused as exc:
        typed = {k: v for k, v in values.items() if not isinstance(v, dict)}  # files: again
        taking = Taking(offer.name, typed, exc.errors)
        return status_page(request, session, case, secret, taking=taking, status_code=422)
    except (cases.AlreadyProcessed, ActionRefused):
        return error_page(request, 409, "bad_request", "applicant_action_unavailable")
    finally:
        forget_unused(request, files, kept)
    return RedirectResponse(f"/status/{case.reference}/{secret}?terkirim=aksi", status_code=303)
