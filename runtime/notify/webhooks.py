"""Agencies' webhook endpoints: registering them, queueing events, the delivery history.

An event (`EVENTS`) is queued as one outbox row (channel ``webhook``) per active endpoint of the
case's agency that subscribed to it, in the caller's transaction: a change that rolls back
sends nothing. The row's body is the JSON to POST (fixed at enqueue, so every try sends the
same bytes); its payload names the endpoint, whose URL and secret are read at delivery
(runtime.notify.channels.webhook signs and guards it). The idempotency key starts with
``webhook:<endpoint id>:``, which is how an endpoint's history is found.

Payloads hold what a consumer (SP4N-LAPOR!, SRIKANDI, a city dashboard) needs to follow a
case, and no personal data: the reference, agency, service, state, outcome and timestamps;
never the applicant's answers, NIK, name or contact. The schemas are docs/webhooks/*.json.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from runtime.models import (
    IssuedDocument,
    OutboxMessage,
    Service,
    Submission,
    WebhookEndpoint,
    utcnow,
)
from runtime.notify import outbox
from runtime.notify.channels.webhook import Resolver, UrlRefused, check_url

CASE_FILED = "case.filed"
STATE_CHANGED = "case.state_changed"
DOCUMENT_ISSUED = "document.issued"
EVENTS = (CASE_FILED, STATE_CHANGED, DOCUMENT_ISSUED)
SCHEMA_VERSION = 1
KEY_PREFIX = "webhook:"
HISTORY = 100
SHOWN_ERROR = 300


class EndpointRefused(ValueError):
    """An endpoint that cannot be registered; the message says why."""


def new_secret() -> str:
    """A signing secret: 32 random bytes, URL-safe, with a prefix that says what it is."""
    return "whsec_" + secrets.token_urlsafe(32)


def add_endpoint(
    session: Session,
    *,
    agency_id: str,
    url: str,
    events: list[str],
    allowed_private_host: bool,
    allow_http: bool,
    resolve: Resolver | None = None,
    now: dt.datetime | None = None,
) -> WebhookEndpoint:
    """Register an endpoint (checked by the SSRF guard now, and again at each delivery).

    The returned endpoint holds its new secret: show it to the administrator once.
    """
    chosen = [event for event in EVENTS if event in events]
    if not chosen or len(chosen) != len(set(events)):
        raise EndpointRefused("choose at least one event: " + ", ".join(EVENTS))
    url = url.strip()
    if len(url) > 2048:
        raise EndpointRefused("the address is too long")
    try:
        check_url(url, allow_http=allow_http, allow_private=allowed_private_host, resolve=resolve)
    except UrlRefused as error:
        raise EndpointRefused(str(error)) from None
    endpoint = WebhookEndpoint(
        agency_id=agency_id,
        url=url,
        events=chosen,
        secret=new_secret(),
        active=True,
        allowed_private_host=allowed_private_host,
        created_at=now or utcnow(),
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def set_active(session: Session, endpoint_id: int, active: bool) -> bool:
    """Enable or disable an endpoint; False when there is none with this id."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return False
    endpoint.active = active
    session.add(endpoint)
    session.flush()
    return True


_ALL_ENDPOINTS = select(WebhookEndpoint).order_by(
    col(WebhookEndpoint.agency_id), col(WebhookEndpoint.id)
)
# Built once: every filed case asks it, and building the statement cost more than running it.
_AGENCY_ENDPOINTS = _ALL_ENDPOINTS.where(col(WebhookEndpoint.agency_id) == bindparam("agency"))


def endpoints(session: Session, agency_id: str | None = None) -> list[WebhookEndpoint]:
    """The endpoints (of one agency), oldest first."""
    if agency_id is None:
        return list(session.exec(_ALL_ENDPOINTS).all())
    return list(session.exec(_AGENCY_ENDPOINTS, params={"agency": agency_id}).all())


_ENDPOINT_TABLE = WebhookEndpoint.__table__  # type: ignore[attr-defined]
# What queueing an event reads of the agency's endpoints: plain columns on the session's
# connection, no ORM rows (most agencies have none, and the ORM query cost more than that).
_SUBSCRIBERS = (
    select(
        _ENDPOINT_TABLE.c.id,
        _ENDPOINT_TABLE.c.url,
        _ENDPOINT_TABLE.c.events,
        _ENDPOINT_TABLE.c.active,
    )
    .where(_ENDPOINT_TABLE.c.agency_id == bindparam("agency"))
    .order_by(_ENDPOINT_TABLE.c.id)
)


