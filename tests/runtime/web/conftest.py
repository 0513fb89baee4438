"""Fixtures for the citizen pages: an app with every example service published, and a `Citizen`.

A `Citizen` uses the site the way a browser with JavaScript off does: it reads each page's HTML,
sends back the form's current values (hidden inputs, checked boxes, selected options...) plus
valid answers for the fields that are still empty, chosen from the compiled plan's field types.
What it typed is kept in `Citizen.sent` in the canonical form the store should end up with.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from selectolax.lexbor import LexborHTMLParser, LexborNode
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from builder import option_lists, regions
from builder.bundle import normalise
from builder.canonical import digest
from builder.compiler import CompiledService, FieldPlan, compiled
from builder.values import resolve_date_bound
from runtime import store
from runtime.app import create_app
from runtime.models import Submission
from runtime.settings import Settings
from tests import kit

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "schemas" / "examples").glob("*.json"))
ALL_FIELDS = ROOT / "tests" / "fixtures" / "all_fields.json"
AGENCY_NAMES: dict[str, str] = json.loads(
    (ROOT / "schemas" / "agencies.json").read_text(encoding="utf-8")
)
SECRET_KEY = "test-secret-key-for-the-citizen-pages-0123456789"

NIK = "1871015708900001"  # Bandar Lampung, a woman born on 17-08-1990
PHONE_TYPED = "0812 3456 7890"
PHONE = "+6281234567890"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


PNG = kit.png()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

_TEXTS = (
    "Budi Santoso",
    "Bandar Lampung",
    "9120001234567",
    "1234567890123456",
    "AHU-0012345.AH.01.04.Tahun 2020",
    "-5.4297, 105.2610",
    "005",
    "LAP-12345",
    "Jalan Merdeka nomor 10, Kelurahan Durian Payung, dekat pasar tradisional",
)
_LONG_TEXTS = (_TEXTS[-1], *_TEXTS[:-1])
_ITEM_NAME = re.compile(r"^([a-z][a-z0-9_]*)\.([0-9]+)\.([a-z][a-z0-9_]*)$")


def load_definition(path: Path) -> dict[str, Any]:
    """A definition file in its published (normal) form."""
    return normalise(json.loads(path.read_text(encoding="utf-8")))


def service_path(definition: Mapping[str, Any]) -> str:
    """The start page of a service."""
    return f"/layanan/{definition['agency']}/{definition['id']}"


parse = kit.page


def attr(node: LexborNode, name: str) -> str:
    """An attribute's value ('' when absent)."""
    return node.attributes.get(name) or ""


def ids(doc: LexborHTMLParser) -> set[str]:
    """Every element id in a document."""
    return {attr(n, "id") for n in doc.css("[id]")}


def form_values(form: LexborNode) -> list[tuple[str, str]]:
    """What a browser would send for a form without a button: its successful controls."""
    values: list[tuple[str, str]] = []
    for node in form.css("input, select, textarea"):
        name = attr(node, "name")
        if not name or "disabled" in node.attributes:
            continue
        kind = attr(node, "type").lower() if node.tag == "input" else node.tag
        if kind in {"submit", "button", "image", "reset", "file"}:
            continue
        if kind in {"radio", "checkbox"}:
            if "checked" in node.attributes:
                values.append((name, attr(node, "value") or "on"))
        elif kind == "select":
            options = node.css("option")
            chosen = [o for o in options if "selected" in o.attributes] or options[:1]
            values.extend((name, attr(o, "value")) for o in chosen)
        elif kind == "textarea":
            values.append((name, node.text(deep=True)))
        else:
            values.append((name, attr(node, "value")))
    return values


def the_form(doc: LexborHTMLParser) -> LexborNode:
    """The page's POST form."""
    form = doc.css_first("main form[method=post]")
    assert form is not None, "the page has no form"
    return form


csrf_of = kit.csrf


def error_texts(doc: LexborHTMLParser) -> list[str]:
    """The entries of the error summary."""
    return [a.text(deep=True).strip() for a in doc.css("#error-summary a")]


def _fits(text: str, spec: Mapping[str, Any], default_max: int) -> bool:
    if not spec.get("min_length", 1) <= len(text) <= spec.get("max_length", default_max):
        return False
    pattern = spec.get("pattern")
    return pattern is None or re.fullmatch(pattern, text) is not None


