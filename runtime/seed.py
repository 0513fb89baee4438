"""Demo accounts: one user per role of every published service, plus a reviewer and an admin."""

from __future__ import annotations

from sqlmodel import Session, select

from runtime import auth
from runtime.models import Service, ServiceVersion


def demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """Create (idempotently) and return (username, password, what) for the demo."""
    wanted: list[tuple[str, str, str, tuple[str, ...], list[tuple[str, str]]]] = [
        ("admin", "Loket-Demo-Kunci-2026", "Administrator", ("admin",), []),
        ("reviewer", "Loket-Demo-Tinjau-2026", "Peninjau Diskominfo", ("reviewer",), []),
    ]
    rows = session.exec(
        select(Service, ServiceVersion).where(Service.current_version_id == ServiceVersion.id)
    ).all()
    roles: dict[tuple[str, str], str] = {}
    for service, version in rows:
        for role, label in version.definition.get("roles", {}).items():
            roles.setdefault(
                (service.agency_id, role),
                label if isinstance(label, str) else label.get("id", role),
            )
    for agency in sorted({agency for agency, _ in roles}):
        roles.setdefault((agency, "designer"), "Perancang layanan")
    for (agency, role), label in sorted(roles.items()):
        username = f"{role}.{agency}".replace("_", "-")[:64]
        password = f"Loket-Demo-{agency}-{role}"
        if auth.password_problem(password, username):  # e.g. ppid.ppid: too guessable
            password += "-Siger-Emas"
        wanted.append((username, password, f"{label} ({agency})", (), [(agency, role)]))
    created = []
    for username, password, name, global_roles, memberships in wanted:
        user = auth.find_user(session, username)
        if user is None:
            user = auth.create_user(
                session,
                username=username,
                display_name=name,
                password=password,
                global_roles=global_roles,
            )
        for agency, role in memberships:
            auth.grant(session, user=user, agency_id=agency, role=role)
        created.append((username, password, name))
    session.commit()
    return created
