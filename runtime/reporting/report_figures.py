"""The figures of a service's report: worked out by the database, and kept in a shared table for
services with many cases.

A small service's figures are worked out on every visit of the report page (a few queries over
its cases). A service with ``STORED_FROM_CASES`` cases or more would make that visit wait seconds
(at 100,000 cases the median time to decision alone joins every decided case with its events),
so its figures are worked out by the ``report_figures`` job of the worker (``runtime.oversight``)
into ``report_figures``, one row per service, which every application server reads. The job
runs every minute and works out the figures that are older than ``REFRESH_EVERY``, that an
officer asked to refresh (``request_refresh``), or that a service newly grown past the threshold
does not have yet; it stops starting new services after ``RUN_BUDGET`` seconds, so that the
worker also gets back to delivering messages, and goes on with the rest a minute later. The page
says how old the figures are.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from runtime import db
from runtime.models import CaseEvent, ReportFigures, Service, Submission, utcnow

log = logging.getLogger("loket.reports")

DECIDED = ("approved", "rejected")  # a withdrawal by the citizen is not a decision
STORED_FROM_CASES = 20_000
REFRESH_EVERY = dt.timedelta(minutes=5)
STALE_AFTER = 3 * REFRESH_EVERY  # older stored figures are flagged on the page (no worker?)
RUN_BUDGET = 20.0  # seconds: the job starts no further service after this


@dataclass(frozen=True)
class Figures:
    """A service's figures at one moment."""

    counts: dict[str, int]
    overdue: int
    decided: int
    median: dt.timedelta | None
    at: dt.datetime

    @property
    def total(self) -> int:
        """All cases of the service."""
        return sum(self.counts.values())


# -- working them out ---------------------------------------------------------------------------


def state_counts(session: Session, service_id: int) -> dict[str, int]:
    """Cases per state of a service."""
    rows = session.exec(
        select(Submission.state, func.count())
        .where(Submission.service_id == service_id)
        .group_by(col(Submission.state))
    ).all()
    return {str(state): int(count) for state, count in rows}


def overdue_count(session: Session, service_id: int, *, now: dt.datetime | None = None) -> int:
    """Open cases whose deadline has passed (cases waiting for the applicant do not count)."""
    count = session.exec(
        select(func.count())
        .select_from(Submission)
        .where(
            Submission.service_id == service_id,
            col(Submission.final_outcome).is_(None),
            col(Submission.sla_paused).is_(False),
            col(Submission.due_at) < (now or utcnow()),
        )
    ).one()
    return int(count)


def decision_times(session: Session, service_id: int) -> list[dt.timedelta]:
    """For each approved or rejected case: from filing to the event that entered its final state."""
    rows = session.execute(
        _per_decided_case(select(col(Submission.created_at), func.min(CaseEvent.at)), service_id)
    ).all()
    return [decided - created for created, decided in rows if decided is not None]


def _per_decided_case(statement: Any, service_id: int) -> Any:
    """`statement` over the service's decided cases joined with their events, one row per case
    (the earliest event that entered the case's final state is ``min(CaseEvent.at)``)."""
    return (
        statement.select_from(Submission)
        .join(CaseEvent, col(CaseEvent.submission_id) == col(Submission.id))
        .where(
            col(Submission.service_id) == service_id,
            col(Submission.final_outcome).in_(DECIDED),
            col(CaseEvent.to_state) == col(Submission.state),
        )
        .group_by(col(Submission.id), col(Submission.created_at))
    )


def _decision_seconds(session: Session, service_id: int) -> Any:
    """A subquery of one row per decided case: ``seconds`` from filing to the decision."""
    decided_at = func.min(CaseEvent.at)
    seconds: ColumnElement[Any]
    if session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", decided_at - col(Submission.created_at))
    else:
        seconds = (func.julianday(decided_at) - func.julianday(col(Submission.created_at))) * 86400
    return _per_decided_case(select(seconds.label("seconds")), service_id).subquery()


