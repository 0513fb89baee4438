"""Seed a Loket database with many cases for the back-office benchmark (not a test).

Generates 20 simple service definitions (two per agency, ten agencies), validates them and
publishes them with ``runtime.store.publish_version``; adds officers with memberships; then
bulk-loads cases (a "submit" audit event per case, plus the event that brought a case to its
current state) in batches of 20,000: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Rows are
written in the formats SQLAlchemy writes them (naive UTC text on SQLite, timestamptz on
PostgreSQL), so the runtime reads them as its own. For speed, the three secondary indexes are
dropped during the load and built again from the models afterwards, SQLite loads with
``synchronous=OFF`` and PostgreSQL with foreign-key triggers off (the generated rows are
consistent); PostgreSQL is ANALYZEd afterwards (as autovacuum would), SQLite is not (Loket never
runs ANALYZE). About 8 % of the cases wait in ``diajukan`` and 6 % in ``diverifikasi`` with
deadlines spread around today, 3 % wait for the applicant, the rest are closed.

Run on its own to seed a database that already has the schema (``loket migrate``)::

    .venv/bin/python bench/seed_cases.py sqlite:////tmp/bench/loket.db --cases 100000

The office benchmark (``bench/office_bench.py``) imports :func:`seed`.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import datetime as dt
import itertools
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.bundle import normalise  # noqa: E402
from builder.canonical import digest  # noqa: E402
from builder.problems import has_errors  # noqa: E402
from builder.validate import validate  # noqa: E402
from runtime import auth, store  # noqa: E402
from runtime.models import Membership, User, metadata  # noqa: E402
from runtime.references import ALPHABET, PREFIX, _check_char  # noqa: E402
from runtime.workdays import WIB, Calendar  # noqa: E402

AGENCIES = 10  # the default; the city benchmark seeds 5
SERVICES_PER_AGENCY = 2
PASSWORD = "Bangku-Panjang-Bench-2026"  # every seeded officer's password
OFFICERS_PER_AGENCY = 20  # petugas: enough for 20 concurrent officers in one agency
BATCH = 20_000
# Share of cases per state; the open ones (diajukan, diverifikasi) fill officers' inboxes.
STATES = (
    ("diajukan", 0.08),
    ("diverifikasi", 0.06),
    ("perlu_perbaikan", 0.03),
    ("selesai", 0.66),
    ("ditolak", 0.17),
)
FINAL = {"selesai": "approved", "ditolak": "rejected"}
SLA_DAYS = {"diajukan": 1, "diverifikasi": 2}
_KECAMATAN = ("enggal", "kedaton", "kemiling", "panjang", "rajabasa", "sukarame", "way_halim")
_COLUMNS = (
    "id",
    "reference",
    "secret_hash",
    "service_version_id",
    "agency_id",
    "service_id",
    "answers",
    "state",
    "state_entered_at",
    "due_at",
    "sla_paused",
    "final_outcome",
    "created_at",
    "updated_at",
    "row_version",
    "filed_by_user_id",
)
_EVENT_COLUMNS = ("submission_id", "at", "actor_kind", "action", "from_state", "to_state")


def agency_id(index: int) -> str:
    """The id of the index-th agency (0-based), e.g. ``opd-01``."""
    return f"opd-{index + 1:02d}"


def definition(number: int, agencies: int = AGENCIES) -> dict[str, Any]:
    """A small valid service: five fields, the usual verify / approve workflow."""
    agency = agency_id(number % agencies)
    options = [{"value": k, "label": k.replace("_", " ").title()} for k in _KECAMATAN]
    return {
        "format": "loket/service@1",
        "id": f"layanan-{number + 1:02d}",
        "agency": agency,
        "title": f"Layanan Uji {number + 1}",
        "summary": "Layanan buatan untuk mengukur kinerja kantor.",
        "standard": {"requirements": ["KTP-el"], "duration_days": 3, "cost": "Gratis"},
        "privacy": {
            "purpose": "Pengukuran kinerja.",
            "legal_basis": "UU 27/2022 pasal 20",
            "retention_days": 365,
        },
        "form": {
            "pages": [
                {
                    "id": "data",
                    "title": "Data pemohon",
                    "fields": [
                        {"key": "nik", "type": "nik", "label": "NIK", "required": True},
                        {"key": "nama", "type": "text", "label": "Nama", "required": True},
                        {"key": "kecamatan", "type": "choice", "label": "Kecamatan",
                         "required": True, "options": options},
                        {"key": "jumlah", "type": "number", "label": "Jumlah", "integer": True},
                        {"key": "alasan", "type": "textarea", "label": "Alasan"},
                    ],
                }
            ]
        },
        "roles": {"petugas": "Petugas verifikasi", "kepala": "Kepala bidang"},
        "workflow": {
            "initial": "diajukan",
            "states": {
                "diajukan": {"label": "Diajukan", "sla_days": SLA_DAYS["diajukan"]},
                "perlu_perbaikan": {"label": "Perlu perbaikan", "applicant_edits": True},
                "diverifikasi": {"label": "Diverifikasi", "sla_days": SLA_DAYS["diverifikasi"]},
                "selesai": {"label": "Disetujui", "final": "approved"},
                "ditolak": {"label": "Ditolak", "final": "rejected"},
            },
            "transitions": [
                {"action": "verifikasi", "from": "diajukan", "to": "diverifikasi",
                 "roles": ["petugas"], "comment": "optional"},
                {"action": "minta_perbaikan", "from": ["diajukan", "diverifikasi"],
                 "to": "perlu_perbaikan", "roles": ["petugas", "kepala"], "comment": "required"},
                {"action": "kirim_ulang", "from": "perlu_perbaikan", "to": "diajukan",
                 "roles": ["applicant"]},
                {"action": "setujui", "from": "diverifikasi", "to": "selesai",
                 "roles": ["kepala"]},
                {"action": "tolak", "from": ["diajukan", "diverifikasi"], "to": "ditolak",
                 "roles": ["petugas", "kepala"], "comment": "required"},
            ],
        },
    }  # fmt: skip


@dataclass
class Seeded:
    """What the benchmark needs to know about the seeded data."""

    cases: int
    events: int
    seconds: float
    services: dict[int, tuple[str, int]]  # service id -> (agency, version id)
    officers: dict[str, list[int]] = field(default_factory=dict)  # agency -> petugas user ids
    heads: dict[str, int] = field(default_factory=dict)  # agency -> kepala user id


def _publish(session: Session, agencies: int) -> dict[int, tuple[str, int]]:
    services: dict[int, tuple[str, int]] = {}
    for number in range(SERVICES_PER_AGENCY * agencies):
        normal = normalise(definition(number, agencies))
        problems = validate(normal)
        if has_errors(problems):
            raise SystemExit(f"generated definition {number} is invalid: {problems}")
        version = store.publish_version(
            session,
            definition=normal,
            sha256=digest(normal),
            agency_name=f"OPD Uji {normal['agency'][-2:]}",
        )
        assert version.id is not None
        services[version.service_id] = (str(normal["agency"]), version.id)
    return services


def _officers(session: Session, seeded: Seeded, agencies: int) -> None:
    """20 petugas and one kepala per agency (one password hash, shared)."""
    password_hash = auth.hash_password(PASSWORD)
    for index in range(agencies):
        agency = agency_id(index)
        people = [(f"petugas{n:02d}.{agency}", "petugas") for n in range(OFFICERS_PER_AGENCY)]
        people.append((f"kepala.{agency}", "kepala"))
        for username, role in people:
            user = User(username=username, display_name=username, password_hash=password_hash)
            session.add(user)
            session.flush()
            assert user.id is not None
            session.add(Membership(user_id=user.id, agency_id=agency, role=role))
            if role == "kepala":
                seeded.heads[agency] = user.id
            else:
                seeded.officers.setdefault(agency, []).append(user.id)
    session.flush()


class _Generator:
    """Random but reproducible cases, made fast: answers come from a pool, due dates are cached."""

    def __init__(self, services: dict[int, tuple[str, int]], seed: int, now: dt.datetime) -> None:
        self.rng = random.Random(seed)
        self.services = sorted(services.items())
        self.now = now
        self.calendar = Calendar()
        self.references: set[str] = set()
        self.due: dict[tuple[dt.date, int], dt.datetime] = {}
        self.state_names = [name for name, _ in STATES]
        self.cumulative = list(itertools.accumulate(share for _, share in STATES))
        self.answers = [self._answers() for _ in range(4096)]

    def _token(self) -> str:
        raw = self.rng.getrandbits(128).to_bytes(16, "big")
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _reference(self) -> str:
        while True:
            number = self.rng.getrandbits(45)
            body = []
            for _ in range(9):
                number, digit = divmod(number, len(ALPHABET))
                body.append(ALPHABET[digit])
            code = "".join(body)
            code += _check_char(code)
            reference = f"{PREFIX}-{code[:5]}-{code[5:]}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _answers(self) -> str:
        rng = self.rng
        return json.dumps(
            {
                "nik": f"1871{rng.randrange(10**12):012d}",
                "nama": rng.choice(("Budi", "Siti", "Ani", "Rahmat", "Dewi")) + f" {rng.randrange(10**4)}",
                "kecamatan": rng.choice(_KECAMATAN),
                "jumlah": rng.randrange(1, 10),
                "alasan": "Keperluan administrasi",
            },
            separators=(",", ":"),
        )  # fmt: skip

    def _due(self, entered: dt.datetime, days: int) -> dt.datetime:
        key = (entered.astimezone(WIB).date(), days)
        if key not in self.due:
            self.due[key] = self.calendar.due_at(entered, days)
        return self.due[key]

    def row(self) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        """One case (column values of _COLUMNS, times aware) and its events."""
        rng = self.rng
        service_id, (agency, version_id) = self.services[int(rng.random() * len(self.services))]
        state = self.state_names[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]
        outcome, due, paused = FINAL.get(state), None, False
        if state in SLA_DAYS:
            # Open cases were filed recently: their deadlines are spread around today.
            created = self.now - dt.timedelta(seconds=int(rng.random() * 10 * 86400))
            entered = created
            due = self._due(entered, SLA_DAYS[state])
        else:
            created = self.now - dt.timedelta(seconds=int(rng.random() * 365 * 86400))
            entered = created + dt.timedelta(seconds=3600 + int(rng.random() * 9 * 86400))
            paused = state == "perlu_perbaikan"
        case_id = self._token()
        events: list[tuple[Any, ...]] = [
            (case_id, created, "applicant", "submit", None, "diajukan")
        ]
        if state != "diajukan":
            action = {"diverifikasi": "verifikasi", "perlu_perbaikan": "minta_perbaikan",
                      "selesai": "setujui", "ditolak": "tolak"}[state]  # fmt: skip
            events.append((case_id, entered, "user", action, "diajukan", state))
        values = (
            case_id, self._reference(), f"{rng.getrandbits(256):064x}", version_id, agency,
            service_id, self.answers[rng.getrandbits(12)], state, entered, due, paused, outcome,
            created, entered, len(events), None,
        )  # fmt: skip
        return values, events


def _sqlite_time(value: dt.datetime | None) -> str | None:
    """The text SQLAlchemy stores for a UTCDateTime on SQLite (naive UTC)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _batches(gen: _Generator, total: int) -> Iterator[tuple[list[tuple[Any, ...]], list[Any]]]:
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        cases, events = [], []
        for _ in range(size):
            case, case_events = gen.row()
            cases.append(case)
            events.extend(case_events)
        done += size
        yield cases, events


