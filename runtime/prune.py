"""Removing expired data: citizen drafts that expired unsent (with their files), old login
attempts, old link requests, and issued-document files no row names (left by a crash while
issuing). `loket prune` runs it on demand; the periodic job ``prune`` (runtime.notify.jobs)
runs it every hour in a worker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from runtime import link_requests, login_attempts, store
from runtime.documents import issued
from runtime.uploads import attachment_path


def prune(engine: Engine, data_dir: Path, now: dt.datetime) -> list[tuple[str, int]]:
    """Delete what expired by `now`; (what, how many) for each kind, in Indonesian and English."""
    with Session(engine) as session:
        drafts = store.prune_expired_drafts(session, now)
        attempts = login_attempts.prune_login_attempts(session, now)
        requests = link_requests.prune_link_requests(session, now)
        session.commit()
    for name in drafts.storage_names:  # only once the rows that named them are gone
        attachment_path(data_dir, name).unlink(missing_ok=True)
    with Session(engine) as session:
        orphans = issued.prune_orphan_files(session, data_dir, now)
    return [
        ("draf kedaluwarsa / expired drafts", drafts.drafts),
        ("berkas draf / draft files", drafts.attachments),
        ("percobaan masuk lama / old login attempts", attempts),
        ("berkas dokumen tanpa data / document files without a row", orphans),
        ("permintaan tautan lama / old link requests", requests),
    ]
