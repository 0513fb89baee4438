"""Pruning expired citizen drafts: `store.prune_expired_drafts` and `loket prune`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from builder.bundle import normalise
from builder.canonical import digest
from runtime import db, store
from runtime.cli import app
from runtime.models import Attachment, FormDraft, LoginAttempt, utcnow
from runtime.references import new_token
from runtime.settings import Settings
from runtime.uploads import attachment_path

ROOT = Path(__file__).resolve().parents[2]
DOMISILI = ROOT / "schemas" / "examples" / "surat-keterangan-domisili.json"
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _version(session: Session) -> int:
    definition = normalise(json.loads(DOMISILI.read_text(encoding="utf-8")))
    version = store.publish_version(session, definition=definition, sha256=digest(definition))
    assert version.id is not None
    return version.id


def _draft(session: Session, version_id: int, *, age: dt.timedelta, **extra: Any) -> FormDraft:
    """A draft created `age` before NOW with a life of 72 hours."""
    return store.create_draft(
        session,
        service_version_id=version_id,
        ttl=dt.timedelta(hours=72),
        answers={"nama": "Budi Santoso"},
        now=NOW - age,
        **extra,
    )


def _attach(session: Session, draft_id: str, data_dir: Path | None = None) -> Attachment:
    storage = new_token() + ".pdf"
    if data_dir is not None:
        path = attachment_path(data_dir, storage)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n")
    attachment = Attachment(
        draft_id=draft_id,
        field_key="berkas_ktp",
        original_name="ktp.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        storage_name=storage,
    )
    session.add(attachment)
    session.flush()
    return attachment


@pytest.mark.postgres
def test_expired_unsent_drafts_go_with_their_files_and_filed_ones_stay(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        version_id = _version(session)
        abandoned = _draft(session, version_id, age=dt.timedelta(days=5))
        abandoned_file = _attach(session, abandoned.id)
        fresh = _draft(session, version_id, age=HOUR)
        fresh_file = _attach(session, fresh.id)
        filed = _draft(session, version_id, age=dt.timedelta(days=4))
        filed_file = _attach(session, filed.id)
        case, _ = store.submit_draft(
            session,
            draft_id=filed.id,
            answers={"nama": "Budi Santoso"},
            initial_state="diajukan",
            due_at=None,
            now=NOW - dt.timedelta(days=4),
        )
        correction = _draft(
            session, version_id, age=dt.timedelta(days=3, hours=1), editing_submission_id=case.id
        )
        just_expired = _draft(session, version_id, age=dt.timedelta(hours=72))
        session.commit()

        pruned = store.prune_expired_drafts(session, NOW)
        session.commit()

        assert (pruned.drafts, pruned.attachments) == (3, 1)
        assert pruned.storage_names == [abandoned_file.storage_name]
        left = set(session.exec(select(FormDraft.id)).all())
        assert left == {fresh.id, filed.id}
        assert abandoned.id not in left and correction.id not in left
        assert just_expired.id not in left  # expires_at == now counts as expired, as get_draft
        files = set(session.exec(select(Attachment.id)).all())
        assert files == {fresh_file.id, filed_file.id}
        kept = session.get(Attachment, filed_file.id, populate_existing=True)
        assert kept is not None and kept.submission_id == case.id

        again = store.prune_expired_drafts(session, NOW)
        assert (again.drafts, again.attachments, again.storage_names) == (0, 0, [])


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite data folder named in the environment the CLI reads."""
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOKET_SECRET_KEY", "cli-test-secret-key-0123456789-abcdefghij")
    monkeypatch.delenv("LOKET_DATABASE_URL", raising=False)
    db.migrate(Settings.from_env())
    return tmp_path


def test_loket_prune_reports_what_it_removed(data_dir: Path) -> None:
    engine = db.make_engine(Settings.from_env())
    try:
        with Session(engine, expire_on_commit=False) as session:
            version_id = _version(session)
            now = utcnow()
            old = store.create_draft(
                session, service_version_id=version_id, ttl=HOUR, now=now - 2 * HOUR
            )
            old_file = _attach(session, old.id, data_dir)
            young = store.create_draft(session, service_version_id=version_id, ttl=HOUR, now=now)
            young_file = _attach(session, young.id, data_dir)
            for hours in (25, 1):  # one login attempt past the throttle's 24-hour window
                session.add(
                    LoginAttempt(
                        username="siti", address="10.0.0.9", ok=False, at=now - hours * HOUR
                    )
                )
            session.commit()
        stored = attachment_path(data_dir, old_file.storage_name)
        assert stored.is_file()

        result = CliRunner().invoke(app, ["prune"])
        assert result.exit_code == 0, result.output
        assert "expired drafts: 1" in result.output
        assert "draft files: 1" in result.output
        assert "old login attempts: 1" in result.output
        assert not stored.exists()
        assert attachment_path(data_dir, young_file.storage_name).is_file()
        with Session(engine) as session:
            assert set(session.exec(select(FormDraft.id)).all()) == {young.id}
            assert len(session.exec(select(LoginAttempt.id)).all()) == 1

        again = CliRunner().invoke(app, ["prune"])
        assert again.exit_code == 0, again.output
        assert "expired drafts: 0" in again.output
    finally:
        engine.dispose()
