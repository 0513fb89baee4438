"""A site with issued documents for the verification tests: real signed PDFs in the data folder
and IssuedDocument rows made directly (issuing inside transitions is tested elsewhere)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from runtime import store
from runtime.app import create_app
from runtime.documents.files import write_document
from runtime.documents.pdf import render_pdf
from runtime.documents.signing import (
    LocalSigner,
    certificate_path,
    create_development_certificate,
)
from runtime.documents.verify import new_verify_code
from runtime.models import IssuedDocument, Service, ServiceVersion
from runtime.references import new_token
from runtime.settings import Settings
from tests.runtime.api.conftest import AGENCY, DEFINITION, SECRET_KEY, publish
from tests.runtime.documents.samples import sample_document

PASSPHRASE = "rahasia-pengembangan-123"
HOLDER = "Budi Santoso"
ANSWERS = {"nama": HOLDER, "nik_rahasia": "1871010101900001", "status_kawin": "belum_kawin"}


@cache
def development_p12() -> bytes:
    """One development certificate for the whole test run (key generation is slow)."""
    return create_development_certificate("Dinas Contoh", PASSPHRASE)


@cache
def signer() -> LocalSigner:
    return LocalSigner(development_p12(), PASSPHRASE)


@dataclass
class Site:
    """The app, its database and what the tests issued."""

    app: FastAPI
    engine: Engine
    settings: Settings
    clients: list[TestClient] = field(default_factory=list)
    _seq: int = 0

    def visitor(self, address: str = "203.0.113.7") -> TestClient:
        """A browser at `address` with its own cookies."""
        client = TestClient(self.app, follow_redirects=False, client=(address, 50000))
        self.clients.append(client)
        return client

    def issue(
        self, *, holder: str = HOLDER, title: str = "Surat Keterangan Domisili", **columns: Any
    ) -> tuple[IssuedDocument, bytes]:
        """A signed PDF written to the data folder and its IssuedDocument row."""
        self._seq += 1
        rendered = replace(sample_document(), number=f"470/{self._seq:04}/DUKCAPIL/XII/2026")
        pdf = signer().sign(render_pdf(rendered), reason=title, location="Bandar Lampung")
        storage_name = new_token() + ".pdf"
        write_document(self.settings.data_dir, storage_name, pdf)
        with Session(self.engine, expire_on_commit=False) as session:
            version = session.exec(select(ServiceVersion)).first()
            service = session.exec(select(Service)).first()
            assert version is not None and version.id is not None
            assert service is not None and service.id is not None
            case, _ = store.file_case(
                session,
                service_version_id=version.id,
                service_id=service.id,
                agency_id=AGENCY,
                answers=ANSWERS,
                initial_state="diajukan",
                due_at=None,
            )
            values: dict[str, Any] = {
                "submission_id": case.id,
                "agency_id": AGENCY,
                "doc_type": "surat_domisili",
                "title": title,
                "number": rendered.number,
                "year": 2026,
                "seq": self._seq,
                "issued_at": dt.datetime(2026, 12, 2, 3, 15, tzinfo=dt.UTC),
                "holder_name": holder,
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "size": len(pdf),
                "storage_name": storage_name,
                "verify_code": new_verify_code(),
                **columns,
            }
            doc = IssuedDocument(**values)
            session.add(doc)
            session.commit()
        return doc, pdf

    def supersede(self, old: IssuedDocument, new: IssuedDocument) -> None:
        with Session(self.engine) as session:
            row = session.get(IssuedDocument, old.id)
            assert row is not None
            row.status, row.superseded_by_id = "superseded", new.id
            session.add(row)
            session.commit()

    def revoke(self, doc: IssuedDocument, reason: str, at: dt.datetime) -> None:
        with Session(self.engine) as session:
            row = session.get(IssuedDocument, doc.id)
            assert row is not None
            row.status, row.revoked_at, row.revoked_reason = "revoked", at, reason
            session.add(row)
            session.commit()


def make_site(engine: Engine, data_dir: Path, **settings: Any) -> Site:
    """Publish the test service, trust the agency's development certificate, build the app."""
    publish(engine, DEFINITION)
    config = Settings(
        data_dir=data_dir,
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
        **settings,
    )
    pem = certificate_path(config, AGENCY).with_suffix(".pem")
    pem.parent.mkdir(parents=True, exist_ok=True)
    loaded = pkcs12.load_pkcs12(development_p12(), PASSPHRASE.encode())
    assert loaded.cert is not None
    pem.write_bytes(loaded.cert.certificate.public_bytes(Encoding.PEM))
    return Site(create_app(config), engine, config)


def close(site: Site) -> None:
    for client in site.clients:
        client.close()
    site.app.state.engine.dispose()
