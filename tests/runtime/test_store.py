"""Case references and tokens, and the case store on SQLite (and PostgreSQL when configured)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from runtime.db import session_scope
from runtime.models import (
    AppendOnlyError,
    Attachment,
    CaseEvent,
    FormDraft,
    Service,
    ServiceVersion,
    Submission,
)
from runtime.references import (
    ALPHABET,
    RANDOM_BITS,
    hash_secret,
    is_valid_reference,
    new_reference,
    new_token,
    normalise_reference,
    secrets_equal,
)
from runtime.store import (
    DraftAlreadySubmitted,
    DraftNotFound,
    StoreError,
    add_event,
    create_draft,
    current_version,
    find_submission,
    get_draft,
    get_version,
    list_events,
    publish_version,
    save_draft_answers,
    submit_draft,
)

REFERENCE = re.compile(r"LKT-[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}")
DEFINITION: dict[str, Any] = {
    "format": "loket/service@1",
    "id": "surat-keterangan-domisili",
    "agency": "disdukcapil",
    "title": "Surat Keterangan Domisili",
    "workflow": {"initial": "diajukan", "states": {"diajukan": {}, "selesai": {}}},
}
DAY = dt.timedelta(days=1)


# -- references and tokens ------------------------------------------------------------------


def test_alphabet_has_no_confusable_characters() -> None:
    assert not set("0O1IL U") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 30
    assert RANDOM_BITS >= 40


def test_reference_shape() -> None:
    for _ in range(200):
        reference = new_reference()
        assert REFERENCE.fullmatch(reference), reference
        assert set(reference.replace("-", "")[3:]) <= set(ALPHABET)
        assert is_valid_reference(reference)
        assert normalise_reference(reference) == reference


def test_references_are_unique_over_10000_draws() -> None:
    draws = [new_reference() for _ in range(10_000)]
    assert len(set(draws)) == len(draws)


def test_check_character_catches_every_single_character_typo() -> None:
    for _ in range(20):
        reference = new_reference()
        for position, original in enumerate(reference):
            if original == "-" or position < 4:
                continue
            for typo in ALPHABET.replace(original, ""):
                mistyped = reference[:position] + typo + reference[position + 1 :]
                assert not is_valid_reference(mistyped), (reference, mistyped)


def test_check_character_catches_most_swaps_of_neighbours() -> None:
    caught = total = 0
    for _ in range(200):
        code = new_reference().replace("-", "")[3:]
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                total += 1
                caught += not is_valid_reference(swapped)
    assert caught / total > 0.9


def test_typed_references_are_normalised() -> None:
    reference = new_reference()
    code = reference.replace("-", "")
    for typed in (
        reference.lower(),
        code,
        code.lower(),
        code[3:],
        f"  {code[:3]} {code[3:8]} {code[8:]} ",
        f"{reference[:-1]}-{reference[-1]}",
    ):
        assert normalise_reference(typed) == reference, typed


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "LKT",
        "LKT-0000-0000",
        "LKT-ABCDE-FGHJ",
        "LKT-ABCDE-FGHJKM",
        "LKT-OOOOO-OOOOO",
        "XYZ-23456-789AB",
        "x" * 1000,
    ],
)
def test_malformed_references_are_refused(typed: str) -> None:
    assert normalise_reference(typed) is None
    assert not is_valid_reference(typed)


def test_tokens_are_url_safe_and_long_enough() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
    assert len(new_token(32)) == 43
    with pytest.raises(ValueError, match="at least 16"):
        new_token(8)


def test_hash_secret_and_compare() -> None:
    assert hash_secret("abc") == hashlib.sha256(b"abc").hexdigest()
    assert secrets_equal(hash_secret("abc"), hash_secret("abc"))
    assert not secrets_equal(hash_secret("abc"), hash_secret("abd"))
    assert not secrets_equal("abc", "abcd")


# -- publishing -----------------------------------------------------------------------------


def publish(engine: Engine, sha: str = "a" * 64, **changes: Any) -> int:
    """Publish DEFINITION (with changes) and return the new version's id."""
    with session_scope(engine) as session:
        version = publish_version(
            session,
            definition={**DEFINITION, **changes},
            sha256=sha,
            agency_name="Dinas Kependudukan dan Pencatatan Sipil",
        )
        assert version.id is not None
        return version.id


