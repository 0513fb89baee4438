"""The review queue: versions in review grouped by agency, oldest first, with their age."""

from __future__ import annotations

import copy
import datetime as dt

from runtime.models import utcnow
from tests.runtime.review.conftest import OTHER_AGENCY, V1, Loket, parse


def _named(slug: str, title: str, agency: str | None = None) -> dict:
    body = copy.deepcopy(V1)
    body["id"] = slug
    body["title"] = title
    if agency:
        body["agency"] = agency
    return body


def test_queue_lists_versions_in_review_by_agency_oldest_first(loket: Loket) -> None:
    now = utcnow()
    _, young = loket.create_service(_named("baru", "Layanan Baru"), submitted_at=now)
    _, old = loket.create_service(
        _named("lama", "Layanan Lama"), submitted_at=now - dt.timedelta(days=9)
    )
    _, other = loket.create_service(
        _named("lain", "Layanan Lain", OTHER_AGENCY),
        agency=OTHER_AGENCY,
        submitted_at=now - dt.timedelta(days=3),
    )
    loket.publish_v1(_named("terbit", "Sudah Terbit"))  # published: not in the queue

    response = loket.login("reviewer").get("/tinjau")

    assert response.status_code == 200
    doc = parse(response.text)
    sections = doc.css("section.agency")
    assert [s.css_first("h2").text() for s in sections] == ["Dinas dinas-uji", "Dinas dinas-lain"]
    rows = [
        [int(r.attributes["data-version"] or 0) for r in s.css("tr.queue-item")] for s in sections
    ]
    assert rows == [[old, young], [other]]
    ages = [node.text() for node in doc.css("tr.queue-item .age")]
    assert ages == ["9 hari menunggu", "0 hari menunggu", "3 hari menunggu"]
    titles = [node.text() for node in doc.css("tr.queue-item td a")]
    assert titles == ["Layanan Lama", "Layanan Baru", "Layanan Lain"]
    assert "Sudah Terbit" not in response.text
    assert doc.css_first(f"a[href='/tinjau/{old}']") is not None


def test_empty_queue_says_so(loket: Loket) -> None:
    response = loket.login("reviewer").get("/tinjau")
    assert response.status_code == 200
    assert "Tidak ada versi yang menunggu tinjauan." in response.text


def test_queue_in_english(loket: Loket) -> None:
    loket.create_service(submitted_at=utcnow() - dt.timedelta(days=2))
    response = loket.login("reviewer").get("/tinjau?lang=en")
    doc = parse(response.text)
    assert doc.css_first("h1").text() == "Review queue"
    assert doc.css_first("tr.queue-item .age").text() == "waiting 2 days"
