"""Trying a draft in the studio: the whole citizen form, walked without JavaScript, files nothing."""

from __future__ import annotations

import copy
import secrets
from typing import Any

import pytest
from sqlmodel import SQLModel, func, select

from builder.compiler import compile_definition
from runtime import lifecycle, trial
from runtime.models import (
    Attachment,
    CaseEvent,
    FormDraft,
    IssuedDocument,
    OutboxMessage,
    ServiceEvent,
    StoredFile,
    Submission,
)
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse
from tests.runtime.web.conftest import upload_for, valid_value

SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"
TRIAL = f"{EDITOR}/coba"
COMPILED = compile_definition(DOMISILI)
# everything a filed case would leave behind
TRACES: tuple[type[SQLModel], ...] = (
    Submission,
    CaseEvent,
    FormDraft,
    Attachment,
    OutboxMessage,
    IssuedDocument,
    ServiceEvent,
    StoredFile,
)


def _counts(studio: Studio) -> dict[str, int]:
    with studio.session() as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in TRACES
        }


def _typed(page_id: str, **overrides: Any) -> dict[str, Any]:
    """What a citizen types on one page: a valid answer to every question, then overrides."""
    page = COMPILED.page(page_id)
    assert page is not None
    data: dict[str, Any] = {}
    for plan in page.fields:
        if plan.type in {"notice", "declaration", "file"}:
            continue
        data[plan.key] = valid_value(plan)[0]
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _files(page_id: str) -> dict[str, tuple[str, bytes, str]]:
    page = COMPILED.page(page_id)
    assert page is not None
    return {plan.key: upload_for(plan) for plan in page.fields if plan.type == "file"}


def _post_page(
    designer: Designer, page_id: str, data: dict[str, Any], files: dict[str, Any] | None = None
) -> Any:
    """Post one trial page from the page on screen (its CSRF token)."""
    payload = {"csrf_token": designer.hidden("csrf_token"), "_action": "next", **data}
    return designer.client.post(f"{TRIAL}/isi/{page_id}", data=payload, files=files or None)


def _banner(designer: Designer) -> str:
    node = designer.doc.css_first("#trial-banner")
    assert node is not None, "no trial banner"
    return str(node.text(deep=True))


def _start(designer: Designer) -> None:
    designer.open()
    link = designer.doc.css_first("#studio-try")
    assert link is not None and attr(link, "href") == TRIAL
    start = designer.get(TRIAL)
    assert start.status_code == 200
    assert "Mode coba — tidak ada permohonan yang dikirim" in _banner(designer)
    began = designer.submit("form.start")
    assert began.status_code == 303
    assert began.headers["location"] == f"{TRIAL}/isi/pemohon"
    assert designer.get(began.headers["location"]).status_code == 200


