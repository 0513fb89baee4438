"""A date limit on another answer on the web form: checked on the end date's page, the error
beside the field, the answers kept."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from builder import values
from builder.indonesian import long_date
from tests.runtime.api.conftest import DEFINITION

from .conftest import Loket, attr, error_texts, parse

SLUG = "contoh/layanan-batas-tanggal"


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-batas-tanggal"
    definition["form"] = {
        "pages": [
            {
                "id": "mulai_page",
                "title": "Mulai",
                "fields": [
                    {"key": "mulai", "type": "date", "label": "Tanggal mulai", "required": True}
                ],
            },
            {
                "id": "akhir",
                "title": "Akhir",
                "fields": [
                    {
                        "key": "selesai",
                        "type": "date",
                        "label": {"id": "Tanggal selesai", "en": "End date"},
                        "required": True,
                        "min": {"field": "mulai"},
                        "max": {"field": "mulai", "days": 14},
                    },
                    {"key": "catatan", "type": "text", "label": "Catatan"},
                ],
            },
        ]
    }
    return definition


def test_an_end_date_outside_the_limits_is_shown_beside_the_field(
    make_loket: Callable[..., Loket],
) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    second = citizen.follow(citizen.fill_page(citizen.start(), {"mulai": "10-03-2026"}))
    box = parse(second).css_first("input[name=selesai]")
    assert "min" not in box.attributes  # the limit depends on an answer: the server checks it
    hint = parse(second).css_first("#f-selesai-hint").text()
    assert "Tidak sebelum «Tanggal mulai», paling lambat 14 hari setelah «Tanggal mulai»." in hint
    response = citizen.post_form(second, {"selesai": "09-03-2026", "catatan": "Lihat lampiran"})
    assert response.status_code == 422
    doc = parse(response)
    assert error_texts(doc) == ["Tanggal selesai tidak boleh sebelum 10-03-2026."]
    assert doc.css_first("#f-selesai-error") is not None
    assert attr(doc.css_first("input[name=selesai]"), "value") == "2026-03-09"
    assert attr(doc.css_first("input[name=catatan]"), "value") == "Lihat lampiran"

    late = citizen.post_form(response, {"selesai": "25-03-2026"})
    assert late.status_code == 422
    assert error_texts(parse(late)) == ["Tanggal selesai tidak boleh setelah 24-03-2026."]
    page = late.url.path + "?lang=en"
    english = citizen.post_form(citizen.get(page), {"selesai": "25-03-2026"}, action=page)
    assert error_texts(parse(english)) == ["End date cannot be after 24-03-2026."]

    fixed = citizen.post_form(late, {"selesai": "24-03-2026"})
    assert fixed.status_code == 303


def _limited_definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-batas-hari"
    definition["form"] = {
        "pages": [
            {
                "id": "tanggal",
                "title": "Tanggal",
                "fields": [
                    {
                        "key": "kejadian",
                        "type": "date",
                        "label": "Tanggal kejadian",
                        "min": "today-30d",
                        "max": "today",
                    },
                    {"key": "lahir", "type": "date", "label": "Lahir", "max": "today-17y"},
                    {"key": "berlaku", "type": "date", "label": "Berlaku", "min": "2031-01-01"},
                    {"key": "bebas", "type": "date", "label": "Tanggal bebas"},
                ],
            }
        ]
    }
    return definition


def _hints(page: Any) -> dict[str, tuple[str, str, str]]:
    """Each date input's example hint, `min` and `max`."""
    doc = parse(page)
    found = {}
    for box in doc.css("input[type=date]"):
        hint = doc.css_first(f"#{attr(box, 'id')}-hint")
        assert hint is not None
        found[attr(box, "name")] = (hint.text(), attr(box, "min"), attr(box, "max"))
    return found


def test_a_dates_example_and_browser_limits_follow_its_limits(
    make_loket: Callable[..., Loket], monkeypatch: pytest.MonkeyPatch
) -> None:
    loket = make_loket([_limited_definition()])
    citizen = loket.citizen("contoh/layanan-batas-hari")
    page = citizen.start()
    today = values.today()
    month_ago = today - dt.timedelta(days=30)
    seventeen = values.resolve_date_bound("today-17y")  # the day the server checks against
    assert seventeen is not None
    assert _hints(page) == {
        "kejadian": (
            f"Contoh: {long_date(today - dt.timedelta(days=15))}",  # inside the last 30 days
            month_ago.isoformat(),
            today.isoformat(),
        ),
        "lahir": ("Contoh: 17 Agustus 1990", "", seventeen.isoformat()),
        "berlaku": ("Contoh: 1 Januari 2031", "2031-01-01", ""),
        "bebas": ("Contoh: 17 Agustus 1990", "", ""),
    }
    english = _hints(citizen.get(page.url.path, params={"lang": "en"}))
    assert english["berlaku"][0] == "For example: 1 January 2031"
    assert english["bebas"][0] == "For example: 17 August 1990"

    # another day: limits counted from today move with it (nothing kept from the day before)
    later = dt.date(2040, 6, 10)
    monkeypatch.setattr(values, "today", lambda: later)
    moved = _hints(citizen.get(page.url.path, params={"lang": "id"}))
    assert moved["kejadian"] == ("Contoh: 26 Mei 2040", "2040-05-11", "2040-06-10")
    assert moved["lahir"][2] == "2023-06-10"
