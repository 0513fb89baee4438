"""Shared fixtures of the builder tests: one small but complete valid definition and helpers.

The definition lives here (not in schemas/examples) so that the tests do not depend on example
files other people may be editing. It uses every field type and a workflow with a send-back and
a rejection path, and it is free of warnings, so a mutation shows exactly the problem it causes.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from builder.pointers import split
from builder.validate import validate

VALID: dict[str, Any] = {
    "format": "loket/service@1",
    "id": "surat-uji",
    "agency": "dinas-uji",
    "title": {"id": "Surat uji", "en": "Test letter"},
    "summary": "Layanan untuk pengujian.",
    "standard": {
        "requirements": ["KTP-el", {"id": "Kartu Keluarga", "en": "Family card"}],
        "duration_days": 3,
        "cost": "Gratis",
    },
    "privacy": {
        "purpose": "Memeriksa identitas pemohon.",
        "legal_basis": "UU 27/2022 pasal 20",
        "retention_days": 730,
    },
    "form": {
        "pages": [
            {
                "id": "pemohon",
                "title": {"id": "Data pemohon", "en": "Applicant"},
                "fields": [
                    {"key": "nik", "type": "nik", "label": "NIK", "required": True},
                    {
                        "key": "nama",
                        "type": "text",
                        "label": {"id": "Nama lengkap", "en": "Full name"},
                        "required": True,
                        "min_length": 3,
                        "max_length": 100,
                    },
                    {
                        "key": "tanggal_lahir",
                        "type": "date",
                        "label": "Tanggal lahir",
                        "required": True,
                        "min": "1900-01-01",
                        "max": "today-17y",
                    },
                    {
                        "key": "jenis_kelamin",
                        "type": "choice",
                        "label": "Jenis kelamin",
                        "required": True,
                        "options": [
                            {"value": "laki_laki", "label": "Laki-laki"},
                            {"value": "perempuan", "label": "Perempuan"},
                        ],
                    },
                    {
                        "key": "jumlah_anak",
                        "type": "number",
                        "label": "Jumlah anak",
                        "integer": True,
                        "min": 0,
                        "max": 20,
                    },
                    {"key": "telepon", "type": "phone", "label": "Nomor HP", "required": True},
                    {"key": "email", "type": "email", "label": "Email"},
                ],
            },
            {
                "id": "keperluan",
                "title": "Keperluan",
                "fields": [
                    {
                        "key": "alasan",
                        "type": "choice",
                        "label": "Alasan",
                        "required": True,
                        "options": [
                            {"value": "kerja", "label": "Pekerjaan"},
                            {"value": "lainnya", "label": "Lainnya"},
                        ],
                    },
                    {
                        "key": "alasan_lain",
                        "type": "textarea",
                        "label": "Jelaskan",
                        "required": True,
                        "max_length": 500,
                        "visible_if": {"field": "alasan", "equals": "lainnya"},
                    },
                    {
                        "key": "kebutuhan",
                        "type": "multichoice",
                        "label": "Kebutuhan",
                        "min_items": 1,
                        "max_items": 2,
                        "options": [
                            {"value": "a", "label": "A"},
                            {"value": "b", "label": "B"},
                            {"value": "c", "label": "C"},
                        ],
                    },
                    {
                        "key": "rt",
                        "type": "text",
                        "label": "RT",
                        "pattern": "[0-9]{1,3}",
                        "messages": {"pattern": "Tulis nomor RT dengan angka, misalnya 005."},
                    },
                    {"key": "punya_tanggungan", "type": "yesno", "label": "Punya tanggungan?"},
                    {
                        "key": "tanggungan",
                        "type": "group",
                        "label": "Tanggungan",
                        "min_items": 1,
                        "max_items": 5,
                        "visible_if": {"field": "punya_tanggungan", "equals": True},
                        "fields": [
                            {
                                "key": "nama_tanggungan",
                                "type": "text",
                                "label": "Nama",
                                "required": True,
                            },
                            {
                                "key": "hubungan",
                                "type": "choice",
                                "label": "Hubungan",
                                "options": [
                                    {"value": "anak", "label": "Anak"},
                                    {"value": "lainnya", "label": "Lainnya"},
                                ],
                            },
                            {
                                "key": "hubungan_lain",
                                "type": "text",
                                "label": "Sebutkan hubungan",
                                "required": True,
                                "visible_if": {"field": "hubungan", "equals": "lainnya"},
                            },
                        ],
                    },
                ],
            },
            {
                "id": "dokumen",
                "title": "Dokumen",
                "fields": [
                    {"key": "info", "type": "notice", "text": "Unggah berkas paling besar 2 MB."},
                    {
                        "key": "ktp",
                        "type": "file",
                        "label": "Foto KTP",
                        "required": True,
                        "accept": ["image/jpeg", "application/pdf"],
                        "max_mb": 2,
                    },
                    {"key": "setuju", "type": "declaration", "label": "Data saya benar."},
                ],
            },
        ]
    },
    "roles": {"petugas": "Petugas verifikasi", "kepala": {"id": "Kepala seksi", "en": "Head"}},
    "workflow": {
        "initial": "diajukan",
        "states": {
            "diajukan": {"label": "Diajukan", "public_label": "Sedang diperiksa", "sla_days": 1},
            "perlu_perbaikan": {"label": "Perlu perbaikan", "applicant_edits": True},
            "diverifikasi": {"label": "Diverifikasi", "sla_days": 2},
            "selesai": {"label": "Disetujui", "final": "approved"},
            "ditolak": {"label": "Ditolak", "final": "rejected"},
        },
        "transitions": [
            {
                "action": "verifikasi",
                "from": "diajukan",
                "to": "diverifikasi",
                "roles": ["petugas"],
            },
            {
                "action": "minta_perbaikan",
                "from": ["diajukan", "diverifikasi"],
                "to": "perlu_perbaikan",
                "roles": ["petugas", "kepala"],
                "comment": "required",
            },
            {
                "action": "kirim_ulang",
                "from": "perlu_perbaikan",
                "to": "diajukan",
                "roles": ["applicant"],
            },
            {"action": "setujui", "from": "diverifikasi", "to": "selesai", "roles": ["kepala"]},
            {
                "action": "tolak",
                "from": ["diajukan", "diverifikasi"],
                "to": "ditolak",
                "roles": ["petugas", "kepala"],
                "comment": "required",
            },
        ],
    },
}


def fresh_definition() -> dict[str, Any]:
    """A deep copy of the valid definition (for use outside fixtures, e.g. in hypothesis tests)."""
    return copy.deepcopy(VALID)


@pytest.fixture
def valid_definition() -> dict[str, Any]:
    """A deep copy of a small but complete valid definition."""
    return fresh_definition()


def problems_of(defn: Any) -> list[tuple[str, str]]:
    """The (pointer, code) pairs of all problems of a definition, in the order reported."""
    return [(p.pointer, p.code) for p in validate(defn)]


def _parent(defn: Any, pointer: str) -> tuple[Any, str]:
    parts = split(pointer)
    if not parts:
        raise ValueError("the root cannot be replaced or deleted")
    target = defn
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    return target, parts[-1]


def mutate(defn: Any, pointer: str, value: Any) -> Any:
    """Set the value at a JSON pointer ('-' appends to a list) and return the definition.

    The value is deep-copied so that the same literal can be used in several places.
    """
    parent, last = _parent(defn, pointer)
    value = copy.deepcopy(value)
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            parent[int(last)] = value
    elif isinstance(parent, Mapping):
        parent[last] = value  # type: ignore[index]
    else:
        raise TypeError(f"cannot set {pointer}: parent is {type(parent).__name__}")
    return defn


def delete(defn: Any, pointer: str) -> Any:
    """Remove the value at a JSON pointer and return the definition."""
    parent, last = _parent(defn, pointer)
    if isinstance(parent, list):
        del parent[int(last)]
    else:
        del parent[last]
    return defn


Change = Callable[[dict[str, Any]], Any]  # one edit of a definition, for parametrized cases


def put(pointer: str, value: Any) -> Change:
    """A change that sets `pointer` to `value`."""
    return lambda d: mutate(d, pointer, value)


def drop(pointer: str) -> Change:
    """A change that removes `pointer`."""
    return lambda d: delete(d, pointer)


def steps(*changes: Change) -> Change:
    """Several changes applied in order."""

    def apply(d: dict[str, Any]) -> None:
        for change in changes:
            change(d)

    return apply


def case(name: str, change: Change, *expected: tuple[str, str]) -> Any:
    """A parametrized case: a change and the (pointer, code) problems it must cause."""
    return pytest.param(change, list(expected), id=name)


# Test modules import these helpers with `from builder_testing import ...`. Every test folder
# without an __init__.py has a module called "conftest", and pytest may load another folder's
# conftest before this folder's test modules are imported, so `from conftest import` is not safe.
sys.modules["builder_testing"] = sys.modules[__name__]
