"""Publishing (with removed-state mapping), requesting changes, retiring, and the history."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlmodel import col, select

from runtime import lifecycle
from runtime.models import CaseEvent, ServiceEvent, ServiceVersion
from tests.runtime.review.conftest import (
    AGENCY,
    SLUG,
    Loket,
    csrf_of,
    parse,
    user_id,
    v2_definition,
)

START = f"/layanan/{AGENCY}/{SLUG}"


def _events(loket: Loket, service_id: int) -> list[ServiceEvent]:
    with loket.session() as session:
        return list(
            session.exec(
                select(ServiceEvent)
                .where(ServiceEvent.service_id == service_id)
                .order_by(col(ServiceEvent.id))
            ).all()
        )


def _post(client: TestClient, page: str, action: str, data: dict[str, str]) -> object:
    """Post `data` with the hidden inputs of the page's form for `action` (CSRF, content hash)."""
    doc = parse(client.get(page).text)
    form = doc.css_first(f'form[action="{action}"]')
    hidden = (
        {
            str(i.attributes["name"]): str(i.attributes["value"])
            for i in form.css("input[type=hidden]")
        }
        if form is not None
        else {"csrf_token": csrf_of(client.get(page).text)}
    )
    return client.post(action, data={**hidden, "confirm": "1", **data})


def test_publish_is_refused_without_a_mapping_and_accepted_with_one(loket: Loket) -> None:
    service_id, v1 = loket.publish_v1()
    waiting = loket.file_case(v1, "diperiksa")
    early = loket.file_case(v1, "diajukan")
    v2 = loket.submit_draft(service_id, v2_definition())
    reviewer = loket.login("reviewer")
    page = f"/tinjau/{v2}"

    refused = _post(reviewer, page, f"{page}/terbitkan", {"peta.diperiksa": ""})

    assert refused.status_code == 422  # type: ignore[attr-defined]
    doc = parse(refused.text)  # type: ignore[attr-defined]
    summary = doc.css_first("#error-summary")
    assert "petakan setiap status" in summary.text()
    assert [li.text() for li in summary.css("li")] == ["1 kasus di status diperiksa"]
    assert loket.version(v2).state == "in_review"
    assert loket.service(service_id).current_version_id == v1
    assert "Surat Uji Baru" not in loket.client().get(START).text

    to_final = _post(reviewer, page, f"{page}/terbitkan", {"peta.diperiksa": "selesai"})
    assert to_final.status_code == 422  # type: ignore[attr-defined]
    assert loket.version(v2).state == "in_review"

    accepted = _post(reviewer, page, f"{page}/terbitkan", {"peta.diperiksa": "diajukan"})

    assert accepted.status_code == 303  # type: ignore[attr-defined]
    target = accepted.headers["location"]  # type: ignore[attr-defined]
    assert target == f"/tinjau?diterbitkan={v2}"
    notice = parse(reviewer.get(target).text).css_first("p.notice")
    assert notice.text().startswith("Versi 2 dari “Surat Uji Baru” sudah terbit.")
    published = loket.version(v2)
    assert published.state == "published"
    assert published.published_by == user_id(loket, "reviewer")
    assert loket.version(v1).state == "superseded"
    assert loket.service(service_id).current_version_id == v2
    moved = loket.case(waiting)
    assert (moved.state, moved.service_version_id) == ("diajukan", v2)
    stayed = loket.case(early)
    assert (stayed.state, stayed.service_version_id) == ("diajukan", v1)
    with loket.session() as session:
        mapped = session.exec(select(CaseEvent).where(CaseEvent.submission_id == waiting)).all()
    assert [(e.action, e.from_state, e.to_state) for e in mapped][-1] == (
        "state_mapped",
        "diperiksa",
        "diajukan",
    )
    actions = [(e.action, e.details) for e in _events(loket, service_id)]
    assert ("state_mapped", {"from": "diperiksa", "to": "diajukan", "cases": 1}) in actions
    assert actions[-1][0] == "published"
    start = parse(loket.client().get(START).text)
    assert start.css_first("h1").text() == "Surat Uji Baru"
    bundles = loket.settings.data_dir / "bundles"
    assert any(bundles.rglob("*.json"))


def test_publishing_a_new_service(loket: Loket) -> None:
    service_id, version = loket.create_service()
    reviewer = loket.login("reviewer")
    response = _post(reviewer, f"/tinjau/{version}", f"/tinjau/{version}/terbitkan", {})
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert loket.service(service_id).current_version_id == version
    assert parse(loket.client().get(START).text).css_first("h1").text() == "Surat Uji"


def test_publishing_twice_is_a_conflict(loket: Loket) -> None:
    _, version = loket.create_service()
    reviewer = loket.login("reviewer")
    page = f"/tinjau/{version}"
    token = csrf_of(reviewer.get(page).text)
    seen = {"csrf_token": token, "sha256": loket.version(version).sha256, "confirm": "1"}
    assert reviewer.post(f"{page}/terbitkan", data=seen).status_code == 303
    again = reviewer.post(f"{page}/terbitkan", data=seen)
    assert again.status_code == 409
    assert "tidak sedang ditinjau" in again.text


