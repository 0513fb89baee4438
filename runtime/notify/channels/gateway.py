"""WhatsApp and SMS through an HTTP gateway: one configurable adapter and provider presets.

A gateway is an HTTP endpoint that takes a phone number and a text. `GatewaySender` builds the
request from a *body template*, a JSON object whose string values may hold placeholders
(``{number}``, ``{text}``, ``{subject}``, ``{token}``, ``{user}``, ``{idempotency_key}``). The
placeholders are filled in the parsed template and only then encoded as JSON, a form or URL
parameters, so quotes, newlines and any Unicode in a text are always escaped correctly.

The presets are modelled on the providers' public documentation (fonnte and wablas for
WhatsApp, zenziva for SMS); check them against the provider's current documentation before
production use. Any setting given explicitly (URL, method, headers, body, number format,
success rule) replaces the preset's; the ``custom`` gateway takes everything from settings.

Failures raise `DeliveryError`: 4xx answers (except 408 and 429) are permanent, everything
else (5xx, redirects, timeouts, unreachable gateway, a 2xx answer that fails the success rule)
is temporary. Tokens never appear in errors or logs.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from builder.values import normalise_phone
from runtime.models import OutboxMessage
from runtime.notify.channels.errors import DeliveryError
from runtime.settings import Settings

MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "Loket-notify/1"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Preset:
    """How one provider's send endpoint is called (see docs/notifications.md#channels)."""

    url: str
    method: str
    headers: dict[str, str]
    body_format: str  # json, form or query
    body: dict[str, Any]
    number_format: str  # e164 (+62812…), international (62812…) or local (0812…)
    success: str  # status, json:<path>=<value> or text:<substring>


PRESETS: dict[str, Preset] = {
    # https://docs.fonnte.com/api-send-message/ — form fields target and message, the device
    # token in the Authorization header; answers {"status": true, ...} or {"status": false,
    # "reason": ...} with HTTP 200.
    "fonnte": Preset(
        url="https://api.fonnte.com/send",
        method="POST",
        headers={"Authorization": "{token}"},
        body_format="form",
        body={"target": "{number}", "message": "{text}", "countryCode": "62"},
        number_format="international",
        success="json:status=true",
    ),
    # https://wablas.com/documentation/api — form fields phone and message, the token (newer
    # accounts: "token.secret_key") in the Authorization header; the host differs per account
    # (set LOKET_*_URL to the server shown in the dashboard); answers {"status": true, ...}.
    "wablas": Preset(
        url="https://wablas.com/api/send-message",
        method="POST",
        headers={"Authorization": "{token}"},
        body_format="form",
        body={"phone": "{number}", "message": "{text}"},
        number_format="international",
        success="json:status=true",
    ),
    # Zenziva SMS (console.zenziva.net, "reguler" SMS): form fields userkey, passkey, to and
    # message; answers JSON with "status": "1" on success.
    "zenziva": Preset(
        url="https://console.zenziva.net/reguler/api/sendsms/",
        method="POST",
        headers={},
        body_format="form",
        body={"userkey": "{user}", "passkey": "{token}", "to": "{number}", "message": "{text}"},
        number_format="local",
        success="json:status=1",
    ),
}
CUSTOM = Preset(
    url="",
    method="POST",
    headers={},
    body_format="json",
    body={},
    number_format="international",
    success="status",
)


@dataclass(frozen=True)
class GatewayConfig:
    """A gateway's settings with the preset filled in: everything needed to send."""

    channel: str
    gateway: str
    url: str
    method: str
    headers: dict[str, str]
    body_format: str
    body: dict[str, Any]
    number_format: str
    success: str
    timeout: float
    token: str = field(default="", repr=False)
    user: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, channel: str, settings: Settings) -> GatewayConfig | None:
        """The configuration of `channel` (whatsapp or sms); None when no gateway is set."""
        gateway = getattr(settings, f"{channel}_gateway")
        if gateway is None:
            return None
        preset = PRESETS.get(gateway, CUSTOM)

        def setting(name: str) -> Any:
            return getattr(settings, f"{channel}_{name}")

        method = setting("method")
        body_format = setting("body_format") or ("query" if method == "GET" else preset.body_format)
        headers_raw, body_raw = setting("headers"), setting("body_template")
        return cls(
            channel=channel,
            gateway=gateway,
            url=setting("url") or preset.url,
            method=method or ("GET" if body_format == "query" else preset.method),
            headers=preset.headers | (json.loads(headers_raw) if headers_raw else {}),
            body_format=body_format,
            body=json.loads(body_raw) if body_raw else preset.body,
            number_format=setting("number_format") or preset.number_format,
            success=setting("success") or preset.success,
            timeout=float(settings.notify_timeout_seconds),
            token=setting("token") or "",
            user=setting("user") or "",
        )


