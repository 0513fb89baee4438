"""Security plumbing: response headers, a global body limit and CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from runtime.assets import HTMX_URL

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; "
    f"script-src 'self' {HTMX_URL}; "  # the pinned htmx file only, not its whole CDN
    "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
CSRF_COOKIE = "loket_csrf"
SESSION_COOKIE = "loket_session"
HOST_PREFIX = "__Host-"  # with https: only this host, Secure, path / (browsers enforce it)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class BodyTooLarge(Exception):
    """The request body is larger than allowed."""


_STATIC_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
# Pages and API replies may carry personal data: never cached, and they vary by these headers.
_PAGE_HEADERS = (
    *_STATIC_HEADERS,
    (b"cache-control", b"no-store"),
    (b"vary", b"HX-Request, Accept-Language, Cookie"),
)


class SecurityHeaders:
    """Adds security headers to every response; personal-data pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = _STATIC_HEADERS if path.startswith("/static/") else _PAGE_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((k, v) for k, v in extra if k not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# A citizen's form page reads an upload over its field's limit to the end (keeping only the
# start of it) so that the page comes back with the error beside the file field and every
# other answer kept; such a body may be this many times the global limit. The JSON API's
# upload (`/api/v1/services/<agency>/<service>/files`) gets the same outer bound, so that a
# field's `max_mb` above the global limit works there too; it caps the body itself at its
# largest file field's limit.
UPLOAD_READ_FACTOR = 4
_FORM_PAGE = re.compile(r"^(/layanan/[^/]+/[^/]+/isi/[^/]+|/api/v1/services/[^/]+/[^/]+/files)$")


def upload_read_limit(body_limit: int) -> int:
    """The largest body a citizen's form page reads to the end (the drained oversized upload)."""
    return body_limit * UPLOAD_READ_FACTOR


class BodyLimit:
    """Refuses request bodies over `limit` bytes, by Content-Length and while streaming; a
    POST to a citizen's form page may be larger (`upload_read_limit`), the page caps it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        if scope.get("method") == "POST" and _FORM_PAGE.match(scope.get("path", "")):
            media = dict(scope.get("headers", [])).get(b"content-type", b"")
            if media.split(b";")[0].strip().lower() == b"multipart/form-data":
                limit = upload_read_limit(self.limit)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _plain(send, 400, b"Bad Content-Length")
                    return
                if declared > limit:
                    await _too_large(send, scope.get("path", ""))
                    return
        limited = limited_receive(receive, limit)

        await self.app(scope, limited, send)


_TOO_LARGE_JSON = (
    b'{"error":"too_large","message":"Kiriman terlalu besar. / The request body is too large.",'
    b'"errors":[]}'
)
_TOO_LARGE_HTML = (
    b'<!doctype html><html lang="id"><head><meta charset="utf-8">'
    b'<meta name="viewport" content="width=device-width, initial-scale=1">'
    b'<title>Kiriman terlalu besar</title><link rel="stylesheet" href="/static/loket.css"></head>'
    b'<body><main id="main"><h1>Kiriman terlalu besar</h1>'
    b"<p>Kecilkan berkas Anda (misalnya foto dengan resolusi lebih rendah), lalu kirim lagi.</p>"
    b'<p lang="en">The request is too large. Make your file smaller and send it again.</p>'
    b'<p><a href="/">Daftar layanan / Services</a></p></main></body></html>'
)


def limited_receive(receive: Receive, limit: int) -> Receive:
    """`receive` that raises BodyTooLarge as soon as the body streamed in passes `limit` bytes."""
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(f"body over {limit} bytes")
        return message

    return limited


async def _too_large(send: Send, path: str) -> None:
    """413 before the app sees the request: JSON for the API, a small page otherwise."""
    if path.startswith("/api/"):
        await _plain(send, 413, _TOO_LARGE_JSON, b"application/json")
    else:
        await _plain(send, 413, _TOO_LARGE_HTML, b"text/html; charset=utf-8")


async def _plain(
    send: Send, status: int, body: bytes, media: bytes = b"text/plain; charset=utf-8"
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def new_csrf_cookie() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(24)


def csrf_token(secret_key: str, cookie_value: str, session_token: str = "") -> str:
    """The form token that belongs to a CSRF cookie and the login session cookie (if any).

    An HMAC under the secret key, so the cookie alone is not enough; it covers the session
    cookie, so a token handed out before a login or logout is worthless after it.
    """
    session_part = hashlib.sha256(session_token.encode()).hexdigest() if session_token else ""
    message = f"csrf:{cookie_value}|{session_part}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def csrf_valid(
    secret_key: str, cookie_value: str | None, token: str | None, session_token: str = ""
) -> bool:
    """Whether a submitted token matches the visitor's CSRF cookie and login session cookie."""
    if not cookie_value or not token:
        return False
    return hmac.compare_digest(csrf_token(secret_key, cookie_value, session_token), token)


def sign(secret_key: str, value: str) -> str:
    """`value` with an HMAC signature, for small signed cookies."""
    mac = hmac.new(secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{value}.{mac}"


def unsign(secret_key: str, signed: str | None) -> str | None:
    """The value of a signed string, or None when the signature is wrong."""
    if not signed or "." not in signed:
        return None
    value, _, mac = signed.rpartition(".")
    expected = hmac.new(secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
    return value if hmac.compare_digest(expected, mac) else None
