"""The officer's inbox: who sees which cases, due-date order, keyset pages, filters, plans."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from builder.canonical import digest
from runtime import store
from runtime.casework.inbox import (
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    explain_inbox,
    inbox,
    lanes,
    service_choices,
)
from runtime.models import Service, Submission
from tests.runtime.office.conftest import DOMISILI, SKTM, Office

NOW = dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC)


def change(office: Office, case_id: str, **values: Any) -> None:
    """Set columns of a stored case."""
    with office.session() as session:
        session.exec(update(Submission).where(col(Submission.id) == case_id).values(**values))
        session.commit()


def ids(office: Office, username: str, **filters: Any) -> list[str]:
    """Ids of the first inbox page of an officer."""
    with office.session() as session:
        return [row.id for row in inbox(session, office.staff(username), now=NOW, **filters).rows]


def service_id(office: Office, key: str) -> int:
    """The id of a published service."""
    agency, slug = key.split("/")
    with office.session() as session:
        found = session.exec(
            select(Service.id).where(Service.agency_id == agency, Service.slug == slug)
        ).one()
        assert found is not None
        return found


def test_each_officer_sees_the_cases_their_roles_can_act_on(office: Office) -> None:
    waiting = office.file_case()
    verified = office.file_case()
    change(office, verified.id, state="diverifikasi")
    with_applicant = office.file_case()
    change(office, with_applicant.id, state="perlu_perbaikan", due_at=None, sla_paused=True)
    done = office.file_case()
    change(office, done.id, state="selesai", final_outcome="approved", due_at=None)
    dinsos = office.file_case(SKTM)
    expected = sorted([waiting.id, verified.id], key=lambda i: (office.case(i).due_at, i))
    assert ids(office, "petugas.uji") == expected  # both may still send back or reject
    assert ids(office, "kepala.uji") == expected
    assert ids(office, "kepala.uji", state="diverifikasi") == [verified.id]
    assert ids(office, "arsip.uji") == []
    assert ids(office, "petugas.dinsos") == [dinsos.id]


def test_sorted_by_due_date_with_cases_without_one_last(office: Office) -> None:
    filed = [office.file_case() for _ in range(5)]
    dues = [NOW + dt.timedelta(days=3), None, NOW - dt.timedelta(days=1), None, NOW]
    for case, due in zip(filed, dues, strict=True):
        change(office, case.id, due_at=due)
    dated = sorted(
        ((d, c.id) for c, d in zip(filed, dues, strict=True) if d is not None),
    )
    undated = sorted(c.id for c, d in zip(filed, dues, strict=True) if d is None)
    assert ids(office, "petugas.uji") == [i for _, i in dated] + undated


def test_keyset_pages_cover_every_case_once_in_order(office: Office) -> None:
    filed = [office.file_case() for _ in range(8)]
    for index, case in enumerate(filed):
        due = None if index % 3 == 0 else NOW + dt.timedelta(hours=index % 2)
        change(office, case.id, due_at=due)
    expected = ids(office, "petugas.uji", limit=50)
    assert sorted(expected) == sorted(c.id for c in filed)
    seen: list[str] = []
    cursor = None
    pages = 0
    with office.session() as session:
        user = office.staff("petugas.uji")
        while True:
            page = inbox(session, user, after=cursor, limit=3, now=NOW)
            seen.extend(row.id for row in page.rows)
            pages += 1
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert seen == expected
    assert pages == 3


def test_filters_service_state_overdue_and_reference(office: Office) -> None:
    late = office.file_case()
    change(office, late.id, due_at=NOW - dt.timedelta(hours=1))
    on_time = office.file_case()
    change(office, on_time.id, due_at=NOW + dt.timedelta(days=1))
    verified = office.file_case()
    change(office, verified.id, state="diverifikasi", due_at=None)
    assert ids(office, "petugas.uji", overdue=True) == [late.id]
    assert ids(office, "petugas.uji", state="diverifikasi") == [verified.id]
    assert ids(office, "petugas.uji", state="selesai") == []
    assert set(ids(office, "petugas.uji", service_id=service_id(office, DOMISILI))) == {
        late.id,
        on_time.id,
        verified.id,
    }
    assert ids(office, "petugas.uji", service_id=service_id(office, SKTM)) == []
    typed = on_time.reference.lower().replace("-", " ")
    assert ids(office, "petugas.uji", reference=typed) == [on_time.id]
    assert ids(office, "petugas.uji", reference=typed, overdue=True) == []
    assert ids(office, "petugas.uji", reference="LKT-XXXXX-XXXXX") == []
    assert ids(office, "petugas.dinsos", reference=on_time.reference) == []
    assert ids(office, "arsip.uji", reference=on_time.reference) == []
    done = office.file_case()
    change(office, done.id, state="selesai", final_outcome="approved", due_at=None)
    assert ids(office, "petugas.uji", reference=done.reference) == [done.id]  # any state


def test_lanes_follow_each_cases_definition_version(office: Office) -> None:
    old = office.file_case()
    definition = copy.deepcopy(office.definitions[DOMISILI])
    for transition in definition["workflow"]["transitions"]:
        if "petugas" in transition["roles"] and "diajukan" in str(transition["from"]):
            transition["roles"] = ["kepala"]
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
    office.definitions[DOMISILI] = definition
    new = office.file_case()
    assert ids(office, "petugas.uji") == [old.id]
    assert set(ids(office, "kepala.uji")) == {old.id, new.id}
    with office.session() as session:
        found = lanes(session, office.staff("petugas.uji"))
        assert [(lane.state, lane.version_ids is not None) for lane in found] == [
            ("diajukan", True),  # only version 1 lets petugas act there
            ("diverifikasi", True),
        ]
        choices = service_choices(session, office.staff("petugas.uji"))
        assert [c.states for c in choices] == [("diajukan", "diverifikasi")]
        assert [lane.version_ids for lane in lanes(session, office.staff("kepala.uji"))] == [
            None,
            None,
        ]


def test_cursors_are_opaque_and_checked() -> None:
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert decode_cursor(encode_cursor(moment, "abc")) == (moment, "abc")
    assert decode_cursor(encode_cursor(None, "abc")) == (None, "abc")
    for bad in ["", "!!", "bm90IGpzb24", encode_cursor(None, "x" * 80)]:
        with pytest.raises(InvalidCursor):
            decode_cursor(bad)


def test_the_inbox_query_reads_the_inbox_indexes(office: Office) -> None:
    office.file_case()
    with office.session() as session:
        user = office.staff("petugas.uji")
        plan = "\n".join(explain_inbox(session, user))
        by_service = "\n".join(
            explain_inbox(session, user, service_id=service_id(office, DOMISILI))
        )
    if office.engine.dialect.name != "sqlite":
        assert "ix_submissions_agency_inbox" in plan, plan
        assert "ix_submissions_service_inbox" in by_service, by_service
        assert "Seq Scan" not in plan + by_service
        return
    assert "USING INDEX ix_submissions_agency_inbox" in plan, plan
    assert "USING INDEX ix_submissions_service_inbox" in by_service, by_service
    inner = [line for line in plan.splitlines() if "SCAN submissions" in line]
    assert inner == [], plan  # never a full scan of the cases
