"""Fixtures for the back office: an app on a clean migrated database, officers, and cases.

The database comes from the `engine` fixture of tests/runtime/conftest.py (SQLite, and
PostgreSQL too when LOKET_TEST_DATABASE_URL is set). Two example services are published:
Surat Keterangan Domisili (disdukcapil) and SKTM (dinsos). Both issue a signed letter on
`setujui`: the agencies get the demo letterhead data and a development certificate each (made
once per test run), so issuing works as in the demo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from builder.bundle import normalise
from builder.canonical import digest
from runtime import auth, seed, store
from runtime.app import create_app
from runtime.auth import StaffUser
from runtime.casework import cases, deadlines
from runtime.casework.workflow import Actor
from runtime.documents.issue import Issuer
from runtime.documents.signing import certificate_path, create_development_certificate
from runtime.models import (
    Attachment,
    CaseEvent,
    IssuedDocument,
    Membership,
    Submission,
    User,
)
from runtime.references import new_token
from runtime.settings import Settings
from runtime.uploads import attachment_path
from runtime.workdays import Calendar
from tests import kit

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "schemas" / "examples"
SECRET_KEY = "test-secret-key-for-the-back-office-0123456789"
PASSWORD = "Kantor-Uji-Rahasia-2026"
DOMISILI = "disdukcapil/surat-keterangan-domisili"
SKTM = "dinsos/surat-keterangan-tidak-mampu"
NIK = "1871015708900001"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SIGNING_PASSPHRASE = "uji-tanda-tangan-elektronik-2026"
SIGNING_AGENCIES = ("disdukcapil", "dinsos")
ANSWERS: dict[str, Any] = dict(kit.DOMISILI_ANSWERS)
# username -> (agency, role); "arsip" is a role no definition knows; "designer" edits services
OFFICERS = {
    "petugas.uji": ("disdukcapil", "petugas"),
    "kepala.uji": ("disdukcapil", "kepala"),
    "petugas.dinsos": ("dinsos", "petugas"),
    "arsip.uji": ("disdukcapil", "arsip"),
    "perancang.uji": ("disdukcapil", "designer"),
}


def load_example(name: str) -> dict[str, Any]:
    """An example definition in its published (normal) form."""
    return normalise(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))


parse = kit.page
csrf_of = kit.csrf


def post_action(
    client: TestClient,
    office: Office,
    filed: Filed,
    action: str,
    comment: str = "",
    *,
    version: int | None = None,
    headers: dict[str, str] | None = None,
    confirm: bool = True,
) -> Response:
    """Post the action form of the case page (a final decision's statement ticked unless
    `confirm` is False)."""
    page = client.get(f"/kantor/kasus/{filed.id}")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_of(parse(page)),
        "action": action,
        "comment": comment,
        "row_version": str(version if version is not None else office.case(filed.id).row_version),
    }
    if confirm:
        data["confirm"] = "1"
    return client.post(f"/kantor/kasus/{filed.id}/aksi", data=data, headers=headers or {})


@dataclass
class Filed:
    """A case filed for a test, with the citizen's status secret."""

    id: str
    reference: str
    secret: str


