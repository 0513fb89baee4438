"""Conditions in words: labels instead of keys, option labels, yes/no, relative dates, and/or/not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builder.condition_text import describe, shown_if
from builder.model import iter_fields

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"


def _definition() -> dict[str, Any]:
    return {
        "form": {
            "pages": [
                {
                    "id": "p",
                    "fields": [
                        {
                            "key": "status",
                            "type": "choice",
                            "label": {"id": "Status tempat tinggal", "en": "Housing"},
                            "options": [
                                {"value": "milik", "label": {"id": "Milik sendiri", "en": "Own"}},
                                {"value": "lainnya", "label": {"id": "Lainnya", "en": "Other"}},
                            ],
                        },
                        {"key": "dtks", "type": "yesno", "label": "Terdaftar di DTKS?"},
                        {"key": "lahir", "type": "date", "label": "Tanggal lahir"},
                        {"key": "jumlah", "type": "number", "label": "Jumlah"},
                    ],
                }
            ]
        }
    }


def test_a_field_test_reads_as_words_with_labels_not_keys() -> None:
    d = _definition()
    condition = {"field": "status", "equals": "lainnya"}
    assert describe(condition, d) == "«Status tempat tinggal» sama dengan «Lainnya»"
    assert describe(condition, d, "en") == "«Housing» is «Other»"
    assert describe({"field": "dtks", "equals": True}, d) == "«Terdaftar di DTKS?» sama dengan Ya"
    assert describe({"field": "jumlah", "gte": 3}, d) == "«Jumlah» paling sedikit 3"
    assert describe({"field": "status", "filled": False}, d, "en") == "«Housing» is not answered"
    assert (
        describe({"field": "lahir", "lt": "today-17y"}, d)
        == "«Tanggal lahir» kurang dari 17 tahun sebelum hari ini"
    )
    assert describe({"field": "status", "in": ["milik", "lainnya"]}, d, "en") == (
        "«Housing» is one of «Own», «Other»"
    )
    assert describe({"field": "hilang", "equals": "x"}, d) == "«hilang» sama dengan «x»"


def test_all_any_and_not_join_in_words() -> None:
    d = _definition()
    condition = {
        "all": [
            {"field": "dtks", "equals": False},
            {
                "any": [
                    {"field": "jumlah", "gt": 4},
                    {"not": {"field": "status", "equals": "milik"}},
                ]
            },
        ]
    }
    assert describe(condition, d) == (
        "«Terdaftar di DTKS?» sama dengan Tidak dan (« Jumlah» lebih dari 4 atau tidak benar bahwa"
        " «Status tempat tinggal» sama dengan «Milik sendiri»)"
    ).replace("« Jumlah»", "«Jumlah»")
    assert shown_if({"field": "jumlah", "lt": 2}, d, "en") == "Shown when «Jumlah» is less than 2"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_condition_of_the_examples_reads_without_keys(path: Path) -> None:
    definition = json.loads(path.read_text(encoding="utf-8"))
    conditional = [ref for ref in iter_fields(definition) if ref.spec.get("visible_if")]
    assert conditional, "the examples have conditional fields"
    for ref in conditional:
        for lang in ("id", "en"):
            text = describe(ref.spec["visible_if"], definition, lang)
            assert "«" in text and "{" not in text and "'field'" not in text, text
