"""Fixtures for the review pages: an app on a clean database, staff accounts and a small service.

The database comes from the `engine` fixture of tests/runtime/conftest.py. Staff sign in through
the real login form (POST /masuk with the CSRF token of the login page). Services are set up with
runtime.lifecycle, the way the studio will: a designer creates and submits, a reviewer publishes.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from runtime import auth, lifecycle
from runtime.app import create_app
from runtime.auth import StaffUser
from runtime.models import Agency, Service, ServiceVersion, Submission, User
from runtime.settings import Settings
from tests import kit

SECRET_KEY = "test-secret-key-for-the-review-pages-0123456789"
PASSWORD = "Kalimat-Rahasia-Untuk-Uji-2026"
AGENCY = "dinas-uji"
OTHER_AGENCY = "dinas-lain"
SLUG = "surat-uji"

V1: dict[str, Any] = {
    "format": "loket/service@1",
    "id": SLUG,
    "agency": AGENCY,
    "title": {"id": "Surat Uji", "en": "Test letter"},
    "summary": "Layanan kecil untuk menguji tinjauan.",
    "standard": {
        "requirements": ["KTP-el"],
        "duration_days": 5,
        "cost": "Gratis",
        "legal_basis": ["UU 25/2009 tentang Pelayanan Publik"],
        "contact": {"office": "Dinas Uji", "phone": "(0721) 000000"},
    },
    "privacy": {"purpose": "Menguji layanan.", "retention_days": 30},
    "form": {
        "pages": [
            {
                "id": "data",
                "title": "Data pemohon",
                "fields": [
                    {
                        "key": "nama",
                        "type": "text",
                        "label": "Nama",
                        "required": True,
                        "max_length": 50,
                    },
                    {"key": "alamat", "type": "textarea", "label": "Alamat", "max_length": 200},
                ],
            }
        ]
    },
    "roles": {"petugas": "Petugas"},
    "workflow": {
        "initial": "diajukan",
        "states": {
            "diajukan": {"label": "Diajukan", "sla_days": 1},
            "diperiksa": {"label": "Diperiksa", "sla_days": 2},
            "perlu_perbaikan": {"label": "Perlu perbaikan", "applicant_edits": True},
            "selesai": {"label": "Disetujui", "final": "approved"},
            "ditolak": {"label": "Ditolak", "final": "rejected"},
        },
        "transitions": [
            {"action": "periksa", "from": "diajukan", "to": "diperiksa", "roles": ["petugas"]},
            {"action": "setujui", "from": "diperiksa", "to": "selesai", "roles": ["petugas"]},
            {
                "action": "minta_perbaikan",
                "from": ["diajukan", "diperiksa"],
                "to": "perlu_perbaikan",
                "roles": ["petugas"],
                "comment": "required",
            },
            {
                "action": "kirim_ulang",
                "from": "perlu_perbaikan",
                "to": "diajukan",
                "roles": ["applicant"],
            },
            {
                "action": "tolak",
                "from": ["diajukan", "diperiksa"],
                "to": "ditolak",
                "roles": ["petugas"],
                "comment": "required",
            },
        ],
    },
}


def v2_definition() -> dict[str, Any]:
    """V1 with a new title, 'Alamat' now required and the state 'diperiksa' removed."""
    body = copy.deepcopy(V1)
    body["title"] = {"id": "Surat Uji Baru", "en": "New test letter"}
    body["form"]["pages"][0]["fields"][1]["required"] = True
    workflow = body["workflow"]
    del workflow["states"]["diperiksa"]
    workflow["transitions"] = [
        {"action": "setujui", "from": "diajukan", "to": "selesai", "roles": ["petugas"]},
        {
            "action": "minta_perbaikan",
            "from": "diajukan",
            "to": "perlu_perbaikan",
            "roles": ["petugas"],
            "comment": "required",
        },
        {
            "action": "kirim_ulang",
            "from": "perlu_perbaikan",
            "to": "diajukan",
            "roles": ["applicant"],
        },
        {
            "action": "tolak",
            "from": "diajukan",
            "to": "ditolak",
            "roles": ["petugas"],
            "comment": "required",
        },
    ]
    return body


parse = kit.page
csrf_of = kit.csrf


@dataclass
class Loket(kit.Site):
    """The app under test with its staff accounts (username → StaffUser for lifecycle calls)."""

    app: FastAPI
    settings: Settings
    engine: Engine
    staff: dict[str, StaffUser] = field(default_factory=dict)
    clients: list[TestClient] = field(default_factory=list)

    def login(self, username: str) -> TestClient:
        """A visitor signed in through the login form."""
        return kit.signed_in(self.client(), username, PASSWORD, "/tinjau")

    def create_service(
        self,
        definition: dict[str, Any] | None = None,
        *,
        agency: str = AGENCY,
        submitted_at: dt.datetime | None = None,
    ) -> tuple[int, int]:
        """A service with its first version in review: (service id, version id)."""
        designer = self.staff["designer" if agency == AGENCY else "other-designer"]
        with self.session() as session:
            service, draft = lifecycle.create_service(
                session, user=designer, agency_id=agency, definition=definition or V1
            )
            lifecycle.submit_for_review(session, user=designer, version=draft, now=submitted_at)
            session.commit()
            assert service.id is not None and draft.id is not None
            return service.id, draft.id

    def publish_v1(self, definition: dict[str, Any] | None = None) -> tuple[int, int]:
        """A published service: (service id, live version id)."""
        service_id, version_id = self.create_service(definition)
        with self.session() as session:
            version = session.get(ServiceVersion, version_id)
            assert version is not None
            lifecycle.publish(session, user=self.staff["reviewer"], version=version, data_dir=None)
            session.commit()
        return service_id, version_id

    def submit_draft(self, service_id: int, definition: dict[str, Any]) -> int:
        """A new version of a service, sent for review: its id."""
        designer = self.staff["designer"]
        with self.session() as session:
            service = session.get(Service, service_id)
            assert service is not None
            draft = lifecycle.start_draft(session, user=designer, service=service)
            lifecycle.save_draft(
                session,
                user=designer,
                version=draft,
                definition=definition,
                expected_row_version=draft.row_version,
            )
            lifecycle.submit_for_review(session, user=designer, version=draft)
            session.commit()
            assert draft.id is not None
            return draft.id

    def file_case(self, version_id: int, state: str) -> str:
        """A case filed under a version and sitting in `state`: its id."""
        with self.session() as session:
            case, _ = kit.file_case(session, version_id, {"nama": "Budi"}, initial_state=state)
            session.commit()
            return case.id

    def case(self, case_id: str) -> Submission:
        """A case as stored now."""
        with self.session() as session:
            found = session.get(Submission, case_id)
            assert found is not None
            return found

    def version(self, version_id: int) -> ServiceVersion:
        """A version as stored now."""
        with self.session() as session:
            found = session.get(ServiceVersion, version_id)
            assert found is not None
            return found

    def service(self, service_id: int) -> Service:
        """A service as stored now."""
        with self.session() as session:
            found = session.get(Service, service_id)
            assert found is not None
            return found


def _staff_user(user: User, roles: dict[str, set[str]]) -> StaffUser:
    assert user.id is not None
    return StaffUser(
        user.id,
        user.username,
        user.display_name,
        frozenset(user.global_roles),
        {agency: frozenset(found) for agency, found in roles.items()},
        "test",
    )


_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# username → (display name, global roles, roles by agency)
STAFF: dict[str, tuple[str, tuple[str, ...], dict[str, set[str]]]] = {
    "reviewer": ("Rina Peninjau", ("reviewer",), {}),
    "designer": ("Dedi Perancang", (), {AGENCY: {"designer"}}),
    "other-designer": ("Ola Perancang", (), {OTHER_AGENCY: {"designer"}}),
    "officer": ("Oki Petugas", (), {AGENCY: {"petugas"}}),
    "admin": ("Ani Admin", ("admin",), {}),
}


@pytest.fixture
def loket(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Loket]:
    """The app on a clean database with the staff accounts of STAFF.

    Passwords are hashed with argon2id at test-sized cost, so that signing in stays fast.
    """
    monkeypatch.setattr(auth, "_hasher", lambda: _FAST_HASHER)
    settings = Settings(
        data_dir=tmp_path / "data",
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
    )
    staff: dict[str, StaffUser] = {}
    with Session(engine, expire_on_commit=False) as session:
        for agency_id in (AGENCY, OTHER_AGENCY):
            session.add(Agency(id=agency_id, name=f"Dinas {agency_id}"))
        session.flush()
        for username, (name, global_roles, roles) in STAFF.items():
            user = auth.create_user(
                session,
                username=username,
                display_name=name,
                password=PASSWORD,
                global_roles=global_roles,
            )
            for agency_id, names in roles.items():
                for role in names:
                    auth.grant(session, user=user, agency_id=agency_id, role=role)
            staff[username] = _staff_user(user, roles)
        session.commit()
    app = create_app(settings)
    made = Loket(app, settings, engine, staff)
    yield made
    made.close_clients()
    app.state.engine.dispose()


def user_id(loket: Loket, username: str) -> int:
    """The id of a staff account."""
    with loket.session() as session:
        user = session.exec(select(User).where(User.username == username)).one()
        assert user.id is not None
        return user.id
