"""Draft → review → publish → retire, version pinning of cases and removed-state mapping."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from builder.compiler import compiled
from runtime import lifecycle, store
from runtime.auth import StaffUser
from runtime.casework.workflow import Actor, CaseSnapshot, apply
from runtime.models import CaseEvent, Service, ServiceEvent, ServiceVersion, Submission, User

ROOT = Path(__file__).resolve().parents[3]
DOMISILI = json.loads(
    (ROOT / "schemas" / "examples" / "surat-keterangan-domisili.json").read_text()
)
AGENCY = DOMISILI["agency"]


def _user(
    uid: int, *, roles: dict[str, set[str]] | None = None, global_roles: set[str] | None = None
) -> StaffUser:
    return StaffUser(
        uid,
        f"u{uid}",
        f"U{uid}",
        frozenset(global_roles or set()),
        {a: frozenset(r) for a, r in (roles or {}).items()},
        "s",
    )


DESIGNER = _user(1, roles={AGENCY: {"designer"}})
OTHER_DESIGNER = _user(2, roles={"dinsos": {"designer"}})
REVIEWER = _user(3, global_roles={"reviewer"})


@pytest.fixture(autouse=True)
def _staff_rows(engine: Engine) -> None:
    """The staff users the tests act as exist in the database (events refer to them)."""
    with Session(engine) as session:
        for uid in (1, 2, 3):
            session.add(User(id=uid, username=f"u{uid}", display_name=f"U{uid}", password_hash="x"))
        session.commit()


def _publish_v1(session: Session) -> tuple[Service, ServiceVersion]:
    service, draft = lifecycle.create_service(
        session, user=DESIGNER, agency_id=AGENCY, definition=DOMISILI
    )
    lifecycle.submit_for_review(session, user=DESIGNER, version=draft)
    version = lifecycle.publish(session, user=REVIEWER, version=draft, data_dir=None)
    session.commit()
    return service, version


def _approval_path(definition: dict) -> list[dict]:
    """Staff transitions leading from the initial state to an approved final state (BFS)."""
    workflow = definition["workflow"]
    queue: list[tuple[str, list[dict]]] = [(workflow["initial"], [])]
    seen = {workflow["initial"]}
    while queue:
        state, path = queue.pop(0)
        if workflow["states"][state].get("final") == "approved":
            return path
        for transition in workflow["transitions"]:
            origin = (
                [transition["from"]] if isinstance(transition["from"], str) else transition["from"]
            )
            if (
                state in origin
                and "applicant" not in transition["roles"]
                and transition["to"] not in seen
                and "guard" not in transition
            ):
                seen.add(transition["to"])
                queue.append((transition["to"], [*path, transition]))
    raise AssertionError("no approval path")


def _file_case(session: Session, version: ServiceVersion, state: str | None = None) -> Submission:
    assert version.id is not None
    draft = store.create_draft(session, service_version_id=version.id, ttl=dt.timedelta(hours=1))
    initial = state or version.definition["workflow"]["initial"]
    case, _ = store.submit_draft(
        session, draft_id=draft.id, answers={}, initial_state=initial, due_at=None
    )
    session.commit()
    return case


def test_full_lifecycle_and_statuses(engine: Engine) -> None:
    with Session(engine) as session:
        service, draft = lifecycle.create_service(
            session, user=DESIGNER, agency_id=AGENCY, definition=DOMISILI
        )
        assert lifecycle.status(session, service) == "draft"
        lifecycle.submit_for_review(session, user=DESIGNER, version=draft)
        assert lifecycle.status(session, service) == "in_review"
        with pytest.raises(lifecycle.LifecycleError) as frozen:
            lifecycle.save_draft(
                session,
                user=DESIGNER,
                version=draft,
                definition=DOMISILI,
                expected_row_version=draft.row_version,
            )
        assert frozen.value.code == "frozen"
        lifecycle.request_changes(
            session, user=REVIEWER, version=draft, comments=[("/title", "Perjelas judul")]
        )
        assert lifecycle.status(session, service) == "changes_requested"
        note = session.exec(
            select(ServiceEvent).where(ServiceEvent.action == "changes_requested")
        ).one()
        assert (note.pointer, note.comment) == ("/title", "Perjelas judul")
        changed = copy.deepcopy(DOMISILI)
        changed["title"] = {
            "id": "Surat Keterangan Domisili (baru)",
            "en": "Certificate of Domicile",
        }
        lifecycle.save_draft(
            session,
            user=DESIGNER,
            version=draft,
            definition=changed,
            expected_row_version=draft.row_version,
        )
        lifecycle.submit_for_review(session, user=DESIGNER, version=draft)
        published = lifecycle.publish(session, user=REVIEWER, version=draft, data_dir=None)
        assert lifecycle.status(session, service) == "published"
        assert published.published_by == REVIEWER.id and published.published_at is not None
        lifecycle.start_draft(session, user=DESIGNER, service=service)
        assert lifecycle.status(session, service) == "published_with_draft"
        lifecycle.retire(session, user=REVIEWER, service=service)
        assert lifecycle.status(session, service) == "retired"


def test_permissions(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(lifecycle.LifecycleError) as wrong_agency:
            lifecycle.create_service(
                session, user=OTHER_DESIGNER, agency_id=AGENCY, definition=DOMISILI
            )
        assert wrong_agency.value.code == "not-designer"
        _service, draft = lifecycle.create_service(
            session, user=DESIGNER, agency_id=AGENCY, definition=DOMISILI
        )
        lifecycle.submit_for_review(session, user=DESIGNER, version=draft)
        with pytest.raises(lifecycle.LifecycleError) as designer_publishes:
            lifecycle.publish(session, user=DESIGNER, version=draft, data_dir=None)
        assert designer_publishes.value.code == "not-reviewer"


def test_edit_conflict_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        _, draft = lifecycle.create_service(
            session, user=DESIGNER, agency_id=AGENCY, definition=DOMISILI
        )
        seen = draft.row_version
        lifecycle.save_draft(
            session, user=DESIGNER, version=draft, definition=DOMISILI, expected_row_version=seen
        )
        with pytest.raises(lifecycle.LifecycleError) as conflict:
            lifecycle.save_draft(
                session,
                user=DESIGNER,
                version=draft,
                definition=DOMISILI,
                expected_row_version=seen,
            )
        assert conflict.value.code == "edit-conflict"


def test_draft_with_errors_cannot_be_submitted(engine: Engine) -> None:
    broken = copy.deepcopy(DOMISILI)
    broken["workflow"]["initial"] = "tidak_ada"
    with Session(engine) as session:
        _, draft = lifecycle.create_service(
            session, user=DESIGNER, agency_id=AGENCY, definition=broken
        )
        with pytest.raises(lifecycle.LifecycleError) as refused:
            lifecycle.submit_for_review(session, user=DESIGNER, version=draft)
        assert refused.value.code == "has-errors"
        assert any(p.code == "unknown-initial-state" for p in refused.value.problems)


def test_case_filed_under_v1_completes_under_v1(engine: Engine) -> None:
    with Session(engine) as session:
        service, v1 = _publish_v1(session)
        case = _file_case(session, v1)
        v2_body = copy.deepcopy(DOMISILI)
        v2_body["form"]["pages"][0]["fields"].append(
            {"key": "catatan_baru", "type": "text", "label": "Catatan baru"}
        )
        v2 = lifecycle.publish_definition(session, definition=v2_body, data_dir=None)
        session.commit()
        assert v2.number == 2 and service.current_version_id == v2.id
        session.refresh(case)
        assert case.service_version_id == v1.id
        # the case keeps working under v1's workflow to the end
        definition = session.get(ServiceVersion, case.service_version_id).definition
        state = CaseSnapshot(case.state)
        for step, transition in enumerate(_approval_path(definition)):
            actor = Actor.user(100 + step, [r for r in transition["roles"] if r != "applicant"])
            outcome = apply(definition, state, actor, transition["action"], "ok")
            state = CaseSnapshot(outcome.to_state, last_decided_by=100 + step)
        assert definition["workflow"]["states"][state.state].get("final") == "approved"
        assert "catatan_baru" not in compiled(definition).fields


def test_removed_state_with_cases_needs_a_mapping(engine: Engine) -> None:
    with Session(engine) as session:
        service, v1 = _publish_v1(session)
        states = v1.definition["workflow"]["states"]
        removable = next(n for n, s in states.items() if s.get("applicant_edits"))
        case = _file_case(session, v1, state=removable)
        v2_body = copy.deepcopy(DOMISILI)
        del v2_body["workflow"]["states"][removable]
        v2_body["workflow"]["transitions"] = [
            t
            for t in v2_body["workflow"]["transitions"]
            if t["to"] != removable
            and removable not in ([t["from"]] if isinstance(t["from"], str) else t["from"])
        ]
        with pytest.raises(lifecycle.LifecycleError) as refused:
            lifecycle.publish_definition(session, definition=v2_body, data_dir=None)
        assert refused.value.code == "cases-in-removed-states"
        assert refused.value.details["waiting"] == {removable: 1}
        session.rollback()
        initial = v2_body["workflow"]["initial"]
        v2 = lifecycle.publish_definition(
            session, definition=v2_body, data_dir=None, state_mapping={removable: initial}
        )
        session.commit()
        session.refresh(case)
        assert (case.state, case.service_version_id) == (initial, v2.id)
        mapped = session.exec(
            select(CaseEvent).where(
                CaseEvent.submission_id == case.id, CaseEvent.action == "state_mapped"
            )
        ).one()
        assert (mapped.from_state, mapped.to_state) == (removable, initial)
        assert service.current_version_id == v2.id


def test_publish_writes_the_bundle(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        version = lifecycle.publish_definition(session, definition=DOMISILI, data_dir=tmp_path)
        session.commit()
        folder = tmp_path / "bundles" / AGENCY / DOMISILI["id"] / f"v{version.number}"
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["sha256"] == version.sha256
        again = lifecycle.publish_definition(session, definition=DOMISILI, data_dir=tmp_path)
        assert again.id == version.id
