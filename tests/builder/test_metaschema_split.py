"""The fast structural check (one schema per field type) finds exactly what the whole meta-schema finds."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from builder.metaschema import full_structural_problems, structural_problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "schemas" / "examples").glob("*.json"))
BASE = json.loads((ROOT / "tests" / "fixtures" / "all_fields.json").read_text())


def _corrupt(change: str) -> dict[str, Any]:
    definition = copy.deepcopy(BASE)
    fields = definition["form"]["pages"][0]["fields"]
    group = next(
        f for p in definition["form"]["pages"] for f in p["fields"] if f["type"] == "group"
    )
    if change == "unknown-key":
        fields[0]["max_lenght"] = 3
    elif change == "unknown-type":
        fields[0]["type"] = "teks"
    elif change == "not-an-object":
        fields[0] = "nama"
    elif change == "missing-label":
        del next(f for f in fields if f["type"] == "text")["label"]
    elif change == "bad-condition":
        fields[0]["visible_if"] = {"field": "x"}
    elif change == "bad-text":
        fields[0]["label"] = 5
    elif change == "group-child":
        group["fields"][0]["min_length"] = "dua"
    elif change == "many":
        fields[0]["label"] = {"en": 5}
        fields[-1]["oops"] = True
        definition["workflow"]["initial"] = "Bad State"
        definition["form"]["pages"][0]["fields"] = [*fields, {"type": "text"}]
    return definition


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_agree(path: Path) -> None:
    definition = json.loads(path.read_text())
    assert structural_problems(definition) == full_structural_problems(definition) == []


@pytest.mark.parametrize(
    "change",
    [
        "unknown-key",
        "unknown-type",
        "not-an-object",
        "missing-label",
        "bad-condition",
        "bad-text",
        "group-child",
        "many",
    ],
)
def test_corrupted_definitions_agree(change: str) -> None:
    definition = _corrupt(change)
    fast = [(p.pointer, p.code) for p in structural_problems(definition)]
    full = [(p.pointer, p.code) for p in full_structural_problems(definition)]
    assert fast == full
    assert fast, "the corruption must be found"
