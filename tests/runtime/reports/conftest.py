"""Fixtures for reports and exports: one small service with hand-made cases and known figures.

The database comes from the `engine` fixture of tests/runtime/conftest.py (SQLite, and
PostgreSQL too when LOKET_TEST_DATABASE_URL is set). Cases are written straight to the store
with chosen times, so counts, overdue cases and the median time to decision are known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from builder.bundle import normalise
from builder.canonical import digest
from builder.problems import has_errors
from builder.validate import validate
from runtime import auth, store
from runtime.app import create_app
from runtime.models import CaseEvent, Submission
from runtime.references import hash_secret, new_reference, new_token
from runtime.settings import Settings
from tests import kit

SECRET_KEY = "test-secret-key-for-reports-and-exports-0123456789"
AGENCY = "dinas-uji"
OTHER = "dinas-lain"
SLUG = "bantuan-uji"
NIK = "1871015708900001"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)
PASSWORDS = {
    "petugas.uji": "Meja-Layanan-Teluk-2026",
    "kepala.uji": "Tapis-Emas-Pahoman-2026",
    "petugas.lain": "Kursi-Biru-Way-Halim-2026",
    "perancang.uji": "Kain-Tapis-Menggala-2026",
}
ROLES = {"perancang": "designer"}  # the agency's service designer: no role in the workflow


def definition(agency: str = AGENCY, slug: str = SLUG) -> dict[str, Any]:
    """A small valid service with a NIK, a phone, a multichoice, a repeatable group and a file.

    The income and a family member's illnesses are marked sensitive.
    """
    return {
        "format": "loket/service@1",
        "id": slug,
        "agency": agency,
        "title": {"id": "Bantuan Uji", "en": "Test Aid"},
        "summary": "Layanan untuk pengujian laporan.",
        "standard": {"requirements": ["KTP-el"], "duration_days": 3, "cost": "Gratis"},
        "privacy": {
            "purpose": "Pengujian.",
            "legal_basis": "UU 27/2022 pasal 20",
            "retention_days": 365,
        },
        "form": {
            "pages": [
                {
                    "id": "data",
                    "title": "Data",
                    "fields": [
                        {"key": "nik", "type": "nik", "label": "NIK", "required": True},
                        {"key": "nama", "type": "text", "label": "Nama", "required": True},
                        {"key": "telepon", "type": "phone", "label": "Telepon"},
                        {
                            "key": "wilayah",
                            "type": "region",
                            "label": "Kecamatan",
                            "within": "18.71",
                            "level": "district",
                        },
                        {
                            "key": "penghasilan",
                            "type": "number",
                            "label": "Penghasilan",
                            "integer": True,
                            "sensitive": True,
                        },
                        {
                            "key": "minat",
                            "type": "multichoice",
                            "label": "Bantuan",
                            "options": [
                                {"value": "beras", "label": "Beras"},
                                {"value": "uang", "label": "Uang"},
                                {"value": "sekolah", "label": "Sekolah"},
                            ],
                        },
                        {
                            "key": "anggota",
                            "type": "group",
                            "label": "Anggota keluarga",
                            "fields": [
                                {
                                    "key": "nama_anggota",
                                    "type": "text",
                                    "label": "Nama",
                                    "required": True,
                                },
                                {"key": "umur", "type": "number", "label": "Umur", "integer": True},
                                {
                                    "key": "penyakit",
                                    "type": "text",
                                    "label": "Riwayat penyakit",
                                    "sensitive": True,
                                },
                            ],
                        },
                        {
                            "key": "ktp",
                            "type": "file",
                            "label": "KTP",
                            "accept": ["application/pdf"],
                        },
                    ],
                }
            ]
        },
        "roles": {"petugas": "Petugas", "kepala": "Kepala"},
        "workflow": {
            "initial": "diajukan",
            "states": {
                "diajukan": {"label": "Diajukan", "sla_days": 1},
                "perlu_perbaikan": {"label": "Perlu perbaikan", "applicant_edits": True},
                "selesai": {"label": "Disetujui", "final": "approved"},
                "ditolak": {"label": "Ditolak", "final": "rejected"},
            },
            "transitions": [
                {"action": "setujui", "from": "diajukan", "to": "selesai", "roles": ["kepala"]},
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
            ],
        },
    }


page = kit.page


def add_case(
    session: Session,
    version_id: int,
    service_id: int,
    *,
    state: str,
    created: dt.datetime,
    answers: dict[str, Any] | None = None,
    due: dt.datetime | None = None,
    decided: dt.datetime | None = None,
    outcome: str | None = None,
    paused: bool = False,
    agency: str = AGENCY,
) -> Submission:
    """A case written straight to the database, with its submit (and final) events."""
    case = Submission(
        id=new_token(),
        reference=new_reference(),
        secret_hash=hash_secret(new_token()),
        service_version_id=version_id,
        agency_id=agency,
        service_id=service_id,
        answers=answers or {"nik": NIK, "nama": "Budi"},
        state=state,
        state_entered_at=decided or created,
        due_at=due,
        sla_paused=paused,
        final_outcome=outcome,
        created_at=created,
        updated_at=decided or created,
    )
    session.add(case)
    session.flush()
    store.add_event(
        session,
        submission_id=case.id,
        action="submit",
        actor_kind="applicant",
        to_state="diajukan",
        at=created,
    )
    if decided is not None:
        session.add(
            CaseEvent(
                submission_id=case.id,
                at=decided,
                actor_kind="applicant",
                action="x",
                from_state="diajukan",
                to_state=state,
            )
        )
        session.flush()
    return case


@dataclass
class Data:
    """The app, its database and the ids of the hand-made data set."""

    app: FastAPI
    engine: Engine
    service_id: int
    version_id: int
    clients: list[TestClient]

    def session(self) -> Session:
        """A new session on the app's database."""
        return Session(self.engine, expire_on_commit=False)

    def login(self, username: str) -> TestClient:
        """A client signed in as `username`."""
        client = TestClient(self.app, follow_redirects=False)
        self.clients.append(client)
        return kit.signed_in(client, username, PASSWORDS[username])