def test_publish_creates_agency_service_and_version(engine: Engine) -> None:
    version_id = publish(engine)
    with Session(engine) as session:
        version = current_version(session, "disdukcapil", "surat-keterangan-domisili")
        assert version is not None and version.id == version_id
        assert (version.number, version.state, version.sha256) == (1, "published", "a" * 64)
        assert version.definition == DEFINITION
        assert version.format == "loket/service@1"
        assert version.published_at is not None and version.published_at.tzinfo is not None
        service = session.get(Service, version.service_id)
        assert service is not None
        assert (service.status, service.current_version_id) == ("published", version_id)
        assert get_version(session, version_id) == version
        assert get_version(session, 12345) is None
        assert current_version(session, "disdukcapil", "nope") is None
        assert current_version(session, "nope", "surat-keterangan-domisili") is None


def test_publishing_the_same_hash_again_is_a_no_op(engine: Engine) -> None:
    first = publish(engine)
    assert publish(engine) == first
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ServiceVersion)).one() == 1


def test_a_new_hash_is_the_next_version(engine: Engine) -> None:
    first = publish(engine)
    second = publish(engine, sha="b" * 64, title="Baru")
    with Session(engine) as session:
        old, new = session.get(ServiceVersion, first), session.get(ServiceVersion, second)
        assert old is not None and new is not None
        assert (old.number, old.state) == (1, "superseded")
        assert (new.number, new.state) == (2, "published")
        current = current_version(session, "disdukcapil", "surat-keterangan-domisili")
        assert current is not None and current.id == second


def test_publishing_needs_agency_and_id(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(StoreError, match="'agency'"):
        publish_version(session, definition={"id": "x", "format": "f"}, sha256="c" * 64)


# -- drafts ---------------------------------------------------------------------------------


def new_draft(engine: Engine, ttl: dt.timedelta = DAY, **kwargs: Any) -> str:
    """A draft on the current version of DEFINITION."""
    version_id = publish(engine)
    with session_scope(engine) as session:
        return create_draft(session, service_version_id=version_id, ttl=ttl, **kwargs).id


def test_drafts_keep_answers(engine: Engine) -> None:
    draft_id = new_draft(engine, answers={"nama": "Ani"})
    assert len(draft_id) >= 22
    with session_scope(engine) as session:
        saved = save_draft_answers(session, draft_id=draft_id, answers={"nama": "Ani Lestari"})
        assert saved.answers == {"nama": "Ani Lestari"}
    with Session(engine) as session:
        draft = get_draft(session, draft_id)
        assert draft is not None and draft.answers == {"nama": "Ani Lestari"}
        assert get_draft(session, "no-such-draft") is None


def test_expired_drafts_are_not_returned(engine: Engine) -> None:
    draft_id = new_draft(engine, ttl=dt.timedelta(hours=1))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    with Session(engine) as session:
        assert get_draft(session, draft_id) is not None
        assert get_draft(session, draft_id, now=later) is None
        with pytest.raises(DraftNotFound):
            save_draft_answers(session, draft_id=draft_id, answers={}, now=later)
        with pytest.raises(DraftNotFound):
            submit_draft(
                session,
                draft_id=draft_id,
                answers={},
                initial_state="diajukan",
                due_at=None,
                now=later,
            )


def test_saving_extends_the_draft(engine: Engine) -> None:
    draft_id = new_draft(engine, ttl=dt.timedelta(hours=1))
    with session_scope(engine) as session:
        save_draft_answers(session, draft_id=draft_id, answers={}, ttl=dt.timedelta(hours=5))
    with Session(engine) as session:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=4)
        assert get_draft(session, draft_id, now=later) is not None


# -- submitting -----------------------------------------------------------------------------


def submit(engine: Engine, draft_id: str) -> tuple[Submission, str | None]:
    """Submit a draft in its own transaction."""
    with session_scope(engine) as session:
        return submit_draft(
            session,
            draft_id=draft_id,
            answers={"nama": "Ani"},
            initial_state="diajukan",
            due_at=dt.datetime.now(dt.UTC) + DAY,
        )


