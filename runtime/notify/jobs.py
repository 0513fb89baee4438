"""Periodic jobs: run once per period across all workers, whichever machines they run on.

A job is registered with a name and a period (`every`, optionally shifted by `offset` from
midnight UTC). Each worker, between deliveries, calls `run_due_jobs`: for every job whose
current period has no row in ``job_runs`` yet it tries to insert (job, period). The primary
key makes that insert the lock: exactly one worker succeeds and runs the job; the others find
the row and go on. The row keeps when it started and ended, its one-line result or its error.

A run whose worker dies is not repeated in the same period (its row stays without
``finished_at``); the next period runs the job again. Jobs must therefore be idempotent and
catch up (a prune deletes everything expired by now, a reminder job looks at what is due by
now, not only at what became due in the last period).

Other modules add jobs with `register` (deadline digests, escalations).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, delete, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from runtime import db
from runtime.models import JobRun, utcnow
from runtime.settings import Settings

log = logging.getLogger("loket.jobs")
ERROR_LENGTH = 1000
KEEP_RUNS = dt.timedelta(days=30)


@dataclass(frozen=True)
class JobContext:
    """What a job gets: the database, the settings and the moment its run started."""

    engine: Engine
    settings: Settings
    now: dt.datetime


@dataclass(frozen=True)
class Job:
    """A periodic job: `run` returns a one-line summary of what it did."""

    name: str
    every: dt.timedelta
    run: Callable[[JobContext], str]
    offset: dt.timedelta = dt.timedelta(0)

    def period(self, now: dt.datetime) -> str:
        """The key of the period `now` falls in: the period's start, in UTC."""
        length = int(self.every.total_seconds())
        shift = int(self.offset.total_seconds())
        start = (int(now.timestamp()) - shift) // length * length + shift
        return dt.datetime.fromtimestamp(start, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


REGISTRY: dict[str, Job] = {}


def register(
    name: str, every: dt.timedelta, offset: dt.timedelta = dt.timedelta(0)
) -> Callable[[Callable[[JobContext], str]], Callable[[JobContext], str]]:
    """Decorator: add the function as the periodic job `name` to the registry."""
    if every < dt.timedelta(minutes=1):
        raise ValueError(f"job {name!r}: a period must be at least one minute")

    def add(run: Callable[[JobContext], str]) -> Callable[[JobContext], str]:
        REGISTRY[name] = Job(name, every, run, offset)
        return run

    return add


def claim_run(engine: Engine, job: Job, period: str, worker: str, now: dt.datetime) -> bool:
    """Insert the run of `job` in `period`; True when this worker won it and must run it."""
    with Session(engine) as session, db.serialised_writes(session):
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        won = session.execute(
            insert(JobRun)
            .values(job=job.name, period=period, worker=worker, started_at=now)
            .on_conflict_do_nothing(index_elements=["job", "period"])
            .returning(col(JobRun.job))
        ).scalar_one_or_none()
        session.commit()
    return won is not None


def run_due_jobs(
    engine: Engine,
    settings: Settings,
    worker: str,
    now: dt.datetime,
    registry: Mapping[str, Job] | None = None,
) -> list[str]:
    """Run the jobs whose current period has not run anywhere yet; the names of those run here."""
    jobs = list((REGISTRY if registry is None else registry).values())
    if not jobs:
        return []
    wanted = {(job.name, job.period(now)) for job in jobs}
    with Session(engine) as session:
        done = set(
            session.exec(
                select(JobRun.job, JobRun.period).where(
                    tuple_(col(JobRun.job), col(JobRun.period)).in_(sorted(wanted))
                )
            ).all()
        )
    ran = []
    for job in jobs:
        period = job.period(now)
        if (job.name, period) in done or not claim_run(engine, job, period, worker, now):
            continue
        _run(engine, settings, job, period, now)
        ran.append(job.name)
    return ran


def _run(engine: Engine, settings: Settings, job: Job, period: str, now: dt.datetime) -> None:
    result: str | None = None
    error: str | None = None
    try:
        result = job.run(JobContext(engine, settings, now))
    except Exception as exc:  # one job's failure must not stop the worker or the other jobs
        log.exception("periodic job %s (%s) failed", job.name, period)
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    else:
        log.info("periodic job %s (%s): %s", job.name, period, result)
    with Session(engine) as session, db.serialised_writes(session):
        session.execute(
            update(JobRun)
            .where(col(JobRun.job) == job.name, col(JobRun.period) == period)
            .values(finished_at=utcnow(), result=result, error=error)
        )
        session.commit()


# -- the built-in jobs ----------------------------------------------------------------------


@register("prune", every=dt.timedelta(hours=1))
def prune_job(context: JobContext) -> str:
    """Delete expired citizen drafts (with their files), old login attempts and old job runs."""
    from runtime.prune import prune
    from runtime.storage import open_store

    files = open_store(context.settings, context.engine)
    removed = prune(context.engine, files, context.now)
    with Session(context.engine) as session, db.serialised_writes(session):
        old = session.exec(delete(JobRun).where(col(JobRun.started_at) < context.now - KEEP_RUNS))
        session.commit()
    removed.append(("riwayat tugas berkala / old job runs", int(old.rowcount or 0)))
    return "; ".join(f"{what}: {count}" for what, count in removed)
