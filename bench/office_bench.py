"""Back-office benchmark: the officer's inbox, a reference search and concurrent transitions.

Not a test. Run it from the project root::

    .venv/bin/python bench/office_bench.py                  # 1,000,000 cases, both databases
    .venv/bin/python bench/office_bench.py --cases 100000 --only sqlite   # a quicker look

For each database (SQLite in a temporary data folder; PostgreSQL in a schema ``loket_bench``
created in --pg-url and dropped afterwards) it migrates, seeds the cases with
``bench/seed_cases.py``, opens a fresh engine exactly as the app does (``runtime.db.make_engine``,
default pool), and measures, each as the median of --runs runs after a few warm-up runs:

- the baseline: a ``SELECT 1`` round trip and a primary-key lookup of one case;
- ``runtime.casework.inbox.inbox``: an officer's first page (50 cases, due date order), the
  next page (keyset cursor), the "overdue" filter, and a search by reference; the inbox
  statement alone (built once, executed each run) shows how much of the time is the database's;
- applying a transition (``runtime.casework.cases.open_case`` + ``apply_transition``, as the
  office route does) by 20 officers in 20 threads, each on its own cases: throughput and latency
  percentiles; then 20 officers at once on the same case, ten times: exactly one may win.

It prints the machine (CPU, cores, Python, database versions, load average) with the figures,
writes ``bench/results/office-latest.json`` and the query plans to ``docs/query-plans.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed_cases import Seeded, agency_id, seed  # noqa: E402
from runtime.auth import StaffUser  # noqa: E402
from runtime.casework import cases, inbox  # noqa: E402
from runtime.casework.workflow import Actor  # noqa: E402
from runtime.db import database_url, make_engine, migrate  # noqa: E402
from runtime.models import CaseEvent, Submission  # noqa: E402
from runtime.workdays import Calendar  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "office-latest.json"
PLANS = ROOT / "docs" / "query-plans.md"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "loket_bench"
TARGET_MS = 50.0
OFFICERS = 20
CONTENDED_CASES = 10
WARMUP = 5


# -- machine and timing ----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """The machine this run measured."""
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def summary(samples: list[float]) -> dict[str, float]:
    """Median and spread of durations in seconds, as milliseconds."""
    ordered = sorted(samples)
    ms = [s * 1000 for s in ordered]
    return {
        "runs": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "min_ms": round(ms[0], 3),
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 3),
        "max_ms": round(ms[-1], 3),
    }


def timed(runs: int, action: Callable[[int], Any]) -> dict[str, float]:
    """Run `action(i)` WARMUP times unmeasured, then `runs` times measured."""
    for index in range(WARMUP):
        action(index)
    samples = []
    for index in range(runs):
        started = time.perf_counter()
        action(index)
        samples.append(time.perf_counter() - started)
    return summary(samples)


# -- databases -------------------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, pg_url: str) -> Iterator[str]:
    """The URL of a new, migrated benchmark database, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="loket-bench-") as folder:
            url = f"sqlite:///{folder}/loket.db"
            migrate(url)
            yield url
        return
    admin = make_engine(pg_url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')
            connection.exec_driver_sql(f'CREATE SCHEMA "{PG_SCHEMA}"')
        options = {"options": f"-csearch_path={PG_SCHEMA}"}
        rendered = database_url(pg_url).update_query_dict(options).render_as_string(False)
        migrate(rendered)
        yield rendered
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')
        admin.dispose()


def officer(seeded: Seeded, agency: str, number: int = 0) -> StaffUser:
    """A petugas of `agency` as the back office sees them after login."""
    user_id = seeded.officers[agency][number]
    roles = {agency: frozenset({"petugas"})}
    return StaffUser(user_id, f"petugas{number:02d}.{agency}", "Petugas", frozenset(), roles, "-")


def _sample(session: Session, agency: str, state: str | None, size: int) -> list[Submission]:
    stmt = select(Submission).where(Submission.agency_id == agency)
    if state is not None:
        stmt = stmt.where(Submission.state == state)
    # a spread of rows without ORDER BY random() over the whole table
    rows = list(session.exec(stmt.order_by(col(Submission.id)).limit(size * 20)).all())
    return random.Random(7).sample(rows, min(size, len(rows)))


# -- reads -----------------------------------------------------------------------------------


def measure_reads(engine: Engine, seeded: Seeded, runs: int) -> dict[str, Any]:
    """Baseline, inbox pages and reference searches (officers of all ten agencies in turn)."""
    agencies = [agency_id(i) for i in range(10)]
    users = [officer(seeded, agency) for agency in agencies]
    with Session(engine) as session:
        known = {a: _sample(session, a, None, runs + WARMUP) for a in agencies}
        cursors = {
            u.agencies[0]: inbox.inbox(session, u).next_cursor for u in users
        }  # for "next page"
        statements = {u.agencies[0]: inbox.inbox_statement(session, u) for u in users}
    assert all(s is not None for s in statements.values()), "an officer without an inbox"
    ids = [case.id for rows in known.values() for case in rows]

    def run(action: Callable[[Session, int], Any]) -> Callable[[int], Any]:
        def once(index: int) -> Any:
            with Session(engine) as session:  # a session per request, as the app has
                return action(session, index)

        return once

    def user(index: int) -> StaffUser:
        return users[index % len(users)]

    def reference(index: int) -> str:
        agency = agencies[index % len(agencies)]
        return known[agency][index % len(known[agency])].reference

    results = {
        "select_1": timed(runs, run(lambda s, i: s.execute(text("SELECT 1")).all())),
        "primary_key_lookup": timed(
            runs,
            run(
                lambda s, i: s.execute(
                    select(Submission.state).where(Submission.id == ids[i % len(ids)])
                ).all()
            ),
        ),
        "inbox_first_page": timed(runs, run(lambda s, i: inbox.inbox(s, user(i)))),
        "inbox_statement_only": timed(
            runs,
            run(lambda s, i: s.execute(statements[user(i).agencies[0]]).all()),  # type: ignore[arg-type]
        ),
        "inbox_next_page": timed(
            runs, run(lambda s, i: inbox.inbox(s, user(i), after=cursors[user(i).agencies[0]]))
        ),
        "inbox_overdue": timed(runs, run(lambda s, i: inbox.inbox(s, user(i), overdue=True))),
        "reference_search": timed(
            runs, run(lambda s, i: inbox.inbox(s, user(i), reference=reference(i)))
        ),
    }
    with Session(engine) as session:
        page = inbox.inbox(session, users[0])
        found = inbox.inbox(session, users[0], reference=known[agencies[0]][0].reference)
    results["check"] = {
        "first_page_rows": len(page.rows),
        "first_page_sorted": [r.due_at for r in page.rows] == sorted(r.due_at for r in page.rows),  # type: ignore[type-var]
        "reference_found": len(found.rows) == 1,
    }
    return results


# -- transitions -----------------------------------------------------------------------------


def _apply(engine: Engine, user: StaffUser, case_id: str, calendar: Calendar) -> str:
    """Open the case and verify it, as the office route does; returns what happened."""
    with Session(engine, expire_on_commit=False) as session:
        opened = cases.open_case(session, case_id=case_id, user=user)
        try:
            cases.apply_transition(
                session,
                case_id=case_id,
                actor=Actor.user(user.id, sorted(user.roles_in(opened.case.agency_id))),
                action="verifikasi",
                comment=None,
                expected_row_version=opened.case.row_version,
                calendar=calendar,
            )
        except cases.AlreadyProcessed:
            return "already_processed"
    return "applied"


def measure_transitions(engine: Engine, seeded: Seeded, per_officer: int) -> dict[str, Any]:
    """20 officers of one agency in 20 threads: own cases, then all on the same case."""
    agency = agency_id(0)
    calendar = Calendar()
    users = [officer(seeded, agency, n) for n in range(OFFICERS)]
    with Session(engine) as session:
        pool = [
            c.id
            for c in _sample(session, agency, "diajukan", OFFICERS * per_officer + CONTENDED_CASES)
        ]
    contended, pool = pool[:CONTENDED_CASES], pool[CONTENDED_CASES:]
    latencies: list[float] = []
    outcomes: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(OFFICERS)

    def work(number: int) -> None:
        mine = pool[number::OFFICERS]
        start.wait()
        for case_id in mine:
            began = time.perf_counter()
            try:
                outcome = _apply(engine, users[number], case_id, calendar)
            except Exception as error:  # counted and reported
                outcome = f"error: {type(error).__name__}: {error}"[:200]
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                (outcomes if not outcome.startswith("error") else errors).append(outcome)

    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(OFFICERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    own = {
        "officers": OFFICERS,
        "transitions": len(latencies),
        "applied": outcomes.count("applied"),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "seconds": round(wall, 3),
        "throughput_per_s": round(len(outcomes) / wall, 1) if wall else 0.0,
        "latency": summary(latencies),
    }
    return {"own_cases": own, "same_case": _contended(engine, users, contended, calendar)}


def _contended(
    engine: Engine, users: list[StaffUser], case_ids: list[str], calendar: Calendar
) -> dict[str, Any]:
    """All officers act on one case at the same moment, for each case: one may succeed."""
    winners, losers, errors = [], 0, []
    barrier = threading.Barrier(len(users))
    lock = threading.Lock()
    for case_id in case_ids:
        results: list[str] = []

        def act(user: StaffUser, case_id: str = case_id, results: list[str] = results) -> None:
            barrier.wait()
            try:
                outcome = _apply(engine, user, case_id, calendar)
            except Exception as error:  # a refused action, after the winner
                outcome = f"{type(error).__name__}"
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=act, args=(u,)) for u in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners.append(results.count("applied"))
        losers += results.count("already_processed")
        errors += [r for r in results if r not in {"applied", "already_processed"}]
    with Session(engine) as session:
        events = session.exec(
            select(func.count())
            .select_from(CaseEvent)
            .where(col(CaseEvent.submission_id).in_(case_ids), CaseEvent.action == "verifikasi")
        ).one()
    return {
        "cases": len(case_ids),
        "officers_per_case": len(users),
        "successes_per_case": winners,
        "already_processed": losers,
        "other_refusals": sorted(set(errors)),
        "verify_events": int(events),
        "exactly_one_each": winners == [1] * len(case_ids) and int(events) == len(case_ids),
    }


# -- query plans -----------------------------------------------------------------------------


def _reference_statement(user: StaffUser, reference: str) -> Any:
    """The reference search's query as runtime.casework.inbox runs it (by reference, in the
    agencies)."""
    return select(
        Submission.id, Submission.reference, Submission.agency_id, Submission.state
    ).where(Submission.reference == reference, col(Submission.agency_id).in_(user.agencies))


def _explain(session: Session, statement: Any, analyze: bool) -> list[str]:
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "sqlite":
        prefix = "EXPLAIN QUERY PLAN "
    else:
        prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if analyze else "EXPLAIN "
    rows = session.execute(text(prefix + sql)).all()
    return [" | ".join(str(v) for v in row) for row in rows]


def query_plans(engine: Engine, seeded: Seeded) -> dict[str, Any]:
    """The plans of the inbox first page and of the reference search."""
    user = officer(seeded, agency_id(0))
    with Session(engine) as session:
        reference = _sample(session, agency_id(0), None, 1)[0].reference
        statement = inbox.inbox_statement(session, user)
        plans: dict[str, Any] = {
            "inbox_first_page": inbox.explain_inbox(session, user),
            "reference_search": _explain(session, _reference_statement(user, reference), False),
        }
        if engine.dialect.name == "postgresql":
            plans["inbox_first_page_analyze"] = _explain(session, statement, True)
            plans["reference_search_analyze"] = _explain(
                session, _reference_statement(user, reference), True
            )
        plans["inbox_sql"] = str(
            statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        ) if statement is not None else ""  # fmt: skip
    return plans


# -- the run ---------------------------------------------------------------------------------


def bench(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed and measure one database."""
    print(f"\n== {kind}: seeding {args.cases:,} cases ...", flush=True)
    with database(kind, args.pg_url) as url:
        loader = make_engine(url)
        seeded = seed(loader, cases=args.cases)
        loader.dispose()
        print(f"   {seeded.cases:,} cases, {seeded.events:,} events in {seeded.seconds:.0f} s")
        engine = make_engine(url)  # fresh connections with the app's settings
        try:
            with engine.connect() as connection:
                version = connection.exec_driver_sql(
                    "SELECT sqlite_version()" if kind == "sqlite" else "SHOW server_version"
                ).scalar()
            reads = measure_reads(engine, seeded, args.runs)
            for name, figures in reads.items():
                if "median_ms" in figures:
                    print(f"   {name:<22} median {figures['median_ms']:8.2f} ms   "
                          f"p95 {figures['p95_ms']:8.2f} ms")  # fmt: skip
            writes = measure_transitions(engine, seeded, args.per_officer)
            own = writes["own_cases"]
            print(f"   transitions: {own['transitions']} by {OFFICERS} officers, "
                  f"{own['throughput_per_s']}/s, p50 {own['latency']['median_ms']:.1f} ms, "
                  f"p95 {own['latency']['p95_ms']:.1f} ms, errors {own['errors']}; "
                  f"same case x{CONTENDED_CASES}: exactly one each = "
                  f"{writes['same_case']['exactly_one_each']}")  # fmt: skip
            plans = query_plans(engine, seeded)
        finally:
            engine.dispose()
    return {
        "server_version": str(version),
        "cases": seeded.cases,
        "events": seeded.events,
        "seed_seconds": round(seeded.seconds, 1),
        "reads": reads,
        "transitions": writes,
        "meets_target": all(
            reads[name]["median_ms"] < TARGET_MS
            for name in ("inbox_first_page", "reference_search")
        ),
        "plans": plans,
    }


def write_plans(results: dict[str, Any]) -> None:
    """docs/query-plans.md from this run's plans."""
    lines = [
        "# Query plans of the officer's inbox and the reference search",
        "",
        "Written by `bench/office_bench.py` (do not edit by hand): the plans of",
        "`runtime.casework.inbox.inbox` on the benchmark's data set "
        f"({results['settings']['cases']:,} cases, 20 services,",
        f"10 agencies), measured {results['finished']} on {results['machine']['cpu']} "
        f"({results['machine']['usable_cores']} cores).",
        "",
        "The inbox reads, for each (agency, state) lane the officer can act in, the index",
        "`ix_submissions_agency_inbox (agency_id, state, due_at, id)` in order with a LIMIT — once",
        "for cases with a deadline and once for those without — and merges the few rows (UNION ALL",
        "then ORDER BY ... LIMIT 51): no scan of the agency's cases, no OFFSET. The reference search",
        "is a lookup in the unique index on `submissions.reference`.",
        "",
        "On SQLite each arm is a co-routine reading the index range; the `TEMP B-TREE FOR ORDER BY`",
        "lines sort the at most 51 rows of each arm for the merge, not the lane. `OFFSET 0` is how",
        "SQLAlchemy writes a LIMIT for SQLite. PostgreSQL merges the arms' index scans directly",
        "(Merge Append). The timings are in `bench/results/office-latest.json`; the inbox's total",
        "time there is mostly Python (working out the lanes from the definitions and building the",
        "statement), compare `inbox_first_page` with `inbox_statement_only`.",
    ]
    names = ("select_1", "primary_key_lookup", "inbox_first_page", "inbox_statement_only",
             "inbox_next_page", "inbox_overdue", "reference_search")  # fmt: skip
    kinds = list(results["databases"])
    lines += ["", "| median of runs (ms) | " + " | ".join(kinds) + " |",
              "|---|" + "---:|" * len(kinds)]  # fmt: skip
    for name in names:
        cells = [f"{results['databases'][k]['reads'][name]['median_ms']:.2f}" for k in kinds]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    for kind, found in results["databases"].items():
        plans = found["plans"]
        lines += ["", f"## {kind} {found['server_version']}", ""]
        for name, title in (
            ("inbox_first_page", "Inbox, first page (EXPLAIN)"),
            ("inbox_first_page_analyze", "Inbox, first page (EXPLAIN ANALYZE, BUFFERS)"),
            ("reference_search", "Reference search (EXPLAIN)"),
            ("reference_search_analyze", "Reference search (EXPLAIN ANALYZE, BUFFERS)"),
        ):
            if name in plans:
                lines += [f"### {title}", "", "```", *plans[name], "```", ""]
        lines += ["### The inbox query (first page, petugas of opd-01)", "", "```sql",
                  plans["inbox_sql"], "```"]  # fmt: skip
    PLANS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50, help="measured runs per read")
    parser.add_argument("--per-officer", type=int, default=25, help="transitions per officer")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--pg-url", default=os.environ.get("LOKET_BENCH_PG_URL", PG_URL))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--plans-only", action="store_true", help="rewrite docs/query-plans.md from the last JSON"
    )
    args = parser.parse_args()
    if args.plans_only:
        write_plans(json.loads(RESULTS.read_text(encoding="utf-8")))
        return
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": machine(),
        "settings": {"cases": args.cases, "runs": args.runs, "per_officer": args.per_officer,
                     "target_median_ms": TARGET_MS, "run_id": secrets.token_hex(4)},
        "databases": {},
    }  # fmt: skip
    m = results["machine"]
    print(f"{m['cpu']}, {m['usable_cores']} cores, Python {m['python']}, "
          f"load average {m['load_average_at_start']}")  # fmt: skip
    for kind in ("sqlite", "postgresql"):
        if args.only in (None, kind):
            results["databases"][kind] = bench(kind, args)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    results["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\ntotal {results['total_seconds']:.0f} s")
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        write_plans(results)
        print(f"wrote {RESULTS.relative_to(ROOT)} and {PLANS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
