"""E-mail over SMTP: STARTTLS, implicit TLS or plain (a local relay), with login when set.

Each message is a UTF-8 text/plain MIME message with a Message-ID derived from its idempotency
key (a retried delivery carries the same id, so mail systems can drop the duplicate) and an
``X-Loket-Idempotency-Key`` header carrying the key itself.

A recipient refused with a 5xx reply, a message refused with a 5xx reply and an address that
cannot be one are permanent failures; connection errors, timeouts, 4xx replies and problems of
the installation's own settings (login, sender, TLS) are temporary, to be tried again.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, parseaddr

from builder.values import is_email
from runtime.models import OutboxMessage
from runtime.notify.channels.errors import DeliveryError
from runtime.settings import Settings

IDEMPOTENCY_HEADER = "X-Loket-Idempotency-Key"


class EmailSender:
    """Sends e-mail through one SMTP server."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        sender: str,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 20.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in ("starttls", "tls", "none"):
            raise ValueError(f"unknown SMTP security {security!r}")
        self.host = host
        self.port = port
        self.security = security
        self.sender = sender
        self.user = user
        self._password = password
        self.timeout = timeout
        self._context = ssl_context

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailSender | None:
        """The sender the settings describe; None when LOKET_SMTP_HOST is not set."""
        if settings.smtp_host is None or settings.smtp_sender is None:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            sender=settings.smtp_sender,
            user=settings.smtp_user,
            password=settings.smtp_password,
            timeout=float(settings.notify_timeout_seconds),
        )

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    def compose(self, message: OutboxMessage) -> EmailMessage:
        """The MIME message for `message` (raises a permanent error on a bad address)."""
        recipient = message.recipient.strip()
        if not is_email(recipient):
            raise DeliveryError(f"{recipient!r} is not an e-mail address", permanent=True)
        key = message.idempotency_key
        if "\r" in key or "\n" in key:
            raise DeliveryError("the idempotency key holds a line break", permanent=True)
        domain = self.sender_address.rpartition("@")[2] or "loket.invalid"
        mail = EmailMessage(policy=SMTP_POLICY)
        mail["From"] = self.sender
        mail["To"] = recipient
        mail["Subject"] = " ".join(message.subject.split())
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"
        mail[IDEMPOTENCY_HEADER] = key
        mail.set_content(message.body, charset="utf-8", cte="quoted-printable")  # 7-bit safe
        return mail

    def send(self, message: OutboxMessage) -> None:
        """Deliver `message`; raise DeliveryError (permanent or not) when it fails."""
        mail = self.compose(message)
        where = f"mail server {self.host}:{self.port}"
        try:
            with self._connect() as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=self._tls_context())
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self._password or "")
                smtp.send_message(mail, from_addr=self.sender_address, to_addrs=[mail["To"]])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise DeliveryError(
                f"{where} refused the recipient: {code} {_text(reply)}", permanent=code >= 500
            ) from None
        except smtplib.SMTPDataError as exc:
            raise DeliveryError(
                f"{where} refused the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                permanent=exc.smtp_code >= 500,
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{where} refused the login of LOKET_SMTP_USER: {exc.smtp_code}"
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(
                f"{where} refused the sender {self.sender_address} (LOKET_SMTP_SENDER): "
                f"{exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(
                f"{where} does not offer what LOKET_SMTP_SECURITY={self.security} needs: {exc}"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except UnicodeEncodeError:
            raise DeliveryError(
                f"{where}: LOKET_SMTP_USER and LOKET_SMTP_PASSWORD must be plain ASCII for login"
            ) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            raise DeliveryError(f"{where} could not be reached: {exc}") from None

    def _tls_context(self) -> ssl.SSLContext:
        return self._context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._tls_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())[:300]
