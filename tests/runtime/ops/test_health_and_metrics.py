"""/healthz, /readyz and /metrics; request ids; route templates as metric labels."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from runtime import observability
from runtime.app import create_app
from runtime.db import make_engine
from runtime.models import OutboxMessage
from runtime.settings import Settings

SECRET_KEY = "test-secret-key-for-operations-0123456789"
TOKEN = "scrape-token-0123456789abcdef"
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
    )


@pytest.fixture
def make_client(settings: Settings) -> Iterator[object]:
    made: list[tuple[FastAPI, TestClient]] = []

    def make(**changes: object) -> TestClient:
        app = create_app(replace(settings, **changes))  # type: ignore[arg-type]
        client = TestClient(app, follow_redirects=False)
        made.append((app, client))
        return client

    yield make
    for app, client in made:
        client.close()
        app.state.engine.dispose()


# -- health and readiness ----------------------------------------------------------------------


def test_healthz_answers_ok_without_the_database(make_client: object) -> None:
    client = make_client()  # type: ignore[operator]
    client.app.state.engine = make_engine(UNREACHABLE)  # the database is gone
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ready_with_database_and_storage(make_client: object) -> None:
    for storage in ("local", "database"):
        response = make_client(storage=storage).get("/readyz")  # type: ignore[operator]
        assert (response.status_code, response.text) == (200, "ready")


def test_readyz_is_503_when_the_database_is_down(make_client: object) -> None:
    client = make_client()  # type: ignore[operator]
    client.app.state.engine = make_engine(UNREACHABLE)
    response = client.get("/readyz")
    assert (response.status_code, response.text) == (503, "database unavailable")
    assert SECRET_KEY not in response.text and "nobody" not in response.text


def test_readyz_is_503_when_the_data_folder_is_gone(
    make_client: object, settings: Settings
) -> None:
    client = make_client()  # type: ignore[operator]
    shutil.rmtree(settings.data_dir)
    response = client.get("/readyz")
    assert (response.status_code, response.text) == (503, "storage (local): data folder missing")


# -- request ids -------------------------------------------------------------------------------


def test_a_sane_request_id_comes_back(make_client: object) -> None:
    client = make_client()  # type: ignore[operator]
    for given in ("abc-123_XY.z", "0f6c2a1e-7c3b-4f0e-9a51-6d2f0f1a9c3e"):
        response = client.get("/healthz", headers={"X-Request-ID": given})
        assert response.headers["x-request-id"] == given


@pytest.mark.parametrize(
    "given",
    [
        "short",  # fewer than 8 characters
        "x" * 65,  # too long
        "has space in it",
        "<script>alert(1)</script>",
        "1871015708900001",  # digits only, e.g. a NIK: never echoed or logged
    ],
)
def test_an_unsafe_request_id_is_replaced(make_client: object, given: str) -> None:
    response = make_client().get("/healthz", headers={"X-Request-ID": given})  # type: ignore[operator]
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_every_response_gets_its_own_request_id(make_client: object) -> None:
    client = make_client()  # type: ignore[operator]
    ids = {client.get(path).headers["x-request-id"] for path in ("/healthz", "/", "/nope") * 3}
    assert len(ids) == 9


# -- metrics -----------------------------------------------------------------------------------


def test_metrics_are_off_unless_a_token_or_addresses_are_set(make_client: object) -> None:
    response = make_client().get("/metrics")  # type: ignore[operator]
    assert response.status_code == 404
    assert "loket_" not in response.text


def test_metrics_need_the_bearer_token(make_client: object) -> None:
    client = make_client(metrics_token=TOKEN)  # type: ignore[operator]
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "x" * len(TOKEN)})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401
    right = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200
    assert right.headers["content-type"].startswith("text/plain; version=")
    assert "loket_http_request_duration_seconds_bucket" in right.text


def test_metrics_for_allowed_addresses_only(settings: Settings) -> None:
    app = create_app(replace(settings, metrics_allow=("10.20.0.0/24",)))
    try:
        inside = TestClient(app, client=("10.20.0.5", 40000)).get("/metrics")
        outside = TestClient(app, client=("10.30.0.5", 40000)).get("/metrics")
        named = TestClient(app).get("/metrics")  # "testclient" is no address
    finally:
        app.state.engine.dispose()
    assert inside.status_code == 200
    assert outside.status_code == 401 and named.status_code == 401


def test_behind_a_proxy_the_allow_list_sees_the_visitor_not_the_proxy(settings: Settings) -> None:
    proxied = replace(settings, trusted_proxies=("10.0.0.1",), metrics_allow=("10.0.0.1",))
    app = create_app(proxied)
    try:
        via_proxy = TestClient(app, client=("10.0.0.1", 40000))
        visitor = via_proxy.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        itself = via_proxy.get("/metrics")
    finally:
        app.state.engine.dispose()
    assert visitor.status_code == 401
    assert itself.status_code == 200


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search("^" + pattern + "$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_latency_is_labelled_by_route_template_never_by_path(make_client: object) -> None:
    client = make_client(metrics_token=TOKEN)  # type: ignore[operator]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = client.get("/metrics", headers=auth).text
    client.get("/status/LKT-AB3CD-EF4GH/rahasia-yang-panjang-sekali")
    client.get("/kantor/kasus/kasus-rahasia-123")  # signed out: a redirect, same template
    client.get("/static/loket.css")
    client.get("/tidak-ada/1871015708900001?nik=1871015708900001")
    text = client.get("/metrics", headers=auth).text
    name = "loket_http_request_duration_seconds_count"
    for route in ("/status/{reference}/{secret}", "/kantor/kasus/{case_id}", "/static"):
        assert _sample(text, name, method="GET", route=route) == (
            _sample(before, name, method="GET", route=route) + 1
        ), route
    assert _sample(text, name, method="GET", route="<unmatched>") >= 1
    for raw in ("LKT-AB3CD-EF4GH", "rahasia", "kasus-rahasia-123", "1871015708900001", "nik="):
        assert raw not in text
    assert _sample(text, "loket_http_responses_total", method="GET", route="/static", status="2xx")


def test_the_outbox_depth_is_read_at_the_scrape(make_client: object, engine: Engine) -> None:
    client = make_client(metrics_token=TOKEN)  # type: ignore[operator]
    with Session(engine) as session:
        pending = session.execute(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")  # type: ignore[arg-type]
        ).scalar_one()
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert "# TYPE loket_outbox_pending gauge" in text
    assert _sample(text, "loket_outbox_pending") == pending


def test_route_template_of_a_scope() -> None:
    assert observability.route_template({"type": "http"}) == "<unmatched>"
    assert observability.sane_request_id(None) is None
    assert observability.sane_request_id("1871015708900001") is None
    assert observability.sane_request_id("req-12345678") == "req-12345678"


def test_an_unknown_method_is_counted_as_other(make_client: object) -> None:
    client = make_client(metrics_token=TOKEN)  # type: ignore[operator]
    client.request("BREW", "/healthz")
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert 'method="OTHER",route="/healthz"' in text
    assert "BREW" not in text
