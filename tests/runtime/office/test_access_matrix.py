"""Access control of every back-office route, as a matrix of who asks and what they get.

Rows: an anonymous visitor, a citizen holding the case's status secret (no staff session), an
officer of another agency, an officer of the same agency whose role no definition knows, a
service designer of the same agency, and the right officer. Only the last gets through; for the
others nothing changes (row version and audit events stay as they were) and another agency's
case is "not found", never "forbidden". The exports of the case's service (CSV and XLSX) are in
the matrix too: they hold every case's answers, so they follow the rule of the case page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.runtime.office.conftest import DOMISILI, Filed, Office, csrf_of, parse


@dataclass(frozen=True)
class Route:
    """One back-office route, called on a freshly filed case."""

    name: str
    call: Callable[[TestClient, str, Filed, str], Response]


def _case(client: TestClient, token: str, filed: Filed, attachment: str) -> Response:
    return client.get(f"/kantor/kasus/{filed.id}")


def _act(client: TestClient, token: str, filed: Filed, attachment: str) -> Response:
    data = {
        "csrf_token": token,
        "action": "tolak",
        "comment": "Tidak sah",
        "row_version": "1",
        "confirm": "1",
    }
    return client.post(f"/kantor/kasus/{filed.id}/aksi", data=data)


def _act_htmx(client: TestClient, token: str, filed: Filed, attachment: str) -> Response:
    data = {
        "csrf_token": token,
        "action": "tolak",
        "comment": "Tidak sah",
        "row_version": "1",
        "confirm": "1",
    }
    return client.post(f"/kantor/kasus/{filed.id}/aksi", data=data, headers={"HX-Request": "true"})


def _nik(client: TestClient, token: str, filed: Filed, attachment: str) -> Response:
    data = {"csrf_token": token, "field": "nik"}
    return client.post(f"/kantor/kasus/{filed.id}/nik", data=data)


def _export(kind: str) -> Callable[[TestClient, str, Filed, str], Response]:
    def call(client: TestClient, token: str, filed: Filed, attachment: str) -> Response:
        return client.get(f"/kantor/layanan/{DOMISILI}/ekspor.{kind}")

    return call


def _file(client: TestClient, token: str, filed: Filed, attachment: str) -> Response:
    return client.get(f"/kantor/kasus/{filed.id}/berkas/{attachment}")


ROUTES = [
    Route("case page", _case),
    Route("act", _act),
    Route("act (htmx)", _act_htmx),
    Route("show NIK", _nik),
    Route("download", _file),
    Route("export CSV", _export("csv")),
    Route("export XLSX", _export("xlsx")),
]
# who -> (username or None, expected status for the case routes)
WHO = {
    "anonymous": (None, {303}),
    "citizen with the status secret": (None, {303}),
    "officer of another agency": ("petugas.dinsos", {404}),
    "same agency, no role": ("arsip.uji", {403}),
    "designer of the same agency": ("perancang.uji", {403}),
    "the right officer": ("petugas.uji", {200, 303}),
}


def _client_for(office: Office, who: str, filed: Filed) -> tuple[TestClient, str]:
    """A client acting as `who`, and a valid CSRF token of its own."""
    username, _ = WHO[who]
    client = office.login(username) if username else office.client()
    if who.startswith("citizen"):
        status = client.get(f"/status/{filed.reference}/{filed.secret}")
        assert status.status_code == 200  # the secret works on the citizen's page
    token = csrf_of(parse(client.get("/masuk")))
    return client, token


@pytest.mark.parametrize("who", list(WHO))
def test_every_case_route_lets_only_the_right_officer_through(office: Office, who: str) -> None:
    _, allowed = WHO[who]
    for route in ROUTES:
        filed = office.file_case()
        attachment = office.attach(filed.id)
        client, token = _client_for(office, who, filed)
        before = (office.case(filed.id).row_version, len(office.events(filed.id)))
        response = route.call(client, token, filed, attachment)
        assert response.status_code in allowed, (route.name, response.status_code)
        after = (office.case(filed.id).row_version, len(office.events(filed.id)))
        if response.status_code == 303 and who != "the right officer":
            assert response.headers["location"].startswith("/masuk?next=/kantor/")
        if who != "the right officer":
            assert after == before, route.name
            assert filed.reference not in response.text, route.name
            assert "attachment" not in response.headers.get("content-disposition", "")
        elif route.name.startswith("export"):
            assert response.status_code == 200, route.name
            assert after == before, route.name
            assert route.name.endswith("XLSX") or filed.reference in response.text
        elif route.name.startswith("act"):
            assert after == (2, 2), route.name
        elif route.name in {"show NIK", "download"}:
            assert after == (1, 2), route.name  # the viewing is recorded
        else:
            assert after == before


@pytest.mark.parametrize("who", list(WHO))
def test_the_inbox_lists_a_case_only_to_the_right_officer(office: Office, who: str) -> None:
    filed = office.file_case()
    client, _ = _client_for(office, who, filed)
    response = client.get("/kantor")
    if WHO[who][0] is None:
        assert response.status_code == 303
        assert response.headers["location"] == "/masuk?next=/kantor"
        return
    assert response.status_code == 200
    listed = [r.attributes.get("data-case") for r in parse(response).css("#inbox tbody tr")]
    assert listed == ([filed.id] if who == "the right officer" else [])
    searched = client.get("/kantor", params={"nomor": filed.reference})
    found = [r.attributes.get("data-case") for r in parse(searched).css("#inbox tbody tr")]
    assert found == ([filed.id] if who == "the right officer" else [])


def test_unknown_ids_are_not_found_for_the_right_officer(office: Office) -> None:
    filed = office.file_case()
    client = office.login("petugas.uji")
    assert client.get("/kantor/kasus/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/kantor/kasus/" + "A" * 300).status_code == 404
    assert client.get(f"/kantor/kasus/{filed.id}/berkas/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert len(filed.id) >= 22  # 128 random bits, from runtime.references.new_token
