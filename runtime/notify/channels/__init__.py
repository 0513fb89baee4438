"""Channels: how a message leaves Loket (e-mail, WhatsApp/SMS gateway, webhook).

The worker (runtime.notify.worker) asks `sender_for(channel, settings)` for a channel's sender
and calls its `send`; `None` means the channel is not configured, and the message is marked
skipped. A sender raises `DeliveryError` when a delivery fails: `permanent=True` (a refused
address, a 4xx answer) ends the retries at once, otherwise the worker tries again later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from runtime.models import OutboxMessage
    from runtime.settings import Settings


class Delivery(Protocol):
    """A channel's sender."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver one message; raise DeliveryError on failure."""


class DeliveryError(Exception):
    """A delivery failed; `permanent` failures are not tried again."""

    permanent: bool = False

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def sender_for(channel: str, settings: Settings) -> Delivery | None:
    """The sender of `channel`, or None when the installation has not configured it."""
    return None
