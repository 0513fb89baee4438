"""Officer fields on transitions: checked like the form's fields, compiled with the same machinery.

Each invalid case lists all the problems reported (pointer and code, in order), as in
test_invalid_definitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from builder_testing import mutate, put

from builder.compiler import compile_definition
from builder.metaschema import meta_schema
from builder.model import iter_officer_fields, officer_fields
from builder.validate import validate
from builder.where import describe

T = "/workflow/transitions"  # verifikasi, minta_perbaikan, kirim_ulang, setujui, tolak
SETUJUI = T + "/3/fields"
TOLAK = T + "/4/fields"
VALID_UNTIL = {
    "key": "berlaku_sampai",
    "type": "date",
    "label": {"id": "Berlaku sampai", "en": "Valid until"},
    "required": True,
    "min": "today",
    "max": "today+1y",
    "applicant_sees": True,
}
REPORT = {
    "key": "laporan",
    "type": "file",
    "label": "Laporan survei",
    "accept": ["application/pdf"],
}
REASON = {
    "key": "alasan_tolak",
    "type": "choice",
    "label": "Alasan penolakan",
    "required": True,
    "options": [{"value": "lokasi", "label": "Lokasi"}, {"value": "lain", "label": "Lainnya"}],
}
REASON_NOTE = {
    "key": "uraian_tolak",
    "type": "textarea",
    "label": "Uraian",
    "required": True,
    "visible_if": {"field": "alasan_tolak", "equals": "lain"},
}


def with_fields(d: dict[str, Any]) -> None:
    mutate(d, SETUJUI, [dict(VALID_UNTIL), dict(REPORT)])
    mutate(d, TOLAK, [dict(REASON), dict(REASON_NOTE)])


def _problems(d: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.pointer, p.code) for p in validate(d)]


def test_officer_fields_and_issues_are_part_of_the_language(
    valid_definition: dict[str, Any],
) -> None:
    with_fields(valid_definition)
    mutate(valid_definition, T + "/3/issues", ["surat_keterangan"])
    valid_definition["documents"] = {
        "surat_keterangan": {
            "title": "Surat Keterangan",
            "number": "{seq:03}/SK/{year}",
            "body": ["Permohonan {case.reference} disetujui; berlaku sampai {berlaku_sampai}."],
        }
    }
    assert _problems(valid_definition) == []
    refs = list(iter_officer_fields(valid_definition))
    assert [(r.key, r.pointer, r.transition) for r in refs] == [
        ("berlaku_sampai", SETUJUI + "/0", 3),
        ("laporan", SETUJUI + "/1", 3),
        ("alasan_tolak", TOLAK + "/0", 4),
        ("uraian_tolak", TOLAK + "/1", 4),
    ]
    assert officer_fields(valid_definition["workflow"]["transitions"][0]) == []
    transition = meta_schema()["$defs"]["transition"]["properties"]
    assert {"fields", "issues"} <= set(transition)


CASES = [
    pytest.param(
        put(SETUJUI + "/0/key", "nama"),
        [(SETUJUI + "/0/key", "duplicate-field-key")],
        id="key-used-by-the-form",
    ),
    pytest.param(
        put(TOLAK + "/1/key", "berlaku_sampai"),
        [(TOLAK + "/1/key", "duplicate-field-key")],
        id="key-used-by-another-transition",
    ),
    pytest.param(
        put(SETUJUI + "/1/type", "declaration"),
        [(SETUJUI + "/1/accept", "unknown-key")],
        id="declaration-keys-checked-by-type",
    ),
    pytest.param(
        put(SETUJUI + "/1", {"key": "setuju2", "type": "declaration", "label": "Benar"}),
        [(SETUJUI + "/1/type", "officer-field-type")],
        id="declaration-refused",
    ),
    pytest.param(
        put(
            SETUJUI + "/1",
            {"key": "anggota", "type": "group", "label": "Tim", "fields": [dict(REPORT)]},
        ),
        [(SETUJUI + "/1/type", "officer-field-type")],
        id="group-refused",
    ),
    pytest.param(
        put(SETUJUI + "/0/type", "tanggal"),
        [(SETUJUI + "/0/type", "unknown-field-type")],
        id="unknown-type",
    ),
    pytest.param(
        put(SETUJUI + "/0/max", "kemarin"),
        [(SETUJUI + "/0/max", "bad-date-bound")],
        id="bad-date-bound",
    ),
    pytest.param(
        put(SETUJUI + "/1/accept", []),
        [(SETUJUI + "/1/accept", "too-few-items")],
        id="file-without-types",
    ),
    pytest.param(
        put("/form/pages/0/fields/1/applicant_sees", True),
        [("/form/pages/0/fields/1/applicant_sees", "applicant-sees-in-form")],
        id="applicant-sees-on-a-form-field",
    ),
    pytest.param(
        put(T + "/2/fields", [{**REPORT, "key": "bukti_ulang"}]),
        [(T + "/2/fields", "officer-fields-applicant")],
        id="fields-on-the-applicants-transition",
    ),
    pytest.param(
        put(SETUJUI + "/1/visible_if", {"field": "alasan_tolak", "equals": "lain"}),
        [(SETUJUI + "/1/visible_if/field", "condition-officer-field")],
        id="condition-on-another-transitions-field",
    ),
    pytest.param(
        put("/form/pages/1/fields/3/visible_if", {"field": "berlaku_sampai", "filled": True}),
        [("/form/pages/1/fields/3/visible_if/field", "condition-officer-field")],
        id="form-condition-on-an-officer-field",
    ),
    pytest.param(
        put(T + "/3/guard", {"field": "laporan", "filled": True}),
        [(T + "/3/guard/field", "condition-officer-field")],
        id="guard-on-an-officer-field",
    ),
    pytest.param(
        put(TOLAK + "/1/visible_if", {"field": "alasan_tolk", "equals": "lain"}),
        [(TOLAK + "/1/visible_if/field", "condition-unknown-field")],
        id="condition-unknown-field",
    ),
    pytest.param(
        put(TOLAK + "/1/visible_if", {"field": "alasan_tolak", "gt": 3}),
        [(TOLAK + "/1/visible_if/gt", "condition-type-mismatch")],
        id="condition-type-mismatch",
    ),
    pytest.param(
        put(TOLAK + "/0/visible_if", {"field": "uraian_tolak", "filled": True}),
        [(TOLAK + "/0/visible_if", "condition-cycle")],
        id="condition-cycle",
    ),
    pytest.param(
        put(SETUJUI + "/0/label", {"en": "Valid until"}),
        [(SETUJUI + "/0/label", "missing-indonesian")],
        id="label-without-indonesian",
    ),
    pytest.param(
        put(T + "/3/issues", ["Surat"]),
        [(T + "/3/issues/0", "bad-identifier")],
        id="issues-are-ids",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_invalid_officer_fields(
    valid_definition: dict[str, Any],
    change: Callable[[dict[str, Any]], None],
    expected: list[tuple[str, str]],
) -> None:
    with_fields(valid_definition)
    change(valid_definition)
    assert _problems(valid_definition) == expected


def test_a_key_used_twice_names_the_first_place(valid_definition: dict[str, Any]) -> None:
    with_fields(valid_definition)
    mutate(valid_definition, TOLAK + "/0/key", "nama")
    (found, *_rest) = validate(valid_definition)
    assert found.code == "duplicate-field-key"
    assert found.text("en") == "Field key 'nama' is already used at /form/pages/0/fields/1."
    assert "officer fields of all transitions" in (found.hint_text("en") or "")
    where = describe(valid_definition, found.pointer)
    assert where is not None and where["en"] == "transition 'tolak', field 'Alasan penolakan'"


def test_a_form_field_does_not_offer_applicant_sees(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, "/form/pages/0/fields/1/applicant_see", True)
    (found,) = validate(valid_definition)
    assert found.code == "unknown-key"
    assert "applicant_sees" not in (found.hint_text("en") or "")


def test_officer_field_conditions_read_answers_and_their_own_transition(
    valid_definition: dict[str, Any],
) -> None:
    with_fields(valid_definition)
    mutate(valid_definition, SETUJUI + "/1/visible_if", {"field": "jumlah_anak", "gte": 2})
    assert _problems(valid_definition) == []
    compiled = compile_definition(valid_definition)
    assert compiled.officer_form(0) is None
    approve = compiled.officer_form(3)
    assert approve is not None and approve is compiled.officer_form(3)
    assert list(approve.fields) == ["berlaku_sampai", "laporan"]
    assert approve.pages[0].id == "setujui"
    # a condition on the applicant's answers reads them from the context
    today = dt.date(2026, 12, 2)
    report = {
        "id": "berkas0123456789",
        "name": "a.pdf",
        "size": 10,
        "content_type": "application/pdf",
    }
    values = {"berlaku_sampai": "2027-06-01", "laporan": {**report, "sha256": "0" * 64}}
    kept, errors = approve.check(values, today, context={"jumlah_anak": 3})
    assert kept == values and errors == []
    kept, errors = approve.check(values, today, context={"jumlah_anak": 1})
    assert kept == {"berlaku_sampai": "2027-06-01"} and errors == []
    # required, date bounds and the definition's messages, as on the form
    kept, errors = approve.check({"berlaku_sampai": "2028-01-01"}, today)
    assert [(e.pointer, e.rule) for e in errors] == [("/berlaku_sampai", "max")]
    kept, errors = approve.check({}, today)
    assert [(e.key, e.rule, e.text("en")) for e in errors] == [
        ("berlaku_sampai", "required", "Valid until is required.")
    ]
    # a condition on another officer field of the same transition
    reject = compiled.officer_form(4)
    assert reject is not None
    kept, errors = reject.check({"alasan_tolak": "lain"}, today)
    assert [(e.key, e.rule) for e in errors] == [("uraian_tolak", "required")]
    kept, errors = reject.check({"alasan_tolak": "lokasi", "uraian_tolak": "x"}, today)
    assert kept == {"alasan_tolak": "lokasi"} and errors == []
