"""A page shown by a test of a group's items on the web form (JavaScript off)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tests.runtime.api.conftest import DEFINITION

from .conftest import Loket, error_texts, parse

SLUG = "contoh/layanan-grup-web"
CHILD = {"group": "anggota", "some": {"field": "umur_anggota", "lt": 17}}


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-grup-web"
    definition["form"] = {
        "pages": [
            {
                "id": "keluarga",
                "title": "Keluarga",
                "fields": [
                    {
                        "key": "anggota",
                        "type": "group",
                        "label": "Anggota keluarga",
                        "required": True,
                        "fields": [
                            {
                                "key": "nama_anggota",
                                "type": "text",
                                "label": "Nama anggota",
                                "required": True,
                            },
                            {
                                "key": "umur_anggota",
                                "type": "number",
                                "label": "Umur anggota",
                                "integer": True,
                                "required": True,
                            },
                        ],
                    }
                ],
            },
            {
                "id": "sekolah",
                "title": "Sekolah anak",
                "visible_if": CHILD,
                "fields": [
                    {
                        "key": "nama_sekolah",
                        "type": "text",
                        "label": "Nama sekolah",
                        "required": True,
                    }
                ],
            },
            {
                "id": "penutup",
                "title": "Penutup",
                "fields": [{"key": "catatan", "type": "text", "label": "Catatan"}],
            },
        ]
    }
    return definition


def _after_family(loket: Loket, age: str) -> Any:
    citizen = loket.citizen(SLUG)
    first = citizen.start()
    answers = {"anggota.0.nama_anggota": "Ani", "anggota.0.umur_anggota": age}
    return citizen, citizen.follow(citizen.fill_page(first, answers))


def test_a_child_among_the_members_brings_the_school_page(
    make_loket: Callable[..., Loket],
) -> None:
    loket = make_loket([_definition()])
    citizen, page = _after_family(loket, "9")
    assert page.url.path.endswith("/isi/sekolah")
    response = citizen.post_form(page, {"nama_sekolah": ""}, fill=False)
    assert response.status_code == 422
    assert error_texts(parse(response)) == ["Nama sekolah wajib diisi."]


def test_without_a_child_the_school_page_is_skipped(make_loket: Callable[..., Loket]) -> None:
    loket = make_loket([_definition()])
    _, page = _after_family(loket, "40")
    assert page.url.path.endswith("/isi/penutup")
