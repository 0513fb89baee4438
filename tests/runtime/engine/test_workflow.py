"""The workflow engine, without HTTP or a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.model import sources
from runtime.casework.workflow import (
    WITHDRAW,
    ActionRefused,
    Actor,
    CaseSnapshot,
    apply,
    available_actions,
    final_outcome,
)

EXAMPLES = sorted((Path(__file__).parents[3] / "schemas" / "examples").glob("*.json"))


def _load(name: str) -> dict:
    return json.loads((Path(__file__).parents[3] / "schemas" / "examples" / name).read_text())


@pytest.fixture
def domisili() -> dict:
    return _load("surat-keterangan-domisili.json")


def _first_staff_transition(definition: dict) -> dict:
    initial = definition["workflow"]["initial"]
    return next(
        t
        for t in definition["workflow"]["transitions"]
        if initial in sources(t) and "applicant" not in t["roles"]
    )


def test_officer_with_role_sees_action_and_applies_it(domisili: dict) -> None:
    transition = _first_staff_transition(domisili)
    actor = Actor.user(7, [transition["roles"][0]])
    case = CaseSnapshot(domisili["workflow"]["initial"])
    names = [a.name for a in available_actions(domisili, case, actor)]
    assert transition["action"] in names
    comment = "catatan" if transition.get("comment") == "required" else None
    outcome = apply(domisili, case, actor, transition["action"], comment)
    assert outcome.to_state == transition["to"]
    assert outcome.event["actor_user_id"] == 7
    assert outcome.event["from_state"] == case.state


def test_officer_without_role_gets_nothing(domisili: dict) -> None:
    case = CaseSnapshot(domisili["workflow"]["initial"])
    actor = Actor.user(7, ["bukan_peran"])
    assert available_actions(domisili, case, actor) == []
    with pytest.raises(ActionRefused) as refused:
        apply(domisili, case, actor, _first_staff_transition(domisili)["action"], "x")
    assert refused.value.code == "action-not-allowed"


def test_required_comment_is_enforced(domisili: dict) -> None:
    transition = next(
        t
        for t in domisili["workflow"]["transitions"]
        if t.get("comment") == "required" and "applicant" not in t["roles"]
    )
    state = sources(transition)[0]
    actor = Actor.user(3, transition["roles"])
    with pytest.raises(ActionRefused) as refused:
        apply(domisili, CaseSnapshot(state), actor, transition["action"], "   ")
    assert refused.value.code == "comment-required"


def test_never_on_own_case_and_distinct_actor() -> None:
    definition = {
        "workflow": {
            "initial": "a",
            "states": {
                "a": {"label": "A"},
                "b": {"label": "B"},
                "c": {"label": "C", "final": "approved"},
            },
            "transitions": [
                {"action": "periksa", "from": "a", "to": "b", "roles": ["petugas"]},
                {
                    "action": "setujui",
                    "from": "b",
                    "to": "c",
                    "roles": ["petugas"],
                    "distinct_actor": True,
                },
            ],
        }
    }
    officer = Actor.user(1, ["petugas"])
    assert available_actions(definition, CaseSnapshot("a", filed_by_user_id=1), officer) == []
    assert [a.name for a in available_actions(definition, CaseSnapshot("a"), officer)] == [
        "periksa"
    ]
    assert available_actions(definition, CaseSnapshot("b", last_decided_by=1), officer) == []
    other = Actor.user(2, ["petugas"])
    assert [
        a.name for a in available_actions(definition, CaseSnapshot("b", last_decided_by=1), other)
    ] == ["setujui"]


def test_guard_uses_answers() -> None:
    definition = {
        "workflow": {
            "initial": "a",
            "states": {"a": {"label": "A"}, "c": {"label": "C", "final": "approved"}},
            "transitions": [
                {
                    "action": "cepat",
                    "from": "a",
                    "to": "c",
                    "roles": ["p"],
                    "guard": {"field": "dtks", "equals": True},
                }
            ],
        }
    }
    actor = Actor.user(1, ["p"])
    assert available_actions(definition, CaseSnapshot("a", {"dtks": False}), actor) == []
    assert len(available_actions(definition, CaseSnapshot("a", {"dtks": True}), actor)) == 1


def test_applicant_may_withdraw_until_final(domisili: dict) -> None:
    case = CaseSnapshot(domisili["workflow"]["initial"])
    outcome = apply(domisili, case, Actor.applicant(), WITHDRAW)
    assert final_outcome(domisili, outcome.to_state) == "withdrawn"
    closed = CaseSnapshot(outcome.to_state)
    assert available_actions(domisili, closed, Actor.applicant()) == []
    with pytest.raises(ActionRefused) as refused:
        apply(domisili, closed, Actor.applicant(), WITHDRAW)
    assert refused.value.code == "case-closed"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_actions_stay_inside_the_definition(path: Path, data: st.DataObject) -> None:
    """Random actors taking random actions never leave the definition's states or skip a role check."""
    definition = json.loads(path.read_text())
    states = set(definition["workflow"]["states"])
    roles = sorted(definition["roles"])
    case = CaseSnapshot(definition["workflow"]["initial"])
    for _ in range(data.draw(st.integers(1, 15))):
        if data.draw(st.booleans()):
            actor = Actor.applicant()
        else:
            actor = Actor.user(
                data.draw(st.integers(1, 3)), data.draw(st.sets(st.sampled_from(roles)))
            )
        action = data.draw(
            st.sampled_from(
                [t["action"] for t in definition["workflow"]["transitions"]] + [WITHDRAW]
            )
        )
        allowed = {a.name: a for a in available_actions(definition, case, actor)}
        try:
            outcome = apply(definition, case, actor, action, "alasan")
        except ActionRefused:
            assert action not in allowed
            continue
        assert action in allowed
        role = allowed[action].role
        assert role == "applicant" if actor.kind == "applicant" else role in actor.roles
        assert (
            outcome.to_state in states or final_outcome(definition, outcome.to_state) == "withdrawn"
        )
        last = actor.user_id if actor.kind == "user" else case.last_decided_by
        case = CaseSnapshot(outcome.to_state, last_decided_by=last)
        if outcome.final:
            assert available_actions(definition, case, Actor.applicant()) == []
            assert available_actions(definition, case, Actor.user(9, roles)) == []


