"""The editor's placeholder texts may not go live: the builder flags them with a pointer."""

from __future__ import annotations

import json
from pathlib import Path

from builder import edit
from builder.references import broken_by
from builder.validate import validate

EXAMPLE = Path(__file__).resolve().parents[2] / "schemas" / "examples"
DOMISILI = json.loads((EXAMPLE / "surat-keterangan-domisili.json").read_text(encoding="utf-8"))


def test_a_new_fields_default_label_is_an_error_with_a_pointer_and_a_hint() -> None:
    changed = edit.add_field(DOMISILI, "/form/pages/0", "text", "")
    problems = [p for p in validate(changed) if p.code == "template-text"]
    assert len(problems) == 1
    index = len(changed["form"]["pages"][0]["fields"]) - 1
    assert problems[0].pointer == f"/form/pages/0/fields/{index}/label"
    assert problems[0].severity == "error" and problems[0].hint_text("id")
    renamed = edit.add_field(DOMISILI, "/form/pages/0", "text", "Nama ibu kandung")
    assert not [p for p in validate(renamed) if p.code == "template-text"]


def test_broken_by_names_what_refers_to_a_removed_state_and_role() -> None:
    states = broken_by(DOMISILI, edit.remove_state(DOMISILI, "diajukan"))
    assert {p.code for p in states} >= {"unknown-initial-state", "unknown-state"}
    roles = broken_by(DOMISILI, edit.remove_role(DOMISILI, "kepala"))
    assert roles and all(p.code == "undeclared-role" for p in roles)
    assert broken_by(DOMISILI, DOMISILI) == []
