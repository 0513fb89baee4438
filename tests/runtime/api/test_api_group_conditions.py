"""A condition on a group's items through the JSON API: the same visibility as the web form."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from runtime.models import Submission
from tests.runtime.api.conftest import AGENCY, VALID, Api, publish, variant

SLUG = "layanan-uji-grup"
URL = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"
CHILD = {"group": "anggota", "some": {"field": "umur_anggota", "lt": 17}}


def _with_group_test() -> dict[str, Any]:
    definition = variant(SLUG)
    definition["form"]["pages"][1]["fields"].insert(
        0,
        {
            "key": "nama_sekolah",
            "type": "text",
            "label": "Nama sekolah anak",
            "required": True,
            "visible_if": CHILD,
        },
    )
    return definition


def test_the_field_a_child_calls_for_is_required_then(api: Api) -> None:
    publish(api.engine, _with_group_test())
    answers = {**VALID, "anggota": [{"nama_anggota": "Ani", "umur_anggota": 9}]}
    response = api.client.post(URL, json=answers)
    assert response.status_code == 422, response.text
    assert [(e["pointer"], e["rule"]) for e in response.json()["errors"]] == [
        ("/nama_sekolah", "required")
    ]
    taken = api.client.post(URL, json={**answers, "nama_sekolah": "SDN 2 Enggal"})
    assert taken.status_code == 201, taken.text


def test_without_a_child_the_answer_is_dropped_as_hidden(api: Api) -> None:
    publish(api.engine, _with_group_test())
    answers = {
        **VALID,
        "anggota": [{"nama_anggota": "Ani", "umur_anggota": 40}],
        "nama_sekolah": "SDN 2 Enggal",
    }
    response = api.client.post(URL, json=answers)
    assert response.status_code == 201, response.text
    with Session(api.engine) as session:
        case = session.exec(select(Submission)).one()
        assert "nama_sekolah" not in case.answers
        assert case.answers["anggota"] == answers["anggota"]
