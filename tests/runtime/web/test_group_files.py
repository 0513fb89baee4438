"""A file field inside a repeatable group (a birth certificate per family member): each item's
file is uploaded with the item's input name, kept in the item, filed with the case and
downloaded by the officer; removing an item drops its file. JavaScript off throughout."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from runtime import auth
from runtime.models import Agency, Attachment, FormDraft
from tests import kit
from tests.kit import csrf
from tests.runtime.api.conftest import DEFINITION

from .conftest import JPEG, PDF, Loket, attr, error_texts, parse

SLUG = "contoh/layanan-berkas-anggota"
PASSWORD = "kalimat-sandi-yang-panjang-sekali"


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-berkas-anggota"
    definition["form"] = {
        "pages": [
            {
                "id": "keluarga",
                "title": "Keluarga",
                "fields": [
                    {
                        "key": "anggota",
                        "type": "group",
                        "label": "Anggota keluarga",
                        "item_label": "Anggota",
                        "min_items": 1,
                        "max_items": 5,
                        "fields": [
                            {"key": "nama", "type": "text", "label": "Nama", "required": True},
                            {
                                "key": "akta",
                                "type": "file",
                                "label": "Akta kelahiran",
                                "required": True,
                                "accept": ["application/pdf", "image/jpeg"],
                                "max_mb": 1,
                            },
                        ],
                    }
                ],
            },
            {
                "id": "pernyataan",
                "title": "Pernyataan",
                "fields": [{"key": "setuju", "type": "declaration", "label": "Data saya benar."}],
            },
        ]
    }
    return definition


def _post(
    citizen: Any,
    page: Any,
    names: list[str],
    files: list[tuple[str, tuple[str, bytes, str]]],
    action: str = "next",
) -> Any:
    data: dict[str, str] = {"csrf_token": csrf(page), "anggota._count": str(len(names))}
    data.update({f"anggota.{i}.nama": name for i, name in enumerate(names)})
    data["_action"] = action
    return citizen.client.post(
        attr(parse(page).css_first("main form"), "action") or page.url.path,
        data=data,
        files=files or [("ignored", ("", b"", "application/octet-stream"))],
    )


def _officer(loket: Loket) -> TestClient:
    with loket.session() as session:
        user = auth.create_user(
            session, username="petugas.uji", display_name="Petugas Uji", password=PASSWORD
        )
        auth.grant(session, user=user, agency_id="contoh", role="petugas")
        session.commit()
    return kit.signed_in(loket.new_client(), "petugas.uji", PASSWORD, "/kantor")


def _rows(loket: Loket) -> list[Attachment]:
    with loket.session() as session:
        return list(session.exec(select(Attachment)).all())


@pytest.mark.postgres
def test_each_member_s_file_is_kept_filed_and_downloaded(
    make_loket: Callable[..., Loket],
) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    first = citizen.start()
    box = parse(first).css_first("input[type=file][name='anggota.0.akta']")
    assert box is not None

    # three members, each with a file; the second's is too big: refused beside its field
    big = PDF + b"0" * (1024 * 1024)
    refused = _post(
        citizen,
        first,
        ["Ani", "Budi", "Citra"],
        [
            ("anggota.0.akta", ("ani.pdf", PDF, "application/pdf")),
            ("anggota.1.akta", ("budi.pdf", big, "application/pdf")),
            ("anggota.2.akta", ("citra.jpg", JPEG, "image/jpeg")),
        ],
    )
    assert refused.status_code == 422, refused.text[:500]
    doc = parse(refused)
    too_big = "Berkas lebih besar dari 1 MB."
    assert [text[: len(too_big)] for text in error_texts(doc)] == [too_big]
    item = doc.css_first("#f-anggota-1")
    assert item is not None and too_big in item.text()
    assert doc.css_first("#f-anggota-0") is not None
    assert too_big not in doc.css_first("#f-anggota-0").text()
    assert attr(doc.css_first("input[name='anggota.1.nama']"), "value") == "Budi"

    # the second member's file sent again, smaller: all three kept
    saved = _post(
        citizen,
        refused,
        ["Ani", "Budi", "Citra"],
        [("anggota.1.akta", ("budi.pdf", PDF, "application/pdf"))],
    )
    assert saved.status_code == 303, saved.text[:800]
    answers = _draft_items(loket)
    assert [i["akta"]["name"] for i in answers] == ["ani.pdf", "budi.pdf", "citra.jpg"]
    rows = _rows(loket)
    assert sorted(r.original_name for r in rows) == ["ani.pdf", "budi.pdf", "citra.jpg"]
    assert {r.field_key for r in rows} == {"anggota.0.akta", "anggota.1.akta", "anggota.2.akta"}

    # removing the second member drops its file (row and stored bytes)
    again = citizen.get(f"{citizen.base}/isi/keluarga")
    removed = _post(citizen, again, ["Ani", "Budi", "Citra"], [], action="remove:anggota:1")
    assert removed.status_code == 200, removed.text[:500]
    assert [i["nama"] for i in _draft_items(loket)] == ["Ani", "Citra"]
    assert sorted(r.original_name for r in _rows(loket)) == ["ani.pdf", "citra.jpg"]
    gone = next(r for r in rows if r.original_name == "budi.pdf")
    assert not loket.app.state.store.exists(
        f"attachments/{gone.storage_name[:2]}/{gone.storage_name}"
    )

    # on without new files: the items keep theirs
    onward = _post(citizen, removed, ["Ani", "Citra"], [])
    assert onward.status_code == 303, onward.text[:800]
    check = citizen.follow(onward)
    while not check.url.path.endswith("/periksa"):
        check = citizen.follow(citizen.fill_page(check))
    assert "ani.pdf" in check.text and "citra.jpg" in check.text
    receipt = citizen.submit(check)
    assert receipt.status_code == 303, receipt.text[:500]
    (case,) = loket.submissions()
    assert [i["akta"]["name"] for i in case.answers["anggota"]] == ["ani.pdf", "citra.jpg"]
    with loket.session() as session:
        filed = session.exec(select(Attachment).where(Attachment.submission_id == case.id)).all()
    assert {a.id for a in filed} == {i["akta"]["id"] for i in case.answers["anggota"]}

    officer = _officer(loket)
    case_page = officer.get(f"/kantor/kasus/{case.id}")
    assert case_page.status_code == 200
    contents = {"ani.pdf": PDF, "citra.jpg": JPEG}
    for row in filed:
        assert f"/kantor/kasus/{case.id}/berkas/{row.id}" in case_page.text
        download = officer.get(f"/kantor/kasus/{case.id}/berkas/{row.id}")
        assert download.status_code == 200
        assert download.content == contents[row.original_name]
    # another agency's officer does not get them
    with loket.session() as session:
        session.add(Agency(id="dinas-lain", name="Dinas Lain"))
        other = auth.create_user(
            session, username="petugas.lain", display_name="Lain", password=PASSWORD
        )
        auth.grant(session, user=other, agency_id="dinas-lain", role="petugas")
        session.commit()
    stranger = kit.signed_in(loket.new_client(), "petugas.lain", PASSWORD, "/kantor")
    assert stranger.get(f"/kantor/kasus/{case.id}/berkas/{filed[0].id}").status_code == 404


def _draft_items(loket: Loket) -> list[dict[str, Any]]:
    with loket.session() as session:
        (draft,) = session.exec(select(FormDraft)).all()
        return list(draft.answers["anggota"])


def test_the_api_takes_no_file_data_inside_a_group(make_loket: Callable[..., Loket]) -> None:
    """Through the API an item's file is an upload id (tests/runtime/api/test_api_many_files),
    never a file reference written by the caller."""
    loket = make_loket([_definition()])
    fake = {"id": "a" * 16, "name": "akta.pdf", "size": 10, "content_type": "application/pdf"}
    answers = {"anggota": [{"nama": "Ani", "akta": fake}], "setuju": True}
    response = loket.client.post(
        "/api/v1/services/contoh/layanan-berkas-anggota/submissions", json=answers
    )
    assert response.status_code == 422, response.text[:500]
    assert [(e["pointer"], e["rule"]) for e in response.json()["errors"]] == [
        ("/anggota/0/akta", "upload_id")
    ]
    assert loket.submissions() == []


@pytest.mark.postgres
def test_long_keys_still_fit_the_file_record(make_loket: Callable[..., Loket]) -> None:
    definition = _definition()
    group_key, child_key = "anggota_" + "k" * 55, "akta_" + "a" * 58
    group = definition["form"]["pages"][0]["fields"][0]
    group["key"] = group_key
    group["fields"][1]["key"] = child_key
    loket = make_loket([definition])
    citizen = loket.citizen(SLUG)
    first = citizen.start()
    saved = citizen.client.post(
        attr(parse(first).css_first("main form"), "action"),
        data={
            "csrf_token": csrf(first),
            f"{group_key}._count": "1",
            f"{group_key}.0.nama": "Ani",
        },
        files=[(f"{group_key}.0.{child_key}", ("ani.pdf", PDF, "application/pdf"))],
    )
    assert saved.status_code == 303, saved.text[:800]
    (row,) = _rows(loket)
    assert row.field_key == child_key  # the input name is longer than the column
