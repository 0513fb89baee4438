"""Published services as the public pages see them: live versions and their compiled forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from builder.compiler import CompiledService, compiled
from builder.texts import localise
from runtime.models import Agency, Service, ServiceVersion


@dataclass(frozen=True)
class LiveService:
    """A service with the version new applicants get."""

    agency_id: str
    agency_name: str
    slug: str
    service_id: int
    version: ServiceVersion
    retired: bool

    @property
    def definition(self) -> dict[str, Any]:
        """The frozen definition of the version."""
        return dict(self.version.definition)

    @property
    def compiled(self) -> CompiledService:
        """The compiled form (cached by content hash)."""
        return compiled(self.version.definition, key=self.version.sha256)


def _live(session: Session, service: Service, agency: Agency) -> LiveService | None:
    if service.current_version_id is None or service.id is None:
        return None
    version = session.get(ServiceVersion, service.current_version_id)
    if version is None:
        return None
    return LiveService(
        agency.id, agency.name, service.slug, service.id, version, service.status == "retired"
    )


def live_service(session: Session, agency_id: str, slug: str) -> LiveService | None:
    """The live (or retired) service at /layanan/<agency>/<slug>, or None (one query)."""
    row = session.exec(
        select(Service, Agency, ServiceVersion)
        .join(Agency, col(Agency.id) == col(Service.agency_id))
        .join(ServiceVersion, col(ServiceVersion.id) == col(Service.current_version_id))
        .where(Service.agency_id == agency_id, Service.slug == slug)
    ).first()
    if row is None:
        return None
    service, agency, version = row
    assert service.id is not None
    return LiveService(
        agency.id, agency.name, service.slug, service.id, version, service.status == "retired"
    )


def compiled_version(
    session: Session, version_id: int
) -> tuple[ServiceVersion, CompiledService] | None:
    """A version by id with its compiled form (cases and drafts stay on their version)."""
    version = session.get(ServiceVersion, version_id)
    if version is None:
        return None
    return version, compiled(version.definition, key=version.sha256)


def published(session: Session, query: str = "", lang: str = "id") -> list[dict[str, Any]]:
    """Published services grouped by agency, filtered by a search text."""
    rows = session.exec(
        select(Service, Agency)
        .join(Agency, col(Agency.id) == col(Service.agency_id))
        .where(Service.status == "published")
        .order_by(col(Agency.name), col(Service.slug))
    ).all()
    needle = query.strip().lower()
    groups: dict[str, dict[str, Any]] = {}
    for service, agency in rows:
        live = _live(session, service, agency)
        if live is None:
            continue
        definition = live.version.definition
        title = localise(definition.get("title"), lang)
        summary = localise(definition.get("summary"), lang)
        haystack = " ".join([title, summary, agency.name, *definition.get("keywords", [])]).lower()
        if needle and not all(word in haystack for word in needle.split()):
            continue
        group = groups.setdefault(agency.id, {"name": agency.name, "services": []})
        group["services"].append(
            {"agency": agency.id, "slug": service.slug, "title": title, "summary": summary}
        )
    return list(groups.values())
