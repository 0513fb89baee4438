"""Pruning works with both stores: an expired draft's files go, and files no row names go
once they are an hour old (uploads and issued documents), while named and young ones stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from runtime import store
from runtime.models import Attachment, FormDraft, utcnow
from runtime.prune import prune
from runtime.references import new_token
from runtime.storage import DatabaseStore, FileStore, LocalStore
from runtime.uploads import attachment_key
from tests.runtime.test_prune import _version

NOW = utcnow()


def _draft(session: Session, version_id: int, age: dt.timedelta) -> FormDraft:
    """A draft created `age` before now with a life of 72 hours."""
    return store.create_draft(
        session, service_version_id=version_id, ttl=dt.timedelta(hours=72), now=NOW - age
    )


def _attach(session: Session, draft_id: str) -> Attachment:
    attachment = Attachment(
        draft_id=draft_id,
        field_key="berkas_ktp",
        original_name="ktp.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        storage_name=new_token() + ".pdf",
    )
    session.add(attachment)
    session.flush()
    return attachment


@pytest.fixture(params=["local", "database"])
def files(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> FileStore:
    if request.param == "database":
        return DatabaseStore(engine)
    if engine.dialect.name != "sqlite":
        pytest.skip("the local store does not depend on the database: run once, with SQLite")
    return LocalStore(tmp_path / "data")


def _file(files: FileStore, attachment: Attachment) -> str:
    key = attachment_key(attachment.storage_name)
    files.put(key, b"%PDF-1.4\n")
    return key


def test_pruning_removes_expired_and_orphan_files_in_either_store(
    engine: Engine, files: FileStore
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        version_id = _version(session)
        expired = _attach(session, _draft(session, version_id, dt.timedelta(days=5)).id)
        live = _attach(session, _draft(session, version_id, dt.timedelta(hours=1)).id)
        session.commit()
    # files are put outside any write transaction, as the routes do (on SQLite a second
    # writer would wait for the first one's lock)
    expired_key, live_key = _file(files, expired), _file(files, live)
    orphan_upload = "attachments/zz/zz-no-row.pdf"
    orphan_document = "documents/no-row.pdf"
    for key in (orphan_upload, orphan_document):
        files.put(key, b"%PDF-1.7\n")

    # half an hour on, the orphans written just now are still young (a request may commit them)
    soon = dict(prune(engine, files, utcnow() + dt.timedelta(minutes=30)))
    assert files.exists(orphan_upload) and files.exists(orphan_document)
    assert not files.exists(expired_key) and files.exists(live_key)
    assert soon["berkas draf / draft files"] == 1

    later = dict(prune(engine, files, utcnow() + dt.timedelta(hours=2)))
    assert later["berkas unggahan tanpa data / uploaded files without a row"] == 1
    assert later["berkas dokumen tanpa data / document files without a row"] == 1
    assert not files.exists(orphan_upload) and not files.exists(orphan_document)
    assert files.exists(live_key)  # its row names it and its draft lives