def test_a_designer_walks_the_whole_form_and_nothing_is_filed(
    designer: Designer, studio: Studio
) -> None:
    before = _counts(studio)
    _start(designer)
    assert "Mode coba" in _banner(designer)
    assert designer.doc.css_first("#resume-title") is None  # no resume link by message

    # a wrong answer: the page again, the error beside its field, every value kept
    wrong = _typed("pemohon", telepon="bukan nomor")
    refused = _post_page(designer, "pemohon", wrong)
    assert refused.status_code == 422
    doc = parse(refused)
    assert doc.css_first("#trial-banner") is not None
    assert [attr(a, "href") for a in doc.css("#error-summary a")] == ["#f-telepon"]
    wrap = doc.css_first("#wrap-f-telepon")
    assert wrap is not None and "err" in attr(wrap, "class")
    assert wrap.css_first("#f-telepon-error") is not None
    assert attr(doc.css_first("input[name=telepon]"), "value") == "bukan nomor"
    assert attr(doc.css_first("input[name=nama]"), "value") == wrong["nama"]
    assert attr(doc.css_first("input[name=nik]"), "value") == wrong["nik"]

    designer.page = refused
    moved = _post_page(designer, "pemohon", _typed("pemohon"))
    assert moved.status_code == 303 and moved.headers["location"] == f"{TRIAL}/isi/domisili"
    designer.get(moved.headers["location"])
    assert designer.doc.css_first("#f-alamat_ktp") is not None
    assert attr(designer.doc.css_first("main form"), "action") == f"{TRIAL}/isi/domisili"

    # a condition across pages: renting asks for the owner's name and, later, their letter
    renting = _typed("domisili", status_tempat_tinggal="sewa_kontrak", nama_pemilik="Pak Budi")
    renting.pop("status_lainnya", None)
    renting.pop("keperluan_lain", None)
    moved = _post_page(designer, "domisili", renting)
    assert moved.status_code == 303 and moved.headers["location"] == f"{TRIAL}/isi/dokumen"
    designer.get(moved.headers["location"])
    assert designer.doc.css_first("#f-berkas_pemilik") is not None
    assert "Mode coba" in _banner(designer)

    # back to the page: the answers are kept; owning the house hides the owner's letter
    designer.get(f"{TRIAL}/isi/domisili")
    assert attr(designer.doc.css_first("input[name=nama_pemilik]"), "value") == "Pak Budi"
    owning = {**renting, "status_tempat_tinggal": "milik_sendiri"}
    owning.pop("nama_pemilik")
    assert _post_page(designer, "domisili", owning).status_code == 303
    designer.get(f"{TRIAL}/isi/dokumen")
    assert designer.doc.css_first("#f-berkas_pemilik") is None
    files = _files("dokumen")
    files.pop("berkas_pemilik")
    moved = _post_page(designer, "dokumen", {}, files)
    assert moved.status_code == 303 and moved.headers["location"] == f"{TRIAL}/periksa"

    # check your answers, then the declaration, as the citizen has them
    check = designer.get(f"{TRIAL}/periksa")
    assert check.status_code == 200
    assert "Mode coba" in _banner(designer)
    answers = designer.doc.css_first("main").text(deep=True)
    assert wrong["nama"] in answers and "berkas_ktp" in answers
    assert "Pak Budi" not in answers  # hidden again, so dropped
    form = designer.doc.css_first("main form[action$='/kirim']")
    assert form is not None and attr(form, "action") == f"{TRIAL}/kirim"
    unticked = designer.submit(form)
    assert unticked.status_code == 422
    assert parse(unticked).css_first("#error-summary a[href='#f-pernyataan_benar']") is not None
    sent = designer.submit("main form[action$='/kirim']", {"pernyataan_benar": "ya"})
    assert sent.status_code == 303 and sent.headers["location"] == f"{TRIAL}/selesai"
    done = designer.get(sent.headers["location"])
    assert done.status_code == 200
    assert designer.doc.css_first("#trial-done") is not None
    assert "tidak ada permohonan yang dibuat" in designer.doc.css_first("#trial-done").text()
    assert wrong["nama"] in designer.doc.css_first("main").text(deep=True)
    assert designer.doc.css_first(".ref") is None  # no reference number

    # nothing filed, queued, stored or recorded, and no file kept
    assert _counts(studio) == before
    attachments = studio.app.state.settings.data_dir / "attachments"
    assert not attachments.exists() or not any(attachments.rglob("*.*"))

    english = designer.get(f"{TRIAL}/selesai", params={"lang": "en"})
    assert english.status_code == 200
    assert "Trial mode — no application is filed" in _banner(designer)


def test_the_trial_answers_belong_to_one_login(designer: Designer, studio: Studio) -> None:
    _start(designer)
    assert _post_page(designer, "pemohon", _typed("pemohon")).status_code == 303
    designer.get(f"{TRIAL}/isi/pemohon")
    assert attr(designer.doc.css_first("input[name=nama]"), "value")
    jar = designer.client.cookies.jar
    (kept,) = [c for c in jar if c.name == "loket_trial"]
    assert kept.path == TRIAL and kept.value
    cookie = str(kept.value)
    other = studio.login("perancang.dua")  # the same agency, another session
    other.client.cookies.set("loket_trial", cookie, kept.domain, TRIAL)
    page = other.get(f"{TRIAL}/isi/pemohon")
    assert page.status_code == 200
    assert attr(other.doc.css_first("input[name=nama]"), "value") == ""
    jar.clear(kept.domain, kept.path, kept.name)
    designer.client.cookies.set("loket_trial", cookie[:-4] + "abcd", kept.domain, TRIAL)
    designer.get(f"{TRIAL}/isi/pemohon")
    assert attr(designer.doc.css_first("input[name=nama]"), "value") == ""


@pytest.mark.parametrize(("username", "status"), [("perancang.dinsos", 404), ("petugas", 403)])
def test_only_the_agencys_designers_may_try_its_drafts(
    studio: Studio, username: str, status: int
) -> None:
    before = _counts(studio)
    stranger = studio.login(username)
    for path in (TRIAL, f"{TRIAL}/isi/pemohon", f"{TRIAL}/periksa", f"{TRIAL}/selesai"):
        assert stranger.get(path).status_code == status, path
    stranger.get("/studio" if status == 403 else "/")
    token = (
        stranger.hidden("csrf_token") if stranger.doc.css_first("input[name=csrf_token]") else ""
    )
    for path in (f"{TRIAL}/mulai", f"{TRIAL}/isi/pemohon", f"{TRIAL}/kirim"):
        response = stranger.client.post(path, data={"csrf_token": token, **_typed("pemohon")})
        assert response.status_code in {status, 403}, path
    assert _counts(studio) == before


