"""Differences between two versions, as a reviewer reads them (exact Indonesian texts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from builder_testing import Change, delete, fresh_definition, mutate, steps

from builder.diff import diff, removed_states

P0 = "/form/pages/0/fields"
P1 = "/form/pages/1/fields"
T = "/workflow/transitions"
S = "/workflow/states"
ROOT = Path(__file__).resolve().parents[2]


CASES = [
    pytest.param(
        lambda d: mutate(d, P0 + "/-", {"key": "pekerjaan", "type": "text", "label": "Pekerjaan"}),
        [
            (
                "added",
                "field",
                P0 + "/7",
                "Field 'Pekerjaan' (text) ditambahkan di halaman 'pemohon'.",
            )
        ],
        id="field-added",
    ),
    pytest.param(
        lambda d: mutate(
            d,
            P0 + "/-",
            {"key": "pekerjaan", "type": "text", "label": "Pekerjaan", "required": True},
        ),
        [
            (
                "added",
                "field",
                P0 + "/7",
                "Field 'Pekerjaan' (text) ditambahkan di halaman 'pemohon' (wajib).",
            )
        ],
        id="required-field-added",
    ),
    pytest.param(
        lambda d: delete(d, P0 + "/6"),
        [("removed", "field", P0 + "/6", "Field 'Email' (email) dihapus.")],
        id="field-removed",
    ),
    pytest.param(
        lambda d: mutate(d, P0 + "/6/required", True),
        [("changed", "field", P0 + "/6", "Field 'Email' sekarang wajib diisi.")],
        id="made-required",
    ),
    pytest.param(
        lambda d: delete(d, P0 + "/1/required"),
        [("changed", "field", P0 + "/1", "Field 'Nama lengkap' sekarang tidak wajib.")],
        id="made-optional",
    ),
    pytest.param(
        lambda d: mutate(d, P0 + "/6/type", "text"),
        [
            (
                "changed",
                "field",
                P0 + "/6",
                "Field 'Email' berganti jenis dari email menjadi text.",
            )
        ],
        id="type-changed",
    ),
    pytest.param(
        lambda d: mutate(d, P1 + "/0/options/-", {"value": "sekolah", "label": "Sekolah"}),
        [
            (
                "added",
                "field",
                P1 + "/0",
                "Pilihan 'Sekolah' (sekolah) ditambahkan pada field 'Alasan'.",
            )
        ],
        id="option-added",
    ),
    pytest.param(
        lambda d: delete(d, P1 + "/0/options/0"),
        [
            (
                "removed",
                "field",
                P1 + "/0",
                "Pilihan 'Pekerjaan' (kerja) dihapus dari field 'Alasan'.",
            )
        ],
        id="option-removed",
    ),
    pytest.param(
        lambda d: mutate(d, P0 + "/1/max_length", 80),
        [
            (
                "changed",
                "field",
                P0 + "/1/max_length",
                "Field 'Nama lengkap': panjang maksimal 100 → 80.",
            )
        ],
        id="field-property-changed",
    ),
    pytest.param(
        lambda d: mutate(
            d,
            "/form/pages/-",
            {
                "id": "lain",
                "title": {"id": "Lain-lain", "en": "Other"},
                "fields": [{"key": "catatan", "type": "textarea", "label": "Catatan"}],
            },
        ),
        [
            ("added", "page", "/form/pages/3", "Halaman 'Lain-lain' ditambahkan."),
            (
                "added",
                "field",
                "/form/pages/3/fields/0",
                "Field 'Catatan' (textarea) ditambahkan di halaman 'lain'.",
            ),
        ],
        id="page-added",
    ),
    pytest.param(
        lambda d: delete(d, "/form/pages/2"),
        [
            ("removed", "page", "/form/pages/2", "Halaman 'Dokumen' dihapus."),
            ("removed", "field", "/form/pages/2/fields/0", "Field 'info' (notice) dihapus."),
            ("removed", "field", "/form/pages/2/fields/1", "Field 'Foto KTP' (file) dihapus."),
            (
                "removed",
                "field",
                "/form/pages/2/fields/2",
                "Field 'Data saya benar.' (declaration) dihapus.",
            ),
        ],
        id="page-removed",
    ),
    pytest.param(
        lambda d: mutate(d, "/form/pages/2/title", "Berkas"),
        [
            (
                "changed",
                "page",
                "/form/pages/2/title",
                "Judul halaman 'dokumen': “Dokumen” → “Berkas”.",
            )
        ],
        id="page-retitled",
    ),
    pytest.param(
        lambda d: mutate(d, "/form/pages/0/title", {"id": "Identitas", "en": "Identity"}),
        [
            (
                "changed",
                "page",
                "/form/pages/0/title",
                "Judul halaman 'pemohon': “Data pemohon” → “Identitas”.",
            )
        ],
        id="page-retitled-language-map",
    ),
    pytest.param(
        lambda d: mutate(d, S + "/ditarik", {"label": "Ditarik", "final": "withdrawn"}),
        [("added", "state", S + "/ditarik", "Status 'Ditarik' ditambahkan.")],
        id="state-added",
    ),
    pytest.param(
        steps(lambda d: delete(d, S + "/ditolak"), lambda d: delete(d, T + "/4")),
        [
            ("removed", "state", S + "/ditolak", "Status 'Ditolak' dihapus."),
            (
                "removed",
                "transition",
                T,
                "Transisi 'tolak: diajukan, diverifikasi → ditolak' dihapus.",
            ),
        ],
        id="state-removed",
    ),
    pytest.param(
        lambda d: mutate(d, S + "/diverifikasi/sla_days", 1),
        [
            (
                "changed",
                "state",
                S + "/diverifikasi/sla_days",
                "Status 'diverifikasi': SLA (hari kerja): 2 → 1",
            )
        ],
        id="state-sla-changed",
    ),
    pytest.param(
        lambda d: mutate(
            d,
            T + "/-",
            {
                "action": "tolak_langsung",
                "from": "perlu_perbaikan",
                "to": "ditolak",
                "roles": ["petugas"],
            },
        ),
        [
            (
                "added",
                "transition",
                T + "/5",
                "Transisi 'tolak_langsung: perlu_perbaikan → ditolak' ditambahkan.",
            )
        ],
        id="transition-added",
    ),
    pytest.param(
        lambda d: delete(d, T + "/0"),
        [("removed", "transition", T, "Transisi 'verifikasi: diajukan → diverifikasi' dihapus.")],
        id="transition-removed",
    ),
    pytest.param(
        lambda d: mutate(d, T + "/3/roles", ["kepala", "petugas"]),
        [
            (
                "changed",
                "transition",
                T + "/3/roles",
                'Transisi \'setujui\': peran ["kepala"] → ["kepala", "petugas"].',
            )
        ],
        id="transition-roles-changed",
    ),
    pytest.param(
        lambda d: mutate(d, "/standard/duration_days", 5),
        [("changed", "standard", "/standard/duration_days", "Jangka waktu (hari kerja): 3 → 5")],
        id="standard-duration-changed",
    ),
    pytest.param(
        lambda d: mutate(d, "/title", {"id": "Surat uji coba", "en": "Trial letter"}),
        [("changed", "service", "/title", "Judul layanan: “Surat uji” → “Surat uji coba”")],
        id="service-title-changed",
    ),
    pytest.param(
        lambda d: mutate(d, "/roles/lurah", "Lurah"),
        [("added", "role", "/roles/lurah", "Peran 'lurah' ditambahkan.")],
        id="role-added",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_diff(change: Change, expected: list[tuple[str, str, str, str]]) -> None:
    old = fresh_definition()
    new = fresh_definition()
    change(new)
    changes = diff(old, new)
    assert [(c.kind, c.area, c.pointer, c.text("id")) for c in changes] == expected
    for item in changes:
        assert item.text("en") and item.text("en") != item.text("id")
        assert item.to_dict()["message"] == {"id": item.text("id"), "en": item.text("en")}


def test_no_changes_for_identical_definitions(valid_definition: dict[str, Any]) -> None:
    assert diff(valid_definition, fresh_definition()) == []
    assert diff(valid_definition, valid_definition) == []


def test_from_as_string_or_list_is_the_same_transition(valid_definition: dict[str, Any]) -> None:
    new = fresh_definition()
    mutate(new, T + "/0/from", ["diajukan"])
    assert diff(valid_definition, new) == []


def test_english_text_of_a_change() -> None:
    new = fresh_definition()
    mutate(new, P0 + "/1/required", False)
    (change,) = diff(fresh_definition(), new)
    assert change.text("en") == "Field 'Full name' is no longer required."


@pytest.mark.parametrize(
    ("change", "breaking"),
    [
        pytest.param(lambda d: mutate(d, P0 + "/6/type", "text"), True, id="type-changed"),
        pytest.param(lambda d: delete(d, P1 + "/0/options/0"), True, id="option-removed"),
        pytest.param(lambda d: delete(d, "/roles/kepala"), True, id="role-removed"),
        pytest.param(
            lambda d: mutate(d, P1 + "/0/options/-", {"value": "x", "label": "X"}),
            False,
            id="option-added",
        ),
        pytest.param(lambda d: mutate(d, "/form/pages/2/title", "Berkas"), False, id="retitled"),
    ],
)
def test_breaking_changes_are_marked(change: Change, breaking: bool) -> None:
    new = fresh_definition()
    change(new)
    changes = diff(fresh_definition(), new)
    assert changes
    assert any(c.breaking for c in changes) is breaking


def test_removed_states() -> None:
    new = fresh_definition()
    delete(new, S + "/perlu_perbaikan")
    assert removed_states(fresh_definition(), new) == ["perlu_perbaikan"]
    assert removed_states(fresh_definition(), fresh_definition()) == []


_DIFF_SCRIPT = """
import json, sys
from builder.diff import diff
old, new = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(json.dumps([c.text("id") for c in diff(old, new)]))
"""


def test_diff_order_does_not_depend_on_hash_seed(tmp_path: Path) -> None:
    old = fresh_definition()
    new = fresh_definition()
    for value in ("sekolah", "kuliah", "nikah", "bank", "pindah", "usaha"):
        mutate(new, P1 + "/0/options/-", {"value": value, "label": value.title()})
    for role in ("lurah", "camat", "sekda"):
        mutate(new, f"/roles/{role}", role.title())
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    outputs = set()
    for seed in range(6):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                _DIFF_SCRIPT,
                str(tmp_path / "old.json"),
                str(tmp_path / "new.json"),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            timeout=60,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