def wire_number(number: str, number_format: str) -> str:
    """A +62 number written the way a gateway wants it: +62812…, 62812… or 0812…."""
    if number_format == "e164":
        return number
    if number_format == "local":
        return "0" + number.removeprefix("+62")
    return number.removeprefix("+")


def render(template: Any, values: dict[str, str]) -> Any:
    """The template with placeholders in its strings replaced (structure kept, not text)."""
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    if isinstance(template, dict):
        return {key: render(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [render(item, values) for item in template]
    return template


def shown_url(url: str) -> str:
    """A gateway address fit for logs and pages: no query (it may hold a token), no user info."""
    parts = urllib.parse.urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


def _field(value: Any) -> str:
    """One form or URL field: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def is_success(rule: str, answer: bytes) -> bool:
    """Whether a 2xx answer means "sent" under `rule` (status, json:…=…, text:…)."""
    if rule == "status":
        return True
    text = answer.decode("utf-8", "replace")
    if rule.startswith("text:"):
        return rule.removeprefix("text:") in text
    path, _, expected = rule.removeprefix("json:").partition("=")
    try:
        found: Any = json.loads(text)
    except ValueError:
        return False
    for step in path.split("."):
        if isinstance(found, dict) and step in found:
            found = found[step]
        elif isinstance(found, list) and step.isdigit() and int(step) < len(found):
            found = found[int(step)]
        else:
            return False
    shown = found if isinstance(found, str) else json.dumps(found)
    return shown == expected


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is reported, not followed: a POST must not silently turn into a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class GatewaySender:
    """Sends WhatsApp or SMS messages through one HTTP gateway."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config

    def request(self, message: OutboxMessage) -> urllib.request.Request:
        """The HTTP request that sends `message` (raises a permanent error on a bad number)."""
        config = self.config
        number = normalise_phone(message.recipient)
        if number is None:
            raise DeliveryError(
                f"{message.recipient!r} is not an Indonesian phone number", permanent=True
            )
        if "\r" in message.idempotency_key or "\n" in message.idempotency_key:
            raise DeliveryError("the idempotency key holds a line break", permanent=True)
        values = {
            "number": wire_number(number, config.number_format),
            "text": message.body,
            "subject": message.subject,
            "token": config.token,
            "user": config.user,
            "idempotency_key": message.idempotency_key,
        }
        body = render(config.body, values)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/plain, */*"}
        headers |= {name: render(value, values) for name, value in config.headers.items()}
        headers["Idempotency-Key"] = message.idempotency_key
        url, data = config.url, None
        if config.body_format == "query":
            query = urllib.parse.urlencode({k: _field(v) for k, v in body.items()})
            url += ("&" if "?" in url else "?") + query
        elif config.body_format == "form":
            data = urllib.parse.urlencode({k: _field(v) for k, v in body.items()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        return urllib.request.Request(url, data=data, method=config.method, headers=headers)  # noqa: S310 - http(s) checked in settings

    def send(self, message: OutboxMessage) -> None:
        """Deliver `message`; raise DeliveryError (permanent or not) when the gateway fails."""
        request = self.request(message)
        where = f"{self.config.channel} gateway {shown_url(self.config.url)}"
        try:
            with _OPENER.open(request, timeout=self.config.timeout) as response:
                answer = response.read(MAX_ANSWER_BYTES)
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = self._redact(exc.read(MAX_ANSWER_BYTES))
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise DeliveryError(
                f"{where} answered HTTP {exc.code}: {detail}", permanent=permanent
            ) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise DeliveryError(
                f"{where} could not be reached: {self._redact(str(reason).encode())}"
            ) from None
        except ValueError:  # http.client refuses a header value (a line break in a setting)
            raise DeliveryError(
                f"{where}: a request header is not valid; check LOKET_{self.config.channel.upper()}"
                "_HEADERS and _TOKEN for line breaks"
            ) from None
        if not 200 <= status < 300:
            raise DeliveryError(f"{where} answered HTTP {status}")
        if not is_success(self.config.success, answer):
            raise DeliveryError(
                f"{where} did not confirm the message ({self.config.success}): "
                f"{self._redact(answer)}"
            )

    def _redact(self, raw: bytes) -> str:
        text = " ".join(raw.decode("utf-8", "replace").split())[:300] or "no message"
        for secret in (self.config.token, self.config.user):
            if secret:
                text = text.replace(secret, "***")
        return text
