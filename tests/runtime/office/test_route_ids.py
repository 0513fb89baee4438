"""Ids that cannot exist are "not found" (or refused), never a server error, on every route.

The routes are found by walking `app.routes`, so a new route with an id is covered without
touching this file. Each id in the path gets values out of the database's integer range, zero,
negative, non-ASCII digits and far too long, while the other path parameters name real things;
a signed-in user holding every role (with a valid CSRF token on POST) sends them, so the
requests get past sign-in and CSRF checks to the code that looks things up. Integer values in
forms and query strings get the same treatment. SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import select

from runtime import auth, store
from runtime.documents.verify import new_verify_code
from runtime.models import User
from tests.runtime.office.conftest import DOMISILI, PASSWORD, Office, csrf_of, parse

OVERSIZED = (
    "2147483648",
    "9999999999999999999999999",
    "9" * 5000,
    "0",
    "-1",
    "²",
    "1e9",
    "x" * 5000,
)
# integer values read from forms and query strings by hand
INTEGER_FIELDS = ("row_version", "user_id", "at", "page", "layanan", "diterbitkan", "dikembalikan")
NOT_FOUND_OR_REFUSED = {404, 422}


@pytest.fixture
def everyone(office: Office) -> Iterator[tuple[TestClient, str, dict[str, str]]]:
    """A client signed in as a user with every role, its CSRF token, and real path values."""
    filed = office.file_case()
    attachment = office.attach(filed.id)
    (document,) = office.approve(filed.id)
    definition = office.definitions[DOMISILI]
    with office.session() as session:
        user = auth.create_user(
            session,
            username="semua.peran",
            display_name="Semua Peran",
            password=PASSWORD,
            global_roles=("reviewer", "admin"),
        )
        for role in ("petugas", "kepala", "designer"):
            auth.grant(session, user=user, agency_id=definition["agency"], role=role)
        session.commit()
        assert user.id is not None
        version = store.current_version(session, definition["agency"], definition["id"])
        assert version is not None
        real = {
            "agency": definition["agency"],
            "agency_id": definition["agency"],
            "slug": definition["id"],
            "page_id": definition["form"]["pages"][0]["id"],
            "exit_id": "bukan_warga",  # the example has no exit pages: the not-found page
            "reference": filed.reference,
            "secret": filed.secret,
            "case_id": filed.id,
            "attachment_id": attachment,
            "document_id": document.id,
            "doc": document.doc_type,
            "version_id": str(version.id),
            "service_id": str(version.service_id),
            "user_id": str(user.id),
            "message_id": "1",
            "endpoint_id": "1",
            "change": "nonaktifkan",
            "action": "kirim_kk_lama",  # an applicant action (not in this service: refused)
            "token": "x" * 43,
            "code": new_verify_code(),
        }
    client = office.login("semua.peran")
    token = csrf_of(parse(client.get("/masuk")))
    start = client.post(f"/layanan/{DOMISILI}/mulai", data={"csrf_token": token})
    assert start.status_code == 303  # a draft, so the form's pages answer for themselves
    yield client, token, real


def _routes(office: Office) -> list[tuple[str, str, list[str]]]:
    """(method, path template, path parameter names) of every route with a parameter."""
    found = []
    for route in iter_route_contexts(office.app.routes):
        if not isinstance(route.original_route, APIRoute) or route.path is None:
            continue
        names = re.findall(r"{(\w+)", route.path)
        path = re.sub(r"{(\w+):\w+}", r"{\1}", route.path)  # {code:path} -> {code}
        for method in sorted((route.methods or set()) - {"HEAD"}):
            found.append((method, path, names))
    return found


def _send(
    client: TestClient, method: str, url: str, token: str, extra: dict[str, Any] | None = None
) -> int:
    if method == "GET":
        return client.get(url, params=extra).status_code
    data = {"csrf_token": token, **(extra or {})}
    return client.request(method, url, data=data).status_code


def test_every_id_in_a_path_is_bounded(
    office: Office, everyone: tuple[TestClient, str, dict[str, str]]
) -> None:
    client, token, real = everyone
    routes = _routes(office)
    with_ids = [r for r in routes if any(n.endswith("_id") for n in r[2])]
    assert len(with_ids) >= 10, with_ids  # the walk found the routes with ids
    failures = []
    for method, template, names in with_ids:
        for name in (n for n in names if n.endswith("_id")):
            for value in OVERSIZED:
                values = {**real, name: value}
                url = template.format(**{n: values[n] for n in names})
                status = _send(client, method, url, token)
                if status not in NOT_FOUND_OR_REFUSED:
                    failures.append((method, template, name, value[:30], status))
    assert failures == [], "\n".join(map(str, failures))


def test_integer_form_and_query_values_are_bounded(
    office: Office, everyone: tuple[TestClient, str, dict[str, str]]
) -> None:
    client, token, real = everyone
    failures = []
    for method, template, names in _routes(office):
        if template.startswith("/api/"):
            continue  # the JSON API takes no integer form values (see its own tests)
        url = template.format(**{n: real[n] for n in names})
        for value in OVERSIZED:
            status = _send(client, method, url, token, dict.fromkeys(INTEGER_FIELDS, value))
            if status >= 500:
                failures.append((method, template, value[:30], status))
    assert failures == []


def test_an_id_out_of_range_is_the_not_found_page(
    office: Office, everyone: tuple[TestClient, str, dict[str, str]]
) -> None:
    client, _, _ = everyone
    for value in ("2147483648", "9999999999999999999999999", "0", "abc"):
        response = client.get(f"/tinjau/{value}")
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.text or "tidak ditemukan" in response.text
    with office.session() as session:
        assert session.exec(select(User).where(User.username == "semua.peran")).one()
