"""Files through the JSON API beyond one file per top-level field: a field that takes several
files (`max_files`: a list of upload ids) and file fields inside repeatable groups (an upload id
in each item, filed under the item's name as the pages file it, downloaded by the officer).

SQLite, and PostgreSQL when LOKET_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from builder.canonical import digest
from runtime import api_uploads, store
from runtime.models import Attachment, FormDraft, Submission
from runtime.references import new_token
from runtime.routes.api import PREFIX
from tests.runtime.api.conftest import AGENCY, VALID, Api, publish, variant
from tests.runtime.api.test_api_files import DOMISILI_ANSWERS, JPEG, upload_id
from tests.runtime.office.conftest import DOMISILI, PDF, Office, build_office, load_example

MANY = f"{PREFIX}/services/{AGENCY}/banyak-berkas"
GROUP = f"{PREFIX}/services/{AGENCY}/berkas-anggota"


def problems(response: Any) -> list[tuple[str, str]]:
    return [(e["pointer"], e["rule"]) for e in response.json()["errors"]]


def cases(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Submission)).one()


def rows(engine: Engine) -> dict[str, Attachment]:
    with Session(engine) as session:
        return {a.id: a for a in session.exec(select(Attachment)).all()}


def case_of(engine: Engine, reference: str) -> Submission:
    with Session(engine) as session:
        return session.exec(select(Submission).where(Submission.reference == reference)).one()


def holders(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(FormDraft)
            .where(col(FormDraft.id).startswith(api_uploads.HOLDER_PREFIX))
        ).one()


# -- a field that takes several files --------------------------------------------------------


@pytest.fixture
def many(api: Api) -> Api:
    """The test service with `lampiran`, a field of up to 3 files."""
    definition = variant("banyak-berkas")
    definition["form"]["pages"][0]["fields"].append(
        {
            "key": "lampiran",
            "type": "file",
            "label": "Lampiran",
            "accept": ["application/pdf", "image/jpeg"],
            "max_files": 3,
        }
    )
    publish(api.engine, definition)
    return api


def lampiran(api: Api, content: bytes = PDF) -> str:
    return upload_id(api, content, field="lampiran", url=f"{MANY}/files")


def test_a_field_of_several_files_takes_a_list_of_upload_ids(many: Api) -> None:
    schema = many.client.get(f"{MANY}/schema").json()["properties"]["lampiran"]
    assert (schema["type"], schema["minItems"], schema["maxItems"]) == ("array", 1, 3)
    assert schema["items"]["pattern"] == api_uploads.UPLOAD_ID_PATTERN
    assert schema["uniqueItems"] is True and schema["x-loket-upload"]["max_files"] == 3
    sent = [lampiran(many), lampiran(many, JPEG)]
    answers = {**VALID, "lampiran": sent}
    filed = many.client.post(
        f"{MANY}/submissions", json=answers, headers={"Idempotency-Key": "lampiran-1"}
    )
    assert filed.status_code == 201, filed.text
    case = case_of(many.engine, filed.json()["reference"])
    assert [ref["id"] for ref in case.answers["lampiran"]] == sent
    assert [ref["content_type"] for ref in case.answers["lampiran"]] == [
        "application/pdf",
        "image/jpeg",
    ]
    kept = rows(many.engine)
    assert {(a.id, a.submission_id, a.field_key) for a in kept.values()} == {
        (sent[0], case.id, "lampiran"),
        (sent[1], case.id, "lampiran"),
    }
    assert holders(many.engine) == 0
    again = many.client.post(
        f"{MANY}/submissions", json=answers, headers={"Idempotency-Key": "lampiran-1"}
    )
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["reference"] == filed.json()["reference"]
    status = filed.json()["status_page_url"]
    for upload in sent:
        assert many.client.get(f"{status}/berkas/{upload}").status_code == 200


def test_a_wrong_list_of_upload_ids_is_refused_with_pointers(many: Api) -> None:
    first, second = lampiran(many), lampiran(many)
    ktp = upload_id(many, field="ktp", url=f"{MANY}/files")
    wrong: list[tuple[Any, list[tuple[str, str]]]] = [
        (first, [("/lampiran", "upload_ids")]),  # one id, not a list
        ({"id": first}, [("/lampiran", "upload_ids")]),
        ([first, second, lampiran(many), lampiran(many)], [("/lampiran", "upload_count")]),
        ([first, first], [("/lampiran/1", "upload_duplicate")]),
        ([first, new_token()], [("/lampiran/1", "upload_not_found")]),
        ([first, 5], [("/lampiran/1", "upload_id")]),
        ([ktp, second], [("/lampiran/0", "upload_other_field")]),
    ]
    for value, expected in wrong:
        response = many.client.post(f"{MANY}/submissions", json={**VALID, "lampiran": value})
        assert response.status_code == 422, value
        assert response.json()["error"] == "invalid_uploads"
        assert problems(response) == expected, value
    count = next(
        e
        for e in many.client.post(
            f"{MANY}/submissions?lang=en", json={**VALID, "lampiran": [ktp] * 4}
        ).json()["errors"]
    )
    assert count["message"]["en"] == "This field takes at most 3 files."
    # the same upload for two fields: the second naming is a duplicate
    both = many.client.post(
        f"{MANY}/submissions", json={**VALID, "ktp": ktp, "lampiran": [first, ktp]}
    )
    assert problems(both) == [("/lampiran/1", "upload_other_field")]
    assert cases(many.engine) == 0
    assert all(a.submission_id is None for a in rows(many.engine).values())  # all still free
    ok = many.client.post(f"{MANY}/submissions", json={**VALID, "lampiran": [first, second]})
    assert ok.status_code == 201, ok.text


# -- files inside a repeatable group ---------------------------------------------------------


def group_definition(slug: str = "berkas-anggota") -> dict[str, Any]:
    """The test service whose group `anggota` holds a required birth certificate per member
    and up to 2 optional photos."""
    definition = variant(slug)
    group = next(f for f in definition["form"]["pages"][0]["fields"] if f["key"] == "anggota")
    group["fields"].extend(
        [
            {
                "key": "akta",
                "type": "file",
                "label": "Akta kelahiran",
                "required": True,
                "accept": ["application/pdf", "image/jpeg"],
            },
            {
                "key": "foto_anggota",
                "type": "file",
                "label": "Foto",
                "accept": ["image/jpeg"],
                "max_files": 2,
            },
        ]
    )
    return definition


@pytest.fixture
def grouped(api: Api) -> Api:
    publish(api.engine, group_definition())
    return api


def akta(api: Api, content: bytes = PDF) -> str:
    return upload_id(api, content, field="akta", url=f"{GROUP}/files")


def test_files_inside_group_items_are_filed_under_the_items_names(grouped: Api) -> None:
    schema = grouped.client.get(f"{GROUP}/schema").json()
    item = schema["properties"]["anggota"]["items"]["properties"]
    assert item["akta"]["type"] == "string" and item["akta"]["x-loket-upload"]["field"] == "akta"
    assert item["foto_anggota"]["type"] == "array"
    first, second = akta(grouped), akta(grouped, JPEG)
    photo = upload_id(grouped, JPEG, field="foto_anggota", url=f"{GROUP}/files")
    members = [
        {},  # an empty item is dropped: the next one is the case's first
        {"nama_anggota": "Ani", "akta": first, "foto_anggota": [photo]},
        {"nama_anggota": "Budi", "akta": second},
    ]
    filed = grouped.client.post(
        f"{GROUP}/submissions",
        json={**VALID, "anggota": members},
        headers={"Idempotency-Key": "anggota-berkas-1"},
    )
    assert filed.status_code == 201, filed.text
    case = case_of(grouped.engine, filed.json()["reference"])
    stored = case.answers["anggota"]
    assert [m["nama_anggota"] for m in stored] == ["Ani", "Budi"]
    assert (stored[0]["akta"]["id"], stored[1]["akta"]["id"]) == (first, second)
    assert stored[0]["foto_anggota"][0]["id"] == photo
    assert stored[1]["akta"]["content_type"] == "image/jpeg"
    assert {a.id: (a.submission_id, a.field_key) for a in rows(grouped.engine).values()} == {
        first: (case.id, "anggota.0.akta"),
        photo: (case.id, "anggota.0.foto_anggota"),
        second: (case.id, "anggota.1.akta"),
    }
    assert holders(grouped.engine) == 0
    again = grouped.client.post(
        f"{GROUP}/submissions",
        json={**VALID, "anggota": members},
        headers={"Idempotency-Key": "anggota-berkas-1"},
    )
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    status = filed.json()["status_page_url"]
    assert grouped.client.get(f"{status}/berkas/{second}").content == JPEG


def test_wrong_uploads_inside_group_items_are_refused_with_pointers(grouped: Api) -> None:
    first, second = akta(grouped), akta(grouped)
    ktp = upload_id(grouped, field="ktp", url=f"{GROUP}/files")
    photo = upload_id(grouped, JPEG, field="foto_anggota", url=f"{GROUP}/files")

    def send(*members: dict[str, Any]) -> Any:
        return grouped.client.post(f"{GROUP}/submissions", json={**VALID, "anggota": list(members)})

    wrong = [
        (
            send({"nama_anggota": "Ani", "akta": first}, {"nama_anggota": "Budi", "akta": first}),
            [("/anggota/1/akta", "upload_duplicate")],
        ),
        (send({"nama_anggota": "Ani", "akta": ktp}), [("/anggota/0/akta", "upload_other_field")]),
        (
            send({"nama_anggota": "Ani", "akta": new_token()}),
            [("/anggota/0/akta", "upload_not_found")],
        ),
        (send({"nama_anggota": "Ani", "akta": {"id": first}}), [("/anggota/0/akta", "upload_id")]),
        (
            send({"nama_anggota": "Ani", "akta": first, "foto_anggota": photo}),
            [("/anggota/0/foto_anggota", "upload_ids")],
        ),
        (
            send({"nama_anggota": "Ani", "akta": first, "foto_anggota": [photo, photo]}),
            [("/anggota/0/foto_anggota/1", "upload_duplicate")],
        ),
        (
            send({"nama_anggota": "Ani", "akta": first, "foto_anggota": [photo] * 3}),
            [("/anggota/0/foto_anggota", "upload_count")],
        ),
    ]
    for response, expected in wrong:
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "invalid_uploads"
        assert problems(response) == expected
        assert all(e["key"] == "anggota" for e in response.json()["errors"])
    missing = send({"nama_anggota": "Ani"})
    assert missing.status_code == 422 and missing.json()["error"] == "invalid_answers"
    assert problems(missing) == [("/anggota/0/akta", "required")]
    assert cases(grouped.engine) == 0
    ok = send({"nama_anggota": "Ani", "akta": first}, {"nama_anggota": "Budi", "akta": second})
    assert ok.status_code == 201, ok.text


def test_an_upload_for_a_group_file_is_bound_to_that_field(grouped: Api) -> None:
    """The upload of a group's file names the child field; a top-level field cannot use it."""
    held = upload_id(grouped, field="akta", url=f"{GROUP}/files")
    response = grouped.client.post(f"{GROUP}/submissions", json={**VALID, "ktp": held})
    assert problems(response) == [("/ktp", "upload_other_field")]
    assert "(akta)" in response.json()["errors"][0]["message"]["en"]
    refused = grouped.client.post(
        f"{GROUP}/files", files={"akta": ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "x/y")}
    )
    assert refused.status_code == 415 and problems(refused) == [("/akta", "bad_type")]


