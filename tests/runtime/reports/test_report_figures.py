"""Per-service figures: counts per state, overdue cases, median time to decision; who sees them."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.models import Service
from runtime.reporting import report_figures, reports

from .conftest import AGENCY, DAY, NOW, OTHER, SLUG, Data, add_case, page


def test_figures_of_the_hand_made_data_set(data: Data) -> None:
    with data.session() as session:
        found = reports.agency_report(session, AGENCY, now=NOW)
    assert [r.slug for r in found] == [SLUG]
    report = found[0]
    assert {c.state: c.count for c in report.states} == {
        "diajukan": 2,
        "perlu_perbaikan": 1,
        "selesai": 2,
        "ditolak": 1,
        "ditarik": 1,
    }
    assert [c.state for c in report.states if c.final] == ["selesai", "ditolak", "ditarik"]
    assert report.total == 7
    assert report.overdue == 1  # the paused case has no deadline; final ones never count
    assert report.decided == 3  # a withdrawal is not a decision
    assert report.median_decision == 2 * DAY


def test_overdue_depends_on_the_moment(data: Data) -> None:
    with data.session() as session:
        assert report_figures.overdue_count(session, data.service_id, now=NOW - 2 * DAY) == 0
        assert report_figures.overdue_count(session, data.service_id, now=NOW + 2 * DAY) == 2


def test_median_of_an_even_count_and_of_nothing() -> None:
    hours = [dt.timedelta(hours=h) for h in (1, 3, 10, 20)]
    assert report_figures.median_time(hours) == dt.timedelta(hours=6.5)
    assert report_figures.median_time([]) is None
    assert reports.format_duration(dt.timedelta(days=2, hours=5)) == "2 hari 5 jam"
    assert reports.format_duration(dt.timedelta(hours=5), "en") == "5 hours"
    assert reports.format_duration(None) == "–"


def test_a_service_without_cases(data: Data) -> None:
    with data.session() as session:
        found = reports.agency_report(session, OTHER, now=NOW)
    assert [(r.total, r.overdue, r.decided, r.median_decision) for r in found] == [(0, 0, 0, None)]


def test_the_report_page_shows_the_figures(data: Data) -> None:
    response = data.login("petugas.uji").get(f"/kantor/laporan/{AGENCY}")
    assert response.status_code == 200
    section = page(response).css_first(f"#service-{SLUG}")
    figures = {
        node.attributes["data-figure"]: node.text(strip=True)
        for node in section.css("[data-figure]")
    }
    assert figures["total"] == "7" and figures["overdue"] == "1" and figures["decided"] == "3"
    assert figures["median"] == "2 hari 0 jam"
    counts = {
        row.attributes["data-state"]: row.css_first("td").text(strip=True)
        for row in section.css("tr[data-state]")
    }
    assert counts["diajukan"] == "2" and counts["ditarik"] == "1"
    form = section.css_first("form.export")
    assert form.attributes["method"] == "get"
    assert form.attributes["action"] == f"/kantor/layanan/{AGENCY}/{SLUG}/ekspor.csv"
    buttons = [b.attributes.get("formaction") for b in form.css("button[type=submit]")]
    assert buttons == [None, f"/kantor/layanan/{AGENCY}/{SLUG}/ekspor.xlsx"]
    names = {node.attributes["name"] for node in form.css("input, select")}
    assert names == {"dari", "sampai", "kolom", "sensitif"}
    note = section.css_first(".export-note").text()
    assert "NIK disamarkan" in note


def test_the_index_lists_only_the_users_agencies(data: Data) -> None:
    doc = page(data.login("kepala.uji").get("/kantor/laporan"))
    assert [a.attributes["href"] for a in doc.css("#agencies a")] == [f"/kantor/laporan/{AGENCY}"]


@pytest.mark.parametrize("path", [f"/kantor/laporan/{AGENCY}", "/kantor/laporan/tidak-ada"])
def test_an_officer_of_another_agency_gets_404(data: Data, path: str) -> None:
    assert data.login("petugas.lain").get(path).status_code == 404


def test_anonymous_visitors_are_sent_to_login(data: Data) -> None:
    from fastapi.testclient import TestClient

    with TestClient(data.app, follow_redirects=False) as client:
        response = client.get(f"/kantor/laporan/{AGENCY}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/masuk?next=")


def test_a_service_of_another_agency_is_not_listed(data: Data) -> None:
    with data.session() as session:
        slugs = [s.slug for s, _ in reports.agency_services(session, AGENCY)]
        assert slugs == [SLUG]
        assert session.get(Service, data.service_id) is not None


@pytest.mark.parametrize("extra_hours", [(), (5,), (5, 49, 200), (1, 2, 3, 4, 300)])
def test_the_database_median_agrees_with_python(data: Data, extra_hours: tuple[int, ...]) -> None:
    """``decision_summary`` (SQL) gives what ``decision_times`` + ``median_time`` give."""
    with data.session() as session:
        for hours in extra_hours:
            created = NOW - 30 * DAY
            add_case(
                session,
                data.version_id,
                data.service_id,
                state="selesai",
                created=created,
                decided=created + dt.timedelta(hours=hours, minutes=7),
                outcome="approved",
            )
        session.commit()
        times = report_figures.decision_times(session, data.service_id)
        count, median = report_figures.decision_summary(session, data.service_id)
    assert count == len(times) == 3 + len(extra_hours)
    assert median is not None and report_figures.median_time(times) is not None
    assert abs((median - report_figures.median_time(times)).total_seconds()) < 0.01
