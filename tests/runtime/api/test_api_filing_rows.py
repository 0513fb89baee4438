"""The rows a filing writes with Core inserts: the same as the ORM wrote, and all or nothing.

`store.file_case_event` writes the case and its filing event with prebuilt Core INSERTs; the
API then queues the 'received' message and the ``case.filed`` webhook in the same transaction.
SQLite, and PostgreSQL when LOKET_TEST_DATABASE_URL is set (the `engine` fixture).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, column, func, select, table
from sqlmodel import Session

from runtime import store
from runtime.models import CaseEvent, FormDraft, OutboxMessage, Submission, WebhookEndpoint
from runtime.observability import SUBMISSIONS
from runtime.references import hash_secret, new_reference, status_secret
from runtime.routes import api as api_module
from tests.runtime.api.conftest import AGENCY, SECRET_KEY, VALID, Api, publish, variant

_CASES = Submission.__table__  # type: ignore[attr-defined]
_EVENTS = CaseEvent.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
_DRAFTS = FormDraft.__table__  # type: ignore[attr-defined]
_PER_CASE = {"id", "reference", "secret_hash"}  # drawn for each case
CONTACT_SLUG = "layanan-kontak"
CONTACT = {**VALID, "surel": "budi@example.org"}


def _rows(engine: Engine, tab: Any, **where: Any) -> list[dict[str, Any]]:
    query = select(tab)
    for name, value in where.items():
        query = query.where(tab.c[name] == value)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query.order_by(tab.c.id))]


def _count(engine: Engine, tab: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(tab)).scalar_one())


def _orm_filing(session: Session, live: Any, now: dt.datetime) -> tuple[str, int]:
    """A case and its event written the way the store wrote them before (ORM rows, flushed)."""
    case = Submission(
        reference=new_reference(),
        secret_hash=hash_secret("secret"),
        service_version_id=live["version"],
        agency_id=AGENCY,
        service_id=live["service"],
        answers=dict(VALID),
        state="diajukan",
        state_entered_at=now,
        due_at=now + dt.timedelta(days=2),
        created_at=now,
        updated_at=now,
        filed_by_user_id=None,
        language="en",
    )
    session.add(case)
    session.flush()
    event = CaseEvent(
        submission_id=case.id,
        at=now,
        actor_kind="applicant",
        action=store.SUBMIT_ACTION,
        to_state="diajukan",
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    return case.id, event.id


def _live(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        from runtime import catalog

        found = catalog.live_service(session, AGENCY, "layanan-uji")
        assert found is not None
        return {"version": found.version.id, "service": found.service_id}


def test_the_core_filing_writes_the_rows_the_orm_wrote(api: Api) -> None:
    live = _live(api.engine)
    now = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
    with Session(api.engine) as session:
        old_case, old_event = _orm_filing(session, live, now)
        case, secret, event_id = store.file_case_event(
            session,
            service_version_id=live["version"],
            service_id=live["service"],
            agency_id=AGENCY,
            answers=dict(VALID),
            initial_state="diajukan",
            due_at=now + dt.timedelta(days=2),
            check_reference=False,
            secret_key=SECRET_KEY,
            language="en",
            now=now,
            attach=False,
        )
        session.commit()
    assert secret == status_secret(SECRET_KEY, case.id)
    [old] = _rows(api.engine, _CASES, id=old_case)
    [new] = _rows(api.engine, _CASES, id=case.id)
    assert {k: v for k, v in new.items() if k not in _PER_CASE} == {
        k: v for k, v in old.items() if k not in _PER_CASE
    }
    assert new["secret_hash"] == hash_secret(secret) and new["reference"] == case.reference
    [old_row] = _rows(api.engine, _EVENTS, id=old_event)
    [new_row] = _rows(api.engine, _EVENTS, id=event_id)
    assert new_row.pop("submission_id") == case.id and new_row.pop("id") == event_id
    old_row.pop("submission_id"), old_row.pop("id")
    assert new_row == old_row
    # the case handed back (detached) holds what the row holds
    assert {k: getattr(case, k) for k in new} == new


def test_an_attached_case_is_in_the_session_without_a_query(api: Api) -> None:
    live = _live(api.engine)
    with Session(api.engine) as session:
        case, _, _ = store.file_case_event(
            session,
            service_version_id=live["version"],
            service_id=live["service"],
            agency_id=AGENCY,
            answers=dict(VALID),
            initial_state="diajukan",
            due_at=None,
        )
        assert case in session and case not in session.new
        assert session.get(Submission, case.id) is case
        case.state = "selesai"  # a caller may go on changing it
        case_id = case.id
        session.commit()
    [row] = _rows(api.engine, _CASES, id=case_id)
    assert row["state"] == "selesai"


@pytest.fixture
def contact_api(make_api: Callable[..., Api]) -> tuple[Api, int]:
    """An app whose contact service sends the 'received' e-mail, with a webhook endpoint of
    the agency subscribed to ``case.filed``."""
    api = make_api(raise_server_exceptions=False)
    definition = variant(CONTACT_SLUG)
    fields = definition["form"]["pages"][0]["fields"]
    fields.append({"key": "surel", "type": "email", "label": "Surel"})
    definition["notifications"] = {"email": "surel", "consent": "setuju"}
    publish(api.engine, definition)
    with Session(api.engine) as session:
        endpoint = WebhookEndpoint(
            agency_id=AGENCY,
            url="https://hooks.example.org/loket",
            events=["case.filed"],
            secret="whsec_test",
        )
        session.add(endpoint)
        session.commit()
        assert endpoint.id is not None
        return api, endpoint.id


def _submit(api: Api, key: str | None = None) -> Any:
    url = f"/api/v1/services/{AGENCY}/{CONTACT_SLUG}/submissions"
    headers = {"Accept-Language": "en"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.client.post(url, json=CONTACT, headers=headers)


def test_a_filing_writes_its_case_event_message_and_webhook(contact_api: tuple[Api, int]) -> None:
    api, endpoint_id = contact_api
    before = SUBMISSIONS.labels(AGENCY)._value.get()
    response = _submit(api)
    assert response.status_code == 201, response.text
    body = response.json()
    [case] = _rows(api.engine, _CASES)
    assert case["reference"] == body["reference"] and case["language"] == "en"
    assert case["secret_hash"] == hash_secret(body["secret"])
    assert case["answers"] == CONTACT and case["state"] == "diajukan"
    [event] = _rows(api.engine, _EVENTS)
    assert event["submission_id"] == case["id"]
    assert (event["action"], event["actor_kind"], event["to_state"]) == (
        "submit",
        "applicant",
        "diajukan",
    )
    messages = {row["channel"]: row for row in _rows(api.engine, _OUTBOX)}
    assert sorted(messages) == ["email", "webhook"]
    email, hook = messages["email"], messages["webhook"]
    assert email["recipient"] == "budi@example.org" and email["kind"] == "case.received"
    assert email["idempotency_key"] == f"case:{case['id']}:received:{event['id']}:email"
    assert body["reference"] in email["body"] and email["submission_id"] == case["id"]
    assert hook["idempotency_key"] == (
        f"webhook:{endpoint_id}:case.filed:{case['id']}:{event['id']}"
    )
    assert hook["recipient"] == "https://hooks.example.org/loket"
    assert hook["payload"] == {"endpoint_id": endpoint_id, "event": "case.filed"}
    assert SUBMISSIONS.labels(AGENCY)._value.get() == before + 1


def test_a_keyed_filing_keeps_a_filed_draft_for_its_retries(contact_api: tuple[Api, int]) -> None:
    api, _ = contact_api
    response = _submit(api, "kunci-baris-0001")
    assert response.status_code == 201, response.text
    [case] = _rows(api.engine, _CASES)
    [draft] = _rows(api.engine, _DRAFTS)
    assert draft["id"].startswith("api-") and draft["submission_id"] == case["id"]
    assert draft["answers"] == case["answers"] == CONTACT
    assert draft["service_version_id"] == case["service_version_id"]
    assert draft["created_at"] == draft["updated_at"] == case["created_at"]
    assert draft["expires_at"] > case["created_at"] and draft["editing_submission_id"] is None
    assert len(_rows(api.engine, _EVENTS)) == 1 and len(_rows(api.engine, _OUTBOX)) == 2
    again = _submit(api, "kunci-baris-0001")
    assert again.json() == response.json() and again.headers["idempotent-replayed"] == "true"
    assert [_count(api.engine, t) for t in (_CASES, _EVENTS, _OUTBOX, _DRAFTS)] == [1, 1, 2, 1]


def _nothing_written(api: Api) -> None:
    tables = (_CASES, _EVENTS, _OUTBOX, _DRAFTS)
    assert [_count(api.engine, t) for t in tables] == [0, 0, 0, 0]


@pytest.mark.parametrize("key", [None, "kunci-gagal-0001"])
def test_a_failing_event_insert_leaves_no_case(
    contact_api: tuple[Api, int], monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    """The case row is written, then the event's insert fails: the case goes with it."""
    api, _ = contact_api
    before = SUBMISSIONS.labels(AGENCY)._value.get()
    missing = table("no_such_table", column("id"))
    monkeypatch.setattr(store, "_EVENT_INSERT", missing.insert().returning(missing.c.id))
    response = _submit(api, key)
    assert response.status_code == 500
    assert "reference" not in response.text
    monkeypatch.undo()
    _nothing_written(api)
    assert SUBMISSIONS.labels(AGENCY)._value.get() == before
    assert _submit(api, key).status_code == 201  # and the next filing is whole