@dataclass
class Office(kit.Site):
    """The app on a test database, with officers and helpers to file cases."""

    app: FastAPI
    settings: Settings
    definitions: dict[str, dict[str, Any]]
    user_ids: dict[str, int] = field(default_factory=dict)
    clients: list[TestClient] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        """The app's engine."""
        engine: Engine = self.app.state.engine
        return engine

    @property
    def calendar(self) -> Calendar:
        """The app's working-day calendar."""
        calendar: Calendar = self.app.state.calendar
        return calendar

    def login(self, username: str) -> TestClient:
        """A client signed in as `username`."""
        return kit.signed_in(self.client(), username, PASSWORD, "/kantor")

    def staff(self, username: str) -> StaffUser:
        """The StaffUser of an officer (as a request would see it)."""
        with self.session() as session:
            user = session.get(User, self.user_ids[username])
            assert user is not None and user.id is not None
            roles: dict[str, set[str]] = {}
            for m in session.exec(select(Membership).where(Membership.user_id == user.id)):
                roles.setdefault(m.agency_id, set()).add(m.role)
            return StaffUser(
                user.id,
                user.username,
                user.display_name,
                frozenset(user.global_roles),
                {a: frozenset(r) for a, r in roles.items()},
                "test",
            )

    def file_case(
        self,
        service: str = DOMISILI,
        *,
        answers: dict[str, Any] | None = None,
        now: dt.datetime | None = None,
        due_at: dt.datetime | None = None,
        state: str | None = None,
    ) -> Filed:
        """File a case directly through the store (as the citizen pages do)."""
        definition = self.definitions[service]
        now = now or dt.datetime.now(dt.UTC)
        with self.session() as session:
            version = store.current_version(session, definition["agency"], definition["id"])
            assert version is not None and version.id is not None
            initial = definition["workflow"]["initial"]
            due = due_at or deadlines.due_on_entering(definition, initial, now, self.calendar)
            case, secret = kit.file_case(
                session,
                version.id,
                dict(ANSWERS if answers is None else answers),
                initial_state=initial,
                due_at=due,
                now=now,
            )
            if state is not None:
                case.state = state
            session.commit()
            assert secret is not None
            return Filed(case.id, case.reference, secret)

    def attach(self, case_id: str, content: bytes = PDF, name: str = "ktp.pdf") -> str:
        """Store a file for a case; returns the attachment id."""
        storage = new_token()
        path = attachment_path(self.settings.data_dir, storage)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        attachment = Attachment(
            id=new_token(),
            submission_id=case_id,
            field_key="berkas_ktp",
            original_name=name,
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            storage_name=storage,
        )
        with self.session() as session:
            session.add(attachment)
            session.commit()
        return attachment.id

    def issuer(self, display_name: str = "Kepala Uji", user_id: int | None = None) -> Issuer:
        """What the case page passes to `apply_transition` to issue documents."""
        return Issuer(
            self.settings,
            base_url="https://layanan.example.go.id",
            acting_officer=display_name,
            user_id=user_id,
        )

    def approve(self, case_id: str, *, now: dt.datetime | None = None) -> list[IssuedDocument]:
        """Take a domisili case through verification (petugas.uji) and approval (kepala.uji)
        as the case page does; returns the documents the approval issued."""
        issued: list[IssuedDocument] = []
        for username, action in (("petugas.uji", "verifikasi"), ("kepala.uji", "setujui")):
            staff = self.staff(username)
            actor = Actor.user(staff.id, sorted(staff.roles_in("disdukcapil")))
            with self.session() as session:
                applied = cases.apply_transition(
                    session,
                    case_id=case_id,
                    actor=actor,
                    action=action,
                    comment="Sesuai hasil pemeriksaan.",
                    expected_row_version=self.case(case_id).row_version,
                    calendar=self.calendar,
                    issuer=self.issuer(staff.display_name, staff.id),
                    now=now,
                )
                issued = list(
                    session.exec(
                        select(IssuedDocument).where(IssuedDocument.event_id == applied.event.id)
                    ).all()
                )
        return issued

    def case(self, case_id: str) -> Submission:
        """A case as stored now."""
        with self.session() as session:
            case = session.get(Submission, case_id)
            assert case is not None
            return case

    def events(self, case_id: str) -> list[CaseEvent]:
        """A case's audit trail."""
        with self.session() as session:
            return store.list_events(session, case_id)

    def event_count(self) -> int:
        """Every audit event of every case."""
        with self.session() as session:
            return int(session.exec(select(func.count()).select_from(CaseEvent)).one())

    def case_ids(self) -> list[str]:
        """Ids of every case."""
        with self.session() as session:
            return list(session.exec(select(Submission.id).order_by(col(Submission.id))).all())


@cache
def password_hash() -> str:
    """The argon2id hash of PASSWORD, computed once (hashing is slow on purpose)."""
    assert auth.password_problem(PASSWORD) is None
    return auth.hash_password(PASSWORD)


@cache
def development_certificate(agency_id: str) -> bytes:
    """A development PKCS#12 file for an agency, made once per test run (RSA keys are slow)."""
    return create_development_certificate(f"{agency_id} (uji)", SIGNING_PASSPHRASE)


def install_certificates(
    settings: Settings, agency_ids: tuple[str, ...] = SIGNING_AGENCIES
) -> None:
    """Put the agencies' development certificates where `signer_for_agency` looks for them."""
    for agency_id in agency_ids:
        path = certificate_path(settings, agency_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(development_certificate(agency_id))


def build_office(engine: Engine, data_dir: Path) -> Office:
    """Publish the two example services, create the officers, set up signing (demo letterhead
    data, development certificates) and build the app."""
    definitions = {
        DOMISILI: load_example("surat-keterangan-domisili"),
        SKTM: load_example("surat-keterangan-tidak-mampu"),
    }
    user_ids: dict[str, int] = {}
    with Session(engine, expire_on_commit=False) as session:
        for definition in definitions.values():
            store.publish_version(session, definition=definition, sha256=digest(definition))
        for username, (agency, role) in OFFICERS.items():
            user = User(
                username=username, display_name=username.title(), password_hash=password_hash()
            )
            session.add(user)
            session.flush()
            auth.grant(session, user=user, agency_id=agency, role=role)
            assert user.id is not None
            user_ids[username] = user.id
        session.commit()
        seed.demo_letterheads(session)
    settings = Settings(
        data_dir=data_dir,
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
        signing_passphrase=SIGNING_PASSPHRASE,
    )
    install_certificates(settings)
    return Office(create_app(settings), settings, definitions, user_ids)


@pytest.fixture
def office(engine: Engine, tmp_path: Path) -> Iterator[Office]:
    """The app with the domisili and SKTM services and four officers."""
    built = build_office(engine, tmp_path / "data")
    yield built
    built.close_clients()
    built.engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of the tests that start a real server."""
    config.addinivalue_line(
        "markers", "live_server: starts uvicorn in a subprocess (a few seconds; normal suite)"
    )
