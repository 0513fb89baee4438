"""The WhatsApp/SMS HTTP gateway sender against a local stand-in gateway (http.server).

The stand-in records each request (method, path, query, headers, body) and answers what the
test sets: a status, a body, or nothing for a while (a timeout).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from runtime.models import OutboxMessage
from runtime.notify import channels
from runtime.notify.channels import DeliveryError, channel_status, sender_for
from runtime.notify.channels.gateway import PRESETS, GatewayConfig, GatewaySender, is_success
from runtime.settings import GATEWAY_PRESETS, Settings, SettingsError

TOKEN = "tok-RAHASIA-123"
TRICKY = "Halo \"Bu Siti\" & 'Pak' =+%\nBaris dua: Rp 50.000 ✓ — 日本 🙂\\"


@dataclass
class Gateway:
    """What the stand-in answers and what it received."""

    url: str = ""
    status: int = 200
    answer: bytes = b'{"status": true}'
    delay: float = 0.0
    garbage: bool = False
    received: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last(self) -> dict[str, Any]:
        return self.received[-1]


def _handler(state: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urllib.parse.urlsplit(self.path)
            state.received.append(
                {
                    "method": self.command,
                    "path": parts.path,
                    "query": urllib.parse.parse_qs(parts.query),
                    "headers": dict(self.headers.items()),
                    "body": self.rfile.read(length),
                }
            )
            if state.delay:
                time.sleep(state.delay)
            if state.garbage:
                self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
                self.close_connection = True
                return
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        do_GET = do_POST = do_PUT = _handle

    return Handler


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    state = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def settings(tmp_path: Path, **variables: str) -> Settings:
    environ = {"LOKET_DATA_DIR": str(tmp_path), "LOKET_SECRET_KEY": "k" * 40} | variables
    return Settings.from_env(environ)


def message(recipient: str = "0812-3456-7890", body: str = "Permohonan diterima") -> OutboxMessage:
    return OutboxMessage(
        kind="case.received",
        channel="whatsapp",
        recipient=recipient,
        subject="Permohonan DOM-2026-0001",
        body=body,
        idempotency_key="case.received:abc123:whatsapp",
    )


def sender(tmp_path: Path, channel: str = "whatsapp", **variables: str) -> GatewaySender:
    result = sender_for(channel, settings(tmp_path, **variables))
    assert isinstance(result, GatewaySender)
    return result


def form(body: bytes) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(body.decode("ascii"), strict_parsing=True)


# -- presets ------------------------------------------------------------------------------------


def test_the_presets_are_the_ones_settings_know() -> None:
    assert set(PRESETS) == set(GATEWAY_PRESETS)


def test_fonnte_preset(tmp_path: Path, gateway: Gateway) -> None:
    fonnte = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/send",
    )
    gateway.answer = b'{"detail": "success! message in queue", "id": ["80367170"], "status": true}'
    fonnte.send(message(body=TRICKY))
    request = gateway.last
    assert (request["method"], request["path"]) == ("POST", "/send")
    assert request["headers"]["Authorization"] == TOKEN
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert request["headers"]["Idempotency-Key"] == "case.received:abc123:whatsapp"
    assert form(request["body"]) == {
        "target": ["6281234567890"],
        "message": [TRICKY],
        "countryCode": ["62"],
    }


def test_fonnte_says_no_in_a_200_answer(tmp_path: Path, gateway: Gateway) -> None:
    fonnte = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/send",
    )
    gateway.answer = json.dumps({"reason": f"token invalid {TOKEN}", "status": False}).encode()
    with pytest.raises(DeliveryError) as caught:
        fonnte.send(message())
    assert not caught.value.permanent  # the installation's settings may be fixed; try again
    assert "token invalid" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_wablas_preset(tmp_path: Path, gateway: Gateway) -> None:
    wablas = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="wablas",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/api/send-message",
    )
    gateway.answer = (
        b'{"status": true, "message": "Message is pending and waiting to be processed"}'
    )
    wablas.send(message(recipient="+62 812 3456 7890", body=TRICKY))
    request = gateway.last
    assert (request["method"], request["path"]) == ("POST", "/api/send-message")
    assert request["headers"]["Authorization"] == TOKEN
    assert form(request["body"]) == {"phone": ["6281234567890"], "message": [TRICKY]}


def test_zenziva_sms_preset_writes_the_local_number(tmp_path: Path, gateway: Gateway) -> None:
    zenziva = sender(
        tmp_path,
        "sms",
        LOKET_SMS_GATEWAY="zenziva",
        LOKET_SMS_USER="userkey1",
        LOKET_SMS_TOKEN=TOKEN,
        LOKET_SMS_URL=gateway.url + "/reguler/api/sendsms/",
    )
    gateway.answer = (
        b'{"messageId": "83131", "to": "081234567890", "status": "1", "text": "Success"}'
    )
    zenziva.send(message(recipient="6281234567890"))
    request = gateway.last
    assert (request["method"], request["path"]) == ("POST", "/reguler/api/sendsms/")
    assert "Authorization" not in request["headers"]
    assert form(request["body"]) == {
        "userkey": ["userkey1"],
        "passkey": [TOKEN],
        "to": ["081234567890"],
        "message": ["Permohonan diterima"],
    }
    gateway.answer = b'{"status": "0", "text": "Userkey / Passkey Salah"}'
    with pytest.raises(DeliveryError, match="Passkey Salah"):
        zenziva.send(message())


def test_preset_defaults(tmp_path: Path) -> None:
    config = GatewayConfig.from_settings(
        "whatsapp", settings(tmp_path, LOKET_WHATSAPP_GATEWAY="fonnte", LOKET_WHATSAPP_TOKEN="t")
    )
    assert config is not None
    assert (config.url, config.method, config.body_format) == (
        "https://api.fonnte.com/send",
        "POST",
        "form",
    )
    assert TOKEN not in repr(config) and "token='t'" not in repr(config)


# -- custom gateway -----------------------------------------------------------------------------


def test_custom_json_gateway_escapes_the_text(tmp_path: Path, gateway: Gateway) -> None:
    custom = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="custom",
        LOKET_WHATSAPP_URL=gateway.url + "/v1/messages",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_HEADERS='{"Authorization": "Bearer {token}", "X-Client": "loket"}',
        LOKET_WHATSAPP_BODY_TEMPLATE=json.dumps(
            {
                "to": "{number}",
                "type": "text",
                "text": {"body": "{text}"},
                "meta": ["{idempotency_key}", 1, True, None],
                "label": "Loket: {subject}",
            }
        ),
        LOKET_WHATSAPP_NUMBER_FORMAT="e164",
        LOKET_WHATSAPP_SUCCESS="json:messages.0.status=accepted",
    )
    gateway.answer = b'{"messages": [{"id": "wamid.1", "status": "accepted"}]}'
    custom.send(message(body=TRICKY))
    request = gateway.last
    assert request["method"] == "POST"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["X-Client"] == "loket"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request["body"]) == {
        "to": "+6281234567890",
        "type": "text",
        "text": {"body": TRICKY},
        "meta": ["case.received:abc123:whatsapp", 1, True, None],
        "label": "Loket: Permohonan DOM-2026-0001",
    }


def test_a_text_that_looks_like_a_placeholder_is_not_filled_again(
    tmp_path: Path, gateway: Gateway
) -> None:
    custom = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="custom",
        LOKET_WHATSAPP_URL=gateway.url,
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_BODY_TEMPLATE='{"to": "{number}", "text": "{text}"}',
    )
    custom.send(message(body="kode {token} dan {number}"))
    assert json.loads(gateway.last["body"])["text"] == "kode {token} dan {number}"


def test_custom_query_gateway(tmp_path: Path, gateway: Gateway) -> None:
    custom = sender(
        tmp_path,
        "sms",
        LOKET_SMS_GATEWAY="custom",
        LOKET_SMS_URL=gateway.url + "/api/send?channel=sms",
        LOKET_SMS_TOKEN=TOKEN,
        LOKET_SMS_BODY_FORMAT="query",
        LOKET_SMS_BODY_TEMPLATE='{"key": "{token}", "to": "{number}", "msg": "{text}"}',
        LOKET_SMS_NUMBER_FORMAT="local",
        LOKET_SMS_SUCCESS="text:OK",
    )
    gateway.answer = b"OK 12345"
    custom.send(message(body=TRICKY))
    request = gateway.last
    assert (request["method"], request["path"], request["body"]) == ("GET", "/api/send", b"")
    assert request["query"] == {
        "channel": ["sms"],
        "key": [TOKEN],
        "to": ["081234567890"],
        "msg": [TRICKY],
    }
    gateway.answer = b"ERR saldo habis"
    with pytest.raises(DeliveryError) as caught:
        custom.send(message())
    assert "saldo habis" in str(caught.value)
    assert TOKEN not in str(caught.value)  # the URL with the token in its query is not shown


# -- failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (401, True), (404, True), (408, False), (429, False), (500, False), (503, False)],
)
def test_http_errors(tmp_path: Path, gateway: Gateway, status: int, permanent: bool) -> None:
    fonnte = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/send",
    )
    gateway.status, gateway.answer = status, b'{"reason": "nope"}'
    with pytest.raises(DeliveryError) as caught:
        fonnte.send(message())
    assert caught.value.permanent is permanent
    assert f"HTTP {status}" in str(caught.value)
    assert "nope" in str(caught.value)


def test_a_redirect_is_not_followed(tmp_path: Path, gateway: Gateway) -> None:
    fonnte = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/send",
    )
    gateway.status = 302
    with pytest.raises(DeliveryError, match="HTTP 302") as caught:
        fonnte.send(message())
    assert not caught.value.permanent
    assert len(gateway.received) == 1


def test_a_slow_gateway_times_out(tmp_path: Path, gateway: Gateway) -> None:
    fonnte = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/send",
        LOKET_NOTIFY_TIMEOUT_SECONDS="1",
    )
    gateway.delay = 1.5
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="could not be reached") as caught:
        fonnte.send(message())
    assert time.monotonic() - started < 1.4
    assert not caught.value.permanent


def test_a_gateway_that_is_down(tmp_path: Path, gateway: Gateway) -> None:
    down = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL="http://127.0.0.1:9/send",
    )
    with pytest.raises(DeliveryError, match="could not be reached") as caught:
        down.send(message())
    assert not caught.value.permanent


def test_an_answer_that_is_not_http(tmp_path: Path, gateway: Gateway) -> None:
    fonnte = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/send",
    )
    gateway.garbage = True
    with pytest.raises(DeliveryError, match="could not be reached") as caught:
        fonnte.send(message())
    assert not caught.value.permanent


def test_a_line_break_in_a_header_setting_is_a_clear_error(
    tmp_path: Path, gateway: Gateway
) -> None:
    headers = {"X-Key": "a\r\nX-Evil: 1"}
    with pytest.raises(SettingsError, match="must not hold line breaks"):
        settings(
            tmp_path,
            LOKET_WHATSAPP_GATEWAY="fonnte",
            LOKET_WHATSAPP_TOKEN=TOKEN,
            LOKET_WHATSAPP_HEADERS=json.dumps(headers),
        )
    config = GatewayConfig.from_settings(
        "whatsapp",
        settings(
            tmp_path,
            LOKET_WHATSAPP_GATEWAY="fonnte",
            LOKET_WHATSAPP_TOKEN=TOKEN,
            LOKET_WHATSAPP_URL=gateway.url + "/send",
        ),
    )
    assert config is not None
    config = dataclasses.replace(config, headers=headers)  # as if a setting slipped through
    with pytest.raises(DeliveryError, match="LOKET_WHATSAPP_HEADERS") as caught:
        GatewaySender(config).send(message())
    assert not caught.value.permanent
    assert gateway.received == []


@pytest.mark.parametrize("recipient", ["", "12345", "+1 415 555 0100", "warga@example.org"])
def test_a_number_that_cannot_be_indonesian_is_refused_for_good(
    tmp_path: Path, gateway: Gateway, recipient: str
) -> None:
    fonnte = sender(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_URL=gateway.url + "/send",
    )
    with pytest.raises(DeliveryError) as caught:
        fonnte.send(message(recipient=recipient))
    assert caught.value.permanent
    assert gateway.received == []


@pytest.mark.parametrize(
    ("rule", "answer", "expected"),
    [
        ("status", b"anything", True),
        ("json:status=true", b'{"status": true}', True),
        ("json:status=true", b'{"status": "true"}', True),
        ("json:status=true", b'{"status": false}', False),
        ("json:status=1", b'{"status": 1}', True),
        ("json:status=1", b'{"status": "1"}', True),
        ("json:data.0.state=sent", b'{"data": [{"state": "sent"}]}', True),
        ("json:data.1.state=sent", b'{"data": [{"state": "sent"}]}', False),
        ("json:status=true", b"<html>ok</html>", False),
        ("json:a.b=c", b'{"a": "b"}', False),
        ("text:OK", b"OK: 1 sent", True),
        ("text:OK", b"FAILED", False),
    ],
)
def test_success_rules(rule: str, answer: bytes, expected: bool) -> None:
    assert is_success(rule, answer) is expected


# -- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "message_part"),
    [
        ({"LOKET_WHATSAPP_GATEWAY": "twilio"}, "LOKET_WHATSAPP_GATEWAY must be one of fonnte"),
        ({"LOKET_WHATSAPP_GATEWAY": "fonnte"}, "LOKET_WHATSAPP_TOKEN is not set"),
        (
            {"LOKET_SMS_GATEWAY": "zenziva", "LOKET_SMS_TOKEN": "x"},
            "LOKET_SMS_USER is not set",
        ),
        (
            {"LOKET_SMS_GATEWAY": "custom"},
            "LOKET_SMS_URL and LOKET_SMS_BODY_TEMPLATE are not set",
        ),
        (
            {
                "LOKET_SMS_GATEWAY": "fonnte",
                "LOKET_SMS_TOKEN": "x",
                "LOKET_SMS_URL": "ftp://sms.example/send?key=s3cret",
            },
            "LOKET_SMS_URL must be an http:// or https:// address",
        ),
        (
            {
                "LOKET_SMS_GATEWAY": "custom",
                "LOKET_SMS_URL": "https://sms.example/send",
                "LOKET_SMS_BODY_TEMPLATE": '{"to": "{number}", "text": "{pesan}"}',
            },
            "LOKET_SMS_BODY_TEMPLATE uses unknown placeholders {pesan}",
        ),
        (
            {
                "LOKET_SMS_GATEWAY": "custom",
                "LOKET_SMS_URL": "https://sms.example/send",
                "LOKET_SMS_BODY_TEMPLATE": '{"to": "{number}", ',
            },
            "it is not valid JSON",
        ),
        (
            {
                "LOKET_SMS_GATEWAY": "custom",
                "LOKET_SMS_URL": "https://sms.example/send",
                "LOKET_SMS_BODY_TEMPLATE": '["{number}"]',
            },
            "LOKET_SMS_BODY_TEMPLATE must be a JSON object",
        ),
        (
            {
                "LOKET_WHATSAPP_GATEWAY": "fonnte",
                "LOKET_WHATSAPP_TOKEN": "x",
                "LOKET_WHATSAPP_HEADERS": '{"X-Count": 3}',
            },
            "LOKET_WHATSAPP_HEADERS must be a JSON object of strings",
        ),
        (
            {
                "LOKET_WHATSAPP_GATEWAY": "fonnte",
                "LOKET_WHATSAPP_TOKEN": "x",
                "LOKET_WHATSAPP_NUMBER_FORMAT": "+62",
            },
            "LOKET_WHATSAPP_NUMBER_FORMAT must be one of e164, international, local",
        ),
        (
            {
                "LOKET_WHATSAPP_GATEWAY": "fonnte",
                "LOKET_WHATSAPP_TOKEN": "x",
                "LOKET_WHATSAPP_METHOD": "GET",
                "LOKET_WHATSAPP_BODY_FORMAT": "form",
            },
            "LOKET_WHATSAPP_METHOD GET sends no body: set LOKET_WHATSAPP_BODY_FORMAT=query",
        ),
        (
            {
                "LOKET_WHATSAPP_GATEWAY": "fonnte",
                "LOKET_WHATSAPP_TOKEN": "x",
                "LOKET_WHATSAPP_SUCCESS": "status=true",
            },
            "LOKET_WHATSAPP_SUCCESS must be status, json:<path>=<value>",
        ),
    ],
)
def test_bad_gateway_settings_stop_the_start(
    tmp_path: Path, variables: dict[str, str], message_part: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        settings(tmp_path, **variables)
    assert message_part in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_gateway_secrets_are_not_in_the_settings_repr(tmp_path: Path) -> None:
    result = settings(
        tmp_path,
        LOKET_WHATSAPP_GATEWAY="fonnte",
        LOKET_WHATSAPP_TOKEN=TOKEN,
        LOKET_WHATSAPP_HEADERS=json.dumps({"X-Api-Key": "hdr-SECRET"}),
        LOKET_SMS_GATEWAY="zenziva",
        LOKET_SMS_USER="user-SECRET",
        LOKET_SMS_TOKEN=TOKEN,
    )
    shown = repr(result)
    assert TOKEN not in shown and "hdr-SECRET" not in shown and "user-SECRET" not in shown


# -- not configured -----------------------------------------------------------------------------


def test_an_unconfigured_channel_is_skipped_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(channels, "_reported", set())
    bare = settings(tmp_path)
    with caplog.at_level(logging.INFO, logger="runtime.notify.channels"):
        assert sender_for("whatsapp", bare) is None
        assert sender_for("whatsapp", bare) is None
        assert sender_for("sms", bare) is None
        assert sender_for("webhook", bare) is not None  # endpoints live in the database
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "notify: channel whatsapp not configured (set LOKET_WHATSAPP_GATEWAY); "
        "messages are skipped",
        "notify: channel sms not configured (set LOKET_SMS_GATEWAY); messages are skipped",
    ]


def test_an_unknown_channel_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown channel 'fax'"):
        sender_for("fax", settings(tmp_path))


def test_channel_status(tmp_path: Path) -> None:
    assert channel_status(settings(tmp_path)) == {
        "email": "not configured: set LOKET_SMTP_HOST and LOKET_SMTP_SENDER",
        "whatsapp": "not configured: set LOKET_WHATSAPP_GATEWAY",
        "sms": "not configured: set LOKET_SMS_GATEWAY",
        "webhook": "configured: endpoints per agency at /admin/webhook (https only)",
    }
    configured = channel_status(
        settings(
            tmp_path,
            LOKET_WHATSAPP_GATEWAY="fonnte",
            LOKET_WHATSAPP_TOKEN=TOKEN,
            LOKET_SMS_GATEWAY="custom",
            LOKET_SMS_URL=f"https://sms.example/send?key={TOKEN}",
            LOKET_SMS_BODY_TEMPLATE='{"to": "{number}", "text": "{text}"}',
            LOKET_SMTP_HOST="smtp.example.go.id",
            LOKET_SMTP_SENDER="Layanan <layanan@example.go.id>",
            LOKET_SMTP_PASSWORD="smtp-SECRET",
        )
    )
    assert configured["whatsapp"] == "configured: gateway fonnte, https://api.fonnte.com/send"
    assert configured["sms"] == "configured: gateway custom, https://sms.example/send"
    assert configured["email"] == (
        "configured: smtp.example.go.id:587 (starttls), from Layanan <layanan@example.go.id>"
    )
    assert TOKEN not in str(configured) and "smtp-SECRET" not in str(configured)
