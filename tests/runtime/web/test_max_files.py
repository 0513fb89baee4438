"""A file field that takes several files: chosen at once, kept as a list, filed with the case."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from runtime.models import Attachment
from tests.kit import csrf
from tests.runtime.api.conftest import DEFINITION

from .conftest import JPEG, PDF, Loket, attr, error_texts, parse

SLUG = "contoh/layanan-banyak-berkas"


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-banyak-berkas"
    definition["form"] = {
        "pages": [
            {
                "id": "berkas",
                "title": "Berkas",
                "fields": [
                    {
                        "key": "bukti",
                        "type": "file",
                        "label": "Foto bukti",
                        "required": True,
                        "accept": ["image/jpeg", "application/pdf"],
                        "max_files": 3,
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


def _post(citizen: Any, page: Any, files: list[tuple[str, bytes, str]]) -> Any:
    form = [("bukti", f) for f in files]
    return citizen.client.post(
        attr(parse(page).css_first("main form"), "action") or page.url.path,
        data={"csrf_token": csrf(page)},
        files=form,
    )


@pytest.mark.postgres
def test_several_files_are_kept_and_filed(make_loket: Callable[..., Loket]) -> None:
    loket = make_loket([_definition()])
    citizen = loket.citizen(SLUG)
    first = citizen.start()
    box = parse(first).css_first("input[name=bukti]")
    assert "multiple" in box.attributes
    assert "Boleh sampai 3 berkas sekaligus." in parse(first).css_first("#f-bukti-hint").text()

    too_many = _post(citizen, first, [("a.pdf", PDF, "application/pdf")] * 4)
    assert too_many.status_code == 422
    assert error_texts(parse(too_many)) == ["Pilih paling banyak 3 berkas."]

    saved = _post(
        citizen, first, [("a.pdf", PDF, "application/pdf"), ("b.jpg", JPEG, "image/jpeg")]
    )
    assert saved.status_code == 303, saved.text[:500]
    again = citizen.get(f"{citizen.base}/isi/berkas")
    current = parse(again).css_first("#f-bukti-current").text()
    assert "a.pdf, b.jpg" in current

    check = citizen.follow(saved)
    assert check.url.path.endswith("/periksa")
    assert "a.pdf" in check.text and "b.jpg" in check.text
    receipt = citizen.submit(check)
    assert receipt.status_code == 303, receipt.text[:500]
    (case,) = loket.submissions()
    assert [f["name"] for f in case.answers["bukti"]] == ["a.pdf", "b.jpg"]
    with loket.session() as session:
        filed = session.exec(select(Attachment).where(Attachment.submission_id == case.id)).all()
        assert sorted(a.original_name for a in filed) == ["a.pdf", "b.jpg"]
        assert {a.id for a in filed} == {f["id"] for f in case.answers["bukti"]}
        # the files of the first, refused attempt are not kept
        assert len(session.exec(select(Attachment)).all()) == 2
