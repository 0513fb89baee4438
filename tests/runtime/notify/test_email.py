"""The e-mail sender against a real SMTP server in-process (aiosmtpd on 127.0.0.1).

The server keeps what it receives; recipients on refused.example are refused with 550 (for
good) and those on busy.example with 450 (try again). STARTTLS and implicit TLS use a
self-signed certificate made in the test, trusted by the sender's TLS context.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from runtime.models import OutboxMessage
from runtime.notify.channels import DeliveryError, sender_for
from runtime.notify.channels.email import IDEMPOTENCY_HEADER, EmailSender
from runtime.settings import Settings, SettingsError
from tests import kit

SENDER = "Layanan DPMPTSP <layanan@example.go.id>"
SUBJECT = "Permohonan Anda diterima — “Surat Keterangan Domisili” ✓"
BODY = "Yth. Bu Siti,\n\npermohonan DOM-2026-0001 sudah kami terima. Biaya: Rp 0 🙂\n日本\n"
KEY = "case.received:abc123:email"
USER, PASSWORD = "loket", "rahasia-smtp"


@dataclass
class Mailbox:
    """What the SMTP server received."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user here"
        if address.endswith("@busy.example"):
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "raw": content,
                "message": email.message_from_bytes(content, policy=email.policy.default),
            }
        )
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == (USER, PASSWORD), handled=False)


@dataclass
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 (and localhost)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(folder / "cert.pem", folder / "key.pem")


@dataclass
class Server:
    mailbox: Mailbox
    port: int


def start(mailbox: Mailbox, **options: Any) -> tuple[Controller, Server]:
    port = kit.free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, Server(mailbox, port)


@pytest.fixture
def plain() -> Iterator[Server]:
    controller, server = start(Mailbox())
    yield server
    controller.stop()


@pytest.fixture
def starttls(certificate: Certificate) -> Iterator[Server]:
    mailbox = Mailbox()
    controller, server = start(
        mailbox,
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=mailbox.authenticate,
        auth_required=True,
    )
    yield server
    controller.stop()


@pytest.fixture
def implicit_tls(certificate: Certificate) -> Iterator[Server]:
    controller, server = start(Mailbox(), ssl_context=certificate.server_context())
    yield server
    controller.stop()


def outbox(recipient: str = "siti@warga.example") -> OutboxMessage:
    return OutboxMessage(
        kind="case.received",
        channel="email",
        recipient=recipient,
        subject=SUBJECT,
        body=BODY,
        idempotency_key=KEY,
    )


def settings(tmp_path: Path, **variables: str) -> Settings:
    environ = {"LOKET_DATA_DIR": str(tmp_path), "LOKET_SECRET_KEY": "k" * 40} | variables
    return Settings.from_env(environ)


def plain_sender(tmp_path: Path, port: int) -> EmailSender:
    result = sender_for(
        "email",
        settings(
            tmp_path,
            LOKET_SMTP_HOST="127.0.0.1",
            LOKET_SMTP_PORT=str(port),
            LOKET_SMTP_SECURITY="none",
            LOKET_SMTP_SENDER=SENDER,
            LOKET_NOTIFY_TIMEOUT_SECONDS="5",
        ),
    )
    assert isinstance(result, EmailSender)
    return result


def check_received(server: Server) -> EmailMessage:
    (received,) = server.mailbox.messages
    assert received["mail_from"] == "layanan@example.go.id"
    assert received["rcpt_tos"] == ["siti@warga.example"]
    mail: EmailMessage = received["message"]
    assert mail["From"] == SENDER
    assert mail["To"] == "siti@warga.example"
    assert mail["Subject"] == SUBJECT
    assert mail[IDEMPOTENCY_HEADER] == KEY
    assert mail["Message-ID"].endswith("@example.go.id>")
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n") == BODY
    # MIME on the wire: 7-bit only, the subject RFC 2047-encoded, the body transfer-encoded
    received["raw"].decode("ascii")
    assert b"=?utf-8?" in received["raw"].partition(b"\r\n\r\n")[0]
    assert mail["Content-Transfer-Encoding"] == "quoted-printable"
    return mail


def test_a_message_arrives_with_utf8_subject_and_body(tmp_path: Path, plain: Server) -> None:
    plain_sender(tmp_path, plain.port).send(outbox())
    mail = check_received(plain)
    assert mail["Date"]


def test_a_retried_message_keeps_its_message_id(tmp_path: Path, plain: Server) -> None:
    sender = plain_sender(tmp_path, plain.port)
    sender.send(outbox())
    sender.send(outbox())
    first, second = (item["message"]["Message-ID"] for item in plain.mailbox.messages)
    assert first == second


def test_starttls_with_login(tmp_path: Path, starttls: Server, certificate: Certificate) -> None:
    sender = EmailSender(
        host="127.0.0.1",
        port=starttls.port,
        security="starttls",
        sender=SENDER,
        user=USER,
        password=PASSWORD,
        timeout=5,
        ssl_context=certificate.client_context(),
    )
    sender.send(outbox())
    check_received(starttls)
    assert starttls.mailbox.logins == [(USER, PASSWORD)]