def valid_value(plan: FieldPlan, offered: list[str] | None = None) -> tuple[Any, Any]:
    """A valid answer for a field: (what the citizen types, what should be stored).

    `offered`: the values a dependent choice offers for the answers given so far.
    """
    spec, kind = plan.spec, plan.type
    if kind in {"text", "textarea"}:
        candidates = _LONG_TEXTS if kind == "textarea" else _TEXTS
        maximum = 2000 if kind == "textarea" else 200
        text = next(
            t for t in (*candidates, spec.get("placeholder", "")) if _fits(t, spec, maximum)
        )
        return text, text
    if kind == "number":
        low, high = spec.get("min", 0), spec.get("max", 10**6)
        number = min(max(1, math.ceil(low)), math.floor(high))
        return str(number), number
    if kind == "date":
        # a limit on another answer resolves to None here: tests that use one say the date
        low = resolve_date_bound(spec.get("min")) or dt.date(1900, 1, 1)
        high = resolve_date_bound(spec.get("max")) or dt.date(2100, 1, 1)
        day = min(max(dt.date(1990, 1, 1), low), high)
        return day.isoformat(), day.isoformat()
    if kind == "time":
        stored = str(spec.get("min", "09:00"))
        return stored.replace(":", "."), stored  # typed the Indonesian way: 08.00
    if kind == "email":
        return "Budi@Contoh.id", "budi@contoh.id"
    if kind == "phone":
        return PHONE_TYPED, PHONE
    if kind == "nik":
        return NIK, NIK
    if kind == "choice":
        value = offered[0] if offered else str(spec["options"][0]["value"])
        return value, value
    if kind == "multichoice":
        value = str(spec["options"][0]["value"])
        return [value], [value]
    if kind == "yesno":
        return "ya", True
    if kind == "region":
        code = str(spec.get("within") or "")
        target = regions.LEVELS.index(spec.get("level", "village"))
        while regions.level_of(code) != regions.LEVELS[target]:
            code = regions.children(code)[0]
        return code, regions.record(code)
    raise AssertionError(f"no valid value for a {kind} field")


def upload_for(plan: FieldPlan) -> tuple[str, bytes, str]:
    """A small real file of a type the field accepts: (file name, bytes, media type)."""
    accept = list(plan.spec.get("accept", []))
    if "application/pdf" in accept:
        return f"{plan.key}.pdf", PDF, "application/pdf"
    if "image/png" in accept:
        return f"{plan.key}.png", PNG, "image/png"
    return f"{plan.key}.jpg", JPEG, "image/jpeg"


@dataclass
class Loket:
    """A running app on a clean database, with a client that does not follow redirects."""

    app: FastAPI
    client: TestClient
    settings: Settings
    definitions: dict[str, dict[str, Any]]

    @property
    def engine(self) -> Engine:
        """The app's engine."""
        engine: Engine = self.app.state.engine
        return engine

    def session(self) -> Session:
        """A new session on the app's database."""
        return Session(self.engine, expire_on_commit=False)

    def count(self, model: type[SQLModel]) -> int:
        """Rows in a table."""
        with self.session() as session:
            return int(session.exec(select(func.count()).select_from(model)).one())

    def submissions(self) -> list[Submission]:
        """Every submission."""
        with self.session() as session:
            return list(session.exec(select(Submission)).all())

    def citizen(self, service: str, client: TestClient | None = None) -> Citizen:
        """A citizen for the service `agency/slug`."""
        return Citizen(client or self.client, self.definitions[service])

    def new_client(self) -> TestClient:
        """Another visitor (own cookies)."""
        return TestClient(self.app, follow_redirects=False)


