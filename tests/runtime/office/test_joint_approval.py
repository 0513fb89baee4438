"""Joint approval through the case page: domisili's `setujui` needs the head of division
(`kepala`) and the secretary (`sekretaris`); each approval is recorded, the case stays in
`diverifikasi` until both approved, and the citizen sees only the decision."""

from __future__ import annotations

import copy

import pytest

from builder.canonical import digest
from runtime import auth, store
from runtime.models import User
from tests.runtime.office.conftest import DOMISILI, Office, parse, password_hash, post_action


def with_joint_approval(office: Office, required: object = "all") -> None:
    definition = copy.deepcopy(office.definitions[DOMISILI])
    definition["roles"]["sekretaris"] = {"id": "Sekretaris Dinas", "en": "Agency Secretary"}
    move = next(m for m in definition["workflow"]["transitions"] if m["action"] == "setujui")
    move["roles"] = ["kepala", "sekretaris"]
    move["approvals"] = {"required": required}
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        user = User(
            username="sekretaris.uji", display_name="Sekretaris Uji", password_hash=password_hash()
        )
        session.add(user)
        session.flush()
        auth.grant(session, user=user, agency_id="disdukcapil", role="sekretaris")
        assert user.id is not None
        office.user_ids["sekretaris.uji"] = user.id
        session.commit()
    office.definitions[DOMISILI] = definition


@pytest.mark.postgres
def test_the_case_moves_once_every_role_approved(office: Office) -> None:
    with_joint_approval(office)
    filed = office.file_case()
    officer = office.login("petugas.uji")
    assert post_action(officer, office, filed, "verifikasi").status_code == 303
    due = office.case(filed.id).due_at

    kepala = office.login("kepala.uji")
    page = parse(kepala.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#action-setujui .tag.approvals").text() == "0 dari 2 persetujuan"
    first = post_action(kepala, office, filed, "setujui", "Setuju")
    assert first.status_code == 303
    case = office.case(filed.id)
    assert case.state == "diverifikasi" and case.final_outcome is None
    assert case.due_at == due  # the clock of the state runs on
    approvals = [e for e in office.events(filed.id) if e.action == "setujui"]
    assert [(e.to_state, (e.details or {}).get("approval")) for e in approvals] == [
        (None, {"role": "kepala", "given": 1, "required": 2, "transition": 4})
    ]
    page = parse(kepala.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#action-setujui") is None  # kepala approved already
    facts = page.css_first('dd.approvals[data-action="setujui"]').text()
    assert "1 dari 2 persetujuan" in facts and "Kepala.Uji" in facts
    assert "persetujuan 1 dari 2" in page.css_first("#timeline").text()
    again = post_action(kepala, office, filed, "setujui")
    assert again.status_code == 422
    assert len([e for e in office.events(filed.id) if e.action == "setujui"]) == 1

    citizen = office.client()
    status = parse(citizen.get(f"/status/{filed.reference}/{filed.secret}"))
    entries = [li.css_first("strong").text() for li in status.css("ol.timeline li")]
    assert entries == ["Diajukan", "Menunggu tanda tangan"]

    secretary = office.login("sekretaris.uji")
    page = parse(secretary.get(f"/kantor/kasus/{filed.id}"))
    assert page.css_first("#action-setujui .tag.approvals").text() == "1 dari 2 persetujuan"
    done = post_action(secretary, office, filed, "setujui")
    assert done.status_code == 303
    case = office.case(filed.id)
    assert case.state == "selesai" and case.final_outcome == "approved"
    last = [e for e in office.events(filed.id) if e.action == "setujui"][-1]
    assert last.to_state == "selesai"
    assert (last.details or {})["approval"]["role"] == "sekretaris"
    status = parse(citizen.get(f"/status/{filed.reference}/{filed.secret}"))
    entries = [li.css_first("strong").text() for li in status.css("ol.timeline li")]
    assert len(entries) == 3


@pytest.mark.postgres
def test_one_of_two_is_enough_when_required_is_one(office: Office) -> None:
    with_joint_approval(office, 1)
    filed = office.file_case()
    officer = office.login("petugas.uji")
    assert post_action(officer, office, filed, "verifikasi").status_code == 303
    secretary = office.login("sekretaris.uji")
    assert post_action(secretary, office, filed, "setujui").status_code == 303
    assert office.case(filed.id).state == "selesai"


@pytest.mark.postgres
def test_two_approvals_at_once_one_waits(office: Office) -> None:
    with_joint_approval(office)
    filed = office.file_case()
    officer = office.login("petugas.uji")
    assert post_action(officer, office, filed, "verifikasi").status_code == 303
    shown = office.case(filed.id).row_version  # both approvers opened the case now
    kepala, secretary = office.login("kepala.uji"), office.login("sekretaris.uji")
    assert post_action(kepala, office, filed, "setujui", version=shown).status_code == 303
    late = post_action(secretary, office, filed, "setujui", version=shown)
    assert late.status_code == 409  # the form was stale: nothing of it is written
    assert len([e for e in office.events(filed.id) if e.action == "setujui"]) == 1
    assert office.case(filed.id).state == "diverifikasi"
    assert post_action(secretary, office, filed, "setujui").status_code == 303
    assert office.case(filed.id).state == "selesai"