# -- the officer downloads each --------------------------------------------------------------


@pytest.fixture
def office(engine: Engine, tmp_path: Path) -> Iterator[Office]:
    """The back office with a domisili variant whose family members each bring a file."""
    built = build_office(engine, tmp_path / "data")
    definition = copy.deepcopy(load_example(DOMISILI.split("/")[-1]))
    definition["id"] = "domisili-keluarga"
    definition["form"]["pages"][0]["fields"].append(
        {
            "key": "anggota",
            "type": "group",
            "label": "Anggota keluarga",
            "max_items": 3,
            "fields": [
                {"key": "nama_anggota", "type": "text", "label": "Nama", "required": True},
                {
                    "key": "akta",
                    "type": "file",
                    "label": "Akta kelahiran",
                    "required": True,
                    "accept": ["application/pdf", "image/jpeg"],
                },
            ],
        }
    )
    with Session(built.engine) as session:
        store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
    yield built
    for client in built.clients:
        client.close()
    built.engine.dispose()


def test_an_officer_downloads_each_group_file(office: Office) -> None:
    base = f"{PREFIX}/services/disdukcapil/domisili-keluarga"
    client = office.client()
    contents = {"ktp": JPEG, "kk": PDF, "rt": PDF + b"rt", "a0": PDF + b"0", "a1": JPEG + b"1"}
    ids: dict[str, str] = {}
    for name, content in contents.items():
        field = {"ktp": "berkas_ktp", "kk": "berkas_kk", "rt": "berkas_pengantar_rt"}
        response = client.post(
            f"{base}/files", files={field.get(name, "akta"): (f"{name}.bin", content, "x/y")}
        )
        assert response.status_code == 201, response.text
        ids[name] = response.json()["upload"]
    sent = {
        **copy.deepcopy(DOMISILI_ANSWERS),
        "berkas_ktp": ids["ktp"],
        "berkas_kk": ids["kk"],
        "berkas_pengantar_rt": ids["rt"],
        "anggota": [
            {"nama_anggota": "Ani", "akta": ids["a0"]},
            {"nama_anggota": "Budi", "akta": ids["a1"]},
        ],
    }
    filed = client.post(f"{base}/submissions", json=sent)
    assert filed.status_code == 201, filed.text
    with office.session() as session:
        case = session.exec(
            select(Submission).where(Submission.reference == filed.json()["reference"])
        ).one()
        names = {
            a.id: a.field_key
            for a in session.exec(select(Attachment).where(Attachment.submission_id == case.id))
        }
    assert names[ids["a0"]] == "anggota.0.akta" and names[ids["a1"]] == "anggota.1.akta"
    officer = office.login("petugas.uji")
    page = officer.get(f"/kantor/kasus/{case.id}")
    assert page.status_code == 200
    for name in ("a0", "a1"):
        link = f"/kantor/kasus/{case.id}/berkas/{ids[name]}"
        assert link in page.text
        download = officer.get(link)
        assert download.status_code == 200 and download.content == contents[name]
    other = office.login("petugas.dinsos")
    assert other.get(f"/kantor/kasus/{case.id}/berkas/{ids['a0']}").status_code == 404


