"""Request limits per client address and minute, counted in the database.

Each limited request adds one to the row of (scope, client address, current minute) with a
single upsert and commits at once; when the count passes the limit the request is refused until
the minute ends (`Limited.retry_after`). Counting in the database, not in memory, makes the
limit hold for the whole installation: every worker of `loket serve --workers N` and every app
process behind a load balancer shares it, and a restart does not reset it.

A fixed one-minute window is simple and cheap (one indexed row per address and minute) at the
price of letting up to twice the limit through around a minute's boundary; for slowing down
guessing and scraping that is enough. Refused requests count too, but a window never outlasts
its minute, so hammering does not lengthen the wait.

The client address is `auth.client_address` (the connection's peer, or what a proxy listed in
LOKET_TRUSTED_PROXIES forwarded), the same as the login throttle's.
`prune_rate_limits` deletes windows that have ended (`loket prune`).
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from runtime import db
from runtime.models import RateLimitWindow

WINDOW_SECONDS = 60


class Limited(Exception):
    """A request over its limit; it may be tried again after `retry_after` seconds."""

    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"{scope}: over the limit, retry after {retry_after} s")
        self.scope = scope
        self.retry_after = retry_after


def minute_of(now: dt.datetime) -> int:
    """The window a moment falls in: whole minutes since 1970-01-01 UTC."""
    return math.floor(now.timestamp() / WINDOW_SECONDS)


def count_request(
    session: Session, *, scope: str, address: str, limit: int, now: dt.datetime
) -> None:
    """Count one request of `address` to `scope` and commit; raise Limited when over `limit`.

    A `limit` of 0 turns the limit off (nothing is counted).
    """
    if limit <= 0:
        return
    window = minute_of(now)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(RateLimitWindow).values(
        scope=scope, address=address[:64], window=window, hits=1
    )
    counted = statement.on_conflict_do_update(
        index_elements=["scope", "address", "window"],
        set_={"hits": col(RateLimitWindow.hits) + 1},
    ).returning(col(RateLimitWindow.hits))
    with db.serialised_writes(session):
        hits = int(session.execute(counted).scalar_one())
        session.commit()
    if hits > limit:
        ends = (window + 1) * WINDOW_SECONDS
        raise Limited(scope, max(1, math.ceil(ends - now.timestamp())))


def prune_rate_limits(session: Session, now: dt.datetime) -> int:
    """Delete the windows that have ended; how many (the caller commits)."""
    result = session.exec(
        delete(RateLimitWindow).where(col(RateLimitWindow.window) < minute_of(now))
    )
    return int(result.rowcount or 0)
