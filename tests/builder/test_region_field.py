"""The region field: its data, the builder's checks, its compiled schema, parsing and display."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from builder_testing import Change, case, problems_of, put, steps

from builder import regions
from builder.compiler import compile_definition, fast_check
from builder.fields import field_type
from builder.validate import validate

P0 = "/form/pages/0/fields"
GROUP = "/form/pages/1/fields/5/fields"
KOTA = {"key": "wilayah", "type": "region", "label": "Kelurahan", "within": "18.71"}
REGION = field_type("region")


def test_the_data_has_the_four_levels_with_official_codes() -> None:
    data = regions.data()
    assert data.source.startswith("idn-area-data 4.0.1")
    assert regions.name("18") == "Lampung"
    assert regions.name("18.71") == "Kota Bandar Lampung"
    assert regions.name("18.71.01") == "Kedaton"
    assert len(regions.children("")) == 38  # provinces
    assert len(regions.children("18.71")) == 20  # kecamatan of Bandar Lampung
    assert sum(len(regions.children(k)) for k in regions.children("18.71")) == 126
    assert all(regions.parent(c) == "18.71" for c in regions.children("18.71"))
    names = [regions.name(c) for c in regions.children("18.71")]
    assert names == sorted(names, key=str.casefold)
    assert [regions.level_of(c) for c in ("18", "18.71", "18.71.01", "18.71.01.1003")] == list(
        regions.LEVELS
    )
    assert regions.level_of("") is None


@pytest.mark.parametrize(
    ("raw", "within", "level", "expected"),
    [
        (["18", "18.71", "18.71.01", ""], None, "village", "18.71.01"),
        (["17", "18.71", "18.71.01"], None, "village", "17"),  # province changed: rest dropped
        (["18.71.01", "18.71.01.1003"], "18.71", "village", "18.71.01.1003"),
        (["18.71.01.1003"], "18.71", "village", "18.71.01.1003"),  # the code alone
        (["17.71"], "18", "regency", None),  # outside the area
        (["18.71"], "18.71", "village", None),  # the area itself is no answer
        (["18", "18.71", "18.71.01"], None, "regency", "18.71"),  # never below the level
        (["99"], None, "village", None),
        (["", "18.71"], None, "village", None),
        ([], None, "village", None),
    ],
)
def test_the_deepest_consistent_choice_is_kept(
    raw: list[str], within: str | None, level: str, expected: str | None
) -> None:
    assert regions.deepest(raw, within, level) == expected


def _with(definition: dict[str, Any], *fields: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(definition)
    result["form"]["pages"][0]["fields"].extend(copy.deepcopy(list(fields)))
    return result


def test_a_region_field_is_valid(valid_definition: dict[str, Any]) -> None:
    assert problems_of(_with(valid_definition, KOTA)) == []
    put(GROUP + "/-", {**KOTA, "key": "wilayah_tanggungan"})(
        valid_definition
    )  # in a group item too
    assert problems_of(valid_definition) == []
    bare = {"key": "asal", "type": "region", "label": "Provinsi asal", "level": "province"}
    assert problems_of(_with(valid_definition, bare)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        case(
            "unknown-area",
            put(P0 + "/-", {**KOTA, "within": "18.99"}),
            (P0 + "/7/within", "region-unknown"),
        ),
        case(
            "area-at-the-level",
            put(P0 + "/-", {**KOTA, "within": "18.71.01.1003"}),
            (P0 + "/7/within", "bad-pattern-value"),  # a village holds no area
        ),
        case(
            "area-below-a-district-field",
            put(P0 + "/-", {**KOTA, "within": "18.71.01", "level": "district"}),
            (P0 + "/7/within", "region-within-too-deep"),
        ),
        case(
            "in-a-group",
            put(GROUP + "/-", {**KOTA, "key": "asal", "within": "1"}),
            (GROUP + "/3/within", "bad-pattern-value"),
        ),
        case("bad-level", put(P0 + "/-", {**KOTA, "level": "rt"}), (P0 + "/7/level", "bad-value")),
        case(
            "unknown-key",
            put(P0 + "/-", {**KOTA, "options": []}),
            (P0 + "/7/options", "unknown-key"),
        ),
        case(
            "condition-operator",
            steps(
                put(P0 + "/-", KOTA),
                put(
                    "/form/pages/1/fields/0/visible_if",
                    {"field": "wilayah", "equals": "18.71.01.1003"},
                ),
            ),
            ("/form/pages/1/fields/0/visible_if/equals", "condition-type-mismatch"),
        ),
    ],
)
def test_invalid_region_fields(
    valid_definition: dict[str, Any], change: Change, expected: list[tuple[str, str]]
) -> None:
    change(valid_definition)
    assert [(p.pointer, p.code) for p in validate(valid_definition)] == expected


def test_an_unknown_area_gets_a_hint_with_real_codes(valid_definition: dict[str, Any]) -> None:
    found = validate(_with(valid_definition, {**KOTA, "within": "18.99"}))
    assert found[0].hint is not None
    assert (
        "Di bawah 18 (Lampung) ada antara lain: 18.04 (Kabupaten Lampung Barat)"
        in (found[0].hint["id"])
    )
    assert "18.99" in found[0].message["en"]


def _compiled(valid_definition: dict[str, Any], spec: dict[str, Any]) -> Any:
    return compile_definition(_with(valid_definition, spec))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("18.71.01.1003", True),
        ({"code": "18.71.01.1003", "names": ["salah"]}, True),  # names come from the data
        ("18.71.01", False),  # above the level
        ("18.72.01.1001", False),  # outside Bandar Lampung (or unknown)
        ("17.71.01.1001", False),
        ("99", False),
        (18, False),
        ({"code": "18.71.01.9999", "names": []}, False),
        ({"names": []}, False),
        (["18.71.01.1003"], False),
    ],
)
def test_schema_and_parsing_agree(valid_definition: dict[str, Any], value: Any, ok: bool) -> None:
    service = _compiled(valid_definition, {**KOTA, "required": True})
    answers = {"nik": "1871015708900001", "nama": "Budi", "wilayah": value}
    pruned = service.prune(answers)
    stored = pruned.get("wilayah")
    errors = [e for e in service.validate(pruned) if e.key == "wilayah"]
    assert (errors == []) is ok, errors
    check = fast_check(service.value_validator.schema)
    assert check is not None
    assert check({"wilayah": stored}) is ok
    assert service.value_validator.is_valid({"wilayah": stored}) is ok
    if ok:
        assert stored == regions.record("18.71.01.1003")
        assert stored["names"] == ["Lampung", "Kota Bandar Lampung", "Kedaton", "Kedaton"]
        # what the web form posts for the same area parses to the same stored answer
        parsed, rule = REGION.parse(KOTA, ["18.71.01", "18.71.01.1003"])
        assert (parsed, rule) == (stored, None)
    else:
        assert errors[0].pointer == "/wilayah"


def test_an_incomplete_answer_says_how_deep_to_go(valid_definition: dict[str, Any]) -> None:
    service = _compiled(valid_definition, {**KOTA, "required": True})
    _, errors = service.check({"wilayah": "18.71.01"})
    error = next(e for e in errors if e.key == "wilayah")
    assert error.message["id"] == "Pilih Kelurahan sampai kelurahan/desa dari daftar."
    assert (
        error.message["en"]
        == "Select Kelurahan down to the village (kelurahan/desa) from the lists."
    )
    _, errors = service.check({})
    assert next(e for e in errors if e.key == "wilayah").message["id"] == "Pilih Kelurahan."


def test_the_compiled_schema_names_the_rule(valid_definition: dict[str, Any]) -> None:
    service = _compiled(valid_definition, {**KOTA, "level": "district"})
    schema = service.schema["properties"]["wilayah"]
    assert schema["x-loket-region"] == {"level": "district", "within": "18.71"}
    assert schema["required"] == ["code", "names"]


def test_display_reads_the_names_as_filed() -> None:
    stored = {"code": "18.71.01.1003", "names": ["Lampung", "Kota Bandar Lampung", "Kedaton", "X"]}
    assert REGION.display(KOTA, stored, "id") == "X, Kec. Kedaton, Kota Bandar Lampung, Lampung"
    assert REGION.display(KOTA, {"code": "18", "names": ["Lampung"]}, "en") == "Lampung"
    assert REGION.display(KOTA, None, "id") == ""


def test_the_review_diff_names_the_area(valid_definition: dict[str, Any]) -> None:
    from builder.diff import diff

    old = _with(valid_definition, KOTA)
    new = _with(valid_definition, {**KOTA, "within": "18.72", "level": "district"})
    found = {c.pointer: c for c in diff(old, new)}
    within = found[P0 + "/7/within"]
    assert within.message["id"] == (
        "Field 'Kelurahan': wilayah “18.71” (Kota Bandar Lampung) → “18.72” (Kota Metro)."
    )
    assert found[P0 + "/7/level"].message["en"] == (
        "Field 'Kelurahan': area level (empty) → “district”."
    )
    added = diff(valid_definition, old)
    assert [(c.kind, c.pointer) for c in added] == [("added", P0 + "/7")]


def test_the_studio_edits_a_region_field(valid_definition: dict[str, Any]) -> None:
    from builder import edit

    added = edit.add_field(valid_definition, "/form/pages/0", "region", "Kelurahan")
    pointer = P0 + "/7"
    assert edit.field_at(added, pointer)["type"] == "region"
    assert "within" in edit.field_properties("region")
    changed = edit.update_field(added, pointer, {"within": " 18.71 ", "level": "district"})
    spec = edit.field_at(changed, pointer)
    assert (spec["within"], spec["level"]) == ("18.71", "district")
    assert problems_of(changed) == []
    cleared = edit.update_field(changed, pointer, {"within": "", "level": ""})
    assert "within" not in edit.field_at(cleared, pointer)
    assert "level" not in edit.field_at(cleared, pointer)
