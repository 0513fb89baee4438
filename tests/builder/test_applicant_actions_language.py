"""The language of applicant actions: a transition the applicant alone takes from a state where
the case waits (`roles` ["applicant"]), with `applicant_fields`, `confirm`, and files that
`follows_later`."""

from __future__ import annotations

from typing import Any

import pytest
from builder_testing import mutate, problems_of

from builder.compiler import compile_definition
from builder.validate import validate

T = "/workflow/transitions"
KTP = "/form/pages/2/fields/1"  # the `ktp` file field of the valid definition
ACTION = {
    "action": "kirim_ktp",
    "label": {"id": "Kirim KTP asli", "en": "Send the original ID card"},
    "from": "diverifikasi",
    "to": "diajukan",
    "roles": ["applicant"],
    "applicant_fields": ["ktp"],
    "confirm": {"id": "Berkas ini milik saya.", "en": "This file is mine."},
}


def with_action(definition: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The valid definition with the `ktp` file following later and an action that sends it."""
    mutate(definition, KTP + "/required", False)
    mutate(definition, KTP + "/follows_later", True)
    mutate(definition, T + "/-", {**ACTION, **changes})
    return definition


def test_an_applicant_action_is_valid(valid_definition: dict[str, Any]) -> None:
    assert problems_of(with_action(valid_definition)) == []


def test_an_applicant_action_without_fields_is_valid(valid_definition: dict[str, Any]) -> None:
    move = {k: v for k, v in ACTION.items() if k != "applicant_fields"}
    mutate(valid_definition, T + "/-", {**move, "action": "konfirmasi"})
    assert problems_of(valid_definition) == []


def test_its_fields_compile_as_a_required_one_page_form(valid_definition: dict[str, Any]) -> None:
    compiled = compile_definition(with_action(valid_definition))
    index = len(valid_definition["workflow"]["transitions"]) - 1
    form = compiled.applicant_form(index)
    assert form is not None and list(form.fields) == ["ktp"]
    assert form.fields["ktp"].spec["required"] is True
    assert "follows_later" not in form.fields["ktp"].spec
    assert form.schema["required"] == ["ktp"]
    assert compiled.applicant_form(0) is None  # an officer's transition
    assert "ktp" not in compiled.schema.get("required", [])  # the form may go without it


def test_the_applicant_with_officers_outside_a_correction_is_refused(
    valid_definition: dict[str, Any],
) -> None:
    mutate(valid_definition, T + "/-", {**ACTION, "roles": ["applicant", "petugas"]})
    found = validate(valid_definition)
    assert (T + "/5/from", "applicant-not-allowed") in [(p.pointer, p.code) for p in found]
    problem = next(p for p in found if p.code == "applicant-not-allowed")
    assert problem.hint is not None and '["applicant"]' in problem.hint["en"]


def test_fields_on_an_officer_transition_are_misplaced(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, T + "/0/applicant_fields", ["ktp"])
    mutate(valid_definition, T + "/3/confirm", "Yakin?")
    found = problems_of(valid_definition)
    assert (T + "/0/applicant_fields", "applicant-fields-misplaced") in found
    assert (T + "/3/confirm", "applicant-fields-misplaced") in found


def test_fields_on_a_resubmission_are_misplaced(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, T + "/2/applicant_fields", ["ktp"])
    assert (T + "/2/applicant_fields", "applicant-fields-misplaced") in problems_of(
        valid_definition
    )


def test_an_unknown_field_is_named_with_a_guess(valid_definition: dict[str, Any]) -> None:
    with_action(valid_definition)
    mutate(valid_definition, T + "/5/applicant_fields", ["ktp", "ktpp"])
    found = validate(valid_definition)
    unknown = [p for p in found if p.code == "applicant-field-unknown"]
    assert [p.pointer for p in unknown] == [T + "/5/applicant_fields/1"]
    assert unknown[0].hint is not None and "'ktp'" in unknown[0].hint["en"]


@pytest.mark.parametrize("key", ["info", "setuju", "tanggungan", "nama_tanggungan"])
def test_a_field_that_cannot_be_sent_is_refused(valid_definition: dict[str, Any], key: str) -> None:
    with_action(valid_definition)
    mutate(valid_definition, T + "/5/applicant_fields/-", key)
    assert (T + "/5/applicant_fields/1", "applicant-field-unfit") in problems_of(valid_definition)


def test_a_file_that_follows_later_needs_an_action(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, KTP + "/required", False)
    mutate(valid_definition, KTP + "/follows_later", True)
    assert problems_of(valid_definition) == [(KTP + "/follows_later", "follows-later-no-action")]


def test_a_file_that_follows_later_is_not_required(valid_definition: dict[str, Any]) -> None:
    with_action(valid_definition)
    mutate(valid_definition, KTP + "/required", True)
    assert problems_of(valid_definition) == [(KTP + "/required", "follows-later-required")]


def test_follows_later_is_for_files_only(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, "/form/pages/0/fields/0/follows_later", True)
    found = validate(valid_definition)
    assert found and all(p.severity == "error" for p in found)
    assert found[0].pointer.startswith("/form/pages/0/fields/0")


@pytest.mark.parametrize("value", [[], ["ktp", "ktp"], "ktp", [1]])
def test_the_shape_of_applicant_fields_is_checked(
    valid_definition: dict[str, Any], value: Any
) -> None:
    with_action(valid_definition)
    mutate(valid_definition, T + "/5/applicant_fields", value)
    found = validate(valid_definition)
    assert found and all(p.severity == "error" for p in found)
    assert any(p.pointer.startswith(T + "/5/applicant_fields") for p in found)