@dataclass
class Citizen:
    """Fills a service's form through its HTML pages, like a browser without JavaScript."""

    client: TestClient
    definition: dict[str, Any]
    sent: dict[str, Any] = field(default_factory=dict)
    uploaded: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)
    pages_seen: list[str] = field(default_factory=list)

    @property
    def compiled(self) -> CompiledService:
        """The compiled service."""
        return compiled(self.definition)

    @property
    def base(self) -> str:
        """The service's address."""
        return service_path(self.definition)

    def plan_for(self, name: str) -> FieldPlan | None:
        """The field plan behind an input name (`key` or `group.index.child`)."""
        match = _ITEM_NAME.match(name)
        if match:
            group = self.compiled.fields.get(match.group(1))
            if group is None:
                return None
            return next((c for c in group.children if c.key == match.group(3)), None)
        return self.compiled.fields.get(name)

    def _offered(self, plan: FieldPlan) -> list[str] | None:
        """What a dependent choice offers for the answers recorded so far (its filter field
        sorts before it on the page, or sits on an earlier one)."""
        source = plan.spec.get("filter_by")
        if plan.type != "choice" or not isinstance(source, str):
            return None
        kind = self.compiled.fields[source].type
        return option_lists.offered(plan.spec, self.sent.get(source), kind)

    def _record(self, name: str, value: Any) -> None:
        match = _ITEM_NAME.match(name)
        if not match:
            self.sent[name] = value
            return
        items = self.sent.setdefault(match.group(1), [])
        index = int(match.group(2))
        while len(items) <= index:
            items.append({})
        items[index][match.group(3)] = value

    def get(self, path: str, **kwargs: Any) -> Response:
        """GET without following redirects."""
        return self.client.get(path, **kwargs)

    def start(self) -> Response:
        """Open the start page, press the start button and open the first page."""
        page = self.get(self.base)
        assert page.status_code == 200, page.text
        response = self.client.post(f"{self.base}/mulai", data={"csrf_token": csrf_of(parse(page))})
        assert response.status_code == 303, response.text
        return self.follow(response)

    def follow(self, response: Response) -> Response:
        """Follow one redirect."""
        assert response.status_code in {302, 303}, (response.status_code, response.text[:2000])
        location = response.headers["location"]
        assert location.startswith("/"), location
        return self.get(location)

    def post_form(
        self,
        page: Response,
        overrides: Mapping[str, Any] | None = None,
        *,
        action: str | None = None,
        fill: bool = True,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Post a page's form: its current values, valid answers for empty fields, overrides."""
        doc = parse(page)
        form = the_form(doc)
        current = form_values(form)
        names = {attr(n, "name") for n in form.css("input, select, textarea")} - {""}
        wrong = {
            attr(n, "name") for wrap in form.css(".field.err") for n in wrap.css("[name]")
        }  # answers the server refused are typed again
        filled = {name for name, value in current if value.strip() and name not in wrong}
        data: dict[str, list[str]] = {}
        for name, value in current:
            data.setdefault(name, []).append(value)
        upload: dict[str, tuple[str, bytes, str]] = {}
        for node in form.css("input[type=file]"):
            name = attr(node, "name")
            plan = self.plan_for(name)
            has_saved = doc.css_first(f"#{attr(node, 'id')}-current") is not None
            if fill and plan is not None and not has_saved and name not in (overrides or {}):
                upload[name] = upload_for(plan)
        upload.update(files or {})
        for name in sorted(names):
            plan = self.plan_for(name)
            if not fill or plan is None or name in filled or plan.type in {"file", "group"}:
                continue
            data.pop(name, None)
            if plan.type == "declaration":
                data[name] = ["ya"]
                self._record(name, True)
                continue
            typed, stored = valid_value(plan, self._offered(plan))
            data[name] = typed if isinstance(typed, list) else [typed]
            self._record(name, stored)
        for name, value in (overrides or {}).items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value if isinstance(value, list) else [str(value)]
        if action is not None:
            data["_action"] = [action]
        for name, (filename, content, media_type) in upload.items():
            if filename:
                plan = self.plan_for(name)
                self.uploaded[name] = (filename, content, media_type)
                if plan is not None:
                    stored = {"name": filename, "size": len(content), "content_type": media_type}
                    several = int(plan.spec.get("max_files", 1)) > 1  # the answer is a list
                    self._record(name, [stored] if several else stored)
        multipart = {
            name: upload.get(name, ("", b"", "application/octet-stream"))
            for name in (names & {attr(n, "name") for n in form.css("input[type=file]")})
        }
        multipart.update(upload)
        target = attr(form, "action") or str(page.url.path)
        if not multipart:
            multipart = {"_empty": ("", b"", "application/octet-stream")}
        return self.client.post(target, data=data, files=multipart, headers=dict(headers or {}))

    def fill_page(self, page: Response, overrides: Mapping[str, Any] | None = None) -> Response:
        """Fill one page until the server moves on (a redirect), following revealed questions."""
        self.pages_seen.append(page.url.path.rsplit("/", 1)[-1])
        response = self.post_form(page, overrides)
        for _ in range(5):
            if response.status_code != 200:
                break
            response = self.post_form(response, overrides)
        assert response.status_code == 303, (
            response.status_code,
            error_texts(parse(response)) if response.status_code == 422 else response.text[:500],
        )
        return response

    def fill_all(self, first: Response | None = None) -> Response:
        """Fill every page from the first (or `first`) to the check-your-answers page."""
        page = first if first is not None else self.start()
        for _ in range(20):
            if page.url.path.endswith("/periksa"):
                assert page.status_code == 200, page.text[:500]
                return page
            assert page.status_code == 200, (page.url, page.status_code, page.text[:500])
            page = self.follow(self.fill_page(page))
        raise AssertionError("the form never reached the check page")

    def submit(self, check: Response, overrides: Mapping[str, Any] | None = None) -> Response:
        """Tick the declarations on the check page and send; returns the /kirim response."""
        return self.post_form(check, overrides)

    def expected_answers(self) -> dict[str, Any]:
        """The answers the store should hold: what was sent, pruned to the visible fields."""
        return self.compiled.prune(self.sent)


def strip_file_ids(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers with stored files reduced to name, size and type (ids and hashes are generated),
    in a group's items too."""
    result: dict[str, Any] = {}

    def strip(file: Mapping[str, Any]) -> dict[str, Any]:
        return {k: file[k] for k in ("name", "size", "content_type")}

    for key, value in answers.items():
        if isinstance(value, Mapping) and "content_type" in value:
            result[key] = strip(value)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, Mapping) and "content_type" in v for v in value)
        ):  # a field taking several files
            result[key] = [strip(v) for v in value]
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            result[key] = [strip_file_ids(item) for item in value]  # a group's items
        else:
            result[key] = value
    return result


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run only this folder's storage tests (marked `postgres`) on PostgreSQL too.

    The other page tests do not depend on the database, and a PostgreSQL schema per test
    would double the folder's run time.
    """
    here = Path(__file__).resolve().parent
    dropped = []
    for item in items:
        if here not in Path(str(item.path)).resolve().parents:
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("database") != "postgresql":
            continue
        marks = getattr(getattr(item, "function", None), "pytestmark", [])
        if not any(mark.name == "postgres" for mark in marks):
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture
def make_loket(engine: Engine, tmp_path: Path) -> Iterator[Callable[..., Loket]]:
    """Build an app on the test database with the given definitions published."""
    made: list[Loket] = []

    def make(definitions: list[dict[str, Any]] | None = None, **overrides: Any) -> Loket:
        if definitions is None:
            definitions = [load_definition(p) for p in [*EXAMPLES, ALL_FIELDS]]
        with Session(engine) as session:
            for definition in definitions:
                store.publish_version(
                    session,
                    definition=definition,
                    sha256=digest(definition),
                    agency_name=AGENCY_NAMES.get(definition["agency"]),
                )
            session.commit()
        settings = Settings(
            data_dir=tmp_path / f"data{len(made)}",
            secret_key=SECRET_KEY,
            database_url=engine.url.render_as_string(hide_password=False),
            **overrides,
        )
        app = create_app(settings)
        loket = Loket(
            app,
            TestClient(app, follow_redirects=False),
            settings,
            {f"{d['agency']}/{d['id']}": d for d in definitions},
        )
        made.append(loket)
        return loket

    yield make
    for loket in made:
        loket.client.close()
        loket.engine.dispose()


@pytest.fixture
def loket(make_loket: Callable[..., Loket]) -> Loket:
    """The app with every example service and the all-fields fixture published."""
    return make_loket()


@pytest.fixture
def client(loket: Loket) -> TestClient:
    """A visitor of the app (cookies kept, redirects not followed)."""
    return loket.client


STATUS_LINK = re.compile(r"^/status/(LKT-[A-Z0-9]{5}-[A-Z0-9]{5})/([A-Za-z0-9_-]{16,})$")


def status_link(receipt: Response) -> str:
    """The private status link on a receipt page."""
    links = [attr(a, "href") for a in parse(receipt).css("main a")]
    found = [link for link in links if STATUS_LINK.match(link)]
    assert len(found) == 1, links
    return found[0]


def file_a_case(
    loket: Loket, service: str, client: TestClient | None = None
) -> tuple[Citizen, str]:
    """Fill and send a service's form as a new visitor; returns the citizen and status link."""
    citizen = loket.citizen(service, client or loket.new_client())
    sent = citizen.submit(citizen.fill_all())
    assert sent.status_code == 303
    return citizen, status_link(citizen.follow(sent))
