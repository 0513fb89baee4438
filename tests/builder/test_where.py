"""Problems name pages and fields by their labels next to the pointer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builder_testing import fresh_definition, mutate
from typer.testing import CliRunner

from builder.cli import app
from builder.where import describe

P0 = "/form/pages/0/fields"
GROUP = "/form/pages/1/fields/5/fields"


@pytest.mark.parametrize(
    ("pointer", "id_text", "en_text"),
    [
        (
            P0 + "/1/max_length",
            "halaman 'Data pemohon', field 'Nama lengkap'",
            "page 'Applicant', field 'Full name'",
        ),
        ("/form/pages/0", "halaman 'Data pemohon'", "page 'Applicant'"),
        (
            GROUP + "/0/key",
            "halaman 'Keperluan', grup 'Tanggungan', field 'Nama'",
            "page 'Keperluan', group 'Tanggungan', field 'Nama'",
        ),
        ("/workflow/states/selesai", "status 'Disetujui'", "state 'Disetujui'"),
        ("/workflow/transitions/0/to", "transisi 'verifikasi'", "transition 'verifikasi'"),
    ],
)
def test_places_are_named_by_their_labels(
    valid_definition: dict[str, Any], pointer: str, id_text: str, en_text: str
) -> None:
    assert describe(valid_definition, pointer) == {"id": id_text, "en": en_text}


@pytest.mark.parametrize(
    "pointer", ["", "/summary", "/form/pages/9/fields/0", "/form/pages/x", "/workflow/states/nope"]
)
def test_no_name_where_labels_add_nothing(valid_definition: dict[str, Any], pointer: str) -> None:
    assert describe(valid_definition, pointer) is None


def test_a_broken_structure_is_not_a_crash() -> None:
    assert describe({"form": {"pages": [{"fields": "x"}]}}, "/form/pages/0/fields/0") is None
    assert describe({"form": []}, "/form/pages/0") is None
    assert describe(None, "/form/pages/0") is None


def test_the_cli_names_the_place_on_an_extra_line(tmp_path: Path) -> None:
    definition = fresh_definition()
    mutate(definition, P0 + "/1/max_length", 0)
    path = tmp_path / "d.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(path)])
    lines = result.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "[max-length-zero]" in line)
    assert lines[first + 1] == "    di halaman 'Data pemohon', field 'Nama lengkap'"
    english = runner.invoke(app, ["validate", "--lang", "en", str(path)]).stdout.splitlines()
    assert "    in page 'Applicant', field 'Full name'" in english
    payload = json.loads(runner.invoke(app, ["validate", "--json", str(path)]).stdout)
    (found,) = [p for p in payload[0]["problems"] if p["code"] == "max-length-zero"]
    assert found["where"] == {
        "id": "halaman 'Data pemohon', field 'Nama lengkap'",
        "en": "page 'Applicant', field 'Full name'",
    }
