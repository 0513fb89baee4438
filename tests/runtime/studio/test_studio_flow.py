"""The studio's forms for the flow: a state's time limit in its unit, a transition's joint
approval, exit pages of a page and of the form, and conditions that look into a group."""

from __future__ import annotations

from typing import Any

from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse

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
