"""Published services as the public pages see them: live versions and their compiled forms.

A version's definition never changes once it has a content hash (``sha256``): the hash is the
key of the compiled form, which holds the definition. So a look-up reads only the small columns
(ids, number, hash) and takes the definition from the compiled-form cache; the definition column
is read and parsed only the first time a process meets a hash. Every process (worker) asks the
database which version is live on every request, so a publication is seen at once everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlmodel import Session, col

from builder.compiler import CompiledService, cached, compiled
from builder.texts import localise
from runtime.models import Agency, FormDraft, Service, ServiceVersion, utcnow


@dataclass(frozen=True)
class PublishedVersion:
    """A version as cases, drafts and the public pages read it (read-only, not an ORM row)."""

    id: int
    service_id: int
    number: int
    sha256: str
    compiled: CompiledService

    @property
    def definition(self) -> Mapping[str, Any]:
        """The frozen definition (shared between requests: never modify it)."""
        return self.compiled.definition


@dataclass(frozen=True)
class LiveService:
    """A service with the version new applicants get."""

    agency_id: str
    agency_name: str
    slug: str
    service_id: int
    version: PublishedVersion
    retired: bool

    @property
    def definition(self) -> dict[str, Any]:
        """A copy of the frozen definition of the version."""
        return dict(self.version.definition)

    @property
    def compiled(self) -> CompiledService:
        """The compiled form (cached by content hash)."""
        return self.version.compiled


_VERSION_COLUMNS = (
    col(ServiceVersion.id),
    col(ServiceVersion.service_id),
    col(ServiceVersion.number),
    col(ServiceVersion.sha256),
)


def version_by_hash(
    session: Session | Connection, version_id: int, service_id: int, number: int, sha256: str
) -> PublishedVersion | None:
    """A version from its small columns: the definition is read only when its content hash is
    not compiled in this process yet."""
    found = cached(sha256)
    if found is None:
        definition = session.execute(
            select(col(ServiceVersion.definition)).where(col(ServiceVersion.id) == version_id)
        ).scalar()
        if definition is None:
            return None
        found = compiled(definition, key=sha256)
    return PublishedVersion(version_id, service_id, number, sha256, found)


def _live_rows() -> Any:
    return (
        select(
            col(Service.id),
            col(Service.slug),
            col(Service.status),
            col(Agency.id),
            col(Agency.name),
            *_VERSION_COLUMNS,
        )
        .join(Agency, col(Agency.id) == col(Service.agency_id))
        .join(ServiceVersion, col(ServiceVersion.id) == col(Service.current_version_id))
    )


def _from_row(session: Session, row: Any) -> LiveService | None:
    service_id, slug, status, agency_id, agency_name, *version = row
    found = version_by_hash(session, *version)
    if found is None:
        return None
    return LiveService(agency_id, agency_name, slug, service_id, found, status == "retired")


_LIVE_SERVICE = _live_rows().where(
    col(Service.agency_id) == bindparam("agency"), col(Service.slug) == bindparam("slug")
)


def live_service(session: Session, agency_id: str, slug: str) -> LiveService | None:
    """The live (or retired) service at /layanan/<agency>/<slug>, or None (one small query,
    built once, run on the session's connection: plain columns need no ORM execution)."""
    connection = session.connection()
    row = connection.execute(_LIVE_SERVICE, {"agency": agency_id, "slug": slug}).first()
    if row is None:
        return None
    service_id, slug, status, agency_id, agency_name, *version = row
    found = version_by_hash(connection, *version)
    if found is None:
        return None
    return LiveService(agency_id, agency_name, slug, service_id, found, status == "retired")


def published_services(session: Session) -> list[LiveService]:
    """Every published service with its live version, ordered by agency id and slug."""
    rows = session.execute(
        _live_rows()
        .where(col(Service.status) == "published")
        .order_by(col(Agency.id), col(Service.slug))
    ).all()
    return [live for live in (_from_row(session, row) for row in rows) if live is not None]


def compiled_version(
    session: Session, version_id: int
) -> tuple[PublishedVersion, CompiledService] | None:
    """A version by id with its compiled form (cases and drafts stay on their version)."""
    row = session.execute(
        select(*_VERSION_COLUMNS).where(col(ServiceVersion.id) == version_id)
    ).first()
    if row is None:
        return None
    found = version_by_hash(session, *row)
    return None if found is None else (found, found.compiled)


# Built once: constructing the statement cost more than running it.
_DRAFT_VERSION = (
    select(FormDraft, *_VERSION_COLUMNS)
    .join(ServiceVersion, col(ServiceVersion.id) == col(FormDraft.service_version_id))
    .where(col(FormDraft.id) == bindparam("draft_id"))
    .execution_options(populate_existing=True)
)


def draft_version(session: Session, draft_id: str) -> tuple[FormDraft, PublishedVersion] | None:
    """A draft that has not expired (it may already be submitted) with its version: one query
    for both (the version's definition comes from the compiled-form cache)."""
    row = session.execute(_DRAFT_VERSION, {"draft_id": draft_id}).first()
    if row is None:
        return None
    draft, *version = row
    if draft.expires_at <= utcnow():
        return None
    found = version_by_hash(session, *version)
    return None if found is None else (draft, found)


_DRAFT_TABLE = FormDraft.__table__  # type: ignore[attr-defined]

# The read of the form page: plain columns, no ORM row (the ORM's identity map, loading and
# instance state cost more than the query).
_DRAFT_VERSION_ROW = (
    select(*_DRAFT_TABLE.c, *_VERSION_COLUMNS)
    .join(ServiceVersion, col(ServiceVersion.id) == _DRAFT_TABLE.c.service_version_id)
    .where(_DRAFT_TABLE.c.id == bindparam("draft_id"))
)
_DRAFT_COLUMNS = tuple(column.name for column in _DRAFT_TABLE.c)


def draft_version_read(
    connection: Connection, draft_id: str
) -> tuple[FormDraft, PublishedVersion] | None:
    """What `draft_version` finds, read with one Core query for a page that only shows the
    draft: a `FormDraft` built without validation and outside any session, to be read only
    (changing or saving a draft needs `draft_version`'s row)."""
    row = connection.execute(_DRAFT_VERSION_ROW, {"draft_id": draft_id}).first()
    if row is None:
        return None
    values = dict(zip(_DRAFT_COLUMNS, row, strict=False))
    if values["expires_at"] <= utcnow():
        return None
    found = version_by_hash(connection, *row[len(_DRAFT_COLUMNS) :])
    return None if found is None else (FormDraft.model_construct(**values), found)


def published(session: Session, query: str = "", lang: str = "id") -> list[dict[str, Any]]:
    """Published services grouped by agency (by name), filtered by a search text."""
    needle = query.strip().lower()
    groups: dict[str, dict[str, Any]] = {}
    services = sorted(published_services(session), key=lambda s: (s.agency_name, s.slug))
    for live in services:
        definition = live.version.definition
        title = localise(definition.get("title"), lang)
        summary = localise(definition.get("summary"), lang)
        words = [title, summary, live.agency_name, *definition.get("keywords", [])]
        haystack = " ".join(words).lower()
        if needle and not all(word in haystack for word in needle.split()):
            continue
        group = groups.setdefault(live.agency_id, {"name": live.agency_name, "services": []})
        group["services"].append(
            {"agency": live.agency_id, "slug": live.slug, "title": title, "summary": summary}
        )
    return list(groups.values())