def test_an_upload_for_a_hidden_field_of_an_item_is_not_claimed(api: Api) -> None:
    """An item's file field shown only for some answers of the item: an upload named where it
    is hidden is neither checked nor claimed, as for a hidden top-level field."""
    definition = group_definition("berkas-anggota-bersyarat")
    group = next(f for f in definition["form"]["pages"][0]["fields"] if f["key"] == "anggota")
    akta_spec = next(f for f in group["fields"] if f["key"] == "akta")
    akta_spec["visible_if"] = {"field": "umur_anggota", "lt": 18}
    publish(api.engine, definition)
    base = f"{PREFIX}/services/{AGENCY}/berkas-anggota-bersyarat"
    child, adult = (upload_id(api, field="akta", url=f"{base}/files") for _ in range(2))
    members = [
        {"nama_anggota": "Ani", "umur_anggota": 7, "akta": child},
        {"nama_anggota": "Budi", "umur_anggota": 40, "akta": adult},  # hidden: dropped
        {"nama_anggota": "Citra", "umur_anggota": 50, "akta": "bukan-id"},  # hidden: unchecked
    ]
    filed = api.client.post(f"{base}/submissions", json={**VALID, "anggota": members})
    assert filed.status_code == 201, filed.text
    stored = case_of(api.engine, filed.json()["reference"]).answers["anggota"]
    assert stored[0]["akta"]["id"] == child and "akta" not in stored[1] and "akta" not in stored[2]
    kept = rows(api.engine)
    assert kept[child].field_key == "anggota.0.akta" and kept[child].submission_id is not None
    assert kept[adult].submission_id is None and kept[adult].field_key == "akta"  # still free
