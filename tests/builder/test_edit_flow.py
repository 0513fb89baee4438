"""The studio's edits of the flow: exit pages, time limits in their unit, joint approval and
group conditions. One edit each, a new dict, exact results, the input untouched, problems at
their pointers."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from builder import edit, edit_flow
from builder.validate import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
BASE = edit.blank("layanan-uji", "dinas-uji", "Layanan uji")
BENCANA: dict[str, Any] = json.loads(
    (EXAMPLES / "bantuan-korban-bencana.json").read_text(encoding="utf-8")
)


def _codes(definition: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.pointer, p.code) for p in validate(definition)]


def _with_yesno() -> dict[str, Any]:
    made = edit.add_field(BASE, "/form/pages/0", "yesno", "Warga kota?")
    assert made["form"]["pages"][0]["fields"][-1]["key"] == "warga_kota"
    return made


# -- exits ---------------------------------------------------------------------------------------


def test_add_an_exit_to_a_page_then_give_it_its_condition() -> None:
    before = _with_yesno()
    kept = copy.deepcopy(before)
    added = edit_flow.add_exit(before, "/form/pages/0", {"title": "Bukan warga", "text": "Ke kab."})
    assert before == kept
    assert added["form"]["pages"][0]["exits"] == [
        {"id": "bukan_warga", "title": "Bukan warga", "text": "Ke kab."}
    ]
    # without its condition the exit is reported at its own pointer
    assert any(p.startswith("/form/pages/0/exits/0") for p, _ in _codes(added))
    done = edit.set_condition(added, "/form/pages/0/exits/0", "warga_kota", "equals", "tidak")
    assert done["form"]["pages"][0]["exits"][0]["when"] == {"field": "warga_kota", "equals": False}
    assert _codes(done) == []


def test_add_an_exit_to_the_form_with_a_fresh_id() -> None:
    first = edit_flow.add_exit(BASE, "/form", {"title": "Di luar", "text": "x"})
    second = edit_flow.add_exit(first, "/form/pages/0", {"title": "Di luar", "text": "y"})
    assert first["form"]["exits"][0]["id"] == "di_luar"
    assert second["form"]["pages"][0]["exits"][0]["id"] == "di_luar_2"
    with pytest.raises(edit.EditError):
        edit_flow.add_exit(first, "/form", {"id": "di_luar", "title": "z"})
    with pytest.raises(edit.EditError):
        edit_flow.add_exit(BASE, "/form/pages/7", {"title": "z"})
    with pytest.raises(edit.EditError):
        edit_flow.add_exit(BASE, "/workflow", {"title": "z"})


def test_set_an_exits_texts_and_link_in_both_languages() -> None:
    made = edit_flow.add_exit(BASE, "/form/pages/0", {"title": "Keluar", "text": "x"})
    pointer = "/form/pages/0/exits/0"
    values = {
        "id": "bukan_warga",
        "title.id": "Layanan untuk warga kota",
        "title.en": "For city residents",
        "text.id": "Ajukan di kabupaten.",
        "text.en": "",
        "link.url": "https://contoh.go.id",
        "link.label.id": "Cari layanan",
        "link.label.en": "Find a service",
    }
    done = edit_flow.set_exit(made, pointer, values)
    assert done["form"]["pages"][0]["exits"][0] == {
        "id": "bukan_warga",
        "title": {"id": "Layanan untuk warga kota", "en": "For city residents"},
        "text": "Ajukan di kabupaten.",
        "link": {
            "url": "https://contoh.go.id",
            "label": {"id": "Cari layanan", "en": "Find a service"},
        },
    }
    no_link = edit_flow.set_exit(
        done, pointer, {"link.url": "", "link.label.id": "", "link.label.en": ""}
    )
    assert "link" not in no_link["form"]["pages"][0]["exits"][0]
    bad = edit_flow.set_exit(done, pointer, {"link.url": "http://contoh.go.id"})
    assert (f"{pointer}/link/url", "bad-pattern-value") in _codes(bad)
    with pytest.raises(edit.EditError):
        edit_flow.set_exit(done, pointer, {"id": "Bukan Id"})
    with pytest.raises(edit.EditError):
        edit_flow.set_exit(done, "/form/pages/0/exits/3", {"title.id": "x"})


def test_remove_an_exit_and_its_empty_list() -> None:
    made = edit_flow.add_exit(BASE, "/form", {"title": "Satu", "text": "x"})
    made = edit_flow.add_exit(made, "/form", {"title": "Dua", "text": "y"})
    one = edit_flow.remove_exit(made, "/form/exits/0")
    assert [e["id"] for e in one["form"]["exits"]] == ["dua"]
    none = edit_flow.remove_exit(one, "/form/exits/0")
    assert "exits" not in none["form"]
    on_page = edit_flow.add_exit(BASE, "/form/pages/0", {"title": "Tiga", "text": "z"})
    assert (
        "exits" not in edit_flow.remove_exit(on_page, "/form/pages/0/exits/0")["form"]["pages"][0]
    )
    with pytest.raises(edit.EditError):
        edit_flow.remove_exit(BASE, "/form/exits/0")


def test_an_exit_of_the_example_keeps_its_condition_when_its_texts_change() -> None:
    pointer = "/form/pages/0/exits/0"
    values = {"title.id": "Laporkan di tempat kejadian", "title.en": "Report where it happened"}
    done = edit_flow.set_exit(BENCANA, pointer, values)
    spec = done["form"]["pages"][0]["exits"][0]
    before = BENCANA["form"]["pages"][0]["exits"][0]
    assert spec == {
        **before,
        "title": {"id": "Laporkan di tempat kejadian", "en": "Report where it happened"},
    }


# -- time limits ---------------------------------------------------------------------------------


def test_working_days_are_written_as_sla_days_other_units_as_sla() -> None:
    hours = edit_flow.set_sla(BASE, "diajukan", "hours", "24")
    assert hours["workflow"]["states"]["diajukan"]["sla"] == {"hours": 24}
    assert "sla_days" not in hours["workflow"]["states"]["diajukan"]
    days = edit_flow.set_sla(hours, "diajukan", "working_days", "4")
    assert days["workflow"]["states"]["diajukan"]["sla_days"] == 4
    assert "sla" not in days["workflow"]["states"]["diajukan"]
    calendar = edit_flow.set_sla(days, "diajukan", "calendar_days", "3")
    assert calendar["workflow"]["states"]["diajukan"]["sla"] == {"calendar_days": 3}
    cleared = edit_flow.set_sla(calendar, "diajukan", "hours", "")
    assert {"sla", "sla_days"} & set(cleared["workflow"]["states"]["diajukan"]) == set()
    assert BASE["workflow"]["states"]["diajukan"]["sla_days"] == 5  # the input is untouched


def test_a_limit_written_in_sla_working_days_stays_there() -> None:
    made = copy.deepcopy(BASE)
    made["workflow"]["states"]["diajukan"] = {"label": "Diajukan", "sla": {"working_days": 2}}
    done = edit_flow.set_sla(made, "diajukan", "working_days", "3")
    assert done["workflow"]["states"]["diajukan"] == {
        "label": "Diajukan",
        "sla": {"working_days": 3},
    }
    assert edit_flow.sla_parts(done["workflow"]["states"]["diajukan"]) == ("working_days", "3")


def test_sla_parts_and_the_validator_on_what_is_out_of_range() -> None:
    assert edit_flow.sla_parts({"sla": {"hours": 72}}) == ("hours", "72")
    assert edit_flow.sla_parts({"sla_days": 5}) == ("working_days", "5")
    assert edit_flow.sla_parts({}) == ("working_days", "")
    too_long = edit_flow.set_sla(BASE, "diajukan", "hours", "9000")
    assert any(p.startswith("/workflow/states/diajukan/sla") for p, _ in _codes(too_long))
    with pytest.raises(edit.EditError):
        edit_flow.set_sla(BASE, "diajukan", "weeks", "2")
    with pytest.raises(edit.EditError):
        edit_flow.set_sla(BASE, "diajukan", "hours", "dua")
    with pytest.raises(edit.EditError):
        edit_flow.set_sla(BASE, "tidak_ada", "hours", "2")


# -- joint approval ------------------------------------------------------------------------------


def test_set_and_clear_a_joint_approval() -> None:
    roles = edit.add_role(BASE, "kepala", "Kepala")
    roles = edit.set_transition(roles, 0, {"roles": "petugas kepala"})
    every = edit_flow.set_approvals(roles, 0, "all")
    assert every["workflow"]["transitions"][0]["approvals"] == {"required": "all"}
    assert _codes(every) == []
    one = edit_flow.set_approvals(every, 0, "1")
    assert one["workflow"]["transitions"][0]["approvals"] == {"required": 1}
    three = edit_flow.set_approvals(every, 0, "3")
    assert ("/workflow/transitions/0/approvals/required", "approvals-too-many") in _codes(three)
    cleared = edit_flow.clear_approvals(three, 0)
    assert "approvals" not in cleared["workflow"]["transitions"][0]
    with pytest.raises(edit.EditError):
        edit_flow.set_approvals(roles, 0, "dua")
    with pytest.raises(edit.EditError):
        edit_flow.set_approvals(roles, 9, "all")


def test_the_approval_form_choice() -> None:
    assert edit_flow.approvals_value("", "5") == ""
    assert edit_flow.approvals_value("all", "") == "all"
    assert edit_flow.approvals_value("count", "2") == "2"
    with pytest.raises(edit.EditError):
        edit_flow.approvals_value("count", " ")
    with pytest.raises(edit.EditError):
        edit_flow.approvals_value("most", "")
    assert edit_flow.approvals_parts({"approvals": {"required": 2}}) == ("count", "2")
    assert edit_flow.approvals_parts({"approvals": {"required": "all"}}) == ("all", "")
    assert edit_flow.approvals_parts({}) == ("", "")


# -- group conditions ----------------------------------------------------------------------------


def test_a_group_condition_on_a_page() -> None:
    done = edit_flow.set_group_condition(
        BENCANA, "/form/pages/2", "anggota", "every", "disabilitas", "equals", "ya"
    )
    assert done["form"]["pages"][2]["visible_if"] == {
        "group": "anggota",
        "every": {"field": "disabilitas", "equals": True},
    }
    assert _codes(done) == _codes(BENCANA)
    none = edit_flow.set_group_condition(
        BENCANA, "/workflow/transitions/0", "anggota", "none", "disabilitas", "filled", "true"
    )
    assert none["workflow"]["transitions"][0]["guard"] == {
        "group": "anggota",
        "none": {"field": "disabilitas", "filled": True},
    }
    # an inner field outside the group is written, and reported by the validator
    outside = edit_flow.set_group_condition(
        BENCANA, "/form/pages/2", "anggota", "some", "di_kota", "equals", "ya"
    )
    assert any(code == "condition-outside-group" for _, code in _codes(outside))


def test_a_group_condition_that_cannot_be_written() -> None:
    args = ("/form/pages/2", "anggota")
    with pytest.raises(edit.EditError):
        edit_flow.set_group_condition(BENCANA, *args, "most", "disabilitas", "equals", "ya")
    with pytest.raises(edit.EditError):
        edit_flow.set_group_condition(BENCANA, *args, "some", "disabilitas", "like", "ya")
    with pytest.raises(edit.EditError):
        edit_flow.set_group_condition(BENCANA, *args, "some", "tidak_ada", "equals", "ya")
    with pytest.raises(edit.EditError):
        edit_flow.set_group_condition(BENCANA, "/form/pages/2", " ", "some", "x", "equals", "1")
