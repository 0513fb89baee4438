"""The studio's forms for the flow: a state's time limit in its unit, a transition's joint
approval, exit pages of a page and of the form, and conditions that look into a group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builder import edit_flow
from runtime.studio import flow as sf
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse

DEFINITIONS = sorted((Path(__file__).resolve().parents[3] / "schemas" / "examples").glob("*.json"))
SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"
STATE = "#s-workflow-states-diajukan"
SETUJUI = "#s-workflow-transitions-4"  # setujui: kepala, from diverifikasi


def _text(node: Any) -> str:
    return node.text(deep=True) if node is not None else ""


def _value(designer: Designer, selector: str) -> str:
    node = designer.doc.css_first(selector)
    assert node is not None, selector
    if node.tag == "select":
        chosen = [o for o in node.css("option") if "selected" in o.attributes]
        return attr(chosen[0], "value") if chosen else ""
    if node.tag == "textarea":
        return _text(node)
    return attr(node, "value")


def _codes(designer: Designer, scope: str) -> list[str]:
    return [_text(c) for c in designer.doc.css(f"{scope} .problems code:not(.ptr)")]


# -- time limits ---------------------------------------------------------------------------------


def test_a_states_time_limit_in_hours_and_back_in_working_days(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    assert _value(designer, f"[form='{STATE[1:]}-form'][name=sla_amount]") == "1"
    assert _value(designer, f"[form='{STATE[1:]}-form'][name=sla_unit]") == "working_days"
    designer.submit_ok(f"{STATE}-form", {"sla_unit": "hours", "sla_amount": "24"})
    state = studio.draft().definition["workflow"]["states"]["diajukan"]
    assert state["sla"] == {"hours": 24} and "sla_days" not in state
    assert state["label"] == DOMISILI["workflow"]["states"]["diajukan"]["label"]
    assert _value(designer, f"[form='{STATE[1:]}-form'][name=sla_unit]") == "hours"
    designer.submit_ok(f"{STATE}-form", {"sla_unit": "working_days", "sla_amount": "3"})
    state = studio.draft().definition["workflow"]["states"]["diajukan"]
    assert state["sla_days"] == 3 and "sla" not in state


def test_a_time_limit_out_of_range_is_shown_beside_the_state_with_its_value(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.submit_ok(f"{STATE}-form", {"sla_unit": "hours", "sla_amount": "9000"})
    assert studio.draft().definition["workflow"]["states"]["diajukan"]["sla"] == {"hours": 9000}
    assert _codes(designer, STATE), "the problem is listed in the state's row"
    assert _value(designer, f"[form='{STATE[1:]}-form'][name=sla_amount]") == "9000"


def test_a_time_limit_that_is_no_number_is_refused_and_kept_in_the_row(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    before = studio.draft()
    response = designer.submit(f"{STATE}-form", {"sla_unit": "hours", "sla_amount": "dua"})
    assert response.status_code == 422
    assert "bukan bilangan bulat" in _text(parse(response).css_first("#error-summary"))
    assert _value(designer, f"[form='{STATE[1:]}-form'][name=sla_amount]") == "dua"
    assert _value(designer, f"[form='{STATE[1:]}-form'][name=sla_unit]") == "hours"
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


# -- joint approval ------------------------------------------------------------------------------


def test_a_joint_approval_through_the_transition_row(designer: Designer, studio: Studio) -> None:
    designer.open()
    form = f"{SETUJUI}-form"
    assert _value(designer, f"[form='{form[1:]}'][name=approvals_mode]") == ""
    designer.submit_ok(form, {"roles": ["petugas", "kepala"], "approvals_mode": "all"})
    move = studio.draft().definition["workflow"]["transitions"][4]
    assert move["approvals"] == {"required": "all"} and move["roles"] == ["petugas", "kepala"]
    assert _value(designer, f"[form='{form[1:]}'][name=approvals_mode]") == "all"
    designer.submit_ok(form, {"approvals_mode": "count", "approvals_count": "3"})
    move = studio.draft().definition["workflow"]["transitions"][4]
    assert move["approvals"] == {"required": 3}
    assert "approvals-too-many" in _codes(designer, SETUJUI)
    assert _value(designer, f"[form='{form[1:]}'][name=approvals_count]") == "3"
    designer.submit_ok(form, {"approvals_mode": "", "approvals_count": "3"})
    assert "approvals" not in studio.draft().definition["workflow"]["transitions"][4]


def test_a_count_without_its_number_is_refused_with_the_choice_kept(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    before = studio.draft()
    form = f"{SETUJUI}-form"
    response = designer.submit(form, {"approvals_mode": "count", "approvals_count": ""})
    assert response.status_code == 422
    assert "berapa peran" in _text(parse(response).css_first("#error-summary"))
    assert _value(designer, f"[form='{form[1:]}'][name=approvals_mode]") == "count"
    assert studio.draft().row_version == before.row_version


def test_a_new_transition_with_a_joint_approval(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(
        "#s-newtransition-form",
        {
            "action": "setujui_bersama",
            "from": "diverifikasi",
            "to": "selesai",
            "roles": ["petugas", "kepala"],
            "approvals_mode": "count",
            "approvals_count": "2",
        },
    )
    move = studio.draft().definition["workflow"]["transitions"][-1]
    assert move["action"] == "setujui_bersama" and move["approvals"] == {"required": 2}


# -- exits ---------------------------------------------------------------------------------------


def _condition_form(designer: Designer, scope: str) -> Any:
    return designer.form("condition", scope)


def test_an_exit_on_a_page_from_adding_to_its_condition(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(
        designer.form("exit_add", "#s-form-pages-1"),
        {"title": "Bukan <b>warga</b>", "text": "Ajukan di kecamatan."},
    )
    exits = studio.draft().definition["form"]["pages"][1]["exits"]
    assert exits == [
        {"id": "bukan_b_warga_b", "title": "Bukan <b>warga</b>", "text": "Ajukan di kecamatan."}
    ]
    item = "#s-form-pages-1-exits-0"
    node = designer.doc.css_first(item)
    assert node is not None and "open" in attr(node, "class")
    assert "<b>" in _text(node.css_first("strong")) and node.css_first("strong b") is None
    assert _codes(designer, item), "the missing condition is shown beside the exit"
    # the condition: choose the question, then its test and value (no JavaScript)
    pending = designer.submit(_condition_form(designer, item), {"cf": "kecamatan"})
    assert pending.status_code == 200
    designer.submit_ok(_condition_form(designer, item), {"co": "equals", "cv": "kedaton"})
    spec = studio.draft().definition["form"]["pages"][1]["exits"][0]
    assert spec["when"] == {"field": "kecamatan", "equals": "kedaton"}
    assert _codes(designer, item) == []
    assert "berhenti bila" in _text(designer.doc.css_first(f"{item} .caption"))


def test_an_exits_texts_link_and_removal(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(designer.form("exit_add", "#s-form-pages-0"), {"title": "Luar", "text": "x"})
    item = "#s-form-pages-0-exits-0"
    values = {
        "title.en": "Outside",
        "text.en": "Go elsewhere",
        "link.url": "http://contoh.go.id",
        "link.label.id": "Ke sana",
    }
    designer.submit_ok(designer.form("exit", item), values)
    spec = studio.draft().definition["form"]["pages"][0]["exits"][0]
    assert spec["title"] == {"id": "Luar", "en": "Outside"}
    assert spec["link"] == {"url": "http://contoh.go.id", "label": "Ke sana"}
    # an address the language refuses: saved, shown beside the exit, kept in its input
    assert "bad-pattern-value" in _codes(designer, item)
    assert _value(designer, f"{item} input[name='link.url']") == "http://contoh.go.id"
    # an id that cannot be written: refused, the form keeps what was typed
    before = studio.draft()
    refused = designer.submit(designer.form("exit", item), {"id": "Bukan Id", "title.id": "Baru"})
    assert refused.status_code == 422
    assert _value(designer, f"{item} input[name='id']") == "Bukan Id"
    assert _value(designer, f"{item} input[name='title.id']") == "Baru"
    assert studio.draft().row_version == before.row_version
    designer.open(open="/form/pages/0/exits/0")
    designer.submit_ok(designer.form("exit_remove", item))
    assert "exits" not in studio.draft().definition["form"]["pages"][0]


def test_an_exit_of_the_form_reads_any_page(designer: Designer, studio: Studio) -> None:
    designer.open()
    designer.submit_ok(designer.form("exit_add", "#s-form"), {"title": "Umum", "text": "y"})
    assert studio.draft().definition["form"]["exits"][0]["id"] == "umum"
    item = "#s-form-exits-0"
    offered = [attr(o, "value") for o in designer.doc.css(f"{item} select[name=cf] option")]
    assert {"nama", "kecamatan", "berkas_ktp"} <= set(offered)


def test_another_agencys_designer_cannot_edit_the_flow(designer: Designer, studio: Studio) -> None:
    designer.open()
    before = studio.draft()
    stranger = studio.login("perancang.dinsos")
    stranger.get("/studio")
    token = attr(stranger.doc.css_first("input[name=csrf_token]"), "value")
    post = {"csrf_token": token, "row_version": str(before.row_version)}
    for data in (
        {"op": "exit_add", "at": "/form", "title": "x", "text": "y"},
        {"op": "state", "at": "diajukan", "sla_unit": "hours", "sla_amount": "2"},
        {"op": "transition", "at": "4", "approvals_mode": "all"},
    ):
        assert stranger.client.post(f"{EDITOR}/ubah", data={**post, **data}).status_code == 404
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_flow_posts_need_the_csrf_token(designer: Designer, studio: Studio) -> None:
    designer.open()
    before = studio.draft().row_version
    data = {"op": "exit_add", "at": "/form", "title": "x", "row_version": str(before)}
    assert designer.client.post(f"{EDITOR}/ubah", data=data).status_code == 403
    assert studio.draft().row_version == before


# -- conditions on a group's items ---------------------------------------------------------------

BENCANA = "bencana-uji"


def _bencana(designer: Designer) -> None:
    designer.get("/studio/baru")
    made = designer.post(
        "/studio/baru",
        {"agency": AGENCY, "service_id": BENCANA, "title": "", "source": "example"}
        | {"example": "bantuan-korban-bencana"},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert made.status_code == 303


def test_a_group_condition_chosen_step_by_step(designer: Designer, studio: Studio) -> None:
    _bencana(designer)
    designer.open(BENCANA, open="/form/pages/2")
    scope = "#s-form-pages-2"
    # the example's condition has an `any` inside: shown as text, replaceable here
    assert designer.doc.css_first(f"{scope} .cond .hint code") is not None
    offered = [attr(o, "value") for o in designer.doc.css(f"{scope} select[name=cf] option")]
    assert "group:anggota" in offered
    # 1. the group: its quantifier and its own fields are offered next
    pending = designer.submit(designer.form("condition", scope), {"cf": "group:anggota"})
    assert pending.status_code == 200
    inner = [attr(o, "value") for o in designer.doc.css(f"{scope} select[name=cgf] option")]
    assert inner == ["nama_anggota", "tanggal_lahir_anggota", "disabilitas"]
    # 2. another field of the group: its tests are offered (not saved yet)
    again = designer.submit(
        designer.form("condition", scope), {"cq": "every", "cgf": "disabilitas"}
    )
    assert again.status_code == 200
    assert _value(designer, f"{scope} select[name=cq]") == "every"
    assert [attr(o, "value") for o in designer.doc.css(f"{scope} select[name=co] option")] == [
        "equals",
        "filled",
        "empty",
    ]
    # with JavaScript the same drop-downs come from the condition part
    part = designer.client.get(
        f"/studio/{AGENCY}/{BENCANA}/kondisi",
        params={"at": "/form/pages/2", "cf": "group:anggota", "cgf": "tanggal_lahir_anggota"},
    )
    assert part.status_code == 200
    tests = [attr(o, "value") for o in parse(part).css("select[name=co] option")]
    assert "gt" in tests and "lt" in tests
    # 3. the test and its value: saved
    designer.submit_ok(designer.form("condition", scope), {"co": "equals", "cv": "ya"})
    page = studio.draft(BENCANA).definition["form"]["pages"][2]
    assert page["visible_if"] == {
        "group": "anggota",
        "every": {"field": "disabilitas", "equals": True},
    }
    # shown again as it is, then cleared
    designer.open(BENCANA, open="/form/pages/2")
    assert _value(designer, f"{scope} select[name=cf]") == "group:anggota"
    assert _value(designer, f"{scope} select[name=cq]") == "every"
    assert _value(designer, f"{scope} select[name=cgf]") == "disabilitas"
    assert designer.doc.css_first(f"{scope} .cond .hint code") is None
    designer.submit_ok(designer.form("condition", scope), {"clear": "1"})
    assert "visible_if" not in studio.draft(BENCANA).definition["form"]["pages"][2]


def test_a_group_condition_on_a_guard_and_its_problem_beside_it(
    designer: Designer, studio: Studio
) -> None:
    _bencana(designer)
    designer.open(BENCANA)
    scope = "#s-form-pages-0"  # the first page cannot look at the later group
    designer.open(BENCANA, open="/form/pages/0")
    assert "group:anggota" not in [
        attr(o, "value") for o in designer.doc.css(f"{scope} select[name=cf] option")
    ]
    # posted anyway (an old page): written, and reported beside the page
    designer.edit_ok(
        "condition",
        BENCANA,
        at="/form/pages/0",
        cf="group:anggota",
        cf_shown="group:anggota",
        cq="some",
        cgf="nama_anggota",
        cgf_shown="nama_anggota",
        co="filled",
    )
    definition = studio.draft(BENCANA).definition
    assert definition["form"]["pages"][0]["visible_if"] == {
        "group": "anggota",
        "some": {"field": "nama_anggota", "filled": True},
    }
    assert "condition-later-field" in _codes(designer, scope)
    # a test that does not exist is refused, nothing saved
    before = studio.draft(BENCANA).row_version
    refused = designer.edit(
        "condition",
        BENCANA,
        at="/form/pages/2",
        cf="group:anggota",
        cf_shown="group:anggota",
        cq="most",
        cgf="disabilitas",
        cgf_shown="disabilitas",
        co="equals",
        cv="ya",
    )
    assert refused.status_code == 422
    assert studio.draft(BENCANA).row_version == before


# -- unchanged forms change nothing --------------------------------------------------------------


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.stem)
def test_unchanged_flow_forms_round_trip(path: Path) -> None:
    definition: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for name, state in definition["workflow"]["states"].items():
        unit, amount = sf.sla_parts(state)
        assert edit_flow.set_sla(definition, name, unit, amount) == definition, name
    for index, move in enumerate(definition["workflow"]["transitions"]):
        required = edit_flow.approvals_value(*sf.approvals_parts(move))
        assert edit_flow.set_approvals(definition, index, required) == definition, index
    form = definition["form"]
    holders = [("/form", form)] + [(f"/form/pages/{i}", p) for i, p in enumerate(form["pages"])]
    for holder, spec in holders:
        for item in sf.exit_items(definition, holder, spec.get("exits"), "id"):
            assert edit_flow.set_exit(definition, item.pointer, item.values) == definition
