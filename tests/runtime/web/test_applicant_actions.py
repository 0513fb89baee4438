"""Applicant actions on the status page (language 1.1): a file that follows later, sent by the
applicant while the case waits; only through the case's own status link, with CSRF, in the
state the definition names; errors beside the field; the officer sees what was sent."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from runtime import auth
from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.models import Attachment, CaseEvent, Submission
from tests import kit

from .conftest import PDF, Loket, attr, csrf_of, file_a_case, load_definition, parse
from .conftest import ROOT as REPO

DOMISILI = "disdukcapil/surat-keterangan-domisili"
PASSWORD = "kalimat-sandi-yang-panjang-sekali"
SEND = "kirim_kk"


def _definition() -> dict[str, Any]:
    """The domicile letter, its family card allowed to follow later and sent by an action."""
    definition = copy.deepcopy(
        load_definition(REPO / "schemas" / "examples" / "surat-keterangan-domisili.json")
    )
    for page in definition["form"]["pages"]:
        for spec in page["fields"]:
            if spec["key"] == "berkas_kk":
                spec["required"] = False
                spec["follows_later"] = True
    definition["workflow"]["transitions"].append(
        {
            "action": SEND,
            "label": {"id": "Kirim KK menyusul", "en": "Send the family card"},
            "from": "diajukan",
            "to": "diajukan",
            "roles": ["applicant"],
            "guard": {"field": "berkas_kk", "filled": False},
            "applicant_fields": ["berkas_kk"],
            "confirm": {"id": "Berkas ini sah dan milik saya.", "en": "This file is genuine."},
        }
    )
    return definition


@pytest.fixture
def loket(make_loket: Callable[..., Loket]) -> Loket:
    """The app with the domicile letter whose family card may follow later."""
    return make_loket([_definition()])


def _case(loket: Loket, link: str) -> Submission:
    reference = link.split("/")[2]
    with loket.session() as session:
        return session.exec(select(Submission).where(Submission.reference == reference)).one()


def _filed_without_card(loket: Loket) -> tuple[TestClient, str, Submission]:
    """A case filed with every answer but the family card (it follows later)."""
    citizen, link = file_a_case(loket, DOMISILI)
    case = _case(loket, link)
    with loket.session() as session:
        stored = session.get(Submission, case.id)
        assert stored is not None
        stored.answers = {k: v for k, v in stored.answers.items() if k != "berkas_kk"}
        session.add(stored)
        for file in session.exec(select(Attachment).where(Attachment.field_key == "berkas_kk")):
            session.delete(file)
        session.commit()
    return citizen.client, link, _case(loket, link)


def _form_data(page: Any) -> dict[str, str]:
    form = page.css_first(f"form#aksi-{SEND}")
    return {
        "csrf_token": csrf_of(page),
        "row_version": attr(form.css_first("input[name=row_version]"), "value"),
    }


def _events(loket: Loket, case_id: str) -> list[CaseEvent]:
    with loket.session() as session:
        query = select(CaseEvent).where(CaseEvent.submission_id == case_id)
        return list(session.exec(query.order_by(CaseEvent.id)).all())  # type: ignore[arg-type]


def test_the_status_page_offers_the_action_as_a_plain_form(loket: Loket) -> None:
    client, link, _ = _filed_without_card(loket)
    page = parse(client.get(link))
    form = page.css_first(f"form#aksi-{SEND}")
    assert form is not None
    assert attr(form, "method") == "post" and attr(form, "action") == f"{link}/aksi/{SEND}"
    assert attr(form, "enctype") == "multipart/form-data"
    assert form.css_first("input[name=csrf_token]") is not None
    assert form.css_first("input[type=file][name=berkas_kk]") is not None
    assert form.css_first("input[type=checkbox][name=confirm]") is not None
    assert "Kirim KK menyusul" in form.text() and "Berkas ini sah dan milik saya." in form.text()
    english = parse(client.get(f"{link}?lang=en")).css_first(f"form#aksi-{SEND}")
    assert "Send the family card" in english.text() and "This file is genuine." in english.text()


@pytest.mark.postgres
def test_sending_the_file_records_it_on_the_case(loket: Loket) -> None:
    client, link, case = _filed_without_card(loket)
    page = parse(client.get(link))
    sent = client.post(
        f"{link}/aksi/{SEND}",
        data={**_form_data(page), "confirm": "ya"},
        files={"berkas_kk": ("kk.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"{link}?terkirim=aksi"
    after = _case(loket, link)
    assert after.state == case.state == "diajukan"
    assert after.due_at == case.due_at  # the case stays; its clock runs on
    assert after.row_version == case.row_version + 1
    assert after.answers["berkas_kk"]["name"] == "kk.pdf"
    event = _events(loket, case.id)[-1]
    assert (event.action, event.actor_kind) == (SEND, "applicant")
    assert (event.from_state, event.to_state) == ("diajukan", "diajukan")
    assert event.details is not None and event.details["sent"]["berkas_kk"][0] is None
    with loket.session() as session:
        files = session.exec(select(Attachment).where(Attachment.field_key == "berkas_kk")).all()
    assert [f.submission_id for f in files] == [case.id]
    status = parse(client.get(sent.headers["location"]))
    assert status.css_first("#confirmation") is not None
    assert "Kirim KK menyusul" in status.css_first("ol.timeline").text()
    assert status.css_first(f"form#aksi-{SEND}") is None  # its guard: sent once
    again = client.post(f"{link}/aksi/{SEND}", data={**_form_data(page), "confirm": "ya"})
    assert again.status_code == 409
    # the officer sees it: on the timeline and as what the applicant sent
    with loket.session() as session:
        user = auth.create_user(
            session, username="petugas.uji", display_name="Petugas Uji", password=PASSWORD
        )
        auth.grant(session, user=user, agency_id="disdukcapil", role="petugas")
        session.commit()
    officer = kit.signed_in(loket.new_client(), "petugas.uji", PASSWORD, "/kantor")
    office = parse(officer.get(f"/kantor/kasus/{case.id}"))
    assert office.css_first(f"#timeline li[data-action={SEND}]") is not None
    changes = office.css_first("#corrections").text()
    assert "Dikirim pemohon: Kirim KK menyusul" in changes and "kk.pdf" in changes


@pytest.mark.postgres
def test_a_missing_file_and_statement_come_back_beside_the_fields(loket: Loket) -> None:
    client, link, case = _filed_without_card(loket)
    page = parse(client.get(link))
    refused = client.post(f"{link}/aksi/{SEND}", data=_form_data(page))
    assert refused.status_code == 422
    again = parse(refused)
    form = again.css_first(f"form#aksi-{SEND}")
    assert form.css_first("input[name=berkas_kk][aria-invalid=true]") is not None
    assert form.css_first(f"#confirm-{SEND}-error") is not None
    assert again.css_first("#error-summary") is not None
    english = again.css_first("a[hreflang=en]")
    assert english is not None and attr(english, "href") == f"{link}?lang=en"
    after = _case(loket, link)
    assert after.row_version == case.row_version and "berkas_kk" not in after.answers
    assert _events(loket, case.id)[-1].action == "submit"


@pytest.mark.postgres
def test_a_file_of_the_wrong_type_is_refused_beside_the_field(loket: Loket) -> None:
    client, link, case = _filed_without_card(loket)
    page = parse(client.get(link))
    refused = client.post(
        f"{link}/aksi/{SEND}",
        data={**_form_data(page), "confirm": "ya"},
        files={"berkas_kk": ("kk.pdf", b"not a pdf at all", "application/pdf")},
    )
    assert refused.status_code == 422
    form = parse(refused).css_first(f"form#aksi-{SEND}")
    assert form.css_first("input[name=berkas_kk][aria-invalid=true]") is not None
    assert form.css_first(f"#confirm-{SEND}-error") is None  # it was ticked
    assert _case(loket, link).row_version == case.row_version
    with loket.session() as session:
        assert (
            session.exec(select(Attachment).where(Attachment.field_key == "berkas_kk")).all() == []
        )


@pytest.mark.postgres
def test_only_the_link_holder_with_a_csrf_token_in_the_right_state(loket: Loket) -> None:
    client, link, case = _filed_without_card(loket)
    page = parse(client.get(link))
    data = {**_form_data(page), "confirm": "ya"}
    upload = {"berkas_kk": ("kk.pdf", PDF, "application/pdf")}
    reference = link.split("/")[2]
    wrong = client.post(f"/status/{reference}/{'x' * 32}/aksi/{SEND}", data=data, files=upload)
    assert wrong.status_code == 404  # another person (no secret): the same not-found
    no_csrf = client.post(
        f"{link}/aksi/{SEND}", data={k: v for k, v in data.items() if k != "csrf_token"}
    )
    assert no_csrf.status_code == 403
    unknown = client.post(f"{link}/aksi/setujui", data=data)
    assert unknown.status_code == 409  # an officer's action
    with loket.session() as session:
        officer = auth.create_user(
            session, username="petugas.dua", display_name="P", password=PASSWORD
        )
        session.commit()
        assert officer.id is not None
        cases.apply_transition(
            session,
            case_id=case.id,
            actor=Actor.user(officer.id, ["petugas"]),
            action="verifikasi",
            comment=None,
            expected_row_version=case.row_version,
            calendar=loket.app.state.calendar,
        )
    moved = client.post(f"{link}/aksi/{SEND}", data=data, files=upload)
    assert moved.status_code == 409
    assert "tidak tersedia" in parse(moved).text()
    assert parse(client.get(link)).css_first(f"form#aksi-{SEND}") is None
    assert "berkas_kk" not in _case(loket, link).answers


def test_the_engine_refuses_the_action_without_its_file(loket: Loket) -> None:
    _, link, case = _filed_without_card(loket)
    with loket.session() as session, pytest.raises(cases.FieldsRefused) as refused:
        cases.apply_transition(
            session,
            case_id=case.id,
            actor=Actor.applicant(),
            action=SEND,
            comment=None,
            expected_row_version=case.row_version,
            calendar=loket.app.state.calendar,
        )
    assert [e.key for e in refused.value.errors] == ["berkas_kk"]
    assert _case(loket, link).row_version == case.row_version


def test_the_form_says_the_file_may_follow_later(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI, loket.new_client())
    page = citizen.start()
    while 'name="berkas_kk"' not in page.text:
        page = citizen.follow(citizen.fill_page(page))
    doc = parse(page)
    label = doc.css_first("label[for=f-berkas_kk]")
    assert label is not None and "boleh menyusul" in label.text()
    assert doc.css_first("input[name=berkas_kk][required]") is None


def test_malformed_posts_get_4xx(loket: Loket) -> None:
    client, link, case = _filed_without_card(loket)
    page = parse(client.get(link))
    data = {**_form_data(page), "confirm": "ya"}
    as_text = client.post(f"{link}/aksi/{SEND}", data={**data, "berkas_kk": "kk.pdf"})
    assert as_text.status_code == 422  # a file's name posted as text is not a file
    no_version = client.post(
        f"{link}/aksi/{SEND}",
        data={k: v for k, v in data.items() if k != "row_version"},
        files={"berkas_kk": ("kk.pdf", PDF, "application/pdf")},
    )
    assert no_version.status_code == 400
    stale = client.post(
        f"{link}/aksi/{SEND}",
        data={**data, "row_version": str(case.row_version + 5)},
        files={"berkas_kk": ("kk.pdf", PDF, "application/pdf")},
    )
    assert stale.status_code == 409
    assert _case(loket, link).row_version == case.row_version
    with loket.session() as session:
        assert (
            session.exec(select(Attachment).where(Attachment.field_key == "berkas_kk")).all() == []
        )


def test_two_actions_asking_for_the_same_field_keep_their_ids_apart(
    make_loket: Callable[..., Loket],
) -> None:
    definition = _definition()
    other = copy.deepcopy(definition["workflow"]["transitions"][-1])
    other |= {"action": "kirim_kk_lain", "label": "Kirim KK lain", "confirm": "Ini KK saya."}
    definition["workflow"]["transitions"].append(other)
    loket = make_loket([definition])
    client, link, _ = _filed_without_card(loket)

    def check(page: Any) -> None:
        forms = page.css("form.applicant-action")
        assert [attr(f, "id") for f in forms] == [f"aksi-{SEND}", "aksi-kirim_kk_lain"]
        ids = [attr(n, "id") for n in page.css("[id]")]
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        for form in forms:  # every label names an input of its own form
            for label in form.css("label[for]"):
                assert form.css_first(f"#{attr(label, 'for')}") is not None, attr(label, "for")
            assert form.css_first("input[type=file][name=berkas_kk]") is not None
        for anchor in page.css("#error-summary a"):
            assert page.css_first(attr(anchor, "href")) is not None, attr(anchor, "href")

    check(parse(client.get(link)))
    refused = client.post(f"{link}/aksi/kirim_kk_lain", data=_form_data(parse(client.get(link))))
    assert refused.status_code == 422
    again = parse(refused)
    check(again)
    assert len(again.css("#error-summary a")) == 2
    mine = again.css_first("form#aksi-kirim_kk_lain")
    assert mine.css_first("input[name=berkas_kk][aria-invalid=true]") is not None
    assert again.css_first(f"form#aksi-{SEND} input[aria-invalid=true]") is None
