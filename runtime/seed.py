"""Demo data: one user per role of every published service, plus a reviewer and an admin; the
example agencies' letterhead and signatory data (fictional, marked as demo) so the demo issues
real signed letters."""

from __future__ import annotations

from sqlmodel import Session, select

from runtime import agencies, auth
from runtime.models import Agency, Service, ServiceVersion

DEMO_CITY = "Bandar Lampung"
DEMO_PARENT = "Pemerintah Kota Bandar Lampung"
# Fictional addresses, names and NIPs (all marked "(demo)"): never real officials.
DEMO_LETTERHEADS: dict[str, dict[str, str]] = {
    "disdukcapil": {
        "address": "Jl. Dr. Susilo No. 2, Sumur Batu, Teluk Betung Utara, Bandar Lampung 35214",
        "phone": "0721 000101",
        "email": "disdukcapil@contoh.go.id",
        "signatory_position": "Kepala Dinas Kependudukan dan Pencatatan Sipil",
        "signatory_name": "Rina Marlina, S.Sos. (demo)",
        "signatory_nip": "197501012000032001",
    },
    "dinsos": {
        "address": "Jl. Basuki Rahmat No. 24, Teluk Betung Utara, Bandar Lampung 35215",
        "phone": "0721 000102",
        "email": "dinsos@contoh.go.id",
        "signatory_position": "Kepala Bidang Perlindungan dan Jaminan Sosial",
        "signatory_name": "Ahmad Fauzi, S.E. (demo)",
        "signatory_nip": "198003152005011002",
    },
    "ppid": {
        "address": "Jl. Dr. Susilo No. 2, Sumur Batu, Teluk Betung Utara, Bandar Lampung 35214",
        "phone": "0721 000103",
        "email": "ppid@contoh.go.id",
        "signatory_position": "Pejabat Pengelola Informasi dan Dokumentasi",
        "signatory_name": "Dewi Kartika, S.H. (demo)",
        "signatory_nip": "198207102006042003",
    },
    "dpmptsp": {
        "address": "Jl. Dr. Susilo No. 2, Gedung B, Teluk Betung Utara, Bandar Lampung 35214",
        "phone": "0721 000104",
        "email": "dpmptsp@contoh.go.id",
        "signatory_position": "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "signatory_name": "Bambang Setiawan, S.T., M.M. (demo)",
        "signatory_nip": "197803212003121004",
    },
}
DEMO_DEFAULT = {
    "address": "Jl. Dr. Susilo No. 1, Sumur Batu, Teluk Betung Utara, Bandar Lampung 35214",
    "signatory_position": "Kepala Instansi",
    "signatory_name": "Pejabat Demo (demo)",
}


def demo_letterheads(session: Session) -> list[str]:
    """Fill in (idempotently, only where empty) every agency's letterhead and signatory data
    with the fictional demo values; return the ids of the agencies changed."""
    changed = []
    for agency in session.exec(select(Agency).order_by(Agency.id)).all():
        wanted = {
            "parent_government": DEMO_PARENT,
            "city": DEMO_CITY,
            **DEMO_DEFAULT,
            **DEMO_LETTERHEADS.get(agency.id, {}),
        }
        empty = {k: v for k, v in wanted.items() if not getattr(agency, k)}
        if empty:
            agencies.update_agency(session, agency.id, empty)
            changed.append(agency.id)
    session.commit()
    return changed


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
