"""Rate limits of the links sent by message on request (a lost status link, a resume link).

Counted in the database (`link_requests`), so that a limit holds across every app process
and machine: a request is a rare event (a citizen who lost a link), so the write it costs is
cheap, unlike the per-minute counts of page views (`runtime.rate_limit`). Each request is
counted under several keys (the case reference or draft, and the client address); a request
over any limit sends nothing and is not recorded, so hammering never lengthens the wait. A
row keeps only the sha256 of its key, never a reference, draft id or address in clear.

`prune_link_requests` deletes rows older than the window (the hourly `prune` job).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from runtime.models import LinkRequest

WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    """At most `per_window` requests of one `scope` and key within WINDOW."""

    scope: str
    per_window: int


def key_of(scope: str, value: str) -> str:
    """What a row keeps of a limited value: its sha256, scoped."""
    return hashlib.sha256(f"{scope}\x00{value}".encode()).hexdigest()


def allow(session: Session, limits: Sequence[tuple[Limit, str]], now: dt.datetime) -> bool:
    """Whether a request passes every (limit, value); if so it is recorded (the caller commits)."""
    keyed = [(limit, key_of(limit.scope, value)) for limit, value in limits]
    allowed = True
    for limit, key in keyed:  # every count is read, so an allowed and a refused one cost the same
        count = session.exec(
            select(func.count())
            .select_from(LinkRequest)
            .where(
                LinkRequest.scope == limit.scope,
                LinkRequest.key == key,
                col(LinkRequest.at) > now - WINDOW,
            )
        ).one()
        allowed = allowed and int(count) < limit.per_window
    if allowed:
        for limit, key in keyed:
            session.add(LinkRequest(scope=limit.scope, key=key, at=now))
    return allowed


def prune_link_requests(session: Session, now: dt.datetime) -> int:
    """Delete requests older than the window; how many (the caller commits)."""
    result = session.exec(delete(LinkRequest).where(col(LinkRequest.at) <= now - WINDOW))
    return int(result.rowcount or 0)