def test_starttls_refuses_an_untrusted_certificate(tmp_path: Path, starttls: Server) -> None:
    sender = EmailSender(
        host="127.0.0.1", port=starttls.port, security="starttls", sender=SENDER, timeout=5
    )
    with pytest.raises(DeliveryError) as caught:
        sender.send(outbox())
    assert not caught.value.permanent
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert starttls.mailbox.messages == []


def test_a_wrong_password_is_a_temporary_failure_without_the_password(
    tmp_path: Path, starttls: Server, certificate: Certificate
) -> None:
    sender = EmailSender(
        host="127.0.0.1",
        port=starttls.port,
        security="starttls",
        sender=SENDER,
        user=USER,
        password="salah-SECRET",
        timeout=5,
        ssl_context=certificate.client_context(),
    )
    with pytest.raises(DeliveryError, match="refused the login") as caught:
        sender.send(outbox())
    assert not caught.value.permanent
    assert "salah-SECRET" not in str(caught.value)


def test_a_non_ascii_password_is_a_clear_error(
    tmp_path: Path, starttls: Server, certificate: Certificate
) -> None:
    sender = EmailSender(
        host="127.0.0.1",
        port=starttls.port,
        security="starttls",
        sender=SENDER,
        user=USER,
        password="kata-sandi-é",
        timeout=5,
        ssl_context=certificate.client_context(),
    )
    with pytest.raises(DeliveryError, match="must be plain ASCII") as caught:
        sender.send(outbox())
    assert not caught.value.permanent
    assert "kata-sandi" not in str(caught.value)


def test_implicit_tls(tmp_path: Path, implicit_tls: Server, certificate: Certificate) -> None:
    sender = EmailSender(
        host="127.0.0.1",
        port=implicit_tls.port,
        security="tls",
        sender=SENDER,
        timeout=5,
        ssl_context=certificate.client_context(),
    )
    sender.send(outbox())
    check_received(implicit_tls)


def test_a_refused_recipient_is_a_permanent_failure(tmp_path: Path, plain: Server) -> None:
    with pytest.raises(DeliveryError) as caught:
        plain_sender(tmp_path, plain.port).send(outbox("siapa@refused.example"))
    assert caught.value.permanent
    assert "550" in str(caught.value) and "No such user" in str(caught.value)
    assert plain.mailbox.messages == []


def test_a_4xx_recipient_refusal_is_temporary(tmp_path: Path, plain: Server) -> None:
    with pytest.raises(DeliveryError, match="450") as caught:
        plain_sender(tmp_path, plain.port).send(outbox("siti@busy.example"))
    assert not caught.value.permanent


def test_a_server_that_is_down_is_a_temporary_failure(tmp_path: Path) -> None:
    with pytest.raises(DeliveryError, match="could not be reached") as caught:
        plain_sender(tmp_path, kit.free_port()).send(outbox())
    assert not caught.value.permanent


@pytest.mark.parametrize(
    "recipient", ["", "bukan-alamat", "a@b@c.example", "x@y.example\nBcc: z@y"]
)
def test_a_bad_address_is_refused_for_good(tmp_path: Path, plain: Server, recipient: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        plain_sender(tmp_path, plain.port).send(outbox(recipient))
    assert caught.value.permanent
    assert plain.mailbox.messages == []


def test_smtp_settings(tmp_path: Path) -> None:
    assert sender_for("email", settings(tmp_path)) is None
    configured = settings(
        tmp_path,
        LOKET_SMTP_HOST="smtp.example.go.id",
        LOKET_SMTP_SENDER=SENDER,
        LOKET_SMTP_SECURITY="TLS",
        LOKET_SMTP_PASSWORD="pw-SECRET",
    )
    assert (configured.smtp_port, configured.smtp_security) == (465, "tls")
    assert "pw-SECRET" not in repr(configured)
    assert settings(tmp_path, LOKET_SMTP_HOST="h", LOKET_SMTP_SENDER=SENDER).smtp_port == 587
    relay = settings(
        tmp_path, LOKET_SMTP_HOST="h", LOKET_SMTP_SENDER=SENDER, LOKET_SMTP_SECURITY="none"
    )
    assert relay.smtp_port == 25


@pytest.mark.parametrize(
    ("variables", "message_part"),
    [
        ({"LOKET_SMTP_HOST": "smtp.example.go.id"}, "LOKET_SMTP_HOST is set but LOKET_SMTP_SENDER"),
        (
            {"LOKET_SMTP_HOST": "smtp.example.go.id", "LOKET_SMTP_SENDER": "layanan"},
            "LOKET_SMTP_SENDER must be an e-mail address",
        ),
        ({"LOKET_SMTP_SECURITY": "ssl"}, "LOKET_SMTP_SECURITY must be one of starttls, tls, none"),
        ({"LOKET_SMTP_PORT": "0"}, "LOKET_SMTP_PORT must be a whole number between 1 and 65535"),
        ({"LOKET_SMTP_HOST": "smtp example"}, "LOKET_SMTP_HOST must be a host name"),
        ({"LOKET_NOTIFY_TIMEOUT_SECONDS": "0"}, "LOKET_NOTIFY_TIMEOUT_SECONDS must be a whole"),
    ],
)
def test_bad_smtp_settings_stop_the_start(
    tmp_path: Path, variables: dict[str, str], message_part: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        settings(tmp_path, **variables)
    assert message_part in str(caught.value)
