"""The JSON API and dependent options: a value outside the options the filter field's answer
offers is refused with a pointer, as on the web form; a shared list works like inline options."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import Session, select

from runtime.models import Submission
from tests.runtime.api.conftest import AGENCY, DEFINITION, VALID, Api, publish

SLUG = "layanan-pilihan"
URL = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = SLUG
    definition["option_lists"] = {
        "sekolah": [
            {"value": "lain", "label": "Sekolah lain"},
            {"value": "smpn1", "label": "SMPN 1 Kedaton", "group": "18.71.01"},
            {"value": "smpn2", "label": "SMPN 2 Sukarame", "group": "18.71.02"},
        ],
        "minat": [
            {"value": "a", "label": "A", "group": "zonasi"},
            {"value": "b", "label": "B", "group": "prestasi"},
        ],
    }
    definition["form"]["pages"][0]["fields"].extend(
        [
            {
                "key": "kecamatan",
                "type": "region",
                "label": "Kecamatan",
                "within": "18.71",
                "level": "district",
            },
            {
                "key": "sekolah",
                "type": "choice",
                "label": "Sekolah",
                "options_from": "sekolah",
                "filter_by": "kecamatan",
            },
            {
                "key": "jalur",
                "type": "choice",
                "label": "Jalur",
                "options": [
                    {"value": "zonasi", "label": "Zonasi"},
                    {"value": "prestasi", "label": "Prestasi"},
                ],
            },
            {
                "key": "minat",
                "type": "multichoice",
                "label": "Minat",
                "options_from": "minat",
                "filter_by": "jalur",
            },
        ]
    )
    return definition


def test_the_api_takes_an_offered_value(api: Api) -> None:
    publish(api.engine, _definition())
    answers = {
        **VALID,
        "kecamatan": "18.71.01",
        "sekolah": "smpn1",
        "jalur": "zonasi",
        "minat": ["a"],
    }
    response = api.client.post(URL, json=answers)
    assert response.status_code == 201, response.text
    with Session(api.engine) as session:
        case = session.exec(
            select(Submission).where(Submission.reference == response.json()["reference"])
        ).one()
    assert case.answers["sekolah"] == "smpn1"
    assert case.answers["minat"] == ["a"]


def test_the_api_refuses_an_out_of_group_value_with_a_pointer(api: Api) -> None:
    publish(api.engine, _definition())
    cases = [
        ({"kecamatan": "18.71.02", "sekolah": "smpn1"}, {"/sekolah"}),
        ({"sekolah": "smpn1"}, {"/sekolah"}),  # no area: only the ungrouped option
        ({"jalur": "prestasi", "minat": ["b", "a"]}, {"/minat/1"}),
        ({"sekolah": "tidak-ada"}, {"/sekolah"}),
    ]
    for extra, pointers in cases:
        response = api.client.post(URL, json={**VALID, **extra})
        assert response.status_code == 422, (extra, response.text)
        errors = response.json()["errors"]
        assert {e["pointer"] for e in errors} == pointers, (extra, errors)
    with Session(api.engine) as session:
        assert session.exec(select(Submission)).all() == []
    message = api.client.post(URL, json={**VALID, "sekolah": "smpn2"}).json()["errors"][0]
    assert "not available for the earlier answer" in str(message)