def test_request_changes_stores_comments_with_pointers(loket: Loket) -> None:
    service_id, _ = loket.publish_v1()
    v2 = loket.submit_draft(service_id, v2_definition())
    reviewer = loket.login("reviewer")
    page = f"/tinjau/{v2}"
    doc = parse(reviewer.get(page).text)
    alamat = next(n for n in doc.css("li.change") if "Alamat" in n.text())
    name = alamat.css_first("textarea").attributes["name"] or ""
    number = name.removeprefix("komentar-")
    contact = doc.css_first("li.check[data-code='contact-present'] textarea")
    data = {
        "csrf_token": csrf_of(doc.html or ""),
        f"penunjuk-{number}": "/form/pages/0/fields/1",
        name: "Mengapa alamat wajib?",
        "penunjuk-2": "/standard/contact",
        (contact.attributes["name"] or ""): "   ",  # empty: ignored
        "komentar-umum": "Perjelas juga ringkasannya.",
        "confirm": "1",
    }

    response = reviewer.post(f"{page}/minta-perubahan", data=data)

    assert response.status_code == 303
    assert response.headers["location"] == f"/tinjau?dikembalikan={v2}"
    assert loket.version(v2).state == "changes_requested"
    comments = [
        (e.pointer, e.comment, e.actor_user_id)
        for e in _events(loket, service_id)
        if e.action == "changes_requested"
    ]
    reviewer_id = user_id(loket, "reviewer")
    assert comments == [
        ("/form/pages/0/fields/1", "Mengapa alamat wajib?", reviewer_id),
        (None, "Perjelas juga ringkasannya.", reviewer_id),
    ]
    queue = parse(reviewer.get(response.headers["location"]).text)
    assert "dikembalikan ke perancang" in queue.css_first("p.notice").text()
    assert queue.css("tr.queue-item") == []


def test_request_changes_needs_a_comment(loket: Loket) -> None:
    _, version = loket.create_service()
    reviewer = loket.login("reviewer")
    page = f"/tinjau/{version}"
    response = _post(reviewer, page, f"{page}/minta-perubahan", {"komentar-umum": "  "})
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "paling sedikit satu catatan" in response.text  # type: ignore[attr-defined]
    assert loket.version(version).state == "in_review"


def test_retire_stops_new_applications_and_open_cases_continue(loket: Loket) -> None:
    service_id, v1 = loket.publish_v1()
    case_id = loket.file_case(v1, "diajukan")
    reviewer = loket.login("reviewer")
    history = f"/tinjau/layanan/{service_id}/riwayat"

    response = _post(reviewer, history, f"/tinjau/layanan/{service_id}/pensiunkan", {})

    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == history  # type: ignore[attr-defined]
    assert loket.service(service_id).status == "retired"
    start = parse(loket.client().get(START).text)
    assert "tidak lagi menerima permohonan baru" in start.css_first("p.notice").text()
    assert start.css_first(f"form[action='{START}/mulai']") is None
    case = loket.case(case_id)
    assert (case.state, case.final_outcome, case.service_version_id) == ("diajukan", None, v1)
    with loket.session() as session:
        open_cases = lifecycle.live_cases_in(session, service_id, ["diajukan"])
    assert open_cases == {"diajukan": 1}
    page = parse(reviewer.get(history).text)
    assert page.css_first("#service-status").text() == "Dipensiunkan"
    assert page.css_first("form[action$='/pensiunkan']") is None
    assert [e.action for e in _events(loket, service_id)].count("retired") == 1


def test_history_lists_who_when_what_and_comments(loket: Loket) -> None:
    service_id, version_id = loket.create_service(
        submitted_at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
    )
    with loket.session() as session:
        version = session.get(ServiceVersion, version_id)
        assert version is not None
        lifecycle.request_changes(
            session,
            user=loket.staff["reviewer"],
            version=version,
            comments=[("/privacy", "Masa simpan <terlalu> lama")],
            now=dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC),
        )
        session.commit()

    response = loket.login("reviewer").get(f"/tinjau/layanan/{service_id}/riwayat")

    assert response.status_code == 200
    rows = parse(response.text).css("tr.event")
    cells = [[" ".join(td.text().split()) for td in row.css("td")] for row in rows]
    assert [row.attributes["data-action"] for row in rows] == [
        "created",
        "submitted",
        "changes_requested",
    ]
    assert cells[1] == [
        "02-03-2026 10:00 WIB",
        "Dedi Perancang",
        "Diajukan untuk ditinjau (Versi 1)",
        "",
    ]
    assert cells[2] == [
        "03-03-2026 16:30 WIB",
        "Rina Peninjau",
        "Perubahan diminta (Versi 1)Masa simpan <terlalu> lama",
        "/privacy",
    ]
    assert rows[2].css_first("p.comment").text() == "Masa simpan <terlalu> lama"
