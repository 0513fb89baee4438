"""The live-service look-up: small columns per request, the definition from the compiled cache."""

from __future__ import annotations

import copy
import datetime as dt
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from builder.canonical import digest
from runtime import catalog
from runtime.store import create_draft, publish_version

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "schemas" / "examples" / "surat-keterangan-domisili.json"
)


def _definition(title: str | None = None) -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    if title is not None:
        definition = copy.deepcopy(definition)
        definition["title"] = title
    return definition


def _publish(engine: Engine, definition: dict[str, Any]) -> None:
    with Session(engine) as session:
        publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs while the test watches."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.mark.postgres
def test_the_definition_is_read_once_then_taken_from_the_cache(
    engine: Engine, statements: list[str]
) -> None:
    definition = _definition(title=f"Domisili {secrets.token_hex(8)}")  # a hash no test had
    _publish(engine, definition)
    agency, slug = definition["agency"], definition["id"]
    with Session(engine) as session:
        statements.clear()
        first = catalog.live_service(session, agency, slug)
        assert first is not None and first.definition["title"] == definition["title"]
        assert any("definition" in s for s in statements)
        statements.clear()
        again = catalog.live_service(session, agency, slug)
        assert again is not None and again.version.sha256 == first.version.sha256
        assert len(statements) == 1 and "definition" not in statements[0]
        statements.clear()
        found = catalog.compiled_version(session, first.version.id)
        assert found is not None and found[0].number == first.version.number
        assert len(statements) == 1 and "definition" not in statements[0]


@pytest.mark.postgres
def test_a_new_publication_is_seen_by_the_next_look_up(engine: Engine) -> None:
    old = _definition(title="Domisili lama")
    _publish(engine, old)
    with Session(engine) as session:
        live = catalog.live_service(session, old["agency"], old["id"])
        assert live is not None and live.definition["title"] == "Domisili lama"
        first_version = live.version
    new = _definition(title="Domisili baru")
    _publish(engine, new)
    with Session(engine) as session:
        live = catalog.live_service(session, new["agency"], new["id"])
        assert live is not None
        assert live.definition["title"] == "Domisili baru"
        assert live.version.number == first_version.number + 1
        # a case filed under the first version still reads the first version's definition
        kept = catalog.compiled_version(session, first_version.id)
        assert kept is not None and kept[0].definition["title"] == "Domisili lama"
        assert [s.slug for s in catalog.published_services(session)] == [new["id"]]


@pytest.mark.postgres
def test_unknown_services_and_versions_are_none(engine: Engine) -> None:
    with Session(engine) as session:
        assert catalog.live_service(session, "tidak-ada", "layanan") is None
        assert catalog.compiled_version(session, 999_999) is None


FIELDS = ("id", "answers", "expires_at", "submission_id", "editing_submission_id")


@pytest.mark.postgres
def test_the_core_read_of_a_draft_matches_the_orm_read_and_refuses_an_expired_one(
    engine: Engine,
) -> None:
    definition = _definition()
    _publish(engine, definition)
    answers = {"nama": "Siti <b>Aminah</b>", "alamat": "Jl. Mawar 1"}
    with Session(engine) as session:
        live = catalog.live_service(session, definition["agency"], definition["id"])
        assert live is not None
        ttl = dt.timedelta(hours=2)
        draft = create_draft(session, service_version_id=live.version.id, ttl=ttl, answers=answers)
        old = create_draft(
            session,
            service_version_id=live.version.id,
            ttl=ttl,
            now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3),
        )
        session.commit()
        draft_id, old_id = draft.id, old.id
        orm = catalog.draft_version(session, draft_id)
        assert orm is not None and catalog.draft_version(session, old_id) is None
        orm_values = {name: getattr(orm[0], name) for name in FIELDS}
    with engine.connect() as connection:
        core = catalog.draft_version_read(connection, draft_id)
        assert catalog.draft_version_read(connection, old_id) is None
        assert catalog.draft_version_read(connection, "tidak-ada") is None
    assert core is not None
    assert {name: getattr(core[0], name) for name in FIELDS} == orm_values
    assert core[0].answers == answers and core[0].expires_at.tzinfo is not None
    assert core[1] == orm[1]
