"""Publishing takes two people, and a publication is pinned to the content the reviewer saw."""

from __future__ import annotations

import copy

from sqlmodel import Session

from runtime import auth, lifecycle
from runtime.models import Service, ServiceVersion
from tests.runtime.review.conftest import (
    AGENCY,
    PASSWORD,
    V1,
    Loket,
    _staff_user,
    csrf_of,
    parse,
)


def _reviewer_who_designs(loket: Loket) -> None:
    """An account with the global reviewer role that is also a designer of AGENCY."""
    with Session(loket.engine, expire_on_commit=False) as session:
        user = auth.create_user(
            session,
            username="peninjau-perancang",
            display_name="Pipit Peninjau",
            password=PASSWORD,
            global_roles=("reviewer",),
        )
        auth.grant(session, user=user, agency_id=AGENCY, role="designer")
        session.commit()
        loket.staff[user.username] = _staff_user(user, {AGENCY: {"designer"}})


def _publish_form(client: object, version_id: int) -> dict[str, str]:
    page = client.get(f"/tinjau/{version_id}").text  # type: ignore[attr-defined]
    form = parse(page).css_first("#form-terbitkan")
    assert form is not None
    hidden = {
        str(i.attributes["name"]): str(i.attributes["value"])
        for i in form.css("input[type=hidden]")
    }
    return {**hidden, "confirm": "1"}


def test_a_reviewer_may_not_publish_a_version_they_submitted(loket: Loket) -> None:
    _reviewer_who_designs(loket)
    me = loket.staff["peninjau-perancang"]
    with loket.session() as session:
        _, draft = lifecycle.create_service(session, user=me, agency_id=AGENCY, definition=V1)
        lifecycle.submit_for_review(session, user=me, version=draft)
        session.commit()
        version_id = draft.id
    assert version_id is not None

    client = loket.login("peninjau-perancang")
    page = parse(client.get(f"/tinjau/{version_id}").text)
    assert page.css_first("#own-version") is not None
    assert "disabled" in (page.css_first("#form-terbitkan button").attributes or {})

    refused = client.post(f"/tinjau/{version_id}/terbitkan", data=_publish_form(client, version_id))
    assert refused.status_code == 422
    assert "peninjau lain harus menerbitkannya" in refused.text
    assert loket.version(version_id).state == "in_review"

    # another reviewer publishes it
    other = loket.login("reviewer")
    done = other.post(f"/tinjau/{version_id}/terbitkan", data=_publish_form(other, version_id))
    assert done.status_code == 303
    assert loket.version(version_id).state == "published"


def test_a_reviewer_who_only_edited_may_not_publish(loket: Loket) -> None:
    _reviewer_who_designs(loket)
    service_id, _ = loket.publish_v1()
    designer, editor = loket.staff["designer"], loket.staff["peninjau-perancang"]
    with loket.session() as session:
        service = session.get(Service, service_id)
        assert service is not None
        draft = lifecycle.start_draft(session, user=designer, service=service)
        changed = copy.deepcopy(V1)
        changed["summary"] = "Ringkasan yang diubah oleh peninjau."
        lifecycle.save_draft(
            session,
            user=editor,
            version=draft,
            definition=changed,
            expected_row_version=draft.row_version,
        )
        lifecycle.submit_for_review(session, user=designer, version=draft)
        session.commit()
        version = session.get(ServiceVersion, draft.id)
        assert version is not None
        with_editor = lifecycle.editors_of(session, version)
    assert with_editor == {designer.id, editor.id}
    with loket.session() as session:
        version = session.get(ServiceVersion, draft.id)
        assert version is not None
        try:
            lifecycle.publish(session, user=editor, version=version, data_dir=None)
        except lifecycle.LifecycleError as exc:
            assert exc.code == "own-version"
        else:
            raise AssertionError("an editor published their own version")


def test_publish_is_pinned_to_the_content_seen(loket: Loket) -> None:
    service_id, version_id = loket.create_service()
    reviewer = loket.login("reviewer")
    seen = _publish_form(reviewer, version_id)  # the reviewer's open tab
    assert seen["sha256"] == loket.version(version_id).sha256

    # meanwhile: changes requested (another tab), the designer edits and submits again
    designer = loket.staff["designer"]
    with loket.session() as session:
        version = session.get(ServiceVersion, version_id)
        assert version is not None
        lifecycle.request_changes(
            session, user=loket.staff["reviewer"], version=version, comments=[(None, "Ubah.")]
        )
        changed = copy.deepcopy(V1)
        changed["title"] = {"id": "Surat Uji Diganti", "en": "Changed test letter"}
        lifecycle.save_draft(
            session,
            user=designer,
            version=version,
            definition=changed,
            expected_row_version=version.row_version,
        )
        lifecycle.submit_for_review(session, user=designer, version=version)
        session.commit()
    assert loket.version(version_id).sha256 != seen["sha256"]

    stale = reviewer.post(f"/tinjau/{version_id}/terbitkan", data=seen)
    assert stale.status_code == 422
    assert loket.version(version_id).state == "in_review"
    since = parse(stale.text).css_first("#changes-since")
    assert since is not None and "Surat Uji Diganti" in since.text()

    # the refusal page carries the new hash: publishing from it succeeds
    fresh = _publish_form(reviewer, version_id)
    assert fresh["sha256"] == loket.version(version_id).sha256
    assert reviewer.post(f"/tinjau/{version_id}/terbitkan", data=fresh).status_code == 303
    assert loket.service(service_id).current_version_id == version_id


def test_publish_without_a_content_hash_is_refused(loket: Loket) -> None:
    _, version_id = loket.create_service()
    reviewer = loket.login("reviewer")
    token = csrf_of(reviewer.get(f"/tinjau/{version_id}").text)
    response = reviewer.post(f"/tinjau/{version_id}/terbitkan", data={"csrf_token": token})
    assert response.status_code == 422
    assert loket.version(version_id).state == "in_review"


def test_a_second_round_shows_what_changed_since_the_first(loket: Loket) -> None:
    _, version_id = loket.create_service()
    reviewer = loket.login("reviewer")
    first = parse(reviewer.get(f"/tinjau/{version_id}").text)
    assert first.css_first("#sejak-putaran") is None  # one round: nothing to compare
    designer = loket.staff["designer"]
    with loket.session() as session:
        version = session.get(ServiceVersion, version_id)
        assert version is not None
        lifecycle.request_changes(
            session, user=loket.staff["reviewer"], version=version, comments=[(None, "Ubah.")]
        )
        changed = copy.deepcopy(V1)
        changed["form"]["pages"][0]["fields"][1]["required"] = True
        lifecycle.save_draft(
            session,
            user=designer,
            version=version,
            definition=changed,
            expected_row_version=version.row_version,
        )
        lifecycle.submit_for_review(session, user=designer, version=version)
        session.commit()

    second = parse(reviewer.get(f"/tinjau/{version_id}").text)
    section = second.css_first("#sejak-putaran")
    assert section is not None
    assert "putaran tinjauan 1" in section.css_first("h2").text()
    items = [li.text() for li in section.css("li.change")]
    assert len(items) == 1 and "Alamat" in items[0]
