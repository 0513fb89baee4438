"""Periodic jobs run once per period across all workers."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from runtime.models import JobRun, LoginAttempt
from runtime.notify import jobs
from runtime.notify.jobs import Job, JobContext, run_due_jobs
from tests.runtime.notify.conftest import START, settings_for

HOUR = dt.timedelta(hours=1)


def test_a_period_is_named_by_its_start_in_utc() -> None:
    daily = Job("d", dt.timedelta(days=1), lambda c: "")
    assert daily.period(START + 5 * HOUR) == "2026-06-01T00:00:00Z"
    wib_morning = Job("d", dt.timedelta(days=1), lambda c: "", offset=dt.timedelta(hours=-1))
    assert wib_morning.period(START) == "2026-05-31T23:00:00Z"  # 06:00 WIB
    assert wib_morning.period(START - 9 * HOUR) == "2026-05-31T23:00:00Z"  # its first moment
    assert wib_morning.period(START - 10 * HOUR) == "2026-05-30T23:00:00Z"


def test_the_prune_job_is_registered() -> None:
    assert jobs.REGISTRY["prune"].every == HOUR


def test_a_job_runs_once_per_period_across_concurrent_workers(
    engine: Engine, tmp_path: Path
) -> None:
    runs: list[dt.datetime] = []
    lock = threading.Lock()

    def count(context: JobContext) -> str:
        with lock:
            runs.append(context.now)
        return "counted"

    registry = {"count": Job("count", HOUR, count)}
    settings = settings_for(engine, tmp_path)
    start = threading.Barrier(4)
    ran: list[list[str]] = []

    def work(name: str) -> None:
        start.wait()
        ran.append(run_due_jobs(engine, settings, name, START, registry))

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert runs == [START]
    assert sorted(ran) == [[], [], [], ["count"]]
    assert run_due_jobs(engine, settings, "w0", START + HOUR / 2, registry) == []  # same hour
    assert run_due_jobs(engine, settings, "w1", START + HOUR, registry) == ["count"]
    with Session(engine) as session:
        rows = session.exec(select(JobRun).order_by(JobRun.period)).all()
    assert [(r.period, r.result, r.error) for r in rows] == [
        ("2026-06-01T08:00:00Z", "counted", None),
        ("2026-06-01T09:00:00Z", "counted", None),
    ]
    assert all(r.finished_at is not None for r in rows)


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(
    engine: Engine, tmp_path: Path
) -> None:
    def broken(context: JobContext) -> str:
        raise RuntimeError("no disk")

    registry = {"broken": Job("broken", HOUR, broken), "fine": Job("fine", HOUR, lambda c: "ok")}
    settings = settings_for(engine, tmp_path)
    assert run_due_jobs(engine, settings, "w", START, registry) == ["broken", "fine"]
    with Session(engine) as session:
        found = {r.job: (r.result, r.error) for r in session.exec(select(JobRun)).all()}
    assert found == {"broken": (None, "RuntimeError: no disk"), "fine": ("ok", None)}


def test_the_prune_job_removes_old_login_attempts_and_old_runs(
    engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        session.add(
            LoginAttempt(username="x", address="10.0.0.1", at=START - 2 * 24 * HOUR, ok=False)
        )
        session.add(LoginAttempt(username="x", address="10.0.0.1", at=START - HOUR, ok=False))
        session.add(
            JobRun(job="prune", period="old", worker="w", started_at=START - 40 * 24 * HOUR)
        )
        session.commit()
    settings = settings_for(engine, tmp_path)
    assert run_due_jobs(engine, settings, "w", START, {"prune": jobs.REGISTRY["prune"]}) == [
        "prune"
    ]
    with Session(engine) as session:
        assert len(session.exec(select(LoginAttempt)).all()) == 1
        (run,) = session.exec(select(JobRun)).all()
    assert run.result is not None and "old login attempts: 1" in run.result
    assert "old job runs: 1" in run.result
