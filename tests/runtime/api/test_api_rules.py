"""Form rules across answers through the JSON API: a broken rule is a 422 with its pointer."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import Session, select

from runtime.models import Submission
from tests.runtime.api.conftest import AGENCY, VALID, Api, publish, variant

SLUG = "layanan-aturan"
URL = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"


def _with_rules() -> dict[str, Any]:
    definition = variant(SLUG)
    form = definition["form"]
    form["computed"] = {"banyak": {"count": "anggota"}}
    form["rules"] = [
        {
            "unique": {"group": "anggota", "field": "nama_anggota"},
            "at": "anggota",
            "message": {"id": "Nama anggota tidak boleh sama.", "en": "No two names alike."},
        },
        {
            "compare": {"left": {"computed": "banyak"}, "op": "lte", "right": {"field": "umur"}},
            "at": "umur",
            "message": {"id": "Umur kurang dari banyak anggota.", "en": "Age below count."},
        },
        {
            "compare": {
                "left": {"field": "nama_pasangan"},
                "op": "ne",
                "right": {"field": "nama"},
            },
            "at": "nama_pasangan",
            "message": "Nama pasangan tidak boleh sama dengan nama Anda.",
        },
    ]
    return definition


def _submit(api: Api, answers: dict[str, Any]) -> Any:
    publish(api.engine, _with_rules())
    return api.client.post(URL, json=answers)


def test_a_broken_rule_is_a_422_with_the_fields_pointer(api: Api) -> None:
    answers = {
        **copy.deepcopy(VALID),
        "umur": 30,
        "anggota": [{"nama_anggota": "Ani"}, {"nama_anggota": "Ani"}],
    }
    response = _submit(api, answers)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["pointer"], e["rule"]) for e in errors] == [("/anggota", "rule")]
    assert errors[0]["message"] == {
        "id": "Nama anggota tidak boleh sama.",
        "en": "No two names alike.",
    }
    with Session(api.engine) as session:
        assert session.exec(select(Submission)).first() is None


def test_a_rule_on_a_computed_value(api: Api) -> None:
    answers = {**VALID, "umur": 18, "anggota": [{"nama_anggota": f"A{i}"} for i in range(3)]}
    assert _submit(api, answers).status_code == 201
    response = api.client.post(URL, json={**answers, "umur": 2})
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert "/umur" in pointers


def test_a_rule_whose_field_is_hidden_is_skipped(api: Api) -> None:
    # nama_pasangan is hidden unless married: the same name is then not compared.
    same = {**VALID, "nama_pasangan": VALID["nama"]}
    response = _submit(api, same)
    assert response.status_code == 201, response.text  # the hidden answer is dropped, not compared
    married = {**VALID, "status_kawin": "kawin", "nama_pasangan": VALID["nama"]}
    response = api.client.post(URL, json=married)
    assert response.status_code == 422
    assert [(e["pointer"], e["rule"]) for e in response.json()["errors"]] == [
        ("/nama_pasangan", "rule")
    ]
    fine = {**married, "nama_pasangan": "Siti"}
    assert api.client.post(URL, json=fine).status_code == 201
