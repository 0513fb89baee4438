"""Fixtures for the admin page: an app with two example services, an admin and two officers.

The database comes from the `engine` fixture of tests/runtime/conftest.py (SQLite, and
PostgreSQL too when LOKET_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from builder.bundle import normalise
from builder.canonical import digest
from runtime import auth, store
from runtime.app import create_app
from runtime.models import User
from runtime.settings import Settings
from tests import kit

ROOT = Path(__file__).resolve().parents[3]
SECRET_KEY = "test-secret-key-for-the-admin-page-0123456789abcdef"
EXAMPLES = ("surat-keterangan-domisili", "surat-keterangan-tidak-mampu")  # disdukcapil, dinsos
PASSWORDS = {
    "admin": "Gerbang-Kota-Tapis-2026",
    "petugas.dukcapil": "Meja-Layanan-Teluk-2026",
    "petugas.dinsos": "Kursi-Biru-Way-Halim-2026",
}


page = kit.page
csrf = kit.csrf


@dataclass
class Site(kit.Site):
    """The app on a clean database, with a way to open signed-in clients."""

    app: FastAPI
    engine: Engine
    clients: list[TestClient]

    def login(self, username: str, password: str | None = None) -> TestClient:
        """A client signed in as `username`."""
        password = password or PASSWORDS[username]
        return kit.signed_in(self.client(), username, password, "/kantor/laporan")

    def user(self, username: str) -> User:
        """A user as stored now."""
        with self.session() as session:
            found = auth.find_user(session, username)
            assert found is not None
            return found


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the tests hash many passwords on a small machine."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: hasher)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:
    """Two example services (disdukcapil, dinsos), an admin and one officer in each agency."""
    with Session(engine) as session:
        for name in EXAMPLES:
            text = (ROOT / "schemas" / "examples" / f"{name}.json").read_text(encoding="utf-8")
            definition = normalise(json.loads(text))
            store.publish_version(session, definition=definition, sha256=digest(definition))
        for username, password in PASSWORDS.items():
            user = auth.create_user(
                session,
                username=username,
                display_name=username.title(),
                password=password,
                global_roles=("admin",) if username == "admin" else (),
            )
            if username != "admin":
                agency = "disdukcapil" if username.endswith("dukcapil") else "dinsos"
                auth.grant(session, user=user, agency_id=agency, role="petugas")
        session.commit()
    settings = Settings(
        data_dir=tmp_path / "data",
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
    )
    app = create_app(settings)
    found = Site(app, engine, [])
    yield found
    found.close_clients()
    app.state.engine.dispose()
