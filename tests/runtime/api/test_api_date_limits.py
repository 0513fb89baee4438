"""Date limits on another answer and on a day of the year through the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from builder import values
from tests.runtime.api.conftest import AGENCY, VALID, Api, publish, variant

SLUG = "layanan-tanggal"
URL = f"/api/v1/services/{AGENCY}/{SLUG}/submissions"


def _with_dates() -> dict[str, Any]:
    definition = variant(SLUG)
    definition["form"]["pages"][0]["fields"][1:1] = [
        {"key": "mulai", "type": "date", "label": "Tanggal mulai"},
        {
            "key": "selesai",
            "type": "date",
            "label": "Tanggal selesai",
            "min": {"field": "mulai"},
            "max": {"field": "mulai", "days": 30},
        },
        {"key": "tahun_ini", "type": "date", "label": "Tanggal", "min": {"month": 1, "day": 1}},
    ]
    return definition


def test_an_end_date_before_the_start_is_a_422_with_its_pointer(api: Api) -> None:
    publish(api.engine, _with_dates())
    answers = {**VALID, "mulai": "2026-03-10", "selesai": "2026-03-09"}
    response = api.client.post(URL, json=answers)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["pointer"], e["rule"]) for e in errors] == [("/selesai", "min")]
    assert errors[0]["message"]["id"] == "Tanggal selesai tidak boleh sebelum 10-03-2026."


def test_more_than_thirty_days_after_the_start_is_a_422(api: Api) -> None:
    publish(api.engine, _with_dates())
    answers = {**VALID, "mulai": "2026-03-10", "selesai": "2026-04-10"}
    response = api.client.post(URL, json=answers)
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/selesai"]
    fine = api.client.post(URL, json={**answers, "selesai": "2026-04-09"})
    assert fine.status_code == 201, fine.text


def test_a_day_of_the_current_year(api: Api) -> None:
    publish(api.engine, _with_dates())
    year = values.today().year
    last_year = dt.date(year - 1, 12, 31).isoformat()
    response = api.client.post(URL, json={**VALID, "tahun_ini": last_year})
    assert response.status_code == 422, response.text
    message = response.json()["errors"][0]["message"]["id"]
    assert message == f"Tanggal tidak boleh sebelum 01-01-{year}."
    ok = api.client.post(URL, json={**VALID, "tahun_ini": dt.date(year, 1, 1).isoformat()})
    assert ok.status_code == 201, ok.text
