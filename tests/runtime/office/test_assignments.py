"""Assignment (disposisi): assigning a case to a colleague, reassigning it, taking it.

Domisili's `diajukan` is worked by `petugas` and `kepala` (both have transitions from it), so
either may assign a case there to an officer of Disdukcapil holding one of those roles. The
assignment is an internal audit event: the citizen's status page and API never show it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from runtime import auth
from runtime.casework.assignments import ASSIGNED_ACTION
from runtime.models import User
from tests.runtime.office.conftest import (
    Filed,
    Office,
    csrf_of,
    parse,
    password_hash,
    post_action,
)


def add_officer(office: Office, username: str, agency: str = "disdukcapil") -> int:
    """Another `petugas` of `agency`."""
    with office.session() as session:
        user = User(username=username, display_name=username.title(), password_hash=password_hash())
        session.add(user)
        session.flush()
        auth.grant(session, user=user, agency_id=agency, role="petugas")
        assert user.id is not None
        office.user_ids[username] = user.id
        session.commit()
        return user.id


def post_assign(
    client: TestClient,
    filed: Filed,
    assignee: int | str,
    note: str = "",
    *,
    current: str | None = None,
    token: str | None = None,
) -> object:
    """Post the assignment form as the case page shows it (its `current` unless given)."""
    page = parse(client.get(f"/kantor/kasus/{filed.id}"))
    shown = page.css_first("#assign-form input[name=current]") or page.css_first(
        "#take-form input[name=current]"
    )
    data = {
        "csrf_token": token if token is not None else csrf_of(page),
        "assignee": str(assignee),
        "note": note,
        "current": current
        if current is not None
        else (shown.attributes.get("value") or "")
        if shown
        else "",
    }
    return client.post(f"/kantor/kasus/{filed.id}/tugaskan", data=data)


def assigned_events(office: Office, filed: Filed) -> list[dict[str, object]]:
    return [e.details or {} for e in office.events(filed.id) if e.action == ASSIGNED_ACTION]


@pytest.mark.postgres
def test_assign_with_a_note_shows_in_the_inbox_but_never_to_the_citizen(office: Office) -> None:
    filed = office.file_case()
    other = office.file_case()
    petugas = office.user_ids["petugas.uji"]
    kepala = office.login("kepala.uji")
    page = parse(kepala.get(f"/kantor/kasus/{filed.id}"))
    options = {o.attributes.get("value") for o in page.css("#assign-to option")}
    # colleagues who may act in `diajukan`; not the Dinsos officer, not the archivist
    assert str(petugas) in options
    assert str(office.user_ids["petugas.dinsos"]) not in options
    assert str(office.user_ids["arsip.uji"]) not in options

    done = post_assign(kepala, filed, petugas, "Mohon diperiksa hari ini, rahasia internal")
    assert done.status_code == 303
    assert done.headers["location"] == f"/kantor/kasus/{filed.id}#disposisi"
    case = office.case(filed.id)
    assert case.assigned_to_user_id == petugas and case.assigned_at is not None
    assert case.row_version == 1  # an assignment does not make open action forms stale
    (event,) = [e for e in office.events(filed.id) if e.action == ASSIGNED_ACTION]
    assert event.actor_user_id == office.user_ids["kepala.uji"]
    assert event.to_state is None and event.comment_public is False
    assert event.comment == "Mohon diperiksa hari ini, rahasia internal"
    assert event.details == {
        "kind": "assign",
        "to_user_id": petugas,
        "from_user_id": None,
        "state": "diajukan",
    }

    # the case page and the officer's timeline show it
    page = parse(kepala.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#case-assignee").text().startswith("Petugas.Uji")
    entry = page.css_first('#timeline li[data-action="assigned"]')
    assert entry is not None and "kepada Petugas.Uji" in entry.text()

    # the inbox: the assignee column, and the "assigned to me" filter
    officer = office.login("petugas.uji")
    inbox = parse(officer.get("/kantor"))
    row = inbox.css_first(f'tr[data-case="{filed.id}"] td.assignee')
    assert row is not None and row.text() == "Petugas.Uji"
    mine = parse(officer.get("/kantor?saya=1"))
    assert [r.attributes["data-case"] for r in mine.css("#inbox tbody tr")] == [filed.id]
    assert other.id in officer.get("/kantor").text
    assert "Ditugaskan kepada saya" in inbox.html
    assert parse(kepala.get("/kantor?saya=1")).css_first("#inbox") is None

    # the citizen: neither the event nor its note
    citizen = office.client()
    status = citizen.get(f"/status/{filed.reference}/{filed.secret}")
    entries = [li.css_first("strong").text() for li in parse(status).css("ol.timeline li")]
    assert entries == ["Diajukan"]
    assert "rahasia internal" not in status.text and "Petugas.Uji" not in status.text
    api = citizen.get(
        f"/api/v1/status/{filed.reference}", headers={"X-Status-Secret": filed.secret}
    )
    assert api.status_code == 200
    assert len(api.json()["timeline"]) == 1
    assert "rahasia internal" not in api.text


@pytest.mark.postgres
def test_take_then_reassign_each_recorded(office: Office) -> None:
    filed = office.file_case()
    second = add_officer(office, "petugas.dua")
    officer = office.login("petugas.uji")
    taken = post_assign(officer, filed, office.user_ids["petugas.uji"])
    assert taken.status_code == 303
    page = parse(officer.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#take-form") is None  # already theirs
    kepala = office.login("kepala.uji")
    moved = post_assign(kepala, filed, second, "Petugas Uji cuti")
    assert moved.status_code == 303
    assert office.case(filed.id).assigned_to_user_id == second
    assert [
        (d["kind"], d["to_user_id"], d["from_user_id"]) for d in assigned_events(office, filed)
    ] == [
        ("take", office.user_ids["petugas.uji"], None),
        ("reassign", second, office.user_ids["petugas.uji"]),
    ]


@pytest.mark.postgres
def test_assignment_access_checks_and_bad_input(office: Office) -> None:
    filed = office.file_case()
    kepala = office.login("kepala.uji")
    token = csrf_of(parse(kepala.get(f"/kantor/kasus/{filed.id}")))
    url = f"/kantor/kasus/{filed.id}/tugaskan"
    petugas = str(office.user_ids["petugas.uji"])
    # no CSRF token
    assert kepala.post(url, data={"assignee": petugas}).status_code == 403
    # malformed
    for bad in (
        {"assignee": "abc"},
        {"assignee": ""},
        {"assignee": petugas, "current": "x"},
        {"assignee": petugas, "note": "x" * 2001},
    ):
        assert kepala.post(url, data={"csrf_token": token, **bad}).status_code == 400
    # an officer of another agency, or one whose role does not work on the case
    for username in ("petugas.dinsos", "arsip.uji"):
        refused = post_assign(kepala, filed, office.user_ids[username])
        assert refused.status_code == 422
        assert parse(refused).css_first("#assign-error") is not None
    # an unknown user id
    assert post_assign(kepala, filed, 999_999).status_code == 422
    # a case of another agency is not found; a role that does not work on it is forbidden
    dinsos = office.login("petugas.dinsos")
    dinsos_token = csrf_of(parse(dinsos.get("/kantor")))
    other = {"csrf_token": dinsos_token, "assignee": str(office.user_ids["petugas.dinsos"])}
    assert dinsos.post(url, data=other).status_code == 404
    archivist = office.login("arsip.uji")
    archivist_token = csrf_of(parse(archivist.get("/kantor")))
    mine = {"csrf_token": archivist_token, "assignee": str(office.user_ids["arsip.uji"])}
    assert archivist.post(url, data=mine).status_code == 403
    # a Dinsos case cannot be assigned by a Disdukcapil officer
    sktm = office.file_case("dinsos/surat-keterangan-tidak-mampu")
    data = {"csrf_token": token, "assignee": petugas}
    assert kepala.post(f"/kantor/kasus/{sktm.id}/tugaskan", data=data).status_code == 404
    assert assigned_events(office, filed) == [] and assigned_events(office, sktm) == []
    assert office.case(filed.id).assigned_to_user_id is None
    assert office.case(sktm.id).assigned_to_user_id is None


@pytest.mark.postgres
def test_a_stale_assignment_form_is_a_conflict(office: Office) -> None:
    filed = office.file_case()
    kepala = office.login("kepala.uji")
    officer = office.login("petugas.uji")
    page = parse(kepala.get(f"/kantor/kasus/{filed.id}"))  # unassigned when shown
    assert post_assign(officer, filed, office.user_ids["petugas.uji"]).status_code == 303
    data = {
        "csrf_token": csrf_of(page),
        "assignee": str(office.user_ids["kepala.uji"]),
        "current": "",
    }
    stale = kepala.post(f"/kantor/kasus/{filed.id}/tugaskan", data=data)
    assert stale.status_code == 409
    assert "baru saja berubah" in stale.text
    assert office.case(filed.id).assigned_to_user_id == office.user_ids["petugas.uji"]
    assert len(assigned_events(office, filed)) == 1


@pytest.mark.postgres
def test_an_assignment_ends_where_its_officer_cannot_act(office: Office) -> None:
    filed = office.file_case()
    kepala = office.login("kepala.uji")
    assert post_assign(kepala, filed, office.user_ids["kepala.uji"]).status_code == 303
    officer = office.login("petugas.uji")
    # kepala works on `diverifikasi` too: the assignment holds
    assert post_action(officer, office, filed, "verifikasi").status_code == 303
    assert office.case(filed.id).assigned_to_user_id == office.user_ids["kepala.uji"]
    # sent back to the citizen: no officer acts there, the assignment ends
    sent = post_action(kepala, office, filed, "minta_perbaikan", "Foto KTP buram")
    assert sent.status_code == 303
    case = office.case(filed.id)
    assert case.assigned_to_user_id is None and case.assigned_at is None
    page = parse(kepala.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#assign-form") is None and page.css_first("#take-form") is None
    assert page.css_first("#case-assignee").text() == "Belum ditugaskan"
