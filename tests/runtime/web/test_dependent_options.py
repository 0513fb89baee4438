"""Shared option lists and dependent options on the citizen's pages: filtered when the filter
was answered on an earlier page, a post-back button (no JavaScript) or an htmx update when it is
on the same page, and an out-of-group value refused with the other answers kept."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from .conftest import ALL_FIELDS, Citizen, Loket, attr, csrf_of, load_definition, parse, the_form

SEKOLAH = [
    {"value": "lain", "label": {"id": "Sekolah lain", "en": "Another school"}},
    {"value": "smpn1", "label": "SMPN 1 Kedaton", "group": "18.71.01"},
    {"value": "smpn2", "label": "SMPN 2 Sukarame", "group": "18.71.02"},
    {"value": "sman9", "label": "SMAN 9 Bandar Lampung", "group": "18.71"},
    {"value": "sman1", "label": "SMAN 1 Metro", "group": "18.72"},
]
KEDATON = ["18", "18.71", "18.71.01"]


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(load_definition(ALL_FIELDS))
    definition["id"] = "uji-pilihan"
    definition["option_lists"] = {"sekolah": SEKOLAH}
    fields = definition["form"]["pages"][0]["fields"]
    at = next(i for i, f in enumerate(fields) if f["key"] == "wilayah") + 1
    fields.insert(
        at,
        {
            "key": "sekolah",
            "type": "choice",
            "label": "Sekolah di wilayah ini",
            "display": "select",
            "options_from": "sekolah",
            "filter_by": "wilayah",
        },
    )
    fields.insert(
        at + 1,
        {
            "key": "nuansa",
            "type": "multichoice",
            "label": "Nuansa",
            "options": [
                {"value": "marun", "label": "Marun", "group": "merah"},
                {"value": "zaitun", "label": "Zaitun", "group": "hijau"},
                {"value": "bebas", "label": "Bebas"},
            ],
            "filter_by": "warna",
        },
    )
    definition["form"]["pages"][1]["fields"].append(
        {
            "key": "sekolah_lanjut",
            "type": "choice",
            "label": "Sekolah lanjutan",
            "display": "radio",
            "options_from": "sekolah",
            "filter_by": "wilayah",
        }
    )
    return definition


@pytest.fixture
def citizen(make_loket: Callable[..., Loket]) -> Citizen:
    return make_loket([_definition()]).citizen("contoh/uji-pilihan")


def _offered(doc: LexborHTMLParser, name: str) -> list[str]:
    form = the_form(doc)
    return [
        attr(n, "value")
        for n in form.css(f"select[name='{name}'] option, input[name='{name}']")
        if attr(n, "value")
    ]


def test_same_page_filter_posts_back_and_shows_the_matching_options(citizen: Citizen) -> None:
    first = citizen.start()
    doc = parse(first)
    assert _offered(doc, "sekolah") == ["lain"]  # the area is not chosen yet
    assert "Pilihan muncul setelah" in doc.css_first("#wrap-f-sekolah").text(deep=True)
    button = doc.css_first("#wrap-f-sekolah button[value=pilihan]")
    assert button is not None and "formnovalidate" in button.attributes

    shown = citizen.post_form(
        first, {"wilayah": KEDATON, "nama": "Siti Aminah"}, action="pilihan", fill=False
    )
    assert shown.status_code == 200  # the same page again, nothing checked yet
    doc = parse(shown)
    assert doc.css(".field.err") == []
    assert attr(doc.css_first("#f-nama"), "value") == "Siti Aminah"
    assert _offered(doc, "sekolah") == ["lain", "smpn1", "sman9"]

    moved = citizen.post_form(
        shown, {"wilayah": ["18", "18.71", "18.71.02"]}, action="pilihan", fill=False
    )
    assert _offered(parse(moved), "sekolah") == ["lain", "smpn2", "sman9"]


def test_an_out_of_group_choice_is_refused_with_the_answers_kept(citizen: Citizen) -> None:
    first = citizen.start()
    refused = citizen.post_form(
        first, {"wilayah": ["18", "18.71", "18.71.02"], "sekolah": "smpn1", "nama": "Siti"}
    )
    assert refused.status_code == 422
    doc = parse(refused)
    error = doc.css_first("#f-sekolah-error")
    assert error is not None
    assert "tidak tersedia untuk jawaban sebelumnya" in error.text(deep=True)
    assert attr(doc.css_first("#f-nama"), "value") == "Siti"
    assert _offered(doc, "sekolah") == ["lain", "smpn2", "sman9"]
    # a forged value of another area's school is not stored either
    assert citizen.compiled.fields["sekolah"].spec["options"][1]["group"] == "18.71.01"


def test_a_filter_on_an_earlier_page_filters_when_rendering(citizen: Citizen) -> None:
    first = citizen.start()
    moved = citizen.fill_page(
        first, {"wilayah": KEDATON, "sekolah": "smpn1", "setuju_kontak": "ya", "umur": "30"}
    )
    second = citizen.follow(moved)
    doc = parse(second)
    assert _offered(doc, "sekolah_lanjut") == ["lain", "smpn1", "sman9"]
    assert doc.css_first("#wrap-f-sekolah_lanjut button[value=pilihan]") is None
    forged = citizen.post_form(second, {"sekolah_lanjut": "sman1"})
    assert forged.status_code == 422
    assert parse(forged).css_first("#f-sekolah_lanjut-error") is not None
    done = citizen.post_form(second, {"sekolah_lanjut": "sman9"})
    assert done.status_code == 303


def test_htmx_updates_the_dependent_field_with_the_region(citizen: Citizen) -> None:
    first = citizen.start()
    doc = parse(first)
    url = f"{citizen.base}/isi/data/wilayah"
    data = {"csrf_token": csrf_of(doc), "wilayah": KEDATON}
    partial = citizen.client.post(f"{url}?field=wilayah", data=data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    part = parse(partial)
    assert part.css_first("#wrap-f-wilayah") is not None
    dependent = part.css_first("#wrap-f-sekolah")
    assert dependent is not None and attr(dependent, "hx-swap-oob") == "true"
    tail = partial.text.split('id="wrap-f-sekolah"', 1)[1]
    assert re.findall(r'<option value="([^"]+)"', tail) == ["lain", "smpn1", "sman9"]


def test_htmx_updates_a_field_filtered_by_a_choice(citizen: Citizen) -> None:
    first = citizen.start()
    doc = parse(first)
    assert _offered(doc, "nuansa") == ["bebas"]
    radio = doc.css_first("input[name=warna]")
    reveal = f"{citizen.base}/isi/data/tampil"
    assert attr(radio, "hx-post") == reveal
    data = {"csrf_token": csrf_of(doc), "warna": "hijau", "_shown": "warna nuansa"}
    partial = citizen.client.post(reveal, data=data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    tail = partial.text.split('id="wrap-f-nuansa"', 1)[1]
    assert 'hx-swap-oob="true"' in tail.split(">", 1)[0]
    assert re.findall(r'name="nuansa" value="([^"]+)"', tail) == ["zaitun", "bebas"]
