"""An exit page through the JSON API: answers it stops are a 422 that says why, and nothing is
filed."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from runtime.models import Submission
from tests.runtime.api.conftest import AGENCY, VALID, Api, publish, variant

SLUG = "layanan-keluar"
URL = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"


def _with_exit() -> dict[str, Any]:
    definition = variant(SLUG)
    definition["form"]["pages"][0]["exits"] = [
        {
            "id": "sudah_kawin",
            "when": {"field": "status_kawin", "equals": "kawin"},
            "title": {"id": "Gunakan layanan lain", "en": "Use another service"},
            "text": {
                "id": "Pemohon yang sudah kawin mengajukan surat ini di KUA.",
                "en": "Married applicants apply for this letter at the KUA.",
            },
            "link": {"url": "https://kua.contoh.go.id", "label": "Layanan KUA"},
        }
    ]
    return definition


def test_answers_an_exit_stops_are_refused_with_the_reason(api: Api) -> None:
    publish(api.engine, _with_exit())
    answers = {**VALID, "status_kawin": "kawin", "nama_pasangan": "Siti"}
    response = api.client.post(URL, json=answers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "not_eligible"
    assert [(e["pointer"], e["key"], e["rule"]) for e in body["errors"]] == [
        ("/status_kawin", "sudah_kawin", "exit")
    ]
    assert body["errors"][0]["message"] == {
        "id": "Gunakan layanan lain. Pemohon yang sudah kawin mengajukan surat ini di KUA."
        " Layanan KUA: https://kua.contoh.go.id",
        "en": "Use another service. Married applicants apply for this letter at the KUA."
        " Layanan KUA: https://kua.contoh.go.id",
    }
    english = api.client.post(URL + "?lang=en", json=answers)
    assert english.json()["message"].startswith("By these answers")
    with Session(api.engine) as session:
        assert session.exec(select(Submission)).first() is None
    assert api.client.post(URL, json=VALID).status_code == 201
