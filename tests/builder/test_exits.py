"""Exit pages: checks of the definition and the one evaluator the form and the API share."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from builder_testing import problems_of

from builder.compiler import compile_definition, fast_check
from builder.validate import validate

OUTSIDE = {
    "id": "luar_kota",
    "when": {"field": "alasan", "equals": "lainnya"},
    "title": {"id": "Layanan ini bukan untuk Anda", "en": "This service is not for you"},
    "text": {"id": "Ajukan di kecamatan.", "en": "Apply at the district office."},
    "link": {"url": "https://kecamatan.contoh.go.id", "label": "Kantor kecamatan"},
}


def _with_exit(defn: dict[str, Any], where: str = "page", **change: Any) -> dict[str, Any]:
    defn = copy.deepcopy(defn)
    spec = {**copy.deepcopy(OUTSIDE), **change}
    if where == "page":
        defn["form"]["pages"][1]["exits"] = [spec]
    else:
        defn["form"]["exits"] = [spec]
    return defn


def test_page_and_form_exits_are_valid(valid_definition: dict[str, Any]) -> None:
    assert problems_of(_with_exit(valid_definition)) == []
    assert problems_of(_with_exit(valid_definition, "form")) == []


@pytest.mark.parametrize(
    ("where", "change", "expected"),
    [
        (
            "page",
            {"when": {"field": "setuju", "filled": True}},
            [("/form/pages/1/exits/0/when/field", "condition-later-field")],
        ),
        (
            "page",
            {"when": {"field": "alasn", "equals": "lainnya"}},
            [("/form/pages/1/exits/0/when/field", "condition-unknown-field")],
        ),
        (
            "form",
            {"when": {"field": "alasan", "equals": "bukan"}},
            [("/form/exits/0/when/equals", "condition-bad-value")],
        ),
        (
            "page",
            {"link": {"url": "http://contoh.go.id", "label": "x"}},
            [("/form/pages/1/exits/0/link/url", "bad-pattern-value")],
        ),
        (
            "page",
            {"text": {"en": "Only English"}},
            [("/form/pages/1/exits/0/text", "missing-indonesian")],
        ),
        ("page", {"id": "Luar Kota"}, [("/form/pages/1/exits/0/id", "bad-identifier")]),
    ],
)
def test_a_bad_exit_is_named_with_its_pointer(
    valid_definition: dict[str, Any],
    where: str,
    change: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    assert problems_of(_with_exit(valid_definition, where, **change)) == expected


def test_exit_ids_are_unique(valid_definition: dict[str, Any]) -> None:
    defn = _with_exit(valid_definition)
    defn["form"]["exits"] = [copy.deepcopy(OUTSIDE)]
    found = validate(defn)
    assert [(p.pointer, p.code) for p in found] == [("/form/exits/0/id", "duplicate-exit-id")]
    assert found[0].hint is not None


def test_the_exit_holds_only_for_its_answers_and_while_its_page_is_shown(
    valid_definition: dict[str, Any],
) -> None:
    defn = _with_exit(valid_definition)
    defn["form"]["pages"][1]["visible_if"] = {"field": "nama", "not_equals": "Tamu"}
    compiled = compile_definition(defn)
    assert compiled.exit_for({"alasan": "kerja"}) is None
    stop = compiled.exit_for({"alasan": "lainnya"})
    assert stop is not None and stop.id == "luar_kota" and stop.page_id == "keperluan"
    assert stop.title("en") == "This service is not for you"
    assert stop.link_url == "https://kecamatan.contoh.go.id"
    assert compiled.exit_for({"alasan": "lainnya"}, upto=0) is None  # not reached yet
    assert compiled.exit_for({"nama": "Tamu", "alasan": "lainnya"}) is None  # page hidden
    # the submission schema refuses the same answers
    check = fast_check(compiled.schema)
    assert check is not None
    answers = {"alasan": "lainnya", "alasan_lain": "Pindah"}
    assert check(answers) is False
    assert any(e.validator == "x-loket-exits" for e in compiled.validator.iter_errors(answers))
    assert not any(
        e.validator == "x-loket-exits" for e in compiled.validator.iter_errors({"alasan": "kerja"})
    )


def test_a_form_exit_is_checked_on_the_page_of_the_last_answer_it_reads(
    valid_definition: dict[str, Any],
) -> None:
    when = {"all": [{"field": "jumlah_anak", "gt": 5}, {"field": "alasan", "equals": "kerja"}]}
    compiled = compile_definition(_with_exit(valid_definition, "form", when=when))
    (stop,) = compiled.exits
    assert (stop.page_id, stop.own_page) == ("keperluan", False)
    assert compiled.exit_for({"jumlah_anak": 6, "alasan": "kerja"}, upto=0) is None
    assert compiled.exit_for({"jumlah_anak": 6, "alasan": "kerja"}, upto=1) == stop


def test_the_review_diff_names_exit_pages_in_words(valid_definition: dict[str, Any]) -> None:
    from builder.diff import diff

    before = valid_definition
    after = _with_exit(valid_definition)
    (added,) = [c for c in diff(before, after) if c.area == "exit"]
    assert (added.kind, added.pointer) == ("added", "/form/pages/1/exits/0")
    assert added.text("id") == (
        "Halaman keluar 'Layanan ini bukan untuk Anda' ditambahkan: pemohon dihentikan bila"
        " «Alasan» sama dengan «Lainnya»."
    )
    changed = _with_exit(valid_definition, when={"field": "alasan", "equals": "kerja"})
    (moved,) = [c for c in diff(after, changed) if c.area == "exit"]
    assert moved.text("en") == (
        "Exit page 'This service is not for you' now applies when «Alasan» is «Pekerjaan»."
    )
    (removed,) = [c for c in diff(after, before) if c.area == "exit"]
    assert removed.kind == "removed"
