"""Citizen pages: an exit page, shown when an answer means the service is not the right one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from builder.compiler import ExitPlan
from runtime.deps import SessionDep
from runtime.routes.citizen import DraftContext, load_draft, not_found, pages_base
from runtime.web import render

router = APIRouter()


def exit_url(ctx: DraftContext, agency: str, slug: str, plan: ExitPlan) -> str:
    """The address of an exit page (below the studio trial's address in a trial)."""
    return f"{pages_base(ctx, agency, slug)}/keluar/{plan.id}"


def stopped(
    ctx: DraftContext, agency: str, slug: str, *, upto: int | None = None
) -> Response | None:
    """A redirect to the exit page whose condition holds for the draft's answers, or None."""
    plan = ctx.compiled.exit_for(ctx.draft.answers, ctx.today, upto=upto)
    return None if plan is None else RedirectResponse(exit_url(ctx, agency, slug, plan), 303)


def show_exit(
    request: Request, ctx: DraftContext, agency: str, slug: str, exit_id: str, **extra: Any
) -> Response:
    """The exit page `exit_id` when it applies to the draft's answers; else back to its page
    (an unknown exit: not found). `extra`: more for the template (the trial's editor link)."""
    base = pages_base(ctx, agency, slug)
    plan = ctx.compiled.exit_named(exit_id)
    if plan is None:
        return not_found(request)
    if ctx.compiled.exit_for(ctx.draft.answers, ctx.today) != plan:
        return RedirectResponse(f"{base}/isi/{plan.page_id}", status_code=303)
    context = {
        "d": ctx.compiled.definition,
        "exit": plan,
        "back_url": f"{base}/isi/{plan.page_id}",
        "trial": ctx.trial_base is not None,
        **extra,
    }
    return render(request, "exit.html", context)


@router.get("/layanan/{agency}/{slug}/keluar/{exit_id}")
def exit_page(
    request: Request, session: SessionDep, agency: str, slug: str, exit_id: str
) -> Response:
    """The explanation and where to go instead; the answers are kept, so the applicant may go
    back and change the one that led here (then the page no longer applies)."""
    ctx = load_draft(request, session, agency, slug)
    if isinstance(ctx, Response):
        return ctx
    return show_exit(request, ctx, agency, slug, exit_id)
