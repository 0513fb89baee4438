"""Channels: the senders that deliver outbox messages (e-mail, WhatsApp, SMS).

The worker asks `sender_for(channel, settings)` for a `Delivery` and calls its `send`; a
`DeliveryError` says the try failed (``permanent`` ones are not tried again). A channel whose
settings are missing gives None: its messages are skipped, never an error for the citizen, and
the process logs one line per channel saying what to set. `channel_status` says the same for
the administrators' page. Webhooks are always available: each message names its endpoint,
whose address and secret are read from the database at delivery.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from runtime.models import OutboxMessage
from runtime.notify.channels.email import EmailSender
from runtime.notify.channels.errors import DeliveryError
from runtime.notify.channels.gateway import GatewayConfig, GatewaySender, shown_url
from runtime.notify.channels.webhook import WebhookSender
from runtime.notify.outbox import CHANNELS
from runtime.settings import Settings

__all__ = ["Delivery", "DeliveryError", "channel_status", "sender_for"]

_log = logging.getLogger(__name__)
_reported: set[str] = set()
_reported_lock = threading.Lock()

# What to set for each channel, shown when it is not configured.
HOW_TO_CONFIGURE = {
    "email": "set LOKET_SMTP_HOST and LOKET_SMTP_SENDER",
    "whatsapp": "set LOKET_WHATSAPP_GATEWAY",
    "sms": "set LOKET_SMS_GATEWAY",
    "webhook": "add endpoints at /admin/webhook",
}


class Delivery(Protocol):
    """Anything that delivers one outbox message."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver `message`; raise DeliveryError when it could not be delivered."""
        ...


def _build(channel: str, settings: Settings) -> Delivery | None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; channels are {', '.join(CHANNELS)}")
    if channel == "email":
        return EmailSender.from_settings(settings)
    if channel in ("whatsapp", "sms"):
        config = GatewayConfig.from_settings(channel, settings)
        return GatewaySender(config) if config is not None else None
    if channel == "webhook":
        return WebhookSender.from_settings(settings)
    return None


def sender_for(channel: str, settings: Settings) -> Delivery | None:
    """The sender of `channel`, or None when it is not configured (logged once per process)."""
    sender = _build(channel, settings)
    if sender is None:
        with _reported_lock:
            first = channel not in _reported
            _reported.add(channel)
        if first:
            _log.warning(
                "notify: channel %s not configured (%s); messages are skipped",
                channel,
                HOW_TO_CONFIGURE[channel],
            )
    return sender


def channel_status(settings: Settings) -> dict[str, str]:
    """Each channel's state in one line for administrators (no secrets)."""
    status: dict[str, str] = {}
    for channel in CHANNELS:
        if _build(channel, settings) is None:
            status[channel] = f"not configured: {HOW_TO_CONFIGURE[channel]}"
        elif channel == "email":
            status[channel] = (
                f"configured: {settings.smtp_host}:{settings.smtp_port} "
                f"({settings.smtp_security}), from {settings.smtp_sender}"
            )
        elif channel == "webhook":
            scheme = "https or http" if settings.webhook_allow_http else "https only"
            status[channel] = f"configured: endpoints per agency at /admin/webhook ({scheme})"
        else:
            config = GatewayConfig.from_settings(channel, settings)
            assert config is not None
            status[channel] = f"configured: gateway {config.gateway}, {shown_url(config.url)}"
    return status
