"""Staff login and logout."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from runtime import auth, navigation
from runtime.deps import SessionDep
from runtime.security import SESSION_COOKIE
from runtime.staff import UserDep
from runtime.web import (
    PostedForm,
    host_cookie,
    render,
    renew_csrf_cookie,
    secure_cookies,
    session_token,
    set_site_cookie,
)

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return navigation.STAFF_HOME


@router.get("/masuk")
def login_page(request: Request, next: str = navigation.STAFF_HOME) -> Response:
    """The staff login form."""
    return render(request, "office/login.html", {"next": _safe_next(next), "error": None})


@router.post("/masuk")
def login_submit(request: Request, session: SessionDep, form: PostedForm) -> Response:
    """Sign in: a new session id every time (rotation), throttled per account and address."""
    if isinstance(form, Response):
        return form
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or ""))
    try:
        token = auth.login(
            session,
            username=username,
            password=password,
            address=auth.client_address(request),
            settings=request.app.state.settings,
            old_token=session_token(request),
        )
    except auth.AuthError as exc:
        status = 429 if exc.code == "throttled" else 401
        return render(
            request,
            "office/login.html",
            {"next": target, "error": str(exc), "username": username[:64]},
            status,
        )
    response = RedirectResponse(target, status_code=303)
    hours: int = request.app.state.settings.session_absolute_hours
    set_site_cookie(response, request, SESSION_COOKIE, token, max_age=hours * 3600)
    renew_csrf_cookie(response, request)  # tokens from before the login stop working
    return response


@router.post("/keluar")
def logout(request: Request, session: SessionDep, form: PostedForm) -> Response:
    """Sign out and forget the session on the server."""
    if isinstance(form, Response):
        return form
    auth.logout(session, session_token(request))
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(
        host_cookie(request, SESSION_COOKIE),
        path="/",
        secure=secure_cookies(request),
        httponly=True,
        samesite="lax",
    )
    renew_csrf_cookie(response, request)  # tokens from the session stop working
    return response


def login_redirect(path: str) -> RedirectResponse:
    """Where an anonymous visitor of a staff page is sent."""
    return RedirectResponse(f"/masuk?next={quote(path)}", status_code=303)


@router.get(navigation.STAFF_HOME)
def staff_home(user: UserDep) -> RedirectResponse:
    """The home that fits the user's roles (studio, review queue, inbox or accounts)."""
    return RedirectResponse(navigation.home_for(user), status_code=303)
