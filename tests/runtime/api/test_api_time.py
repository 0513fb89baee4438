"""A time field through the JSON API: the same format and bounds as the web form."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.api.conftest import AGENCY, VALID, Api, publish, variant

SLUG = "layanan-jam"
URL = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"


def _with_time() -> dict[str, Any]:
    definition = variant(SLUG)
    definition["form"]["pages"][0]["fields"].append(
        {"key": "jam", "type": "time", "label": "Jam datang", "min": "08:00", "max": "15:30"}
    )
    return definition


@pytest.mark.parametrize(
    ("answer", "rule"),
    [
        ("07:59", "min"),
        ("15:31", "max"),
        ("14.30", "invalid"),
        ("24:00", "invalid"),
        (930, "invalid"),
    ],
)
def test_a_time_outside_its_range_or_form_is_a_422(api: Api, answer: Any, rule: str) -> None:
    publish(api.engine, _with_time())
    response = api.client.post(URL, json={**VALID, "jam": answer})
    assert response.status_code == 422, response.text
    assert [(e["pointer"], e["rule"]) for e in response.json()["errors"]] == [("/jam", rule)]


def test_a_time_within_its_range_is_taken(api: Api) -> None:
    publish(api.engine, _with_time())
    response = api.client.post(URL, json={**VALID, "jam": "15:30"})
    assert response.status_code == 201, response.text
