"""Two app instances with their own data folders share one database with LOKET_STORAGE=
database, as two machines behind a reverse proxy would: a citizen's upload through app A is
downloaded by an officer through app B, and a letter issued through A is downloaded (by the
officer and the citizen) and verified through B. SQLite, and PostgreSQL when
LOKET_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from builder.canonical import digest
from runtime import store
from runtime.app import create_app
from runtime.documents import verify
from runtime.models import Attachment, IssuedDocument, Submission
from tests.runtime.office.conftest import (
    DOMISILI,
    PDF,
    Filed,
    Office,
    build_office,
    install_certificates,
    post_action,
)
from tests.runtime.office.test_officer_fields import VERIFY_FIELDS, _post
from tests.runtime.web.conftest import Citizen, status_link


@dataclass
class Pair:
    """App A and app B on one database, each with its own (unshared) data folder."""

    a: Office
    b: Office
    folders: tuple[Path, Path]


def _office_on(base: Office, data_dir: Path, storage: str) -> Office:
    settings = replace(base.settings, data_dir=data_dir, storage=storage)
    install_certificates(settings)  # signing keys are configuration each machine is given
    return Office(create_app(settings), settings, base.definitions, base.user_ids)


@pytest.fixture
def pair(engine: Engine, tmp_path: Path) -> Iterator[Pair]:
    base = build_office(engine, tmp_path / "setup")  # publishes, creates officers
    a = _office_on(base, tmp_path / "a", "database")
    b = _office_on(base, tmp_path / "b", "database")
    yield Pair(a, b, (tmp_path / "a", tmp_path / "b"))
    for office in (base, a, b):
        for client in office.clients:
            client.close()
        office.engine.dispose()


def _file_through(office: Office) -> tuple[Citizen, Filed]:
    """A citizen fills the domisili form with its files through `office`'s pages."""
    citizen = Citizen(office.client(), office.definitions[DOMISILI])
    sent = citizen.submit(citizen.fill_all())
    assert sent.status_code == 303, sent.text[:500]
    _, _, reference, secret = status_link(citizen.follow(sent)).split("/")
    with office.session() as session:
        case = session.exec(select(Submission).where(Submission.reference == reference)).one()
    return citizen, Filed(case.id, reference, secret)


def _attachment(engine: Engine, case_id: str, field_key: str) -> Attachment:
    with Session(engine) as session:
        return session.exec(
            select(Attachment).where(
                Attachment.submission_id == case_id, Attachment.field_key == field_key
            )
        ).one()


def test_an_upload_through_a_is_downloaded_through_b(pair: Pair) -> None:
    citizen, filed = _file_through(pair.a)
    _, content, _ = citizen.uploaded["berkas_ktp"]
    attachment = _attachment(pair.a.engine, filed.id, "berkas_ktp")

    officer_b = pair.b.login("petugas.uji")
    response = officer_b.get(f"/kantor/kasus/{filed.id}/berkas/{attachment.id}")
    assert response.status_code == 200, response.text[:300]
    assert response.content == content
    assert response.headers["content-length"] == str(len(content))
    assert "attachment;" in response.headers["content-disposition"]
    # the applicant's own file through B too
    mine = pair.b.client().get(f"/status/{filed.reference}/{filed.secret}/berkas/{attachment.id}")
    assert mine.status_code == 200 and mine.content == content
    # nothing was written to either machine's folder
    for folder in pair.folders:
        assert not (folder / "attachments").exists()


def test_a_letter_issued_through_a_is_downloaded_and_verified_through_b(pair: Pair) -> None:
    _, filed = _file_through(pair.a)
    assert post_action(pair.a.login("petugas.uji"), pair.a, filed, "verifikasi").status_code == 303
    approved = post_action(pair.a.login("kepala.uji"), pair.a, filed, "setujui")
    assert approved.status_code == 303, approved.text[:1000]
    with pair.a.session() as session:
        (doc,) = session.exec(
            select(IssuedDocument).where(IssuedDocument.submission_id == filed.id)
        ).all()

    officer = pair.b.login("kepala.uji").get(f"/kantor/kasus/{filed.id}/dokumen/{doc.id}")
    assert officer.status_code == 200, officer.text[:300]
    assert hashlib.sha256(officer.content).hexdigest() == doc.sha256
    applicant = pair.b.client().get(f"/status/{filed.reference}/{filed.secret}/dokumen/{doc.id}")
    assert applicant.status_code == 200
    assert applicant.content == officer.content
    with pair.b.session() as session:
        seen = verify.describe(session, pair.b.settings, doc, pair.b.app.state.store)
    assert seen.signature.found and seen.signature.intact
    for folder in pair.folders:
        assert not (folder / "documents").exists()


def test_with_local_storage_the_other_machine_does_not_have_the_file(
    pair: Pair, tmp_path: Path
) -> None:
    """The control: app C keeps files in its own folder, so app A (database storage) cannot
    serve C's upload — which is why several machines need the database store (or one shared
    folder)."""
    c = _office_on(pair.a, tmp_path / "c", "local")
    try:
        citizen, filed = _file_through(c)
        attachment = _attachment(c.engine, filed.id, "berkas_ktp")
        assert (tmp_path / "c" / "attachments").is_dir()
        url = f"/kantor/kasus/{filed.id}/berkas/{attachment.id}"
        assert c.login("petugas.uji").get(url).content == citizen.uploaded["berkas_ktp"][1]
        assert pair.a.login("petugas.uji").get(url).status_code == 404
    finally:
        for client in c.clients:
            client.close()
        c.engine.dispose()


def test_an_officer_upload_through_a_is_downloaded_through_b(pair: Pair) -> None:
    definition = copy.deepcopy(pair.a.definitions[DOMISILI])
    for move in definition["workflow"]["transitions"]:
        if move["action"] == "verifikasi":
            move["fields"] = copy.deepcopy(VERIFY_FIELDS)
    with pair.a.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
    pair.a.definitions[DOMISILI] = definition  # shared with b
    filed = pair.a.file_case()
    officer_a = pair.a.login("petugas.uji")
    refused = _post(  # a valid file beside a missing answer: the file is not kept
        officer_a, filed, "verifikasi", {}, {"laporan_survei": ("l.pdf", PDF, "application/pdf")}
    )
    assert refused.status_code == 422
    assert list(pair.a.app.state.store.list("attachments")) == []
    done = _post(
        officer_a,
        filed,
        "verifikasi",
        {"tingkat": "ringan"},
        {"laporan_survei": ("laporan.pdf", PDF, "application/pdf")},
    )
    assert done.status_code == 303, done.text[:400]
    report = _attachment(pair.a.engine, filed.id, "laporan_survei")
    response = pair.b.login("kepala.uji").get(f"/kantor/kasus/{filed.id}/berkas/{report.id}")
    assert response.status_code == 200 and response.content == PDF
    for folder in pair.folders:
        assert not (folder / "attachments").exists()
