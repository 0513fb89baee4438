"""Reading a case's status through the JSON API with its secret."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, select

from runtime import store
from runtime.models import Submission
from runtime.references import new_reference
from runtime.routes.api import PREFIX
from tests.runtime.api.conftest import AGENCY, SLUG, VALID, Api


def filed(api: Api) -> dict[str, Any]:
    """File a valid case; return the 201 body."""
    response = api.submit(VALID)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def status(api: Api, reference: str, secret: str | None) -> Any:
    """GET a case's status."""
    headers = {"X-Status-Secret": secret} if secret is not None else {}
    return api.client.get(f"{PREFIX}/status/{reference}", headers=headers)


def test_status_of_a_new_case(api: Api) -> None:
    case = filed(api)
    response = status(api, case["reference"], case["secret"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reference"] == case["reference"]
    assert (body["agency"], body["service"], body["version"]) == (AGENCY, SLUG, 1)
    assert body["service_title"] == {"id": "Layanan uji", "en": "Test service"}
    assert body["state_label"] == {"id": "Sedang diperiksa", "en": "Being checked"}
    assert body["final_outcome"] is None
    assert body["due_at"] is not None
    assert [(e["label"], e["comment"]) for e in body["timeline"]] == [
        ({"id": "Diajukan", "en": "Submitted"}, None)
    ]


def test_reference_may_be_typed_loosely(api: Api) -> None:
    case = filed(api)
    loose = case["reference"].lower().replace("-", "")
    assert status(api, loose, case["secret"]).status_code == 200


def test_timeline_shows_public_comments_only_and_the_outcome(api: Api) -> None:
    case = filed(api)
    now = dt.datetime.now(dt.UTC)
    with Session(api.engine) as session:
        row = session.exec(
            select(Submission).where(Submission.reference == case["reference"])
        ).one()
        store.add_event(
            session,
            submission_id=row.id,
            action="catatan",
            actor_kind="system",
            comment="catatan internal petugas",
            comment_public=False,
            at=now,
        )
        store.add_event(
            session,
            submission_id=row.id,
            action="setujui",
            actor_kind="system",
            from_state="diajukan",
            to_state="selesai",
            comment="Silakan ambil surat Anda.",
            comment_public=True,
            at=now,
        )
        row.state = "selesai"
        row.final_outcome = "approved"
        session.add(row)
        session.commit()
    body = status(api, case["reference"], case["secret"]).json()
    assert body["state_label"] == {"id": "Disetujui", "en": "Approved"}
    assert body["final_outcome"] == "approved"
    assert body["due_at"] is None
    comments = [e["comment"] for e in body["timeline"]]
    # the internal note (no change of state) is not part of the citizen's timeline at all
    assert comments == [None, "Silakan ambil surat Anda."]
    assert "catatan internal petugas" not in str(body)


@pytest.mark.parametrize("wrong", ["secret", "reference", "missing", "both", "garbage"])
def test_wrong_reference_or_secret_is_the_same_404(api: Api, wrong: str) -> None:
    case = filed(api)
    reference, secret = case["reference"], case["secret"]
    other = new_reference()
    tries: dict[str, tuple[str, str | None]] = {
        "secret": (reference, secret[:-1] + ("A" if secret[-1] != "A" else "B")),
        "reference": (other, secret),
        "missing": (reference, None),
        "both": (other, "nope"),
        "garbage": ("%00" + "x" * 300, "y" * 500),
    }
    response = status(api, *tries[wrong])
    assert response.status_code == 404
    baseline = status(api, other, "nope")
    assert response.json() == baseline.json()
    assert response.json()["error"] == "case_not_found"
