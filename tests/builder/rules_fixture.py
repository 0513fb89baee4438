"""A definition with computed values and form rules, built on the shared valid definition."""

from __future__ import annotations

import copy
from typing import Any

from tests.builder.conftest import fresh_definition

FAMILY_PAGE: dict[str, Any] = {
    "id": "keluarga",
    "title": {"id": "Keluarga", "en": "Family"},
    "fields": [
        {"key": "mulai", "type": "date", "label": "Tanggal mulai", "required": True},
        {"key": "selesai", "type": "date", "label": "Tanggal selesai", "required": True},
        {"key": "jumlah_anggota", "type": "number", "label": "Jumlah anggota", "integer": True},
        {
            "key": "anggota",
            "type": "group",
            "label": "Anggota keluarga",
            "item_label": "Anggota",
            "fields": [
                {"key": "nama_anggota", "type": "text", "label": "Nama", "required": True},
                {
                    "key": "peran",
                    "type": "choice",
                    "label": "Peran",
                    "required": True,
                    "options": [
                        {"value": "kepala", "label": "Kepala keluarga"},
                        {"value": "anggota", "label": "Anggota"},
                    ],
                },
                {"key": "penghasilan", "type": "number", "label": "Penghasilan"},
            ],
        },
    ],
}

COMPUTED: dict[str, Any] = {
    "umur": {"age": {"field": "tanggal_lahir"}},
    "umur_nik": {"age": {"field": "nik"}, "at": {"value": "2026-01-01"}},
    "lama": {"days_between": [{"field": "mulai"}, {"field": "selesai"}]},
    "banyak": {"count": "anggota"},
    "total": {"sum": {"group": "anggota", "field": "penghasilan"}},
    "per_orang": {"divide": [{"computed": "total"}, {"computed": "banyak"}]},
}

RULES: list[dict[str, Any]] = [
    {
        "id": "selesai_setelah_mulai",
        "compare": {"left": {"field": "selesai"}, "op": "gte", "right": {"field": "mulai"}},
        "at": "selesai",
        "message": {
            "id": "Tanggal selesai tidak boleh sebelum tanggal mulai.",
            "en": "The end date cannot be before the start date.",
        },
    },
    {
        "days_apart": {"from": {"field": "mulai"}, "to": {"field": "selesai"}, "at_most": 30},
        "at": "selesai",
        "message": {"id": "Paling lama 30 hari.", "en": "At most 30 days."},
    },
    {
        "count_equals": {"group": "anggota", "equals": {"field": "jumlah_anggota"}},
        "at": "anggota",
        "message": {
            "id": "Banyak anggota tidak sama dengan jumlah anggota.",
            "en": "The members listed do not match the number of members.",
        },
    },
    {
        "exactly_one": {"group": "anggota", "where": {"field": "peran", "equals": "kepala"}},
        "at": "anggota",
        "message": {"id": "Harus ada tepat satu kepala keluarga.", "en": "Exactly one head."},
    },
    {
        "unique": {"group": "anggota", "field": "nama_anggota"},
        "at": "anggota",
        "message": {"id": "Nama anggota tidak boleh sama.", "en": "No two members share a name."},
    },
]


def rules_definition() -> dict[str, Any]:
    """The shared valid definition with a family page, computed values and rules."""
    defn = fresh_definition()
    defn["form"]["pages"].insert(2, copy.deepcopy(FAMILY_PAGE))
    defn["form"]["computed"] = copy.deepcopy(COMPUTED)
    defn["form"]["rules"] = copy.deepcopy(RULES)
    return defn
