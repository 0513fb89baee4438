"""Officer fields on transitions: asked in the action's form, checked like the citizen's form,
stored with the case event in the same transaction as the state change, shown on the case page,
in exports and (only `applicant_sees`) on the applicant's status page.

A version of the domisili example is published with fields on `verifikasi` (petugas: a choice,
a note required when the choice is "berat", a text shown only when the applicant's RT is 005,
an optional PDF report the applicant does not see) and on `setujui` (kepala: a validity date
and a photo the applicant sees, an archive number they do not).
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from builder.canonical import digest
from runtime import store
from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.models import Attachment, CaseEvent
from tests.runtime.office.conftest import DOMISILI, PDF, Filed, Office, csrf_of, parse

HTMX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VERIFY_FIELDS = [
    {
        "key": "tingkat",
        "type": "choice",
        "label": {"id": "Tingkat temuan", "en": "Finding level"},
        "required": True,
        "options": [{"value": "ringan", "label": "Ringan"}, {"value": "berat", "label": "Berat"}],
    },
    {
        "key": "uraian_temuan",
        "type": "textarea",
        "label": {"id": "Uraian temuan", "en": "Description of the finding"},
        "required": True,
        "visible_if": {"field": "tingkat", "equals": "berat"},
    },
    {
        "key": "catatan_rt",
        "type": "text",
        "label": "Catatan RT 005",
        "visible_if": {"field": "rt", "equals": "005"},
    },
    {
        "key": "laporan_survei",
        "type": "file",
        "label": "Laporan survei",
        "accept": ["application/pdf"],
        "max_mb": 1,
    },
]
APPROVE_FIELDS = [
    {
        "key": "berlaku_sampai",
        "type": "date",
        "label": {"id": "Berlaku sampai", "en": "Valid until"},
        "required": True,
        "min": "today",
        "applicant_sees": True,
    },
    {"key": "nomor_arsip", "type": "text", "label": "Nomor arsip <internal>"},
    {
        "key": "foto_lokasi",
        "type": "file",
        "label": "Foto lokasi",
        "accept": ["image/png", "image/jpeg"],
        "applicant_sees": True,
    },
]


@pytest.fixture
def desk(office: Office) -> Office:
    """The office with a domisili version whose transitions ask officers for fields."""
    definition = copy.deepcopy(office.definitions[DOMISILI])
    for move in definition["workflow"]["transitions"]:
        if move["action"] == "verifikasi":
            move["fields"] = copy.deepcopy(VERIFY_FIELDS)
        if move["action"] == "setujui":
            move["fields"] = copy.deepcopy(APPROVE_FIELDS)
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
    office.definitions[DOMISILI] = definition
    return office


def _page(client: Any, filed: Filed) -> Any:
    response = client.get(f"/kantor/kasus/{filed.id}")
    assert response.status_code == 200
    return parse(response)


def _post(
    client: Any,
    filed: Filed,
    action: str,
    data: dict[str, Any],
    files: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    doc = _page(client, filed)
    form = doc.css_first(f"#action-{action}")
    assert form is not None, f"no form for {action}"
    version = form.css_first("input[name=row_version]").attributes["value"]
    body = {
        "csrf_token": csrf_of(doc),
        "action": action,
        "row_version": version,
        "confirm": "1",
        **data,
    }
    return client.post(
        f"/kantor/kasus/{filed.id}/aksi", data=body, files=files, headers=headers or {}
    )


def _stored_files(office: Office) -> list[Path]:
    root = office.settings.data_dir / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_action_form_asks_the_officer_fields(desk: Office) -> None:
    filed = desk.file_case()
    doc = _page(desk.login("petugas.uji"), filed)
    form = doc.css_first("#action-verifikasi")
    assert form.attributes.get("enctype") == "multipart/form-data"
    assert form.attributes.get("hx-encoding") == "multipart/form-data"
    assert {n.attributes["value"] for n in form.css("input[name=tingkat]")} == {"ringan", "berat"}
    assert form.css_first("input[name=catatan_rt]") is not None  # the applicant's RT is 005
    assert form.css_first("[name=uraian_temuan]") is None  # hidden until "berat"
    assert form.css_first("input[type=file][name=laporan_survei]") is not None
    # the other action without fields stays a plain form
    plain = doc.css_first("#action-tolak")
    assert plain.attributes.get("enctype") is None and not plain.css("fieldset")
    # the kepala's action is not the petugas' to take
    assert doc.css_first("#action-setujui") is None


def test_a_condition_on_the_applicants_answer_hides_the_field(desk: Office) -> None:
    filed = desk.file_case(answers={**_answers(), "rt": "007"})
    form = _page(desk.login("petugas.uji"), filed).css_first("#action-verifikasi")
    assert form.css_first("input[name=catatan_rt]") is None


def _answers() -> dict[str, Any]:
    from tests.runtime.office.conftest import ANSWERS

    return dict(ANSWERS)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_missing_required_field_blocks_the_action_and_keeps_the_values(
    desk: Office, htmx: bool
) -> None:
    filed = desk.file_case()
    client = desk.login("petugas.uji")
    before = desk.event_count()
    response = _post(
        client,
        filed,
        "verifikasi",
        {"tingkat": "berat", "catatan_rt": "Ketua RT <b>hadir</b>", "comment": "Dicek di lokasi"},
        headers=HTMX if htmx else None,
    )
    # htmx swaps only successful responses: the panel with the errors comes back as 200
    assert response.status_code == (200 if htmx else 422)
    doc = parse(response)
    if htmx:
        assert doc.css_first("h1") is None and doc.css_first("#case-panel") is not None
    summary = doc.css_first("#error-summary")
    assert summary is not None
    link = summary.css_first("a")
    assert link.attributes["href"] == "#f-uraian_temuan"
    assert "Uraian temuan wajib diisi." in link.text()
    wrap = doc.css_first("#wrap-f-uraian_temuan")
    assert "err" in (wrap.attributes.get("class") or "")
    assert "wajib diisi" in wrap.css_first(".msg").text()
    form = doc.css_first("#action-verifikasi")
    assert "checked" in form.css_first("input[name=tingkat][value=berat]").attributes
    assert form.css_first("input[name=catatan_rt]").attributes["value"] == "Ketua RT <b>hadir</b>"
    assert form.css_first("textarea[name=comment]").text() == "Dicek di lokasi"
    assert "<b>hadir</b>" not in response.text  # escaped
    assert desk.case(filed.id).state == "diajukan"
    assert desk.event_count() == before


def test_a_valid_action_stores_the_values_with_the_event(desk: Office) -> None:
    filed = desk.file_case()
    client = desk.login("petugas.uji")
    response = _post(
        client,
        filed,
        "verifikasi",
        {"tingkat": "ringan", "uraian_temuan": "dibuang: tersembunyi", "catatan_rt": "Hadir"},
        files={"laporan_survei": ("laporan.txt", PDF, "text/plain")},
    )
    assert response.status_code == 303, response.text[:400]
    assert desk.case(filed.id).state == "diverifikasi"
    event = desk.events(filed.id)[-1]
    assert event.action == "verifikasi" and event.to_state == "diverifikasi"
    assert event.details is not None
    fields = event.details["fields"]
    report = fields.pop("laporan_survei")
    assert fields == {"tingkat": "ringan", "catatan_rt": "Hadir"}  # the hidden note is dropped
    assert report["name"] == "laporan.txt" and report["content_type"] == "application/pdf"
    with desk.session() as session:
        stored = session.get(Attachment, report["id"])
        assert stored is not None
        assert stored.submission_id == filed.id and stored.field_key == "laporan_survei"
        assert stored.content_type == "application/pdf"  # by its bytes, not its name
    assert len(_stored_files(desk)) == 1
    # the case page shows what the officer entered, the file linked
    doc = _page(client, filed)
    answers = doc.css_first("#answers").text()
    assert "Isian petugas: Data benar, teruskan" in answers
    assert "Tingkat temuan" in answers and "Ringan" in answers
    link = doc.css_first(f"#answers a[href$='/berkas/{report['id']}']")
    assert link is not None
    assert client.get(link.attributes["href"]).content == PDF


def test_a_wrong_file_type_is_refused_beside_the_field(desk: Office) -> None:
    filed = desk.file_case()
    response = _post(
        desk.login("petugas.uji"),
        filed,
        "verifikasi",
        {"tingkat": "ringan"},
        files={"laporan_survei": ("laporan.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert response.status_code == 422
    doc = parse(response)
    assert doc.css_first("#error-summary a").attributes["href"] == "#f-laporan_survei"
    assert doc.css_first("#wrap-f-laporan_survei .msg") is not None
    assert doc.css_first("#files-again-verifikasi") is not None
    assert desk.case(filed.id).state == "diajukan"
    assert _stored_files(desk) == []


def test_a_rejected_action_forgets_the_uploaded_file(desk: Office) -> None:
    """A valid file with an error elsewhere is not kept on disk (it is chosen again)."""
    filed = desk.file_case()
    response = _post(
        desk.login("petugas.uji"),
        filed,
        "verifikasi",
        {},
        files={"laporan_survei": ("laporan.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 422
    assert parse(response).css_first("#error-summary a").attributes["href"] == "#f-tingkat"
    assert _stored_files(desk) == []
    with desk.session() as session:
        assert session.exec(select(Attachment)).all() == []


def test_a_failure_after_the_state_change_rolls_back_both(
    desk: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    filed = desk.file_case()
    staff = desk.staff("petugas.uji")
    file = Attachment(
        id="A" * 22,
        field_key="laporan_survei",
        original_name="laporan.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        storage_name="S" * 22,
    )
    values = {
        "tingkat": "ringan",
        "laporan_survei": {**_file_answer(file)},
    }

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "add_event", broken)
    with desk.session() as session, pytest.raises(RuntimeError):
        cases.apply_transition(
            session,
            case_id=filed.id,
            actor=Actor.user(staff.id, ["petugas"]),
            action="verifikasi",
            comment=None,
            expected_row_version=desk.case(filed.id).row_version,
            calendar=desk.calendar,
            fields=values,
            files=[file],
        )
    monkeypatch.undo()
    assert desk.case(filed.id).state == "diajukan"
    assert [e.action for e in desk.events(filed.id)] == [store.SUBMIT_ACTION]
    with desk.session() as session:
        assert session.exec(select(Attachment)).all() == []


def _file_answer(file: Attachment) -> dict[str, Any]:
    return {
        "id": file.id,
        "name": file.original_name,
        "size": file.size,
        "content_type": file.content_type,
        "sha256": file.sha256,
    }


def test_the_core_checks_the_values_too(desk: Office) -> None:
    """apply_transition refuses values that do not pass, whatever calls it."""
    filed = desk.file_case()
    staff = desk.staff("petugas.uji")
    with desk.session() as session, pytest.raises(cases.FieldsRefused) as refused:
        cases.apply_transition(
            session,
            case_id=filed.id,
            actor=Actor.user(staff.id, ["petugas"]),
            action="verifikasi",
            comment=None,
            expected_row_version=desk.case(filed.id).row_version,
            calendar=desk.calendar,
            fields={"tingkat": "sedang"},
        )
    assert [(e.key, e.rule) for e in refused.value.errors] == [("tingkat", "invalid")]
    assert desk.case(filed.id).state == "diajukan"


def _approve(desk: Office, filed: Filed) -> None:
    response = _post(desk.login("petugas.uji"), filed, "verifikasi", {"tingkat": "ringan"})
    assert response.status_code == 303
    response = _post(
        desk.login("kepala.uji"),
        filed,
        "setujui",
        {"berlaku_sampai": "2099-12-31", "nomor_arsip": "ARS-77"},
        files={"foto_lokasi": ("foto.png", PNG, "image/png")},
    )
    assert response.status_code == 303, response.text[:400]


def test_the_applicant_sees_only_applicant_sees_fields(desk: Office) -> None:
    filed = desk.file_case()
    response = _post(
        desk.login("petugas.uji"),
        filed,
        "verifikasi",
        {"tingkat": "ringan"},
        files={"laporan_survei": ("laporan.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 303
    _post(
        desk.login("kepala.uji"),
        filed,
        "setujui",
        {"berlaku_sampai": "2099-12-31", "nomor_arsip": "ARS-77"},
        files={"foto_lokasi": ("foto.png", PNG, "image/png")},
    )
    assert desk.case(filed.id).state == "selesai"
    citizen = desk.client()
    status = citizen.get(f"/status/{filed.reference}/{filed.secret}")
    assert status.status_code == 200
    doc = parse(status)
    shown = doc.css_first("#from-officers").text()
    assert "Berlaku sampai" in shown and "2099" in shown
    assert "ARS-77" not in status.text and "Tingkat temuan" not in status.text
    links = {a.text(): a.attributes["href"] for a in doc.css("a[href*='/berkas/']")}
    assert "foto.png" in links and "laporan.pdf" not in links
    assert citizen.get(links["foto.png"]).content == PNG
    with desk.session() as session:
        report = session.exec(
            select(Attachment).where(col(Attachment.field_key) == "laporan_survei")
        ).one()
    hidden = citizen.get(f"/status/{filed.reference}/{filed.secret}/berkas/{report.id}")
    assert hidden.status_code == 404


def test_exports_include_officer_fields(desk: Office) -> None:
    filed = desk.file_case()
    _approve(desk, filed)
    client = desk.login("petugas.uji")
    base = "/kantor/layanan/disdukcapil/surat-keterangan-domisili"
    keyed = client.get(f"{base}/ekspor.csv?kolom=kunci")
    assert keyed.status_code == 200
    rows = list(csv.reader(io.StringIO(keyed.content.decode("utf-8-sig"))))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["tingkat"] == "ringan"
    assert record["berlaku_sampai"] == "2099-12-31"
    assert record["nomor_arsip"] == "ARS-77"
    assert record["foto_lokasi"] == "foto.png"
    labelled = client.get(f"{base}/ekspor.csv").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(labelled)))
    assert "Tingkat temuan" in header and "Berlaku sampai" in header


@pytest.mark.parametrize(("username", "status"), [("petugas.dinsos", 404), ("arsip.uji", 403)])
def test_only_roles_of_the_transition_may_act(desk: Office, username: str, status: int) -> None:
    filed = desk.file_case()
    own = _page(desk.login("petugas.uji"), filed)
    version = own.css_first("#action-verifikasi input[name=row_version]").attributes["value"]
    client = desk.login(username)
    token = csrf_of(parse(client.get("/kantor")))
    response = client.post(
        f"/kantor/kasus/{filed.id}/aksi",
        data={"csrf_token": token, "action": "verifikasi", "row_version": version},
        files={"laporan_survei": ("laporan.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == status
    assert desk.case(filed.id).state == "diajukan"
    assert _stored_files(desk) == []


def test_the_kepala_cannot_take_the_petugas_fields(desk: Office) -> None:
    """Values for another transition's fields are not stored (only the action's own fields)."""
    filed = desk.file_case()
    _post(desk.login("petugas.uji"), filed, "verifikasi", {"tingkat": "ringan"})
    response = _post(
        desk.login("kepala.uji"),
        filed,
        "setujui",
        {"berlaku_sampai": "2099-12-31", "tingkat": "berat"},
    )
    assert response.status_code == 303
    events = desk.events(filed.id)
    assert events[-1].details == {"fields": {"berlaku_sampai": "2099-12-31"}}
    assert isinstance(events[-1], CaseEvent)
