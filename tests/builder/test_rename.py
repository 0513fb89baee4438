"""Renaming a computed value or a shared option list: the declaration and every reference the
validator reads, nothing else; a taken or invalid name refused with nothing changed; a rename
and its reverse give the definition back."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from builder import rename
from builder.canonical import canonical_bytes
from builder.edit import EditError
from builder.references import broken_by
from builder.validate import validate
from tests.builder.rules_fixture import rules_definition

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"


def _problems(definition: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((p.severity, p.code, p.pointer or "") for p in validate(definition))


def _dump(definition: dict[str, Any]) -> str:
    return json.dumps(definition, ensure_ascii=False)


def _with_age_everywhere() -> dict[str, Any]:
    """The rules definition with the computed value `umur` read in every place that may read
    it: other computed values (nested too), rules' operands, pages', fields' and exits'
    conditions (inside all/any/not too)."""
    defn = rules_definition()
    form = defn["form"]
    form["computed"]["dua_umur"] = {"multiply": [{"computed": "umur"}, 2]}
    form["computed"]["umur_lagi"] = {"add": [{"multiply": [{"computed": "umur"}, 1]}, 0]}
    form["rules"].append(
        {
            "id": "cukup_umur",
            "compare": {"left": {"computed": "umur"}, "op": "gte", "right": {"value": 17}},
            "at": "tanggal_lahir",
            "message": {"id": "Belum cukup umur.", "en": "Too young."},
        }
    )
    form["rules"].append(
        {
            "compare": {
                "left": {"field": "jumlah_anak"},
                "op": "lte",
                "right": {"add": [{"computed": "umur"}, 1]},
            },
            "at": "jumlah_anak",
            "message": "Terlalu banyak anak.",
        }
    )
    pages = form["pages"]
    pages[1]["visible_if"] = {"field": "umur", "gte": 10}
    alasan_lain = pages[1]["fields"][1]
    alasan_lain["visible_if"] = {
        "all": [alasan_lain["visible_if"], {"not": {"field": "umur", "lt": 10}}]
    }
    exit_text = {"title": "Layanan ini bukan untuk Anda", "text": "Ajukan di kecamatan."}
    pages[1]["exits"] = [{"id": "terlalu_muda", "when": {"field": "umur", "lt": 10}, **exit_text}]
    form["exits"] = [
        {
            "id": "terlalu_tua",
            "when": {"any": [{"field": "umur", "gt": 150}, {"field": "jumlah_anak", "gt": 30}]},
            **exit_text,
        }
    ]
    return defn


def test_the_definition_reads_the_age_everywhere_and_is_valid() -> None:
    defn = _with_age_everywhere()
    assert [p for p in _problems(defn) if p[0] == "error"] == []
    # the declaration, 2 computed values, 2 rules, 1 page, 1 field, 2 exits
    assert _dump(defn).count('"umur"') == 9
    assert len(rename.computed_uses(defn, "umur")) == 8


def test_a_rename_rewrites_every_reference_and_nothing_else() -> None:
    defn = _with_age_everywhere()
    before = copy.deepcopy(defn)
    after = rename.rename_computed(defn, "umur", "usia")
    assert defn == before  # the input is untouched
    assert after == json.loads(_dump(defn).replace('"umur"', '"usia"'))
    assert list(after["form"]["computed"]) == [
        "usia" if name == "umur" else name for name in defn["form"]["computed"]
    ]
    assert rename.computed_uses(after, "umur") == []
    assert len(rename.computed_uses(after, "usia")) == 8
    renamed = [(s, c, p.replace("/umur", "/usia")) for s, c, p in _problems(defn)]
    assert _problems(after) == sorted(renamed)
    assert broken_by(defn, after) == []


def test_without_the_rewrite_the_validator_would_see_broken_references() -> None:
    """The places rewritten are references the validator checks: renaming only the declaration
    breaks each of them."""
    defn = _with_age_everywhere()
    only_declared = copy.deepcopy(defn)
    named = only_declared["form"]["computed"]
    only_declared["form"]["computed"] = {
        ("usia" if k == "umur" else k): v for k, v in named.items()
    }
    unknown = {"expression-unknown-computed", "condition-unknown-field"}
    broken = {(p.code, p.pointer) for p in broken_by(defn, only_declared) if p.code in unknown}
    assert {code for code, _ in broken} == unknown
    assert len(broken) == 8


def test_what_does_not_read_the_computed_value_is_left_as_written() -> None:
    """A guard and an officer field's condition read fields only: an officer field may share
    the computed value's name, and its tests stay."""
    defn = _with_age_everywhere()
    verify = defn["workflow"]["transitions"][0]
    verify["fields"] = [
        {"key": "catatan", "type": "text", "label": "Catatan"},
        {
            "key": "alasan_tolak",
            "type": "text",
            "label": "Alasan",
            "visible_if": {"field": "catatan", "filled": True},
        },
    ]
    verify["guard"] = {"field": "jumlah_anak", "gte": 0}
    after = rename.rename_computed(defn, "umur", "usia")
    assert after["workflow"] == defn["workflow"]
    assert after["form"]["pages"][0] == defn["form"]["pages"][0]


