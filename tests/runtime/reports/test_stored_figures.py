"""Stored figures of big services: worked out by the worker's job, read by every server, dated on
the page, refreshed on request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from runtime.app import create_app
from runtime.models import JobRun, ReportFigures
from runtime.notify import jobs
from runtime.oversight import jobs as oversight_jobs
from runtime.reporting import report_figures, reports
from runtime.settings import Settings
from tests import kit

from .conftest import (
    AGENCY,
    DAY,
    NOW,
    OTHER,
    PASSWORDS,
    SECRET_KEY,
    SLUG,
    Data,
    add_case,
    page,
)


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Services with 5 cases or more count as big (the hand-made one has 7)."""
    monkeypatch.setattr(report_figures, "STORED_FROM_CASES", 5)


def _row(data: Data) -> ReportFigures | None:
    with data.session() as session:
        return session.get(ReportFigures, data.service_id)


def _add_decided(data: Data, hours: tuple[int, ...]) -> None:
    with data.session() as session:
        for index, hour in enumerate(hours):
            created = NOW - 20 * DAY + index * dt.timedelta(minutes=3)
            outcome = "approved" if index % 2 else "rejected"
            add_case(
                session,
                data.version_id,
                data.service_id,
                state="selesai" if outcome == "approved" else "ditolak",
                created=created,
                decided=created + dt.timedelta(hours=hour, minutes=11),
                outcome=outcome,
            )
        add_case(
            session,
            data.version_id,
            data.service_id,
            state="diajukan",
            created=NOW - DAY,
            due=NOW - dt.timedelta(hours=1),
        )
        session.commit()


@pytest.mark.parametrize("hours", [(), (5,), (3, 49, 200), (1, 2, 3, 4, 300, 7)])
def test_stored_figures_equal_the_live_reading_and_the_python_reading(
    data: Data, big: None, hours: tuple[int, ...]
) -> None:
    _add_decided(data, hours)
    result = report_figures.refresh(data.engine)
    assert [service_id for service_id, _ in result.done] == [data.service_id]
    with data.session() as session:
        stored = report_figures.stored(session, [data.service_id])[data.service_id]
        live = report_figures.work_out(session, data.service_id)
        times = report_figures.decision_times(session, data.service_id)
        shown = reports.agency_report(session, AGENCY)[0]
    figures = stored.figures
    assert figures is not None
    assert figures.counts == live.counts and figures.total == 8 + len(hours)
    assert figures.overdue == live.overdue == 2
    assert figures.decided == live.decided == len(times) == 3 + len(hours)
    python_median = report_figures.median_time(times)
    assert figures.median is not None and python_median is not None
    assert abs((figures.median - python_median).total_seconds()) < 0.01
    assert shown.stored and shown.ready and shown.as_of == figures.at
    assert (shown.total, shown.overdue, shown.decided) == (live.total, 2, live.decided)
    assert {c.state: c.count for c in shown.states if c.count} == live.counts
    row = _row(data)
    assert row is not None and row.total == figures.total and row.seconds >= 0


def test_a_big_service_without_stored_figures_asks_the_worker(data: Data, big: None) -> None:
    client = data.login("petugas.uji")
    doc = page(client.get(f"/kantor/laporan/{AGENCY}"))
    section = doc.css_first(f"#service-{SLUG}")
    assert section.css_first("[data-preparing]") is not None
    assert section.css_first("[data-figure]") is None  # no figures rather than made-up ones
    assert section.css_first("form.export") is not None
    row = _row(data)
    assert row is not None and row.computed_at is None and row.requested_at is not None
    assert section.css_first("[data-stale]") is None
    with data.session() as session:
        assert report_figures.due_for_refresh(session, NOW) == [data.service_id]
        session.execute(
            update(ReportFigures).values(requested_at=NOW - report_figures.STALE_AFTER - DAY)
        )
        session.commit()
    doc = page(client.get(f"/kantor/laporan/{AGENCY}"))
    assert doc.css_first(f"#service-{SLUG} [data-stale]") is not None  # no worker came by
    report_figures.refresh(data.engine)
    doc = page(client.get(f"/kantor/laporan/{AGENCY}"))
    section = doc.css_first(f"#service-{SLUG}")
    assert section.css_first("[data-preparing]") is None
    assert section.css_first("[data-figure=total]").text(strip=True) == "7"
    assert "WIB" in section.css_first("[data-as-of]").text()
    assert "5 menit" in section.css_first("[data-as-of]").text()
    assert section.css_first("form.refresh-figures") is not None
    assert section.css_first("[data-stale]") is None


