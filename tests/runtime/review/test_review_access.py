"""Who may use the review routes: only reviewers; others get 403, anonymous visitors sign in.

Every refused attempt leaves everything as it was (version states, the live version, the
service's status, its events).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from runtime.models import ServiceEvent
from tests.runtime.review.conftest import Loket, csrf_of, v2_definition

REFUSED = ("designer", "other-designer", "officer", "admin")


def _routes(
    loket: Loket, service_id: int, version_id: int
) -> list[tuple[str, str, dict[str, str]]]:
    sha256 = loket.version(version_id).sha256  # the content the reviewer has on screen
    return [
        ("GET", "/tinjau", {}),
        ("GET", f"/tinjau/{version_id}", {}),
        ("GET", f"/tinjau/layanan/{service_id}/riwayat", {}),
        (
            "POST",
            f"/tinjau/{version_id}/terbitkan",
            {"peta.diperiksa": "diajukan", "sha256": sha256, "confirm": "1"},
        ),
        (
            "POST",
            f"/tinjau/{version_id}/minta-perubahan",
            {"komentar-umum": "Ubah.", "confirm": "1"},
        ),
        ("POST", f"/tinjau/{version_id}/catatan", {"catatan": "Catatan."}),
        ("POST", f"/tinjau/layanan/{service_id}/pensiunkan", {}),
    ]


def _snapshot(loket: Loket, service_id: int, version_ids: list[int]) -> tuple[object, ...]:
    service = loket.service(service_id)
    with loket.session() as session:
        events = session.exec(
            select(func.count())
            .select_from(ServiceEvent)
            .where(ServiceEvent.service_id == service_id)
        ).one()
    states = tuple(loket.version(v).state for v in version_ids)
    return service.status, service.current_version_id, states, events


def _call(client: TestClient, method: str, path: str, data: dict[str, str]) -> object:
    if method == "GET":
        return client.get(path)
    token = csrf_of(client.get("/masuk").text)  # a valid CSRF token: only the role is missing
    return client.post(path, data={"csrf_token": token, **data})


@pytest.fixture
def setup(loket: Loket) -> tuple[int, int, int]:
    """A live service with a case in a state that its version in review removes."""
    service_id, v1 = loket.publish_v1()
    loket.file_case(v1, "diperiksa")
    v2 = loket.submit_draft(service_id, v2_definition())
    return service_id, v1, v2


def test_anonymous_visitors_are_sent_to_the_login_page(
    loket: Loket, setup: tuple[int, int, int]
) -> None:
    service_id, v1, v2 = setup
    before = _snapshot(loket, service_id, [v1, v2])
    client = loket.client()
    for method, path, data in _routes(loket, service_id, v2):
        response = _call(client, method, path, data)
        assert response.status_code == 303, (method, path)  # type: ignore[attr-defined]
        location = response.headers["location"]  # type: ignore[attr-defined]
        assert location == f"/masuk?next={quote(path)}", (method, path)
    assert _snapshot(loket, service_id, [v1, v2]) == before


@pytest.mark.parametrize("username", REFUSED)
def test_staff_without_the_reviewer_role_are_refused(
    loket: Loket, setup: tuple[int, int, int], username: str
) -> None:
    service_id, v1, v2 = setup
    before = _snapshot(loket, service_id, [v1, v2])
    client = loket.login(username)
    for method, path, data in _routes(loket, service_id, v2):
        response = _call(client, method, path, data)
        assert response.status_code == 403, (username, method, path)  # type: ignore[attr-defined]
        assert "Akses ditolak" in response.text  # type: ignore[attr-defined]
    assert _snapshot(loket, service_id, [v1, v2]) == before


def test_a_reviewer_gets_through_every_route(loket: Loket, setup: tuple[int, int, int]) -> None:
    service_id, v1, v2 = setup
    client = loket.login("reviewer")
    expected = [200, 200, 200, 303, 409, 409, 303]  # no changes nor notes once published
    got = [
        _call(client, method, path, data).status_code  # type: ignore[attr-defined]
        for method, path, data in _routes(loket, service_id, v2)
    ]
    assert got == expected
    assert _snapshot(loket, service_id, [v1, v2])[:3] == (
        "retired",
        v2,
        ("superseded", "published"),
    )


def test_posts_without_a_valid_csrf_token_are_refused(
    loket: Loket, setup: tuple[int, int, int]
) -> None:
    service_id, v1, v2 = setup
    before = _snapshot(loket, service_id, [v1, v2])
    client = loket.login("reviewer")
    for method, path, data in _routes(loket, service_id, v2):
        if method == "POST":
            response = client.post(path, data={"csrf_token": "forged", **data})
            assert response.status_code == 403, path
            assert "Formulir sudah kedaluwarsa" in response.text
    assert _snapshot(loket, service_id, [v1, v2]) == before


def test_unknown_ids_are_not_found(loket: Loket) -> None:
    client = loket.login("reviewer")
    assert client.get("/tinjau/999").status_code == 404
    assert client.get("/tinjau/layanan/999/riwayat").status_code == 404
    token = csrf_of(client.get("/masuk").text)
    for path in ("/tinjau/999/terbitkan", "/tinjau/999/minta-perubahan"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404
    assert (
        client.post("/tinjau/layanan/999/pensiunkan", data={"csrf_token": token}).status_code == 404
    )
