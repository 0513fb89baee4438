"""Saving an edit form without changing it changes nothing, for every item of every example.

The forms are built by runtime.studio.views and read back by builder.edit; what a browser
posts for each input is emulated (an unticked box sends nothing, several ticked boxes send
several values). A form that rewrites what it shows would make every save a silent change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builder import edit
from builder.model import iter_fields
from runtime.studio import views as sv
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio

ROOT = Path(__file__).resolve().parents[3]
DEFINITIONS = [
    *sorted((ROOT / "schemas" / "examples").glob("*.json")),
    ROOT / "tests" / "fixtures" / "all_fields.json",
]


def _posted(inputs: list[sv.Input]) -> dict[str, str]:
    values: dict[str, str] = {}
    for i in inputs:
        if i.kind == "checkbox":
            values[i.name] = "on" if i.value else ""
        elif i.kind == "checks":
            values[i.name] = "\n".join(i.value)
        elif i.kind == "options":  # rows of (value, label, English label), as the route reads
            rows = list(zip(*i.value, strict=True))
            values[i.name] = edit.options_from_rows(list(rows[0]), list(rows[1]), list(rows[2]))
        else:
            values[i.name] = str(i.value)
    return values


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.stem)
def test_unchanged_forms_round_trip(path: Path) -> None:
    definition: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for ref in iter_fields(definition):
        values = _posted(sv.field_inputs(ref.spec, "id"))
        assert edit.update_field(definition, ref.pointer, values) == definition, ref.pointer
    assert edit.set_texts(definition, _posted(sv.inputs(definition, sv.TEXT_NAMES, "id"))) == (
        definition
    )
    standard = _posted(sv.inputs(definition["standard"], sv.STANDARD_NAMES, "id"))
    assert edit.set_standard(definition, standard) == definition
    privacy = _posted(
        sv.inputs(definition["privacy"], sv.PRIVACY_NAMES, "id", lists=sv.PRIVACY_LISTS)
    )
    assert edit.set_privacy(definition, privacy) == definition
    for index, page in enumerate(definition["form"]["pages"]):
        values = _posted(sv.inputs(page, sv.PAGE_NAMES, "id"))
        assert edit.set_page(definition, index, values) == definition


def test_unchanged_table_rows_round_trip(designer: Designer, studio: Studio) -> None:
    designer.open()
    before = studio.draft().definition
    forms = ["#s-roles-petugas-form", "#s-roles-kepala-form"]
    forms += [f"#s-workflow-states-{name}-form" for name in DOMISILI["workflow"]["states"]]
    forms += [
        f"#s-workflow-transitions-{i}-form" for i in range(len(DOMISILI["workflow"]["transitions"]))
    ]
    for form in forms:
        designer.submit_ok(form)
    after = studio.draft()
    assert after.definition == before
    assert after.definition["agency"] == AGENCY
