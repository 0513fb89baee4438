"""Route dependencies for staff pages: the signed-in user, or a redirect to the login page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from runtime.auth import StaffUser, request_user
from runtime.deps import SessionDep


class LoginRequired(Exception):
    """Raised by `require_user` when nobody is signed in (handled as a redirect or a 401)."""


class Forbidden(Exception):
    """The signed-in user may not open this (handled as 403)."""


def require_user(request: Request, session: SessionDep) -> StaffUser:
    """The signed-in staff user; raises LoginRequired otherwise."""
    user = request_user(request, session)
    if user is None:
        raise LoginRequired()
    request.state.user = user
    return user


def require_admin(user: Annotated[StaffUser, Depends(require_user)]) -> StaffUser:
    """A signed-in administrator."""
    if not user.has_global("admin"):
        raise Forbidden()
    return user


UserDep = Annotated[StaffUser, Depends(require_user)]
AdminDep = Annotated[StaffUser, Depends(require_admin)]
