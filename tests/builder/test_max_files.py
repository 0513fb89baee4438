"""A file field that takes several files (`max_files`): its schema, display and checks."""

from __future__ import annotations

import copy
from typing import Any

from builder_testing import problems_of

from builder.compiler import compile_definition
from builder.fields import field_type

FILE = field_type("file")
ONE = {"id": "a" * 16, "name": "ktp.pdf", "size": 2048, "content_type": "application/pdf"}
TWO = {"id": "b" * 16, "name": "kk.jpg", "size": 4096, "content_type": "image/jpeg"}


def _many(defn: dict[str, Any], count: Any) -> dict[str, Any]:
    defn = copy.deepcopy(defn)
    defn["form"]["pages"][2]["fields"][1]["max_files"] = count
    return defn


def test_one_file_stays_one_object(valid_definition: dict[str, Any]) -> None:
    assert FILE.value_schema({"accept": ["application/pdf"]})["type"] == "object"
    assert FILE.value_schema({"accept": ["application/pdf"], "max_files": 1})["type"] == "object"


def test_several_files_are_a_list_of_up_to_max_files(valid_definition: dict[str, Any]) -> None:
    defn = _many(valid_definition, 2)
    assert problems_of(defn) == []
    compiled = compile_definition(defn)
    assert [e for e in compiled.validate({"ktp": [ONE, TWO]}) if e.key == "ktp"] == []
    too_many = [e for e in compiled.validate({"ktp": [ONE, TWO, ONE]}) if e.key == "ktp"]
    assert [(e.pointer, e.rule, e.text("id")) for e in too_many] == [
        ("/ktp", "max_items", "Isi paling banyak 2 untuk Foto KTP.")
    ]
    one = [e for e in compiled.validate({"ktp": ONE}) if e.key == "ktp"]
    assert [(e.pointer, e.rule) for e in one] == [("/ktp", "invalid")]
    big = {**TWO, "size": 3 * 1024 * 1024}
    assert [e.rule for e in compiled.validate({"ktp": [ONE, big]}) if e.key == "ktp"] == ["max"]


def test_display_lists_the_files() -> None:
    assert FILE.display({}, [ONE, TWO], "id") == "ktp.pdf (2 KB); kk.jpg (4 KB)"
    assert FILE.display({}, ONE, "id") == "ktp.pdf (2 KB)"


def test_bad_counts_and_officer_fields(valid_definition: dict[str, Any]) -> None:
    assert problems_of(_many(valid_definition, 11)) == [
        ("/form/pages/2/fields/1/max_files", "too-big")
    ]
    assert problems_of(_many(valid_definition, 0)) == [
        ("/form/pages/2/fields/1/max_files", "too-small")
    ]
    defn = copy.deepcopy(valid_definition)
    defn["workflow"]["transitions"][0]["fields"] = [
        {
            "key": "surat",
            "type": "file",
            "label": "Surat",
            "accept": ["application/pdf"],
            "max_files": 2,
        }
    ]
    assert problems_of(defn) == [
        ("/workflow/transitions/0/fields/0/max_files", "officer-max-files")
    ]
