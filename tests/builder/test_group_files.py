"""A file field inside a repeatable group (a birth certificate per family member)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from builder_testing import problems_of

from builder.compiler import compile_definition

GROUP = ("form", "pages", 1, "fields", 5, "fields")  # tanggungan's fields
AKTA = {"key": "akta", "type": "file", "label": "Akta", "accept": ["application/pdf"]}
ONE = {"id": "a" * 16, "name": "akta.pdf", "size": 2048, "content_type": "application/pdf"}


def _with(defn: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    defn = copy.deepcopy(defn)
    node: Any = defn
    for part in GROUP:
        node = node[part]
    node.append(extra)
    return defn


def test_a_file_inside_a_group_is_accepted(valid_definition: dict[str, Any]) -> None:
    defn = _with(valid_definition, {**AKTA, "required": True})
    assert problems_of(defn) == []
    compiled = compile_definition(defn)
    page = defn["form"]["pages"][1]["id"]
    today = dt.date(2026, 1, 1)
    item = {"nama_tanggungan": "Budi", "hubungan": "anak"}
    answers = {"alasan": "kerja", "punya_tanggungan": True, "tanggungan": [item]}
    missing = compiled.page_errors(page, answers, today)
    assert [(e.pointer, e.rule) for e in missing] == [("/tanggungan/0/akta", "required")]
    answers["tanggungan"] = [{**item, "akta": ONE}]
    assert compiled.page_errors(page, answers, today) == []
    answers["tanggungan"] = [{**item, "akta": {**ONE, "content_type": "image/png"}}]
    refused = compiled.page_errors(page, answers, today)
    assert [e.pointer for e in refused] == ["/tanggungan/0/akta"]  # beside the item's field


def test_a_file_in_a_group_keeps_the_file_checks(valid_definition: dict[str, Any]) -> None:
    defn = _with(valid_definition, {**AKTA, "accept": ["application/zip"], "max_mb": 50})
    codes = problems_of(defn)
    pointer = "/form/pages/1/fields/5/fields/3"
    assert (pointer + "/accept/0", "file-type-not-allowed") in codes
    assert (pointer + "/max_mb", "file-too-large") in codes


def test_a_group_inside_a_group_is_still_refused(valid_definition: dict[str, Any]) -> None:
    sub = {"key": "sub", "type": "group", "label": "Sub", "fields": [AKTA]}
    codes = problems_of(_with(valid_definition, sub))
    assert ("/form/pages/1/fields/5/fields/3/type", "nested-group") in codes


def test_a_sensitive_file_inside_a_group_is_accepted(valid_definition: dict[str, Any]) -> None:
    """The case page's reveal step covers each item's file (tests/runtime/office)."""
    assert problems_of(_with(valid_definition, {**AKTA, "sensitive": True})) == []
    assert problems_of(_with(valid_definition, {**AKTA, "sensitive": False})) == []