def _stamp(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def enqueue_event(
    session: Session,
    agency_id: str,
    event: str,
    payload: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    *,
    event_key: str,
    submission_id: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queue `event` for every active endpoint of the agency that subscribed; how many were new.

    `payload` is the event's ``data`` (see the schemas), or a function that makes it, called
    only when an endpoint subscribed (most agencies have none); `event_key` identifies this
    occurrence (e.g. the case event's id) so that a retried request queues nothing twice.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    moment = now or utcnow()
    queued = 0
    session.flush()  # an endpoint changed in this transaction counts (Core does not autoflush)
    subscribers = session.connection().execute(_SUBSCRIBERS, {"agency": agency_id})
    for endpoint_id, url, events, active in subscribers.all():
        if not active or event not in (events or ()):
            continue
        if callable(payload):
            payload = payload()
        key = f"{KEY_PREFIX}{endpoint_id}:{event}:{event_key}"
        body = {
            "id": key,
            "event": event,
            "schema_version": SCHEMA_VERSION,
            "occurred_at": _stamp(moment),
            "agency": agency_id,
            "data": dict(payload),
        }
        queued += outbox.enqueue(
            session,
            kind=f"webhook.{event}",
            channel="webhook",
            recipient=url,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
            payload={"endpoint_id": endpoint_id, "event": event},
            idempotency_key=key,
            agency_id=agency_id,
            submission_id=submission_id,
            now=moment,
        )
    return queued


def case_data(
    session: Session, case: Submission, service_slug: str | None = None
) -> dict[str, Any]:
    """What a case event says about the case (no answers, no personal data); the service's
    slug is looked up unless given."""
    if service_slug is None:
        service = session.get(Service, case.service_id)
        service_slug = service.slug if service is not None else None
    return {
        "reference": case.reference,
        "service": service_slug,
        "state": case.state,
        "final_outcome": case.final_outcome,
        "submitted_at": _stamp(case.created_at),
        "due_at": _stamp(case.due_at),
    }


def case_filed(
    session: Session, case: Submission, event_id: int, service_slug: str | None = None
) -> int:
    """Queue ``case.filed`` for a case just filed (before the caller commits)."""
    return enqueue_event(
        session,
        case.agency_id,
        CASE_FILED,
        lambda: case_data(session, case, service_slug),
        event_key=f"{case.id}:{event_id}",
        submission_id=case.id,
    )


def state_changed(
    session: Session,
    case: Submission,
    *,
    event_id: int,
    from_state: str | None,
    to_state: str | None,
    action: str,
    final_outcome: str | None,
    due_at: dt.datetime | None,
    at: dt.datetime,
) -> int:
    """Queue ``case.state_changed`` for a stored transition (before the caller commits).

    The new state, outcome and due date are given: `case` may still hold the old ones.
    """
    data = case_data(session, case)
    data.update(
        state=to_state,
        from_state=from_state,
        action=action,
        final_outcome=final_outcome,
        due_at=_stamp(due_at),
        changed_at=_stamp(at),
    )
    return enqueue_event(
        session,
        case.agency_id,
        STATE_CHANGED,
        data,
        event_key=f"{case.id}:{event_id}",
        submission_id=case.id,
        now=at,
    )


def document_issued(
    session: Session,
    case: Submission,
    document: IssuedDocument,
    *,
    verification_url: str | None = None,
) -> int:
    """Queue ``document.issued`` for a document just issued (before the caller commits).

    Call it where the document row is added, in the same transaction. The holder's name is
    not sent; `verification_url` is the document's public /verifikasi address, if known.
    """
    service = session.get(Service, case.service_id)
    data = {
        "reference": case.reference,
        "service": service.slug if service is not None else None,
        "document_number": document.number,
        "document_type": document.doc_type,
        "issued_at": _stamp(document.issued_at),
        "verification_url": verification_url,
    }
    return enqueue_event(
        session,
        case.agency_id,
        DOCUMENT_ISSUED,
        data,
        event_key=f"{case.id}:{document.id}",
        submission_id=case.id,
        now=document.issued_at,
    )


@dataclass(frozen=True)
class Delivery:
    """One delivery (an outbox row) as the history shows it."""

    id: int
    event: str
    status: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


def history(session: Session, endpoint_id: int, limit: int = HISTORY) -> list[Delivery]:
    """An endpoint's deliveries, newest first."""
    rows = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == "webhook",
            col(OutboxMessage.idempotency_key).startswith(f"{KEY_PREFIX}{endpoint_id}:"),
        )
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        .limit(limit)
    ).all()
    return [
        Delivery(
            id=row.id or 0,
            event=str((row.payload or {}).get("event", row.kind)),
            status=row.status,
            attempts=row.attempts,
            last_error=(row.last_error or "")[:SHOWN_ERROR],
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        for row in rows
    ]