def test_stored_figures_stay_until_refreshed_on_request(data: Data, big: None) -> None:
    report_figures.refresh(data.engine)
    with data.session() as session:
        add_case(session, data.version_id, data.service_id, state="diajukan", created=NOW)
        session.commit()
        assert reports.agency_report(session, AGENCY)[0].total == 7  # stored, dated
        assert reports.agency_report(session, AGENCY, now=NOW)[0].total == 8  # a given moment
        assert report_figures.due_for_refresh(session, report_figures.utcnow()) == []
    client = data.login("petugas.uji")
    doc = page(client.get(f"/kantor/laporan/{AGENCY}"))
    form = doc.css_first(f"#service-{SLUG} form.refresh-figures")
    response = client.post(form.attributes["action"], data={"csrf_token": kit.csrf(doc)})
    assert response.status_code == 303
    assert response.headers["location"] == f"/kantor/laporan/{AGENCY}#service-{SLUG}"
    doc = page(client.get(f"/kantor/laporan/{AGENCY}"))
    section = doc.css_first(f"#service-{SLUG}")
    assert section.css_first("[data-refresh-requested]") is not None
    assert section.css_first("form.refresh-figures") is None
    assert section.css_first("[data-figure=total]").text(strip=True) == "7"
    with data.session() as session:
        assert report_figures.due_for_refresh(session, report_figures.utcnow()) == [data.service_id]
    report_figures.refresh(data.engine)
    doc = page(client.get(f"/kantor/laporan/{AGENCY}"))
    section = doc.css_first(f"#service-{SLUG}")
    assert section.css_first("[data-figure=total]").text(strip=True) == "8"
    assert section.css_first("[data-refresh-requested]") is None


def test_figures_older_than_the_period_are_due_and_very_old_ones_flagged(
    data: Data, big: None
) -> None:
    report_figures.refresh(data.engine)
    with data.session() as session:
        now = report_figures.utcnow()
        assert report_figures.due_for_refresh(session, now) == []
        later = now + report_figures.REFRESH_EVERY
        assert report_figures.due_for_refresh(session, later) == [data.service_id]
        session.execute(
            update(ReportFigures)
            .where(col(ReportFigures.service_id) == data.service_id)
            .values(computed_at=now - report_figures.STALE_AFTER - dt.timedelta(minutes=1))
        )
        session.commit()
    doc = page(data.login("petugas.uji").get(f"/kantor/laporan/{AGENCY}?lang=en"))
    stale = doc.css_first(f"#service-{SLUG} [data-stale]")
    assert stale is not None and "loket worker" in stale.text()


