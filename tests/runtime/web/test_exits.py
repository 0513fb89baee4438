"""An exit page on the web form: the citizen is stopped with the reason and where to go, can go
back and change the answer, and cannot send while the exit applies (JavaScript off)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.kit import csrf
from tests.runtime.api.conftest import DEFINITION

from .conftest import Loket, attr, parse

SLUG = "contoh/layanan-keluar-web"


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-keluar-web"
    definition["form"] = {
        "pages": [
            {
                "id": "domisili",
                "title": "Domisili",
                "fields": [
                    {
                        "key": "warga_kota",
                        "type": "yesno",
                        "label": "Apakah Anda warga Kota Bandar Lampung?",
                        "required": True,
                    }
                ],
                "exits": [
                    {
                        "id": "bukan_warga",
                        "when": {"field": "warga_kota", "equals": False},
                        "title": {
                            "id": "Layanan ini untuk warga kota",
                            "en": "This service is for city residents",
                        },
                        "text": {
                            "id": "Ajukan surat ini di kabupaten/kota tempat Anda terdaftar.",
                            "en": "Apply for this letter where you are registered.",
                        },
                        "link": {
                            "url": "https://layanan.contoh.go.id/daerah",
                            "label": {"id": "Cari layanan daerah", "en": "Find your region"},
                        },
                    }
                ],
            },
            {
                "id": "data",
                "title": "Data",
                "fields": [{"key": "nama", "type": "text", "label": "Nama", "required": True}],
            },
        ]
    }
    return definition


@pytest.mark.postgres
def test_an_answer_that_rules_the_service_out_leads_to_the_exit_page(
    make_loket: Callable[..., Loket],
) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    first = citizen.start()
    response = citizen.post_form(first, {"warga_kota": "tidak"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/keluar/bukan_warga")
    page = citizen.follow(response)
    assert page.status_code == 200
    doc = parse(page)
    assert doc.css_first("h1").text() == "Layanan ini untuk warga kota"
    assert "kabupaten/kota tempat Anda terdaftar" in doc.css_first("main").text(deep=True)
    link = doc.css_first("a[href='https://layanan.contoh.go.id/daerah']")
    assert link is not None and link.text() == "Cari layanan daerah"
    back = [a for a in doc.css("main a") if attr(a, "href").endswith("/isi/domisili")]
    assert back, "no way back to the answer"

    # the check page and sending are refused while the exit applies
    check = citizen.get(f"{citizen.base}/periksa")
    assert check.status_code == 303 and check.headers["location"].endswith("/keluar/bukan_warga")
    token = csrf(citizen.get(f"{citizen.base}/isi/domisili"))
    sent = citizen.client.post(f"{citizen.base}/kirim", data={"csrf_token": token})
    assert sent.status_code == 303 and sent.headers["location"].endswith("/keluar/bukan_warga")
    assert loket.submissions() == []

    # in English
    english = parse(citizen.get(page.url.path + "?lang=en"))
    assert english.css_first("h1").text() == "This service is for city residents"

    # changed, the citizen goes on; the exit page no longer applies
    changed = citizen.post_form(citizen.get(f"{citizen.base}/isi/domisili"), {"warga_kota": "ya"})
    assert changed.headers["location"].endswith("/isi/data")
    gone = citizen.get(page.url.path)
    assert gone.status_code == 303 and gone.headers["location"].endswith("/isi/domisili")


def test_an_unknown_exit_is_not_found(make_loket: Callable[..., Loket]) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    citizen.start()
    assert citizen.get(f"{citizen.base}/keluar/tidak_ada").status_code == 404
