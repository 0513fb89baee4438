"""Answers marked `sensitive` on the case page: hidden until revealed, the reveal recorded.

The SKTM example marks the monthly income as sensitive; a later version here also marks a
family member's occupation (inside a repeatable group) and the KTP upload. Whoever may open the
case may reveal them, through the same form and route as a NIK, and every reveal is an internal
audit event. The value never reaches the inbox, the citizen's timeline or a log line.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from builder.canonical import digest
from builder.problems import has_errors
from builder.validate import validate
from runtime import store
from runtime.models import Attachment
from runtime.references import new_token
from runtime.uploads import attachment_path
from tests.runtime.office.conftest import NIK, SKTM, Filed, Office, csrf_of, parse

HTMX = {"HX-Request": "true"}
INCOME = 2750000
SHOWN_INCOME = "2.750.000 rupiah"
JOB = "Buruh harian lepas musiman"
KTP = {"id": "K" * 22, "name": "ktp-rahasia.pdf", "size": 2048, "content_type": "application/pdf"}
ANSWERS: dict[str, Any] = {
    "nik": NIK,
    "nama": "Siti Aminah",
    "keperluan": "pendidikan",
    "penghasilan_bulanan": INCOME,
    "jumlah_tanggungan": 3,
    "anggota_keluarga": [
        {"nama_anggota": "Rudi", "hubungan": "anak", "pekerjaan_anggota": JOB},
    ],
    "berkas_ktp": KTP,
}


def _more_sensitive(office: Office) -> None:
    """Publish a version of SKTM that also marks the occupation and the KTP upload sensitive."""
    definition = copy.deepcopy(office.definitions[SKTM])
    for page in definition["form"]["pages"]:
        for field in page["fields"]:
            if field["key"] == "berkas_ktp":
                field["sensitive"] = True
            for child in field.get("fields", []):
                if child["key"] == "pekerjaan_anggota":
                    child["sensitive"] = True
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()


def _file(office: Office) -> tuple[Filed, str]:
    _more_sensitive(office)
    filed = office.file_case(SKTM, answers=ANSWERS)
    return filed, office.attach(filed.id, name="ktp-rahasia.pdf")


def _reveal(client: Any, filed: Filed, token: str, name: str, **kwargs: Any) -> Any:
    data = {"csrf_token": token, "field": name}
    return client.post(f"/kantor/kasus/{filed.id}/nik", data=data, **kwargs)


def test_sensitive_answers_are_hidden_until_revealed(office: Office) -> None:
    filed, attachment = _file(office)
    client = office.login("petugas.dinsos")
    page = client.get(f"/kantor/kasus/{filed.id}")
    assert page.status_code == 200
    for secret in (SHOWN_INCOME, "2.750.000", JOB, "ktp-rahasia", attachment):
        assert secret not in page.text, secret
    doc = parse(page)
    income = doc.css_first("#sensitif-penghasilan_bulanan")
    assert income is not None and "••••••" in income.text()
    assert "data pribadi spesifik" in income.text()
    field = income.css_first("form input[name=field]")
    assert field is not None and field.attributes["value"] == "penghasilan_bulanan"
    assert doc.css_first("#sensitif-anggota_keluarga-0-pekerjaan_anggota form") is not None
    assert doc.css_first("#sensitif-berkas_ktp form") is not None
    assert "Rudi" in page.text  # the rest of the group item stays visible
    token = csrf_of(doc)

    shown = _reveal(client, filed, token, "penghasilan_bulanan")
    assert shown.status_code == 200
    revealed = parse(shown).css_first("#sensitif-penghasilan_bulanan")
    assert revealed is not None and SHOWN_INCOME in revealed.text()
    assert revealed.css_first("form") is None
    assert JOB not in shown.text  # one reveal shows one answer
    partial = _reveal(client, filed, token, "anggota_keluarga.0.pekerjaan_anggota", headers=HTMX)
    assert partial.status_code == 200 and "<html" not in partial.text and JOB in partial.text
    ktp = _reveal(client, filed, token, "berkas_ktp")
    link = parse(ktp).css_first("#sensitif-berkas_ktp a")
    assert link is not None and link.attributes["href"].endswith(f"/berkas/{KTP['id']}")
    assert attachment in ktp.text  # the file is listed once its answer is revealed

    views = [e for e in office.events(filed.id) if e.action == "view_sensitive"]
    assert [e.details for e in views] == [
        {"field": "penghasilan_bulanan"},
        {"field": "anggota_keluarga.0.pekerjaan_anggota"},
        {"field": "berkas_ktp"},
    ]
    assert {e.actor_user_id for e in views} == {office.user_ids["petugas.dinsos"]}
    timeline = parse(client.get(f"/kantor/kasus/{filed.id}")).css_first("#timeline")
    assert timeline is not None and "Melihat data pribadi spesifik" in timeline.text()


def test_only_shown_protected_answers_can_be_revealed(office: Office) -> None:
    filed, _ = _file(office)
    client = office.login("petugas.dinsos")
    token = csrf_of(parse(client.get(f"/kantor/kasus/{filed.id}")))
    before = len(office.events(filed.id))
    for name in ("nama", "jumlah_tanggungan", "anggota_keluarga.0.nama_anggota", "x" * 300):
        assert _reveal(client, filed, token, name).status_code == 404, name
    assert len(office.events(filed.id)) == before
    outsider = office.login("petugas.uji")  # another agency
    assert _reveal(outsider, filed, token, "penghasilan_bulanan").status_code in {403, 404}
    assert len(office.events(filed.id)) == before


def test_a_nik_reveal_is_still_a_nik_view(office: Office) -> None:
    filed, _ = _file(office)
    client = office.login("petugas.dinsos")
    token = csrf_of(parse(client.get(f"/kantor/kasus/{filed.id}")))
    shown = _reveal(client, filed, token, "nik")
    assert shown.status_code == 200 and NIK in shown.text and SHOWN_INCOME not in shown.text
    assert [e.action for e in office.events(filed.id)][-1] == "view_nik"


def test_sensitive_answers_stay_out_of_the_inbox_the_citizen_timeline_and_logs(
    office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    filed, _ = _file(office)
    client = office.login("petugas.dinsos")
    token = csrf_of(parse(client.get(f"/kantor/kasus/{filed.id}")))
    assert _reveal(client, filed, token, "penghasilan_bulanan").status_code == 200
    assert _reveal(client, filed, token, "anggota_keluarga.0.pekerjaan_anggota").status_code == 200
    inbox = client.get("/kantor")
    assert inbox.status_code == 200 and filed.reference in inbox.text
    found = client.get("/kantor", params={"nomor": filed.reference})
    citizen = office.client().get(f"/status/{filed.reference}/{filed.secret}")
    assert citizen.status_code == 200
    for response in (inbox, found, citizen):
        for secret in ("2.750.000", str(INCOME), JOB, "data pribadi spesifik"):
            assert secret not in response.text, secret
    for secret in (str(INCOME), JOB):
        assert secret not in caplog.text
        for record in caplog.records:
            assert secret not in record.getMessage() and secret not in repr(record.args)


# -- a sensitive file inside a repeatable group ----------------------------------------------

AKTA_TEXT = b"%PDF-1.4\n% akta kelahiran\n"


def _group_file_case(office: Office) -> tuple[Filed, list[str]]:
    """A case of a SKTM version whose members each bring a birth certificate marked sensitive;
    two members, each with a file (the first member's row recorded under the name it was sent
    under when it was the second item, as the pages may record it)."""
    definition = copy.deepcopy(office.definitions[SKTM])
    for page in definition["form"]["pages"]:
        for field in page["fields"]:
            if field["key"] == "anggota_keluarga":
                field["fields"].append(
                    {
                        "key": "akta_anggota",
                        "type": "file",
                        "label": "Akta kelahiran",
                        "accept": ["application/pdf"],
                        "sensitive": True,
                    }
                )
    assert not has_errors(validate(definition))
    with office.session() as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
    ids = [new_token(), new_token()]
    members = [
        {"nama_anggota": name, "hubungan": "anak", "akta_anggota": {**KTP, "id": i, "name": f}}
        for name, i, f in (("Rudi", ids[0], "akta-rudi.pdf"), ("Rina", ids[1], "akta-rina.pdf"))
    ]
    filed = office.file_case(SKTM, answers={**ANSWERS, "anggota_keluarga": members})
    with office.session() as session:
        for attachment_id, key, name in (
            (ids[0], "anggota_keluarga.1.akta_anggota", "akta-rudi.pdf"),
            (ids[1], "anggota_keluarga.1.akta_anggota", "akta-rina.pdf"),
        ):
            storage = new_token()
            path = attachment_path(office.settings.data_dir, storage)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(AKTA_TEXT + name.encode())
            session.add(
                Attachment(
                    id=attachment_id,
                    submission_id=filed.id,
                    field_key=key,
                    original_name=name,
                    content_type="application/pdf",
                    size=len(AKTA_TEXT) + len(name),
                    sha256="0" * 64,
                    storage_name=storage,
                )
            )
        session.commit()
    return filed, ids


def test_a_sensitive_file_inside_a_group_is_hidden_until_its_item_is_revealed(
    office: Office,
) -> None:
    filed, (rudi, rina) = _group_file_case(office)
    client = office.login("petugas.dinsos")
    page = client.get(f"/kantor/kasus/{filed.id}")
    assert page.status_code == 200
    for secret in ("akta-rudi", "akta-rina", rudi, rina):
        assert secret not in page.text, secret
    doc = parse(page)
    for index in (0, 1):
        hidden = doc.css_first(f"#sensitif-anggota_keluarga-{index}-akta_anggota")
        assert hidden is not None and hidden.css_first("form") is not None
        assert hidden.css_first("a") is None
    token = csrf_of(doc)

    shown = _reveal(client, filed, token, "anggota_keluarga.0.akta_anggota")
    assert shown.status_code == 200
    line = parse(shown).css_first("#sensitif-anggota_keluarga-0-akta_anggota a")
    assert line is not None and line.attributes["href"] == f"/kantor/kasus/{filed.id}/berkas/{rudi}"
    listed = parse(shown).css_first("#attachments")
    assert listed is not None and "akta-rudi.pdf" in listed.text()  # listed once revealed
    assert "akta-rina" not in shown.text and rina not in shown.text  # one item at a time
    partial = _reveal(client, filed, token, "anggota_keluarga.1.akta_anggota", headers=HTMX)
    assert partial.status_code == 200 and "<html" not in partial.text
    assert f"/berkas/{rina}" in partial.text and "akta-rina.pdf" in partial.text
    views = [e.details for e in office.events(filed.id) if e.action == "view_sensitive"]
    assert views == [
        {"field": "anggota_keluarga.0.akta_anggota"},
        {"field": "anggota_keluarga.1.akta_anggota"},
    ]
    download = client.get(f"/kantor/kasus/{filed.id}/berkas/{rudi}")
    assert download.status_code == 200 and download.content == AKTA_TEXT + b"akta-rudi.pdf"
    assert [e.action for e in office.events(filed.id)][-1] == "download_attachment"
    # reloaded, the page hides them again until revealed again
    again = client.get(f"/kantor/kasus/{filed.id}")
    assert "akta-rudi" not in again.text and "akta-rina" not in again.text

    outsider = office.login("petugas.uji")  # another agency
    before = len(office.events(filed.id))
    own = csrf_of(parse(outsider.get("/kantor")))  # a valid token of the outsider's session
    assert _reveal(outsider, filed, own, "anggota_keluarga.0.akta_anggota").status_code == 404
    assert outsider.get(f"/kantor/kasus/{filed.id}/berkas/{rudi}").status_code == 404
    assert len(office.events(filed.id)) == before
