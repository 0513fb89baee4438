"""Resume links: a link that opens a citizen's draft on another device.

The token is derived from the server's key and the draft's id (HMAC-SHA256, 128 bits, like
`references.status_secret`); only its sha256 is stored on the draft (`form_drafts.resume_hash`),
set when a link is first asked for. Asking again gives the same link. The link works while
the draft does: not once it has expired (its life is the draft's, extended on every save), has
been pruned, or has been filed as a case. Whoever holds the link holds the draft, exactly like
the draft cookie it sets; the token is not the draft's id, so the cookie value never travels
in a message.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac

from sqlmodel import Session, select

from runtime.models import FormDraft, utcnow
from runtime.references import MIN_TOKEN_BYTES, hash_secret

MAX_TOKEN_LENGTH = 64


def resume_token(secret_key: str, draft_id: str) -> str:
    """The resume token of a draft (URL-safe, 22 characters)."""
    digest = hmac.new(
        secret_key.encode("utf-8"), b"loket-resume\x00" + draft_id.encode("utf-8"), "sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest[:MIN_TOKEN_BYTES]).decode("ascii").rstrip("=")


def resume_path(token: str) -> str:
    """The address a resume link opens."""
    return f"/lanjut/{token}"


def enable(draft: FormDraft, secret_key: str) -> str:
    """Make a draft's resume link work (the caller commits); its token."""
    token = resume_token(secret_key, draft.id)
    draft.resume_hash = hash_secret(token)
    return token


def find_draft(session: Session, token: str, *, now: dt.datetime | None = None) -> FormDraft | None:
    """The live, unfiled draft a resume token opens, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    draft = session.exec(
        select(FormDraft).where(FormDraft.resume_hash == hash_secret(token))
    ).first()
    if draft is None or draft.submission_id is not None or draft.expires_at <= (now or utcnow()):
        return None
    return draft
