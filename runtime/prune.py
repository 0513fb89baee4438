"""Removing expired data: citizen drafts that expired unsent (with their files), old login
attempts, old link requests, and files no row names (issued documents and uploads left by a
crash between storing the file and committing its row). `loket prune` runs it on demand; the
periodic job ``prune`` (runtime.notify.jobs) runs it every hour in a worker.

Files are reached through the file store (runtime.storage), so pruning works the same with
local and database storage.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from runtime import link_requests, login_attempts, store
from runtime.documents import issued
from runtime.models import Attachment
from runtime.storage import FileStore, as_store
from runtime.uploads import ATTACHMENTS, attachment_key


def prune(engine: Engine, files: FileStore | Path, now: dt.datetime) -> list[tuple[str, int]]:
    """Delete what expired by `now`; (what, how many) for each kind, in Indonesian and English.

    `files` is the installation's file store (a data folder means local storage)."""
    file_store = as_store(files)
    with Session(engine) as session:
        drafts = store.prune_expired_drafts(session, now)
        attempts = login_attempts.prune_login_attempts(session, now)
        requests = link_requests.prune_link_requests(session, now)
        session.commit()
    for name in drafts.storage_names:  # only once the rows that named them are gone
        file_store.delete(attachment_key(name))
    with Session(engine) as session:
        orphans = issued.prune_orphan_files(session, file_store, now)
        uploads = prune_orphan_uploads(session, file_store, now)
    return [
        ("draf kedaluwarsa / expired drafts", drafts.drafts),
        ("berkas draf / draft files", drafts.attachments),
        ("percobaan masuk lama / old login attempts", attempts),
        ("berkas dokumen tanpa data / document files without a row", orphans),
        ("berkas unggahan tanpa data / uploaded files without a row", uploads),
        ("permintaan tautan lama / old link requests", requests),
    ]


def prune_orphan_uploads(session: Session, files: FileStore, now: dt.datetime) -> int:
    """Delete uploaded files no attachment row names that are older than issued.ORPHAN_AGE
    (a younger one may belong to a request still running)."""
    cutoff = now - issued.ORPHAN_AGE
    old = [info.key for info in files.list(ATTACHMENTS) if info.created_at < cutoff]
    if not old:
        return 0
    names = session.exec(select(Attachment.storage_name))
    known = {attachment_key(name) for name in names}
    return sum(1 for key in old if key not in known and files.delete(key))
