"""Text answers through the JSON API: patterns matched in linear time, short texts one line."""

from __future__ import annotations

import time
from typing import Any

import pytest

from runtime.routes.api import PREFIX
from tests.runtime.api.conftest import AGENCY, VALID, Api, publish, variant


def _with_name_pattern(api: Api, slug: str, pattern: str) -> str:
    definition: dict[str, Any] = variant(slug)
    name = definition["form"]["pages"][0]["fields"][0]
    name["pattern"] = pattern
    name["messages"] = {"pattern": {"id": "Tulis nama dengan huruf.", "en": "Letters only."}}
    publish(api.engine, definition)
    return f"{PREFIX}/services/{AGENCY}/{slug}/submissions"


def test_a_catastrophic_pattern_does_not_stall_the_server(api: Api) -> None:
    url = _with_name_pattern(api, "pola-rawan", "([A-Za-z.]+ ?)+")
    hostile = "Budi Santoso Wijaya Kusumaa!"  # 28 characters; minutes under a backtracking engine
    started = time.perf_counter()
    response = api.client.post(url, json={**VALID, "nama": hostile})
    elapsed = time.perf_counter() - started
    assert response.status_code == 422, response.text
    assert [(e["pointer"], e["rule"]) for e in response.json()["errors"]] == [("/nama", "pattern")]
    assert response.json()["errors"][0]["message"]["en"] == "Letters only."
    assert elapsed < 1.0, f"{elapsed:.2f}s"
    assert api.client.post(url, json={**VALID, "nama": "Budi Santoso"}).status_code == 201


@pytest.mark.parametrize(
    ("name", "message_en"),
    [
        ("Budi\nSantoso", "Name must be one line: remove the line breaks in it."),
        ("Budi\r\nSantoso", "Name must be one line: remove the line breaks in it."),
        ("Budi\u2028Santoso", "Name must be one line: remove the line breaks in it."),
        ("Budi\tSantoso", "Name cannot contain tabs; use spaces."),
        (" Budi Santoso", "Name cannot start or end with a space."),
        ("Budi Santoso ", "Name cannot start or end with a space."),
    ],
)
def test_a_short_text_answer_must_be_one_clean_line(api: Api, name: str, message_en: str) -> None:
    response = api.submit({**VALID, "nama": name})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_answers"
    (error,) = body["errors"]
    assert (error["pointer"], error["rule"]) == ("/nama", "single_line")
    assert error["message"]["en"] == message_en
    assert error["message"]["id"].startswith("Nama ")
    assert api.submit({**VALID, "nama": "Budi Santoso"}).status_code == 201


def test_the_published_schema_says_which_answers_are_one_line(api: Api) -> None:
    schema = api.client.get(f"{PREFIX}/services/{AGENCY}/layanan-uji/schema").json()
    assert schema["properties"]["nama"]["format"] == "loket-line"
    assert schema["properties"]["anggota"]["items"]["properties"]["nama_anggota"]["format"] == (
        "loket-line"
    )
