"""Login throttling that an attacker cannot turn against the account's owner.

Failed attempts are counted per (account, address) pair: an attacker hammering an officer's
account from one address only slows down that pair, and the officer signing in from another
address is let in at once. After a few free failures each further one doubles the wait, up to
a ceiling. Failures on accounts that do not exist are also counted per address, with a higher
allowance, which slows down guessing of account names. An attempt refused by the throttle is
not recorded, so hammering a throttled pair never makes its wait longer. A successful login
clears its pair.

`prune_login_attempts` deletes attempts older than the longest window; nothing else reads them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from runtime.models import LoginAttempt

WINDOW = dt.timedelta(hours=24)  # failures older than this are forgotten (the longest window)
FREE_FAILURES_PER_PAIR = 5
FREE_UNKNOWN_FAILURES_PER_ADDRESS = 20
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(minutes=15)
_LOOKBACK = 64  # rows read per check: enough to reach the ceiling, bounded whatever happened


def delay_after(failures: int, free: int) -> dt.timedelta:
    """The wait after `failures` failures in a row when the first `free` cost nothing.

    The free-th failure asks for FIRST_DELAY, each further one doubles it, up to MAX_DELAY.
    """
    if failures < free:
        return dt.timedelta(0)
    steps = min(failures - free, 16)
    grown: dt.timedelta = FIRST_DELAY * (2**steps)
    return min(grown, MAX_DELAY)


@dataclass(frozen=True)
class Throttle:
    """Whether an attempt may be checked now, and if not, how long to wait."""

    wait: dt.timedelta

    @property
    def allowed(self) -> bool:
        """True when the password may be checked now."""
        return self.wait <= dt.timedelta(0)

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, rounded up (at least 1)."""
        return max(1, math.ceil(self.wait.total_seconds() / 60))


def _wait(failure_times: list[dt.datetime], free: int, now: dt.datetime) -> dt.timedelta:
    """Time left before the next attempt, given failure times newest first."""
    if not failure_times:
        return dt.timedelta(0)
    return failure_times[0] + delay_after(len(failure_times), free) - now


def _pair_failures(
    session: Session, username: str, address: str, now: dt.datetime
) -> list[dt.datetime]:
    """Failures of this pair since its last success within the window, newest first."""
    rows = session.exec(
        select(LoginAttempt.at, LoginAttempt.ok)
        .where(
            LoginAttempt.username == username,
            LoginAttempt.address == address,
            col(LoginAttempt.at) >= now - WINDOW,
        )
        .order_by(col(LoginAttempt.at).desc(), col(LoginAttempt.id).desc())
        .limit(_LOOKBACK)
    ).all()
    failures: list[dt.datetime] = []
    for at, ok in rows:
        if ok:
            break
        failures.append(at)
    return failures


def _unknown_failures(session: Session, address: str, now: dt.datetime) -> list[dt.datetime]:
    """Failures on accounts that do not exist, from this address within the window, newest first."""
    return list(
        session.exec(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.address == address,
                col(LoginAttempt.known).is_(False),
                col(LoginAttempt.at) >= now - WINDOW,
            )
            .order_by(col(LoginAttempt.at).desc(), col(LoginAttempt.id).desc())
            .limit(_LOOKBACK)
        ).all()
    )


def check(
    session: Session, *, username: str, address: str, known: bool, now: dt.datetime
) -> Throttle:
    """May `address` try a password for `username` now? (`known`: the account exists.)"""
    wait = _wait(_pair_failures(session, username, address, now), FREE_FAILURES_PER_PAIR, now)
    if not known:
        unknown = _unknown_failures(session, address, now)
        wait = max(wait, _wait(unknown, FREE_UNKNOWN_FAILURES_PER_ADDRESS, now))
    return Throttle(wait)


def record(
    session: Session, *, username: str, address: str, known: bool, ok: bool, now: dt.datetime
) -> None:
    """Note an attempt whose password was checked (the caller commits)."""
    session.add(LoginAttempt(username=username, address=address, known=known, at=now, ok=ok))


def prune_login_attempts(session: Session, now: dt.datetime) -> int:
    """Delete attempts older than the longest throttle window; how many (the caller commits)."""
    result = session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < now - WINDOW))
    return int(result.rowcount or 0)
