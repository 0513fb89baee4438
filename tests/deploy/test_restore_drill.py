"""The restore drill, for real: cases with uploaded files and an issued letter are filed in a
fresh PostgreSQL database with LOKET_STORAGE=database; the database is dumped with pg_dump
(custom format), dropped, created again and restored with pg_restore; then every case, every
uploaded file and every issued letter is read through the app again and checked against its
recorded sha256. With the database store the files are in the dump: no folder is restored
(the app after the restore gets a new, empty data folder; only its signing certificates are
configuration it is given again).

PostgreSQL only (LOKET_TEST_DATABASE_URL); skipped when no pg_dump/pg_restore of a suitable
version is found (`/usr/lib/postgresql/<version>/bin` is searched too).
"""

from __future__ import annotations

import glob
import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, text
from sqlmodel import SQLModel, select

from runtime.app import create_app
from runtime.db import make_engine
from runtime.models import Attachment, FileChunk, IssuedDocument, StoredFile, Submission
from tests.deploy.conftest import create_database, drop_database
from tests.runtime.office.conftest import (
    DOMISILI,
    Filed,
    Office,
    build_office,
    install_certificates,
    post_action,
)
from tests.runtime.web.conftest import Citizen, status_link

CASES = 3
TABLES: tuple[type[SQLModel], ...] = (Submission, Attachment, IssuedDocument, StoredFile, FileChunk)


def _major(binary: str) -> int | None:
    try:
        shown = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s+(\d+)", shown)
    return int(found.group(1)) if found else None


def postgres_tools(server_major: int) -> tuple[str, str]:
    """pg_dump and pg_restore from one folder, of the server's version (or a newer one, which
    can dump an older server), or skip."""
    folders = {str(Path(p).parent) for p in glob.glob("/usr/lib/postgresql/*/bin/pg_dump")}
    on_path = shutil.which("pg_dump")
    if on_path:
        folders.add(str(Path(on_path).resolve().parent))
    usable: list[tuple[int, str]] = []
    for folder in folders:
        dump, restore = Path(folder) / "pg_dump", Path(folder) / "pg_restore"
        major = _major(str(dump))
        if restore.exists() and major is not None and major >= server_major:
            usable.append((major, folder))
    if not usable:
        pytest.skip(
            f"no pg_dump/pg_restore of PostgreSQL {server_major} or newer "
            "(install postgresql-client-" + str(server_major) + ")"
        )
    _, folder = min(usable)  # the server's own version when present
    return str(Path(folder) / "pg_dump"), str(Path(folder) / "pg_restore")


def _app_on(base: Office, data_dir: Path) -> Office:
    settings = replace(base.settings, data_dir=data_dir, storage="database")
    install_certificates(settings)
    return Office(create_app(settings), settings, base.definitions, base.user_ids)


def _close(office: Office) -> None:
    for client in office.clients:
        client.close()
    office.engine.dispose()


def _file(office: Office) -> tuple[Filed, dict[str, bytes]]:
    citizen = Citizen(office.client(), office.definitions[DOMISILI])
    sent = citizen.submit(citizen.fill_all())
    assert sent.status_code == 303, sent.text[:500]
    _, _, reference, secret = status_link(citizen.follow(sent)).split("/")
    with office.session() as session:
        case = session.exec(select(Submission).where(Submission.reference == reference)).one()
    return Filed(case.id, reference, secret), {k: v[1] for k, v in citizen.uploaded.items()}


def _counts(office: Office) -> dict[str, int]:
    with office.session() as session:
        return {
            table.__name__: int(session.exec(select(func.count()).select_from(table)).one())
            for table in TABLES
        }


@pytest.fixture
def before(fresh_database: str, tmp_path: Path) -> Iterator[tuple[Office, str]]:
    engine = make_engine(fresh_database)
    base = build_office(engine, tmp_path / "setup")
    engine.dispose()
    _close(base)
    yield base, fresh_database


def test_a_dump_restores_every_case_and_file(before: tuple[Office, str], tmp_path: Path) -> None:
    base, url = before
    office = _app_on(base, tmp_path / "before")
    filed = [_file(office) for _ in range(CASES)]
    letter_case = filed[0][0]
    assert (
        post_action(office.login("petugas.uji"), office, letter_case, "verifikasi").status_code
        == 303
    )
    approved = post_action(office.login("kepala.uji"), office, letter_case, "setujui")
    assert approved.status_code == 303, approved.text[:1000]
    with office.session() as session:
        attachments = {a.id: (a.submission_id, a.sha256) for a in session.exec(select(Attachment))}
        documents = {
            d.id: (d.submission_id, d.sha256) for d in session.exec(select(IssuedDocument))
        }
        server_major = int(session.exec(text("SHOW server_version_num")).one()[0]) // 10000  # type: ignore[call-overload]
    assert len(attachments) >= CASES and len(documents) == 1
    counts = _counts(office)
    assert counts["StoredFile"] == len(attachments) + len(documents)
    _close(office)

    pg_dump, pg_restore = postgres_tools(server_major)
    dump = tmp_path / "loket.dump"
    subprocess.run([pg_dump, "--format=custom", f"--file={dump}", url], check=True, timeout=120)
    name = make_url(url).database
    assert name is not None and name.startswith("loket_deploy_")
    drop_database(name)
    create_database(name)
    subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={url}", str(dump)],
        check=True,
        timeout=120,
    )

    restored = _app_on(base, tmp_path / "after")  # a new machine: an empty data folder
    try:
        assert restored.client().get("/readyz").text == "ready"
        assert _counts(restored) == counts
        officer = restored.login("kepala.uji")
        for case, _ in filed:
            assert (
                restored.client().get(f"/status/{case.reference}/{case.secret}").status_code == 200
            )
            assert officer.get(f"/kantor/kasus/{case.id}").status_code == 200
        seen: set[bytes] = set()
        for attachment_id, (case_id, sha256) in attachments.items():
            response = officer.get(f"/kantor/kasus/{case_id}/berkas/{attachment_id}")
            assert response.status_code == 200, response.text[:300]
            assert hashlib.sha256(response.content).hexdigest() == sha256
            seen.add(response.content)
        assert {c for _, uploads in filed for c in uploads.values()} <= seen
        for document_id, (case_id, sha256) in documents.items():
            response = officer.get(f"/kantor/kasus/{case_id}/dokumen/{document_id}")
            assert response.status_code == 200, response.text[:300]
            assert hashlib.sha256(response.content).hexdigest() == sha256
            mine = restored.client().get(
                f"/status/{letter_case.reference}/{letter_case.secret}/dokumen/{document_id}"
            )
            assert mine.status_code == 200 and mine.content == response.content
        assert not (tmp_path / "after" / "attachments").exists()
        assert not (tmp_path / "after" / "documents").exists()
    finally:
        _close(restored)
