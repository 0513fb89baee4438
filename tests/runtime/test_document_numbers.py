"""Gap-free document numbers under concurrent issuing, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import Session

from runtime import db
from runtime.documents.numbering import next_number, next_sequence
from runtime.models import Agency
from tests.runtime.test_store import run_together

PATTERN = "470/{seq:04}/DUKCAPIL/{month_roman}/{year}"
DAY = dt.date(2026, 12, 2)


def _agency(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Agency(id="disdukcapil", name="Disdukcapil"))
        session.commit()


def _issue(engine: Engine, *, commit: bool = True, on: dt.date = DAY) -> str:
    """Take a number the way a transition does: in its transaction, under the write lock."""
    with Session(engine) as session, db.serialised_writes(session):
        _, number = next_number(
            session, agency_id="disdukcapil", doc_type="domisili", pattern=PATTERN, issued_on=on
        )
        if commit:
            session.commit()
        else:
            session.rollback()
        return number


def test_twenty_concurrent_issues_get_twenty_consecutive_numbers(engine: Engine) -> None:
    _agency(engine)
    numbers, errors = run_together(20, lambda: _issue(engine))
    assert errors == []
    assert sorted(numbers) == [f"470/{n:04}/DUKCAPIL/XII/2026" for n in range(1, 21)]


def test_a_rolled_back_issue_consumes_no_number(engine: Engine) -> None:
    _agency(engine)
    assert _issue(engine) == "470/0001/DUKCAPIL/XII/2026"
    assert _issue(engine, commit=False) == "470/0002/DUKCAPIL/XII/2026"
    assert _issue(engine) == "470/0002/DUKCAPIL/XII/2026"  # given back, not skipped


def test_each_year_and_type_counts_on_its_own(engine: Engine) -> None:
    _agency(engine)
    assert _issue(engine) == "470/0001/DUKCAPIL/XII/2026"
    assert _issue(engine, on=dt.date(2027, 1, 4)) == "470/0001/DUKCAPIL/I/2027"
    with Session(engine) as session:
        other = next_sequence(session, agency_id="disdukcapil", doc_type="sktm", year=2026)
        session.commit()
    assert other == 1
    assert _issue(engine) == "470/0002/DUKCAPIL/XII/2026"
