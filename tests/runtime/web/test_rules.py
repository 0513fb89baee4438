"""Form rules on the web form: checked on the page of their last field, beside their field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tests.runtime.api.conftest import DEFINITION

from .conftest import Loket, attr, error_texts, parse

SLUG = "contoh/layanan-aturan-web"


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-aturan-web"
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
                        "label": "Tanggal selesai",
                        "required": True,
                    },
                    {"key": "catatan", "type": "text", "label": "Catatan"},
                ],
            },
        ],
        "computed": {
            "lama": {
                "days_between": [{"field": "mulai"}, {"field": "selesai"}],
                "label": {"id": "Lama (hari)", "en": "Length (days)"},
            }
        },
        "rules": [
            {
                "compare": {"left": {"field": "selesai"}, "op": "gte", "right": {"field": "mulai"}},
                "at": "selesai",
                "message": {
                    "id": "Tanggal selesai tidak boleh sebelum tanggal mulai.",
                    "en": "The end date cannot be before the start date.",
                },
            }
        ],
    }
    return definition


def test_a_broken_rule_is_shown_beside_its_field_with_the_values_kept(
    make_loket: Callable[..., Loket],
) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    first = citizen.start()
    # the first page has only one of the rule's fields: nothing to check yet
    second = citizen.follow(citizen.fill_page(first, {"mulai": "10-03-2026"}))
    response = citizen.post_form(second, {"selesai": "01-03-2026", "catatan": "Lihat lampiran"})
    assert response.status_code == 422
    doc = parse(response)
    assert error_texts(doc) == ["Tanggal selesai tidak boleh sebelum tanggal mulai."]
    message = doc.css_first("#f-selesai-error")
    assert message is not None
    assert "sebelum tanggal mulai" in message.text(deep=True)
    assert attr(doc.css_first("input[name=selesai]"), "value") == "2026-03-01"
    assert attr(doc.css_first("input[name=catatan]"), "value") == "Lihat lampiran"
    # corrected, the citizen reaches the check page, which shows the computed value
    fixed = citizen.post_form(response, {"selesai": "15-03-2026"})
    assert fixed.status_code == 303
    check = citizen.follow(fixed)
    assert check.status_code == 200
    shown = parse(check).css_first("#computed")
    assert shown is not None
    assert shown.css_first("dt").text() == "Lama (hari)"
    assert shown.css_first("dd").text() == "5"


def test_the_rule_message_in_english(make_loket: Callable[..., Loket]) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    second = citizen.follow(citizen.fill_page(citizen.start(), {"mulai": "10-03-2026"}))
    page = second.url.path + "?lang=en"
    english = citizen.get(page)
    response = citizen.post_form(english, {"selesai": "01-03-2026"}, action=page)
    assert response.status_code == 422
    assert error_texts(parse(response)) == ["The end date cannot be before the start date."]


def test_a_rule_broken_by_a_later_change_is_caught_before_sending(
    make_loket: Callable[..., Loket],
) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    second = citizen.follow(citizen.fill_page(citizen.start(), {"mulai": "10-03-2026"}))
    check = citizen.follow(citizen.fill_page(second, {"selesai": "15-03-2026"}))
    assert check.url.path.endswith("/periksa")
    # back to the first page: the start now falls after the end, which is on another page
    first = citizen.get(f"{citizen.base}/isi/mulai_page?kembali=periksa")
    moved = citizen.post_form(first, {"mulai": "20-03-2026"})
    assert moved.status_code == 303
    shown = citizen.follow(moved)
    while shown.status_code == 303:
        shown = citizen.follow(shown)
    assert shown.url.path.endswith("/isi/akhir")  # the check page sends the citizen back
    again = citizen.post_form(shown, fill=False)
    assert again.status_code == 422
    doc = parse(again)
    assert "sebelum tanggal mulai" in doc.css_first("#f-selesai-error").text(deep=True)
    assert attr(doc.css_first("input[name=selesai]"), "value") == "2026-03-15"
    assert loket.submissions() == []
