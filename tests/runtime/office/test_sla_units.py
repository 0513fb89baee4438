"""Time limits in hours and calendar days: due dates, and what the inbox, the case page and the
citizen's status page say ("24 jam", "3 hari kalender").

Friday 1 May 2026 is a national holiday (Labour Day); 2 and 3 May are a weekend.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from builder.canonical import digest
from builder.sla import Sla
from runtime import store
from runtime.casework.deadlines import due_at, due_on_entering, time_left
from runtime.workdays import WIB, Calendar
from tests.runtime.office.conftest import DOMISILI, Office, parse, post_action

THURSDAY = dt.datetime(2026, 4, 30, 10, 0, tzinfo=WIB)


def test_due_dates_in_each_unit() -> None:
    calendar = Calendar()
    # hours run around the clock: over the holiday and the weekend
    assert due_at(Sla("hours", 24), THURSDAY, calendar) == dt.datetime(
        2026, 5, 1, 10, 0, tzinfo=WIB
    )
    assert due_at(Sla("hours", 72), THURSDAY, calendar) == dt.datetime(
        2026, 5, 3, 10, 0, tzinfo=WIB
    )
    # calendar days end at the end of the day, holidays included
    assert due_at(Sla("calendar_days", 3), THURSDAY, calendar) == dt.datetime(
        2026, 5, 3, 23, 59, 59, tzinfo=WIB
    )
    # working days skip them (Monday 4 May is the first working day after Thursday)
    assert due_at(Sla("working_days", 1), THURSDAY, calendar) == dt.datetime(
        2026, 5, 4, 23, 59, 59, tzinfo=WIB
    )
    assert due_at(Sla("working_days", 1), THURSDAY, calendar) == calendar.due_at(THURSDAY, 1)
    for due in (due_at(Sla("hours", 5), THURSDAY, calendar),):
        assert due.utcoffset() == dt.timedelta(0)


def test_due_on_entering_reads_the_state() -> None:
    calendar = Calendar()
    definition = {
        "workflow": {
            "states": {
                "a": {"sla": {"hours": 6}},
                "b": {"sla_days": 1},
                "c": {"sla": {"hours": 6}, "applicant_edits": True},
                "d": {"final": "approved"},
            }
        }
    }
    assert due_on_entering(definition, "a", THURSDAY, calendar) == THURSDAY + dt.timedelta(hours=6)
    assert due_on_entering(definition, "b", THURSDAY, calendar) == calendar.due_at(THURSDAY, 1)
    assert due_on_entering(definition, "c", THURSDAY, calendar) is None
    assert due_on_entering(definition, "d", THURSDAY, calendar) is None


def test_time_left_in_the_limit_s_unit() -> None:
    calendar = Calendar()
    due = dt.datetime(2026, 5, 1, 10, 0, tzinfo=WIB)
    hours = Sla("hours", 24)
    assert time_left(hours, due, THURSDAY, calendar, "id") == "24 jam lagi"
    assert time_left(hours, due, due + dt.timedelta(minutes=90), calendar, "en") == "2 hours late"
    days = Sla("calendar_days", 3)
    end = dt.datetime(2026, 5, 3, 23, 59, 59, tzinfo=WIB)
    assert time_left(days, end, THURSDAY, calendar, "id") == "3 hari kalender lagi"
    assert time_left(days, end, end + dt.timedelta(days=1), calendar, "id") == (
        "terlambat 1 hari kalender"
    )
    # working days: the holiday and the weekend do not count
    monday = dt.datetime(2026, 5, 4, 23, 59, 59, tzinfo=WIB)
    assert time_left(Sla("working_days", 1), monday, THURSDAY, calendar, "id") == (
        "1 hari kerja lagi"
    )


def emergency(office: Office) -> None:
    """Publish domisili v2: `diajukan` within 24 hours, `diverifikasi` within 3 calendar days."""
    definition = copy.deepcopy(office.definitions[DOMISILI])
    states = definition["workflow"]["states"]
    del states["diajukan"]["sla_days"], states["diverifikasi"]["sla_days"]
    states["diajukan"]["sla"] = {"hours": 24}
    states["diverifikasi"]["sla"] = {"calendar_days": 3}
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
    office.definitions[DOMISILI] = definition


@pytest.mark.postgres
def test_pages_show_hours_and_calendar_days(office: Office) -> None:
    emergency(office)
    filed = office.file_case()
    case = office.case(filed.id)
    assert case.due_at is not None
    assert case.due_at - case.state_entered_at == dt.timedelta(hours=24)

    officer = office.login("petugas.uji")
    row = parse(officer.get("/kantor")).css_first(f'tr[data-case="{filed.id}"] td.due')
    assert row is not None
    assert row.css_first(".tag.sla").text() == "24 jam"
    assert row.css_first(".days-left").text() in {"(24 jam lagi)", "(23 jam lagi)"}
    page = parse(officer.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#case-sla").text() == "24 jam"
    citizen = office.client()
    status = parse(citizen.get(f"/status/{filed.reference}/{filed.secret}"))
    assert status.css_first("#status-due").text().endswith("(24 jam)")
    english = parse(
        citizen.get(f"/status/{filed.reference}/{filed.secret}", headers={"Accept-Language": "en"})
    )
    assert english.css_first("#status-due").text().endswith("(24 hours)")

    assert post_action(officer, office, filed, "verifikasi").status_code == 303
    case = office.case(filed.id)
    assert case.state == "diverifikasi" and case.due_at is not None
    entered = case.state_entered_at.astimezone(WIB)
    assert case.due_at.astimezone(WIB) == dt.datetime.combine(
        entered.date() + dt.timedelta(days=3), dt.time(23, 59, 59), tzinfo=WIB
    )
    kepala = office.login("kepala.uji")
    page = parse(kepala.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#case-sla").text() == "3 hari kalender"
    assert page.css_first("#case-due .days-left").text() == "(3 hari kalender lagi)"
    row = parse(kepala.get("/kantor")).css_first(f'tr[data-case="{filed.id}"] .tag.sla')
    assert row is not None and row.text() == "3 hari kalender"
    status = parse(citizen.get(f"/status/{filed.reference}/{filed.secret}"))
    assert status.css_first("#status-due").text().endswith("(3 hari kalender)")


@pytest.mark.postgres
def test_working_days_stay_as_they_were(office: Office) -> None:
    filed = office.file_case()
    officer = office.login("petugas.uji")
    row = parse(officer.get("/kantor")).css_first(f'tr[data-case="{filed.id}"] td.due')
    assert row is not None and row.css_first(".tag.sla") is None
    assert parse(officer.get(f"/kantor/kasus/{filed.id}")).css_first("#case-sla").text() == (
        "1 hari kerja"
    )
