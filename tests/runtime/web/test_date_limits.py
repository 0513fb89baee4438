"""A date limit on another answer on the web form: checked on the end date's page, the error
beside the field, the answers kept."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

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
