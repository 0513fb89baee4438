"""A case filed through the JSON API with files inside group items, sent back for correction:
the citizen's correction form (the HTML pages, no JavaScript) shows each item's files, and
sending the correction without choosing them again keeps them on the case.

SQLite, and PostgreSQL when LOKET_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from runtime import auth
from runtime.casework import cases
from runtime.casework.workflow import Actor
from runtime.models import Attachment, Submission
from tests import kit
from tests.runtime.api.conftest import VALID, Api, publish
from tests.runtime.api.test_api_files import JPEG, upload_id
from tests.runtime.api.test_api_many_files import GROUP, akta, case_of, group_definition
from tests.runtime.web.conftest import attr, form_values, the_form


@pytest.fixture
def grouped(api: Api) -> Api:
    """The test service whose group items hold files, published."""
    publish(api.engine, group_definition())
    return api


def _send_back(api: Api, case: Submission) -> None:
    with Session(api.engine) as session:
        officer = auth.create_user(
            session,
            username="petugas.uji",
            display_name="Petugas",
            password="kalimat-sandi-yang-panjang-sekali",
        )
        session.commit()
        assert officer.id is not None
        cases.apply_transition(
            session,
            case_id=case.id,
            actor=Actor.user(officer.id, ["petugas"]),
            action="minta_perbaikan",
            comment="Nama anggota kedua salah ketik.",
            expected_row_version=case.row_version,
            calendar=api.app.state.calendar,
        )


def _post_page(api: Api, page: Any, overrides: dict[str, str] | None = None) -> Any:
    """Post a page's form as a browser would, with no file chosen."""
    doc = kit.page(page)
    form = the_form(doc)
    data: dict[str, list[str]] = {}
    for name, value in form_values(form):
        data.setdefault(name, []).append(value)
    for name, value in (overrides or {}).items():
        data[name] = [value]
    action = attr(form, "action") or str(page.url.path)
    return api.client.post(action, data=data, follow_redirects=False)


def test_correcting_an_api_case_keeps_the_files_of_its_group_items(grouped: Api) -> None:
    first, second = akta(grouped), akta(grouped, JPEG)
    photo = upload_id(grouped, JPEG, field="foto_anggota", url=f"{GROUP}/files")
    members = [
        {"nama_anggota": "Ani", "akta": first, "foto_anggota": [photo]},
        {"nama_anggota": "Bdui", "akta": second},
    ]
    filed = grouped.client.post(f"{GROUP}/submissions", json={**VALID, "anggota": members})
    assert filed.status_code == 201, filed.text
    case = case_of(grouped.engine, filed.json()["reference"])
    filed_files = {m["akta"]["name"] for m in case.answers["anggota"]}
    _send_back(grouped, case)

    status_url = filed.json()["status_page_url"]
    status = grouped.client.get(status_url)
    assert status.status_code == 200
    doc = kit.page(status)
    start = next(f for f in doc.css("form") if attr(f, "action").endswith("/perbaiki"))
    started = grouped.client.post(
        attr(start, "action"), data={"csrf_token": kit.csrf(doc)}, follow_redirects=False
    )
    assert started.status_code == 303, started.text[:1000]
    page = grouped.client.get(started.headers["location"])
    assert page.status_code == 200, page.text[:1000]

    # the first page holds the group, its items folded to a line each; opened, each item
    # shows the files it was filed with
    form = the_form(kit.page(page))
    assert form.css_first("#f-anggota-0") is not None and form.css_first("#f-anggota-1")
    for index in (0, 1):
        opened = _post_page(grouped, page, {"_action": f"edit:anggota:{index}"})
        if opened.status_code == 303:
            opened = grouped.client.get(opened.headers["location"])
        assert opened.status_code == 200, opened.text[:1000]
        page = opened
        form = the_form(kit.page(page))
        stored = case.answers["anggota"][index]
        shown = form.css_first(f"#f-anggota-{index}-akta-current")
        assert shown is not None, f"item {index} does not show its file"
        assert stored["akta"]["name"] in shown.text(deep=True)
        if index == 0:
            photos = form.css_first("#f-anggota-0-foto_anggota-current")
            assert photos is not None, "the first item's photos"
            assert stored["foto_anggota"][0]["name"] in photos.text(deep=True)

    # the correction: the second member's name, no file chosen again
    response = _post_page(grouped, page, {"anggota.1.nama_anggota": "Budi"})
    for _ in range(5):
        assert response.status_code == 303, [
            (a.text(deep=True), attr(a, "href"))
            for a in kit.page(response).css("#error-summary a, .msg")
        ]
        location = response.headers["location"]
        page = grouped.client.get(location)
        assert page.status_code == 200, page.text[:1000]
        if location.endswith("/periksa"):
            break
        response = _post_page(grouped, page)
    check = kit.page(page)
    for name in filed_files:
        assert name in check.css_first("main").text(deep=True)
    sent = _post_page(grouped, page, {"setuju": "ya"})
    assert sent.status_code == 303, sent.text[:3000]
    assert sent.headers["location"].endswith("?terkirim=perbaikan")

    after = case_of(grouped.engine, filed.json()["reference"])
    assert after.state == "diajukan" and after.row_version == case.row_version + 2
    items = after.answers["anggota"]
    assert [m["nama_anggota"] for m in items] == ["Ani", "Budi"]
    assert (items[0]["akta"]["id"], items[1]["akta"]["id"]) == (first, second)
    assert items[0]["foto_anggota"][0]["id"] == photo
    with Session(grouped.engine) as session:
        rows = {a.id: (a.submission_id, a.field_key) for a in session.exec(select(Attachment))}
    assert rows == {
        first: (case.id, "anggota.0.akta"),
        photo: (case.id, "anggota.0.foto_anggota"),
        second: (case.id, "anggota.1.akta"),
    }
    assert grouped.client.get(f"{status_url}/berkas/{second}").content == JPEG
