"""Date limits that read another answer or name a day of the year: checks, compiled schema."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from builder_testing import problems_of

from builder.compiler import compile_definition, fast_check
from builder.validate import validate

P0 = "/form/pages/0/fields"
P1 = "/form/pages/1/fields"


def _with_dates(defn: dict[str, Any], **end: Any) -> dict[str, Any]:
    """Start and end dates on the second page (fields 6 and 7), the end with `end` limits."""
    defn = copy.deepcopy(defn)
    defn["form"]["pages"][1]["fields"][6:6] = [
        {"key": "mulai", "type": "date", "label": "Tanggal mulai"},
        {"key": "selesai", "type": "date", "label": "Tanggal selesai", **end},
    ]
    return defn


def test_limits_on_another_date_and_a_day_of_the_year_are_valid(
    valid_definition: dict[str, Any],
) -> None:
    defn = _with_dates(valid_definition, min={"field": "mulai"}, max={"field": "mulai", "days": 30})
    assert problems_of(defn) == []
    defn = _with_dates(valid_definition, min={"field": "tanggal_lahir", "days": 6570})
    assert problems_of(defn) == []  # a field on an earlier page
    defn = _with_dates(
        valid_definition, min={"month": 7, "day": 1}, max={"month": 6, "day": 30, "years": 1}
    )
    assert problems_of(defn) == []


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ({"min": {"field": "selesai"}}, [(f"{P1}/7/min/field", "date-limit-self")]),
        ({"min": {"field": "mulia"}}, [(f"{P1}/7/min/field", "date-limit-unknown-field")]),
        ({"max": {"field": "alasan"}}, [(f"{P1}/7/max/field", "date-limit-not-a-date")]),
        ({"min": {"field": "nama_tanggungan"}}, [(f"{P1}/7/min/field", "date-limit-in-group")]),
        ({"min": {"month": 2, "day": 29}}, [(f"{P1}/7/min", "date-limit-no-such-day")]),
        ({"min": {"month": 4, "day": 31}}, [(f"{P1}/7/min", "date-limit-no-such-day")]),
        ({"min": {"month": 13, "day": 1}}, [(f"{P1}/7/min/month", "too-big")]),
        ({"min": {"field": "mulai", "weeks": 2}}, [(f"{P1}/7/min/weeks", "unknown-key")]),
        ({"min": {"days": 2}}, [(f"{P1}/7/min", "bad-date-limit")]),
        ({"min": "besok"}, [(f"{P1}/7/min", "bad-date-bound")]),
        (
            {"min": {"field": "mulai", "days": 10}, "max": {"field": "mulai", "days": 5}},
            [(f"{P1}/7/min", "min-greater-than-max")],
        ),
    ],
)
def test_a_bad_limit_is_named_with_its_pointer(
    valid_definition: dict[str, Any], end: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert problems_of(_with_dates(valid_definition, **end)) == expected


def test_a_limit_may_not_read_a_later_page(valid_definition: dict[str, Any]) -> None:
    defn = copy.deepcopy(valid_definition)
    defn["form"]["pages"][0]["fields"].append(
        {"key": "awal", "type": "date", "label": "Awal", "max": {"field": "akhir"}}
    )
    defn["form"]["pages"][1]["fields"].append({"key": "akhir", "type": "date", "label": "Akhir"})
    found = validate(defn)
    assert [(p.pointer, p.code) for p in found] == [(f"{P0}/7/max/field", "date-limit-later-field")]
    assert found[0].hint is not None and "halaman yang sama atau sebelumnya" in found[0].hint["id"]


def test_an_unknown_field_gets_a_guess(valid_definition: dict[str, Any]) -> None:
    found = validate(_with_dates(valid_definition, min={"field": "mulia"}))
    assert found[0].hint is not None
    assert "Maksud Anda 'mulai'?" in found[0].hint["id"]


def _errors(compiled: Any, answers: dict[str, Any], today: dt.date | None = None) -> list[Any]:
    return [(e.pointer, e.rule, e.text("id")) for e in compiled.validate(answers, today)]


def test_the_end_date_keeps_to_the_start_date(valid_definition: dict[str, Any]) -> None:
    defn = _with_dates(valid_definition, min={"field": "mulai"}, max={"field": "mulai", "days": 30})
    compiled = compile_definition(defn)
    base = {"mulai": "2026-03-10"}
    assert [
        e for e in _errors(compiled, {**base, "selesai": "2026-03-10"}) if e[0] == "/selesai"
    ] == []
    assert [
        e for e in _errors(compiled, {**base, "selesai": "2026-04-09"}) if e[0] == "/selesai"
    ] == []
    before = [e for e in _errors(compiled, {**base, "selesai": "2026-03-09"}) if e[0] == "/selesai"]
    assert before == [("/selesai", "min", "Tanggal selesai tidak boleh sebelum 10-03-2026.")]
    late = [e for e in _errors(compiled, {**base, "selesai": "2026-04-10"}) if e[0] == "/selesai"]
    assert late == [("/selesai", "max", "Tanggal selesai tidak boleh setelah 09-04-2026.")]
    # without a start date there is nothing to keep to
    assert [e for e in _errors(compiled, {"selesai": "1990-01-01"}) if e[0] == "/selesai"] == []
    # the submission schema says the same, through its own keyword
    check = fast_check(compiled.schema)
    assert check is not None
    assert compiled.schema["x-loket-date-links"] == [
        {"field": "selesai", "bound": "min", "other": "mulai", "days": 0},
        {"field": "selesai", "bound": "max", "other": "mulai", "days": 30},
    ]
    full = compiled.validator
    assert list(full.iter_errors({**valid_answers(), **base, "selesai": "2026-04-10"}))
    assert check({**valid_answers(), **base, "selesai": "2026-04-10"}) is False
    assert check({**valid_answers(), **base, "selesai": "2026-04-09"}) is True


def valid_answers() -> dict[str, Any]:
    """Answers the test definition takes (its first page and required fields)."""
    return {
        "nik": "1871015708900001",
        "nama": "Siti Aminah",
        "tanggal_lahir": "1990-08-17",
        "jenis_kelamin": "perempuan",
        "telepon": "+6281234567890",
        "alasan": "kerja",
        "ktp": {"id": "a" * 16, "name": "ktp.pdf", "size": 10, "content_type": "application/pdf"},
        "setuju": True,
    }


def test_a_day_of_the_current_year(valid_definition: dict[str, Any]) -> None:
    defn = _with_dates(valid_definition, min={"month": 7, "day": 1})
    compiled = compile_definition(defn)
    today = dt.date(2026, 12, 3)
    early = [e for e in _errors(compiled, {"selesai": "2026-06-30"}, today) if e[0] == "/selesai"]
    assert early == [("/selesai", "min", "Tanggal selesai tidak boleh sebelum 01-07-2026.")]
    assert [
        e for e in _errors(compiled, {"selesai": "2026-07-01"}, today) if e[0] == "/selesai"
    ] == []
    # the year moves with the calendar
    next_year = dt.date(2027, 1, 2)
    late = [
        e for e in _errors(compiled, {"selesai": "2026-07-01"}, next_year) if e[0] == "/selesai"
    ]
    assert late == [("/selesai", "min", "Tanggal selesai tidak boleh sebelum 01-07-2027.")]


def test_the_studio_edits_a_limit_written_as_json(valid_definition: dict[str, Any]) -> None:
    from builder import edit

    defn = _with_dates(valid_definition)
    pointer = f"{P1}/7"
    changed = edit.update_field(defn, pointer, {"min": '{"field": "mulai", "days": 1}'})
    assert changed["form"]["pages"][1]["fields"][7]["min"] == {"field": "mulai", "days": 1}
    assert problems_of(changed) == []
    with pytest.raises(edit.EditError):
        edit.update_field(defn, pointer, {"min": '{"field": '})
    plain = edit.update_field(defn, pointer, {"max": "today+30d"})
    assert plain["form"]["pages"][1]["fields"][7]["max"] == "today+30d"


def test_an_officer_date_may_keep_to_another_officer_date(valid_definition: dict[str, Any]) -> None:
    defn = copy.deepcopy(valid_definition)
    defn["workflow"]["transitions"][0]["fields"] = [
        {"key": "berlaku_mulai", "type": "date", "label": "Berlaku mulai", "required": True},
        {
            "key": "berlaku_sampai",
            "type": "date",
            "label": "Berlaku sampai",
            "required": True,
            "min": {"field": "berlaku_mulai", "days": 1},
            "max": {"field": "tanggal_lahir", "days": 36500},
        },
    ]
    assert problems_of(defn) == []
    form = compile_definition(defn).officer_form(0)
    assert form is not None
    answers = {"berlaku_mulai": "2026-03-10", "berlaku_sampai": "2026-03-10"}
    errors = form.validate(answers, context={"tanggal_lahir": "1990-08-17"})
    assert [(e.pointer, e.rule) for e in errors] == [("/berlaku_sampai", "min")]
    far = {"berlaku_mulai": "2026-03-10", "berlaku_sampai": "2091-01-01"}
    errors = form.validate(far, context={"tanggal_lahir": "1990-08-17"})
    assert [(e.pointer, e.rule) for e in errors] == [("/berlaku_sampai", "max")]


def test_limits_in_words_for_the_applicant() -> None:
    from builder.date_limits import words

    labels = {"mulai": "Tanggal mulai"}
    spec = {"min": {"field": "mulai", "days": 1}, "max": {"field": "mulai", "days": 30}}
    assert words(spec, labels, "id") == (
        "Paling cepat 1 hari setelah «Tanggal mulai», paling lambat 30 hari setelah «Tanggal mulai»."
    )
    assert words({"max": {"field": "mulai", "days": -2}}, {"mulai": "Start"}, "en") == (
        "At the latest 2 days before «Start»."
    )
    assert words({"min": {"month": 7, "day": 1}}, {}, "id") == "Paling cepat 1 Juli tahun ini."
    assert words({"max": {"month": 6, "day": 30, "years": 1}}, {}, "en") == (
        "Until 30 June next year."
    )
    assert words({"min": "today", "max": "today+30d"}, {}, "id") == ""
