"""Form rules on the web form: checked on the page of their last field, beside their field."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
            },
            {
                "days_apart": {
                    "from": {"field": "mulai"},
                    "to": {"field": "selesai"},
                    "at_most": 30,
                },
                "at": "selesai",
                "message": "Paling lama 30 hari.",
            },
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


_DAYS = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 4, 30))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mulai=_DAYS, selesai=_DAYS)
def test_the_web_form_and_the_api_refuse_the_same_answers(
    make_loket: Callable[..., Loket], mulai: dt.date, selesai: dt.date
) -> None:
    # one app for all examples of a run (the fixture is the same object for all of them)
    if make_loket not in _LOKETS:
        _LOKETS[make_loket] = make_loket([_definition()])
    loket = _LOKETS[make_loket]
    citizen = loket.citizen(SLUG, client=loket.new_client())
    second = citizen.follow(citizen.fill_page(citizen.start(), {"mulai": f"{mulai:%d-%m-%Y}"}))
    web = citizen.post_form(second, {"selesai": f"{selesai:%d-%m-%Y}"})
    assert web.status_code in {303, 422}
    answers = {"mulai": mulai.isoformat(), "selesai": selesai.isoformat()}
    api = loket.client.post(f"/api/v1/services/{SLUG}/submissions", json=answers)
    assert api.status_code in {201, 422}, api.text
    assert (web.status_code == 422) == (api.status_code == 422)
    if api.status_code == 422:
        web_messages = error_texts(parse(web))
        api_messages = [e["message"]["id"] for e in api.json()["errors"]]
        assert {e["pointer"] for e in api.json()["errors"]} == {"/selesai"}
        assert web_messages == api_messages


_LOKETS: dict[Callable[..., Loket], Loket] = {}


def test_a_group_rule_is_shown_beside_the_group(make_loket: Callable[..., Loket]) -> None:
    definition = _definition()
    definition["id"] = "layanan-aturan-grup"
    definition["form"]["pages"][1]["fields"].append(
        {
            "key": "anggota",
            "type": "group",
            "label": "Anggota",
            "min_items": 2,
            "fields": [{"key": "nama_anggota", "type": "text", "label": "Nama", "required": True}],
        }
    )
    definition["form"]["rules"].append(
        {
            "unique": {"group": "anggota", "field": "nama_anggota"},
            "at": "anggota",
            "message": {"id": "Nama anggota tidak boleh sama.", "en": "No two names alike."},
        }
    )
    loket = make_loket([definition])
    citizen = loket.citizen("contoh/layanan-aturan-grup")
    second = citizen.follow(citizen.fill_page(citizen.start(), {"mulai": "10-03-2026"}))
    same = {
        "selesai": "12-03-2026",
        "anggota.0.nama_anggota": "Ani",
        "anggota.1.nama_anggota": "Ani",
    }
    response = citizen.post_form(second, same)
    assert response.status_code == 422
    doc = parse(response)
    assert error_texts(doc) == ["Nama anggota tidak boleh sama."]
    assert doc.css_first("#f-anggota-error") is not None
    assert attr(doc.css_first("input[name='anggota.1.nama_anggota']"), "value") == "Ani"
    fixed = citizen.post_form(response, {"anggota.1.nama_anggota": "Budi"})
    assert fixed.status_code == 303
