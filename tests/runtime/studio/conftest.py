"""Fixtures for the studio: an app on a clean database with staff accounts and one live service.

The database comes from the `engine` fixture of tests/runtime/conftest.py. `Designer` drives the
studio like a browser without JavaScript: it reads the editor's HTML and posts its forms back
with the CSRF token and the draft's row version found on the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import Engine
from sqlmodel import Session, select

from runtime import auth, lifecycle
from runtime.app import create_app
from runtime.models import Agency, Service, ServiceVersion
from runtime.settings import Settings
from tests import kit

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "schemas" / "examples"
DOMISILI: dict[str, Any] = json.loads(
    (EXAMPLES / "surat-keterangan-domisili.json").read_text(encoding="utf-8")
)
AGENCY = DOMISILI["agency"]
SECRET_KEY = "test-secret-key-for-the-studio-0123456789abcdef"
PASSWORD = "Studio-Kata-Sandi-Panjang-2026"

# username -> (agency roles, global roles)
STAFF: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "perancang": ({AGENCY: "designer"}, ()),
    "perancang.dua": ({AGENCY: "designer"}, ()),
    "perancang.dinsos": ({"dinsos": "designer"}, ()),
    "petugas": ({AGENCY: "petugas"}, ()),
    "peninjau": ({}, ("reviewer",)),
}


parse = kit.page


def attr(node: Any, name: str) -> str:
    """An attribute's value ('' when absent)."""
    return node.attributes.get(name) or ""


def form_fields(doc: LexborHTMLParser, form: Any) -> list[tuple[str, str]]:
    """What a browser sends for a form: its successful controls, also those bound by form=id."""
    controls = list(form.css("input, select, textarea"))
    if attr(form, "id"):
        controls += doc.css(f"[form='{attr(form, 'id')}']")
    values: list[tuple[str, str]] = []
    for node in controls:
        name = attr(node, "name")
        kind = attr(node, "type").lower() if node.tag == "input" else node.tag
        if not name or "disabled" in node.attributes or kind in {"submit", "button", "file"}:
            continue
        if kind in {"radio", "checkbox"}:
            if "checked" in node.attributes:
                values.append((name, attr(node, "value") or "on"))
        elif kind == "select":
            options = node.css("option")
            chosen = [o for o in options if "selected" in o.attributes]
            if not chosen and "multiple" not in node.attributes:
                chosen = options[:1]
            values.extend((name, attr(o, "value")) for o in chosen)
        elif kind == "textarea":
            values.append((name, node.text(deep=True)))
        else:
            values.append((name, attr(node, "value")))
    return values


@dataclass
class Studio(kit.Site):
    """The app and its database."""

    app: FastAPI
    engine: Engine
    clients: list[TestClient] = field(default_factory=list)

    def login(self, username: str) -> Designer:
        """A browser signed in as `username`."""
        return Designer(kit.signed_in(self.client(), username, PASSWORD, "/"), self)

    def draft(self, slug: str = DOMISILI["id"], agency: str = AGENCY) -> ServiceVersion:
        """The open draft of a service, fresh from the database; the live version while there is
        no draft (opening the editor creates none: the first change does)."""
        with self.session() as session:
            service = session.exec(
                select(Service).where(Service.agency_id == agency, Service.slug == slug)
            ).one()
            assert service.id is not None
            version = lifecycle.open_draft(session, service.id) or session.get(
                ServiceVersion, service.current_version_id
            )
            assert version is not None
            return version