def count(engine: Engine, model: type[Any]) -> int:
    """Rows in a table."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_submit_files_a_case_with_its_first_event(engine: Engine) -> None:
    draft_id = new_draft(engine)
    submission, secret = submit(engine, draft_id)
    assert secret is not None and len(secret) >= 22
    assert REFERENCE.fullmatch(submission.reference)
    with Session(engine) as session:
        case = session.get(Submission, submission.id)
        assert case is not None
        assert case.answers == {"nama": "Ani"}
        assert (case.state, case.agency_id, case.row_version) == ("diajukan", "disdukcapil", 1)
        assert case.secret_hash == hash_secret(secret)
        assert secret not in repr(case.model_dump())
        assert case.due_at is not None and case.due_at.tzinfo is not None
        draft = session.get(FormDraft, draft_id)
        assert draft is not None and draft.submission_id == case.id
        events = list_events(session, case.id)
        assert [(e.action, e.actor_kind, e.from_state, e.to_state) for e in events] == [
            ("submit", "applicant", None, "diajukan")
        ]


def test_submitting_twice_gives_one_case_and_one_event(engine: Engine) -> None:
    draft_id = new_draft(engine)
    first, secret = submit(engine, draft_id)
    again, no_secret = submit(engine, draft_id)
    assert secret is not None and no_secret is None
    assert (again.id, again.reference) == (first.id, first.reference)
    assert count(engine, Submission) == 1
    assert count(engine, CaseEvent) == 1


def test_submitting_twice_in_one_session_gives_one_case(engine: Engine) -> None:
    draft_id = new_draft(engine)
    with session_scope(engine) as session:
        assert get_draft(session, draft_id) is not None  # loaded before, so possibly stale
        first, _ = submit_draft(
            session, draft_id=draft_id, answers={}, initial_state="a", due_at=None
        )
        again, secret = submit_draft(
            session, draft_id=draft_id, answers={}, initial_state="a", due_at=None
        )
    assert again.id == first.id and secret is None
    assert count(engine, Submission) == 1


def test_a_session_that_loaded_the_draft_earlier_sees_the_other_submit(engine: Engine) -> None:
    draft_id = new_draft(engine)
    with Session(engine, expire_on_commit=False) as session:
        loaded = get_draft(session, draft_id)
        assert loaded is not None and loaded.submission_id is None
        first, _ = submit(engine, draft_id)  # another request files it meanwhile
        again, secret = submit_draft(
            session, draft_id=draft_id, answers={}, initial_state="a", due_at=None
        )
        session.commit()
    assert (again.id, secret) == (first.id, None)
    assert count(engine, Submission) == 1


def test_a_submitted_draft_cannot_change(engine: Engine) -> None:
    draft_id = new_draft(engine)
    submit(engine, draft_id)
    with Session(engine) as session, pytest.raises(DraftAlreadySubmitted):
        save_draft_answers(session, draft_id=draft_id, answers={"nama": "Budi"})


def test_an_unknown_draft_cannot_be_submitted(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(DraftNotFound):
        submit_draft(session, draft_id="nope", answers={}, initial_state="a", due_at=None)


def test_the_draft_files_move_to_the_case(engine: Engine) -> None:
    draft_id = new_draft(engine)
    with session_scope(engine) as session:
        session.add(
            Attachment(
                draft_id=draft_id,
                field_key="ktp",
                original_name="ktp.jpg",
                content_type="image/jpeg",
                size=10,
                sha256="d" * 64,
            )
        )
    submission, _ = submit(engine, draft_id)
    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
        assert attachment.submission_id == submission.id
        assert attachment.storage_name != "ktp.jpg"


def run_together(threads: int, work: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run work in several threads that start at the same moment; collect results and errors."""
    barrier = threading.Barrier(threads)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def runner() -> None:
        barrier.wait()
        try:
            result = work()
        except BaseException as error:
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(result)

    workers = [threading.Thread(target=runner) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return results, errors


def test_concurrent_submits_give_one_case(engine: Engine) -> None:
    draft_id = new_draft(engine)
    results, errors = run_together(8, lambda: submit(engine, draft_id))
    assert errors == []
    assert len(results) == 8
    assert len({submission.id for submission, _ in results}) == 1
    assert sum(secret is not None for _, secret in results) == 1
    assert count(engine, Submission) == 1
    assert count(engine, CaseEvent) == 1


# -- finding a case -------------------------------------------------------------------------


def test_find_submission_needs_reference_and_secret(engine: Engine) -> None:
    submission, secret = submit(engine, new_draft(engine))
    assert secret is not None
    other = new_reference()
    with Session(engine) as session:
        found = find_submission(session, submission.reference, secret)
        assert found is not None and found.id == submission.id
        typed = submission.reference.lower().replace("-", " ")
        assert find_submission(session, typed, secret) is not None
        assert find_submission(session, other, secret) is None
        assert find_submission(session, submission.reference, secret + "x") is None
        assert find_submission(session, submission.reference, "") is None
        assert find_submission(session, "LKT-00000-00000", secret) is None
        assert find_submission(session, submission.reference, submission.secret_hash) is None


# -- the audit trail is append-only --------------------------------------------------------


def one_event(engine: Engine) -> tuple[str, int]:
    """File a case; return its id and the id of its first event."""
    submission, _ = submit(engine, new_draft(engine))
    with session_scope(engine) as session:
        event = add_event(
            session,
            submission_id=submission.id,
            action="comment",
            actor_kind="system",
            comment="catatan",
            details={"k": [1, 2]},
        )
        assert event.id is not None
        return submission.id, event.id


def test_events_can_be_added(engine: Engine) -> None:
    submission_id, _ = one_event(engine)
    with Session(engine) as session:
        events = list_events(session, submission_id)
        assert [event.action for event in events] == ["submit", "comment"]
        assert events[1].details == {"k": [1, 2]}
        assert events[0].details is None
        raw = (
            session.connection()
            .execute(text("SELECT details FROM case_events WHERE id = :id"), {"id": events[0].id})
            .scalar()
        )
        assert raw is None, "a missing details value is SQL NULL, not JSON null"


def test_add_event_checks_the_actor(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(StoreError, match="actor_kind"):
            add_event(session, submission_id="x", action="a", actor_kind="robot")
        with pytest.raises(StoreError, match="actor_user_id"):
            add_event(session, submission_id="x", action="a", actor_kind="user")


def test_events_cannot_be_updated_through_the_orm(engine: Engine) -> None:
    _, event_id = one_event(engine)
    with Session(engine) as session:
        event = session.get(CaseEvent, event_id)
        assert event is not None
        event.comment = "changed"
        with pytest.raises(AppendOnlyError):
            session.flush()
    with Session(engine) as session:
        event = session.get(CaseEvent, event_id)
        assert event is not None and event.comment == "catatan"


def test_events_cannot_be_deleted_through_the_orm(engine: Engine) -> None:
    _, event_id = one_event(engine)
    with Session(engine) as session:
        event = session.get(CaseEvent, event_id)
        assert event is not None
        session.delete(event)
        with pytest.raises(AppendOnlyError):
            session.flush()
    assert count(engine, CaseEvent) == 2


@pytest.mark.parametrize(
    "statement",
    [
        update(CaseEvent).where(col(CaseEvent.id) > 0).values(comment="changed"),
        delete(CaseEvent),
        text("UPDATE case_events SET comment = 'changed'"),
        text("DELETE FROM case_events"),
    ],
    ids=["orm-update", "orm-delete", "sql-update", "sql-delete"],
)
def test_the_database_refuses_to_change_events(engine: Engine, statement: Any) -> None:
    one_event(engine)
    with Session(engine) as session, pytest.raises(IntegrityError, match="append-only"):
        session.exec(statement)
    assert count(engine, CaseEvent) == 2
    with Session(engine) as session:
        comments = session.exec(select(CaseEvent.comment)).all()
        assert "changed" not in comments


def test_postgresql_refuses_truncate(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    one_event(engine)
    with engine.connect() as connection, pytest.raises(IntegrityError, match="append-only"):
        connection.execute(text("TRUNCATE case_events CASCADE"))
    assert count(engine, CaseEvent) == 2
