"""Text answers through the JSON API: patterns matched in linear time."""

from __future__ import annotations

import time
from typing import Any

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