def test_an_applicant_action_that_stays_keeps_the_case_where_it_is() -> None:
    """The family card's old card is sent while the case waits: offered to the applicant only
    until it is sent (its guard), never to an officer; the case stays and its clock runs on."""
    definition = _load("perubahan-kartu-keluarga.json")
    waiting = CaseSnapshot(state="verifikasi", answers={"nama": "Budi"})
    mine = [a.name for a in available_actions(definition, waiting, Actor.applicant())]
    assert mine == ["kirim_kk_lama", WITHDRAW]
    staff = available_actions(definition, waiting, Actor.user(1, ["petugas", "kepala"]))
    assert "kirim_kk_lama" not in [a.name for a in staff]
    outcome = apply(definition, waiting, Actor.applicant(), "kirim_kk_lama")
    assert (outcome.from_state, outcome.to_state, outcome.moves) == (
        "verifikasi",
        "verifikasi",
        False,
    )
    assert outcome.event["actor_kind"] == "applicant" and outcome.final is None
    sent = CaseSnapshot(state="verifikasi", answers={"kk_lama": {"id": "x", "name": "kk.pdf"}})
    assert [a.name for a in available_actions(definition, sent, Actor.applicant())] == [WITHDRAW]
    with pytest.raises(ActionRefused):
        apply(
            definition,
            CaseSnapshot(state="menunggu_tanda_tangan"),
            Actor.applicant(),
            "kirim_kk_lama",
        )
