"""Webhooks: the documented signature recipe, the SSRF guard, delivery to a local server, events
queued in the transaction of filing and transitions, payload schemas, and the admin page.

SQLite, and PostgreSQL when LOKET_TEST_DATABASE_URL is set (the `engine` fixture).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from runtime import store
from runtime.models import (
    AdminEvent,
    Agency,
    IssuedDocument,
    OutboxMessage,
    Submission,
    WebhookEndpoint,
)
from runtime.notify import case_messages, webhooks
from runtime.notify.channels import DeliveryError, sender_for
from runtime.notify.channels.webhook import UrlRefused, WebhookSender, _lookup_in, check_url, sign
from tests.runtime.admin import conftest as admin_fixtures
from tests.runtime.admin.conftest import Site, csrf, page
from tests.runtime.notify.conftest import settings_for
from tests.runtime.office import conftest as office_fixtures
from tests.runtime.office.conftest import ANSWERS, DOMISILI, NIK, Filed, Office, csrf_of, parse
from tests.runtime.office.test_case_messages import BASE, file_through_the_form, officer_acts

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
SECRET = "whsec_test-secret"
PAGE = "/admin/webhook"

# the admin page's and the back office's fixtures (an app with services, users, cases)
site = admin_fixtures.site
cheap_hashing = admin_fixtures.cheap_hashing
office = office_fixtures.office


def schema(event: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (DOCS / "webhooks" / f"{event}.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def documented_verifier() -> Any:
    """The verification recipe exactly as docs/notifications.md shows it."""
    text = (DOCS / "notifications.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- webhook-verify-recipe -->\n```python\n(.*?)```", text, re.S)
    assert match is not None, "the recipe is missing from docs/notifications.md"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), "recipe", "exec"), namespace)
    return namespace["verify_loket_signature"]


def resolving(mapping: dict[str, str]) -> Any:
    """A getaddrinfo that answers `mapping` for names and numbers as the real one does."""
    real = socket.getaddrinfo

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host in mapping:
            family = socket.AF_INET6 if ":" in mapping[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (mapping[host], port))]
        return real(host, port, *args, **kwargs)

    return fake


# -- signature ----------------------------------------------------------------------------------


def test_the_documented_recipe_verifies_loket_signatures_within_the_replay_window() -> None:
    verify = documented_verifier()
    body = b'{"event":"case.filed","data":{"reference":"DKC-1"}}'
    header = sign(SECRET, body, 1_780_000_000)
    assert header.startswith("t=1780000000,v1=")
    assert verify(SECRET, header, body, now=1_780_000_000)
    assert verify(SECRET, header, body, now=1_780_000_000 + 300)
    assert not verify(SECRET, header, body, now=1_780_000_000 + 301)  # replayed later
    assert not verify(SECRET, header, body, now=1_780_000_000 - 301)
    assert not verify(SECRET, header, body + b" ", now=1_780_000_000)  # body changed
    assert not verify("whsec_other", header, body, now=1_780_000_000)
    assert not verify(SECRET, "v1=abc", body, now=1_780_000_000)
    assert not verify(SECRET, "garbage", body, now=1_780_000_000)


# -- SSRF guard ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://127.1.2.3/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://172.16.0.9/hook", "private"),
        ("https://192.168.1.1/hook", "private"),
        ("https://100.64.0.1/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://[fd00::1]/hook", "private"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://[::ffff:10.0.0.1]/hook", "private"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://240.0.0.1/hook", "reserved"),
        ("https://loopback.example.org/hook", "loopback"),
        ("https://metadata.example.org/hook", "link-local"),
    ],
)
def test_the_guard_refuses_addresses_that_are_not_public(
    url: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        resolving({"loopback.example.org": "127.0.0.1", "metadata.example.org": "169.254.169.254"}),
    )
    with pytest.raises(UrlRefused, match=reason):
        check_url(url, allow_http=False, allow_private=False)


def test_the_guard_refuses_a_host_with_any_private_address(monkeypatch: pytest.MonkeyPatch) -> None:
    def two(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two)
    with pytest.raises(UrlRefused, match="private"):
        check_url("https://mixed.example.org/", allow_http=False, allow_private=False)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.216.34/hook", "https"),
        ("ftp://93.184.216.34/hook", "https://"),
        ("https:///hook", "no host"),
        ("https://user:pw@93.184.216.34/hook", "user name"),
        ("https://93.184.216.34:99999/hook", "not a valid address"),
    ],
)
def test_the_guard_refuses_other_schemes_and_malformed_addresses(url: str, message: str) -> None:
    with pytest.raises(UrlRefused, match=message):
        check_url(url, allow_http=False, allow_private=False)


def test_the_guard_passes_public_addresses_and_allowed_hosts() -> None:
    target = check_url("https://93.184.216.34/a?b=1", allow_http=False, allow_private=False)
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "93.184.216.34",
        443,
        "/a?b=1",
        "93.184.216.34",
    )
    allowed = check_url("http://127.0.0.1:8080/x", allow_http=True, allow_private=True)
    assert allowed.address == "127.0.0.1" and allowed.port == 8080


# -- delivery to a local server -----------------------------------------------------------------


class Receiver:
    """A local HTTP server that records requests and answers with `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((self.path, dict(self.headers.items()), body))
                self.send_response(receiver.status)
                if 300 <= receiver.status < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def _agency(session: Session) -> None:
    if session.get(Agency, "disdukcapil") is None:
        session.add(Agency(id="disdukcapil", name="Dinas Kependudukan"))
        session.flush()


def _endpoint(engine: Engine, url: str, *, allowed: bool = True, active: bool = True) -> int:
    with Session(engine) as session:
        _agency(session)
        endpoint = WebhookEndpoint(
            agency_id="disdukcapil",
            url=url,
            events=list(webhooks.EVENTS),
            secret=SECRET,
            active=active,
            allowed_private_host=allowed,
        )
        session.add(endpoint)
        session.commit()
        assert endpoint.id is not None
        return endpoint.id


def _message(endpoint_id: int, body: str = '{"event":"case.filed"}') -> OutboxMessage:
    return OutboxMessage(
        kind="webhook.case.filed",
        channel="webhook",
        recipient="(the endpoint's)",
        body=body,
        payload={"endpoint_id": endpoint_id, "event": "case.filed"},
        idempotency_key=f"webhook:{endpoint_id}:case.filed:x",
    )


def test_an_allowed_host_gets_a_signed_delivery_at_the_checked_address(
    engine: Engine, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolving({"hooks.kota.test": "127.0.0.1"}))
    endpoint_id = _endpoint(engine, f"http://hooks.kota.test:{receiver.port}/loket?x=1")
    sender = sender_for("webhook", settings_for(engine, tmp_path, webhook_allow_http=True))
    assert isinstance(sender, WebhookSender)
    body = '{"event":"case.filed","data":{"reference":"DKC-1"}}'
    sender.send(_message(endpoint_id, body))
    ((path, headers, received),) = receiver.requests
    assert path == "/loket?x=1" and received == body.encode()
    assert headers["Host"] == f"hooks.kota.test:{receiver.port}"  # the name, not the address
    assert headers["X-Loket-Event"] == "case.filed"
    assert headers["Idempotency-Key"] == f"webhook:{endpoint_id}:case.filed:x"
    assert headers["Content-Type"].startswith("application/json")
    assert documented_verifier()(SECRET, headers["X-Loket-Signature"], received)


def test_http_needs_the_setting_and_a_private_host_the_allowance(
    engine: Engine, receiver: Receiver
) -> None:
    url = f"http://127.0.0.1:{receiver.port}/hook"
    lookup = _lookup_in(engine)
    with pytest.raises(DeliveryError, match="https") as refused:
        WebhookSender(lookup, allow_http=False).send(_message(_endpoint(engine, url)))
    assert refused.value.permanent
    with pytest.raises(DeliveryError, match="loopback") as private:
        WebhookSender(lookup, allow_http=True).send(_message(_endpoint(engine, url, allowed=False)))
    assert not private.value.permanent  # DNS may change back
    assert receiver.requests == []


def test_dns_that_changes_after_registration_is_checked_again(
    engine: Engine, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolving({"hooks.kota.test": "93.184.216.34"}))
    with Session(engine) as session:
        _agency(session)
        endpoint = webhooks.add_endpoint(
            session,
            agency_id="disdukcapil",
            url=f"http://hooks.kota.test:{receiver.port}/hook",
            events=["case.filed"],
            allowed_private_host=False,
            allow_http=True,
        )
        session.commit()
        endpoint_id = endpoint.id
    assert endpoint_id is not None
    monkeypatch.setattr(socket, "getaddrinfo", resolving({"hooks.kota.test": "127.0.0.1"}))
    with pytest.raises(DeliveryError, match="loopback"):
        WebhookSender(_lookup_in(engine), allow_http=True).send(_message(endpoint_id))
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (410, True), (408, False), (429, False), (500, False)]
)
def test_answers_other_than_2xx_fail(
    engine: Engine, receiver: Receiver, status: int, permanent: bool
) -> None:
    receiver.status = status
    endpoint_id = _endpoint(engine, f"http://127.0.0.1:{receiver.port}/hook")
    with pytest.raises(DeliveryError, match=str(status)) as failed:
        WebhookSender(_lookup_in(engine), allow_http=True).send(_message(endpoint_id))
    assert failed.value.permanent is permanent


def test_redirects_are_not_followed(engine: Engine, receiver: Receiver) -> None:
    receiver.status = 302
    endpoint_id = _endpoint(engine, f"http://127.0.0.1:{receiver.port}/hook")
    with pytest.raises(DeliveryError, match="redirects are not followed") as failed:
        WebhookSender(_lookup_in(engine), allow_http=True).send(_message(endpoint_id))
    assert not failed.value.permanent and len(receiver.requests) == 1


def test_a_disabled_or_missing_endpoint_fails_permanently(
    engine: Engine, receiver: Receiver
) -> None:
    sender = WebhookSender(_lookup_in(engine), allow_http=True)
    disabled = _endpoint(engine, f"http://127.0.0.1:{receiver.port}/hook", active=False)
    for endpoint_id, reason in ((disabled, "disabled"), (999_999, "no longer exists")):
        with pytest.raises(DeliveryError, match=reason) as failed:
            sender.send(_message(endpoint_id))
        assert failed.value.permanent
    assert receiver.requests == []


# -- events queued with the change --------------------------------------------------------------


def _subscribe(office: Office, events: list[str], agency: str = "disdukcapil") -> int:
    with office.session() as session:
        endpoint = WebhookEndpoint(
            agency_id=agency,
            url="https://hooks.kota.test/loket",
            events=events,
            secret=SECRET,
        )
        session.add(endpoint)
        session.commit()
        assert endpoint.id is not None
        return endpoint.id


def _webhooks(office: Office) -> list[OutboxMessage]:
    with office.session() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.channel == "webhook")
                .order_by(OutboxMessage.id)  # type: ignore[arg-type]
            ).all()
        )


def _no_personal_data(body: str) -> None:
    assert NIK not in body
    for value in ANSWERS.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in body


def test_filing_and_transitions_queue_events_that_match_the_schemas(office: Office) -> None:
    endpoint_id = _subscribe(office, ["case.filed", "case.state_changed"])
    _subscribe(office, ["case.filed"], agency="dinsos")  # another agency's: nothing
    _, link = file_through_the_form(office, consent="ya")
    (filed,) = _webhooks(office)
    body = json.loads(filed.body)
    jsonschema.validate(body, schema("case.filed"))
    reference = link.split("/")[2]
    assert body["data"]["reference"] == reference and body["agency"] == "disdukcapil"
    assert filed.recipient == "https://hooks.kota.test/loket"
    assert filed.payload == {"endpoint_id": endpoint_id, "event": "case.filed"}
    assert filed.idempotency_key.startswith(f"webhook:{endpoint_id}:case.filed:")
    _no_personal_data(filed.body)

    case_id = filed.submission_id
    assert case_id is not None
    with office.session() as session:
        case = session.get(Submission, case_id)
        assert case is not None
        secret = link.split("/")[3]
    officer_acts(office, "petugas.uji", Filed(case_id, reference, secret), "verifikasi", "rahasia")
    changed = [m for m in _webhooks(office) if m.kind == "webhook.case.state_changed"]
    (message,) = changed
    data = json.loads(message.body)
    jsonschema.validate(data, schema("case.state_changed"))
    assert data["data"]["action"] == "verifikasi" and data["data"]["from_state"] == "diajukan"
    assert data["data"]["state"] == office.case(case_id).state
    assert "rahasia" not in message.body  # officers' comments are not sent
    _no_personal_data(message.body)


def test_a_filing_that_rolls_back_queues_no_webhook(office: Office) -> None:
    _subscribe(office, ["case.filed"])
    with office.session() as session:
        version = store.current_version(session, "disdukcapil", "surat-keterangan-domisili")
        assert version is not None and version.id is not None
        case, secret = store.file_case(
            session,
            service_version_id=version.id,
            service_id=version.service_id,
            agency_id="disdukcapil",
            answers=dict(ANSWERS),
            initial_state="diajukan",
            due_at=None,
            secret_key=office.settings.secret_key,
        )
        links = case_messages.Links(BASE, office.settings.secret_key)
        case_messages.case_filed(session, links, case, office.definitions[DOMISILI], secret)
        assert session.exec(select(OutboxMessage)).all() != []  # queued in the transaction
        session.rollback()
    assert _webhooks(office) == [] and office.case_ids() == []


def test_a_refused_transition_queues_no_webhook(office: Office) -> None:
    _subscribe(office, ["case.state_changed"])
    file_through_the_form(office, consent=None)
    (case_id,) = office.case_ids()
    client = office.login("petugas.uji")
    token = csrf_of(parse(client.get(f"/kantor/kasus/{case_id}")))
    stale = office.case(case_id).row_version - 1  # someone else acted meanwhile
    client.post(
        f"/kantor/kasus/{case_id}/aksi",
        data={"csrf_token": token, "action": "verifikasi", "comment": "", "row_version": stale},
    )
    assert _webhooks(office) == []


def test_inactive_or_unsubscribed_endpoints_get_nothing(office: Office) -> None:
    _subscribe(office, ["document.issued"])
    with office.session() as session:
        session.add(
            WebhookEndpoint(
                agency_id="disdukcapil",
                url="https://off.kota.test/",
                events=["case.filed"],
                secret=SECRET,
                active=False,
            )
        )
        session.commit()
    file_through_the_form(office, consent=None)
    assert _webhooks(office) == []


def test_document_issued_matches_its_schema(office: Office) -> None:
    endpoint_id = _subscribe(office, ["document.issued"])
    file_through_the_form(office, consent=None)
    (case_id,) = office.case_ids()
    with office.session() as session:
        case = session.get(Submission, case_id)
        assert case is not None
        document = IssuedDocument(
            submission_id=case_id,
            agency_id="disdukcapil",
            doc_type="surat_domisili",
            title="Surat Keterangan Domisili",
            number="470/0001/DKC/2026",
            year=2026,
            seq=1,
            issued_at=dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC),
            holder_name="Siti Rahmawati",
            sha256="0" * 64,
            size=1,
            storage_name="x.pdf",
            verify_code="code",
        )
        queued = webhooks.document_issued(
            session, case, document, verification_url="https://loket.test/verifikasi/code"
        )
        assert queued == 1
        session.commit()
    (message,) = _webhooks(office)
    body = json.loads(message.body)
    jsonschema.validate(body, schema("document.issued"))
    assert body["data"]["document_number"] == "470/0001/DKC/2026"
    assert "Siti" not in message.body
    assert message.idempotency_key.startswith(f"webhook:{endpoint_id}:document.issued:")


def test_the_schemas_are_valid_2020_12_schemas() -> None:
    for event in webhooks.EVENTS:
        jsonschema.Draft202012Validator.check_schema(schema(event))


# -- admin page ---------------------------------------------------------------------------------


def _add(site: Site, client: Any, **data: Any) -> Any:
    token = csrf(page(client.get(PAGE)))
    fields = {
        "csrf_token": token,
        "agency": "disdukcapil",
        "url": "https://93.184.216.34/loket",
        "events": ["case.filed", "case.state_changed"],
    } | data
    return client.post(PAGE, data=fields)


def test_admin_adds_lists_disables_and_sees_history(site: Site) -> None:
    admin = site.login("admin")
    response = _add(site, admin)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    secret_input = page(response).css_first("#webhook-secret")
    assert secret_input is not None
    secret = secret_input.attributes["value"] or ""
    assert secret.startswith("whsec_") and len(secret) > 40
    with site.session() as session:
        (endpoint,) = session.exec(select(WebhookEndpoint)).all()
        assert endpoint.secret == secret and endpoint.events == ["case.filed", "case.state_changed"]
        assert endpoint.active and not endpoint.allowed_private_host
        endpoint_id = endpoint.id
    listed = admin.get(PAGE)
    assert secret not in listed.text  # shown once
    row = page(listed).css_first(f'tr[data-webhook="{endpoint_id}"]')
    assert row is not None and "https://93.184.216.34/loket" in row.text()
    assert page(listed).css_first(f'nav a[href="{PAGE}"]') is not None

    with site.session() as session:
        for status, error in (("sent", None), ("failed", "answered 500")):
            session.add(
                OutboxMessage(
                    kind="webhook.case.filed",
                    channel="webhook",
                    recipient="https://93.184.216.34/loket",
                    body="{}",
                    payload={"endpoint_id": endpoint_id, "event": "case.filed"},
                    idempotency_key=f"webhook:{endpoint_id}:case.filed:{status}",
                    status=status,
                    attempts=3,
                    last_error=error,
                )
            )
        session.add(  # another endpoint's delivery is not in this history
            OutboxMessage(
                kind="webhook.case.filed",
                channel="webhook",
                recipient="https://x.test/",
                body="{}",
                idempotency_key=f"webhook:{endpoint_id}0:case.filed:z",
            )
        )
        session.commit()
    history = admin.get(f"{PAGE}/{endpoint_id}")
    assert history.status_code == 200
    rows = page(history).css("tr[data-delivery]")
    assert len(rows) == 2 and "answered 500" in history.text

    token = csrf(page(listed))
    done = admin.post(f"{PAGE}/{endpoint_id}/nonaktifkan", data={"csrf_token": token})
    assert (done.status_code, done.headers["location"]) == (303, f"{PAGE}?selesai=disabled")
    with site.session() as session:
        stored = session.get(WebhookEndpoint, endpoint_id)
        assert stored is not None and not stored.active
        actions = [e.action for e in session.exec(select(AdminEvent)).all()]
        assert actions == ["webhook.add", "webhook.disable"]
        assert all(secret not in json.dumps(e.details) for e in session.exec(select(AdminEvent)))


def test_admin_registration_is_guarded(site: Site) -> None:
    admin = site.login("admin")
    for url, reason in (
        ("https://127.0.0.1/hook", "loopback"),
        ("https://169.254.169.254/", "link-local"),
        ("http://93.184.216.34/hook", "https"),
        ("javascript:alert(1)", "https://"),
    ):
        refused = _add(site, admin, url=url)
        assert refused.status_code == 422 and reason in refused.text
    assert _add(site, admin, events=[]).status_code == 422
    assert _add(site, admin, events=["case.deleted"]).status_code == 422
    assert _add(site, admin, agency="nowhere").status_code == 422
    allowed = _add(site, admin, url="https://127.0.0.1/hook", allowed_private_host="1")
    assert allowed.status_code == 200
    with site.session() as session:
        (endpoint,) = session.exec(select(WebhookEndpoint)).all()
        assert endpoint.allowed_private_host


def test_admin_page_needs_csrf_and_an_admin(site: Site) -> None:
    admin = site.login("admin")
    forged = admin.post(
        PAGE,
        data={"csrf_token": "forged", "agency": "disdukcapil", "url": "https://93.184.216.34/"},
    )
    assert forged.status_code == 403
    officer = site.login("petugas.dukcapil")
    assert officer.get(PAGE).status_code == 403
    token = csrf(page(officer.get("/kantor")))
    posted = officer.post(
        PAGE,
        data={
            "csrf_token": token,
            "agency": "disdukcapil",
            "url": "https://93.184.216.34/",
            "events": ["case.filed"],
        },
    )
    assert posted.status_code == 403
    assert site.client().get(PAGE).status_code in (303, 401, 403)
    with site.session() as session:
        assert session.exec(select(WebhookEndpoint)).all() == []
    token = csrf(page(admin.get(PAGE)))
    assert admin.post(f"{PAGE}/999999/nonaktifkan", data={"csrf_token": token}).status_code == 404
    assert admin.get(f"{PAGE}/999999").status_code == 404


def test_http_for_webhooks_is_off_unless_the_setting_says_so(tmp_path: Path) -> None:
    from runtime.settings import Settings, SettingsError

    base = {"LOKET_SECRET_KEY": "k" * 40, "LOKET_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).webhook_allow_http is False
    assert Settings.from_env(base | {"LOKET_WEBHOOK_ALLOW_HTTP": "1"}).webhook_allow_http is True
    with pytest.raises(SettingsError, match="LOKET_WEBHOOK_ALLOW_HTTP"):
        Settings.from_env(base | {"LOKET_WEBHOOK_ALLOW_HTTP": "maybe"})
