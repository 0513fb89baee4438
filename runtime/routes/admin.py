"""The administrator's page: staff accounts, their global roles and their roles in agencies.

Plain HTML forms (they work without JavaScript), each POST checked for CSRF. A change ends with
a redirect back to the list (post/redirect/get); a mistake re-shows the page with 422, the
values kept except the password. Roles offered in an agency are those its live service
definitions name, plus ``designer`` (who edits the agency's services in the studio).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from builder.texts import localise
from runtime import auth
from runtime.deps import IdPath, SessionDep, parse_id
from runtime.i18n import in_language
from runtime.models import Agency, Membership, Service, ServiceVersion, User
from runtime.staff import AdminDep
from runtime.web import PostedForm, error_page, language, render

router = APIRouter()
PAGE = "/admin/pengguna"
DESIGNER = "designer"
DONE = ("added", "disabled", "enabled", "granted", "revoked")  # ?selesai= notices after a redirect
_NAME_MISSING = "Isi nama tampilan. / Enter a display name."
_TAKEN = "Pengguna '{0}' sudah ada. / User '{0}' exists."


@dataclass(frozen=True)
class FormProblem:
    """A mistake in a posted form, linked from the error summary to its input."""

    anchor: str
    message: str

    def text(self, lang: str) -> str:
        """The message in the page's language."""
        return in_language(self.message, lang)


def beside(errors: list[FormProblem], lang: str) -> dict[str, str]:
    """The messages to show beside their inputs, by input id (in the page's language)."""
    found: dict[str, str] = {}
    for error in errors:
        text = error.text(lang)
        found[error.anchor] = f"{found[error.anchor]} {text}" if error.anchor in found else text
    return found


@dataclass
class AgencyRoles:
    """An agency and the roles that may be granted in it."""

    id: str
    name: str
    roles: dict[str, str] = field(default_factory=dict)  # role -> label


def offered_roles(session: Session, lang: str = "id") -> list[AgencyRoles]:
    """Per agency: the roles of its live service definitions, plus designer."""
    agencies = {
        a.id: AgencyRoles(a.id, a.name)
        for a in session.exec(select(Agency).order_by(col(Agency.name))).all()
    }
    rows = session.exec(
        select(Service.agency_id, ServiceVersion.definition).join(
            ServiceVersion, col(ServiceVersion.id) == col(Service.current_version_id)
        )
    ).all()
    for agency_id, definition in rows:
        for role, label in (definition.get("roles") or {}).items():
            agencies[agency_id].roles.setdefault(str(role), localise(label, lang) or str(role))
    for entry in agencies.values():
        entry.roles = dict(sorted(entry.roles.items()))
        entry.roles.setdefault(
            DESIGNER, "Perancang layanan" if lang == "id" else "Service designer"
        )
    return list(agencies.values())


def _users(session: Session) -> list[dict[str, Any]]:
    users = session.exec(select(User).order_by(col(User.username))).all()
    memberships: dict[int, list[Membership]] = {}
    for m in session.exec(
        select(Membership).order_by(col(Membership.agency_id), col(Membership.role))
    ).all():
        memberships.setdefault(m.user_id, []).append(m)
    return [{"user": u, "memberships": memberships.get(u.id or 0, [])} for u in users]


