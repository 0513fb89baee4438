"""RemoteSigner against a local stand-in for a BSrE-like signing service (not the real one).

The stand-in runs in a thread on 127.0.0.1, checks HTTP Basic credentials, the signer id and
passphrase as the modelled API does, signs with a development certificate and answers
``{"file": [<signed PDF, base64>]}``; its other modes answer the failures a real service can.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from runtime.documents.pdf import render_pdf
from runtime.documents.signing import (
    LocalSigner,
    RemoteSigner,
    SigningError,
    check_signature,
    create_development_certificate,
)
from tests.runtime.documents.samples import sample_document

USER, PASSWORD = "loket-client", "rahasia-klien"
NIK, PASSPHRASE = "1871010101900001", "passphrase-penandatangan"


@dataclass
class StandIn:
    """State of the stand-in service: how it answers and what it received."""

    signer: LocalSigner
    mode: str = "ok"
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, status: int, body: object) -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.received.append({"path": self.path, "auth": self.headers["Authorization"]})
            state.received[-1].update(payload)
            expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            if self.path != "/api/v2/sign/pdf":
                return self._answer(404, {"error": "Not Found"})
            if self.headers["Authorization"] != expected:
                return self._answer(401, {"error": "Unauthorized"})
            if state.mode == "crash":
                return self._answer(500, b"Internal Server Error")
            if payload.get("nik") != NIK or payload.get("passphrase") != PASSPHRASE:
                return self._answer(400, {"status_code": 2031, "error": "Passphrase anda salah"})
            pdf = base64.b64decode(payload["file"][0])
            props = payload["signatureProperties"][0]
            signed = state.signer.sign(pdf, reason=props["reason"], location=props["location"])
            if state.mode == "altered":
                signed = render_pdf(sample_document(logo=False))
            if state.mode == "no-file":
                return self._answer(200, {"message": "ok"})
            return self._answer(200, {"file": [base64.b64encode(signed).decode()]})

    return Handler


@pytest.fixture(scope="module")
def dev_signer() -> LocalSigner:
    return LocalSigner(create_development_certificate("BSrE stand-in", "x"), "x")


@pytest.fixture
def stand_in(dev_signer: LocalSigner) -> Iterator[StandIn]:
    state = StandIn(signer=dev_signer)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _remote(url: str, **overrides: Any) -> RemoteSigner:
    values: dict[str, Any] = {
        "signer_id": NIK,
        "passphrase": PASSPHRASE,
        "username": USER,
        "password": PASSWORD,
        "timeout": 5.0,
    }
    values.update(overrides)
    return RemoteSigner(url, **values)


def test_remote_signer_returns_a_signed_pdf_that_validates(
    stand_in: StandIn, dev_signer: LocalSigner
) -> None:
    pdf = render_pdf(sample_document())
    signed = _remote(stand_in.url).sign(pdf, reason="Surat Domisili", location="Bandar Lampung")
    assert signed.startswith(pdf)
    assert check_signature(signed, [dev_signer.certificate_der]).ok
    request = stand_in.received[-1]
    assert request["path"] == "/api/v2/sign/pdf"
    assert request["nik"] == NIK
    assert request["signatureProperties"] == [
        {"tampilan": "INVISIBLE", "reason": "Surat Domisili", "location": "Bandar Lampung"}
    ]
    assert base64.b64decode(request["file"][0]) == pdf


def test_an_email_signer_id_is_sent_as_email(stand_in: StandIn) -> None:
    with pytest.raises(SigningError):
        _remote(stand_in.url, signer_id="kadis@bandarlampungkota.go.id").sign(
            render_pdf(sample_document()), reason="", location=""
        )
    assert stand_in.received[-1]["email"] == "kadis@bandarlampungkota.go.id"
    assert "nik" not in stand_in.received[-1]


def test_wrong_passphrase_gives_the_services_message(stand_in: StandIn) -> None:
    with pytest.raises(SigningError, match=r"HTTP 400\): Passphrase anda salah") as caught:
        _remote(stand_in.url, passphrase="salah").sign(b"%PDF-1.4 x", reason="", location="")
    assert "salah" not in str(caught.value).replace("Passphrase anda salah", "")


def test_wrong_credentials_are_refused_clearly(stand_in: StandIn) -> None:
    with pytest.raises(SigningError, match=r"refused the document \(HTTP 401\): Unauthorized"):
        _remote(stand_in.url, password="bukan").sign(b"%PDF-1.4 x", reason="", location="")


def test_a_failing_server_gives_a_clear_error(stand_in: StandIn) -> None:
    stand_in.mode = "crash"
    with pytest.raises(SigningError, match=r"HTTP 500\): Internal Server Error"):
        _remote(stand_in.url).sign(b"%PDF-1.4 x", reason="", location="")


def test_an_answer_without_a_file_is_refused(stand_in: StandIn) -> None:
    stand_in.mode = "no-file"
    with pytest.raises(SigningError, match="without a signed PDF"):
        _remote(stand_in.url).sign(render_pdf(sample_document()), reason="", location="")


def test_a_changed_document_is_refused(stand_in: StandIn) -> None:
    stand_in.mode = "altered"
    with pytest.raises(SigningError, match="different document"):
        _remote(stand_in.url).sign(render_pdf(sample_document()), reason="", location="")


def test_an_unreachable_service_gives_a_clear_error() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SigningError, match="could not be reached"):
        _remote(f"http://127.0.0.1:{port}").sign(b"%PDF-1.4 x", reason="", location="")


def test_a_bad_address_or_missing_signer_is_refused_at_once() -> None:
    with pytest.raises(SigningError, match="http"):
        RemoteSigner("file:///etc/passwd", signer_id=NIK, passphrase="x")
    with pytest.raises(SigningError, match="signer's id"):
        RemoteSigner("https://tte.example.go.id", signer_id="", passphrase="x")
