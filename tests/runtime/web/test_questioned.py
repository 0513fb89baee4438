"""An officer sending a case back ticks the answers to correct; the applicant's correction marks
exactly those (not the ones the note happens to name).

The officer works through the real case page (plain HTML form, JavaScript off); the citizen
through the correction pages. Storage is involved, so these run on PostgreSQL too.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import select

from runtime import auth
from runtime.models import CaseEvent, Submission
from tests import kit

from .conftest import Loket, attr, csrf_of, file_a_case, parse

DOMISILI = "disdukcapil/surat-keterangan-domisili"
PASSWORD = "kalimat-sandi-yang-panjang-sekali"
SEND_BACK = "minta_perbaikan"
NOTE = "Foto KTP-el buram; nama dan RT tidak sesuai KK."  # names berkas_ktp's label "KTP-el"


def _officer(loket: Loket) -> TestClient:
    """A petugas of disdukcapil, signed in through the login form."""
    with loket.session() as session:
        user = auth.create_user(
            session, username="petugas.uji", display_name="Petugas Uji", password=PASSWORD
        )
        auth.grant(session, user=user, agency_id="disdukcapil", role="petugas")
        session.commit()
    return kit.signed_in(loket.new_client(), "petugas.uji", PASSWORD, "/kantor")


def _case(loket: Loket, link: str) -> Submission:
    reference = link.split("/")[2]
    with loket.session() as session:
        return session.exec(select(Submission).where(Submission.reference == reference)).one()


def _events(loket: Loket, case_id: str) -> list[CaseEvent]:
    with loket.session() as session:
        query = select(CaseEvent).where(CaseEvent.submission_id == case_id)
        return list(session.exec(query.order_by(CaseEvent.id)).all())  # type: ignore[arg-type]


def _send_back(
    officer: TestClient, case: Submission, questioned: list[str], action: str = SEND_BACK
) -> tuple[int, LexborHTMLParser]:
    """Post the action's form of the case page with the ticked answers; (status, page)."""
    page = parse(officer.get(f"/kantor/kasus/{case.id}"))
    form = page.css_first(f"form#action-{action}")
    data: dict[str, str | list[str]] = {
        "csrf_token": csrf_of(page),
        "action": action,
        "comment": NOTE,
        "row_version": attr(form.css_first("input[name=row_version]"), "value"),
        "questioned": questioned,
    }
    response = officer.post(f"/kantor/kasus/{case.id}/aksi", data=data)
    return response.status_code, parse(response)


@pytest.mark.postgres
def test_the_send_back_form_offers_the_answered_fields_by_page(loket: Loket) -> None:
    _, link = file_a_case(loket, DOMISILI)
    case = _case(loket, link)
    page = parse(_officer(loket).get(f"/kantor/kasus/{case.id}"))
    form = page.css_first(f"form#action-{SEND_BACK}")
    boxes = form.css("input[type=checkbox][name=questioned]")
    keys = [attr(box, "value") for box in boxes]
    answered = {k for k, v in case.answers.items() if v not in (None, "", [])}
    # every answered field, in form order, and nothing else (no declaration, no empty answer)
    assert keys == [
        k for k in loket.citizen(DOMISILI).compiled.fields if k in answered - {"pernyataan_benar"}
    ]
    assert "nama" in keys and "berkas_ktp" in keys and "pernyataan_benar" not in keys
    # each box has its label (the field's), grouped under its page's title
    nama = form.css_first(f"#q-{SEND_BACK}-nama")
    assert form.css_first(f"label[for=q-{SEND_BACK}-nama]").text() == "Nama lengkap"
    assert nama is not None and "checked" not in nama.attributes
    pages = [attr(f, "class") for f in form.css("fieldset.questioned-page")]
    titles = [f.css_first("legend").text() for f in form.css("fieldset.questioned-page")]
    assert len(pages) == 3 and titles[:2] == ["Data pemohon", "Alamat domisili"]
    # only a send-back offers them
    assert not page.css("form#action-verifikasi input[name=questioned]")


@pytest.mark.postgres
def test_the_chosen_fields_are_stored_and_the_correction_marks_exactly_them(
    loket: Loket,
) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    case = _case(loket, link)
    officer = _officer(loket)
    status, _ = _send_back(officer, case, ["rt", "nama"])
    assert status == 303
    event = _events(loket, case.id)[-1]
    assert event.to_state == "perlu_perbaikan"
    assert event.details is not None and event.details["questioned"] == ["nama", "rt"]
    # the officer's timeline names them
    timeline = parse(officer.get(f"/kantor/kasus/{case.id}")).css_first("#timeline").text()
    assert "Jawaban ditandai: Nama lengkap, RT" in timeline

    status_page = parse(citizen.get(link))
    form = next(f for f in status_page.css("form") if attr(f, "action").endswith("/perbaiki"))
    started = citizen.client.post(attr(form, "action"), data={"csrf_token": csrf_of(status_page)})
    page = citizen.follow(started)
    marked: list[str] = []
    for _ in range(10):
        doc = parse(page)
        if page.url.path.endswith("/periksa"):
            rows = doc.css("dl div.questioned dt")
            assert [row.text() for row in rows] == ["Nama lengkap", "RT"]
            break
        marked += [attr(q, "id") for q in doc.css(".field.questioned")]
        page = citizen.follow(citizen.fill_page(page))
    else:
        raise AssertionError("the correction never reached the check page")
    # the ticked answers, not "KTP-el" that the note names
    assert marked == ["wrap-f-nama", "wrap-f-rt"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("action", "questioned", "expected"),
    [
        (SEND_BACK, ["nama", "tidak_ada"], "tidak ada di formulir layanan ini: tidak_ada"),
        (SEND_BACK, ["pernyataan_benar"], "tidak ada di formulir layanan ini: pernyataan_benar"),
        ("verifikasi", ["nama"], "hanya dapat ditandai saat kasus dikembalikan"),
    ],
)
def test_unknown_or_misplaced_questioned_fields_are_refused(
    loket: Loket, action: str, questioned: list[str], expected: str
) -> None:
    _, link = file_a_case(loket, DOMISILI)
    case = _case(loket, link)
    before = [e.id for e in _events(loket, case.id)]
    status, page = _send_back(_officer(loket), case, questioned, action)
    assert status == 422
    # nothing written: the case did not move, no event was added
    assert (
        _case(loket, link).state == case.state and [e.id for e in _events(loket, case.id)] == before
    )
    form = page.css_first(f"form#action-{action}")
    assert expected in form.css_first(f"#questioned-{action}-error").text()
    if "nama" in questioned and action == SEND_BACK:  # ticks and note come back as sent
        assert "checked" in form.css_first(f"#q-{SEND_BACK}-nama").attributes
        assert form.css_first("textarea[name=comment]").text() == NOTE