def publish(session: Session, agency: str, slug: str) -> tuple[int, int]:
    """Publish the test definition; returns (service id, version id)."""
    normal = normalise(definition(agency, slug))
    assert not has_errors(validate(normal)), validate(normal)
    version = store.publish_version(session, definition=normal, sha256=digest(normal))
    assert version.id is not None
    return version.service_id, version.id


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the tests hash several passwords on a small machine."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: hasher)


@pytest.fixture
def data(engine: Engine, tmp_path: Path) -> Iterator[Data]:
    """The service with seven cases (figures below), officers here and in another agency.

    The withdrawal uses the engine's implicit state ``ditarik``.
    diajukan: 2 (one overdue); perlu_perbaikan: 1 (paused, not overdue); selesai: 2 (1 and
    2 days); ditolak: 1 (4 days); ditarik: 1 (not a decision). Median to decision: 2 days.
    """
    with Session(engine) as session:
        service_id, version_id = publish(session, AGENCY, SLUG)
        publish(session, OTHER, "layanan-lain")
        start = NOW - 30 * DAY
        cases: list[dict[str, Any]] = [
            {"state": "diajukan", "due": NOW - DAY},
            {"state": "diajukan", "due": NOW + DAY},
            {"state": "perlu_perbaikan", "paused": True},
            {"state": "selesai", "outcome": "approved", "after": 1},
            {"state": "selesai", "outcome": "approved", "after": 2},
            {"state": "ditolak", "outcome": "rejected", "after": 4},
            {"state": "ditarik", "outcome": "withdrawn", "after": 9},
        ]
        for index, spec in enumerate(cases):
            created = start + index * dt.timedelta(minutes=1)
            after = spec.pop("after", None)
            decided = created + after * DAY if after is not None else None
            add_case(session, version_id, service_id, created=created, decided=decided, **spec)
        for username, password in PASSWORDS.items():
            user = auth.create_user(
                session, username=username, display_name=username, password=password
            )
            role, _, where = username.partition(".")
            agency_id = AGENCY if where == "uji" else OTHER
            auth.grant(session, user=user, agency_id=agency_id, role=ROLES.get(role, role))
        session.commit()
    settings = Settings(
        data_dir=tmp_path / "data",
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
    )
    app = create_app(settings)
    found = Data(app, engine, service_id, version_id, [])
    yield found
    for client in found.clients:
        client.close()
    app.state.engine.dispose()