def decision_summary(session: Session, service_id: int) -> tuple[int, dt.timedelta | None]:
    """How many cases were decided and the median time to decision, worked out by the database.

    The same figures as ``decision_times`` + ``median_time`` without loading a row per case:
    PostgreSQL counts and takes ``percentile_cont(0.5)`` in one pass; SQLite counts, then reads
    the one or two middle rows.
    """
    seconds = _decision_seconds(session, service_id).c.seconds
    if session.get_bind().dialect.name == "postgresql":
        count, median = session.execute(
            select(func.count(), func.percentile_cont(0.5).within_group(seconds))
        ).one()
        if not count:
            return 0, None
        return int(count), dt.timedelta(seconds=round(float(median), 3))
    count = int(session.exec(select(func.count()).select_from(seconds.table)).one())
    if not count:
        return 0, None
    middle = session.exec(
        select(seconds).order_by(seconds).offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return count, dt.timedelta(seconds=round(sum(float(m) for m in middle) / len(middle), 3))


def median_time(times: Sequence[dt.timedelta]) -> dt.timedelta | None:
    """The median of durations, or None without any."""
    if not times:
        return None
    return dt.timedelta(seconds=statistics.median(t.total_seconds() for t in times))


def work_out(session: Session, service_id: int, now: dt.datetime | None = None) -> Figures:
    """The service's figures now (or at `now`: overdue is counted against it)."""
    moment = now or utcnow()
    decided, median = decision_summary(session, service_id)
    return Figures(
        state_counts(session, service_id),
        overdue_count(session, service_id, now=moment),
        decided,
        median,
        moment,
    )


def has_many_cases(session: Session, service_id: int) -> bool:
    """Whether the service has ``STORED_FROM_CASES`` cases or more (reads at most that many)."""
    some = (
        select(col(Submission.id))
        .where(Submission.service_id == service_id)
        .limit(STORED_FROM_CASES)
        .subquery()
    )
    return int(session.exec(select(func.count()).select_from(some)).one()) >= STORED_FROM_CASES


# -- the stored figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A service's row of ``report_figures``: its figures (None before the first run) and when
    an officer last asked for fresh ones."""

    figures: Figures | None
    requested_at: dt.datetime | None

    @property
    def refresh_pending(self) -> bool:
        """An officer asked for fresh figures after these were worked out."""
        if self.requested_at is None:
            return False
        return self.figures is None or self.requested_at > self.figures.at


def _as_stored(row: ReportFigures) -> Stored:
    figures = None
    if row.computed_at is not None:
        median = None if row.median_seconds is None else dt.timedelta(seconds=row.median_seconds)
        figures = Figures(dict(row.counts), row.overdue, row.decided, median, row.computed_at)
    return Stored(figures, row.requested_at)


def stored(session: Session, service_ids: Collection[int]) -> dict[int, Stored]:
    """The stored figures of the given services that have a row."""
    if not service_ids:
        return {}
    rows = session.exec(
        select(ReportFigures).where(col(ReportFigures.service_id).in_(sorted(service_ids)))
    ).all()
    return {row.service_id: _as_stored(row) for row in rows}


EMPTY_ROW: dict[str, Any] = {"counts": {}, "total": 0, "overdue": 0, "decided": 0, "seconds": 0.0}


def _upsert(session: Session, service_id: int, values: dict[str, Any]) -> None:
    """Insert the service's row with `values` (the rest empty) or set `values` on it."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ReportFigures).values(service_id=service_id, **{**EMPTY_ROW, **values})
    session.execute(statement.on_conflict_do_update(index_elements=["service_id"], set_=values))


def request_refresh(session: Session, service_ids: Collection[int], now: dt.datetime) -> None:
    """Ask the worker for fresh figures of these services (its next run, within a minute);
    commits the session."""
    with db.serialised_writes(session):
        for service_id in sorted(service_ids):
            _upsert(session, service_id, {"requested_at": now})
        session.commit()


def save(engine: Engine, service_id: int, figures: Figures, seconds: float) -> None:
    """Store a service's figures (and how long working them out took)."""
    values = {
        "counts": figures.counts,
        "total": figures.total,
        "overdue": figures.overdue,
        "decided": figures.decided,
        "median_seconds": None if figures.median is None else figures.median.total_seconds(),
        "computed_at": figures.at,
        "seconds": round(seconds, 3),
    }
    with Session(engine) as session, db.serialised_writes(session):
        _upsert(session, service_id, values)
        session.commit()


def due_for_refresh(session: Session, now: dt.datetime) -> list[int]:
    """Services whose stored figures the job should work out now, oldest first.

    Those with a row whose figures are missing, older than ``REFRESH_EVERY`` or older than an
    officer's request; and those without a row that have many cases (``has_many_cases`` reads
    at most ``STORED_FROM_CASES`` rows of each, so an idle run does not scan every case).
    """
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    due: list[tuple[dt.datetime, int]] = []
    rows = session.exec(select(ReportFigures)).all()
    for row in rows:
        computed, requested = row.computed_at, row.requested_at
        if (
            computed is None
            or computed <= now - REFRESH_EVERY
            or (requested is not None and requested > computed)
        ):
            due.append((computed or never, row.service_id))
    kept = {row.service_id for row in rows}
    for service_id in session.exec(select(Service.id)).all():
        if (
            service_id is not None
            and service_id not in kept
            and has_many_cases(session, service_id)
        ):
            due.append((never, service_id))
    return [service_id for _, service_id in sorted(due)]


def drop(engine: Engine, service_id: int) -> None:
    """Delete a service's stored figures (it is small again: worked out live from now on)."""
    with Session(engine) as session, db.serialised_writes(session):
        session.execute(delete(ReportFigures).where(col(ReportFigures.service_id) == service_id))
        session.commit()


@dataclass(frozen=True)
class RefreshResult:
    """What a run of the job did: services worked out (with seconds each), left for the next
    run, and rows dropped."""

    done: list[tuple[int, float]]
    left: int
    dropped: int

    def summary(self) -> str:
        """A one-line result for ``job_runs``."""
        took = sum(seconds for _, seconds in self.done)
        return (
            f"angka laporan / report figures: {len(self.done)} layanan / services "
            f"({took:.1f} s), sisa / left {self.left}, dihapus / dropped {self.dropped}"
        )


def refresh(
    engine: Engine, now: dt.datetime | None = None, *, budget: float = RUN_BUDGET
) -> RefreshResult:
    """Work out and store the figures due (``due_for_refresh``), oldest first, until `budget`
    seconds have gone. A service found to have fewer than ``STORED_FROM_CASES`` cases loses its
    row instead (its figures are worked out live again)."""
    with Session(engine) as session:
        due = due_for_refresh(session, now or utcnow())
    started = time.monotonic()
    done: list[tuple[int, float]] = []
    dropped = 0
    for service_id in due:
        if (done or dropped) and time.monotonic() - started >= budget:
            break
        begin = time.monotonic()
        with Session(engine) as session:
            figures = work_out(session, service_id)
        seconds = time.monotonic() - begin
        if figures.total < STORED_FROM_CASES:
            drop(engine, service_id)
            dropped += 1
            continue
        save(engine, service_id, figures, seconds)
        log.info("report figures of service %s worked out in %.2f s", service_id, seconds)
        done.append((service_id, seconds))
    return RefreshResult(done, len(due) - len(done) - dropped, dropped)
