"""The JSON API and region answers: the code alone is taken, checked against the data."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import Session, select

from runtime.models import Submission
from tests.runtime.api.conftest import AGENCY, DEFINITION, VALID, Api, publish

SLUG = "layanan-wilayah"
URL = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = SLUG
    definition["form"]["pages"][0]["fields"].append(
        {
            "key": "lokasi",
            "type": "region",
            "label": "Kelurahan",
            "required": True,
            "within": "18.71",
        }
    )
    return definition


def test_the_api_takes_a_code_and_stores_it_with_its_names(api: Api) -> None:
    publish(api.engine, _definition())
    response = api.client.post(URL, json={**VALID, "lokasi": "18.71.01.1003"})
    assert response.status_code == 201, response.text
    reference = response.json()["reference"]
    with Session(api.engine) as session:
        case = session.exec(select(Submission).where(Submission.reference == reference)).one()
    assert case.answers["lokasi"] == {
        "code": "18.71.01.1003",
        "names": ["Lampung", "Kota Bandar Lampung", "Kedaton", "Kedaton"],
    }
    # the stored shape is taken too; its names are the data's, not the sender's
    again = api.client.post(
        URL, json={**VALID, "lokasi": {"code": "18.71.01.1003", "names": ["<script>"]}}
    )
    assert again.status_code == 201, again.text
    with Session(api.engine) as session:
        case = session.exec(
            select(Submission).where(Submission.reference == again.json()["reference"])
        ).one()
    assert case.answers["lokasi"]["names"][-1] == "Kedaton"


def test_the_api_refuses_codes_outside_the_area_or_level(api: Api) -> None:
    publish(api.engine, _definition())
    for value in ["18.71.01", "18.72.01.2001", "99.99", 1871, {"code": "18.71"}, ""]:
        response = api.client.post(URL, json={**VALID, "lokasi": value})
        assert response.status_code == 422, (value, response.text)
        errors = response.json()["errors"]
        assert {e["pointer"] for e in errors} == {"/lokasi"}, (value, errors)
    with Session(api.engine) as session:
        assert session.exec(select(Submission).where(Submission.reference != "")).all() == []