@dataclass
class Designer:
    """A signed-in browser without JavaScript."""

    client: TestClient
    studio: Studio
    page: Response | None = None

    def get(self, path: str, **kwargs: Any) -> Response:
        """GET without following redirects; remembers the page."""
        self.page = self.client.get(path, **kwargs)
        return self.page

    def open(self, slug: str = DOMISILI["id"], agency: str = AGENCY, **params: Any) -> Response:
        """The editor of a service."""
        response = self.get(f"/studio/{agency}/{slug}", params=params)
        assert response.status_code == 200, response.text[:500]
        return response

    @property
    def doc(self) -> LexborHTMLParser:
        """The last page, parsed."""
        assert self.page is not None
        return parse(self.page)

    def hidden(self, name: str) -> str:
        """The value of the first hidden input `name` on the last page."""
        node = self.doc.css_first(f"input[name='{name}']")
        assert node is not None, f"no input {name}"
        return attr(node, "value")

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> Response:
        """POST with the page's CSRF token and row version (unless given)."""
        payload = {"csrf_token": self.hidden("csrf_token"), **data}
        if "row_version" not in payload and self.doc.css_first("input[name=row_version]"):
            payload["row_version"] = self.hidden("row_version")
        return self.client.post(path, data=payload, **kwargs)

    def form(self, op: str, scope: str = "main") -> Any:
        """The first form posting the edit `op` inside `scope` on the last page."""
        area = self.doc.css_first(scope)
        assert area is not None, f"nothing matches {scope}"
        for form in area.css("form"):
            if any(attr(i, "value") == op for i in form.css("input[name=op]")):
                return form
        raise AssertionError(f"no form for {op} in {scope}")

    def submit(self, form: Any, overrides: dict[str, Any] | None = None, **kwargs: Any) -> Response:
        """Send a form (node or CSS selector) of the last page as a browser would."""
        doc = self.doc
        if isinstance(form, str):
            form = doc.css_first(form)
        assert form is not None, "no such form"
        data: dict[str, list[str]] = {}
        for name, value in form_fields(doc, form):
            data.setdefault(name, []).append(value)
        for name, value in (overrides or {}).items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value if isinstance(value, list) else [str(value)]
        action = attr(form, "action")
        if attr(form, "method").lower() == "get":
            return self.get(action, params=data)
        response = self.client.post(action, data=data, **kwargs)
        if response.status_code != 303:
            self.page = response
        return response

    def submit_ok(self, form: Any, overrides: dict[str, Any] | None = None) -> Response:
        """Send a form, expect the redirect back, and open where it leads."""
        response = self.submit(form, overrides)
        assert response.status_code == 303, (response.status_code, response.text[:3000])
        return self.get(response.headers["location"])

    def edit(
        self, op: str, slug: str = DOMISILI["id"], agency: str = AGENCY, **data: Any
    ) -> Response:
        """Post one edit from the current editor page."""
        return self.post(f"/studio/{agency}/{slug}/ubah", {"op": op, **data})

    def edit_ok(self, op: str, slug: str = DOMISILI["id"], **data: Any) -> Response:
        """Post one edit, expect the redirect back to the editor, and open it."""
        response = self.edit(op, slug, **data)
        assert response.status_code == 303, (response.status_code, response.text[:2000])
        return self.get(response.headers["location"])


_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def studio(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    """The app with the staff accounts and the Domisili service published."""
    monkeypatch.setattr(auth, "_hasher", lambda: _FAST_HASHER)  # argon2 at full cost is slow
    with Session(engine) as session:
        for username, (agencies, global_roles) in STAFF.items():
            user = auth.create_user(
                session,
                username=username,
                display_name=username.title(),
                password=PASSWORD,
                global_roles=global_roles,
            )
            for agency, role in agencies.items():
                if session.get(Agency, agency) is None:
                    session.add(Agency(id=agency, name=agency.title()))
                    session.flush()
                auth.grant(session, user=user, agency_id=agency, role=role)
        lifecycle.publish_definition(session, definition=DOMISILI, data_dir=None)
        session.commit()
    settings = Settings(
        data_dir=tmp_path / "data",
        secret_key=SECRET_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
    )
    made = Studio(create_app(settings), engine)
    yield made
    made.close_clients()
    made.engine.dispose()


@pytest.fixture
def designer(studio: Studio) -> Designer:
    """The Disdukcapil designer, signed in."""
    return studio.login("perancang")
