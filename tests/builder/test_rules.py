"""Form rules and computed values: definitions, builder checks, evaluation, both readings."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import computed
from builder.compiler import compile_definition
from builder.validate import validate
from tests.builder.conftest import fresh_definition, mutate, problems_of
from tests.builder.rules_fixture import rules_definition

TODAY = dt.date(2026, 6, 1)
BASE: dict[str, Any] = {
    "nik": "3171015705900001",
    "nama": "Siti Aminah",
    "tanggal_lahir": "1990-05-17",
    "jenis_kelamin": "perempuan",
    "telepon": "+6281234567890",
    "alasan": "kerja",
    "ktp": {
        "id": "abcdefghijklmnop",
        "name": "ktp.jpg",
        "size": 150_000,
        "content_type": "image/jpeg",
    },
    "mulai": "2026-03-01",
    "selesai": "2026-03-10",
    "jumlah_anggota": 2,
    "anggota": [
        {"nama_anggota": "Budi", "peran": "kepala", "penghasilan": 3000000},
        {"nama_anggota": "Siti", "peran": "anggota", "penghasilan": 1000000},
    ],
    "setuju": True,
}


def test_a_definition_with_rules_and_computed_values_is_valid() -> None:
    assert problems_of(rules_definition()) == []


def test_a_definition_without_rules_compiles_as_before() -> None:
    service = compile_definition(fresh_definition())
    assert "x-loket-rules" not in service.schema
    assert service.rules == () and service.computed == {}


@pytest.mark.parametrize(
    ("pointer", "value", "expected"),
    [
        (
            "/form/rules/0/compare/left",
            {"field": "selesei"},
            ("/form/rules/0/compare/left/field", "expression-unknown-field"),
        ),
        (
            "/form/rules/0/compare/right",
            {"value": 3},
            ("/form/rules/0/compare/op", "rule-type-mismatch"),
        ),
        (
            "/form/rules/0/compare/right",
            {"field": "jenis_kelamin"},
            ("/form/rules/0/compare/op", "rule-type-mismatch"),
        ),
        ("/form/rules/0/at", "nama", ("/form/rules/0/at", "rule-at-not-read")),
        (
            "/form/rules/0/unique",
            {"group": "anggota", "field": "nama_anggota"},
            ("/form/rules/0", "rule-test-count"),
        ),
        (
            "/form/rules/4/unique/field",
            "umur",
            ("/form/rules/4/unique/field", "expression-unknown-child"),
        ),
        (
            "/form/rules/2/count_equals/group",
            "mulai",
            ("/form/rules/2/count_equals/group", "expression-not-group"),
        ),
        (
            "/form/computed/umur",
            {"age": {"field": "jumlah_anggota"}},
            ("/form/computed/umur/age", "expression-wrong-type"),
        ),
        (
            "/form/computed/lama",
            {"days_between": [{"field": "mulai"}, {"value": "2026-13-01"}]},
            ("/form/computed/lama/days_between/1/value", "expression-bad-date"),
        ),
        (
            "/form/computed/total",
            {"add": [{"computed": "per_orang"}, 1]},
            ("/form/computed/total", "computed-cycle"),
        ),
        (
            "/form/computed/nama",
            {"count": "anggota"},
            ("/form/computed/nama", "computed-name-taken"),
        ),
        (
            "/form/computed/banyak",
            {"count": "angota"},
            ("/form/computed/banyak/count", "expression-unknown-field"),
        ),
        (
            "/form/computed/per_orang",
            {"divide": [{"computed": "totl"}, 2]},
            ("/form/computed/per_orang/divide/0/computed", "expression-unknown-computed"),
        ),
        (
            "/form/rules/3/exactly_one/where",
            {"field": "peranan", "equals": "kepala"},
            ("/form/rules/3/exactly_one/where/field", "condition-unknown-field"),
        ),
    ],
)
def test_invalid_rules_and_computed_values_are_named(
    pointer: str, value: Any, expected: tuple[str, str]
) -> None:
    defn = mutate(rules_definition(), pointer, value)
    assert expected in problems_of(defn)


def test_the_shown_beside_field_must_be_on_the_page_of_the_last_field() -> None:
    defn = rules_definition()
    defn["form"]["rules"].append(
        {
            "compare": {
                "left": {"field": "selesai"},
                "op": "gt",
                "right": {"field": "tanggal_lahir"},
            },
            "at": "tanggal_lahir",
            "message": "Tanggal selesai harus setelah tanggal lahir.",
        }
    )
    found = [p for p in problems_of(defn) if p[1] == "rule-at-not-last-page"]
    assert found == [("/form/rules/5/at", "rule-at-not-last-page")]


def test_a_rule_without_message_is_refused_by_the_meta_schema() -> None:
    defn = rules_definition()
    del defn["form"]["rules"][0]["message"]
    assert ("/form/rules/0/message", "missing-key") in problems_of(defn)


def test_a_rule_on_a_computed_value_from_a_field_that_may_be_hidden_warns() -> None:
    defn = rules_definition()
    defn["form"]["rules"].append(
        {
            "compare": {"left": {"computed": "lama"}, "op": "lte", "right": 10},
            "at": "selesai",
            "message": "Paling lama 10 hari.",
        }
    )
    assert problems_of(defn) == []
    defn["form"]["pages"][2]["fields"][0]["visible_if"] = {"field": "alasan", "equals": "lainnya"}
    found = [p for p in validate(defn) if p.code == "computed-may-be-hidden"]
    assert [(p.pointer, p.severity) for p in found] == [("/form/rules/5", "warning")]
    assert "'mulai'" in found[0].text("en")


@pytest.mark.parametrize(
    ("pointer", "value", "expected"),
    [
        ("/form/computed/umur", {"age": "x"}, ("/form/computed/umur/age", "bad-expression")),
        (
            "/form/computed/lama",
            {"agee": {"field": "mulai"}},
            ("/form/computed/lama", "bad-expression"),
        ),
        (
            "/form/computed/total",
            {"sum": {"group": "anggota"}},
            ("/form/computed/total/sum/field", "missing-key"),
        ),
        ("/form/rules/0/compare/op", "ge", ("/form/rules/0/compare/op", "bad-value")),
        ("/form/rules/1/days_apart/at_most", -1, ("/form/rules/1/days_apart/at_most", "too-small")),
    ],
)
def test_malformed_rules_and_expressions_are_named_by_the_meta_schema(
    pointer: str, value: Any, expected: tuple[str, str]
) -> None:
    assert expected in problems_of(mutate(rules_definition(), pointer, value))


def _check(answers: dict[str, Any]) -> list[tuple[str, str]]:
    service = compile_definition(rules_definition())
    _, errors = service.check(answers, TODAY)
    return [(e.pointer, e.rule) for e in errors]


def test_valid_answers_pass_every_rule() -> None:
    assert _check(BASE) == []


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"selesai": "2026-02-28"}, "/selesai"),
        ({"selesai": "2026-04-30"}, "/selesai"),
        ({"jumlah_anggota": 3}, "/anggota"),
        (
            {
                "anggota": [
                    {"nama_anggota": "A", "peran": "anggota"},
                    {"nama_anggota": "B", "peran": "anggota"},
                ]
            },
            "/anggota",
        ),
        (
            {
                "anggota": [
                    {"nama_anggota": "A", "peran": "kepala"},
                    {"nama_anggota": "A", "peran": "anggota"},
                ]
            },
            "/anggota",
        ),
    ],
)
def test_a_broken_rule_is_an_error_beside_its_field(change: dict[str, Any], pointer: str) -> None:
    assert (pointer, "rule") in _check({**BASE, **change})


def test_a_rule_with_an_unanswered_field_is_skipped() -> None:
    answers = {k: v for k, v in BASE.items() if k != "jumlah_anggota"}
    assert _check(answers) == []


def test_a_rule_is_checked_on_the_page_of_its_last_field() -> None:
    service = compile_definition(rules_definition())
    bad = {**BASE, "selesai": "2026-01-01"}
    assert service.page_errors("pemohon", bad, TODAY) == []
    errors = service.page_errors("keluarga", bad, TODAY)
    assert [(e.pointer, e.rule) for e in errors] == [("/selesai", "rule")]
    assert errors[0].text("en") == "The end date cannot be before the start date."


def test_computed_values() -> None:
    service = compile_definition(rules_definition())
    found = service.computed_values(service.prune(BASE, TODAY), TODAY)
    assert found == {
        "umur": 36,
        "umur_nik": 35,
        "lama": 9,
        "banyak": 2,
        "total": 4000000,
        "per_orang": 2000000,
    }


def test_a_computed_value_from_a_hidden_field_is_empty() -> None:
    defn = rules_definition()
    defn["form"]["pages"][2]["fields"][0]["visible_if"] = {"field": "alasan", "equals": "lainnya"}
    service = compile_definition(defn)
    pruned = service.prune(BASE, TODAY)
    assert "mulai" not in pruned
    assert service.computed_values(pruned, TODAY)["lama"] is None
    assert ("/selesai", "rule") not in [
        (e.pointer, e.rule) for e in service.validate({**pruned, "selesai": "2020-01-01"}, TODAY)
    ]


def test_a_condition_reads_a_computed_value() -> None:
    defn = rules_definition()
    defn["form"]["pages"][2]["fields"][2]["visible_if"] = {"field": "umur", "gte": 40}
    service = compile_definition(defn)
    assert "jumlah_anggota" not in service.prune(BASE, TODAY)
    older = {**BASE, "tanggal_lahir": "1980-01-01"}
    assert service.prune(older, TODAY)["jumlah_anggota"] == 2


def test_arithmetic_and_age_at_a_reference_date() -> None:
    defs = {
        "a": {"subtract": [{"multiply": [{"field": "x"}, 3]}, {"add": [1, 2]}]},
        "b": {"divide": [{"field": "x"}, 0]},
        "c": {"age": {"field": "d"}, "at": {"field": "e"}},
    }
    found = computed.evaluate_all(defs, {"x": 5, "d": "2000-02-29", "e": "2018-02-28"})
    assert found == {"a": 12, "b": None, "c": 17}


# -- both readings agree: the web path (page by page, then submit) and the API path ---------

_DATES = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2026, 5, 1)).map(
    lambda d: d.isoformat()
)
_ITEM = st.fixed_dictionaries(
    {
        "nama_anggota": st.sampled_from(["Ani", "Budi", "Citra"]),
        "peran": st.sampled_from(["kepala", "anggota"]),
    },
    optional={"penghasilan": st.integers(min_value=0, max_value=10)},
)
_SERVICE = compile_definition(rules_definition())


@settings(max_examples=150, deadline=None)
@given(
    mulai=_DATES,
    selesai=_DATES,
    jumlah=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    items=st.lists(_ITEM, min_size=0, max_size=4),
)
def test_web_and_api_paths_reject_the_same_answers(
    mulai: str, selesai: str, jumlah: int | None, items: list[dict[str, Any]]
) -> None:
    answers = {**copy.deepcopy(BASE), "mulai": mulai, "selesai": selesai, "anggota": items}
    if jumlah is None:
        del answers["jumlah_anggota"]
    else:
        answers["jumlah_anggota"] = jumlah
    # API: one check of the whole submission; the compiled schema's verdict agrees.
    pruned, api_errors = _SERVICE.check(answers, TODAY)
    rule_api = sorted(e.pointer for e in api_errors if e.rule == "rule")
    # Web: page by page; the rule errors appear on the family page only.
    web = sorted(
        e.pointer
        for page in _SERVICE.pages
        for e in _SERVICE.page_errors(page.id, answers, TODAY)
        if e.rule == "rule"
    )
    assert sorted(set(web)) == sorted(set(rule_api))
    from builder.compiler import fast_check

    fast = fast_check({"x-loket-rules": _SERVICE.schema["x-loket-rules"]})
    assert fast is not None
    assert fast(pruned) == (not rule_api)
    full_rules_errors = list(_SERVICE.validator.iter_errors(pruned))
    assert any(e.validator == "x-loket-rules" for e in full_rules_errors) == bool(rule_api)


def test_the_review_diff_names_rules_and_computed_values_in_words() -> None:
    from builder.diff import diff

    old = rules_definition()
    new = rules_definition()
    new["form"]["rules"][0]["compare"]["op"] = "gt"
    del new["form"]["rules"][4]
    new["form"]["computed"]["banyak"] = {"add": [{"count": "anggota"}, 1]}
    texts = {(c.kind, c.area, c.pointer): c.text("en") for c in diff(old, new)}
    assert texts[("changed", "rule", "/form/rules/0")] == (
        "Rule changed: 'Tanggal selesai' ≥ 'Tanggal mulai' → 'Tanggal selesai' > 'Tanggal mulai'."
    )
    assert texts[("removed", "rule", "/form/rules/4")] == (
        "Rule removed: no two items of 'Anggota keluarga' share 'Nama'."
    )
    assert texts[("changed", "computed", "/form/computed/banyak")] == (
        "Computed value 'banyak' changed: (number of items of 'Anggota keluarga' + 1)."
    )
    added = diff(fresh_definition(), old)
    assert any(c.kind == "added" and c.area == "rule" for c in added)
    assert diff(old, rules_definition()) == []


def test_the_compiled_schema_reads_a_condition_on_a_computed_value_like_the_checker() -> None:
    from builder.compiler import fast_check

    defn = rules_definition()
    field = defn["form"]["pages"][2]["fields"][2]  # jumlah_anggota
    field["visible_if"] = {"field": "umur", "gte": 40}
    field["required"] = True
    service = compile_definition(defn)
    check = fast_check(service.schema)
    assert check is not None
    for born, shown in (("1990-05-17", False), ("1980-01-01", True)):
        answers = {**BASE, "tanggal_lahir": born}
        pruned, errors = service.check(answers, TODAY)
        assert ("jumlah_anggota" in pruned) is shown
        assert errors == []
        assert check(pruned) and service.validator.is_valid(pruned)
        wrong = (
            {k: v for k, v in pruned.items() if k != "jumlah_anggota"}
            if shown
            else {
                **pruned,
                "jumlah_anggota": 2,
            }
        )
        assert not check(wrong) and not service.validator.is_valid(wrong)


def test_a_condition_on_a_computed_value_of_the_same_field_is_a_cycle() -> None:
    defn = rules_definition()
    defn["form"]["pages"][2]["fields"][2]["visible_if"] = {"field": "banyak", "gte": 1}
    assert problems_of(defn) == []
    defn["form"]["computed"]["banyak"] = {
        "add": [{"count": "anggota"}, {"field": "jumlah_anggota"}]
    }
    assert ("/form/pages/2/fields/2/visible_if", "condition-cycle") in problems_of(defn)
