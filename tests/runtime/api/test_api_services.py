"""The JSON API's service endpoints and its OpenAPI description."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from runtime.routes.api import PREFIX
from tests.runtime.api.conftest import AGENCY, BASE, SLUG, Api, publish, retire, variant


def test_list_shows_published_services_in_both_languages(api: Api) -> None:
    publish(api.engine, variant("layanan-lama"))
    retire(api.engine, AGENCY, "layanan-lama")
    response = api.client.get(f"{PREFIX}/services")
    assert response.status_code == 200
    services = response.json()["services"]
    assert [s["id"] for s in services] == [SLUG]
    (service,) = services
    assert service["agency"] == AGENCY
    assert service["agency_name"] == "Dinas Contoh"
    assert service["version"] == 1
    assert service["title"] == {"id": "Layanan uji", "en": "Test service"}
    assert service["summary"] == {"id": "Layanan kecil untuk menguji API.", "en": None}
    assert service["links"] == {
        "detail": BASE,
        "json_schema": f"{BASE}/schema",
        "submissions": f"{BASE}/submissions",
        "page": f"/layanan/{AGENCY}/{SLUG}",
    }


def test_list_gives_the_live_version_number(api: Api) -> None:
    changed = variant(SLUG)
    changed["title"] = {"id": "Layanan uji versi dua", "en": "Test service, version two"}
    publish(api.engine, changed)
    (service,) = api.client.get(f"{PREFIX}/services").json()["services"]
    assert service["version"] == 2
    assert service["title"]["en"] == "Test service, version two"


def test_detail_has_standard_and_privacy(api: Api) -> None:
    response = api.client.get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert body["standard"] == {"requirements": ["KTP-el"], "duration_days": 3, "cost": "Gratis"}
    assert body["privacy"] == {"purpose": "Pengujian.", "retention_days": 30}
    assert body["status"] == "published"
    assert body["sha256"] == api.compiled.digest
    assert body["accepts_api_submissions"] is True
    assert body["file_fields"] == ["ktp"]


def test_detail_of_retired_service_and_of_one_needing_files(api: Api) -> None:
    publish(api.engine, variant("dengan-berkas", required_file=True))
    detail = api.client.get(f"{PREFIX}/services/{AGENCY}/dengan-berkas").json()
    assert detail["accepts_api_submissions"] is True  # files are uploaded first
    assert detail["file_fields"] == ["ktp"]
    retire(api.engine, AGENCY, SLUG)
    assert api.client.get(BASE).json()["status"] == "retired"


def test_schema_is_the_compiled_submission_schema(api: Api) -> None:
    response = api.client.get(f"{BASE}/schema")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    expected = copy.deepcopy(api.compiled.schema)
    body = response.json()
    assert body["properties"].pop("ktp") == {
        "type": "string",
        "pattern": "^[A-Za-z0-9_-]{16,64}$",
        "description": (
            "The upload id returned by POST .../files for this field "
            "(image/jpeg, application/pdf; at most 2 MB)."
        ),
        "x-loket-upload": {
            "field": "ktp",
            "accept": ["image/jpeg", "application/pdf"],
            "max_mb": 2,
            "max_files": 1,
        },
    }
    assert expected["properties"].pop("ktp")["type"] == "object"  # what the pages store
    assert body == expected  # the rest is the compiled submission schema
    assert response.json()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    "path",
    [
        f"{PREFIX}/services/{AGENCY}/tidak-ada",
        f"{PREFIX}/services/tidak-ada/{SLUG}",
        f"{PREFIX}/services/{AGENCY}/tidak-ada/schema",
    ],
)
def test_unknown_service_is_a_json_404(api: Api, path: str) -> None:
    response = api.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == "service_not_found"


def test_unknown_service_on_submit_is_a_json_404(api: Api) -> None:
    response = api.client.post(f"{PREFIX}/services/{AGENCY}/tidak-ada/submissions", json={})
    assert response.status_code == 404
    assert response.json()["error"] == "service_not_found"


def test_errors_speak_english_when_asked(api: Api) -> None:
    response = api.client.get(
        f"{PREFIX}/services/{AGENCY}/tidak-ada", headers={"Accept-Language": "en"}
    )
    assert response.json()["message"] == "No such service."


def test_unknown_api_path_is_json(api: Api) -> None:
    response = api.client.get(f"{PREFIX}/tidak-ada")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_openapi_lists_the_endpoints(api: Api) -> None:
    response = api.client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    assert set(paths) == {  # the JSON API only: no HTML page is an operation
        f"{PREFIX}/services",
        f"{PREFIX}/services/{{agency}}/{{service}}",
        f"{PREFIX}/services/{{agency}}/{{service}}/schema",
        f"{PREFIX}/services/{{agency}}/{{service}}/submissions",
        f"{PREFIX}/services/{{agency}}/{{service}}/files",
        f"{PREFIX}/status/{{reference}}",
        f"{PREFIX}/verifikasi/{{code}}",
        f"{PREFIX}/status/{{reference}}/dokumen/{{document_id}}",
    }
    download = paths[f"{PREFIX}/status/{{reference}}/dokumen/{{document_id}}"]["get"]
    assert "X-Status-Secret" in {p["name"] for p in download["parameters"]}
    assert "application/pdf" in download["responses"]["200"]["content"]
    post = paths[f"{PREFIX}/services/{{agency}}/{{service}}/submissions"]["post"]
    assert post["description"]
    assert "application/json" in post["requestBody"]["content"]
    assert {"201", "400", "404", "410", "413", "415", "422"} <= set(post["responses"])
    created = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert created.endswith("/SubmissionCreated")
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
    status = paths[f"{PREFIX}/status/{{reference}}"]["get"]
    assert "X-Status-Secret" in {p["name"] for p in status["parameters"]}
    assert status["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CaseStatus"
    )
    upload = paths[f"{PREFIX}/services/{{agency}}/{{service}}/files"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "400", "404", "410", "413", "415", "422"} <= set(upload["responses"])
    made = upload["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert made.endswith("/UploadCreated")
    schemas = spec["components"]["schemas"]
    names = ("ServiceList", "ServiceDetail", "SubmissionCreated", "UploadCreated", "CaseStatus")
    for name in (*names, "ApiError"):
        assert schemas[name].get("description"), name


def test_api_sets_no_cookies(api: Api) -> None:
    for response in (
        api.client.get(f"{PREFIX}/services"),
        api.client.get(BASE),
        api.submit({"nama": "x"}),
    ):
        assert "set-cookie" not in response.headers


def _examples(node: Any) -> Iterator[tuple[Any, Any]]:
    """(schema, example) for every example declared anywhere in an OpenAPI document."""
    if isinstance(node, dict):
        schema = node.get("schema", node)
        if "example" in node:
            yield schema, node["example"]
        for value in node.get("examples", []) if isinstance(node.get("examples"), list) else []:
            yield schema, value
        if isinstance(node.get("examples"), dict):
            for named in node["examples"].values():
                yield schema, named.get("value") if isinstance(named, dict) else named
        for value in node.values():
            yield from _examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from _examples(value)


def test_every_example_in_the_openapi_document_is_valid(api: Api) -> None:
    spec = api.client.get("/api/openapi.json").json()
    found = list(_examples(spec["paths"])) + list(_examples(spec["components"]))
    assert len(found) >= 4  # the body and the path parameters have examples
    for schema, example in found:
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        # "#/components/..." references resolve against the document's components
        errors = [e.message for e in validator.iter_errors(example)]
        assert errors == [], (schema, example)


def test_a_wrong_method_is_405_with_allow(api: Api) -> None:
    for method, path, allowed in (
        ("DELETE", f"{PREFIX}/services", "GET"),
        ("PUT", f"{BASE}/submissions", "POST"),
        ("POST", f"{PREFIX}/status/LKT-23456-789AB", "GET"),
    ):
        response = api.client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == allowed
        assert response.json()["error"] == "method_not_allowed"
    page = api.client.put("/masuk")
    assert page.status_code == 405
    assert set(page.headers["allow"].split(", ")) == {"GET", "POST"}
    assert page.headers["content-type"].startswith("text/html")