@pytest.mark.parametrize(
    ("new_name", "words"),
    [
        ("lama", "sudah ada"),  # another computed value
        ("nama", "kunci isian"),  # a field's key: conditions read both by name
        ("penghasilan", "kunci isian"),  # a group's field
        ("Umur Baru", "huruf kecil"),
        ("", "huruf kecil"),
    ],
)
def test_a_taken_or_invalid_name_is_refused_and_nothing_changes(new_name: str, words: str) -> None:
    defn = _with_age_everywhere()
    before = copy.deepcopy(defn)
    with pytest.raises(EditError) as refused:
        rename.rename_computed(defn, "umur", new_name)
    assert words in refused.value.text("id")
    assert refused.value.text("en")
    assert defn == before


def test_an_unknown_computed_value_is_refused() -> None:
    with pytest.raises(EditError, match="no computed 'tidak_ada'"):
        rename.rename_computed(_with_age_everywhere(), "tidak_ada", "apa")


def test_the_same_name_changes_nothing() -> None:
    defn = _with_age_everywhere()
    assert rename.rename_computed(defn, "umur", " umur ") == defn


# -- shared option lists ---------------------------------------------------------------------------

SEKOLAH = [
    {"value": "smpn1", "label": "SMPN 1", "group": "zonasi"},
    {"value": "lain", "label": "Lainnya"},
]


def _with_lists() -> dict[str, Any]:
    """A list `sekolah` taken by a field whose key is also `sekolah`, a group's field and an
    officer field; a second list `minat`; a filter."""
    defn = rules_definition()
    defn["option_lists"] = {
        "minat": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        "sekolah": copy.deepcopy(SEKOLAH),
        "zona": [{"value": "zonasi", "label": "Zonasi"}, {"value": "luar", "label": "Luar"}],
    }
    page = defn["form"]["pages"][0]["fields"]
    page.append({"key": "zona", "type": "choice", "label": "Zona", "options_from": "zona"})
    page.append(
        {
            "key": "sekolah",
            "type": "choice",
            "label": "Sekolah",
            "options_from": "sekolah",
            "filter_by": "zona",
        }
    )
    page.append({"key": "minat", "type": "multichoice", "label": "Minat", "options_from": "minat"})
    members = defn["form"]["pages"][2]["fields"][3]["fields"]
    members.append(
        {"key": "sekolah_anggota", "type": "choice", "label": "Sekolah", "options_from": "sekolah"}
    )
    defn["workflow"]["transitions"][0]["fields"] = [
        {"key": "sekolah_cek", "type": "choice", "label": "Sekolah", "options_from": "sekolah"}
    ]
    return defn


def test_a_list_rename_rewrites_every_field_that_takes_it() -> None:
    defn = _with_lists()
    assert [p for p in _problems(defn) if p[0] == "error"] == []
    assert len(rename.list_uses(defn, "sekolah")) == 3
    before = copy.deepcopy(defn)
    after = rename.rename_option_list(defn, "sekolah", "sekolah_smp")
    assert defn == before
    expected = _dump(defn).replace('"options_from": "sekolah"', '"options_from": "sekolah_smp"')
    expected = expected.replace('"sekolah": [', '"sekolah_smp": [')
    assert after == json.loads(expected)
    assert list(after["option_lists"]) == ["minat", "sekolah_smp", "zona"]
    assert after["form"]["pages"][0]["fields"][-2]["key"] == "sekolah"  # a field's key stays
    assert after["form"]["pages"][0]["fields"][-2]["filter_by"] == "zona"  # a field, not a list
    assert rename.list_uses(after, "sekolah") == []
    assert _problems(after) == _problems(defn)
    assert broken_by(defn, after) == []


@pytest.mark.parametrize(
    ("new_name", "words"), [("minat", "sudah ada"), ("Sekolah SMP", "huruf kecil")]
)
def test_a_list_name_taken_or_invalid_is_refused(new_name: str, words: str) -> None:
    defn = _with_lists()
    before = copy.deepcopy(defn)
    with pytest.raises(EditError) as refused:
        rename.rename_option_list(defn, "sekolah", new_name)
    assert words in refused.value.text("id")
    assert defn == before


def test_a_list_may_take_the_name_of_a_field() -> None:
    """Lists and fields are read in different places: a list named like a field is fine."""
    after = rename.rename_option_list(_with_lists(), "minat", "nama")
    assert [p for p in _problems(after) if p[0] == "error"] == []


def test_an_unknown_list_is_refused() -> None:
    with pytest.raises(EditError, match="no option list 'tidak_ada'"):
        rename.rename_option_list(_with_lists(), "tidak_ada", "apa")


# -- the examples ----------------------------------------------------------------------------------


def _named_examples() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(EXAMPLES.glob("*.json")):
        defn = json.loads(path.read_text(encoding="utf-8"))
        found.extend((path.name, "computed", n) for n in defn["form"].get("computed") or {})
        found.extend((path.name, "list", n) for n in defn.get("option_lists") or {})
    return found


def test_the_examples_have_computed_values_and_lists() -> None:
    kinds = {kind for _, kind, _ in _named_examples()}
    assert kinds == {"computed", "list"}


@pytest.mark.parametrize(("example", "kind", "name"), _named_examples())
def test_a_rename_and_back_gives_the_example_back(example: str, kind: str, name: str) -> None:
    defn = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    change = rename.rename_computed if kind == "computed" else rename.rename_option_list
    renamed = change(defn, name, f"{name}_baru")
    assert renamed != defn
    assert f'"{name}"' not in _dump(renamed) or kind == "list"
    assert broken_by(defn, renamed) == []
    assert [p for p in _problems(renamed) if p[0] == "error"] == []
    back = change(renamed, f"{name}_baru", name)
    assert canonical_bytes(back) == canonical_bytes(defn)