def test_a_post_without_the_csrf_token_is_refused(designer: Designer, studio: Studio) -> None:
    _start(designer)
    for path in (f"{TRIAL}/mulai", f"{TRIAL}/isi/pemohon", f"{TRIAL}/kirim"):
        response = designer.client.post(path, data=_typed("pemohon"))
        assert response.status_code == 403, path
        bad = designer.client.post(path, data={"csrf_token": "0" * 64, **_typed("pemohon")})
        assert bad.status_code == 403, path
    designer.get(f"{TRIAL}/isi/pemohon")
    assert attr(designer.doc.css_first("input[name=nama]"), "value") == ""  # nothing kept
    assert _counts(studio)["Submission"] == 0


def test_a_draft_with_errors_cannot_be_tried(designer: Designer, studio: Studio) -> None:
    designer.open()
    broken = designer.edit_ok("texts", **{"title.id": "", "title.en": ""})
    assert broken.status_code == 200
    page = designer.get(TRIAL)
    assert page.status_code == 409
    assert designer.doc.css_first(f"main a[href='{EDITOR}']") is not None


def test_answers_too_long_for_the_trial_are_refused_beside_the_longest(
    designer: Designer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _start(designer)
    monkeypatch.setattr(trial, "MAX_COOKIE_CHARS", 300)
    typed = _typed("pemohon", pekerjaan="Pegawai " * 7)
    refused = _post_page(designer, "pemohon", typed)
    assert refused.status_code == 422
    doc = parse(refused)
    longest = "pekerjaan"  # the longest answer of the page
    assert [attr(a, "href") for a in doc.css("#error-summary a")] == [f"#f-{longest}"]
    assert "3 KB" in doc.css_first(f"#f-{longest}-error").text()
    assert attr(doc.css_first("input[name=nama]"), "value") == typed["nama"]


def test_the_trial_cookie_round_trip() -> None:
    answers = {"nama": "Budi <b>", "hobi": ["a", "b"], "umur": 3}
    value = trial.encode("k" * 40, "session", 7, answers)
    assert trial.decode("k" * 40, "session", 7, value) == answers
    assert trial.decode("k" * 40, "session", 8, value) == {}  # another service
    assert trial.decode("k" * 40, "other", 7, value) == {}  # another login
    assert trial.decode("x" * 40, "session", 7, value) == {}  # another key: forged
    assert trial.decode("k" * 40, "session", 7, "bad.value") == {}
    with pytest.raises(trial.TrialTooLong):
        trial.encode("k" * 40, "session", 7, {"t": secrets.token_urlsafe(4000)})


def test_the_htmx_helpers_answer_in_the_trial_and_keep_nothing(designer: Designer) -> None:
    _start(designer)
    assert attr(designer.doc.css_first("input[name=telepon]"), "hx-post").startswith(
        f"{TRIAL}/isi/pemohon/validasi"
    )
    token = designer.hidden("csrf_token")
    htmx = {"HX-Request": "true"}
    checked = designer.client.post(
        f"{TRIAL}/isi/pemohon/validasi?field=telepon",
        data={"csrf_token": token, "telepon": "bukan nomor"},
        headers=htmx,
    )
    assert checked.status_code == 200
    assert parse(checked).css_first("#f-telepon-error") is not None
    designer.get(f"{TRIAL}/isi/domisili")
    shown = designer.hidden("_shown")
    revealed = designer.client.post(
        f"{TRIAL}/isi/domisili/tampil",
        data={"csrf_token": token, "_shown": shown, "status_tempat_tinggal": "lainnya"},
        headers=htmx,
    )
    assert revealed.status_code == 200
    assert parse(revealed).css_first("#f-status_lainnya") is not None
    designer.get(f"{TRIAL}/isi/domisili")  # nothing was kept
    assert designer.doc.css_first("input[name=status_tempat_tinggal][checked]") is None
    assert attr(designer.doc.css_first("#wrap-f-status_lainnya"), "class") == "slot"


def test_the_region_helper_answers_in_the_trial_and_keeps_nothing(
    designer: Designer, studio: Studio
) -> None:
    definition = copy.deepcopy(DOMISILI)
    page = next(p for p in definition["form"]["pages"] if p["id"] == "pemohon")
    page["fields"].append(
        {"key": "asal", "type": "region", "label": {"id": "Daerah asal", "en": "Home region"}}
    )
    with studio.session() as session:
        lifecycle.publish_definition(session, definition=definition, data_dir=None)
        session.commit()
    _start(designer)
    url = f"{TRIAL}/isi/pemohon/wilayah?field=asal"
    assert attr(designer.doc.css_first("#f-asal"), "hx-post") == url
    data = {"csrf_token": designer.hidden("csrf_token"), "asal": ["18", "18.71"]}
    partial = designer.client.post(url, data=data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text.lower()
    part = parse(partial)
    assert part.css_first("#wrap-f-asal") is not None
    chosen = [
        next((attr(o, "value") for o in n.css("option") if "selected" in o.attributes), "")
        for n in part.css("select[name=asal]")
    ]
    assert chosen == ["18", "18.71", ""]
    designer.get(f"{TRIAL}/isi/pemohon")  # nothing was kept
    assert len(designer.doc.css("select[name=asal]")) == 1


EXIT_ID = "kecamatan_kedaton"


def _with_exit(studio: Studio) -> None:
    """Publish a version of the service whose domisili page has an exit: Kedaton's residents
    are served by their district office."""
    definition = copy.deepcopy(DOMISILI)
    page = next(p for p in definition["form"]["pages"] if p["id"] == "domisili")
    page["exits"] = [
        {
            "id": EXIT_ID,
            "when": {"field": "kecamatan", "equals": "kedaton"},
            "title": {"id": "Urus di Kantor Kecamatan Kedaton", "en": "Apply at Kedaton's office"},
            "text": {
                "id": "Warga Kedaton mengurus surat ini di kantor kecamatan <b>Kedaton</b>.",
                "en": "Kedaton's residents apply for this letter at the district office.",
            },
        }
    ]
    with studio.session() as session:
        lifecycle.publish_definition(session, definition=definition, data_dir=None)
        session.commit()


def _domisili(**overrides: Any) -> dict[str, Any]:
    typed = _typed("domisili", status_tempat_tinggal="milik_sendiri", **overrides)
    for key in ("status_lainnya", "keperluan_lain", "nama_pemilik"):
        typed.pop(key, None)
    return typed


def test_an_exit_in_the_trial_shows_its_page_and_the_answer_can_be_changed(
    designer: Designer, studio: Studio
) -> None:
    _with_exit(studio)
    before = _counts(studio)
    _start(designer)
    assert _post_page(designer, "pemohon", _typed("pemohon")).status_code == 303
    designer.get(f"{TRIAL}/isi/domisili")
    stopped = _post_page(designer, "domisili", _domisili(kecamatan="kedaton"))
    assert stopped.status_code == 303
    assert stopped.headers["location"] == f"{TRIAL}/keluar/{EXIT_ID}"

    page = designer.get(stopped.headers["location"])
    assert page.status_code == 200
    assert "Mode coba" in _banner(designer)
    assert designer.doc.css_first(f"#trial-banner a[href='{EDITOR}']") is not None
    heading = designer.doc.css_first("main h1")
    assert heading is not None and heading.text() == "Urus di Kantor Kecamatan Kedaton"
    assert "kecamatan &lt;b&gt;Kedaton&lt;/b&gt;" in page.text  # definition text escaped
    back = designer.doc.css_first(f"main a[href='{TRIAL}/isi/domisili']")
    assert back is not None
    # the check page and the trial's send lead to the exit page too
    check = designer.get(f"{TRIAL}/periksa")
    assert check.status_code == 303 and check.headers["location"] == f"{TRIAL}/keluar/{EXIT_ID}"
    done = designer.get(f"{TRIAL}/selesai")
    assert done.status_code == 303 and done.headers["location"] == TRIAL
    assert designer.get(f"{TRIAL}/keluar/tidak_ada").status_code == 404
    outsider = studio.login("perancang.dinsos")
    assert outsider.get(f"{TRIAL}/keluar/{EXIT_ID}").status_code == 404

    # back to the page: the answer is kept; another district goes on
    designer.get(f"{TRIAL}/isi/domisili")
    chosen = designer.doc.css_first("input[name=kecamatan][checked], option[selected]")
    assert chosen is not None and attr(chosen, "value") == "kedaton"
    moved = _post_page(designer, "domisili", _domisili(kecamatan="enggal"))
    assert moved.status_code == 303 and moved.headers["location"] == f"{TRIAL}/isi/dokumen"
    gone = designer.get(f"{TRIAL}/keluar/{EXIT_ID}")  # no longer applies: back to its page
    assert gone.status_code == 303 and gone.headers["location"] == f"{TRIAL}/isi/domisili"
    assert _counts(studio) == before  # nothing written