def _page(
    request: Request,
    session: Session,
    admin: auth.StaffUser,
    *,
    errors: list[FormProblem] | None = None,
    form: str = "",
    values: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    done = request.query_params.get("selesai", "")
    return render(
        request,
        "admin/users.html",
        {
            "user": admin,
            "users": _users(session),
            "agencies": offered_roles(session, language(request)),
            "global_roles": auth.GLOBAL_ROLES,
            "errors": errors or [],
            "problems": beside(errors or [], language(request)),
            "form": form,
            "values": values or {},
            "done": done if done in DONE else "",
        },
        status_code,
    )


def _done(what: str) -> RedirectResponse:
    return RedirectResponse(f"{PAGE}?selesai={what}", status_code=303)


def _text(form: FormData, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _user(session: Session, raw: Any) -> User | None:
    user_id = parse_id(raw)
    return session.get(User, user_id) if user_id is not None else None


@router.get(PAGE)
def users_page(request: Request, session: SessionDep, admin: AdminDep) -> Response:
    """Every staff account with its global roles and memberships, and the forms to change them."""
    return _page(request, session, admin)


_ANCHORS = {
    "bad-username": "new-username",
    "duplicate-user": "new-username",
    "weak-password": "new-password",
    "bad-role": "new-global-roles",
    "bad-email": "new-email",
}


@router.post(PAGE)
def add_user(request: Request, session: SessionDep, admin: AdminDep, form: PostedForm) -> Response:
    """Add an account (the password is checked like every password: length, common ones)."""
    if isinstance(form, Response):
        return form
    name = _text(form, "display_name")
    username = _text(form, "username", 64)
    password = form.get("password")
    password = password if isinstance(password, str) else ""
    chosen = tuple(r for r in form.getlist("global_roles") if isinstance(r, str))
    email = _text(form, "email", 254)
    errors = []
    if not name:
        errors.append(FormProblem("new-display-name", _NAME_MISSING))
    try:
        auth.create_user(
            session,
            username=username,
            display_name=name,
            password=password,
            global_roles=chosen,
            email=email,
        )
    except IntegrityError:  # the same username added at the same moment by someone else
        session.rollback()
        errors.append(FormProblem("new-username", _TAKEN.format(username.lower())))
    except auth.AuthError as exc:
        errors.append(FormProblem(_ANCHORS.get(exc.code, "new-username"), str(exc)))
        problem = auth.password_problem(password, username.lower(), [name])
        if exc.code != "weak-password" and problem:
            errors.append(FormProblem("new-password", problem))
        elif exc.code == "weak-password" and auth.find_user(session, username):
            errors.append(FormProblem("new-username", _TAKEN.format(username.lower())))
    if not errors:
        try:
            session.commit()
            return _done("added")
        except IntegrityError:
            errors.append(FormProblem("new-username", _TAKEN.format(username.lower())))
    session.rollback()
    values = {"display_name": name, "username": username, "global_roles": chosen, "email": email}
    return _page(request, session, admin, errors=errors, form="add", values=values, status_code=422)


def _posted_user(
    request: Request, session: Session, user_id: int, form: FormData | Response
) -> User | Response:
    """The account a checked form is about, or the response to give instead."""
    if isinstance(form, Response):
        return form
    target = session.get(User, user_id)
    if target is None:
        return error_page(request, 404, "not_found", "not_found_text")
    return target


@router.post(PAGE + "/{user_id}/nonaktifkan")
def disable_user(
    request: Request, session: SessionDep, admin: AdminDep, user_id: IdPath, form: PostedForm
) -> Response:
    """Disable an account: it can no longer sign in and its open sessions end now."""
    target = _posted_user(request, session, user_id, form)
    if isinstance(target, Response):
        return target
    if target.id == admin.id:
        problem = FormProblem(
            f"user-{user_id}",
            "Anda tidak dapat menonaktifkan akun Anda sendiri. / You cannot disable your own account.",
        )
        return _page(request, session, admin, errors=[problem], status_code=422)
    auth.disable(session, user=target)
    session.commit()
    return _done("disabled")


@router.post(PAGE + "/{user_id}/aktifkan")
def enable_user(
    request: Request, session: SessionDep, admin: AdminDep, user_id: IdPath, form: PostedForm
) -> Response:
    """Let a disabled account sign in again, with the roles it had."""
    target = _posted_user(request, session, user_id, form)
    if isinstance(target, Response):
        return target
    auth.enable(session, user=target)
    session.commit()
    return _done("enabled")


@router.post(PAGE + "/peran")
def grant_role(
    request: Request, session: SessionDep, admin: AdminDep, form: PostedForm
) -> Response:
    """Give a user a role in an agency (offered roles only)."""
    if isinstance(form, Response):
        return form
    target = _user(session, form.get("user_id"))
    agency, _, role = _text(form, "role").partition(":")
    offered = {a.id: a.roles for a in offered_roles(session)}
    errors = []
    if target is None or not target.is_active:
        errors.append(
            FormProblem("grant-user", "Pilih pengguna yang aktif. / Choose an active user.")
        )
    if role not in offered.get(agency, {}):
        errors.append(
            FormProblem("grant-role", "Pilih peran dari daftar. / Choose a role from the list.")
        )
    if errors or target is None:
        values = {"user_id": _text(form, "user_id"), "role": _text(form, "role")}
        return _page(
            request, session, admin, errors=errors, form="grant", values=values, status_code=422
        )
    auth.grant(session, user=target, agency_id=agency, role=role)
    session.commit()
    return _done("granted")


@router.post(PAGE + "/{user_id}/cabut")
def revoke_role(
    request: Request, session: SessionDep, admin: AdminDep, user_id: IdPath, form: PostedForm
) -> Response:
    """Take a role in an agency away from a user."""
    if isinstance(form, Response):
        return form
    target = session.get(User, user_id)
    if target is None:
        return error_page(request, 404, "not_found", "not_found_text")
    auth.revoke(
        session, user=target, agency_id=_text(form, "agency", 64), role=_text(form, "role", 64)
    )
    session.commit()
    return _done("revoked")