def _load_sqlite(engine: Engine, gen: _Generator, total: int) -> int:
    times_at = [
        _COLUMNS.index(c) for c in ("state_entered_at", "due_at", "created_at", "updated_at")
    ]
    marks = ", ".join("?" * len(_COLUMNS))
    event_marks = ", ".join("?" * len(_EVENT_COLUMNS))
    count = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")  # bulk load only; the app uses FULL
        cursor.execute("PRAGMA cache_size=-400000")
        for cases, events in _batches(gen, total):
            rows = []
            for case in cases:
                values = list(case)
                for index in times_at:
                    values[index] = _sqlite_time(values[index])
                values[_COLUMNS.index("sla_paused")] = int(values[_COLUMNS.index("sla_paused")])
                rows.append(values)
            cursor.executemany(
                f"INSERT INTO submissions ({', '.join(_COLUMNS)}) VALUES ({marks})", rows
            )
            cursor.executemany(
                f"INSERT INTO case_events ({', '.join(_EVENT_COLUMNS)}, comment_public) "
                f"VALUES ({event_marks}, 0)",
                [(e[0], _sqlite_time(e[1]), *e[2:]) for e in events],
            )
            raw.commit()
            count += len(events)
    finally:
        raw.close()
    return count


def _load_postgres(engine: Engine, gen: _Generator, total: int) -> int:
    count = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # Bulk load: the generated rows are consistent, so foreign-key triggers are skipped.
        cursor.execute("SET session_replication_role = replica")
        for cases, events in _batches(gen, total):
            with cursor.copy(f"COPY submissions ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for case in cases:
                    copy.write_row(case)
            columns = ", ".join(_EVENT_COLUMNS)
            with cursor.copy(f"COPY case_events ({columns}, comment_public) FROM STDIN") as copy:
                for event in events:
                    copy.write_row((*event, False))
            raw.commit()
            count += len(events)
        cursor.execute("SET session_replication_role = DEFAULT")
        raw.commit()
    finally:
        raw.close()
    return count


def seed(
    engine: Engine, *, cases: int = 1_000_000, random_seed: int = 2026, agencies: int = AGENCIES
) -> Seeded:
    """Publish the services, add the officers and bulk-load `cases` cases (schema must exist)."""
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        services = _publish(session, agencies)
        seeded = Seeded(0, 0, 0.0, services)
        _officers(session, seeded, agencies)
        session.commit()
    gen = _Generator(services, random_seed, dt.datetime.now(dt.UTC))
    load = _load_sqlite if engine.dialect.name == "sqlite" else _load_postgres
    # The secondary indexes are built once after the load (same definitions, from the models).
    tables = (metadata.tables["submissions"], metadata.tables["case_events"])
    indexes = [index for table in tables for index in table.indexes]
    with engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
    seeded.events = load(engine, gen, cases)
    with engine.begin() as connection:
        for index in indexes:
            index.create(connection)
    seeded.cases = cases
    if engine.dialect.name == "postgresql":
        # autovacuum would gather statistics soon; SQLite gets none (Loket never runs ANALYZE)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    seeded.seconds = time.perf_counter() - started
    return seeded


def main() -> None:
    """Seed a migrated database given by URL."""
    from runtime.db import make_engine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="sqlite:///... or postgresql://... (already migrated)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=AGENCIES)
    args = parser.parse_args()
    engine = make_engine(args.url)
    found = seed(engine, cases=args.cases, agencies=args.agencies)
    print(f"{found.cases} cases, {found.events} events in {found.seconds:.1f} s")


if __name__ == "__main__":
    main()
