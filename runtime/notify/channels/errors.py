"""The error every channel raises when a message could not be delivered."""

from __future__ import annotations


class DeliveryError(Exception):
    """A message was not delivered; `permanent` ones are not tried again.

    The message (stored as the outbox message's last error) says what went wrong and never
    holds a password or token.
    """

    permanent: bool = False

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