@pytest.mark.parametrize("key", [None, "kunci-gagal-0002"])
def test_a_failure_after_the_messages_are_queued_leaves_nothing(
    contact_api: tuple[Api, int], monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    """Case, event, message and webhook rows are written, then the filing fails before its
    commit: none of them stays."""
    api, _ = contact_api
    queued: list[int] = []
    real = api_module.case_messages.case_filed

    def queue_then_fail(*args: Any, **kwargs: Any) -> int:
        queued.append(real(*args, **kwargs))
        raise RuntimeError("the process stops here")

    monkeypatch.setattr(api_module.case_messages, "case_filed", queue_then_fail)
    response = _submit(api, key)
    monkeypatch.undo()
    assert queued == [1]  # the e-mail was queued (and the webhook) before the failure
    assert response.status_code == 500
    _nothing_written(api)


def test_a_submission_takes_one_hand_off_to_the_thread_pool(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filed or refused, the session is closed in the thread that used it: closing it later
    (a round trip on PostgreSQL) needs no second hand-off."""
    from runtime import deps

    later: list[str] = []
    real = deps.run_in_threadpool

    async def counted(func: Callable[..., Any], *args: Any) -> Any:
        later.append(getattr(func, "__name__", "?"))
        return await real(func, *args)

    monkeypatch.setattr(deps, "run_in_threadpool", counted)
    assert api.submit(VALID).status_code == 201
    assert api.submit({**VALID, "umur": 3}).status_code == 422
    assert (
        api.client.post(f"/api/v1/services/{AGENCY}/tidak-ada/submissions", json=VALID).status_code
        == 404
    )
    assert later == []
