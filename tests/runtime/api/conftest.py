"""Fixtures for the JSON API: an app on a clean migrated database with small test services.

The database comes from the `engine` fixture of tests/runtime/conftest.py (SQLite, and
PostgreSQL too when LOKET_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from builder.bundle import normalise
from builder.canonical import digest
from builder.compiler import CompiledService, compiled
from builder.problems import has_errors
from builder.validate import validate
from runtime import store
from runtime.app import create_app
from runtime.models import Service
from runtime.settings import Settings

SECRET_KEY = "test-secret-key-for-the-json-api-0123456789abcdef"
AGENCY = "contoh"
SLUG = "layanan-uji"
BASE = f"/api/v1/services/{AGENCY}/{SLUG}"

_WORKFLOW: dict[str, Any] = {
    "initial": "diajukan",
    "states": {
        "diajukan": {
            "label": "Diajukan",
            "public_label": {"id": "Sedang diperiksa", "en": "Being checked"},
            "sla_days": 2,
        },
        "perlu_perbaikan": {
            "label": "Perlu perbaikan",
            "public_label": "Perlu Anda perbaiki",
            "applicant_edits": True,
        },
        "selesai": {"label": {"id": "Disetujui", "en": "Approved"}, "final": "approved"},
        "ditolak": {"label": {"id": "Ditolak", "en": "Rejected"}, "final": "rejected"},
    },
    "transitions": [
        {
            "action": "setujui",
            "from": "diajukan",
            "to": "selesai",
            "roles": ["petugas"],
            "comment": "optional",
            "comment_to_applicant": True,
        },
        {
            "action": "minta_perbaikan",
            "from": "diajukan",
            "to": "perlu_perbaikan",
            "roles": ["petugas"],
            "comment": "required",
            "comment_to_applicant": True,
        },
        {
            "action": "kirim_ulang",
            "from": "perlu_perbaikan",
            "to": "diajukan",
            "roles": ["applicant"],
            "comment": "none",
        },
        {
            "action": "tolak",
            "from": "diajukan",
            "to": "ditolak",
            "roles": ["petugas"],
            "comment": "required",
            "comment_to_applicant": True,
        },
    ],
}

DEFINITION: dict[str, Any] = {
    "format": "loket/service@1",
    "id": SLUG,
    "agency": AGENCY,
    "title": {"id": "Layanan uji", "en": "Test service"},
    "summary": "Layanan kecil untuk menguji API.",
    "standard": {"requirements": ["KTP-el"], "duration_days": 3, "cost": "Gratis"},
    "privacy": {"purpose": "Pengujian.", "retention_days": 30},
    "form": {
        "pages": [
            {
                "id": "data",
                "title": {"id": "Data", "en": "Details"},
                "fields": [
                    {
                        "key": "nama",
                        "type": "text",
                        "label": {"id": "Nama", "en": "Name"},
                        "required": True,
                        "max_length": 50,
                    },
                    {
                        "key": "umur",
                        "type": "number",
                        "label": "Umur",
                        "integer": True,
                        "min": 17,
                        "max": 120,
                    },
                    {
                        "key": "status_kawin",
                        "type": "choice",
                        "label": "Status perkawinan",
                        "required": True,
                        "options": [
                            {"value": "kawin", "label": "Kawin"},
                            {"value": "belum_kawin", "label": "Belum kawin"},
                        ],
                    },
                    {
                        "key": "nama_pasangan",
                        "type": "text",
                        "label": "Nama pasangan",
                        "required": True,
                        "max_length": 50,
                        "visible_if": {"field": "status_kawin", "equals": "kawin"},
                    },
                    {
                        "key": "anggota",
                        "type": "group",
                        "label": "Anggota keluarga",
                        "max_items": 3,
                        "fields": [
                            {
                                "key": "nama_anggota",
                                "type": "text",
                                "label": "Nama anggota",
                                "required": True,
                                "max_length": 50,
                            },
                            {
                                "key": "umur_anggota",
                                "type": "number",
                                "label": "Umur anggota",
                                "integer": True,
                                "min": 0,
                            },
                        ],
                    },
                    {
                        "key": "ktp",
                        "type": "file",
                        "label": "Foto KTP-el",
                        "accept": ["image/jpeg", "application/pdf"],
                        "max_mb": 2,
                    },
                ],
            },
            {
                "id": "pernyataan",
                "title": "Pernyataan",
                "fields": [{"key": "setuju", "type": "declaration", "label": "Data saya benar."}],
            },
        ]
    },
    "roles": {"petugas": "Petugas"},
    "workflow": _WORKFLOW,
}

VALID: dict[str, Any] = {"nama": "Budi Santoso", "status_kawin": "belum_kawin", "setuju": True}


def variant(slug: str, *, required_file: bool = False) -> dict[str, Any]:
    """The test definition under another id, optionally with its file field required."""
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = slug
    if required_file:
        fields = definition["form"]["pages"][0]["fields"]
        next(f for f in fields if f["key"] == "ktp")["required"] = True
    return definition


def publish(engine: Engine, definition: dict[str, Any]) -> dict[str, Any]:
    """Validate and publish a definition; return its normal form."""
    assert not has_errors(validate(definition)), validate(definition)
    normal = normalise(definition)
    with Session(engine) as session:
        store.publish_version(
            session, definition=normal, sha256=digest(normal), agency_name="Dinas Contoh"
        )
        session.commit()
    return normal


def retire(engine: Engine, agency: str, slug: str) -> None:
    """Mark a service retired."""
    with Session(engine) as session:
        service = session.exec(
            select(Service).where(Service.agency_id == agency, Service.slug == slug)
        ).one()
        service.status = "retired"
        session.add(service)
        session.commit()


@dataclass
class Api:
    """The app under test, its client and what it runs on."""

    app: FastAPI
    client: TestClient
    engine: Engine
    settings: Settings
    definition: dict[str, Any]

    @property
    def compiled(self) -> CompiledService:
        """The compiled test service."""
        return compiled(self.definition)

    def submit(self, answers: Any, **headers: str) -> Any:
        """POST answers as JSON to the test service."""
        return self.client.post(f"{BASE}/submissions", json=answers, headers=headers)


@pytest.fixture
def make_api(engine: Engine, tmp_path: Path) -> Iterator[Callable[..., Api]]:
    """Build apps on the test database with the test service published."""
    made: list[Api] = []

    def make(**client_options: Any) -> Api:
        definition = publish(engine, DEFINITION)
        settings = Settings(
            data_dir=tmp_path / f"data{len(made)}",
            secret_key=SECRET_KEY,
            database_url=engine.url.render_as_string(hide_password=False),
        )
        app = create_app(settings)
        api = Api(app, TestClient(app, **client_options), engine, settings, definition)
        made.append(api)
        return api

    yield make
    for api in made:
        api.client.close()
        api.app.state.engine.dispose()


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    """The app with the test service published."""
    return make_api()
