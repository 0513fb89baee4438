"""Webhooks: signed JSON POSTs to an agency's endpoint, with a guard against SSRF.

Each delivery carries ``X-Loket-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``
under the endpoint's secret, ``X-Loket-Event`` and ``Idempotency-Key``; receivers check the
signature and refuse a timestamp outside their replay window (docs/notifications.md#webhooks).

The guard (`check_url`) allows only https (http only with LOKET_WEBHOOK_ALLOW_HTTP, for
development) and resolves the host: a loopback, link-local, private, shared, multicast,
reserved or unspecified address (IPv4 or IPv6, IPv4-mapped included) is refused unless an
administrator allowed the endpoint's host. It runs when an endpoint is registered and again at
every delivery (DNS may have changed since), and the request then goes to the address that was
checked (the Host header and TLS server name stay the endpoint's host), so a name that resolves
differently a moment later (DNS rebinding) cannot redirect it. Redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session

import runtime.db as db
from runtime.models import OutboxMessage, WebhookEndpoint
from runtime.notify.channels.errors import DeliveryError
from runtime.settings import Settings

SIGNATURE_HEADER = "X-Loket-Signature"
EVENT_HEADER = "X-Loket-Event"
USER_AGENT = "Loket-webhook/1"
MAX_ANSWER_BYTES = 64 * 1024

Resolver = Callable[..., list[tuple[Any, ...]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(ValueError):
    """A webhook address the guard does not allow; the message says why (no secrets)."""


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Loket-Signature value of `body` sent at `timestamp` (Unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def refusal(address: IPAddress) -> str | None:
    """Why a delivery may not go to `address` (without an administrator's allowance), or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped)
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private or (
        isinstance(address, ipaddress.IPv4Address)
        and address in ipaddress.IPv4Network("100.64.0.0/10")
    ):
        return "a private address"
    if not address.is_global:
        return "an address that is not public"
    return None


@dataclass(frozen=True)
class Target:
    """A checked webhook address: where to connect (`address`) and what to call it (`host`)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def check_url(
    url: str,
    *,
    allow_http: bool,
    allow_private: bool,
    resolve: Resolver | None = None,
) -> Target:
    """Check `url` and resolve its host; raise UrlRefused when deliveries may not go there.

    Every address the host resolves to must pass (unless `allow_private`); the first is used.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UrlRefused(f"not a valid address: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UrlRefused("a webhook address must start with https://")
    if scheme == "http" and not allow_http:
        raise UrlRefused("a webhook address must use https (http is allowed only in development)")
    host = parts.hostname
    if not host:
        raise UrlRefused("the address has no host")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("the address may not hold a user name or password")
    port = port or (443 if scheme == "https" else 80)
    resolver = resolve or socket.getaddrinfo
    try:
        found = resolver(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UrlRefused(f"the host {host} cannot be resolved ({error})") from None
    addresses: list[IPAddress] = []
    for info in found:
        try:
            addresses.append(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
        except ValueError:
            continue
    if not addresses:
        raise UrlRefused(f"the host {host} has no address")
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise UrlRefused(
                    f"the host {host} resolves to {reason} ({address}); an administrator must "
                    "allow this host explicitly"
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, str(addresses[0]))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header stays the endpoint's host."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the endpoint's host as server name and certificate."""

    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = target.address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


Lookup = Callable[[int], WebhookEndpoint | None]


def _lookup_in(engine: Engine) -> Lookup:
    def lookup(endpoint_id: int) -> WebhookEndpoint | None:
        with Session(engine) as session:
            endpoint = session.get(WebhookEndpoint, endpoint_id)
            if endpoint is not None:
                session.expunge(endpoint)
            return endpoint

    return lookup


_engines: dict[str, Engine] = {}


def _engine_for(settings: Settings) -> Engine:
    engine = _engines.get(settings.database_url)
    if engine is None:
        engine = _engines.setdefault(settings.database_url, db.make_engine(settings))
    return engine


class WebhookSender:
    """Delivers outbox messages of channel ``webhook`` (the body is the JSON to POST)."""

    def __init__(
        self,
        lookup: Lookup,
        *,
        allow_http: bool = False,
        timeout: float = 20.0,
        resolve: Resolver | None = None,
        clock: Callable[[], float] = time.time,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.lookup = lookup
        self.allow_http = allow_http
        self.timeout = timeout
        self.resolve = resolve
        self.clock = clock
        self.tls = tls or ssl.create_default_context()

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookSender:
        """A sender that reads endpoints from the installation's database."""
        return cls(
            _lookup_in(_engine_for(settings)),
            allow_http=settings.webhook_allow_http,
            timeout=float(settings.notify_timeout_seconds),
        )

    def send(self, message: OutboxMessage) -> None:
        """POST the message's body to its endpoint, signed; raise DeliveryError on failure."""
        payload = message.payload or {}
        endpoint_id = payload.get("endpoint_id")
        endpoint = self.lookup(int(endpoint_id)) if isinstance(endpoint_id, int) else None
        if endpoint is None:
            raise DeliveryError("the webhook endpoint no longer exists", permanent=True)
        if not endpoint.active:
            raise DeliveryError("the webhook endpoint is disabled", permanent=True)
        try:
            target = check_url(
                endpoint.url,
                allow_http=self.allow_http,
                allow_private=endpoint.allowed_private_host,
                resolve=self.resolve,
            )
        except UrlRefused as error:
            # DNS may change back; a refused scheme will not
            permanent = not str(error).startswith("the host")
            raise DeliveryError(f"refused: {error}", permanent=permanent) from None
        body = message.body.encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(endpoint.secret, body, int(self.clock())),
            EVENT_HEADER: str(payload.get("event", message.kind)),
            "Idempotency-Key": message.idempotency_key,
        }
        connection: http.client.HTTPConnection = (
            _PinnedHTTPSConnection(target, self.timeout, self.tls)
            if target.scheme == "https"
            else _PinnedHTTPConnection(target, self.timeout)
        )
        shown = f"{target.scheme}://{target.host}:{target.port}"
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read(MAX_ANSWER_BYTES)
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            raise DeliveryError(f"{shown} could not be reached: {error}") from None
        finally:
            connection.close()
        if 200 <= status < 300:
            return
        text = answer.decode("utf-8", "replace")[:200]
        if 300 <= status < 400:
            raise DeliveryError(f"{shown} answered {status} (redirects are not followed)")
        permanent = 400 <= status < 500 and status not in (408, 429)
        raise DeliveryError(f"{shown} answered {status}: {text}", permanent=permanent)
