"""Trying a draft in the studio: the trial's answers, kept in a signed cookie.

A designer walks a draft's form as a citizen would, but nothing is filed: no draft row, no
case, no reference, no message, no stored file. The answers so far live in one cookie of the
designer's browser, scoped to the trial's address, signed with the server's key and bound to
the login session and the service, so it cannot be forged, moved to another service or
outlive a logout. It is compressed; a trial whose answers no longer fit in one cookie is
refused beside the longest answer of the page (the citizen's form keeps its answers in the
database and has no such limit).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any

from runtime.security import sign, unsign

COOKIE = "loket_trial"
MAX_COOKIE_CHARS = 3800  # browsers keep at least 4,096 bytes per cookie, name and flags included


class TrialTooLong(ValueError):
    """The trial's answers do not fit in the cookie."""


def _owner(session_id: str, service_id: int) -> str:
    """Who a trial belongs to: the login session (hashed again) and the service."""
    return hashlib.sha256(f"trial|{session_id}|{service_id}".encode()).hexdigest()[:24]


def encode(secret_key: str, session_id: str, service_id: int, answers: Mapping[str, Any]) -> str:
    """The cookie value holding a trial's answers; raises TrialTooLong when it would not fit."""
    body = json.dumps(
        {"o": _owner(session_id, service_id), "a": dict(answers)},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    packed = base64.urlsafe_b64encode(zlib.compress(body.encode(), 9)).decode().rstrip("=")
    value = sign(secret_key, packed)
    if len(value) > MAX_COOKIE_CHARS:
        raise TrialTooLong(len(value))
    return value


def decode(secret_key: str, session_id: str, service_id: int, value: str | None) -> dict[str, Any]:
    """A trial's answers from its cookie; {} when absent, forged, unreadable or not this
    session's trial of this service."""
    packed = unsign(secret_key, value)
    if not packed:
        return {}
    try:
        raw = zlib.decompressobj().decompress(
            base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)), 1_000_000
        )
        body = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError):
        return {}
    if not isinstance(body, dict) or body.get("o") != _owner(session_id, service_id):
        return {}
    answers = body.get("a")
    return answers if isinstance(answers, dict) else {}
