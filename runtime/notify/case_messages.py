"""Messages to the applicant on case events, queued in the transaction of the event.

The definition's `notifications` (`builder.messages`) says which answers are the applicant's
contact and consent; each event queues one outbox row per channel they gave and agreed to.
The private status link is a secret: it is derived from the server's key and the case's id
(`references.status_secret`) and checked against the stored hash, so a case filed before
(random secret) or under another key gets the public status page's address instead. The
message body holding it lives only in the outbox row; nothing here logs a body or a link.

Messages are written in the language the case was filed in (`Submission.language`). A
decision that issued a document the applicant may see carries that document's own download
link (`references.document_secret`, as secret as the status link and naming that document
only); two or more such documents: the private status page at its documents; none: the
status link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from builder import messages
from builder.texts import DEFAULT_LANGUAGE, LANGUAGES, localise
from runtime.casework.workflow import final_outcome
from runtime.models import CaseEvent, IssuedDocument, Submission
from runtime.notify import outbox, webhooks
from runtime.references import (
    document_path,
    document_secret,
    hash_secret,
    secrets_equal,
    status_path,
    status_secret,
)
from runtime.settings import Settings

DOCUMENTS_ANCHOR = "#dokumen"  # the documents' heading on the status page (status.html)
SUBMIT_ACTION = "submit"  # runtime.store.SUBMIT_ACTION (the store imports this package's users)


@dataclass(frozen=True)
class Links:
    """What building a status link needs: the site's address and the server's key."""

    base_url: str
    secret_key: str

    @classmethod
    def of(cls, settings: Settings, request_base: str) -> Links:
        """LOKET_BASE_URL when set, else the address the request came to."""
        return cls((settings.base_url or request_base).rstrip("/"), settings.secret_key)

    def status_link(self, case: Submission, secret: str | None = None) -> str:
        """The case's private status link, or the status look-up page when it cannot be built."""
        secret = secret or status_secret(self.secret_key, case.id)
        if secrets_equal(hash_secret(secret), case.secret_hash):
            return self.base_url + status_path(case.reference, secret)
        return self.base_url + "/status"

    def document_link(self, case: Submission, document: IssuedDocument) -> str:
        """The private download link of one of the case's issued documents."""
        secret = document_secret(self.secret_key, document.id)
        return self.base_url + document_path(case.reference, secret)

    def documents_link(
        self, case: Submission, documents: Sequence[IssuedDocument], secret: str | None = None
    ) -> str | None:
        """Where the applicant gets the documents just issued: the one document's download
        link, the status page at its documents for several, None when none is theirs."""
        theirs = [d for d in documents if d.visible_to_applicant]
        if len(theirs) == 1:
            return self.document_link(case, theirs[0])
        if not theirs:
            return None
        link = self.status_link(case, secret)
        return link + DOCUMENTS_ANCHOR if link != self.base_url + "/status" else link


def case_language(case: Submission) -> str:
    """The language the applicant filed in ('id' for cases filed before it was kept)."""
    return case.language if case.language in LANGUAGES else DEFAULT_LANGUAGE


def enqueue_case_message(
    session: Session,
    links: Links,
    case: Submission,
    event_kind: str,
    *,
    definition: Mapping[str, Any],
    event_id: int,
    answers: Mapping[str, Any] | None = None,
    secret: str | None = None,
    note: str | None = None,
    outcome: str | None = None,
    document_link: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queue the event's message on every channel the applicant agreed to; how many were new.

    Idempotent: the key is (case, event kind, event id, channel), so a retried request queues
    nothing twice.
    """
    contacts = messages.channels(definition, case.answers if answers is None else answers)
    if not contacts:
        return 0
    lang = case_language(case)
    link = links.status_link(case, secret)
    values = {
        "reference": case.reference,
        "status_link": link,
        "note": note or "",
        "outcome": outcome or "",
        "document_link": document_link or link,
    }
    subject, body = messages.render(definition, event_kind, lang, values)
    queued = 0
    for channel, recipient in contacts:
        queued += outbox.enqueue(
            session,
            kind=f"case.{event_kind}",
            channel=channel,
            recipient=recipient,
            subject=subject if channel == "email" else "",
            body=body,
            payload={"event": event_kind, "reference": case.reference, "lang": lang},
            idempotency_key=f"case:{case.id}:{event_kind}:{event_id}:{channel}",
            agency_id=case.agency_id,
            submission_id=case.id,
            now=now,
        )
    return queued


def case_filed(
    session: Session,
    links: Links,
    case: Submission,
    definition: Mapping[str, Any],
    secret: str | None = None,
    *,
    event_id: int | None = None,
    service_slug: str | None = None,
) -> int:
    """Queue the 'received' message of a case just filed, and the agency's ``case.filed``
    webhooks (before the caller commits). A caller that has the case's filing event and its
    service's slug at hand passes them (they are looked up otherwise)."""
    if event_id is None:
        event_id = session.exec(
            select(CaseEvent.id)
            .where(CaseEvent.submission_id == case.id, CaseEvent.action == SUBMIT_ACTION)
            .order_by(col(CaseEvent.id))
        ).first()
    if event_id is None:
        return 0
    # the agency's endpoints (no personal data)
    webhooks.case_filed(session, case, event_id, service_slug)
    return enqueue_case_message(
        session, links, case, "received", definition=definition, event_id=event_id, secret=secret
    )


def event_kind(definition: Mapping[str, Any], to_state: str | None) -> str | None:
    """The message a move into `to_state` sends: sent_back, decided, withdrawn, or None."""
    if to_state is None:
        return None
    final = final_outcome(definition, to_state)
    if final == "withdrawn":
        return "withdrawn"
    if final is not None:
        return "decided"
    info = definition.get("workflow", {}).get("states", {}).get(to_state, {})
    return "sent_back" if isinstance(info, Mapping) and info.get("applicant_edits") else None


def after_transition(
    session: Session,
    links: Links | None,
    case: Submission,
    event: CaseEvent,
    definition: Mapping[str, Any],
    answers: Mapping[str, Any],
    documents: Sequence[IssuedDocument] = (),
) -> int:
    """Queue the message of a stored transition, if its new state sends one (no `links`: none).

    `documents` are those the transition issued: a decision's message links to them.
    """
    kind = event_kind(definition, event.to_state)
    if links is None or kind is None or event.id is None:
        return 0
    state = definition.get("workflow", {}).get("states", {}).get(event.to_state, {})
    label = state.get("public_label") or state.get("label") if isinstance(state, Mapping) else None
    return enqueue_case_message(
        session,
        links,
        case,
        kind,
        definition=definition,
        event_id=event.id,
        answers=answers,
        note=event.comment if event.comment_public else None,
        outcome=localise(label, case_language(case)) if label else event.to_state,
        document_link=links.documents_link(case, documents) if kind == "decided" else None,
    )
