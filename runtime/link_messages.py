"""Links a citizen asks to receive by message: a lost status link, a resume link for a draft.

Both are queued in the outbox (`runtime.notify.outbox`) in the caller's transaction and need
no consent answer: the citizen asks for this one message, to a contact they type. A lost
status link goes only to the e-mail address or number the case's answers hold (the
definition's `notifications` fields); a resume link goes to the contact typed. Both are rate
limited in the database (`runtime.link_requests`). Nothing here logs a contact or a link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from builder import messages
from runtime import link_requests, resume
from runtime.link_requests import Limit
from runtime.models import FormDraft, ServiceVersion, Submission
from runtime.notify import outbox
from runtime.notify.case_messages import Links, case_language
from runtime.references import new_token
from runtime.workdays import WIB

LOST_LINK_PER_REFERENCE = Limit("lost_link.reference", 3)
LOST_LINK_PER_ADDRESS = Limit("lost_link.address", 10)
RECEIPT_PER_CASE = Limit("receipt.case", 3)
RECEIPT_PER_ADDRESS = Limit("receipt.address", 10)
RESUME_PER_DRAFT = Limit("resume.draft", 3)
RESUME_PER_ADDRESS = Limit("resume.address", 10)


def resend_status_link(
    session: Session,
    links: Links,
    *,
    reference: str,
    contact: tuple[str, str] | None,
    address: str,
    now: dt.datetime,
) -> bool:
    """Queue the private status link of case `reference` (canonical) to `contact` if it is the
    case's; whether a message was queued. The caller answers the same either way. The message
    is in the language the case was filed in, like every other message about it.

    The same reads and the rate-limit write happen whether or not the case exists and the
    contact matches; a match adds one outbox row.
    """
    case = session.exec(select(Submission).where(Submission.reference == reference)).first()
    allowed = link_requests.allow(
        session, [(LOST_LINK_PER_REFERENCE, reference), (LOST_LINK_PER_ADDRESS, address)], now
    )
    version = session.get(ServiceVersion, case.service_version_id if case is not None else 0)
    definition: Mapping[str, Any] = version.definition if version is not None else {}
    match = messages.matching_channel(definition, case.answers if case is not None else {}, contact)
    if not allowed or case is None or match is None:
        return False
    link = links.status_link(case)
    if link == links.base_url + "/status":
        return False  # a case filed before status secrets were derived: no link to send
    channel, recipient = match
    return _queue_status_link(
        session, case, definition, (channel, recipient), link, case_language(case), "link", now
    )


def _queue_status_link(
    session: Session,
    case: Submission,
    definition: Mapping[str, Any],
    to: tuple[str, str],
    link: str,
    lang: str,
    key_prefix: str,
    now: dt.datetime,
) -> bool:
    """Queue the 'link' message (a case's private status link) to `to` (channel, recipient)."""
    channel, recipient = to
    subject, body = messages.render(
        definition, "link", lang, {"reference": case.reference, "status_link": link}
    )
    return outbox.enqueue(
        session,
        kind="link.status",
        channel=channel,
        recipient=recipient,
        subject=subject if channel == "email" else "",
        body=body,
        payload={"reference": case.reference, "lang": lang},
        idempotency_key=f"{key_prefix}:{case.id}:{new_token()}",
        agency_id=case.agency_id,
        submission_id=case.id,
        now=now,
    )


def send_resume_link(
    session: Session,
    links: Links,
    draft: FormDraft,
    definition: Mapping[str, Any],
    *,
    contact: tuple[str, str],
    address: str,
    lang: str,
    now: dt.datetime,
) -> bool:
    """Queue a link that resumes `draft` on another device to the contact typed; False when a
    rate limit refuses it (nothing queued)."""
    limits = [(RESUME_PER_DRAFT, draft.id), (RESUME_PER_ADDRESS, address)]
    if not link_requests.allow(session, limits, now):
        return False
    token = resume.enable(draft, links.secret_key)
    kind, recipient = contact
    channel = "email" if kind == "email" else messages.phone_channel(definition)
    expires = draft.expires_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
    values = {"resume_link": links.base_url + resume.resume_path(token), "expires": expires}
    subject, body = messages.render(definition, "resume", lang, values)
    session.add(draft)
    return outbox.enqueue(
        session,
        kind="link.resume",
        channel=channel,
        recipient=recipient,
        subject=subject if channel == "email" else "",
        body=body,
        payload={"lang": lang},
        idempotency_key=f"resume:{draft.id}:{new_token()}",
        agency_id=str(definition.get("agency") or "") or None,
        now=now,
    )


def send_receipt_link(
    session: Session,
    links: Links,
    case: Submission,
    secret: str,
    definition: Mapping[str, Any],
    *,
    contact: tuple[str, str],
    address: str,
    lang: str,
    now: dt.datetime,
) -> bool:
    """Queue the private status link of a case just filed to the contact typed on its receipt
    (whoever holds the receipt holds the link); False when a rate limit refuses it."""
    limits = [(RECEIPT_PER_CASE, case.id), (RECEIPT_PER_ADDRESS, address)]
    if not link_requests.allow(session, limits, now):
        return False
    kind, recipient = contact
    channel = "email" if kind == "email" else messages.phone_channel(definition)
    link = links.status_link(case, secret)
    return _queue_status_link(
        session, case, definition, (channel, recipient), link, lang, "receipt", now
    )
