"""Filing a case through the JSON API: validation, bad bodies, commit order and retries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from runtime.models import CaseEvent, FormDraft, Submission
from runtime.routes import api as api_module
from runtime.routes.api import MAX_BODY_BYTES, MAX_DEPTH, PREFIX
from tests.runtime.api.conftest import AGENCY, BASE, VALID, Api, publish, retire, variant

URL = f"{BASE}/submissions"


def counts(api: Api) -> tuple[int, int]:
    """(submissions, drafts) in the database."""
    with Session(api.engine) as session:
        cases = session.exec(select(func.count()).select_from(Submission)).one()
        drafts = session.exec(select(func.count()).select_from(FormDraft)).one()
    return cases, drafts


def stored(api: Api, reference: str) -> Submission:
    """The case with this reference, read through a new session."""
    with Session(api.engine) as session:
        return session.exec(select(Submission).where(Submission.reference == reference)).one()


# -- success ---------------------------------------------------------------------------------


def test_submission_is_committed_before_the_reply(api: Api) -> None:
    response = api.submit(VALID)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"reference", "status_url", "status_page_url", "secret", "language"}
    assert body["language"] == "id"  # no Accept-Language: Indonesian
    assert body["status_url"] == f"{PREFIX}/status/{body['reference']}"
    assert body["status_page_url"] == f"/status/{body['reference']}/{body['secret']}"
    assert response.headers["location"] == body["status_url"]
    case = stored(api, body["reference"])  # a fresh session sees it: it was committed
    assert case.state == "diajukan"
    assert case.agency_id == AGENCY
    assert case.due_at is not None
    with Session(api.engine) as session:
        drafts = session.exec(select(FormDraft).where(FormDraft.submission_id == case.id)).all()
        events = session.exec(select(CaseEvent).where(CaseEvent.submission_id == case.id)).all()
    assert drafts == []  # without an Idempotency-Key the case is filed directly, no draft
    assert [(e.action, e.actor_kind, e.to_state) for e in events] == [
        ("submit", "applicant", "diajukan")
    ]


def test_no_reply_when_the_commit_fails(
    make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    api = make_api(raise_server_exceptions=False)

    def failing_commit(self: Session) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Session, "commit", failing_commit)
    response = api.submit(VALID)
    monkeypatch.undo()
    assert response.status_code == 500
    assert "reference" not in response.text
    assert counts(api) == (0, 0)


def test_stored_answers_are_the_pruned_answers(api: Api) -> None:
    sent = {
        "nama": "Budi Santoso",
        "umur": 30,
        "status_kawin": "belum_kawin",
        "nama_pasangan": "Siti",  # hidden: status_kawin is not "kawin"
        "anggota": [{"nama_anggota": "Ani", "umur_anggota": 5}, {"nama_anggota": "Joko"}],
        "ktp": None,
        "setuju": True,
    }
    response = api.submit(sent)
    assert response.status_code == 201, response.text
    answers = stored(api, response.json()["reference"]).answers
    assert answers == api.compiled.prune(sent)
    assert "nama_pasangan" not in answers
    assert "ktp" not in answers
    assert answers["anggota"] == sent["anggota"]


def test_conditional_field_is_required_when_shown(api: Api) -> None:
    response = api.submit({**VALID, "status_kawin": "kawin"})
    assert response.status_code == 422
    assert [(e["pointer"], e["rule"]) for e in response.json()["errors"]] == [
        ("/nama_pasangan", "required")
    ]
    response = api.submit({**VALID, "status_kawin": "kawin", "nama_pasangan": "Siti"})
    assert response.status_code == 201
    assert stored(api, response.json()["reference"]).answers["nama_pasangan"] == "Siti"


# -- answers that are refused ----------------------------------------------------------------


def test_invalid_answers_give_a_problem_list_and_write_nothing(api: Api) -> None:
    response = api.submit({"nama": "x" * 51, "umur": 12, "status_kawin": "cerai"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_answers"
    problems = {(e["pointer"], e["key"], e["rule"]) for e in body["errors"]}
    assert problems == {
        ("/nama", "nama", "max_length"),
        ("/umur", "umur", "min"),
        ("/status_kawin", "status_kawin", "invalid"),
        ("/setuju", "setuju", "required"),
    }
    for error in body["errors"]:
        assert set(error["message"]) == {"id", "en"}
        assert error["message"]["id"] and error["message"]["en"]
    assert counts(api) == (0, 0)


def test_wrong_types_are_answer_errors(api: Api) -> None:
    response = api.submit({**VALID, "nama": 5, "umur": "tiga puluh", "anggota": "Ani"})
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} >= {"/nama", "/umur"}
    assert counts(api) == (0, 0)


def test_unknown_keys_are_refused(api: Api) -> None:
    response = api.submit(
        {**VALID, "hobi": "membaca", "anggota": [{"nama_anggota": "Ani", "x": 1}]}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "unknown_fields"
    assert [(e["pointer"], e["key"], e["rule"]) for e in body["errors"]] == [
        ("/hobi", "hobi", "unknown"),
        ("/anggota/0/x", "anggota", "unknown"),
    ]
    assert counts(api) == (0, 0)


def test_file_data_is_not_an_upload_id(api: Api) -> None:
    upload = {"id": "a" * 22, "name": "ktp.pdf", "size": 10, "content_type": "application/pdf"}
    response = api.submit({**VALID, "ktp": upload})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_uploads"
    assert [(e["pointer"], e["rule"]) for e in body["errors"]] == [("/ktp", "upload_id")]
    assert "upload id" in body["errors"][0]["message"]["en"]
    assert counts(api) == (0, 0)


def test_a_required_file_must_be_answered(api: Api) -> None:
    publish(api.engine, variant("dengan-berkas", required_file=True))
    response = api.client.post(f"{PREFIX}/services/{AGENCY}/dengan-berkas/submissions", json=VALID)
    assert response.status_code == 422
    assert [(e["pointer"], e["rule"]) for e in response.json()["errors"]] == [("/ktp", "required")]


def test_retired_service_is_gone(api: Api) -> None:
    retire(api.engine, AGENCY, "layanan-uji")
    response = api.submit(VALID)
    assert response.status_code == 410
    assert response.json()["error"] == "service_retired"
    assert counts(api) == (0, 0)


# -- bodies that are refused -----------------------------------------------------------------


def post_raw(api: Api, body: bytes, content_type: str | None = "application/json") -> Any:
    """POST raw bytes to the test service."""
    headers = {"Content-Type": content_type} if content_type else {}
    return api.client.post(URL, content=body, headers=headers)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"", 400, "invalid_json"),
        (b"{", 400, "invalid_json"),
        (b'{"nama": "Budi",}', 400, "invalid_json"),
        (b'{"nama": "a", "nama": "b"}', 400, "invalid_json"),
        (b'{"umur": NaN}', 400, "invalid_json"),
        (b'{"umur": Infinity}', 400, "invalid_json"),
        (b'{"umur": 1' + b"0" * 5000 + b"}", 400, "invalid_json"),
        (b'{"nama": "\xff\xfe"}', 400, "invalid_encoding"),
        (b"\xef\xbb\xbf{}", 400, "invalid_json"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), 400, "too_deep"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "too_deep"),
        (b'{"a":' * 40_000 + b"1" + b"}" * 40_000, 400, "too_deep"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, 413, "too_large"),
        (b"[]", 422, "not_an_object"),
        (b'"nama"', 422, "not_an_object"),
        (b"null", 422, "not_an_object"),
        (b"17", 422, "not_an_object"),
    ],
)
def test_bad_bodies_get_json_errors(api: Api, body: bytes, status: int, code: str) -> None:
    response = post_raw(api, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == code
    assert counts(api) == (0, 0)


@pytest.mark.parametrize(
    ("escaped", "status"),
    [(r"a\u0000b", 201), (r"emoji \ud83d\ude00", 201), (r"\ud800x", 400), (r"x\uDFFF", 400)],
)
def test_unicode_escapes_are_kept_unless_they_cannot_be_utf8(
    api: Api, escaped: str, status: int
) -> None:
    body = '{"nama": "' + escaped + '", "status_kawin": "belum_kawin", "setuju": true}'
    response = post_raw(api, body.encode())
    assert response.status_code == status, response.text
    if status == 201:
        stored_name = stored(api, response.json()["reference"]).answers["nama"]
        assert stored_name == json.loads(body)["nama"]
    else:
        assert response.json()["error"] == "invalid_encoding"


def test_unknown_keys_are_echoed_safely(api: Api) -> None:
    response = post_raw(api, '{"<b>\u00e9\u4e2d</b>": 1}'.encode())
    assert response.status_code == 422
    assert response.json()["errors"][0]["key"] == "<b>\u00e9\u4e2d</b>"
    assert response.headers["content-type"] == "application/json"


def test_deep_nesting_within_a_group_is_too_deep(api: Api) -> None:
    deep: Any = "x"
    for _ in range(MAX_DEPTH):
        deep = [deep]
    response = post_raw(api, json.dumps({**VALID, "anggota": deep}).encode())
    assert response.status_code == 400
    assert response.json()["error"] == "too_deep"


def test_large_body_is_refused(api: Api) -> None:
    response = post_raw(api, json.dumps({"nama": "x" * MAX_BODY_BYTES}).encode())
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_large_streamed_body_is_refused(api: Api) -> None:
    def chunks() -> Any:
        yield b'{"nama": "'
        for _ in range(MAX_BODY_BYTES // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    response = api.client.post(URL, content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_json_content_type_is_required(api: Api, content_type: str | None) -> None:
    response = post_raw(api, json.dumps(VALID).encode(), content_type)
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    assert counts(api) == (0, 0)


def test_json_content_type_with_charset_is_accepted(api: Api) -> None:
    response = post_raw(api, json.dumps(VALID).encode(), "application/json; charset=utf-8")
    assert response.status_code == 201


# -- retries with an Idempotency-Key ----------------------------------------------------------


def test_retry_with_the_same_key_returns_the_same_case(api: Api) -> None:
    first = api.submit(VALID, **{"Idempotency-Key": "percobaan-0001"})
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = api.submit(VALID, **{"Idempotency-Key": "percobaan-0001"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert counts(api) == (1, 1)
    status = api.client.get(
        first.json()["status_url"], headers={"X-Status-Secret": first.json()["secret"]}
    )
    assert status.status_code == 200


def test_different_keys_file_different_cases(api: Api) -> None:
    one = api.submit(VALID, **{"Idempotency-Key": "kunci-satu"})
    two = api.submit(VALID, **{"Idempotency-Key": "kunci-dua"})
    three = api.submit(VALID)
    references = {r.json()["reference"] for r in (one, two, three)}
    assert len(references) == 3
    assert len({r.json()["secret"] for r in (one, two, three)}) == 3
    assert counts(api) == (3, 2)  # only the two keyed submissions keep a draft (for retries)


def test_same_key_on_another_service_is_another_case(api: Api) -> None:
    publish(api.engine, variant("layanan-lain"))
    key = {"Idempotency-Key": "kunci-bersama"}
    one = api.submit(VALID, **key)
    two = api.client.post(
        f"{PREFIX}/services/{AGENCY}/layanan-lain/submissions", json=VALID, headers=key
    )
    assert one.status_code == two.status_code == 201
    assert one.json()["reference"] != two.json()["reference"]


def test_same_key_with_other_answers_is_refused(api: Api) -> None:
    key = {"Idempotency-Key": "kunci-ganda"}
    assert api.submit(VALID, **key).status_code == 201
    response = api.submit({**VALID, "nama": "Orang Lain"}, **key)
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert counts(api) == (1, 1)


def test_replay_also_works_once_the_service_is_retired(api: Api) -> None:
    key = {"Idempotency-Key": "sebelum-pensiun"}
    first = api.submit(VALID, **key)
    retire(api.engine, AGENCY, "layanan-uji")
    assert api.submit(VALID, **key).json() == first.json()
    assert api.submit(VALID, **{"Idempotency-Key": "sesudah-pensiun"}).status_code == 410


@pytest.mark.parametrize("key", ["pendek", "x" * 65, "ada spasi di sini", "titik.titik.titik"])
def test_malformed_idempotency_key_is_refused(api: Api, key: str) -> None:
    response = api.submit(VALID, **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_idempotency_key"
    assert counts(api) == (0, 0)


def test_concurrent_attempt_with_the_same_key_gets_the_first_case(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two racing attempts misses the first's draft, then collides on its id."""
    key = {"Idempotency-Key": "balapan-0001"}
    first = api.submit(VALID, **key)
    real_replay = api_module._replay
    calls: list[int] = []

    def late_replay(*args: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real_replay(*args)

    monkeypatch.setattr(api_module, "_replay", late_replay)
    again = api.submit(VALID, **key)
    assert len(calls) == 2
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert counts(api) == (1, 1)


def test_a_reference_drawn_twice_is_drawn_again(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The API does not look a new reference up first; the unique index catches a clash."""
    from runtime import references, store

    first = references.new_reference()
    draws = iter([first, first, references.new_reference()])
    monkeypatch.setattr(store, "new_reference", lambda: next(draws))
    one = api.submit(VALID)
    two = api.submit(VALID)
    assert one.status_code == two.status_code == 201, (one.text, two.text)
    assert one.json()["reference"] == first
    assert two.json()["reference"] != first
    assert counts(api)[0] == 2


def test_a_state_limited_in_hours_is_due_that_many_hours_after_filing(api: Api) -> None:
    definition = variant("layanan-darurat")
    state = definition["workflow"]["states"]["diajukan"]
    del state["sla_days"]
    state["sla"] = {"hours": 6}
    publish(api.engine, definition)
    response = api.client.post(f"/api/v1/services/{AGENCY}/layanan-darurat/submissions", json=VALID)
    assert response.status_code == 201, response.text
    case = stored(api, response.json()["reference"])
    assert case.due_at is not None
    assert abs(case.due_at - case.created_at - dt.timedelta(hours=6)) < dt.timedelta(seconds=5)
    page = api.client.get(response.json()["status_page_url"])
    assert "(6 jam)" in page.text