def test_a_service_that_is_small_again_is_worked_out_live(
    data: Data, big: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_figures.refresh(data.engine)
    assert _row(data) is not None
    monkeypatch.setattr(report_figures, "STORED_FROM_CASES", 100)
    assert report_figures.refresh(data.engine).dropped == 0  # fresh: not looked at again yet
    later = report_figures.utcnow() + report_figures.REFRESH_EVERY
    result = report_figures.refresh(data.engine, later)
    assert result.dropped == 1 and result.done == [] and result.left == 0
    assert _row(data) is None
    with data.session() as session:
        shown = reports.agency_report(session, AGENCY)[0]
    assert shown.total == 7 and not shown.stored and shown.as_of is None


def test_small_services_are_never_stored(data: Data) -> None:
    result = report_figures.refresh(data.engine)
    assert result.done == [] and result.left == 0
    client = data.login("petugas.uji")
    doc = page(client.get(f"/kantor/laporan/{AGENCY}"))
    assert doc.css_first(f"#service-{SLUG} [data-stored]") is None
    action = f"/kantor/laporan/{AGENCY}/{SLUG}/perbarui"
    assert client.post(action, data={"csrf_token": kit.csrf(doc)}).status_code == 303
    with data.session() as session:
        assert session.exec(select(ReportFigures)).all() == []
        add_case(session, data.version_id, data.service_id, state="diajukan", created=NOW)
        session.commit()
        again = reports.agency_report(session, AGENCY)[0]
    assert again.total == 8 and again.as_of is None and not again.stored  # live, exact


def test_a_run_stops_starting_services_after_its_budget(data: Data, big: None) -> None:
    with data.session() as session:
        other = reports.agency_services(session, OTHER)[0][0]
        assert other.id is not None
        for index in range(6):
            add_case(
                session,
                other.current_version_id or 0,
                other.id,
                state="diajukan",
                created=NOW - index * DAY,
                agency=OTHER,
            )
        session.commit()
    first = report_figures.refresh(data.engine, budget=0.0)
    assert len(first.done) == 1 and first.left == 1
    second = report_figures.refresh(data.engine, budget=0.0)
    assert len(second.done) == 1 and second.left == 0
    assert {s for s, _ in first.done} | {s for s, _ in second.done} == {data.service_id, other.id}
    assert "1 layanan / services" in first.summary()


def test_the_refresh_request_checks_csrf_and_the_agency(data: Data, big: None) -> None:
    action = f"/kantor/laporan/{AGENCY}/{SLUG}/perbarui"
    own = data.login("petugas.uji")
    doc = page(own.get(f"/kantor/laporan/{AGENCY}"))
    assert own.post(action, data={"csrf_token": "salah"}).status_code == 403
    unknown = f"/kantor/laporan/{AGENCY}/tidak-ada/perbarui"
    assert own.post(unknown, data={"csrf_token": kit.csrf(doc)}).status_code == 404
    stranger = data.login("petugas.lain")
    other_doc = page(stranger.get("/kantor/laporan"))
    response = stranger.post(action, data={"csrf_token": kit.csrf(other_doc)})
    assert response.status_code == 404


def test_the_worker_runs_the_job_once_a_minute(data: Data, big: None, tmp_path: Path) -> None:
    job = jobs.REGISTRY["report_figures"]
    assert job.run is oversight_jobs.report_figures_job
    assert job.every == dt.timedelta(minutes=1)
    settings = Settings(data_dir=tmp_path, secret_key="k" * 48)
    now = report_figures.utcnow()
    ran = jobs.run_due_jobs(data.engine, settings, "w1", now, {"report_figures": job})
    assert ran == ["report_figures"]
    assert jobs.run_due_jobs(data.engine, settings, "w2", now, {"report_figures": job}) == []
    row = _row(data)
    assert row is not None and row.total == 7
    with Session(data.engine) as session:
        run = session.exec(select(JobRun).where(JobRun.job == "report_figures")).one()
    assert run.error is None and run.result is not None and "1 layanan" in run.result


def test_two_app_servers_show_the_same_stored_figures(
    data: Data, big: None, tmp_path: Path
) -> None:
    report_figures.refresh(data.engine)
    settings = Settings(
        data_dir=tmp_path / "second",
        secret_key=SECRET_KEY,
        database_url=data.engine.url.render_as_string(hide_password=False),
    )
    second = create_app(settings)
    try:
        with TestClient(second, follow_redirects=False) as other:
            kit.signed_in(other, "petugas.uji", PASSWORDS["petugas.uji"])
            first = data.login("petugas.uji")
            seen = [
                page(client.get(f"/kantor/laporan/{AGENCY}"))
                .css_first(f"#service-{SLUG} [data-as-of]")
                .text()
                for client in (first, other)
            ]
            assert seen[0] == seen[1]
            doc = page(first.get(f"/kantor/laporan/{AGENCY}"))
            form = doc.css_first(f"#service-{SLUG} form.refresh-figures")
            first.post(form.attributes["action"], data={"csrf_token": kit.csrf(doc)})
            doc = page(other.get(f"/kantor/laporan/{AGENCY}"))
            assert doc.css_first(f"#service-{SLUG} [data-refresh-requested]") is not None
    finally:
        second.state.engine.dispose()
